"""Value-preserving clean-up of a formula: merged and integer constants, a bounded ``sympy.simplify``.

:func:`tidy_constants` is cosmetic and exact (``1.0*x -> x``, numeric factors of a product with a
float merge into one float). :func:`bounded_simplify` runs ``sympy.simplify`` within a time limit
and keeps its result only when it is not larger (tree nodes) and, given data, numerically equal to
the input on the finite rows.
"""
from __future__ import annotations

import math
import time

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample, to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit

__all__ = ["tidy_constants", "bounded_simplify"]


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
