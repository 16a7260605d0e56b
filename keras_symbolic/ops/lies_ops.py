"""LIES primitives: the four unit activations with their cut-offs (LIES paper III-G).

Cut-offs (SPEC 1.2), written with ``max``/``min`` so that forward and backward are exactly those of
the authors' code, with no custom gradient and no NaN:

* Log:  ``L(h) = ln(max(h, x_l))``  with ``x_l = 5e-3`` (value ``ln x_l``, zero gradient below),
* Exp:  ``E(h) = exp(min(h, x_e))`` with ``x_e = 4``   (zero gradient above),
* Sin:  ``S(h) = sin(h)``,
* Identity: ``I(h) = h``.

The unit order of the authors' code is ``[Identity, Exp, Sin, Log]`` (:data:`REFERENCE_UNIT_ORDER`).
"""
from __future__ import annotations

from keras import ops

LOG_CUTOFF = 5e-3
EXP_CUTOFF = 4.0
UNIT_NAMES = ("identity", "exp", "sin", "log")
REFERENCE_UNIT_ORDER = ("identity", "exp", "sin", "log")

__all__ = [
    "LOG_CUTOFF",
    "EXP_CUTOFF",
    "UNIT_NAMES",
    "REFERENCE_UNIT_ORDER",
    "lies_identity",
    "lies_exp",
    "lies_sin",
    "lies_log",
    "LIES_ACTIVATIONS",
    "domain_penalty",
]


def lies_identity(h):
    """``I(h) = h``."""
    return h


def lies_exp(h, cutoff: float = EXP_CUTOFF):
    """``E(h) = exp(min(h, cutoff))``."""
    return ops.exp(ops.minimum(h, cutoff))


def lies_sin(h):
    """``S(h) = sin(h)``."""
    return ops.sin(h)


def lies_log(h, cutoff: float = LOG_CUTOFF):
    """``L(h) = ln(max(h, cutoff))``."""
    return ops.log(ops.maximum(h, cutoff))


LIES_ACTIVATIONS = {"identity": lies_identity, "exp": lies_exp, "sin": lies_sin, "log": lies_log}


def domain_penalty(h_log=None, h_exp=None, log_cutoff: float = LOG_CUTOFF, exp_cutoff: float = EXP_CUTOFF):
    """Mask (domain) loss of paper eq. 13, summed over the batch (paper and authors' code agree).

    ``sum_i relu(x_l - h_log_i) + sum_i relu(h_exp_i - x_e)`` over the pre-activations of the Log and
    Exp units (either may be ``None`` when a layer has no such unit).
    """
    total = 0.0
    if h_log is not None:
        total = total + ops.sum(ops.relu(log_cutoff - h_log))
    if h_exp is not None:
        total = total + ops.sum(ops.relu(h_exp - exp_cutoff))
    return total
