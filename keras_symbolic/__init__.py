"""keras-symbolic: discover compact formulas from data with Keras 3 networks (LIES, SymbolNet).

The top-level names are imported lazily, so ``import keras_symbolic`` is cheap and the pure
SymPy/NumPy modules (``keras_symbolic.symbolic``) never pull in Keras.
"""
import importlib
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"

_EXPORTS = {
    "LIESRegressor": "keras_symbolic.estimators.lies",
    "SymbolicRegressor": "keras_symbolic.estimators.symbolic",
    "SymbolNetRegressor": "keras_symbolic.estimators.symbolnet",
    "SymbolNetClassifier": "keras_symbolic.estimators.symbolnet",
    "LIESLayer": "keras_symbolic.layers.lies",
    "NodeBridge": "keras_symbolic.layers.lies",
    "SymbolicLayer": "keras_symbolic.layers.symbolic",
    "ThresholdMask": "keras_symbolic.layers.threshold",
    "LIESNetwork": "keras_symbolic.models.lies",
    "build_lies_network": "keras_symbolic.models.lies",
    "build_symbolnet": "keras_symbolic.models.symbolnet_builder",
    "ADMMCallback": "keras_symbolic.callbacks.admm",
    "LIESConfig": "keras_symbolic.pipelines.lies_config",
    "LIESSchedule": "keras_symbolic.pipelines.lies_config",
    "run_lies": "keras_symbolic.pipelines.lies",
    "plot_training_curves": "keras_symbolic.results.training_curves",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'keras_symbolic' has no attribute {name!r}")
