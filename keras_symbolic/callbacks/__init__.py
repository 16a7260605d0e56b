"""Keras callbacks: ADMM dual updates, non-finite loss guard, adaptive sparsity logging."""
from keras_symbolic.callbacks.admm import ADMMCallback, soft_threshold  # noqa: F401
