"""Gradient rounding of float constants (LIES paper III-E): the shared engine and stage 1, rounding to zero.

A constant ``c`` of ``f(x; c)`` is replaced by an exact number ``r`` when the first-order estimate of
the change of ``f`` (paper Theorem 2, derivative taken at the rounded value ``r``) is negligible::

    max_x |df/dc (c = r, x)| * |c - r|  <  threshold

over the (subsampled) rows of the data where ``f`` is finite; ``criterion="exact"`` uses the actual
``max_x |f(r) - f(c)|`` instead, ``"both"`` the larger of the two. :func:`gradient_rounding` is the
engine, given the values ``propose(c)`` to try for each constant; :func:`round_to_zero` (SPEC 1.9
step 1) proposes ``0`` for ``|c| < max_abs``; the final rounding
(:func:`~keras_symbolic.symbolic.final_rounding.round_final`) proposes decimals and reciprocals.

Decisions:

* Tests are applied greedily, one constant at a time (the most negligible first), each re-checked at
  the current values after the previous roundings; ``greedy=False`` applies every test at the
  original values simultaneously (the paper's literal reading). Greedy is the default: two
  constants that are each negligible alone (two halves of one term) are not both removed blindly.
* Thresholds are absolute on ``f`` (paper); ``relative=True`` multiplies them by ``std(y)`` (or
  ``std(f)`` when no ``y`` is given).
* A derivative that is not finite on a row where ``f`` is finite means "do not round".
* Bounded in time (:func:`~keras_symbolic.symbolic.limits.time_limit`); on a timeout the roundings
  already accepted (each one passed its own test) are kept.
"""
from __future__ import annotations

import math
import time

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, subsample
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.symbolic.parameters import CompiledTemplate, bind_parameters, parametrize

__all__ = ["gradient_rounding", "round_to_zero"]


def _threshold_scale(relative: bool, y, f_values) -> float:
    if not relative:
        return 1.0
    for ref in (y, f_values):
        if ref is None:
            continue
        ref = np.asarray(ref)[np.isfinite(ref)]
        if ref.size:
            s = float(np.std(ref)) or float(np.max(np.abs(ref)))
            if s > 0 and math.isfinite(s):
                return s
    return 1.0


def _denominator(r: sp.Rational) -> int:
    return int(sp.Rational(r).q)


def _is_plain(r) -> bool:
    """A terminating decimal (denominator of only 2s and 5s) or a unit fraction ``+-1/n``."""
    d = _denominator(r)
    for f in (2, 5):
        while d % f == 0:
            d //= f
    return d == 1 or abs(int(sp.Rational(r).p)) == 1


class _Stop(Exception):
    pass


def gradient_rounding(expr, X, variables, *, propose, threshold, relative, y, greedy, criterion,
                      max_samples, timeout, seed, stage):
    """Shared engine of :func:`round_to_zero` and
    :func:`~keras_symbolic.symbolic.final_rounding.round_final`.

    ``propose(c) -> list of exact SymPy numbers`` gives the rounded values to try for a constant.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    info = {"stage": stage, "n_constants": 0, "n_tested": 0, "n_rounded": 0, "rounded": [],
            "timed_out": False, "message": "", "seconds": 0.0}
    if criterion not in ("gradient", "exact", "both"):
        raise ValueError(f"criterion must be 'gradient', 'exact' or 'both', got {criterion!r}")
    symbols = resolve_variables(expr, variables)
    X, y = prepare_data(X, y, len(symbols))
    template, params, values = parametrize(expr)
    info["n_constants"] = len(params)
    if not params:
        info["message"] = "no float constants"
        info["seconds"] = time.perf_counter() - t0
        return expr, info
    if X.shape[0] == 0:
        info["message"] = "no finite rows in the data: nothing rounded"
        info["seconds"] = time.perf_counter() - t0
        return expr, info

    rows = subsample(X.shape[0], max_samples, seed)
    Xs = X[rows]
    cols = list(Xs.T)
    accepted: dict[int, sp.Basic] = {}
    try:
        with time_limit(timeout):
            model = CompiledTemplate(template, params, symbols)
            current = values.copy()
            f_cur = model.value(cols, current)
            finite = np.isfinite(f_cur)
            if not finite.any():
                info["message"] = "formula is not finite on any sample row: nothing rounded"
                raise _Stop
            tau = threshold * _threshold_scale(relative, y, f_cur[finite])
            info["threshold"] = tau

            def change(j, r, p, f_p):
                """Estimated max change of f on the finite rows when p[j] -> r (inf = not allowed)."""
                trial = p.copy()
                trial[j] = float(r)
                delta = abs(p[j] - float(r))
                est = 0.0
                if criterion in ("gradient", "both"):
                    g = model.grad(j, cols, trial)[finite]
                    if not np.all(np.isfinite(g)):
                        return math.inf
                    est = float(np.max(np.abs(g))) * delta
                f_r = model.value(cols, trial)[finite]
                if not np.all(np.isfinite(f_r)):
                    return math.inf
                if criterion in ("exact", "both"):
                    est = max(est, float(np.max(np.abs(f_r - f_p[finite]))))
                return est

            def best(j, p, f_p):
                """Passing proposal of the simplest kind, then closest to the constant, then smaller change.

                Kinds: a ``decimals``-decimal value or ``1/n`` (rank 0) beats the reciprocal of a
                non-integer (``1/3.1 = 10/31``, rank 1), so ``0.31 -> 3/10`` when both pass.
                """
                choice = None
                for r in propose(float(values[j])):
                    est = change(j, r, p, f_p)
                    if est < tau:
                        rank = 0 if _is_plain(r) else 1
                        key = (rank, abs(float(values[j]) - float(r)), _denominator(r), est)
                        if choice is None or key < choice[0]:
                            choice = (key, r, est)
                return choice

            candidates = [j for j in range(len(params)) if propose(float(values[j]))]
            info["n_tested"] = len(candidates)
            first = {}
            for j in candidates:
                first[j] = best(j, current, f_cur)
            if greedy:
                # Most negligible first; those failing now are re-tried last (a removed term can make
                # its inner constants irrelevant).
                order = sorted(candidates, key=lambda j: first[j][2] if first[j] is not None else math.inf)
                for j in order:
                    choice = best(j, current, f_cur)  # re-check at the current values
                    if choice is None:
                        continue
                    accepted[j] = choice[1]
                    current[j] = float(choice[1])
                    f_cur = model.value(cols, current)
            else:
                for j in candidates:
                    if first[j] is not None:
                        accepted[j] = first[j][1]
    except _Stop:
        pass
    except SymbolicTimeout:
        info["timed_out"] = True
        info["message"] = f"time limit of {timeout:g} s reached: kept the {len(accepted)} rounding(s) accepted so far"

    final_values = [accepted.get(j, sp.Float(float(values[j]))) for j in range(len(params))]
    out = bind_parameters(template, params, final_values)
    info["n_rounded"] = len(accepted)
    info["rounded"] = [(float(values[j]), accepted[j]) for j in sorted(accepted)]
    info["seconds"] = time.perf_counter() - t0
    return out, info


def round_to_zero(expr, X, y=None, variables=None, *, threshold: float = 0.1, max_abs: float = 0.05,
                  relative: bool = False, greedy: bool = True, criterion: str = "gradient",
                  max_samples: int = 2000, timeout: float | None = 30.0, seed: int = 0):
    """Set to 0 every small float constant whose removal changes ``f`` negligibly (SPEC 1.9 step 1).

    For each constant ``c`` with ``|c| < max_abs`` the change of ``f`` from ``c -> 0`` is estimated as
    ``max_x |df/dc (c = 0, x)| * |c|`` (paper Theorem 2 with the derivative at the rounded value),
    over the rows of ``X`` (at most ``max_samples``, a fixed random subsample) where ``f`` is finite;
    below ``threshold`` the constant becomes 0. A non-finite derivative (``log(0)``, ...) or a
    non-finite ``f`` after the change means "keep the constant".

    Args:
        expr: SymPy expression in the Symbols ``variables``.
        X: raw data, shape ``(N, d)``; rows with non-finite values are ignored.
        y: targets; only used for ``relative=True`` (scale ``std(y)``).
        variables: Symbols (or names) of the columns of ``X``, in order (required).
        threshold: absolute bound on the change of ``f`` (paper: 0.1); times ``std(y)`` if
            ``relative``.
        max_abs: only constants with ``|c| < max_abs`` are tried (paper: 0.05).
        greedy: test one constant at a time, most negligible first, re-checking each at the current
            values (default); ``False``: every test at the original values, all applied at once.
        criterion: ``"gradient"`` (paper), ``"exact"`` (true ``max |f(0) - f(c)|``) or ``"both"``.
        timeout: wall-clock bound in seconds; on timeout the roundings accepted so far are kept.

    Returns:
        ``(expr, info)``; ``info`` has ``n_constants``, ``n_tested``, ``n_rounded``, ``rounded``
        (``[(old value, new value)]``), ``timed_out``, ``message``, ``seconds``.
    """

    def propose(c):
        return [sp.Integer(0)] if abs(c) < max_abs and c != 0.0 else []

    return gradient_rounding(expr, X, variables, propose=propose, threshold=threshold, relative=relative,
                             y=y, greedy=greedy, criterion=criterion, max_samples=max_samples,
                             timeout=timeout, seed=seed, stage="round_to_zero")
