"""Dense map with a fixed 0/1 pruning mask on its kernel.

Pruning sets entries of the non-trainable ``kernel_mask`` to 0; the layer always uses
``kernel * kernel_mask``, so a pruned weight stays exactly zero through any later training, and the
mask travels with the model when it is saved.
"""
from __future__ import annotations

import keras
from keras import ops

__all__ = ["MaskedDense", "torch_default_uniform"]


def torch_default_uniform(seed=None):
    """PyTorch's default ``Linear`` initialiser, ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (authors' code)."""
    # VarianceScaling(uniform) draws from U(-limit, limit), limit = sqrt(3 * scale / fan_in).
    return keras.initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_in", distribution="uniform", seed=seed)


@keras.saving.register_keras_serializable(package="keras_symbolic")
class MaskedDense(keras.layers.Layer):
    """``y = x @ (W * M) + b`` with a non-trainable 0/1 mask ``M``.

    Args:
        units: output width.
        use_bias: add a (maskable) bias ``b``.
        kernel_initializer: initialiser of ``W``; default PyTorch's ``U(+-1/sqrt(fan_in))``.
        bias_initializer: initialiser of ``b``; default the same uniform law as the kernel.

    Shapes: input ``(batch, d_in)``, output ``(batch, units)``.
    """

    def __init__(self, units: int, use_bias: bool = False, kernel_initializer=None, bias_initializer=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"`units` must be a positive integer, got {units!r}")
        self.units = units
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer or torch_default_uniform())
        self.bias_initializer = keras.initializers.get(bias_initializer) if bias_initializer else None
        self.input_spec = keras.layers.InputSpec(min_ndim=2)

    def build(self, input_shape):
        d_in = input_shape[-1]
        if d_in is None:
            raise ValueError(f"{self.name}: the last input dimension must be known, got shape {input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=(d_in, self.units), initializer=self.kernel_initializer)
        self.kernel_mask = self.add_weight(name="kernel_mask", shape=(d_in, self.units), initializer="ones", trainable=False)
        if self.use_bias:
            limit = 1.0 / float(d_in) ** 0.5
            init = self.bias_initializer or keras.initializers.RandomUniform(-limit, limit)
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=init)
            self.bias_mask = self.add_weight(name="bias_mask", shape=(self.units,), initializer="ones", trainable=False)
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: d_in})

    def effective_kernel(self):
        """``W * M``: the kernel the layer actually uses."""
        return self.kernel * self.kernel_mask

    def effective_bias(self):
        return self.bias * self.bias_mask if self.use_bias else None

    def prunable_weights(self):
        """(weight, mask) pairs that pruning and sparsity terms act on."""
        pairs = [(self.kernel, self.kernel_mask)]
        if self.use_bias:
            pairs.append((self.bias, self.bias_mask))
        return pairs

    def linear(self, inputs):
        out = ops.matmul(inputs, self.effective_kernel())
        if self.use_bias:
            out = out + self.effective_bias()
        return out

    def call(self, inputs):
        return self.linear(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            use_bias=self.use_bias,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer) if self.bias_initializer else None,
        )
        return config
