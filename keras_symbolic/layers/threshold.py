"""SymbolNet's trainable pruning thresholds (paper III-B, SPEC 2.1).

Two kinds of mask, both with one trainable threshold per masked item, initialised at 0, and the
straight-through step of :func:`keras_symbolic.ops.symbolnet_ops.ste_step`:

* :class:`ThresholdMask` -- magnitude pruning of a parameter tensor (weights, biases):
  ``w -> w * step(|w| - t)``, thresholds ``t >= 0``.
* :class:`InputMask` -- gate per input feature with a fixed auxiliary weight 1:
  ``x_i -> x_i * step(1 - t_i)``, ``t_i`` in ``[0, 1]``; feature ``i`` is pruned when ``t_i`` reaches 1.
  The operator masks of :class:`~keras_symbolic.layers.symbolic.SymbolicLayer` use the same gate.

The thresholds are kept in range by constraints that the optimiser applies after every update
(``keras.constraints.NonNeg`` and :class:`Clip`), i.e. clipping as in the paper (the authors' code
uses ``abs`` for the weight thresholds).
"""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_symbolic.ops.symbolnet_ops import DEFAULT_KAPPA, hard_step, ste_step

__all__ = ["Clip", "ThresholdMask", "InputMask", "check_kappa", "unit_gate", "unit_gate_pruned"]


def check_kappa(kappa) -> float:
    """``kappa`` (the STE slope) as a float; ``ValueError`` unless it is a positive number."""
    if isinstance(kappa, bool) or not isinstance(kappa, (int, float)) or not kappa > 0:
        raise ValueError(f"`kappa` must be a positive number, got {kappa!r}.")
    return float(kappa)


def unit_gate(thresholds, kappa: float = DEFAULT_KAPPA):
    """Gate of an item with auxiliary weight 1 and threshold ``t`` in [0, 1]: ``step(1 - t)`` (STE)."""
    return ste_step(1.0 - thresholds, kappa)


def unit_gate_pruned(thresholds):
    """1.0 where the gate is closed (``t >= 1``), else 0.0; no gradient."""
    return 1.0 - hard_step(1.0 - thresholds)


@keras.saving.register_keras_serializable(package="keras_symbolic")
class Clip(keras.constraints.Constraint):
    """Element-wise clip of a variable to ``[min_value, max_value]``.

    Args:
        min_value: lower bound.
        max_value: upper bound (>= ``min_value``).
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0):
        if not max_value >= min_value:
            raise ValueError(f"Clip needs min_value <= max_value, got [{min_value}, {max_value}].")
        self.min_value = float(min_value)
        self.max_value = float(max_value)

    def __call__(self, w):
        return ops.clip(w, self.min_value, self.max_value)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value}


@keras.saving.register_keras_serializable(package="keras_symbolic")
class ThresholdMask(keras.layers.Layer):
    """Trainable magnitude threshold per element of a parameter tensor (dynamic pruning).

    For a parameter tensor ``w`` (not a batch of data: this layer is applied to a weight inside
    another layer) with thresholds ``t`` of the same shape:

        mask = step(|w| - t),     call(w) = w * mask,

    with the straight-through estimator for the step: forward exactly 0/1, backward
    ``kappa * sigmoid'(kappa * (|w| - t))``. So ``w`` is pruned (set to zero) while ``t >= |w|``, and
    weight and threshold keep competing through their gradients: a pruned weight can come back.

    Args:
        kappa: slope of the sigmoid surrogate gradient (paper: 5).
        threshold_initializer: initializer of the thresholds (paper: zeros).
        threshold_constraint: constraint applied after each update (default ``NonNeg``:
            thresholds clipped to ``[0, inf)``).
        **kwargs: base ``Layer`` arguments (``name``, ``dtype``, ...).

    Input shape:
        The shape of the masked parameter tensor, any rank (no batch axis).

    Output shape:
        Same as the input.
    """

    def __init__(
        self,
        kappa: float = DEFAULT_KAPPA,
        threshold_initializer="zeros",
        threshold_constraint="non_neg",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kappa = check_kappa(kappa)
        self.threshold_initializer = keras.initializers.get(threshold_initializer)
        self.threshold_constraint = keras.constraints.get(threshold_constraint)
        self.threshold = None

    def build(self, input_shape):
        self.threshold = self.add_weight(
            name="threshold",
            shape=tuple(input_shape),
            initializer=self.threshold_initializer,
            constraint=self.threshold_constraint,
            trainable=True,
        )

    def mask(self, values):
        """The 0/1 mask ``step(|w| - t)`` (straight-through gradient)."""
        return ste_step(ops.abs(values) - self.threshold, self.kappa)

    def call(self, values):
        return values * self.mask(values)

    def pruned(self, values):
        """1.0 where ``w`` is pruned (``|w| - t <= 0``), else 0.0; no gradient."""
        return 1.0 - hard_step(ops.abs(values) - self.threshold)

    def active(self, values) -> np.ndarray:
        """NumPy bool array: ``True`` where ``values`` is kept (``|w| - t > 0``, float32 as in ``call``)."""
        values = np.asarray(ops.convert_to_numpy(values))
        return (np.abs(values) - ops.convert_to_numpy(self.threshold)) > 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "kappa": self.kappa,
                "threshold_initializer": keras.initializers.serialize(self.threshold_initializer),
                "threshold_constraint": keras.constraints.serialize(self.threshold_constraint),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="keras_symbolic")
class InputMask(keras.layers.Layer):
    """Input-feature pruning: ``x_i -> x_i * step(1 - t_i)`` with trainable ``t_i`` in ``[0, 1]``.

    The paper attaches an auxiliary weight fixed at 1 to every input; only the distance between the
    weight and its threshold matters, so the weight is the constant 1 here. Feature ``i`` is pruned
    once its threshold reaches 1 (the upper clip).

    Args:
        kappa: slope of the sigmoid surrogate gradient (paper: 5).
        threshold_initializer: initializer of the thresholds (paper: zeros).
        **kwargs: base ``Layer`` arguments.

    Input shape:
        ``(..., n_features)``.

    Output shape:
        Same as the input.
    """

    def __init__(self, kappa: float = DEFAULT_KAPPA, threshold_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.kappa = check_kappa(kappa)
        self.threshold_initializer = keras.initializers.get(threshold_initializer)
        self.threshold = None

    def build(self, input_shape):
        n_features = input_shape[-1]
        if n_features is None:
            raise ValueError(f"InputMask needs a known last dimension, got input shape {input_shape}.")
        self.threshold = self.add_weight(
            name="threshold",
            shape=(int(n_features),),
            initializer=self.threshold_initializer,
            constraint=Clip(0.0, 1.0),
            trainable=True,
        )

    def mask(self):
        """The 0/1 gate per feature (straight-through gradient), shape ``(n_features,)``."""
        return unit_gate(self.threshold, self.kappa)

    def call(self, inputs):
        return inputs * ops.cast(self.mask(), inputs.dtype)

    def pruned(self):
        """1.0 for each pruned feature, else 0.0; no gradient."""
        return unit_gate_pruned(self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "kappa": self.kappa,
                "threshold_initializer": keras.initializers.serialize(self.threshold_initializer),
            }
        )
        return config
