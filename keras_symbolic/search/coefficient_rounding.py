"""Rounding a fitted formula's constants where the description length says the simpler number is as
good: ``0.49998 x**2.00003 + 0.00017 -> x**2/2``.

Two passes over the floats of ``expr``, each change judged by the description length ``DL`` on
``(X, y)`` (:mod:`~keras_symbolic.search.description_length`) and kept when ``DL`` does not grow:

1. **Dropping** (smallest ``|c|`` first): ``c -> 0``. When the formula's values move by at most
   :data:`NEAR` of ``RMS(y)``, the other floats are refitted first, so that a spurious offset that
   they compensate can go (``0.3993 exp(-(t + 0.00077)**2/2)``: the amplitude is refitted without the
   offset). A zero that moves the formula further is judged as it is: no fit is spent on it.
2. **Snapping** (largest ``|c|`` first): ``c ->`` the nearest integer, half, quarter (the simplest
   first, :data:`DENOMINATOR_LADDER`), fraction ``p/q`` (``q <= max_denominator``) or ``p/q * pi**k``
   (``k`` in :data:`PI_POWERS`; not for an exponent), the first that keeps the description length;
   the other floats are refitted when the new value is within 5 % of ``c``.

Both passes as described run when ``rel_floor`` is float round-off (:data:`REL_FLOOR`, the whole
table). Under a larger tolerance floor (a decomposition's piece) the zeros are tried without a refit
and the nearest ``1/max_denominator`` fraction first: below the floor every error is free, and the
coarsest numbers would throw away what the reassembly needs.

The work is bounded by counts (each float tried once per change; at most ``max_refits // 4`` refits
for the zeros and ``max_refits`` for the snaps), so the same formula comes out on an idle or a loaded
machine; ``seconds`` is only a safety net: the changes kept by then are returned.

Shapes: ``X (n, d)``, ``y (n,)``, ``weights (n,)`` or ``None``.
"""
from __future__ import annotations

import time

import numpy as np
import sympy as sp

from keras_symbolic.search.description_length import REL_FLOOR, description_length, simple_fraction
from keras_symbolic.symbolic.evaluation import predict_or_nan

__all__ = ["round_coefficients", "PI_POWERS", "NEAR", "DENOMINATOR_LADDER"]

#: Powers of ``pi`` a rounded constant may carry, in the order tried.
PI_POWERS = (1, -1, 2, -2)
#: Denominators tried before ``max_denominator``'s nearest fraction, simplest first: the first value that
#: keeps the description length is taken, so ``16.08`` becomes ``16`` when that is as good, not ``193/12``.
DENOMINATOR_LADDER = (1, 2, 4)
#: A dropped constant that moves the formula by at most this fraction of ``RMS(y)`` (weighted RMS of
#: the change) earns a refit of the other constants.
NEAR = 0.05


class _Judge:
    """The description length of a formula on ``(X, y)`` and its refit, with a count of the refits."""

    def __init__(self, X, y, symbols, rel_floor, weights, refit_seconds, max_refits):
        self.X, self.y, self.symbols = X, np.asarray(y, dtype=np.float64), symbols
        self.rel_floor, self.weights = rel_floor, weights
        self.refit_seconds, self.refits_left = refit_seconds, max_refits
        w = np.ones(len(self.y)) if weights is None else np.asarray(weights, dtype=np.float64)
        self.w = w / (float(np.mean(w)) or 1.0)
        self.rms = float(np.sqrt(np.mean(self.w * self.y**2))) or 1.0

    def predict(self, expr) -> np.ndarray:
        return predict_or_nan(expr, self.X, self.symbols)

    def dl(self, expr, pred=None) -> float:
        pred = self.predict(expr) if pred is None else pred
        return description_length(expr, self.y, pred, len(self.symbols), self.rel_floor, self.weights)

    def moved(self, pred_a, pred_b) -> float:
        """``RMS(a - b) / RMS(y)`` (weighted); ``inf`` where either is not finite."""
        with np.errstate(all="ignore"):
            change = float(np.sqrt(np.mean(self.w * (pred_a - pred_b) ** 2))) / self.rms
        return change if np.isfinite(change) else float("inf")

    def refit(self, expr):
        """``expr`` with its floats refitted, or ``None`` when no refit is left or there is nothing to fit."""
        from keras_symbolic.symbolic.coefficient_fit import fit_coefficients

        if not expr.atoms(sp.Float) or self.refits_left <= 0:
            return None
        self.refits_left -= 1
        fitted, _ = fit_coefficients(expr, self.X, self.y, self.symbols, max_nfev=100, timeout=self.refit_seconds,
                                     max_samples=2000, sample_weight=self.weights)
        return fitted


def _usable(expr) -> bool:
    return not expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan)


def _changed(best, best_dl, f, value, judge: _Judge, near) -> tuple[sp.Expr, float]:
    """``best`` with the float ``f`` set to ``value`` and its description length; when that is longer than
    ``best_dl`` and ``near(pred)`` holds for the new predictions, with the other floats refitted (as long
    as refits are left). ``inf`` for a change that leaves no number."""
    trial = best.xreplace({f: value})
    if not _usable(trial):
        return trial, float("inf")
    pred = judge.predict(trial)
    d = judge.dl(trial, pred)
    if d > best_dl and near(pred):
        refitted = judge.refit(trial)
        if refitted is not None:
            trial, d = refitted, judge.dl(refitted)
    return trial, d


def _drop(best, best_dl, judge: _Judge, out_of_time) -> tuple[sp.Expr, float]:
    """Pass 1 (see the module): each float, smallest first, tried at 0, until no zero is kept."""
    for _ in range(len(best.atoms(sp.Float))):
        best_pred = judge.predict(best)
        for f in sorted(best.atoms(sp.Float), key=lambda c: abs(float(c))):
            if out_of_time():
                return best, best_dl
            trial, d = _changed(best, best_dl, f, sp.S.Zero, judge, lambda pred: judge.moved(pred, best_pred) <= NEAR)
            if d <= best_dl:
                best, best_dl = trial, d
                break
        else:
            return best, best_dl
    return best, best_dl


def _snap(best, best_dl, judge: _Judge, max_denominator: int, out_of_time, ladder: bool = True) -> sp.Expr:
    """Pass 2 (see the module): each float, largest first, tried at simple numbers, until none is kept;
    without the ``ladder``, 0 and then the nearest ``1/max_denominator`` fraction are tried first."""
    for _ in range(len(best.atoms(sp.Float))):
        changed = False
        for f in sorted(best.atoms(sp.Float), key=lambda c: -abs(float(c))):
            if out_of_time():
                return best
            x = float(f)
            if ladder:
                options = list(dict.fromkeys(simple_fraction(x, q) for q in DENOMINATOR_LADDER if q < max_denominator))
            else:
                options = [sp.S.Zero]
            options.append(simple_fraction(x, max_denominator))
            if not any(p.exp == f for p in best.atoms(sp.Pow)):  # an exponent is rational, never 79/(2 pi**2)
                options += [simple_fraction(x / np.pi**k, max_denominator) * sp.pi**k for k in PI_POWERS]
            for option in options:
                # the other constants may absorb the change (a distant value is not worth a fit)
                near = abs(float(option) - x) <= 0.05 * abs(x)
                trial, d = _changed(best, best_dl, f, option, judge, lambda pred: near)
                if d <= best_dl:
                    best, best_dl, changed = trial, d, True
                    break
            if changed:
                break
        if not changed:
            break
    return best


def round_coefficients(expr: sp.Expr, X, y, symbols, *, max_denominator: int = 12,
                       refit_seconds: float = 2.0, rel_floor: float = REL_FLOOR,
                       seconds: float | None = None, max_refits: int = 40, weights=None) -> sp.Expr:
    """``expr`` with its floats dropped to 0 or snapped to simple numbers where the description length on
    ``(X, y)`` does not grow (see the module); ``weights (n,)``: row weights of the description length and
    the refits."""
    deadline = None if seconds is None else time.perf_counter() + seconds

    def out_of_time() -> bool:
        return deadline is not None and time.perf_counter() > deadline

    # the zeros get a quarter of the refits, and the snaps all of theirs: a formula of many small but
    # real terms (each near, each rejected) must not spend what exact recovery's snaps need
    judge = _Judge(X, y, symbols, rel_floor, weights, refit_seconds, max(1, max_refits // 4))
    best, best_dl = expr, judge.dl(expr)
    # under a tolerance floor (a decomposition's piece, judged on surrogate values) every error below the
    # floor is free, so the zeros and the coarsest numbers would always win and throw away accuracy the
    # reassembly needs: there the zeros are tried without a refit and the nearest fraction first
    exact_floor = rel_floor <= REL_FLOOR
    if exact_floor:
        best, best_dl = _drop(best, best_dl, judge, out_of_time)
    judge.refits_left = max_refits
    return _snap(best, best_dl, judge, max_denominator, out_of_time, ladder=exact_floor)
