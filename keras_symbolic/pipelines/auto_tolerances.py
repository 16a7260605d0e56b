"""The decomposition's tolerances: when a split holds and when a piece is solved.

From the surrogate's relative held-out error ``e`` and the table's relative noise floor ``n``
(:func:`~keras_symbolic.search.noise_floor.noise_floor`, of RMS(y)):

* the split threshold ``split_factor * e + split_floor``, at most ``max_split_threshold``;
* the piece tolerance ``piece_factor * e``;
* on clearly noisy rows (``n >=`` :data:`~keras_symbolic.search.noise_floor.NOISY`) ``e`` is the error
  less the noise (:func:`function_error`) and the factor ``noisy_split_factor``: the error of a
  surrogate fitted to noise is a smooth bias, shared by the four points of a split test, so a true
  split's violation stays well below it (10 % noise, a sum of four variables: 0.02 against an error of
  0.04; a product's additive violation 0.15);
* when the noise explains most of ``e`` on rows not clearly noisy (:func:`noise_dominated`, e.g. 1 %
  noise) a second, strict set stands beside the loose one (``Tolerances.strict``): a split between the
  two thresholds is ambiguous, and the decomposition follows it both ways.

The factors are fields of :class:`~keras_symbolic.pipelines.auto.AutoConfig`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keras_symbolic.search.noise_floor import NOISY

__all__ = ["Tolerances", "tolerances", "function_error", "noise_dominated"]


def _without_noise(surrogate_error: float, noise: float) -> float:
    """``sqrt(e**2 - noise**2)``, never below a quarter of ``e``."""
    return max(float(np.sqrt(max(surrogate_error**2 - noise**2, 0.0))), surrogate_error / 4)


def function_error(surrogate_error: float, noise: float) -> float:
    """The surrogate's relative error against the function, from its held-out error against noisy rows:
    ``sqrt(e**2 - noise**2)`` on clearly noisy rows (a floor of at least
    :data:`~keras_symbolic.search.noise_floor.NOISY`: a 10 % noise would otherwise raise every threshold
    tenfold, and a split test would accept anything), never below a quarter of ``e``. On cleaner rows
    the floor is only an upper bound of the noise and ``e`` is kept."""
    if noise < NOISY:
        return surrogate_error
    return _without_noise(surrogate_error, noise)


def noise_dominated(surrogate_error: float, noise: float) -> bool:
    """Whether the noise floor explains at least half of the surrogate's squared held-out error
    (``noise >= e / sqrt(2)``) on rows that are not clearly noisy (``noise <`` :data:`NOISY`). The
    error is then mostly the noise's, and ``split_factor`` times it says little about the function: at
    1 % noise it admits violations of 0.1, where false splits lie at 0.02-0.09 and true ones mostly
    below 0.005 (AI Feynman at 1 %: reciprocal sums deeper down reach 0.02)."""
    return noise < NOISY and noise * np.sqrt(2) >= surrogate_error


@dataclass(frozen=True)
class Tolerances:
    """What a piece is held to (see the module)."""

    split: float  # a split holds below this violation
    piece: float  # a piece is solved by a candidate this accurate (relative error)
    keep: int  # candidates kept per piece
    strict: "Tolerances | None" = None  # the stricter path tried beside an ambiguous split (or None)


def tolerances(config, surrogate_error: float, noise: float) -> Tolerances:
    """The split threshold and piece tolerance from the surrogate's held-out error and the relative
    noise floor (see the module). When the error is :func:`noise_dominated`, ``strict`` holds the
    tolerances of clearly noisy rows (the error less the noise, times ``noisy_split_factor`` and
    ``piece_factor``): a split whose violation lies between the two thresholds is ambiguous, and the
    piece is then also solved the strict way
    (:func:`~keras_symbolic.pipelines.auto_decomposition.decompose`)."""
    strict = None
    if noise_dominated(surrogate_error, noise):
        strict = _held_to(config, _without_noise(surrogate_error, noise), config.noisy_split_factor)
    factor = config.noisy_split_factor if noise >= NOISY else config.split_factor
    return _held_to(config, function_error(surrogate_error, noise), factor, strict)


def _held_to(config, error: float, split_factor: float, strict: "Tolerances | None" = None) -> Tolerances:
    """The tolerances for a surrogate of relative function error ``error``."""
    return Tolerances(split=min(split_factor * error + config.split_floor, config.max_split_threshold),
                      piece=config.piece_factor * error + 1e-4, keep=config.keep_per_piece, strict=strict)
