"""Settings of the LIES pipeline's oversampling (paper Algorithm 1; SPEC 1.6).

The algorithm itself is :class:`keras_symbolic.callbacks.OversamplingScheduler` (the pipeline drives
it between its phases, see :mod:`keras_symbolic.pipelines.lies_training`); its grid arithmetic is
:mod:`keras_symbolic.callbacks.cell_grid`, whose public names are re-exported here.
"""
from __future__ import annotations

from dataclasses import dataclass

from keras_symbolic.callbacks.cell_grid import CellGrid, Sampler, oversample_rows

__all__ = ["OversamplingConfig", "CellGrid", "Sampler", "oversample_rows"]


@dataclass(frozen=True)
class OversamplingConfig:
    """Algorithm 1 settings (paper: ``k = 8``, ``P = 30 %``, ``max_iter = 2``)."""

    enabled: bool = True
    bins: int = 8
    fraction: float = 0.3
    max_iter: int = 2
    min_rows_per_cell: int = 30

    def __post_init__(self):
        if self.bins < 1 or self.max_iter < 0 or not 0 < self.fraction <= 10 or self.min_rows_per_cell < 2:
            raise ValueError(f"invalid oversampling settings: {self}")
