"""SymbolNet's self-adaptive sparsity regulariser (paper eq. 1-3; SPEC 2.1-2.2) and its targets.

For each pruning type ``T`` in :data:`PRUNING_TYPES` (weight, input, unary, binary), with thresholds
``t`` and pruned indicators (0/1, no gradient)::

    s_T        = (#pruned) / (#items)                       measured sparsity
    L_thr_T    = mean_i exp(-t_i)        (T = weight: thresholds are unbounded)
               = exp(-mean_i t_i)        (T = input, unary, binary: thresholds in [0, 1])
    L_sparse_T = L_err * D(s_T; alpha_T, d) * L_thr_T

``alpha_T`` is the target sparsity (:func:`normalize_targets`, defaults :data:`DEFAULT_TARGETS`) and
``D`` the decay factor of :func:`~keras_symbolic.ops.symbolnet_ops.sparsity_decay`. Every term is a
scalar tensor; :class:`~keras_symbolic.models.symbolnet.SymbolNet` adds the ``L_sparse_T`` to its loss.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.ops.symbolnet_ops import DEFAULT_DECAY_RATE, sparsity_decay

__all__ = ["PRUNING_TYPES", "DEFAULT_TARGETS", "normalize_targets", "AdaptiveSparsity"]

PRUNING_TYPES = ("weight", "input", "unary", "binary")
#: Default target sparsities. ``input = 0`` leaves feature selection off unless asked for: a
#: positive input target drives inputs out even when every input matters.
DEFAULT_TARGETS = {"weight": 0.9, "input": 0.0, "unary": 0.4, "binary": 0.4}


def normalize_targets(targets: Mapping[str, float] | None = None) -> dict[str, float]:
    """Complete ``targets`` with :data:`DEFAULT_TARGETS` and check every value is in ``[0, 1]``.

    Also accepts the authors' key ``"model"`` for ``"weight"``.
    """
    out = dict(DEFAULT_TARGETS)
    if targets is None:
        return out
    if not isinstance(targets, Mapping):
        raise ValueError(f"`targets` must be a mapping {{type: target}}, got {targets!r}.")
    for key, value in targets.items():
        kind = "weight" if key == "model" else key
        if kind not in PRUNING_TYPES:
            raise ValueError(f"Unknown pruning type {key!r} in targets; expected one of {PRUNING_TYPES}.")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0.0 <= value <= 1.0:
            raise ValueError(f"Target sparsity for {kind!r} must be a number in [0, 1], got {value!r}.")
        out[kind] = float(value)
    return out


@keras.saving.register_keras_serializable(package="keras_symbolic")
class AdaptiveSparsity:
    """Self-adaptive sparsity regulariser of SymbolNet (paper eq. 1-3).

    For each pruning type ``T`` with thresholds ``t`` and pruned indicators (0/1, no gradient):

        s_T      = (#pruned) / (#items)
        L_thr_T  = mean(exp(-t))             (T = weight: thresholds are unbounded)
                 = exp(-mean(t))             (T = input, unary, binary: thresholds in [0, 1])
        L_sparse_T = L_err * D(s_T; alpha_T, d) * L_thr_T

    Args:
        targets: target sparsity per type (see :func:`normalize_targets`).
        decay_rate: ``d`` of the decay factor (paper: 0.01).
    """

    def __init__(self, targets: Mapping[str, float] | None = None, decay_rate: float = DEFAULT_DECAY_RATE):
        self.targets = normalize_targets(targets)
        if isinstance(decay_rate, bool) or not isinstance(decay_rate, (int, float)) or not decay_rate > 0:
            raise ValueError(f"`decay_rate` must be a positive number, got {decay_rate!r}.")
        self.decay_rate = float(decay_rate)

    @staticmethod
    def _total(tensors, fn=None):
        total = None
        for t in tensors:
            v = ops.sum(fn(t) if fn is not None else t)
            total = v if total is None else total + v
        return total

    def type_terms(self, kind: str, error_loss, groups: Sequence[tuple]) -> dict:
        """Terms of one pruning type from its ``[(thresholds, pruned), ...]``.

        Returns:
            dict of scalar tensors: ``sparsity``, ``threshold`` (mean threshold), ``decay`` (D),
            ``threshold_loss`` (L_thr) and ``sparse_loss`` (L_err D L_thr).
        """
        thresholds = [ops.cast(t, "float32") for t, _ in groups]
        n = float(sum(int(np.prod(t.shape)) for t in thresholds))
        pruned = self._total(ops.cast(p, "float32") for _, p in groups)
        sparsity = ops.stop_gradient(pruned / n)
        mean_t = self._total(thresholds) / n
        if kind == "weight":
            threshold_loss = self._total(thresholds, lambda t: ops.exp(-t)) / n
        else:
            threshold_loss = ops.exp(-mean_t)
        decay = sparsity_decay(sparsity, self.targets[kind], self.decay_rate)
        return {
            "sparsity": sparsity,
            "threshold": ops.stop_gradient(mean_t),
            "decay": decay,
            "threshold_loss": threshold_loss,
            "sparse_loss": ops.cast(error_loss, "float32") * decay * threshold_loss,
        }

    def __call__(self, error_loss, groups: Mapping[str, Sequence[tuple]]) -> dict[str, dict]:
        """Terms of every type present in ``groups`` (``{type: [(thresholds, pruned), ...]}``)."""
        return {kind: self.type_terms(kind, error_loss, groups[kind]) for kind in PRUNING_TYPES if groups.get(kind)}

    def get_config(self):
        return {"targets": dict(self.targets), "decay_rate": self.decay_rate}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
