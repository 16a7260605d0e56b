"""Keras callbacks: ADMM dual updates, oversampling of badly fitted regions, sparsity guard.

The names are imported lazily, so the pure NumPy pieces of this package (``cell_grid``) can be used
without importing Keras (the benchmark's sweep process and the LIES configuration need them).
"""
import importlib

_EXPORTS = {
    "ADMMCallback": "keras_symbolic.callbacks.admm",
    "soft_threshold": "keras_symbolic.callbacks.admm",
    "OversamplingScheduler": "keras_symbolic.callbacks.oversampling",
    "RowDataset": "keras_symbolic.callbacks.row_dataset",
    "SparsityGuard": "keras_symbolic.callbacks.sparsity_guard",
    "sparsity_cap": "keras_symbolic.callbacks.sparsity_guard",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'keras_symbolic.callbacks' has no attribute {name!r}")
