"""Keras callbacks: ADMM dual updates, oversampling of badly fitted regions, sparsity guard."""
from keras_symbolic.callbacks.admm import ADMMCallback, soft_threshold  # noqa: F401
from keras_symbolic.callbacks.oversampling import OversamplingScheduler  # noqa: F401
from keras_symbolic.callbacks.row_dataset import RowDataset  # noqa: F401
from keras_symbolic.callbacks.sparsity_guard import SparsityGuard, sparsity_cap  # noqa: F401
