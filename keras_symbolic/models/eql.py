"""EQL network with the smoothed L0.5 regulariser: the baseline of the SymbolNet paper (IV-B, SPEC 2.5).

Network: ``inputs -> EQLLayer x L -> output EQLLayer (identity units)``; the same symbolic layers,
operators and output layer as :class:`~keras_symbolic.models.symbolnet.SymbolNet`, without any
threshold.

Loss, computed in :meth:`EQLNet.compute_loss` (backend-agnostic)::

    L = L_err + lambda * R,   R = reduce_w L05*(w)   over every weight and bias of every layer
    L05*(w) = |w|^0.5                                        |w| >= a
            = (-w^4 / (8 a^3) + 3 w^2 / (4 a) + 3 a / 8)^0.5   |w| <  a     (a = 0.01)

``reduce`` is the sum (default, as in EQL) or the mean over parameters (``reg_reduction``).
``lambda`` is a non-trainable variable (:attr:`EQLNet.reg_lambda`), so the three phases of
:func:`keras_symbolic.pipelines.eql.train_eql` switch it between ``fit`` calls without rebuilding
or recompiling: (1) ``lambda = 0``; (2) ``lambda > 0``; (3) weights with ``|w| < threshold`` set to
zero and frozen (:meth:`EQLNet.freeze_small_weights`), ``lambda = 0``, fine-tune.

Logged every step: ``error_loss``, ``reg_loss`` (``R``, before the factor ``lambda``).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.layers.eql import EQLLayer
from keras_symbolic.models.network_arguments import (
    ErrorLossMixin,
    check_network_arguments,
    error_loss_function,
    normalize_hidden_layers,
)

__all__ = ["DEFAULT_SMOOTHING", "HIDDEN_LAYER_KEYS", "l05_star", "EQLNet", "build_eql"]

#: The :class:`EQLLayer` arguments a hidden-layer specification may give.
HIDDEN_LAYER_KEYS = {"num_unary", "num_binary", "unary_operators", "binary_operators"}

#: ``a`` of the smoothed L0.5 (paper: 0.01).
DEFAULT_SMOOTHING = 0.01


def l05_star(w, a: float = DEFAULT_SMOOTHING):
    """Smoothed L0.5 penalty of each element of ``w`` (paper eq. 4): ``|w|^0.5`` for ``|w| >= a``,
    the polynomial ``(-w^4/(8a^3) + 3w^2/(4a) + 3a/8)^0.5`` below (value and slope match at ``a``;
    smooth at 0, where ``|w|^0.5`` has an infinite slope).

    Args:
        w: tensor of any shape.
        a: smoothing half-width (> 0).

    Returns:
        tensor of ``w``'s shape.
    """
    w = ops.convert_to_tensor(w)
    abs_w = ops.abs(w)
    # Each branch is evaluated on arguments where it is finite with a finite slope, because the
    # branch that `where` discards still enters the gradient (0 * inf = NaN otherwise).
    square = ops.square(ops.minimum(abs_w, a))  # inner >= 3a/8 > 0
    inner = -ops.square(square) / (8.0 * a**3) + 3.0 * square / (4.0 * a) + 3.0 * a / 8.0
    return ops.where(abs_w < a, ops.sqrt(inner), ops.sqrt(ops.maximum(abs_w, a)))


@keras.saving.register_keras_serializable(package="keras_symbolic")
class EQLNet(ErrorLossMixin, keras.Model):
    """EQL network with the L0.5* regulariser and hard-threshold freezing.

    Args:
        n_inputs: number of input features.
        n_outputs: number of outputs (one expression each).
        hidden_layers: list of dicts of :class:`EQLLayer` arguments, one per hidden layer.
        reg_lambda: initial ``lambda`` (the pipeline sets it per phase).
        smoothing: ``a`` of :func:`l05_star` (paper: 0.01).
        reg_reduction: ``"sum"`` (EQL) or ``"mean"`` of the penalty over all parameters.
        error_loss: ``"mse"`` (paper) or a cross-entropy on logits.
        error_reduction: for MSE, ``"mean"`` over outputs or ``"sum"``.
        **kwargs: ``keras.Model`` arguments.

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
        reg_lambda: float = 0.0,
        smoothing: float = DEFAULT_SMOOTHING,
        reg_reduction: str = "sum",
        error_loss: str = "mse",
        error_reduction: str = "mean",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_network_arguments(n_inputs, n_outputs, error_loss, error_reduction)
        if not (isinstance(smoothing, (int, float)) and smoothing > 0):
            raise ValueError(f"`smoothing` must be a positive number, got {smoothing!r}.")
        if reg_reduction not in ("sum", "mean"):
            raise ValueError(f"`reg_reduction` must be 'sum' or 'mean', got {reg_reduction!r}.")
        self.n_inputs, self.n_outputs = int(n_inputs), int(n_outputs)
        self.hidden_layers = normalize_hidden_layers(hidden_layers, HIDDEN_LAYER_KEYS, "EQLLayer")
        self.smoothing = float(smoothing)
        self.reg_reduction = reg_reduction
        self.error_loss = error_loss
        self.error_reduction = error_reduction
        self.symbolic_layers = [EQLLayer(name=f"eql_{i}", **spec) for i, spec in enumerate(self.hidden_layers)]
        self.output_layer = EQLLayer(self.n_outputs, 0, unary_operators=("identity",), name="output")
        self._error_fn = error_loss_function(error_loss)
        self.error_tracker = keras.metrics.Mean(name="error_loss")
        self.reg_tracker = keras.metrics.Mean(name="reg_loss")
        if not reg_lambda >= 0:
            raise ValueError(f"`reg_lambda` must be >= 0, got {reg_lambda!r}.")
        self.reg_lambda = self.add_weight(name="reg_lambda", shape=(), initializer=keras.initializers.Constant(float(reg_lambda)),
                                          trainable=False)
        self.build((None, self.n_inputs))

    def build(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.all_symbolic_layers:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        self.built = True

    def call(self, inputs):
        x = inputs
        for layer in self.all_symbolic_layers:
            x = layer(x)
        return x

    @property
    def all_symbolic_layers(self) -> list[EQLLayer]:
        """Hidden layers followed by the output layer."""
        return list(self.symbolic_layers) + [self.output_layer]

    @property
    def n_parameters(self) -> int:
        """Number of weights and biases (what the regulariser and the sparsity count)."""
        return sum(int(np.prod(layer.kernel.shape)) + int(np.prod(layer.bias.shape)) for layer in self.all_symbolic_layers)

    # ---------------------------------------------------------------------------------------------
    def regularization(self):
        """``R``: the L0.5* penalty summed (or averaged) over every effective weight and bias."""
        total = None
        for layer in self.all_symbolic_layers:
            for w in layer.parameters():
                term = ops.sum(l05_star(w, self.smoothing))
                total = term if total is None else total + term
        if self.reg_reduction == "mean":
            total = total / float(self.n_parameters)
        return total

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        error = self.compute_error_loss(y, y_pred, sample_weight)
        reg = self.regularization()
        total = error + ops.cast(self.reg_lambda, reg.dtype) * reg
        for extra in self.losses:
            total = total + ops.cast(extra, total.dtype)
        self.error_tracker.update_state(error)
        self.reg_tracker.update_state(reg)
        return total

    # ---------------------------------------------------------------------------------------------
    def set_reg_lambda(self, value: float) -> None:
        """Set ``lambda`` (takes effect at the next ``fit``/``evaluate`` call)."""
        if not value >= 0:
            raise ValueError(f"lambda must be >= 0, got {value!r}.")
        self.reg_lambda.assign(float(value))

    def freeze_small_weights(self, threshold: float) -> int:
        """Set every weight and bias with ``|w| < threshold`` to zero and freeze it (phase 3).

        Returns:
            the number of masked parameters.
        """
        if not threshold >= 0:
            raise ValueError(f"threshold must be >= 0, got {threshold!r}.")
        return sum(layer.freeze_small_weights(threshold) for layer in self.all_symbolic_layers)

    def sparsities(self) -> dict[str, float]:
        """``{"weight": fraction of weights and biases that are exactly zero}``."""
        zero = 0
        for layer in self.all_symbolic_layers:
            arrays = layer.symbolic_arrays()
            zero += int(np.sum(arrays["kernel"] == 0)) + int(np.sum(arrays["bias"] == 0))
        return {"weight": zero / self.n_parameters}

    def symbolic_arrays(self) -> dict:
        """What :func:`keras_symbolic.symbolic.unroll.unroll_symbolnet` needs (every input kept)."""
        return {
            "n_inputs": self.n_inputs,
            "input_active": np.ones(self.n_inputs, dtype=bool),
            "layers": [layer.symbolic_arrays() for layer in self.all_symbolic_layers],
        }

    def get_config(self):
        config = super().get_config()
        config.update({
            "n_inputs": self.n_inputs,
            "n_outputs": self.n_outputs,
            "hidden_layers": [dict(spec) for spec in self.hidden_layers],
            "reg_lambda": float(ops.convert_to_numpy(self.reg_lambda)),
            "smoothing": self.smoothing,
            "reg_reduction": self.reg_reduction,
            "error_loss": self.error_loss,
            "error_reduction": self.error_reduction,
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def build_eql(
    n_inputs: int,
    n_outputs: int,
    layers: Sequence = ((20, 5),),
    unary: Sequence[str] = ("sin", "cos", "gauss", "tanh"),
    binary: Sequence[str] = ("mul",),
    **kwargs,
) -> EQLNet:
    """An :class:`EQLNet` from ``(num_unary, num_binary)`` pairs and operator names used by every
    hidden layer (``kwargs`` go to :class:`EQLNet`)."""
    unary = [unary] if isinstance(unary, str) else list(unary)
    binary = [binary] if isinstance(binary, str) else list(binary)
    specs = []
    for i, layer in enumerate(layers):
        try:
            u, b = layer
        except (TypeError, ValueError):
            raise ValueError(f"layers[{i}] must be a (num_unary, num_binary) pair, got {layer!r}.") from None
        specs.append({"num_unary": int(u), "num_binary": int(b), "unary_operators": unary, "binary_operators": binary})
    kwargs.setdefault("name", "eql")
    return EQLNet(n_inputs, n_outputs, hidden_layers=specs, **kwargs)
