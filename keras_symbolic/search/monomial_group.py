"""A test for one dimensionless group: does ``f`` have the form ``f(x) = x**b * g(x**a)``, a power law
times a function of a single monomial ``u = prod_i x_i**a_i``? Buckingham's pi theorem makes this the
common shape of a physical law in one dimensionless group: ``1/(exp(h w / (k T)) - 1)``,
``n exp(-m g x / (k T))``, ``asin(l / (n d))``, ``w0 sqrt((1 + v/c) / (1 - v/c))``. Found, the problem
of ``d`` variables becomes one of a single variable ``u``, solved on ``(u, y / x**b)``.

Two steps. The *direction* ``a`` comes from any callable ``f(X (n, d)) -> (n,)`` (the engine's
surrogate), through its logarithmic derivatives ``L[r, i] = d log|f| / d log|x_i|`` at rows ``r``
(central differences). For ``f = x**b g(u)``, ``L[r] = b + s_r a`` with ``s_r = u g'(u) / g(u)``: the
rows of ``L`` lie on one line, so the centred ``L`` has rank one and its first right singular vector
is ``a`` (scaled so that its largest entry is 1, then rounded to simple fractions). A surrogate's
derivatives are rough, so the second step judges the rounded ``a`` on the raw rows: ``log|y|`` is
fitted by least squares as ``b . log|x| + G(a . log|x|)`` with ``G`` a cubic spline
(:class:`sklearn.preprocessing.SplineTransformer`); the group holds when the residual is small
(``violation``: its RMS relative to the spread of ``log|y|``) and clearly below that of a plain power
law. ``b`` is fixed only up to a multiple of ``a`` (``x**(t a)`` is ``u**t`` and moves into ``g``):
each ``t`` that makes one entry of ``b`` zero gives a candidate, which must round to simple fractions
too. Columns must keep one sign.

**Noisy rows.** Noise turns some rows of a one-signed target to the other sign, and in log space the
rows of small ``|y|`` carry the most noise (``s = noise RMS(y) / |y|`` in ``log|y|``, ``noise`` the
relative noise level, e.g. from :func:`~keras_symbolic.search.noise_floor.noise_floor`). So the fits use
only the rows of ``y``'s majority sign, each weighted by ``min(1, t / s)`` with ``t = max_violation *
spread`` the tolerance: a row whose log-noise is above the tolerance counts as if it had only that much
(``|y| / RMS(y)`` weighting on the noisiest rows, equal weights at noise 0), and a weighted residual
is judged by its *excess* over what the noise leaves in it, ``sqrt(max(r**2 - noise_w**2, 0))`` with
``noise_w**2 = mean((w s)**2)``; a power law must then leave an excess of at least
:data:`NOISE_MARGIN` ``noise_w`` for the group to beat it. Rows of the minority sign are allowed when noise
explains them (``|y| <= 4 noise RMS(y)``), and the group's ``confidence`` is the share of rows it was
judged on.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional

import numpy as np
import sympy as sp
from scipy.optimize import least_squares
from sklearn.preprocessing import SplineTransformer

__all__ = ["MonomialGroup", "log_gradients", "group_direction", "monomial_group"]


@dataclass
class MonomialGroup:
    """``f = x**b g(x**a)``: ``inner`` is ``a (d,)`` and each of ``outers`` a ``b (d,)``, as fractions;
    ``signs (d,)`` are the columns' signs (a negative column enters as ``-x``); ``violation`` is the
    spline fit's weighted RMS residual above the noise relative to ``spread``, the standard deviation
    of ``log|y|``; ``confidence`` the share of rows of ``y``'s majority sign."""

    inner: list
    outers: list
    signs: np.ndarray
    violation: float
    spread: float = 0.0
    confidence: float = 1.0

    def monomial(self, symbols, exponents) -> sp.Expr:
        """``prod (sign_i x_i)**e_i`` as a SymPy expression."""
        return sp.Mul(*[(sp.Integer(int(s)) * x) ** sp.Rational(e.numerator, e.denominator)
                        for x, s, e in zip(symbols, self.signs, exponents) if e != 0])

    def values(self, X, exponents) -> np.ndarray:
        """``prod |x_i|**e_i`` on the rows ``X (n, d)``."""
        powers = np.array([float(e) for e in exponents])
        return np.exp(np.log(np.abs(X)) @ powers)


def log_gradients(f: Callable, X: np.ndarray, *, step: float = 0.01) -> np.ndarray:
    """``L (n, d)``: ``d log|f| / d log|x_i|`` at the rows of ``X (n, d)``, by central differences
    (each column scaled by ``exp(+-step)``), all ``2 n d`` points in one call of ``f``."""
    n, d = X.shape
    scale = np.exp(step * np.eye(d))  # (d, d): row i scales column i
    up = (X[None, :, :] * scale[:, None, :]).reshape(-1, d)
    down = (X[None, :, :] / scale[:, None, :]).reshape(-1, d)
    with np.errstate(all="ignore"):
        values = f(np.concatenate([up, down]))
        fu, fd = values.reshape(2, d, n)
        return ((np.log(np.abs(fu)) - np.log(np.abs(fd))) / (2 * step)).T


def _rounded(v: np.ndarray, max_denominator: int, tolerance: float) -> Optional[list]:
    fractions = [Fraction(float(x)).limit_denominator(max_denominator) for x in v]
    if any(abs(float(q) - x) > tolerance for q, x in zip(fractions, v)):
        return None
    return fractions


def group_direction(f: Callable, rows: np.ndarray) -> Optional[np.ndarray]:
    """``a (d,)``, largest entry 1: the first right singular vector of the centred log-derivatives of
    ``f`` at ``rows (m, d)``, on the rows where ``|f|`` is not small (a surrogate's relative error,
    and so its log-derivatives, blow up near zeros of ``f``)."""
    with np.errstate(all="ignore"):
        values = f(rows)
    keep = np.abs(values) > 0.1 * np.median(np.abs(values))
    L = log_gradients(f, rows[keep])
    L = L[np.all(np.isfinite(L), axis=1)]
    if len(L) < 20:
        return None
    _, _, vt = np.linalg.svd(L - np.median(L, axis=0), full_matrices=False)
    return vt[0] / vt[0][np.argmax(np.abs(vt[0]))]


def _residual(design: np.ndarray, target: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """``(coef, weighted RMS residual)`` of the weighted least-squares fit ``target ~ design @ coef``."""
    coef, *_ = np.linalg.lstsq(design * weight[:, None], target * weight, rcond=None)
    return coef, float(np.sqrt(np.mean((weight * (design @ coef - target)) ** 2)))


def _excess(residual: float, noise: float) -> float:
    """The part of an RMS residual that noise of RMS ``noise`` does not explain."""
    return float(np.sqrt(max(residual**2 - noise**2, 0.0)))


def _spline_design(log_x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The columns of ``b . log|x| + G(a . log|x|)``, ``G`` a cubic spline: ``[log|x|, splines]``."""
    splines = SplineTransformer(n_knots=10, degree=3, knots="quantile").fit_transform((log_x @ a)[:, None])
    return np.column_stack([log_x, splines])


def _spline_fit(log_x: np.ndarray, log_y: np.ndarray, a: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """``(b (d,), weighted RMS residual)`` of ``log|y| ~ b . log|x| + G(a . log|x|)``."""
    coef, residual = _residual(_spline_design(log_x, a), log_y, weight)
    return coef[: log_x.shape[1]], residual


def _refined(direction: np.ndarray, log_x: np.ndarray, log_y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The direction that minimises the spline fit's residual on the raw rows, from the surrogate's
    (its largest entry held at 1): the surrogate's derivatives only need to land near it."""
    top = int(np.argmax(np.abs(direction)))
    free = [i for i in range(len(direction)) if i != top]

    def full(p):
        a = np.ones(len(direction))
        a[free] = p
        return a

    def residual(p):
        design = _spline_design(log_x, full(p)) * weight[:, None]
        coef, *_ = np.linalg.lstsq(design, log_y * weight, rcond=None)
        return design @ coef - log_y * weight

    fit = least_squares(residual, direction[free], diff_step=1e-4, max_nfev=10 * len(free))
    return full(fit.x)


#: Under noise a power law must leave this many noise levels of excess residual (its own structure)
#: for a group to be worth more than it: the noise level is itself an estimate.
NOISE_MARGIN = 0.75
#: A row of the minority sign is explained by noise when its ``|y|`` is at most this many noise levels.
SIGN_FLIP_SIGMAS = 4.0


def _majority_rows(y: np.ndarray, noise: float) -> Optional[np.ndarray]:
    """The rows of ``y``'s majority sign, or ``None`` when a row of the other sign (or a zero) is
    further from zero than noise of relative level ``noise`` explains."""
    positive = np.count_nonzero(y > 0) >= len(y) / 2
    keep = y > 0 if positive else y < 0
    limit = SIGN_FLIP_SIGMAS * noise * float(np.sqrt(np.mean(y**2)))
    if np.any(np.abs(y[~keep]) > limit) or np.count_nonzero(~keep) > len(y) // 2:
        return None
    return np.flatnonzero(keep)


def monomial_group(f: Callable, X: np.ndarray, y: np.ndarray, *, n_rows: int = 1000, max_rows: int = 3000,
                   max_violation: float = 0.03, gain: float = 3.0, max_denominator: int = 3,
                   tolerance: float = 0.25, noise: float = 0.0, seed: int = 0) -> Optional[MonomialGroup]:
    """The group ``f = x**b g(x**a)`` of the rows ``X (n, d)``, ``y (n,)``, its direction proposed by
    ``f`` (see the module), or ``None`` when a column changes sign, ``y`` changes sign beyond what
    the relative noise level ``noise`` explains, the spline fit's excess residual exceeds
    ``max_violation`` of the spread or is not ``gain`` times below a power law's (nor a power law's
    above the noise), or ``a`` or every ``b`` does not round to fractions with denominators up to
    ``max_denominator`` (within 0.1). The surrogate's direction is taken as it rounds (within
    ``tolerance``: its derivatives are rough) when the raw rows confirm it; otherwise it is refined on
    the raw rows first."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    signs = np.sign(X[0])
    if X.shape[1] < 2 or np.any(signs == 0) or np.any(np.sign(X) != signs):
        return None
    majority = _majority_rows(y, noise)
    if majority is None:
        return None
    confidence = len(majority) / len(y)
    rng = np.random.default_rng(seed)
    direction = group_direction(f, X[rng.choice(len(X), min(n_rows, len(X)), replace=False)])
    if direction is None:
        return None
    rows = majority[rng.choice(len(majority), min(max_rows, len(majority)), replace=False)]
    log_x, log_y = np.log(np.abs(X[rows])), np.log(np.abs(y[rows]))
    spread = float(np.std(log_y))
    if spread == 0:
        return None
    # each row's log-noise, noise RMS(y) / |y|, capped at the tolerance by its weight
    log_noise = noise * float(np.sqrt(np.mean(y**2))) / np.abs(y[rows])
    weight = np.minimum(1.0, max_violation * spread / np.maximum(log_noise, 1e-300))
    noise = float(np.sqrt(np.mean((weight * log_noise) ** 2)))  # what noise leaves in a weighted residual
    _, power_law = _residual(np.column_stack([log_x, np.ones(len(rows))]), log_y, weight)
    power_law = _excess(power_law, noise)

    def confirmed(inner):
        if inner is None or sum(q != 0 for q in inner) < 2:
            return None
        a = np.array([float(q) for q in inner])
        b, residual = _spline_fit(log_x, log_y, a, weight)
        grouped = _excess(residual, noise)
        ok = grouped <= max_violation * spread and grouped * gain <= power_law and power_law >= NOISE_MARGIN * noise
        return (residual, inner, a, b, grouped / spread) if ok else None

    found = confirmed(_rounded(direction, max_denominator, tolerance))
    if found is None or noise > 0:
        # under noise a rough direction can hide in it: the one refined on the raw rows competes
        refined = confirmed(_rounded(_refined(direction, log_x[:1000], log_y[:1000], weight[:1000]),
                                     max_denominator, 0.1))
        if refined is not None and (found is None or refined[0] < found[0]):
            found = refined
    if found is None:
        return None
    _, inner, a, b, violation = found
    base = b - (b @ a) / (a @ a) * a  # b up to a multiple of a
    outers = []
    for i in np.flatnonzero(a):
        outer = _rounded(base - base[i] / a[i] * a, max_denominator, 0.1)
        if outer is not None and outer not in outers:
            outers.append(outer)
    if not outers:
        return None
    return MonomialGroup(inner, outers, signs, violation, spread, confidence)
