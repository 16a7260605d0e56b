"""Gradient-based pruning of a LIES network (LIES paper Theorem 2; SPEC 1.7) and node pruning.

Paper rule (default, ``criterion="gradient"``): prune weight ``w_i`` when

    max_x |w_i * dO/dw_i(x)| < tau      over a fixed sample of inputs x,

with per-sample output gradients (computed exactly by the NumPy mirror, not summed over a batch as in
the authors' code). ``criterion="exact"`` measures the quantity the theorem bounds,
``max_x |O(w_i = 0, x) - O(w, x)|``, with one batched forward per weight.

All candidates are judged on the unpruned network and removed together (paper). Node pruning then
removes units that cannot reach the output (zero bridge, or no non-zero outgoing weight) and the
weights that feed only them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keras_symbolic.symbolic.lies_extract import used_units
from keras_symbolic.symbolic.lies_numpy import LIESWeights

__all__ = ["PruningReport", "sensitivities", "prune_weights", "prune_dead_nodes", "CRITERIA"]

CRITERIA = ("gradient", "exact")


@dataclass
class PruningReport:
    """What pruning did: non-zero weights before/after and the criterion used."""

    criterion: str
    threshold: float
    nonzero_before: int
    nonzero_after: int
    n_samples: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def sensitivities(weights: LIESWeights, z: np.ndarray, criterion: str = "gradient") -> list:
    """Per weight, the max over samples of the pruning criterion; arrays shaped like :meth:`LIESWeights.arrays`."""
    if criterion not in CRITERIA:
        raise ValueError(f"`criterion` must be one of {CRITERIA}, got {criterion!r}")
    if criterion == "gradient":
        grads = weights.output_gradients(z)
        return [np.max(np.abs(arr[None] * g), axis=0) for arr, g in zip(weights.arrays(), grads)]
    base = weights.forward(z)
    probe = weights.copy()
    result = []
    for arr in probe.arrays():
        sens = np.zeros_like(arr)
        flat, out = arr.reshape(-1), sens.reshape(-1)
        for idx in np.flatnonzero(flat):
            saved = flat[idx]
            flat[idx] = 0.0
            out[idx] = np.max(np.abs(probe.forward(z) - base))
            flat[idx] = saved
        result.append(sens)
    return result


def prune_dead_nodes(weights: LIESWeights) -> LIESWeights:
    """Zero the bridge and incoming weights of every unit that cannot reach the output."""
    pruned = weights.copy()
    n_units = len(pruned.units)
    changed = True
    while changed:
        changed = False
        live = used_units(pruned)
        for k in range(pruned.n_layers):
            dead = ~live[k]
            if (pruned.bridges[k][dead] != 0).any() or (pruned.kernels[k][:, dead] != 0).any():
                pruned.bridges[k][dead] = 0.0
                pruned.kernels[k][:, dead] = 0.0
                d_in = pruned.kernels[k].shape[0]
                # A dead unit's outgoing weights are irrelevant: zero them too.
                cols = np.arange(d_in, d_in + n_units)[dead]
                for later in pruned.kernels[k + 1 :]:
                    later[cols, :] = 0.0
                pruned.output_kernel[cols] = 0.0
                changed = True
    return pruned


def prune_weights(weights: LIESWeights, z: np.ndarray, threshold: float = 0.01, criterion: str = "gradient"):
    """Apply the pruning rule and node pruning; return ``(pruned weights, PruningReport)``.

    Args:
        weights: effective weights (not modified).
        z: network-space inputs ``(N, n)`` to judge on (a fixed-size sample of the training data).
        threshold: ``tau`` of the rule (paper: 0.01, on the log-space output).
        criterion: ``"gradient"`` (paper) or ``"exact"``.
    """
    if threshold < 0:
        raise ValueError(f"`threshold` must be >= 0, got {threshold!r}")
    before = weights.n_nonzero()
    pruned = weights.copy()
    for arr, sens in zip(pruned.arrays(), sensitivities(weights, z, criterion)):
        arr[sens < threshold] = 0.0
    pruned = prune_dead_nodes(pruned)
    return pruned, PruningReport(criterion, float(threshold), before, pruned.n_nonzero(), int(len(z)))
