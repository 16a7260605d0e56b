"""LIES layers: the Log/Identity/Exp/Sine layer and the node bridge (LIES paper III-B, Fig. 1 and 4)."""
from __future__ import annotations

import keras
from keras import ops

from keras_symbolic.layers.masked import MaskedDense
from keras_symbolic.ops.lies_ops import (
    EXP_CUTOFF,
    LIES_ACTIVATIONS,
    LOG_CUTOFF,
    REFERENCE_UNIT_ORDER,
    domain_penalty,
)

__all__ = ["LIESLayer", "NodeBridge"]


@keras.saving.register_keras_serializable(package="keras_symbolic")
class LIESLayer(MaskedDense):
    """One LIES layer: a bias-free linear map to one unit per primitive, then the primitives.

    ``h = z @ (W * M)`` (shape ``(batch, 4)``), then unit ``j`` applies activation ``units[j]``:
    Identity ``h``, Exp ``exp(min(h, 4))``, Sin ``sin(h)``, Log ``ln(max(h, 5e-3))``.

    While training, the layer adds the domain (mask) loss of paper eq. 13 with :meth:`add_loss`:
    ``domain_weight * sum_batch [relu(5e-3 - h_log) + relu(h_exp - 4)]``, which keeps the Log and Exp
    units inside the range where the clamps are inactive (the extracted formula has no clamps).

    Args:
        units: the activation of each unit, any order/multiset of ``identity, exp, sin, log``;
            default the authors' order ``(identity, exp, sin, log)``.
        domain_weight: weight of the domain loss (0 disables it).
        log_cutoff, exp_cutoff: the cut-offs ``x_l`` and ``x_e``.

    Shapes: input ``(batch, d_in)``, output ``(batch, len(units))``.
    """

    def __init__(
        self,
        units=REFERENCE_UNIT_ORDER,
        domain_weight: float = 1.0,
        log_cutoff: float = LOG_CUTOFF,
        exp_cutoff: float = EXP_CUTOFF,
        **kwargs,
    ):
        kwargs.pop("use_bias", None)
        unit_names = tuple(units)
        unknown = [u for u in unit_names if u not in LIES_ACTIVATIONS]
        if not unit_names or unknown:
            raise ValueError(f"`units` must name LIES primitives {sorted(LIES_ACTIVATIONS)}, got {list(units)!r}")
        super().__init__(units=len(unit_names), use_bias=False, **kwargs)
        self.unit_names = unit_names
        self.domain_weight = float(domain_weight)
        self.log_cutoff = float(log_cutoff)
        self.exp_cutoff = float(exp_cutoff)
        self._log_idx = [i for i, u in enumerate(unit_names) if u == "log"]
        self._exp_idx = [i for i, u in enumerate(unit_names) if u == "exp"]

    def activate(self, h):
        """Apply each unit's primitive to its column of ``h``."""
        columns = []
        for j, name in enumerate(self.unit_names):
            hj = h[:, j : j + 1]
            if name == "log":
                columns.append(LIES_ACTIVATIONS["log"](hj, self.log_cutoff))
            elif name == "exp":
                columns.append(LIES_ACTIVATIONS["exp"](hj, self.exp_cutoff))
            else:
                columns.append(LIES_ACTIVATIONS[name](hj))
        return ops.concatenate(columns, axis=-1)

    def call(self, inputs, training=None):
        h = self.linear(inputs)
        if training and self.domain_weight:
            h_log = ops.take(h, self._log_idx, axis=1) if self._log_idx else None
            h_exp = ops.take(h, self._exp_idx, axis=1) if self._exp_idx else None
            self.add_loss(self.domain_weight * domain_penalty(h_log, h_exp, self.log_cutoff, self.exp_cutoff))
        return self.activate(h)

    def get_config(self):
        config = super().get_config()
        for key in ("units", "use_bias", "bias_initializer"):
            config.pop(key, None)
        config.update(
            units=list(self.unit_names),
            domain_weight=self.domain_weight,
            log_cutoff=self.log_cutoff,
            exp_cutoff=self.exp_cutoff,
        )
        return config


@keras.saving.register_keras_serializable(package="keras_symbolic")
class NodeBridge(keras.layers.Layer):
    """Node pruning by a per-unit scalar (paper Fig. 4): ``o_j = s_j * m_j * a_j``.

    Each unit's activation is multiplied by its own trainable scalar ``s_j`` (an ordinary weight:
    ADMM, L1 and pruning apply to it, as in the authors' code). When ``s_j`` is pruned to zero the unit
    disappears from every later layer, so ``Exp(0) = 1`` or ``Log(0) = ln x_l`` cannot leak constants.

    Args:
        scale_initializer: initialiser of ``s`` (default ones: the bridge starts transparent).

    Shapes: input ``(batch, units)``, output the same.
    """

    def __init__(self, scale_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.scale_initializer = keras.initializers.get(scale_initializer)

    def build(self, input_shape):
        units = input_shape[-1]
        self.scale = self.add_weight(name="scale", shape=(units,), initializer=self.scale_initializer)
        self.scale_mask = self.add_weight(name="scale_mask", shape=(units,), initializer="ones", trainable=False)

    def effective_scale(self):
        return self.scale * self.scale_mask

    def prunable_weights(self):
        return [(self.scale, self.scale_mask)]

    def call(self, inputs):
        return inputs * self.effective_scale()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(scale_initializer=keras.initializers.serialize(self.scale_initializer))
        return config
