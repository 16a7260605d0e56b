"""Value-preserving clean-up of a formula: merged and integer constants, a bounded ``sympy.simplify``.

:func:`tidy_constants` is cosmetic and exact (``1.0*x -> x``, numeric factors of a product with a
float merge into one float). :func:`bounded_simplify` runs ``sympy.simplify`` within a time limit
and keeps its result only when it is not larger (tree nodes) and, given data, numerically equal to
the input on the finite rows.
"""
from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample, to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit

__all__ = ["tidy_constants", "bounded_simplify", "without_round_off", "ROUND_OFF"]


def bounded_simplify(expr, X=None, variables=None, *, timeout: float | None = 10.0, max_nodes: int = 400,
                     rtol: float = 1e-6):
    """``sympy.simplify`` within ``timeout`` seconds, skipped above ``max_nodes`` tree nodes.

    The simplified form is kept only when it is not larger (node count) and, if ``X`` is given,
    numerically equal to the input on the finite rows (relative tolerance ``rtol``), which guards
    against assumption-dependent rewrites. Otherwise the input comes back.

    Returns:
        ``(expr, info)`` with ``info = {applied, message, seconds}``.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    info = {"applied": False, "message": "", "seconds": 0.0}
    size = expression_complexity(expr)
    if size > max_nodes:
        info["message"] = f"skipped: {size} nodes > {max_nodes}"
    else:
        try:
            with time_limit(timeout):
                candidate = sp.simplify(expr)
                ok = expression_complexity(candidate) <= size
                if ok and X is not None and variables is not None:
                    symbols = resolve_variables(expr, variables)
                    Xc, _ = prepare_data(X, None, len(symbols))
                    Xc = Xc[subsample(Xc.shape[0], 2000, 0)]
                    a = to_callable(expr, symbols)(Xc)
                    b = to_callable(candidate, symbols)(Xc)
                    fa = np.isfinite(a)
                    ok = bool(np.array_equal(fa, np.isfinite(b))) and bool(
                        np.all(np.abs(a[fa] - b[fa]) <= rtol * (1.0 + np.abs(a[fa]))))
                if ok:
                    expr = candidate
                    info["applied"] = True
                    info["message"] = "simplified"
                else:
                    info["message"] = "simplify result rejected (larger or numerically different)"
        except SymbolicTimeout:
            info["message"] = f"simplify timed out after {timeout:g} s: input kept"
        except Exception as exc:  # noqa: BLE001
            info["message"] = f"simplify failed ({type(exc).__name__}): input kept"
    info["seconds"] = time.perf_counter() - t0
    return expr, info


#: A float within this relative distance of a short number is that number left with round-off on it.
ROUND_OFF = 1e-9


def _without_round_off(value: float) -> sp.Expr | None:
    """The decimal of at most 6 significant digits, else the fraction ``p/q`` (``q <= 100``), that
    ``value`` is up to :data:`ROUND_OFF` (relative); ``None`` when it is neither (a fitted number:
    every float is within ``1e-9`` of its 10-digit rounding, so longer decimals would only cut digits)."""
    if value == 0 or not math.isfinite(value):
        return None
    for digits in range(1, 7):
        short = float(f"{value:.{digits}g}")
        if abs(short - value) <= ROUND_OFF * abs(value):
            if short.is_integer() and abs(short) < 1e15:
                return sp.Integer(int(short))
            return None if short == value else sp.Float(short)
    near = Fraction(value).limit_denominator(100)
    if abs(value - float(near)) <= ROUND_OFF * abs(value):
        return sp.Rational(near.numerator, near.denominator)
    return None


def without_round_off(expr):
    """Every float of ``expr`` that is a simple fraction or a short decimal up to float round-off
    (:data:`ROUND_OFF`, relative) written as that number: ``9.80999999999992 -> 9.81``,
    ``0.0333333333333333 -> 1/30``, ``2.00000000000001 -> 2``. Cosmetic: no value moves by more than
    ``1e-9`` of itself."""
    expr = sp.sympify(expr)
    clean = {f: c for f in expr.atoms(sp.Float) if (c := _without_round_off(float(f))) is not None}
    return expr.xreplace(clean) if clean else expr


def tidy_constants(expr):
    """Cosmetic, value-preserving clean-up of constants.

    * a float that is an integer (``1.0``, ``2.0``) becomes that Integer (so ``1.0*x -> x``);
    * in a product with a Float factor, the numeric factors merge into one Float
      (``0.7316*exp(5/16)*x -> 0.99997*x``), so a formula shows one constant where there is one.
    """
    expr = sp.sympify(expr)
    ints = {f: sp.Integer(int(f)) for f in expr.atoms(sp.Float) if float(f).is_integer() and abs(float(f)) < 1e15}
    if ints:
        expr = expr.xreplace(ints)

    def merge(mul):
        numbers = [a for a in mul.args if a.is_number]
        if len(numbers) < 2 or not any(a.is_Float for a in numbers):
            return mul  # exact factors (5/63, sqrt(2)*pi) stay exact
        value = complex(sp.N(sp.Mul(*numbers), 15))
        if value.imag != 0 or not math.isfinite(value.real):
            return mul
        return sp.Mul(sp.Float(value.real, 15), *[a for a in mul.args if not a.is_number])

    return expr.replace(lambda e: e.is_Mul, merge)
