"""Greedy structure search after the paper's simplification: collapse what the data do not need.

The network often extracts a formula that fits (R^2 ~ 1) but carries factors and terms that are
nearly constant over the data, or exponents a few percent off an integer, e.g.::

    5*h*omega**0.982*(log(omega**0.0185) - ... )**(3/5)*log(...)**(10/397)/12      (truth: h*omega/(2 pi))

Rounding single constants cannot remove such a sub-tree. This search proposes, for the current
formula ``f`` with ``R^2 = r`` on the data:

* **collapse**: replace one sub-tree ``S`` (not a leaf, not ``f`` itself, depending on the
  variables) by a new constant initialised at ``mean(S)`` over the data;
* **linearize**: ``exp(c x**e ...)`` with small exponents ``e`` becomes the power law
  ``e**c x**(c e)`` it approximates (:func:`_linearized_exp`);
* **exponent**: replace a numeric exponent ``e`` of a power by ``round(e)`` or ``round(2e)/2``
  (when ``|e - round(e)| < 0.25``, resp. ``< 0.15``);

then re-fits every float constant (:func:`~keras_symbolic.symbolic.coefficient_fit.fit_coefficients`).
A proposal is accepted when the formula gets smaller (tree nodes; for an exponent proposal, not
larger) and keeps
``R^2 >= r_0 - tolerance``, where ``r_0`` is the R^2 of the formula the search started from (so many
small losses cannot add up). Proposals are tried smallest-result first; the first accepted one
restarts the round (first improvement). Before a re-fit, a proposal is screened in closed form
(constants as proposed, one optimal overall scale ``<f, y> / <f, f>``) and dropped when even that
screen is far (``screen_margin``) from the bar; what passes the bar already at the screen is
accepted without a fit (the constants of the final formula are re-fitted once). Everything is bounded by ``timeout`` (SIGALRM/async exception, see
:mod:`keras_symbolic.symbolic.limits`) and ``max_rounds``.

Not in the LIES paper; switched off with the rounding ablation.
"""
from __future__ import annotations

import math
import time

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample, to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.symbolic.tidy import tidy_constants

__all__ = ["structure_search", "proposals"]


def _r2(expr, symbols, X, y, ss_tot: float, scaled: bool = False) -> float:
    """R^2 of ``expr`` on ``X, y`` (optionally after the best overall scale); ``-inf`` if not finite."""
    try:
        with np.errstate(all="ignore"):
            pred = to_callable(expr, symbols)(X)
    except Exception:  # noqa: BLE001 - a proposal that cannot be evaluated is simply rejected
        return -math.inf
    if not np.all(np.isfinite(pred)):
        return -math.inf
    with np.errstate(over="ignore", invalid="ignore"):  # far scales (1e150): an overflow is just a poor fit
        if scaled:
            norm = float(pred @ pred)
            if norm > 0:
                pred = pred * (float(pred @ y) / norm)
        r2 = 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot
    return r2 if math.isfinite(r2) else -math.inf


def _mean_value(sub, symbols, X) -> float | None:
    try:
        with np.errstate(all="ignore"):
            values = to_callable(sub, symbols)(X)
    except Exception:  # noqa: BLE001
        return None
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    mean = float(np.mean(values))
    return mean if math.isfinite(mean) else None


def _exponent_targets(e: float) -> list[sp.Rational]:
    """Integer and half-integer exponents near ``e`` (never ``e`` itself)."""
    out = []
    nearest = round(e)
    if abs(e - nearest) < 0.25:
        out.append(sp.Integer(int(nearest)))
    half = sp.Rational(int(round(2 * e)), 2)
    if half.q == 2 and abs(e - float(half)) < 0.15:
        out.append(half)
    return [t for t in out if float(t) != e]


def _linearized_exp(sub, variables, max_exponent: float = 0.2):
    """``exp(sum_k t_k)`` with some ``t_k = c prod_i x_i**e_i``, every ``|e_i| <= max_exponent``,
    rewritten as ``exp(rest) * prod_k e**c prod_i x_i**(c e_i)``; ``None`` if no term qualifies.

    ``x**e = exp(e ln x) ~ 1 + e ln x`` for small ``e``, so ``exp(c x**e) ~ e**c x**(c e)``: the
    network writes a power law as the exponential of a slightly bent power (seen on Feynman
    III.15.14: ``exp(-132.7 d**0.015)`` for ``d**-2``).
    """
    if not isinstance(sub, sp.exp):
        return None
    kept, factors = [], []
    for term in sp.Add.make_args(sub.args[0]):
        coeff, rest = term.as_coeff_Mul()
        powers = sp.Mul.make_args(rest)
        small = rest != 1 and abs(float(coeff)) < 700 and all(
            p.is_Pow and p.base in variables and p.exp.is_Number and abs(float(p.exp)) <= max_exponent
            for p in powers)
        if not small:
            kept.append(term)
            continue
        factors.append(sp.Float(math.exp(float(coeff)), 15) * sp.Mul(*[sp.Pow(p.base, coeff * p.exp) for p in powers]))
    if not factors:
        return None
    return sp.exp(sp.Add(*kept)) * sp.Mul(*factors)


def proposals(expr, symbols, X) -> list[tuple[str, sp.Expr]]:
    """Every collapse, linearize and exponent proposal for ``expr``, as ``(description, new_expression)``.

    Sorted by the size of the new expression (smallest first, then by description); duplicates and proposals that do
    not make ``expr`` smaller are dropped (exponent proposals may keep the size: each one removes a
    non-integer exponent, so the search still terminates).
    """
    size = expression_complexity(expr)
    seen, out = set(), []

    def add(what, new, allow_equal=False):
        key = sp.srepr(new)
        if key in seen or new == expr:
            return
        seen.add(key)
        new_size = expression_complexity(new)
        if new_size < size or (allow_equal and new_size == size):
            out.append((new_size, what, new))

    variables = set(symbols)
    for sub in set(sp.preorder_traversal(expr)):
        if sub.is_Atom or sub == expr or not (sub.free_symbols & variables):
            continue
        mean = _mean_value(sub, symbols, X)
        if mean is not None and mean != 0.0:
            add(f"collapse {sub}", expr.xreplace({sub: sp.Float(mean, 15)}))
        linear = _linearized_exp(sub, variables)
        if linear is not None:  # one exp fewer, so the search still terminates
            add(f"linearize {sub}", expr.xreplace({sub: linear}), True)
        if sub.is_Pow and sub.exp.is_Number and not sub.exp.is_Integer:
            for target in _exponent_targets(float(sub.exp)):
                # Same size (q**(19/10) -> q**2) still counts: one fewer non-integer exponent.
                add(f"exponent {sub.exp} -> {target}", expr.xreplace({sub: sp.Pow(sub.base, target)}), True)
    out.sort(key=lambda t: (t[0], t[1]))  # ties by description: the order must not depend on hashing
    return [(what, new) for _, what, new in out]


def structure_search(expr, X, y, variables, *, tolerance: float = 1e-5, timeout: float | None = 30.0,
                     max_rounds: int = 30, max_samples: int | None = 2000, screen_margin: float = 0.05,
                     fit_timeout: float = 3.0, fit_max_nfev: int = 300, seed: int = 0):
    """Greedy collapse/exponent search (see the module docstring).

    Args:
        expr: SymPy expression over ``variables``.
        X: ``(n_rows, n_vars)`` data; y: ``(n_rows,)`` targets.
        tolerance: largest allowed drop of R^2 below the starting formula's.
        timeout: wall-clock bound of the whole search (``None``: none).
        max_rounds: most accepted changes.
        max_samples: rows used (a fixed random subsample beyond that).
        screen_margin: proposals whose closed-form screen is below ``r_0 - screen_margin`` are not
            fitted.
        fit_timeout, fit_max_nfev: bounds of each re-fit.

    Returns:
        ``(expr, info)``; ``info`` has ``accepted`` (list of ``(description, complexity, r2)``),
        ``fits`` (re-fits run), ``r2_start``, ``r2_end``, ``seconds`` and ``message``.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    symbols = resolve_variables(expr, variables)
    info = {"accepted": [], "fits": 0, "r2_start": math.nan, "r2_end": math.nan, "message": ""}
    X, y = prepare_data(X, y, len(symbols))
    if y is None or y.shape[0] < 2:
        info["message"] = "no data"
        return expr, info
    rows = subsample(len(y), max_samples, seed)
    X, y = X[rows], y[rows]
    ss_tot = float(np.sum((y - y.mean()) ** 2)) or 1.0
    r_start = _r2(expr, symbols, X, y, ss_tot)
    info["r2_start"] = r_start
    if not math.isfinite(r_start):
        info["message"] = "the formula is not finite on the data"
        return expr, info
    bar = r_start - tolerance
    current = expr
    try:
        with time_limit(timeout):
            for _ in range(max_rounds):
                accepted = None
                for what, proposal in proposals(current, symbols, X):
                    screen = _r2(proposal, symbols, X, y, ss_tot, scaled=True)
                    if screen < bar - screen_margin:
                        continue
                    candidate, score = proposal, _r2(proposal, symbols, X, y, ss_tot)
                    if score < bar:
                        info["fits"] += 1
                        candidate, _ = fit_coefficients(proposal, X, y, symbols, max_nfev=fit_max_nfev,
                                                        timeout=fit_timeout, max_samples=None,
                                                        keep_best_on_timeout=True, seed=seed)
                        score = _r2(candidate, symbols, X, y, ss_tot)
                    if score >= bar:
                        accepted = (what, candidate, score)
                        break
                if accepted is None:
                    break
                what, current, score = accepted
                info["accepted"].append((what, expression_complexity(current), score))
    except SymbolicTimeout:
        info["message"] = "timed out; changes accepted so far kept"
    if info["accepted"]:  # changes accepted at the screen kept their proposed constants: polish them
        info["fits"] += 1
        current, _ = fit_coefficients(current, X, y, symbols, max_nfev=fit_max_nfev, timeout=fit_timeout,
                                      max_samples=None, keep_best_on_timeout=True, seed=seed)
    current = tidy_constants(current)
    info["r2_end"] = _r2(current, symbols, X, y, ss_tot)
    info["seconds"] = time.perf_counter() - t0
    return current, info
