"""The cell grid of Algorithm 1 (LIES paper; SPEC 1.6): cells, their errors, new points in the worst.

:class:`~keras_symbolic.callbacks.oversampling.OversamplingScheduler` runs the algorithm; this module
is its NumPy arithmetic. The input box is cut into ``k`` equal-width bins per variable (``k^n`` cells, in data space, the
space the variables are sampled in, and the box of new points is built in the same space). The
error of a cell is ``1 - R^2`` of the model on the rows in it (cells with too few rows are skipped);
``P`` percent extra points are added inside the worst cell and the model is retrained (weak ADMM);
the loop stops when the mean cell error no longer improves (then the previous model and data are
kept), after at most ``max_iter`` rounds.

``k^n`` grows fast: ``k`` is lowered per axis until there are at least ``min_rows_per_cell`` rows per
cell on average, so the grid never dominates the run.

New points need a data source. For a known equation a *sampler* draws fresh points inside the cell;
for a fixed table the rows of the worst cell are re-sampled with replacement (duplicated), which
re-weights that region instead of adding information.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

__all__ = ["CellGrid", "Sampler", "oversample_rows"]

# sampler(n, low, high, rng) -> (X (n, d), y (n,)) drawn inside the box [low, high].
Sampler = Callable[[int, np.ndarray, np.ndarray, np.random.Generator], tuple]


class CellGrid:
    """Equal-width grid over the bounding box of ``X`` with ``bins`` per axis (capped, see module)."""

    def __init__(self, X: np.ndarray, bins: int = 8, min_rows_per_cell: int = 30):
        X = np.asarray(X, dtype=np.float64)
        n_rows, n_vars = X.shape
        k = int(bins)
        while k > 1 and n_rows / float(k) ** n_vars < min_rows_per_cell:
            k -= 1
        self.bins = k
        self.low = X.min(axis=0)
        self.high = X.max(axis=0)
        self.width = np.where(self.high > self.low, (self.high - self.low) / k, 1.0)

    @property
    def n_cells(self) -> int:
        return self.bins ** len(self.low)

    def cell_index(self, X: np.ndarray) -> np.ndarray:
        """Flat cell index of each row, shape ``(N,)``."""
        idx = np.floor((np.asarray(X) - self.low) / self.width).astype(np.int64)
        idx = np.clip(idx, 0, self.bins - 1)
        return np.ravel_multi_index(idx.T, (self.bins,) * idx.shape[1])

    def cell_box(self, cell: int):
        """``(low, high)`` corners of a cell."""
        multi = np.array(np.unravel_index(cell, (self.bins,) * len(self.low)))
        low = self.low + multi * self.width
        return low, low + self.width

    def cell_errors(self, X, y, y_pred, min_rows: int = 5) -> np.ndarray:
        """``1 - R^2`` per cell (NaN where a cell has fewer than ``min_rows`` rows or constant ``y``)."""
        cells = self.cell_index(X)
        errors = np.full(self.n_cells, np.nan)
        y, y_pred = np.asarray(y, float), np.asarray(y_pred, float)
        for c in np.unique(cells):
            rows = cells == c
            if rows.sum() < min_rows:
                continue
            yc = y[rows]
            ss_tot = np.sum((yc - yc.mean()) ** 2)
            if ss_tot <= 0:
                continue
            resid = np.sum((yc - y_pred[rows]) ** 2)
            errors[c] = resid / ss_tot if np.isfinite(resid) else np.inf
        return errors


def oversample_rows(grid: CellGrid, errors: np.ndarray, X, y, n_new: int, rng, sampler: Optional[Sampler] = None):
    """``n_new`` extra rows inside the worst cell: from ``sampler`` or by re-sampling its rows.

    Returns ``(X_new, y_new, info)`` where ``info`` names the cell, its box and its error.
    """
    if np.all(np.isnan(errors)):
        return None, None, {"reason": "no cell has enough rows to score"}
    worst = int(np.nanargmax(np.where(np.isinf(errors), np.finfo(float).max, errors)))
    low, high = grid.cell_box(worst)
    if sampler is not None:
        X_new, y_new = sampler(n_new, low, high, rng)
        source = "sampler"
    else:
        rows = np.flatnonzero(grid.cell_index(X) == worst)
        pick = rng.choice(rows, size=n_new, replace=True)
        X_new, y_new = X[pick], y[pick]
        source = "resampled rows"
    info = {"cell": worst, "low": low.tolist(), "high": high.tolist(), "error": float(errors[worst]), "source": source}
    return np.asarray(X_new, float), np.asarray(y_new, float), info
