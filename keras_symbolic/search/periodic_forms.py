"""A trend with a season: a line plus the first harmonics of one period, the form of monthly or
quarterly measurements over time (deaths, sales, gas production, CO2) that a single sine cannot
shape and a search only approximates with nested sines.

.. math::

    f(x) = c_0 + b x + \\sum_{k=1}^{K} \\left(a_k \\cos(k \\omega x) + s_k \\sin(k \\omega x)\\right)

A season repeats: ``omega`` is sought between :data:`MIN_PERIODS` periods over the span of ``x`` and the
Nyquist frequency of the rows' typical spacing (a slower sine is a curve, which other forms and the
search shape; a faster one aliases). It starts from the highest peaks of the Lomb-Scargle periodogram
of the rows less their least-squares line
(:func:`~keras_symbolic.search.one_variable_forms.dominant_frequencies`) and is refined by
``scipy.optimize.least_squares``; for each ``omega`` the ``2 K + 2`` outer coefficients are linear least
squares (variable projection).

``omega`` is then written exactly as ``2 pi p/q`` (``q <= 24``: a year of months, a day of hours) if that
costs the fit less than the one constant it saves (Schwarz's criterion, ``n log(RSS'/RSS) <= log n``:
which of two models holds, not which predicts a little better; Akaike's ``<= 2`` refused the year on
57 of a six-year monthly table's rows), and the form is not offered otherwise: a float frequency in
each harmonic would be refitted apart by the later constant fits
(``10413 sin(6.2235 t) - 9693 cos(6.2227 t)``), while an exact one leaves only the linear coefficients
free. One candidate per number of harmonics ``K = 1 .. max_harmonics``; the description length or
cross-validation decides how many the rows support.
Shapes: ``x (n,)``, ``y (n,)``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp
from scipy.optimize import least_squares

from keras_symbolic.search.one_variable_forms import dominant_frequencies, scaled_lstsq

__all__ = ["fit_seasons", "MAX_HARMONICS"]

#: Most harmonics of one period (a monthly season is rarely shaped beyond its fourth).
MAX_HARMONICS = 4
#: Fewest rows per outer coefficient: below it a number of harmonics is not fitted.
ROWS_PER_COEFFICIENT = 3
#: Fewest periods of a season over the span of ``x``.
MIN_PERIODS = 3
#: Largest denominator ``q`` of an exact frequency ``2 pi p/q``.
MAX_PERIOD_DENOMINATOR = 24
#: The highest harmonic stays below this share of the Nyquist frequency of the rows' typical spacing.
NYQUIST_SHARE = 0.95


def _design(x: np.ndarray, omega: float, harmonics: int) -> np.ndarray:
    """``(n, 2 K + 2)``: ``1, x, cos(k omega x), sin(k omega x)`` for ``k = 1 .. K``."""
    columns = [np.ones_like(x), x]
    for k in range(1, harmonics + 1):
        columns += [np.cos(k * omega * x), np.sin(k * omega * x)]
    return np.column_stack(columns)


def _projected(x, y, omega: float, harmonics: int):
    """``(coefficients, residual)`` of the linear least squares at ``omega``."""
    D = _design(x, omega, harmonics)
    coef = scaled_lstsq(D, y)
    return coef, D @ coef - y


def _refined(x, y, omega: float, harmonics: int, lowest: float) -> tuple[float, float]:
    """``(sum of squared residuals, omega)`` after a bounded refinement of ``omega`` (200 evaluations,
    within a fifth of the start and not below ``lowest``)."""
    try:
        # within a fifth of the periodogram's peak: a free frequency wanders to an alias of a harmonic
        fit = least_squares(lambda p: _projected(x, y, float(p[0]), harmonics)[1], [omega], max_nfev=200,
                            x_scale="jac", bounds=([max(0.8 * omega, lowest)], [1.2 * omega]))
        omega = float(fit.x[0])
    except (ValueError, np.linalg.LinAlgError):
        pass
    r = _projected(x, y, omega, harmonics)[1]
    return float(r @ r), omega


def _exact(x, y, omega: float, harmonics: int, rss: float) -> sp.Expr | None:
    """The nearest ``2 pi p/q`` to ``omega`` if Schwarz's criterion accepts it, else ``None``."""
    turns = sp.Rational(omega / (2 * np.pi)).limit_denominator(MAX_PERIOD_DENOMINATOR)
    if turns <= 0:
        return None
    r = _projected(x, y, float(2 * np.pi * turns), harmonics)[1]
    round_off = 1e-20 * float(y @ y)  # exact rows: both sums of squares are round-off, their ratio noise
    accepted = len(x) * np.log(max(float(r @ r), round_off) / max(rss, round_off)) <= np.log(len(x))
    return 2 * sp.pi * turns if accepted else None


def _expression(symbol: sp.Symbol, omega: sp.Expr, coef: np.ndarray) -> sp.Expr:
    expr = sp.Float(coef[0]) + sp.Float(coef[1]) * symbol
    for k in range(1, (len(coef) - 2) // 2 + 1):
        expr += (sp.Float(coef[2 * k]) * sp.cos(k * omega * symbol)
                 + sp.Float(coef[2 * k + 1]) * sp.sin(k * omega * symbol))
    return expr


def fit_seasons(x, y, symbol: sp.Symbol, *, max_harmonics: int = MAX_HARMONICS,
                max_rows: int = 1500) -> list[tuple[str, sp.Expr]]:
    """``[("season", c0 + b x + sum_k a_k cos(k w x) + s_k sin(k w x)), ...]`` for ``K = 1 ..
    max_harmonics`` (only where there are :data:`ROWS_PER_COEFFICIENT` rows per coefficient), each at
    the better of the periodogram's two highest peaks and at an exact period; empty when ``x`` or ``y``
    is constant or no exact season of :data:`MIN_PERIODS` periods fits below the Nyquist frequency."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    rows = np.linspace(0, len(x) - 1, min(len(x), max_rows)).astype(int)
    xs, ys = x[rows], y[rows]
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return []
    line = np.polyfit(xs - xs.mean(), ys, 1)
    # below the Nyquist frequency of the typical spacing: monthly rows alias a yearly season to many
    # higher frequencies, which fit the rows as well and predict nothing between them
    spacing = np.diff(np.unique(xs))
    nyquist = np.pi / float(np.median(spacing)) if len(spacing) else None
    lowest = 2 * np.pi * MIN_PERIODS / np.ptp(xs)
    starts = dominant_frequencies(xs, ys - np.polyval(line, xs - xs.mean()), lowest=lowest, highest=nyquist)
    out = []
    for harmonics in range(1, max_harmonics + 1):
        if len(xs) < ROWS_PER_COEFFICIENT * (2 * harmonics + 2):
            break
        fits = [_refined(xs, ys, omega, harmonics, lowest) for omega in starts]
        # a harmonic at or past the Nyquist frequency aliases a lower one (quarterly rows shape a yearly
        # season with two harmonics at most)
        fits = [f for f in fits if np.isfinite(f[0]) and f[1] > 0
                and (nyquist is None or harmonics * f[1] < NYQUIST_SHARE * nyquist)]
        if not fits:
            continue
        rss, fitted = min(fits)
        omega = _exact(xs, ys, fitted, harmonics, rss)
        if omega is None:  # a period the rows cannot pin to an exact one: left to the search
            continue
        coef, _ = _projected(xs, ys, float(omega), harmonics)
        if np.all(np.isfinite(coef)):
            out.append(("season", _expression(symbol, omega, coef)))
    return out
