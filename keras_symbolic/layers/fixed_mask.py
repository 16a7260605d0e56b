"""A frozen 0/1 mask of a parameter tensor: ``call(w) = w * keep``, ``keep`` non-trainable.

:class:`FixedMask` is the parameter mask of EQL's layer
(:class:`~keras_symbolic.layers.eql.EQLLayer`) and of a SymbolNet fine-tuned with fixed masks
(:class:`~keras_symbolic.layers.symbolic.SymbolicLayer` with ``frozen_masks=True``). All ones until
the mask is set (:meth:`FixedMask.set_keep`) or small weights are frozen to zero
(:meth:`FixedMask.freeze_below`); a masked weight no longer enters the function, so its gradient is
zero. Same interface as :class:`~keras_symbolic.layers.threshold.ThresholdMask` (``mask``,
``pruned``, ``active``), without thresholds.
"""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

__all__ = ["FixedMask"]


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
