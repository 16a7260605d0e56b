"""The LIES network (LIES paper Fig. 1; SPEC 1.2).

For ``n`` inputs the network has ``n + 1`` LIES layers. With ``z0 = [x, 1]`` (a constant-1 column is
the only bias of the hidden layers) and ``o_k`` the pure output of layer ``k`` after its node bridge,

    F_0 = z0,   F_k = [F_{k-1}, o_k],   o_k = s_k * act(F_{k-1} @ W_k),   y = F_L @ W_out (+ b),

i.e. every layer and the output receive the raw input and the *pure outputs* of all earlier layers
(dense residual connections). Shapes: ``W_k`` is ``(n + 1 + 4(k-1), 4)``, ``W_out`` is
``(n + 1 + 4L, 1)``; input ``(batch, n)``, output ``(batch, 1)``.
"""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_symbolic.layers.lies import LIESLayer, NodeBridge
from keras_symbolic.layers.masked import MaskedDense
from keras_symbolic.models.regularized import SparseRegularizedModel
from keras_symbolic.ops.lies_ops import EXP_CUTOFF, LOG_CUTOFF, REFERENCE_UNIT_ORDER
from keras_symbolic.symbolic.lies_numpy import LIESWeights

__all__ = ["LIESNetwork", "LIESEnsemble", "build_lies_network", "build_lies_ensemble"]


@keras.saving.register_keras_serializable(package="keras_symbolic")
class LIESNetwork(SparseRegularizedModel):
    """Fixed LIES network with dense residual connections and node bridges.

    Args:
        n_inputs: number of input variables ``n`` (the constant-1 column is added inside).
        n_layers: number of LIES layers (default ``n + 1``).
        units: activations of each layer's units (default the authors' ``identity, exp, sin, log``).
        output_bias: give the output map its own bias (authors' code) in addition to the constant-1
            column (paper: no biases). Default ``False``: the constant column already is the bias.
        domain_weight: weight of the domain (mask) loss of the Log/Exp units.
        admm_norm: ``"squared"`` (paper) or ``"unsquared"`` (authors' code) ADMM penalty.
    """

    def __init__(
        self,
        n_inputs: int,
        n_layers: int | None = None,
        units=REFERENCE_UNIT_ORDER,
        output_bias: bool = False,
        domain_weight: float = 1.0,
        log_cutoff: float = LOG_CUTOFF,
        exp_cutoff: float = EXP_CUTOFF,
        admm_norm: str = "squared",
        **kwargs,
    ):
        super().__init__(admm_norm=admm_norm, **kwargs)
        if not isinstance(n_inputs, (int, np.integer)) or n_inputs < 1:
            raise ValueError(f"`n_inputs` must be a positive integer, got {n_inputs!r}")
        n_layers = int(n_inputs) + 1 if n_layers is None else n_layers
        if not isinstance(n_layers, (int, np.integer)) or n_layers < 1:
            raise ValueError(f"`n_layers` must be a positive integer, got {n_layers!r}")
        self.n_inputs = int(n_inputs)
        self.n_layers = int(n_layers)
        self.unit_names = tuple(units)
        self.output_bias = bool(output_bias)
        self.domain_weight = float(domain_weight)
        self.log_cutoff = float(log_cutoff)
        self.exp_cutoff = float(exp_cutoff)
        self.lies_layers = [
            LIESLayer(self.unit_names, domain_weight, log_cutoff, exp_cutoff, name=f"lies_{k + 1}")
            for k in range(self.n_layers)
        ]
        self.bridges = [NodeBridge(name=f"bridge_{k + 1}") for k in range(self.n_layers)]
        self.output_map = MaskedDense(1, use_bias=self.output_bias, name="output")

    def build(self, input_shape=None):
        width = self.n_inputs + 1
        n_units = len(self.unit_names)
        for layer, bridge in zip(self.lies_layers, self.bridges):
            layer.build((None, width))
            bridge.build((None, n_units))
            width += n_units
        self.output_map.build((None, width))
        self.build_regularizers()
        self.built = True

    def call(self, inputs, training=None):
        x = ops.cast(inputs, self.compute_dtype)
        features = ops.concatenate([x, ops.ones_like(x[:, :1])], axis=-1)
        for layer, bridge in zip(self.lies_layers, self.bridges):
            features = ops.concatenate([features, bridge(layer(features, training=training))], axis=-1)
        return self.output_map(features)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def prunable_weights(self):
        pairs = []
        for layer, bridge in zip(self.lies_layers, self.bridges):
            pairs += layer.prunable_weights() + bridge.prunable_weights()
        return pairs + self.output_map.prunable_weights()

    # ------------------------------------------------------------------ NumPy view of the weights
    def to_numpy_weights(self) -> LIESWeights:
        """The effective (masked) weights as a :class:`LIESWeights` (pure NumPy, float64)."""
        as_np = lambda t: np.asarray(ops.convert_to_numpy(t), dtype=np.float64)  # noqa: E731
        bias = as_np(self.output_map.effective_bias())[0] if self.output_bias else 0.0
        return LIESWeights(
            kernels=[as_np(layer.effective_kernel()) for layer in self.lies_layers],
            bridges=[as_np(bridge.effective_scale()) for bridge in self.bridges],
            output_kernel=as_np(self.output_map.effective_kernel())[:, 0],
            output_bias=float(bias),
            units=self.unit_names,
            log_cutoff=self.log_cutoff,
            exp_cutoff=self.exp_cutoff,
        )

    def apply_masks(self, weights: LIESWeights):
        """Zero every weight that is exactly 0 in ``weights`` (e.g. after pruning): mask and value."""
        targets = []
        for layer, bridge, kernel, scale in zip(self.lies_layers, self.bridges, weights.kernels, weights.bridges):
            targets += [(layer.kernel, layer.kernel_mask, kernel), (bridge.scale, bridge.scale_mask, scale)]
        targets.append((self.output_map.kernel, self.output_map.kernel_mask, weights.output_kernel[:, None]))
        for var, mask, values in targets:
            keep = (np.asarray(values) != 0).astype(np.float32)
            new_mask = ops.convert_to_numpy(mask) * keep
            mask.assign(new_mask)
            var.assign(ops.convert_to_numpy(var) * new_mask)

    def sparsity(self) -> float:
        """Fraction of prunable weights that are masked out."""
        total = pruned = 0
        for _, mask in self.prunable_weights():
            m = ops.convert_to_numpy(mask)
            total += m.size
            pruned += int((m == 0).sum())
        return pruned / max(total, 1)

    def get_config(self):
        config = super().get_config()
        config.update(
            n_inputs=self.n_inputs,
            n_layers=self.n_layers,
            units=list(self.unit_names),
            output_bias=self.output_bias,
            domain_weight=self.domain_weight,
            log_cutoff=self.log_cutoff,
            exp_cutoff=self.exp_cutoff,
        )
        return config


def build_lies_network(n_inputs: int, seed: int | None = None, **kwargs) -> LIESNetwork:
    """Build (create the weights of) a :class:`LIESNetwork` for ``n_inputs`` variables.

    ``seed`` seeds Keras's global RNG first, so the initial weights are reproducible.
    """
    if seed is not None:
        keras.utils.set_random_seed(int(seed))
    model = LIESNetwork(n_inputs, **kwargs)
    model.build((None, n_inputs))
    return model


@keras.saving.register_keras_serializable(package="keras_symbolic")
class LIESEnsemble(SparseRegularizedModel):
    """``K`` independent :class:`LIESNetwork` members trained in one ``fit`` (restarts at the cost of one).

    The output is ``(batch, K)``, one column per member. With a per-member loss summed over members
    (``sum_k mean_batch loss(y, y_hat_k)``, see :func:`keras_symbolic.losses.exp_abs_loss_sum`) and the
    members' ADMM/L1 terms added separately, every member receives exactly the gradient it would get
    alone, and RMSprop's per-weight statistics keep them independent; but the per-step overhead, which
    dominates for networks this small, is paid once. The ensemble owns the ``rho``/``lambda``/``alpha``
    scalars; ``Z``/``U`` are the members' own, so a member can leave the ensemble and train on alone.
    """

    def __init__(self, n_inputs: int, n_members: int = 3, admm_norm: str = "squared", member_config=None, **kwargs):
        super().__init__(admm_norm=admm_norm, **kwargs)
        if not isinstance(n_members, (int, np.integer)) or n_members < 1:
            raise ValueError(f"`n_members` must be a positive integer, got {n_members!r}")
        self.n_inputs = int(n_inputs)
        self.n_members = int(n_members)
        self.member_config = dict(member_config or {})
        self.members = [
            LIESNetwork(n_inputs, admm_norm=admm_norm, name=f"member_{k}", **self.member_config) for k in range(n_members)
        ]

    def build(self, input_shape=None):
        for member in self.members:
            member.build((None, self.n_inputs))
        scalar = dict(shape=(), initializer="zeros", trainable=False)
        self.admm_rho = self.add_weight(name="admm_rho", **scalar)
        self.admm_lambda = self.add_weight(name="admm_lambda", **scalar)
        self.l1_alpha = self.add_weight(name="l1_alpha", **scalar)
        self.admm_z = [z for member in self.members for z in member.admm_z]
        self.admm_u = [u for member in self.members for u in member.admm_u]
        self.built = True

    def call(self, inputs, training=None):
        return ops.concatenate([member(inputs, training=training) for member in self.members], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n_members)

    def prunable_weights(self):
        return [pair for member in self.members for pair in member.prunable_weights()]

    def release(self, index: int) -> LIESNetwork:
        """Member ``index`` as a stand-alone network, with the ensemble's ``rho``/``lambda``/``alpha``."""
        member = self.members[index]
        for name in ("admm_rho", "admm_lambda", "l1_alpha"):
            getattr(member, name).assign(ops.convert_to_numpy(getattr(self, name)))
        return member

    def get_config(self):
        config = super().get_config()
        config.update(n_inputs=self.n_inputs, n_members=self.n_members, member_config=self.member_config)
        return config


def build_lies_ensemble(n_inputs: int, n_members: int, seed: int | None = None, **kwargs) -> LIESEnsemble:
    """Build a :class:`LIESEnsemble`; ``seed`` seeds Keras's RNG so members start differently but reproducibly."""
    if seed is not None:
        keras.utils.set_random_seed(int(seed))
    admm_norm = kwargs.pop("admm_norm", "squared")
    model = LIESEnsemble(n_inputs, n_members, admm_norm=admm_norm, member_config=kwargs)
    model.build((None, n_inputs))
    return model
