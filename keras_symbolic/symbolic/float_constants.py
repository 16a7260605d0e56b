"""Exact rewrites of the float constants of a formula before a symbolic comparison.

* :func:`normalize_floats` (lossless): a float that equals, to double precision, a fraction ``p/q``
  with ``q <= 16`` becomes that :class:`~sympy.Rational` (``x**2.0 -> x**2``, ``x**0.5 -> sqrt(x)``,
  ``0.5*m -> m/2``), while ``x**1.99`` stays ``x**1.99``;
* :func:`round_constants_srbench` (SRBench's ``round_floats``): ``|c| < 10**-4 -> 0``, every other
  float to 3 decimals, as the exact decimal.
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

__all__ = ["normalize_floats", "round_constants_srbench"]

_MAX_DENOMINATOR = 16


def _as_fraction(value: float) -> Fraction | None:
    """``p/q`` (q <= 16) when it is exactly ``value`` at double precision, else ``None``."""
    if not math.isfinite(value):
        return None
    fraction = Fraction(value).limit_denominator(_MAX_DENOMINATOR)
    return fraction if float(fraction) == value else None


def normalize_floats(expr: sp.Expr) -> sp.Expr:
    """Replace floats that are exactly (at double precision) a fraction p/q, q <= 16, by Rationals.

    ``x**2.0 -> x**2``, ``x**0.5 -> sqrt(x)``, ``0.25*x -> x/4``, ``1.0*x -> x``, ``0.3*x -> 3*x/10``
    (0.3 is the double nearest 3/10); ``x**1.99``, ``x**2.0000001`` and ``0.3001*x`` are left alone.
    Lossless: every value is unchanged in float64.
    """
    replacements = {}
    for atom in expr.atoms(sp.Float):
        fraction = _as_fraction(float(atom))
        if fraction is not None:
            replacements[atom] = sp.Rational(fraction.numerator, fraction.denominator)
    return expr.xreplace(replacements) if replacements else expr


def round_constants_srbench(expr: sp.Expr, zero_below: float = 1e-4, decimals: int = 3) -> sp.Expr:
    """SRBench's constant rounding: floats with ``|c| < zero_below`` -> 0, others to ``decimals``.

    Rounded values are exact decimals (``Rational("1.235")``), so ``1.00004 -> 1`` exactly.
    Integers and Rationals are untouched, as in SRBench's ``round_floats``.
    """
    replacements = {}
    for atom in expr.atoms(sp.Float):
        value = float(atom)
        if abs(value) < zero_below:
            replacements[atom] = sp.Integer(0)
        else:
            replacements[atom] = sp.Rational(repr(round(value, decimals)))
    return expr.xreplace(replacements) if replacements else expr
