"""Numeric screen of a symbolic-solution check: are ``f - g`` and ``f / g`` constant on random points?

Truth ``f`` and found ``g`` are evaluated (NumPy, float64) on ``n_points`` random points of the
variables' box (uniform; a variable without a range uses :data:`DEFAULT_RANGE`). On the points where
both are finite, with ``spread(v) = |v - median(v)|``:

* difference ``d = f - g``, relative to ``max(max|f|, max|g|)``;
* ratio ``r = f / g`` (points where ``|f|`` or ``|g|`` is below ``1e-8`` of its maximum left out),
  relative to ``|median(r)|``.

Each gives a :class:`Spread`: the maximum (``strict``) and the 90th percentile (``robust``) of the
relative spread, the median (``center``) and the number of usable points. A robust spread above
:data:`REJECT_SPREAD` for both means "not a solution" without any SymPy work; fewer than 8 usable
points means no numeric evidence (``n_valid == 0``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

__all__ = ["DEFAULT_RANGE", "REJECT_SPREAD", "Spread", "numeric_screen"]

DEFAULT_RANGE = (1.0, 5.0)
"""Sampling range of a variable whose range is not given (the AI Feynman convention)."""
REJECT_SPREAD = 1e-6
"""Robust relative spread above which the numeric screen says "not constant"."""


@dataclass(frozen=True)
class Spread:
    """Spread of a difference or ratio over the sampled points, relative to its scale."""

    strict: float  # max deviation from the median, relative (inf when unusable)
    robust: float  # 90th percentile of it
    center: float  # median of the difference / ratio
    n_valid: int


_UNUSABLE = Spread(math.inf, math.inf, math.nan, 0)
_MIN_POINTS = 8


def _evaluate(expr: sp.Expr, symbols: Sequence[sp.Symbol], columns: Sequence[np.ndarray]) -> np.ndarray:
    n = len(columns[0]) if columns else 1
    try:
        fn = sp.lambdify(list(symbols), expr, modules="numpy")
        with np.errstate(all="ignore"):
            values = np.asarray(fn(*columns))
    except Exception:  # noqa: BLE001 - anything NumPy cannot evaluate is "no numeric evidence"
        return np.full(n, np.nan)
    if np.iscomplexobj(values):
        real = values.real.astype(np.float64)
        real[np.abs(values.imag) > 1e-12 * np.maximum(np.abs(real), 1.0)] = np.nan
        values = real
    try:
        return np.broadcast_to(values.astype(np.float64), (n,)).copy()
    except (TypeError, ValueError):
        return np.full(n, np.nan)


def _spread(values: np.ndarray, scale: float) -> Spread:
    if values.size < _MIN_POINTS or not math.isfinite(scale):
        return _UNUSABLE
    center = float(np.median(values))
    deviation = np.abs(values - center)
    if scale == 0.0:
        return Spread(0.0 if not deviation.any() else math.inf, 0.0, center, values.size)
    return Spread(float(deviation.max() / scale), float(np.quantile(deviation, 0.9) / scale), center, values.size)


def numeric_screen(truth, found, symbols, ranges, n_points, seed) -> tuple[dict[str, Spread], dict]:
    """Spreads of difference and ratio on random points of the box, and one point where both are finite."""
    order = sorted(symbols.values(), key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    columns, midpoint = [], {}
    for s in order:
        low, high = ranges.get(s.name, DEFAULT_RANGE)
        columns.append(rng.uniform(low, high, n_points))
        midpoint[s] = sp.Float((low + high) / 2)
    t = _evaluate(truth, order, columns)
    f = _evaluate(found, order, columns)
    ok = np.isfinite(t) & np.isfinite(f)
    point = {s: sp.Float(col[ok][0]) for s, col in zip(order, columns)} if ok.any() else midpoint
    t, f = t[ok], f[ok]
    if t.size < _MIN_POINTS:
        return {"difference": _UNUSABLE, "ratio": _UNUSABLE}, point
    scale = float(max(np.max(np.abs(t)), np.max(np.abs(f))))
    difference = _spread(t - f, scale)
    # Ratio: leave out points where either side is near zero (ill-conditioned quotient).
    well = (np.abs(t) > 1e-8 * np.max(np.abs(t))) & (np.abs(f) > 1e-8 * np.max(np.abs(f)))
    ratio = _UNUSABLE
    if well.sum() >= _MIN_POINTS:
        r = t[well] / f[well]
        center = float(np.median(r))
        if center != 0.0 and math.isfinite(center):
            ratio = _spread(r, abs(center))
    return {"difference": difference, "ratio": ratio}, point
