"""Primitives: LIES unit activations and the SymbolNet operator library."""
from keras_symbolic.ops.lies_ops import (  # noqa: F401
    EXP_CUTOFF,
    LIES_ACTIVATIONS,
    LOG_CUTOFF,
    REFERENCE_UNIT_ORDER,
    domain_penalty,
    lies_exp,
    lies_identity,
    lies_log,
    lies_sin,
)
