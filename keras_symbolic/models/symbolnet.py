"""SymbolNet: symbolic layers with dynamic pruning and self-adaptive sparsity (paper III, SPEC 2.1-2.2).

Network: ``inputs -> InputMask -> SymbolicLayer x L -> output SymbolicLayer (identity units)``.

Loss (paper eq. 2-3), computed in :meth:`SymbolNet.compute_loss`, backend-agnostic::

    L = L_err + sum_{T in weight, input, unary, binary} L_err * D(s_T; alpha_T, d) * L_thr_T
    L_thr_weight = mean_i exp(-t_i)      over every weight and bias threshold of every layer
    L_thr_T      = exp(-mean_i t_i)      for T = input, unary, binary

``s_T`` is the fraction of items of type T pruned at this step (measured from the current
variables, no gradient), ``alpha_T`` the target sparsity and ``D`` the decay factor of
:func:`~keras_symbolic.ops.symbolnet_ops.sparsity_decay` (the terms are computed by
:class:`~keras_symbolic.regularizers.adaptive_sparsity.AdaptiveSparsity`, whose
``regularized_loss`` any model made of the package's layers can use through
``AdaptiveSparsity(targets).attach(model)``). As in the paper and the authors' code the
gradient also flows through the ``L_err`` factor of the sparsity terms.

Error loss ``L_err``:

* ``"mse"`` (default; paper and authors' code, also for classification on one-hot targets).
  ``error_reduction="mean"`` (default) is the paper's ``1/(N n_out) sum (y - y_hat)^2``;
  ``"sum"`` sums over outputs before averaging over the batch, as the authors' code does. With
  Adam the two differ only through Adam's epsilon: every term of ``L`` is proportional to
  ``L_err``, so the factor ``n_out`` rescales all gradients alike.
* ``"categorical_crossentropy"`` / ``"binary_crossentropy"`` (outputs are logits): an option for
  classification, not in the paper.
* A loss given to ``compile(loss=...)`` replaces ``L_err``.

Logged every step (Keras metrics, so they are in the progress bar and in ``History``):
``error_loss``, and per type ``sparse_loss_T`` (= ``L_err D L_thr``), ``sparsity_T`` and
``threshold_T`` (mean threshold) -- the quantities of the paper's Fig. 7.

Fine-tuning (not in the paper): :meth:`SymbolNet.frozen_copy` returns the same function with every
mask fixed (``frozen_masks=True``: kernel and bias masks become EQL's
:class:`~keras_symbolic.layers.fixed_mask.FixedMask`, input and operator thresholds non-trainable) and no
regulariser (``L = L_err``; only ``error_loss`` and the constant ``sparsity_T`` are logged). Training
it moves only the surviving weights, so the expressions' structure and complexity stay as they were.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.layers.symbolic import SymbolicLayer
from keras_symbolic.layers.threshold import InputMask
from keras_symbolic.regularizers.adaptive_sparsity import PRUNING_TYPES, AdaptiveSparsity
from keras_symbolic.models.network_arguments import (
    ErrorLossMixin,
    check_network_arguments,
    error_loss_function,
    normalize_hidden_layers,
)
from keras_symbolic.ops.symbolnet_ops import DEFAULT_DECAY_RATE, DEFAULT_KAPPA

__all__ = ["SymbolNet", "HIDDEN_LAYER_KEYS"]

#: The :class:`SymbolicLayer` arguments a hidden-layer specification may give.
HIDDEN_LAYER_KEYS = {"num_unary", "num_binary", "unary_operators", "binary_operators", "operator_pruning"}

@keras.saving.register_keras_serializable(package="keras_symbolic")
class SymbolNet(ErrorLossMixin, keras.Model):
    """SymbolNet network with its adaptive sparsity loss.

    Args:
        n_inputs: number of input features.
        n_outputs: number of outputs (one expression each).
        hidden_layers: list of dicts of :class:`SymbolicLayer` arguments, one per hidden layer
            (``num_unary``, ``num_binary``, ``unary_operators``, ``binary_operators``,
            optionally ``operator_pruning``). See
            :func:`~keras_symbolic.models.symbolnet_builder.build_symbolnet` for a shorter form.
        targets: target sparsity per pruning type (``weight``, ``input``, ``unary``, ``binary``),
            completed with :data:`~keras_symbolic.models.adaptive_sparsity.DEFAULT_TARGETS`.
        decay_rate: ``d`` of the decay factor (paper: 0.01).
        kappa: slope of the straight-through estimator (paper: 5).
        error_loss: ``"mse"``, ``"categorical_crossentropy"`` or ``"binary_crossentropy"``
            (outputs as logits); ignored when ``compile`` gets a ``loss``.
        error_reduction: for ``"mse"``: ``"mean"`` over outputs (paper) or ``"sum"`` (authors' code).
        input_pruning: whether the inputs carry an :class:`InputMask`.
        frozen_masks: every mask fixed and no regulariser (fine-tuning; see :meth:`frozen_copy`,
            which also copies the masks in: a model built with ``True`` directly keeps everything).
        **kwargs: ``keras.Model`` arguments (``name``, ...).

    Input shape:
        ``(batch, n_inputs)``.

    Output shape:
        ``(batch, n_outputs)``.
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        hidden_layers: Sequence[Mapping] = ({"num_unary": 20, "num_binary": 5},),
        targets: Mapping[str, float] | None = None,
        decay_rate: float = DEFAULT_DECAY_RATE,
        kappa: float = DEFAULT_KAPPA,
        error_loss: str = "mse",
        error_reduction: str = "mean",
        input_pruning: bool = True,
        frozen_masks: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_network_arguments(n_inputs, n_outputs, error_loss, error_reduction)
        self.n_inputs, self.n_outputs = int(n_inputs), int(n_outputs)
        self.hidden_layers = normalize_hidden_layers(hidden_layers, HIDDEN_LAYER_KEYS, "SymbolicLayer")
        self.sparsity_regularizer = AdaptiveSparsity(targets, decay_rate)
        self.targets = self.sparsity_regularizer.targets
        self.decay_rate = self.sparsity_regularizer.decay_rate
        self.kappa = float(kappa)
        self.error_loss = error_loss
        self.error_reduction = error_reduction
        self.input_pruning = bool(input_pruning)
        self.frozen_masks = bool(frozen_masks)

        self.input_mask = InputMask(kappa=self.kappa, name="input_mask") if self.input_pruning else None
        self.symbolic_layers = [
            SymbolicLayer(kappa=self.kappa, frozen_masks=self.frozen_masks, name=f"symbolic_{i}", **spec)
            for i, spec in enumerate(self.hidden_layers)
        ]
        self.output_layer = SymbolicLayer(
            self.n_outputs, 0, unary_operators=("identity",), kappa=self.kappa, frozen_masks=self.frozen_masks,
            name="output",
        )
        self._error_fn = error_loss_function(error_loss)
        present = {"weight"} | ({"input"} if self.input_pruning else set())
        for layer in self.all_symbolic_layers:
            present |= set(layer.pruning_types)
        self.pruning_types = tuple(k for k in PRUNING_TYPES if k in present)
        self.error_tracker = keras.metrics.Mean(name="error_loss")
        self.term_trackers = self.sparsity_regularizer.make_trackers(self.pruning_types, self.frozen_masks)
        self.build((None, self.n_inputs))

    # ---------------------------------------------------------------------------------------------
    def build(self, input_shape):
        shape = tuple(input_shape)
        if shape[-1] is not None and int(shape[-1]) != self.n_inputs:
            raise ValueError(f"SymbolNet was configured for {self.n_inputs} inputs, got input shape {shape}.")
        if self.input_mask is not None:
            self.input_mask.build(shape)
            if self.frozen_masks:
                self.input_mask.threshold.trainable = False
        for layer in self.symbolic_layers:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        self.output_layer.build(shape)
        self.built = True

    def call(self, inputs):
        # The input gate is folded into the rows of the first kernel: the same function and
        # gradients as masking the inputs, without a (batch, n_inputs) gradient product.
        gate = self.input_mask.mask() if self.input_mask is not None else None
        layers = self.all_symbolic_layers
        x = layers[0](inputs, input_gate=gate)
        for layer in layers[1:]:
            x = layer(x)
        return x

    @property
    def all_symbolic_layers(self) -> list[SymbolicLayer]:
        """Hidden symbolic layers followed by the output layer."""
        return list(self.symbolic_layers) + [self.output_layer]

    def _pruning_groups(self) -> dict[str, list[tuple]]:
        groups: dict[str, list[tuple]] = {}
        if self.input_mask is not None:
            groups["input"] = [(self.input_mask.threshold, self.input_mask.pruned())]
        for layer in self.all_symbolic_layers:
            for kind, items in layer.pruning_groups().items():
                groups.setdefault(kind, []).extend(items)
        return groups

    def pruning_variables(self) -> dict[str, list[tuple]]:
        """Every threshold variable by pruning type, with the variable it is compared to.

        Returns:
            ``{type: [(threshold_variable, values_variable_or_None), ...]}``: weight items are
            pruned when ``|w| <= t``; input and operator items (``None``) when ``t >= 1``. The
            order of items is that of :meth:`sparsities`. Empty with ``frozen_masks``.
        """
        if self.frozen_masks:
            return {}
        out: dict[str, list[tuple]] = {}
        if self.input_mask is not None:
            out["input"] = [(self.input_mask.threshold, None)]
        for layer in self.all_symbolic_layers:
            for kind, items in layer.pruning_variables().items():
                out.setdefault(kind, []).extend(items)
        return {k: out[k] for k in PRUNING_TYPES if k in out}

    # ---------------------------------------------------------------------------------------------
    def sparsity_terms(self, error_loss) -> dict[str, dict]:
        """Per-type terms of the regulariser at the current variables (see :class:`AdaptiveSparsity`)."""
        return self.sparsity_regularizer(error_loss, self._pruning_groups())

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        error = self.compute_error_loss(y, y_pred, sample_weight)
        # Fine-tuning (frozen masks): no regulariser; the (fixed) sparsities are still logged.
        total = self.sparsity_regularizer.regularized_loss(
            error, self._pruning_groups(), self.term_trackers, frozen=self.frozen_masks
        )
        for extra in self.losses:  # regularisers of sublayers, add_loss, if any
            total = total + ops.cast(extra, total.dtype)
        self.error_tracker.update_state(error)
        return total

    def apply_masks(self) -> None:
        """Set every masked kernel and bias entry to exactly 0 (see :meth:`SymbolicLayer.apply_masks`);
        the function is unchanged."""
        for layer in self.all_symbolic_layers:
            layer.apply_masks()

    def frozen_copy(self, name: str | None = None, error_loss: str | None = None) -> "SymbolNet":
        """The same function with every mask fixed, for fine-tuning (not in the paper).

        A new :class:`SymbolNet` (``frozen_masks=True``) whose kernel and bias masks are the current
        masks ``step(|w| - t)`` held fixed (EQL's :class:`~keras_symbolic.layers.fixed_mask.FixedMask`),
        whose input and operator thresholds are copies that no longer train, and whose loss is
        ``L_err`` alone. Pruned weights are copied as exact zeros. Its outputs equal this model's;
        training it moves only the surviving weights and biases, so the unrolled expressions keep
        their structure (and complexity). This model is left unchanged.

        Args:
            name: name of the copy (default: this model's).
            error_loss: error loss of the copy (default: this model's), e.g. a cross-entropy to
                fine-tune an MSE-trained classifier's outputs as logits.
        """
        config = self.get_config()
        config["frozen_masks"] = True
        if error_loss is not None:
            config["error_loss"] = error_loss
        if name is not None:
            config["name"] = name
        frozen = SymbolNet.from_config(config)
        if self.input_mask is not None:
            # Copies through NumPy: sharing a buffer would let JAX's buffer donation in the
            # copy's training delete this model's arrays.
            frozen.input_mask.threshold.assign(ops.convert_to_numpy(self.input_mask.threshold))
        for old, new in zip(self.all_symbolic_layers, frozen.all_symbolic_layers):
            pairs = ((old.kernel_mask, old.kernel, new.kernel_mask, new.kernel),
                     (old.bias_mask, old.bias, new.bias_mask, new.bias))
            for old_mask, old_var, new_mask, new_var in pairs:
                keep = old_mask.active(old_var)
                new_mask.set_keep(keep)
                new_var.assign(np.where(keep, ops.convert_to_numpy(old_var), 0).astype(np.float32))
            for attr in ("unary_threshold", "binary_threshold"):
                if getattr(old, attr) is not None:
                    getattr(new, attr).assign(ops.convert_to_numpy(getattr(old, attr)))
        return frozen

    # ---------------------------------------------------------------------------------------------
    # Inspection.
    # ---------------------------------------------------------------------------------------------
    def sparsities(self) -> dict[str, float]:
        """Current sparsity (fraction pruned) per pruning type, as floats."""
        out = {}
        for kind, items in self._pruning_groups().items():
            pruned = sum(float(np.sum(ops.convert_to_numpy(p))) for _, p in items)
            total = sum(int(np.prod(t.shape)) for t, _ in items)
            out[kind] = pruned / total
        return {k: out[k] for k in PRUNING_TYPES if k in out}

    def input_active(self) -> np.ndarray:
        """Bool per input: ``True`` if the input is not pruned by the input mask."""
        if self.input_mask is None:
            return np.ones(self.n_inputs, dtype=bool)
        return ops.convert_to_numpy(self.input_mask.pruned()) == 0

    def symbolic_arrays(self) -> dict:
        """Everything the unroller needs, as NumPy arrays and names.

        Returns:
            ``{"n_inputs": int, "input_active": bool (n_inputs,), "layers": [layer arrays, ...]}``
            with one entry per symbolic layer (output layer last), see
            :meth:`SymbolicLayer.symbolic_arrays`. Feed to
            :func:`keras_symbolic.symbolic.unroll.unroll_symbolnet`.
        """
        return {
            "n_inputs": self.n_inputs,
            "input_active": self.input_active(),
            "layers": [layer.symbolic_arrays() for layer in self.all_symbolic_layers],
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "n_inputs": self.n_inputs,
                "n_outputs": self.n_outputs,
                "hidden_layers": [dict(spec) for spec in self.hidden_layers],
                "targets": dict(self.targets),
                "decay_rate": self.decay_rate,
                "kappa": self.kappa,
                "error_loss": self.error_loss,
                "error_reduction": self.error_reduction,
                "input_pruning": self.input_pruning,
                "frozen_masks": self.frozen_masks,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
