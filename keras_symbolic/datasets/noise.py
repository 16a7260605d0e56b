"""SRBench's target noise: Gaussian noise on the training targets, scaled by their RMS.

SRBench (La Cava et al., 2021, ``experiment/evaluate_model.py``) adds, at target noise level
``sigma``, to every *training* target

.. math::

    \\tilde y_i = y_i + \\varepsilon_i, \\qquad
    \\varepsilon_i \\sim \\mathcal N\\!\\left(0,\\ (\\sigma \\cdot \\mathrm{RMS}(y))^2\\right), \\qquad
    \\mathrm{RMS}(y) = \\sqrt{\\tfrac1n \\textstyle\\sum_i y_i^2},

with the RMS taken over the training targets (not their standard deviation: for a target far from 0
the noise is relative to its size). The test rows stay clean, so the test R^2 and the symbolic check
judge the formula against the truth. Levels in SRBench's paper: 0, 0.001, 0.01, 0.1.

:func:`add_target_noise` is the one noise model of the package (``fit --feynman --noise`` and
``bench feynman --noise``, through :func:`keras_symbolic.pipelines.evaluate.feynman_rows`). It draws
``z ~ N(0, 1)`` of the rows' shape from the generator it is given and returns ``y + sigma * RMS * z``:
the same generator state gives the same ``z`` at every level, so runs at two levels with one seed see
noise of one shape at two sizes (paired comparisons). At ``sigma = 0`` it returns ``y`` unchanged and
draws nothing.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

__all__ = ["check_noise_level", "target_rms", "add_target_noise"]


def check_noise_level(sigma) -> float:
    """``sigma`` as a float, or ``ValueError`` (one line) unless it is a finite number >= 0."""
    try:
        value = float(sigma)
    except (TypeError, ValueError):
        raise ValueError(f"noise level must be a number >= 0, got {sigma!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"noise level must be a finite number >= 0, got {sigma!r}")
    return value


def target_rms(y) -> float:
    """``RMS(y) = sqrt(mean(y**2))`` of the finite targets (SRBench's noise scale per unit level)."""
    y = np.asarray(y, dtype=np.float64).ravel()
    y = y[np.isfinite(y)]
    return float(np.sqrt(np.mean(np.square(y)))) if y.size else 0.0


def add_target_noise(y, sigma: float, rng, rms: Optional[float] = None) -> np.ndarray:
    """``y + N(0, (sigma * RMS)^2)`` row by row (SRBench's target noise, see the module docstring).

    Args:
        y: the clean training targets (any shape; float64 is returned).
        sigma: the noise level (``>= 0``, finite); 0 returns ``y`` as float64 without drawing.
        rng: a :class:`numpy.random.Generator` (or a seed for :func:`numpy.random.default_rng`);
            give a stream of its own so the clean rows do not depend on the level.
        rms: the RMS that sets the scale; default :func:`target_rms` of ``y``. Give the training
            rows' RMS when noising further rows of the same data set (oversampled rows), so every row
            has the same noise scale.

    Raises:
        ValueError: a negative or non-finite ``sigma`` or ``rms``.
    """
    sigma = check_noise_level(sigma)
    y = np.asarray(y, dtype=np.float64)
    if sigma == 0.0:
        return y
    scale = target_rms(y) if rms is None else float(rms)
    if not math.isfinite(scale) or scale < 0:
        raise ValueError(f"noise scale RMS must be a finite number >= 0, got {rms!r}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return y + (sigma * scale) * rng.standard_normal(y.shape)
