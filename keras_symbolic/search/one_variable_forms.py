"""An exhaustive search over small one-variable forms with inner constants, the solver for pieces of one
variable that a linear term library cannot express: ``A sin(k x + phi) + C``, ``A exp(k x) + C``,
``A x**p + C``, ``A exp(-k (x - m)**2) + C``, ``A exp(d x) sin(k x + phi) + C``, ``A / (exp(k x) - 1) + C``, ``A tanh(k x + b) + C``,
``A log(x + b) + C``, ``A asin(k x) + C`` and, for ``x > 0``, the sigmoid in ``log x``:
``A tanh(n/2 log x + b) + C``, written ``A' x**n / (x**n + K) + C'`` (Hill's equation, the four-parameter
logistic of dose-response curves; ``n`` need not be whole, which a ratio of polynomials cannot fit).

Each form is fitted by nonlinear least squares (``scipy.optimize.least_squares``) from a small grid of
starting points for its inner constants (the sine also from the peaks of the rows' periodogram: a sine
of many periods has a narrow basin around its frequency); the caller rounds and scores the results like
any candidate.
Shapes: ``x (n,)``, ``y (n,)``.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp
from scipy.optimize import least_squares
from scipy.signal import lombscargle

__all__ = ["FORMS", "dominant_frequencies", "fit_one_variable_forms", "scaled_lstsq"]

_K_GRID = (0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)


def dominant_frequencies(x: np.ndarray, y: np.ndarray, *, count: int = 2, n_frequencies: int = 2000,
                         lowest: float | None = None, highest: float | None = None) -> list:
    """The ``count`` angular frequencies ``k`` of the highest peaks of ``y``'s Lomb-Scargle periodogram over
    ``x (n,)`` (unevenly spaced rows), between half a period and 300 periods over the span of ``x`` (or
    between ``lowest`` and ``highest``, where they are narrower): starting points for ``sin(k x + phi)``
    wherever ``x``'s scale puts ``k``."""
    span = float(np.ptp(x))
    if span == 0 or np.ptp(y) == 0:
        return []
    bottom = np.pi / span if lowest is None else max(np.pi / span, lowest)
    top = 600 * np.pi / span if highest is None else min(600 * np.pi / span, highest)
    if top <= bottom:
        return []
    k = np.linspace(bottom, top, n_frequencies)
    power = lombscargle(x, y - np.mean(y), k)
    peaks = [i for i in range(1, len(k) - 1) if power[i] >= power[i - 1] and power[i] >= power[i + 1]]
    return [float(k[i]) for i in sorted(peaks, key=lambda i: -power[i])[:count]]


def _forms(x: np.ndarray, frequencies=()):
    """``name -> (f(x, inner) -> values, sympy builder(symbol, inner), starting inner tuples, defined)``;
    ``frequencies``: angular frequencies the sine also starts from (before its fixed grid)."""
    span = float(np.ptp(x)) or 1.0
    centre = float(np.mean(x))
    typical = float(np.median(np.abs(x))) or 1.0  # the scale of a skewed x (a monomial of several columns)
    quartiles = np.percentile(x, [25, 50, 75]) if np.all(x > 0) else ()  # where a Hill curve's midpoint starts
    return {
        "sin": (lambda x, p: np.sin(p[0] * x + p[1]), lambda s, p: sp.sin(p[0] * s + p[1]),
                [(k, ph) for k in (*frequencies, *_K_GRID) for ph in (0.0, np.pi / 2)], True),
        "exp": (lambda x, p: np.exp(p[0] * x), lambda s, p: sp.exp(p[0] * s),
                [(k / span,) for k in (-4, -2, -1, -0.5, 0.5, 1, 2)], True),
        "power": (lambda x, p: x ** p[0], lambda s, p: s ** p[0], [(e,) for e in (-2, -1, -0.5, 0.5, 1.5, 2, 3)],
                  bool(np.all(x > 0))),
        "gauss": (lambda x, p: np.exp(-p[0] * (x - p[1]) ** 2), lambda s, p: sp.exp(-p[0] * (s - p[1]) ** 2),
                  [(k / span**2, m) for k in (1, 4, 16) for m in (centre, float(np.min(x)), 0.0)], True),
        "bose": (lambda x, p: 1.0 / np.expm1(p[0] * x), lambda s, p: 1 / (sp.exp(p[0] * s) - 1),
                 [(k / span,) for k in (0.5, 1, 2, 4)], bool(np.all(x > 0) or np.all(x < 0))),
        "damped sin": (lambda x, p: np.exp(p[2] * x) * np.sin(p[0] * x + p[1]),
                       lambda s, p: sp.exp(p[2] * s) * sp.sin(p[0] * s + p[1]),
                       [(k, ph, -d / span) for k in _K_GRID[1:6] for ph in (0.0, np.pi / 2) for d in (0.5, 2.0)], True),
        "tanh": (lambda x, p: np.tanh(p[0] * x + p[1]), lambda s, p: sp.tanh(p[0] * s + p[1]),
                 [(k / span, -k * centre / span) for k in (1, 4)] + [(k / typical, 0.0) for k in (0.5, 1, 2)], True),
        "log": (lambda x, p: np.log(x + p[0]), lambda s, p: sp.log(s + p[0]),
                [(b,) for b in (0.0, span / 10, span)], bool(np.all(x > 0))),
        "hill": (lambda x, p: np.tanh(p[0] * np.log(x) + p[1]), _hill,
                 [(n / 2, -n / 2 * np.log(q)) for n in (1.0, 2.0, 4.0) for q in quartiles], bool(np.all(x > 0))),
        "asin": (lambda x, p: np.arcsin(p[0] * x), lambda s, p: sp.asin(p[0] * s),
                 [(f / max(np.max(np.abs(x)), 1e-300),) for f in (0.5, 0.9, 0.99)], True),
    }


def _hill(s: sp.Symbol, p) -> sp.Expr:
    """``tanh(p0 log s + p1)`` as ``2 s**n / (s**n + K) - 1``, ``n = 2 p0``, ``K = exp(-2 p1)``."""
    n = sp.Float(2 * float(p[0]))
    K = sp.Float(float(np.exp(np.clip(-2 * float(p[1]), -700, 700))))
    return 2 * s**n / (s**n + K) - 1


FORMS = tuple(_forms(np.ones(2)))


def scaled_lstsq(D: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares coefficients ``(k,)`` of ``D (n, k)`` for ``y (n,)``, solved on columns of unit size:
    lstsq's cut-off is relative to the largest singular value, so an unscaled ``exp(k x)`` column (1e100
    on x far from 0) or a column of calendar years would zero the intercept's column."""
    scale = np.max(np.abs(D), axis=0)
    scale[scale == 0] = 1.0
    return np.linalg.lstsq(D / scale, y, rcond=None)[0] / scale


def _fit(g, start, x, y):
    """Fit ``A g(x; p) + C`` from ``start``: the outer ``A, C`` by linear least squares inside the
    residual (variable projection), the inner ``p`` by ``least_squares``."""

    def outer(p):
        with np.errstate(all="ignore"):
            v = g(x, p)
            if not np.all(np.isfinite(v)) or np.ptp(v) == 0:
                return None, None
            D = np.column_stack([v, np.ones_like(v)])
            coef = scaled_lstsq(D, y)
            r = D @ coef - y
        return (coef, r) if np.all(np.isfinite(r)) else (None, None)

    def residual(p):
        _, r = outer(p)
        return np.full_like(y, 1e6) if r is None else r

    try:
        fit = least_squares(residual, np.asarray(start, dtype=float), max_nfev=200, x_scale="jac")
    except (ValueError, FloatingPointError):
        return None
    coef, r = outer(fit.x)
    return None if coef is None else (float(r @ r), fit.x, coef)


def fit_one_variable_forms(x, y, symbol: sp.Symbol, *, max_rows: int = 1500) -> list[tuple[str, sp.Expr]]:
    """The best fit of every form defined on ``x`` as ``[(form name, A g(symbol) + C), ...]``, best first."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    rows = np.linspace(0, len(x) - 1, min(len(x), max_rows)).astype(int)
    xs, ys = x[rows], y[rows]
    out = []
    frequencies = dominant_frequencies(xs, ys)
    for name, (g, build, starts, defined) in _forms(xs, frequencies).items():
        if not defined:
            continue
        best = None
        for start in itertools.islice(starts, 20 + 2 * len(frequencies)):
            fit = _fit(g, start, xs, ys)
            if fit is not None and (best is None or fit[0] < best[0]):
                best = fit
        if best is None:
            continue
        _, inner, (A, C) = best
        with np.errstate(all="ignore"):
            if not np.all(np.isfinite(g(x, inner))):
                continue
        out.append((best[0], name, sp.Float(A) * build(symbol, [sp.Float(v) for v in inner]) + sp.Float(C)))
    return [(name, expr) for _, name, expr in sorted(out, key=lambda t: t[0])]
