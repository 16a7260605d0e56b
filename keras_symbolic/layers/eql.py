"""EQL's symbolic layer: SymbolNet's symbolic layer without thresholds (paper IV-B, SPEC 2.5).

* :class:`FixedMask` -- a non-trainable 0/1 mask per element of a parameter tensor,
  ``call(w) = w * keep``. All ones until EQL's last phase sets the small weights to zero and freezes
  them (``keep = 0``: the weight no longer enters the function, so its gradient is zero).
* :class:`EQLLayer` -- :class:`~keras_symbolic.layers.symbolic.SymbolicLayer` (same linear map, same
  operator library and unit layout, so the same unroller) with a :class:`FixedMask` on its kernel and
  bias instead of trainable thresholds, and no operator thresholds.
"""
from __future__ import annotations

from typing import Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.layers.symbolic import SymbolicLayer

__all__ = ["FixedMask", "EQLLayer"]


@keras.saving.register_keras_serializable(package="keras_symbolic")
class FixedMask(keras.layers.Layer):
    """Frozen 0/1 mask of a parameter tensor: ``call(w) = w * keep`` (``keep`` non-trainable).

    Applied to a weight inside another layer (not to a batch of data). ``keep`` starts at 1;
    :meth:`freeze_below` sets it to 0 where ``|w| < threshold``.

    Input shape:
        the parameter's shape (given to ``build``).

    Output shape:
        the same.
    """

    def build(self, input_shape):
        self.keep = self.add_weight(name="keep", shape=tuple(input_shape), initializer="ones", trainable=False)

    def call(self, values):
        return values * ops.cast(self.keep, values.dtype)

    def mask(self, values=None):
        """The 0/1 mask (``values`` is ignored: the mask does not depend on them)."""
        return self.keep

    def pruned(self, values=None):
        """1.0 where the element is masked out, else 0.0."""
        return 1.0 - ops.cast(self.keep, "float32")

    def active(self, values=None) -> np.ndarray:
        """NumPy bool array: ``True`` where the element is kept (``values`` is ignored)."""
        return ops.convert_to_numpy(self.keep) != 0

    def set_keep(self, keep) -> None:
        """Set the mask to ``keep`` (bool or 0/1 array of the parameter's shape)."""
        self.keep.assign(np.asarray(keep, dtype=np.float32))

    def freeze_below(self, values, threshold: float) -> int:
        """Mask out (for good) every element with ``|value| < threshold``; returns how many are masked."""
        keep = ops.convert_to_numpy(self.keep) * (np.abs(ops.convert_to_numpy(values)) >= float(threshold))
        self.keep.assign(keep.astype(np.float32))
        return int(keep.size - np.count_nonzero(keep))

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="keras_symbolic")
class EQLLayer(SymbolicLayer):
    """Symbolic layer of the EQL baseline: ``u`` unary and ``b`` binary operators, no thresholds.

    Computation, for inputs ``x`` of shape ``(..., n)`` (``K_W``, ``K_b``: the frozen 0/1 masks)::

        z = x @ (W * K_W) + bias * K_b                    z: (..., u + 2b)
        y_i = f_i(z_i)                 i < u              (unary units)
        y_{u+j} = g_j(z_{u+j}, z_{u+b+j})   j < b          (binary units)

    Args:
        num_unary, num_binary, unary_operators, binary_operators, kernel_initializer,
        bias_initializer: as for :class:`SymbolicLayer`.
        **kwargs: base ``Layer`` arguments (``name``, ``dtype``, ...).

    Input shape:
        ``(..., n)``.

    Output shape:
        ``(..., u + b)``.
    """

    def __init__(
        self,
        num_unary: int,
        num_binary: int = 0,
        unary_operators: Sequence[str] = ("sin", "cos", "exp", "gauss"),
        binary_operators: Sequence[str] = ("mul",),
        kernel_initializer="random_normal",
        bias_initializer="random_normal",
        **kwargs,
    ):
        for key in ("operator_pruning", "kappa", "frozen_masks"):  # fixed here; present in SymbolicLayer's config
            kwargs.pop(key, None)
        super().__init__(num_unary, num_binary, unary_operators=unary_operators, binary_operators=binary_operators,
                         operator_pruning=False, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, **kwargs)

    def _parameter_mask(self, name: str) -> keras.layers.Layer:
        """Fixed 0/1 masks instead of SymbolNet's trainable thresholds."""
        return FixedMask(name=name)

    @property
    def pruning_types(self) -> tuple[str, ...]:
        return ()

    def pruning_groups(self) -> dict:
        """No thresholds: nothing for SymbolNet's regulariser."""
        return {}

    def pruning_variables(self) -> dict:
        return {}

    def parameters(self) -> list:
        """The effective (masked) kernel and bias tensors, for the L0.5* regulariser."""
        return [self.kernel_mask(self.kernel), self.bias_mask(self.bias)]

    def freeze_small_weights(self, threshold: float) -> int:
        """EQL's hard threshold: weights and biases with ``|w| < threshold`` are set to 0 and frozen.

        Returns:
            the number of masked parameters of this layer (earlier ones included).
        """
        n = sum(mask.freeze_below(var, threshold) for mask, var in ((self.kernel_mask, self.kernel), (self.bias_mask, self.bias)))
        self.apply_masks()
        return n

    def get_config(self):
        config = super().get_config()
        config.pop("operator_pruning", None)
        config.pop("kappa", None)
        config.pop("frozen_masks", None)
        return config
