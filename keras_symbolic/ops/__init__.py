"""Primitives: LIES unit activations and the SymbolNet operator library.

Imported lazily (PEP 562), so that the pure SymPy/NumPy side (``keras_symbolic.symbolic``) can use the
operator library's SymPy/NumPy forms without importing Keras.
"""
import importlib

_EXPORTS = {
    "keras_symbolic.ops.lies_ops": [
        "EXP_CUTOFF", "LOG_CUTOFF", "LIES_ACTIVATIONS", "REFERENCE_UNIT_ORDER", "domain_penalty",
        "lies_exp", "lies_identity", "lies_log", "lies_sin",
    ],
    "keras_symbolic.ops.symbolnet_ops": [
        "UNARY_OPERATORS", "BINARY_OPERATORS", "get_operator", "register_operator", "ste_step", "sparsity_decay",
    ],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'keras_symbolic.ops' has no attribute {name!r}")
