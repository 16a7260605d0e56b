"""Keras callbacks: ADMM dual updates, non-finite loss guard, sparsity guard."""
from keras_symbolic.callbacks.admm import ADMMCallback, soft_threshold  # noqa: F401
from keras_symbolic.callbacks.sparsity_guard import SparsityGuard, sparsity_cap  # noqa: F401
