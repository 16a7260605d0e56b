"""Snap float constants that are nearly 0 or nearly an integer when the data agree (not in the paper).

A constant ``c`` with ``|c| < 1e-3`` becomes 0, one with ``|c - round(c)| < 1e-3`` becomes
``round(c)``, when the R^2 of the formula on the data drops by less than a tolerance (measured
exactly, not by a first-order estimate). Then one overall scale ``s = <f, y> / <f, f>`` (the least
squares solution of ``min_s |y - s f|^2``) multiplies the formula when it lifts R^2.
"""
from __future__ import annotations

import math
import time

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample, to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.symbolic.parameters import bind_parameters, parametrize
from keras_symbolic.symbolic.tidy import tidy_constants

__all__ = ["snap_constants"]


def snap_constants(expr, X, y, variables, *, tolerance: float = 1e-6, timeout: float | None = 5.0,
                   max_samples: int | None = 2000, seed: int = 0):
    """Snap float constants that are nearly 0 or nearly an integer, when the data agree.

    For each float constant ``c`` (smallest ``|c|`` first, then closest to an integer), the candidate
    is ``0`` when ``|c| < 1e-3``, else ``round(c)`` when ``|c - round(c)| < 1e-3``. It is kept when
    the formula's R^2 on the data drops by less than ``tolerance`` (measured exactly, not by a
    first-order estimate), so ``q**1.0000025 -> q`` and ``+ 3e-6*sin(x)`` disappear while a real
    small coefficient stays. This complements the paper's absolute-threshold test, which cannot
    judge constants whose derivative is large. Greedy, bounded by ``timeout``. Finally, when it lifts
    R^2 by more than ``tolerance``, one overall scale ``c = <f, y> / <f, f>`` multiplies the formula:
    rounding can leave no free constant to absorb its errors, and a constant factor never changes
    whether a formula is a symbolic solution.

    Returns ``(expr, info)`` with the snapped constants in ``info["snapped"]`` (and ``info["scale"]``).
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    symbols = resolve_variables(expr, variables)
    info = {"snapped": [], "message": ""}
    if y is None:
        info["message"] = "no targets"
        return expr, info
    X, y = prepare_data(X, y, len(symbols))
    rows = subsample(len(y), max_samples, seed)
    X, y = X[rows], y[rows]
    template, params, values = parametrize(expr)
    proposals = []
    for j, c in enumerate(values):
        if abs(c) < 1e-3:
            proposals.append((abs(c), j, sp.Integer(0)))
        elif abs(c - round(c)) < 1e-3:
            proposals.append((abs(c - round(c)), j, sp.Integer(int(round(c)))))
    ss_tot = float(np.sum((y - y.mean()) ** 2)) or 1.0
    current = list(values)

    def r2(vals):
        pred = to_callable(bind_parameters(template, params, vals), symbols)(X)
        if not np.all(np.isfinite(pred)):
            return -math.inf
        return 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot

    try:
        with time_limit(timeout):
            best = r2(current)
            for _, j, target in sorted(proposals, key=lambda t: t[0]):
                trial = list(current)
                trial[j] = target
                score = r2(trial)
                if score >= best - tolerance:
                    info["snapped"].append((float(values[j]), str(target)))
                    current, best = trial, score
    except SymbolicTimeout:
        info["message"] = "timed out; snaps accepted so far kept"
    out = bind_parameters(template, params, current)
    # Rounding can leave no free constant to absorb its small errors (every constant became a
    # Rational): fit one overall scale, in closed form, when that lifts R^2.
    pred = to_callable(out, symbols)(X)
    if np.all(np.isfinite(pred)) and float(pred @ pred) > 0:
        scale = float(pred @ y) / float(pred @ pred)
        r2_now = 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot
        r2_scaled = 1.0 - float(np.sum((y - scale * pred) ** 2)) / ss_tot
        if math.isfinite(scale) and scale != 0 and r2_scaled > r2_now + tolerance:
            out = sp.Float(scale, 15) * out
            info["scale"] = scale
    out = tidy_constants(out)
    info["seconds"] = time.perf_counter() - t0
    return out, info
