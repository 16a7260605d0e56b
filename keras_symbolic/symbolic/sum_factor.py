"""Put back a sum that the log-space network could only approximate: a ``(1 + k u)**p`` factor.

LIES works on ``ln|x|``, where products and powers are linear, so a factor such as
``1/sqrt(1 - v**2/c**2)`` or ``1/(1 + chi)`` comes out as a power law with small exponents, or a
power law times exp/sin corrections, that fits to R^2 ~ 0.997-0.9999 with the wrong structure. This
search keeps the variables the extracted formula ``f`` uses and fits, in log space, the family::

    ln|y| = c0 + sum_i a_i ln x_i + p ln(1 + k u(x)),     u = prod_{j in S} x_j**b_j

over the monomials ``u`` of one to three of those variables with exponents ``b`` in
``{+-1, +-2}``, and the plain power law (no factor). For a
fixed ``u`` and ``k`` the model is linear in ``(c0, a, p)`` and is solved by least squares
(:func:`numpy.linalg.lstsq`), so only ``k`` is searched: a grid on each sign (``k < 0`` stays above
``-1/max(u)``, so the logarithm exists on every row), refined by
:func:`scipy.optimize.minimize_scalar`. The best structures then have their exponents rounded to
integers or halves and ``k`` and ``exp(c0)`` to simple fractions, each rounding kept only if the
log-space residual stays within a factor 10 (or below ``1e-12`` per row) of the unrounded fit.

Returns candidate formulas for the pipeline's candidate table; the pipeline's selection decides.
Not in the LIES paper (this project's addition, switched off with the rounding ablation). Every step
is NumPy/SciPy; SymPy only builds the result, and the whole search is bounded by ``timeout``.
"""
from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction

import numpy as np
import sympy as sp
from scipy.optimize import minimize_scalar

from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit

__all__ = ["sum_factor_search", "monomials"]

_EXPONENTS = (-2, -1, 1, 2)
_MAX_POWER = 6.0


def monomials(n_vars: int, max_vars: int = 3) -> list[tuple[tuple[int, int], ...]]:
    """Exponent patterns ``((var, b), ...)`` of ``u`` over 1..``max_vars`` of ``n_vars`` variables,
    fewest variables first.

    Both ``u`` and ``1/u`` are listed: with ``k < 0`` they are different families (``gamma - 1`` is
    ``gamma (1 - 1/gamma)``, and ``1 - gamma`` has no real power when ``gamma > 1``).
    """
    out = []
    for size in range(1, max_vars + 1):
        for chosen in itertools.combinations(range(n_vars), size):
            for exps in itertools.product(_EXPONENTS, repeat=size):
                out.append(tuple(zip(chosen, exps)))
    return out


def _solve(A_base, t, z):
    """Least squares of ``t`` on ``[A_base, z]``: ``(coefficients, residual sum of squares)``."""
    A = np.column_stack([A_base, z])
    coef, *_ = np.linalg.lstsq(A, t, rcond=None)
    r = t - A @ coef
    return coef, float(r @ r)


def _k_grid(u: np.ndarray, n_grid: int) -> np.ndarray:
    """Values of ``k`` to try: positive ones around ``1/median(u)``, negative ones in ``(-1/max u, 0)``."""
    pos = np.logspace(-3, 3, n_grid) / float(np.median(u))
    neg = -np.logspace(-3, math.log10(0.9999), n_grid) / float(np.max(u))
    return np.concatenate([pos, neg])


def _best_k(A_base, t, u, k0):
    """Refine ``k`` (keeping its sign) by a bounded scalar search on ``ln|k|`` around ``k0``."""
    sign = 1.0 if k0 > 0 else -1.0
    upper = math.log(abs(k0)) + 3.0 if sign > 0 else math.log(0.999999 / float(np.max(u)))
    lower = math.log(abs(k0)) - 3.0

    def rss(s):
        z = np.log1p(sign * math.exp(s) * u)
        return _solve(A_base, t, z)[1] if np.all(np.isfinite(z)) else math.inf

    res = minimize_scalar(rss, bounds=(lower, max(upper, lower + 1e-9)), method="bounded",
                          options={"xatol": 1e-10, "maxiter": 200})
    start = rss(math.log(abs(k0)))
    return (sign * math.exp(res.x), res.fun) if res.fun <= start else (k0, start)


def _simple(value: float, max_denominator: int = 12) -> Fraction:
    return Fraction(value).limit_denominator(max_denominator)


def _simple_numbers(value: float, max_denominator: int = 12) -> list:
    """Nearby simple numbers to try for ``value``: a fraction, then fractions times ``pi**e``."""
    out = [sp.Rational(*_simple(value, max_denominator).as_integer_ratio())]
    for e in (1, 2, -1, -2):
        ratio = _simple(value / math.pi ** e, max_denominator)
        if ratio != 0:
            out.append(sp.Rational(*ratio.as_integer_ratio()) * sp.pi ** e)
    return [v for v in out if v != 0]


def _snapped_scale(rest: np.ndarray, c0: float, allowed: float):
    """``c0`` (the log of the scale), or the scale as a simple SymPy number when the log-space
    residual ``rest - ln(scale)`` keeps its sum of squares within ``allowed``."""
    if not abs(c0) < 700:
        return c0
    for scale in _simple_numbers(math.exp(c0)):
        if float(scale) > 0 and float(np.sum((rest - math.log(float(scale))) ** 2)) <= allowed:
            return scale
    return c0


def _round_structure(L, t, u, k, coef, tolerance_factor=10.0):
    """Round exponents to halves (then ``k``, then the scale) where the log-space fit allows.

    ``coef`` is ``(c0, a_1..a_m, p)``. Returns ``(c0, a, p, k, rss)``: exponents as Fractions where
    rounded (floats otherwise), ``k`` a SymPy number or a float, and ``c0`` the log of the scale, or
    the scale itself as a SymPy number when it snapped to a simple one.
    """
    m = L.shape[1]
    a, p = list(coef[1:m + 1]), coef[m + 1]
    c0 = coef[0]
    base_rss = float(np.sum((t - c0 - L @ np.asarray(a, float) - p * np.log1p(k * u)) ** 2))
    floor = 1e-12 * len(t)  # log-space residual ~1e-6 per row: exact up to the fit's round-off
    allowed = max(tolerance_factor * base_rss, floor)

    def fit_rest(a_fixed, p_fixed, k_fixed):
        rest = t - L @ np.asarray([float(v) for v in a_fixed]) - float(p_fixed) * np.log1p(k_fixed * u)
        c = float(np.mean(rest))
        return c, float(np.sum((rest - c) ** 2))

    a_round = [_simple(round(2 * v) / 2) if abs(2 * v - round(2 * v)) < 0.2 else v for v in a]
    p_round = _simple(round(2 * p) / 2) if abs(2 * p - round(2 * p)) < 0.2 else p
    # with rounded exponents, k is re-searched (its best value moves with them)
    if all(isinstance(v, Fraction) for v in a_round) and isinstance(p_round, Fraction):
        def rss_k(s):
            kk = math.copysign(math.exp(s), k)
            if kk < 0 and kk * float(np.max(u)) <= -1:
                return math.inf
            return fit_rest(a_round, p_round, kk)[1]

        lo, hi = math.log(abs(k)) - 2.0, math.log(abs(k)) + 2.0
        if k < 0:
            hi = min(hi, math.log(0.999999 / float(np.max(u))))
        res = minimize_scalar(rss_k, bounds=(lo, max(hi, lo + 1e-9)), method="bounded",
                              options={"xatol": 1e-12, "maxiter": 300})
        k_new = math.copysign(math.exp(res.x), k)
        c_new, rss_new = fit_rest(a_round, p_round, k_new)
        if rss_new <= allowed:
            a, p, k, c0, base_rss = a_round, p_round, k_new, c_new, rss_new
    # k as a simple fraction, or a simple fraction times pi**e, when the fit does not mind
    for k_simple in _simple_numbers(k):
        k_value = float(k_simple)
        if k_value > 0 or k_value * float(np.max(u)) > -1:
            c_try, rss_try = fit_rest(a, p, k_value)
            if rss_try <= max(tolerance_factor * base_rss, floor):
                k, c0, base_rss = k_simple, c_try, rss_try
                break
    rest = t - L @ np.asarray([float(v) for v in a]) - float(p) * np.log1p(float(k) * u)
    c0 = _snapped_scale(rest, c0, max(tolerance_factor * base_rss, floor))
    return c0, a, p, k, base_rss


def _as_sympy(c0, a, p, k, pattern, symbols):
    def num(v):
        if isinstance(v, Fraction):
            return sp.Rational(v.numerator, v.denominator)
        return v if isinstance(v, sp.Basic) else sp.Float(v, 15)

    # exp(c0) in SymPy's own precision: a column far from 1 (calendar years) can need a scale far beyond
    # a double (exp(-2000) or exp(2000)); such a formula then simply fails to evaluate and is scored out
    scale_expr = c0 if isinstance(c0, sp.Basic) else sp.exp(sp.Float(c0, 15)).evalf(15)
    power_law = sp.Mul(*[s ** num(e) for s, e in zip(symbols, a)])
    if p is None:
        return scale_expr * power_law
    u = sp.Mul(*[symbols[j] ** b for j, b in pattern])
    return scale_expr * power_law * (1 + num(k) * u) ** num(p)


def _power_law(L, t):
    """Least-squares power law, exponents rounded to halves where the fit allows: ``(c0, a)``."""
    A = np.column_stack([np.ones(len(t)), L])
    coef, *_ = np.linalg.lstsq(A, t, rcond=None)
    rss = float(np.sum((t - A @ coef) ** 2))
    allowed = max(10 * rss, 1e-12 * len(t))
    a = [_simple(round(2 * v) / 2) for v in coef[1:]]
    rest = t - L @ np.asarray([float(v) for v in a])
    if float(np.sum((rest - np.mean(rest)) ** 2)) > allowed:
        a, rest = list(coef[1:]), t - L @ coef[1:]
    c0 = float(np.mean(rest))
    return _snapped_scale(rest, c0, max(allowed, float(np.sum((rest - c0) ** 2)))), a


def sum_factor_search(expr, X, y, variables, *, max_vars: int = 3, n_grid: int = 25, top: int = 3, refine: int = 12,
                      max_samples: int | None = 1000, timeout: float | None = 10.0, seed: int = 0):
    """Formulas ``C * prod x_i**a_i * (1 + k u)**p`` fitted to ``X, y`` (see the module docstring).

    Args:
        expr: the extracted formula; only its variables are used.
        X: ``(n_rows, n_vars)`` data in the column order of ``variables``; y: ``(n_rows,)``.
        max_vars: most variables in ``u``.
        n_grid: ``k`` values tried per sign.
        refine: structures (``u``, sign of ``k``) whose ``k`` is refined after the grid.
        top: refined structures rounded and returned, best log-space fit first (degenerate ones,
            whose factor only imitates a power law, are skipped).
        max_samples: rows used (a fixed random subsample beyond that).
        timeout: wall-clock bound of the whole search (``None``: none); the scan of the structures
            stops at 60 % of it, so the best ones found so far are still rounded and returned.

    Returns:
        ``(candidates, info)``: ``candidates`` a list of ``(description, expression)``, the plain
        power law first; ``info`` has ``tried`` (structures fitted), ``seconds`` and ``message``.
        Empty when the targets change sign, a used variable is not positive, or the formula uses no
        variable.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    symbols = resolve_variables(expr, variables)
    info = {"tried": 0, "message": "", "seconds": 0.0}
    X, y = prepare_data(X, y, len(symbols))
    used = [i for i, s in enumerate(symbols) if s in expr.free_symbols]
    if y is None or len(y) < 10 or not used:
        info["message"] = "no data or no variable"
        return [], info
    sign = 1.0 if np.all(y > 0) else (-1.0 if np.all(y < 0) else 0.0)
    if sign == 0.0 or np.any(X[:, used] <= 0):
        info["message"] = "targets change sign or a variable is not positive: no log-space fit"
        return [], info
    rows = subsample(len(y), max_samples, seed)
    L, t = np.log(X[rows][:, used]), np.log(sign * y[rows])
    A_base = np.column_stack([np.ones(len(t)), L])

    def build(c0, a, p=None, k=None, pattern=()):
        full_a = [0] * len(symbols)
        for j, value in zip(used, a):
            full_a[j] = value
        found = _as_sympy(c0, full_a, p, k, tuple((used[j], b) for j, b in pattern), symbols)
        return -found if sign < 0 else found

    candidates = [("power law", build(*_power_law(L, t)))]
    results = []
    scan_budget = None if timeout is None else 0.6 * timeout
    try:
        with time_limit(timeout):
            for pattern in monomials(len(used), max_vars):
                if scan_budget is not None and time.perf_counter() - t0 > scan_budget:
                    info["message"] = "scan stopped at its time budget"
                    break
                log_u = sum(b * L[:, j] for j, b in pattern)
                if np.ptp(log_u) < 1e-9:
                    continue
                u = np.exp(log_u)
                info["tried"] += 1
                best = {}
                for k in _k_grid(u, n_grid):
                    z = np.log1p(k * u)
                    if not np.all(np.isfinite(z)):
                        continue
                    _, rss = _solve(A_base, t, z)
                    if rss < best.get(k > 0, (math.inf, None))[0]:
                        best[k > 0] = (rss, k)
                results += [(rss, pattern, k, u) for rss, k in best.values()]
            results.sort(key=lambda r: r[0])
            refined = []
            for _, pattern, k, u in results[:refine]:
                k, rss = _best_k(A_base, t, u, k)
                refined.append((rss, pattern, k, u))
            refined.sort(key=lambda r: r[0])
            kept = 0
            for _, pattern, k, u in refined:
                if kept == top:
                    break
                coef, _ = _solve(A_base, t, np.log1p(k * u))
                c0, a, p, k, rss = _round_structure(L, t, u, k, coef)
                if not (isinstance(c0, sp.Basic) or abs(c0) < 700) or abs(float(p)) > _MAX_POWER or p == 0:
                    continue  # degenerate (tiny k, huge p imitating a power law) or no factor at all
                kept += 1
                u_text = "*".join(f"{symbols[used[j]]}**{b}" for j, b in pattern)
                candidates.append((f"(1 + k*{u_text})**p factor, log-space rss {rss:.3g}", build(c0, a, p, k, pattern)))
    except SymbolicTimeout:
        info["message"] = "timed out; the structures finished so far are kept"
    info["seconds"] = time.perf_counter() - t0
    return candidates, info
