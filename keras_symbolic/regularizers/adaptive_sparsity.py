"""SymbolNet's self-adaptive sparsity regulariser (paper eq. 1-3; SPEC 2.1-2.2) and its targets.

For each pruning type ``T`` in :data:`PRUNING_TYPES` (weight, input, unary, binary), with thresholds
``t`` and pruned indicators (0/1, no gradient)::

    s_T        = (#pruned) / (#items)                       measured sparsity
    L_thr_T    = mean_i exp(-t_i)        (T = weight: thresholds are unbounded)
               = exp(-mean_i t_i)        (T = input, unary, binary: thresholds in [0, 1])
    L_sparse_T = L_err * D(s_T; alpha_T, d) * L_thr_T

``alpha_T`` is the target sparsity (:func:`normalize_targets`, defaults :data:`DEFAULT_TARGETS`) and
``D`` the decay factor of :func:`~keras_symbolic.ops.symbolnet_ops.sparsity_decay`. Every term is a
scalar tensor. The training loss is

    L = L_err + sum_T L_sparse_T (+ the model's own ``losses``)

computed by :meth:`AdaptiveSparsity.regularized_loss`, the one implementation used by
:class:`~keras_symbolic.models.symbolnet.SymbolNet` and by :class:`AdaptiveSparsityModel`, which
attaches the regulariser to any Keras model made of the package's layers
(``AdaptiveSparsity(targets).attach(model)``): its ``compute_loss`` (Keras's hook for a model's loss)
adds the terms to the compiled loss ``L_err`` and logs ``error_loss`` and, per type,
``sparse_loss_T``, ``sparsity_T`` and ``threshold_T`` as metrics (progress bar, ``History``).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.ops.symbolnet_ops import DEFAULT_DECAY_RATE, sparsity_decay
from keras_symbolic.regularizers.pruning_state import prunable_layers, pruning_groups, pruning_variables

__all__ = ["PRUNING_TYPES", "DEFAULT_TARGETS", "normalize_targets", "AdaptiveSparsity", "AdaptiveSparsityModel"]

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

    # ---------------------------------------------------------------------------------------------
    @staticmethod
    def make_trackers(pruning_types: Sequence[str], frozen: bool = False) -> dict:
        """``{name: keras.metrics.Mean}`` for the logged terms: ``sparse_loss_T``, ``sparsity_T``,
        ``threshold_T`` per type (only ``sparsity_T`` when ``frozen``: no regulariser to log)."""
        terms = ("sparsity",) if frozen else ("sparse_loss", "sparsity", "threshold")
        return {f"{term}_{kind}": keras.metrics.Mean(name=f"{term}_{kind}") for kind in pruning_types for term in terms}

    def regularized_loss(self, error_loss, groups: Mapping[str, Sequence[tuple]], trackers: Mapping, frozen: bool = False):
        """``L_err + sum_T L_sparse_T`` (scalar tensor), updating ``trackers`` (:meth:`make_trackers`).

        With ``frozen`` (fixed masks, fine-tuning) the loss is ``L_err`` and only the sparsities
        (``#pruned / #items`` from ``groups``) are logged.
        """
        total = error_loss
        if frozen:
            for kind, items in groups.items():
                pruned = self._total(ops.cast(p, "float32") for _, p in items)
                trackers[f"sparsity_{kind}"].update_state(pruned / float(sum(int(np.prod(t.shape)) for t, _ in items)))
            return total
        terms = self(error_loss, groups)
        for t in terms.values():
            total = total + t["sparse_loss"]
        for kind, t in terms.items():
            for term in ("sparse_loss", "sparsity", "threshold"):
                trackers[f"{term}_{kind}"].update_state(t[term])
        return total

    def attach(self, model, **kwargs) -> "AdaptiveSparsityModel":
        """``model`` (any Keras model with :class:`SymbolicLayer` / :class:`InputMask` layers) trained
        with this regulariser: an :class:`AdaptiveSparsityModel` wrapping it (same outputs, same
        variables). ``kwargs`` go to ``keras.Model`` (``name``)."""
        return AdaptiveSparsityModel(model, targets=self.targets, decay_rate=self.decay_rate, **kwargs)

    def get_config(self):
        return {"targets": dict(self.targets), "decay_rate": self.decay_rate}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_symbolic")
class AdaptiveSparsityModel(keras.Model):
    """A Keras model made of the package's layers, trained with the adaptive sparsity regulariser.

    ``call`` is the wrapped model's; ``compute_loss`` is
    ``L = L_err + sum_T L_err D(s_T; alpha_T, d) L_thr_T + model.losses`` with ``L_err`` the loss
    given to ``compile`` (see the module docstring). Exposes ``targets`` and ``pruning_variables()``,
    so :class:`~keras_symbolic.callbacks.sparsity_guard.SparsityGuard` works with it.

    Args:
        model: the Keras model (functional, Sequential or subclassed) to regularise; it must contain
            at least one :class:`SymbolicLayer` (or ``EQLLayer``) or :class:`InputMask`.
        targets: target sparsity per pruning type (:func:`normalize_targets`).
        decay_rate: ``d`` of the decay factor (paper: 0.01).

    Input / output shape: those of ``model``.
    """

    def __init__(self, model, targets: Mapping[str, float] | None = None, decay_rate: float = DEFAULT_DECAY_RATE, **kwargs):
        super().__init__(**kwargs)
        if isinstance(model, Mapping):
            model = keras.saving.deserialize_keras_object(model)
        if not isinstance(model, keras.Model):
            raise TypeError(f"AdaptiveSparsity attaches to a keras.Model, got {type(model).__name__}.")
        self.model = model
        self.sparsity_regularizer = AdaptiveSparsity(targets, decay_rate)
        self.targets = self.sparsity_regularizer.targets
        self.prunable = prunable_layers(model)
        present = set(pruning_groups(self.prunable)) if model.built else set()
        if not self.prunable:
            raise ValueError(
                f"AdaptiveSparsity found no layer with pruning thresholds in {model.name!r}: build the model from "
                "keras_symbolic.layers.SymbolicLayer (and InputMask) layers."
            )
        if not model.built:
            raise ValueError(f"Build {model.name!r} (give it an Input or call build) before attaching AdaptiveSparsity.")
        self.pruning_types = tuple(k for k in PRUNING_TYPES if k in present)
        self.error_tracker = keras.metrics.Mean(name="error_loss")
        self.term_trackers = self.sparsity_regularizer.make_trackers(self.pruning_types)

    def call(self, inputs, training=None):
        return self.model(inputs, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if self._compile_loss is None:
            raise ValueError("AdaptiveSparsityModel needs the error loss: compile(loss=...), e.g. loss='mse'.")
        error = self._compile_loss(y, y_pred, sample_weight)
        total = self.sparsity_regularizer.regularized_loss(error, pruning_groups(self.prunable), self.term_trackers)
        for extra in self.losses:
            total = total + ops.cast(extra, total.dtype)
        self.error_tracker.update_state(error)
        return total

    def pruning_variables(self) -> dict[str, list[tuple]]:
        """Threshold variables by pruning type (see :func:`~keras_symbolic.regularizers.pruning_state.pruning_variables`)."""
        return pruning_variables(self.prunable)

    def sparsities(self) -> dict[str, float]:
        """Current sparsity (fraction pruned) per pruning type, as floats."""
        out = {}
        for kind, items in pruning_groups(self.prunable).items():
            pruned = sum(float(np.sum(ops.convert_to_numpy(p))) for _, p in items)
            out[kind] = pruned / sum(int(np.prod(t.shape)) for t, _ in items)
        return {k: out[k] for k in PRUNING_TYPES if k in out}

    def get_config(self):
        config = super().get_config()
        config.update({"model": keras.saving.serialize_keras_object(self.model), **self.sparsity_regularizer.get_config()})
        return config
