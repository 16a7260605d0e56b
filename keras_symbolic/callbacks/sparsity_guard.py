"""Keep SymbolNet's adaptive sparsity from overshooting its targets.

Why this exists: the threshold term of a pruning type pushes every threshold of that type with the
*same* gradient (``d exp(-mean t) / d t_i`` does not depend on ``i``), and Adam turns equal gradients
into equal steps. Items the error does not defend therefore rise in lockstep and cross the pruning
boundary within a few steps of each other; ``D(s)`` stays close to 1 until ``s`` reaches the target
and then drops to 0, and Adam's first moment carries the thresholds about ``lr / (1 - beta_1)``
further. On a task with many equally useless items the reached sparsity jumps past the target (seen
here: 0.75 for a 0.4 target on 12 unary operators). The paper's mechanism stops *pushing* at the
target; it has nothing that stops the items already in flight.

The guard is a projection applied after optimiser steps. For every pruning type ``T`` with target
``alpha_T > 0`` and ``n_T`` items::

    cap_T = max(ceil(alpha_T n_T), floor((alpha_T + tolerance) n_T))

If more than ``cap_T`` items are pruned, the ``cap_T`` items pruned most deeply stay pruned (excess
``t - 1`` for input and operator gates, ``t - |w|`` for weights; ties go to items pruned at the
previous check, then to the lower index) and the others are put back just inside the boundary
(``t = 1 - gate_margin`` for gates, ``t = weight_ratio |w|`` for weights) with their optimiser
first moment zeroed, so momentum does not carry them straight back. Sparsity can still *fall* below
the target where the error term un-prunes an item, as the paper describes; the guard never prunes.
"""
from __future__ import annotations

import math

import keras
import numpy as np

__all__ = ["SparsityGuard", "sparsity_cap"]


def sparsity_cap(target: float, n_items: int, tolerance: float) -> int:
    """Largest number of pruned items allowed for ``target`` on ``n_items`` items.

    ``ceil(target n)`` (the smallest count that reaches the target) or, when the tolerance admits
    more, ``floor((target + tolerance) n)``; never more than ``n``.
    """
    reach = math.ceil(target * n_items - 1e-9)
    within = math.floor((target + tolerance) * n_items + 1e-9)
    return int(min(n_items, max(reach, within)))


class SparsityGuard(keras.callbacks.Callback):
    """Projection that caps each pruning type's sparsity at its target (plus ``tolerance``).

    Works with any model exposing ``targets`` (``{type: alpha}``) and ``pruning_variables()``
    (``{type: [(threshold_variable, values_variable_or_None), ...]}``), i.e.
    :class:`~keras_symbolic.models.symbolnet.SymbolNet` or any model with the adaptive sparsity
    regulariser attached (:class:`~keras_symbolic.regularizers.AdaptiveSparsityModel`). Backend-agnostic: under JAX, values are read
    from the trainer's in-flight state and written back only when a correction is needed.

    Args:
        tolerance: allowed overshoot as a fraction of the items of a type (the issue's 0.05).
        every: check after every ``every`` training batches (and always at the end of an epoch).
        gate_margin: restored gates get ``t = 1 - gate_margin``.
        weight_ratio: restored weights get ``t = weight_ratio * |w|``.
        verbose: print one line per correction.

    Attributes:
        corrections: number of items restored so far, per type.
    """

    def __init__(
        self,
        tolerance: float = 0.05,
        every: int = 1,
        gate_margin: float = 0.1,
        weight_ratio: float = 0.5,
        verbose: int = 0,
    ):
        super().__init__()
        if not 0.0 <= tolerance < 1.0:
            raise ValueError(f"`tolerance` must be in [0, 1), got {tolerance!r}.")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be a positive integer, got {every!r}.")
        if not 0.0 < gate_margin <= 1.0:
            raise ValueError(f"`gate_margin` must be in (0, 1], got {gate_margin!r}.")
        if not 0.0 <= weight_ratio < 1.0:
            raise ValueError(f"`weight_ratio` must be in [0, 1), got {weight_ratio!r}.")
        self.tolerance = float(tolerance)
        self.every = int(every)
        self.gate_margin = float(gate_margin)
        self.weight_ratio = float(weight_ratio)
        self.verbose = int(verbose)
        self.corrections: dict[str, int] = {}
        self._previous: dict[str, np.ndarray] = {}
        self._index: dict[int, int] = {}

    # ---------------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        for name in ("targets", "pruning_variables"):
            if not hasattr(self.model, name):
                raise TypeError(
                    f"SparsityGuard needs a model with `{name}` (a SymbolNet, or a model with "
                    "AdaptiveSparsity(...).attach(model)), got "
                    f"{type(self.model).__name__}."
                )
        self._index = {id(v): i for i, v in enumerate(self.model.trainable_variables)}
        self._previous = {}

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % self.every == 0:
            self.enforce()

    def on_epoch_end(self, epoch, logs=None):
        self.enforce()

    # ---------------------------------------------------------------------------------------------
    def _read(self, variable) -> np.ndarray:
        state = getattr(self.model, "_jax_state", None)
        if state and not getattr(self.model, "_jax_state_synced", True):
            index = self._index.get(id(variable))
            if index is not None:
                return np.asarray(state["trainable_variables"][index])
        return np.asarray(keras.ops.convert_to_numpy(variable))

    def _sync_for_write(self):
        sync = getattr(self.model, "jax_state_sync", None)
        if sync is not None:
            sync()

    def _zero_momentum(self, variable, restore_mask: np.ndarray):
        optimizer = getattr(self.model, "optimizer", None)
        momentums = getattr(optimizer, "_momentums", None)
        if not momentums:
            return
        try:
            moment = momentums[optimizer._get_variable_index(variable)]
        except (AttributeError, KeyError, IndexError, ValueError):
            return
        value = np.asarray(keras.ops.convert_to_numpy(moment))
        moment.assign(np.where(restore_mask, 0.0, value).astype(value.dtype))

    def enforce(self) -> dict[str, int]:
        """Apply the cap now. Returns the number of items restored per type (0s omitted)."""
        restored_now: dict[str, int] = {}
        for kind, items in self.model.pruning_variables().items():
            target = float(self.model.targets.get(kind, 0.0))
            if target <= 0.0:
                continue
            thresholds = [self._read(t) for t, _ in items]
            values = [None if w is None else self._read(w) for _, w in items]
            excess = np.concatenate(
                [(t - 1.0 if w is None else t - np.abs(w)).ravel() for t, w in zip(thresholds, values)]
            )
            pruned = np.concatenate(
                [(t >= 1.0 if w is None else np.abs(w) <= t).ravel() for t, w in zip(thresholds, values)]
            )
            n_items = pruned.size
            cap = sparsity_cap(target, n_items, self.tolerance)
            count = int(pruned.sum())
            previous = self._previous.get(kind)
            if count <= cap:
                self._previous[kind] = pruned
                continue
            was = previous if previous is not None and previous.size == n_items else np.zeros(n_items, bool)
            candidates = np.flatnonzero(pruned)
            # Deepest first; ties: pruned before, then lower index (lexsort: last key is primary).
            order = np.lexsort((candidates, ~was[candidates], -excess[candidates]))
            restore = np.zeros(n_items, bool)
            restore[candidates[order[cap:]]] = True
            self._sync_for_write()
            offset = 0
            for (t_var, w_var), t, w in zip(items, thresholds, values):
                size = t.size
                mask = restore[offset : offset + size].reshape(t.shape)
                offset += size
                if not mask.any():
                    continue
                new = (1.0 - self.gate_margin) if w is None else self.weight_ratio * np.abs(w)
                t_var.assign(np.where(mask, new, t).astype(t.dtype))
                self._zero_momentum(t_var, mask)
            self._previous[kind] = pruned & ~restore
            restored_now[kind] = int(restore.sum())
            self.corrections[kind] = self.corrections.get(kind, 0) + restored_now[kind]
            if self.verbose:
                print(f"SparsityGuard: {kind} {count}/{n_items} pruned > cap {cap}; restored {restored_now[kind]}")
        return restored_now

    def get_config(self):
        return {
            "tolerance": self.tolerance,
            "every": self.every,
            "gate_margin": self.gate_margin,
            "weight_ratio": self.weight_ratio,
            "verbose": self.verbose,
        }
