"""EQL's symbolic layer: SymbolNet's symbolic layer without thresholds (paper IV-B, SPEC 2.5).

:class:`EQLLayer` is :class:`~keras_symbolic.layers.symbolic.SymbolicLayer` (same linear map, same
operator library and unit layout, so the same unroller) with a
:class:`~keras_symbolic.layers.fixed_mask.FixedMask` on its kernel and bias instead of trainable
thresholds, and no operator thresholds. The masks are all ones until EQL's last phase sets the small
weights to zero and freezes them (:meth:`EQLLayer.freeze_small_weights`).
"""
from __future__ import annotations

from typing import Sequence

import keras

from keras_symbolic.layers.fixed_mask import FixedMask
from keras_symbolic.layers.symbolic import SymbolicLayer

__all__ = ["EQLLayer"]


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
