"""Fixed-point types ``ap_fixed<W,I>`` as plain Python: parse, describe, emulate (NumPy only).

An ``ap_fixed<W,I>`` number has ``W`` bits of which ``I`` are integer bits, sign included: it holds
``k * 2**-(W-I)`` for integers ``k`` in ``[-2**(W-1), 2**(W-1) - 1]``, i.e. values in
``[-2**(I-1), 2**(I-1) - 2**-(W-I)]``. ``ap_ufixed<W,I>`` drops the sign: ``[0, 2**I - 2**-(W-I)]``.
The Vivado defaults are truncation towards minus infinity (``AP_TRN``) and wrap-around on overflow
(``AP_WRAP``); :func:`quantize` emulates exactly that, element-wise, on float64 arrays.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["FixedPointType", "parse_precision", "quantize", "integer_bits_needed"]

_PATTERN = re.compile(r"^\s*(ap_)?(u?fixed)\s*<\s*(\d+)\s*,\s*(-?\d+)\s*((?:,\s*[A-Z_0-9]+\s*)*)>\s*$")


@dataclass(frozen=True)
class FixedPointType:
    """``ap_fixed<width, integer>`` (``signed=False``: ``ap_ufixed``); ``modes``: any extra template
    arguments (rounding / overflow modes), kept verbatim."""

    width: int
    integer: int
    signed: bool = True
    modes: str = ""

    @property
    def fractional(self) -> int:
        return self.width - self.integer

    @property
    def lsb(self) -> float:
        """The value of the least significant bit, ``2**-(W-I)``."""
        return 2.0 ** -self.fractional

    @property
    def min_value(self) -> float:
        return -(2.0 ** (self.integer - 1)) if self.signed else 0.0

    @property
    def max_value(self) -> float:
        top = 2.0 ** (self.integer - 1) if self.signed else 2.0 ** self.integer
        return top - self.lsb

    def __str__(self) -> str:
        name = "ap_fixed" if self.signed else "ap_ufixed"
        extra = f",{self.modes}" if self.modes else ""
        return f"{name}<{self.width},{self.integer}{extra}>"

    @property
    def slug(self) -> str:
        """A file-name-safe spelling: ``ap_fixed<18,10>`` -> ``ap_fixed_18_10``."""
        return re.sub(r"[^A-Za-z0-9]+", "_", str(self)).strip("_")


def parse_precision(text: str) -> FixedPointType:
    """``"ap_fixed<18,10>"`` (also ``fixed<18,10>``, ``ap_ufixed<...>``, extra modes) -> type.

    Raises:
        ValueError: not a fixed-point type, or ``W < 2``, ``W > 64``, ``I > W + 32``.
    """
    m = _PATTERN.match(str(text))
    if not m:
        raise ValueError(f"precision must look like ap_fixed<W,I> (e.g. ap_fixed<18,10>), got {text!r}")
    kind, width, integer, modes = m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)
    if not 2 <= width <= 64:
        raise ValueError(f"precision {text!r}: width W must be in [2, 64], got {width}")
    if integer > width + 32 or integer < -32:
        raise ValueError(f"precision {text!r}: integer bits I={integer} out of range for W={width}")
    modes = ",".join(s.strip() for s in modes.split(",") if s.strip())
    return FixedPointType(width, integer, signed=(kind == "fixed"), modes=modes)


def quantize(values, precision: FixedPointType) -> np.ndarray:
    """Emulate the default ``AP_TRN``/``AP_WRAP`` conversion of float64 ``values`` (any shape)."""
    x = np.asarray(values, dtype=np.float64)
    steps = np.floor(x / precision.lsb)
    span = 2.0 ** precision.width
    low = -(2.0 ** (precision.width - 1)) if precision.signed else 0.0
    steps = np.mod(steps - low, span) + low
    return steps * precision.lsb


def integer_bits_needed(max_abs: float, signed: bool = True) -> int:
    """Smallest ``I`` whose range holds ``[-max_abs, max_abs]`` (sign bit included when signed)."""
    if not math.isfinite(max_abs):
        raise ValueError("max_abs must be finite")
    if max_abs <= 0:
        return 1 if signed else 0
    return int(math.floor(math.log2(max_abs))) + 1 + int(signed)
