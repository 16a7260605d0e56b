"""SymbolNet's symbolic layer: a pruned linear map followed by unary and binary operators (SPEC 2.1)."""
from __future__ import annotations

from typing import Sequence

import keras
import numpy as np
from keras import ops

from keras_symbolic.layers.fixed_mask import FixedMask
from keras_symbolic.layers.threshold import Clip, ThresholdMask, check_kappa, unit_gate, unit_gate_pruned
from keras_symbolic.ops.symbolnet_ops import DEFAULT_KAPPA, Operator, get_binary_operator, get_unary_operator

__all__ = ["SymbolicLayer", "assign_operators"]


def assign_operators(names: Sequence[str], count: int, arity: int) -> tuple[str, ...]:
    """Canonical operator name of each of ``count`` units, in the layer's contiguous layout.

    The authors' code gives unit ``i`` the operator ``names[i % len(names)]``. The same multiset of
    operators is used here, laid out in contiguous blocks (all units of ``names[0]`` first, then
    ``names[1]`` ...), so that ``call`` applies each operator to one slice. The two layouts are the
    same model up to a permutation of units.
    """
    if count == 0:
        return ()
    ops_ = [(get_unary_operator if arity == 1 else get_binary_operator)(n).name for n in names]
    if len(set(ops_)) != len(ops_):
        raise ValueError(f"Operator list contains duplicates: {list(names)}.")
    per_op = [len(range(k, count, len(ops_))) for k in range(len(ops_))]
    return tuple(name for name, c in zip(ops_, per_op) for _ in range(c))


def _blocks(units: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """``[(name, start, stop), ...]`` of the contiguous runs of ``units``."""
    out: list[tuple[str, int, int]] = []
    for i, name in enumerate(units):
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1], i + 1)
        else:
            out.append((name, i, i + 1))
    return out


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer, got {value!r}.")
    return int(value)


def _check_names(value, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    try:
        names = tuple(value)
    except TypeError:
        raise ValueError(f"`{name}` must be a sequence of operator names, got {value!r}.") from None
    if not names:
        raise ValueError(f"`{name}` must name at least one operator.")
    return names


@keras.saving.register_keras_serializable(package="keras_symbolic")
class SymbolicLayer(keras.layers.Layer):
    """Symbolic layer with ``u`` unary and ``b`` binary operators and SymbolNet's pruning masks.

    Computation, for inputs ``x`` of shape ``(..., n)``:

        z = x @ (W * step(|W| - T_W)) + bias * step(|bias| - T_b)        z: (..., u + 2b)
        y_i     = m_i f_i(z_i) + (1 - m_i) z_i                       i < u (unary units)
        y_{u+j} = n_j g_j(a_j, b_j) + (1 - n_j) (a_j + b_j)          j < b (binary units)
        a_j = z_{u+j},  b_j = z_{u+b+j},  m_i = step(1 - t_i),  n_j = step(1 - s_j)

    so a pruned unary operator becomes the identity and a pruned binary operator the addition.
    Every ``step`` is the straight-through estimator of
    :func:`~keras_symbolic.ops.symbolnet_ops.ste_step` (forward exactly 0/1, backward
    ``kappa * sigmoid'(kappa x)``). All thresholds start at 0; ``T_W, T_b >= 0`` and
    ``t, s`` in ``[0, 1]`` (clipped after each optimiser step).

    Operators are given by name (see :mod:`keras_symbolic.ops.symbolnet_ops`) and assigned in turn
    to the units, as in the authors' code, then laid out in contiguous blocks (see
    :func:`assign_operators`); ``unary_units`` / ``binary_units`` give the operator of each unit.
    Units whose operator is ``identity`` (unary) or ``add`` (binary) carry no operator threshold:
    pruning them would change nothing, and counting them would let the operator sparsity target
    be met without simplifying anything. The output layer of SymbolNet is a ``SymbolicLayer`` of
    identity units only, whose weights and biases are pruned like the others.

    Args:
        num_unary: number of unary units ``u`` (>= 0).
        num_binary: number of binary units ``b`` (>= 0); ``u + b >= 1``.
        unary_operators: names of the unary operators to cycle through (e.g.
            ``("sin", "cos", "exp", "gauss")``).
        binary_operators: names of the binary operators to cycle through (e.g. ``("mul",)``).
        operator_pruning: whether unary/binary operators carry trainable thresholds.
        kappa: slope of the sigmoid surrogate gradient of every mask (paper: 5).
        kernel_initializer: initializer of ``W`` (authors' code: normal, std 0.05).
        bias_initializer: initializer of ``bias`` (authors' code: normal, std 0.05).
        frozen_masks: every mask fixed (fine-tuning, not in the paper): the kernel and bias carry a
            :class:`~keras_symbolic.layers.fixed_mask.FixedMask` (``w * keep``, the ``keep`` of each item
            copied from a trained layer, see :meth:`SymbolNet.frozen_copy
            <keras_symbolic.models.symbolnet.SymbolNet.frozen_copy>`) instead of thresholds, and
            the operator thresholds are not trainable. The function is the same as the trained
            layer's; only the surviving weights still train, with plain gradients.
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
        operator_pruning: bool = True,
        kappa: float = DEFAULT_KAPPA,
        kernel_initializer="random_normal",
        bias_initializer="random_normal",
        frozen_masks: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.frozen_masks = bool(frozen_masks)
        self.num_unary = _check_count(num_unary, "num_unary")
        self.num_binary = _check_count(num_binary, "num_binary")
        if self.num_unary + self.num_binary == 0:
            raise ValueError("A SymbolicLayer needs at least one unit: num_unary + num_binary must be >= 1.")
        self.unary_operators = _check_names(unary_operators, "unary_operators")
        self.binary_operators = _check_names(binary_operators, "binary_operators")
        self.unary_units = assign_operators(self.unary_operators, self.num_unary, 1)
        self.binary_units = assign_operators(self.binary_operators, self.num_binary, 2)
        self.operator_pruning = bool(operator_pruning)
        self.kappa = check_kappa(kappa)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

        self._unary_blocks = [(get_unary_operator(n), a, b) for n, a, b in _blocks(self.unary_units)]
        self._binary_blocks = [(get_binary_operator(n), a, b) for n, a, b in _blocks(self.binary_units)]
        # Operator thresholds only for units whose pruning changes something.
        self._unary_prunable = np.array([not get_unary_operator(n).is_trivial for n in self.unary_units], bool)
        self._binary_prunable = np.array([not get_binary_operator(n).is_trivial for n in self.binary_units], bool)
        if not self.operator_pruning:
            self._unary_prunable[:] = False
            self._binary_prunable[:] = False

        self.kernel_mask = self._parameter_mask("kernel_mask")
        self.bias_mask = self._parameter_mask("bias_mask")
        self.kernel = self.bias = None
        self.unary_threshold = self.binary_threshold = None

    # ---------------------------------------------------------------------------------------------
    @property
    def units(self) -> int:
        """Width of the linear map, ``u + 2b``."""
        return self.num_unary + 2 * self.num_binary

    @property
    def output_dim(self) -> int:
        """Output width, ``u + b``."""
        return self.num_unary + self.num_binary

    @property
    def pruning_types(self) -> tuple[str, ...]:
        """Pruning types this layer contributes: ``weight`` and, if it has operator thresholds,
        ``unary`` / ``binary``."""
        return ("weight",) + (("unary",) if self._unary_prunable.any() else ()) + (
            ("binary",) if self._binary_prunable.any() else ()
        )

    def build(self, input_shape):
        n_in = input_shape[-1]
        if n_in is None:
            raise ValueError(f"SymbolicLayer needs a known last input dimension, got {input_shape}.")
        n_in = int(n_in)
        self.kernel = self.add_weight(
            name="kernel", shape=(n_in, self.units), initializer=self.kernel_initializer, trainable=True
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer, trainable=True)
        self.kernel_mask.build((n_in, self.units))
        self.bias_mask.build((self.units,))
        n_u, n_b = int(self._unary_prunable.sum()), int(self._binary_prunable.sum())
        if n_u:
            self.unary_threshold = self.add_weight(
                name="unary_threshold", shape=(n_u,), initializer="zeros", constraint=Clip(0.0, 1.0),
                trainable=not self.frozen_masks,
            )
        if n_b:
            self.binary_threshold = self.add_weight(
                name="binary_threshold", shape=(n_b,), initializer="zeros", constraint=Clip(0.0, 1.0),
                trainable=not self.frozen_masks,
            )
        # Gather index from a gate vector [gates..., 1] to every unit (non-prunable units read the 1).
        self._unary_gate_index = self._gate_index(self._unary_prunable)
        self._binary_gate_index = self._gate_index(self._binary_prunable)

    @staticmethod
    def _gate_index(prunable: np.ndarray):
        if prunable.all():
            return None
        index = np.full(prunable.shape, int(prunable.sum()), dtype="int32")
        index[prunable] = np.arange(int(prunable.sum()), dtype="int32")
        return index

    def _full_gates(self, thresholds, prunable, index):
        """Gate (0/1, STE) of every unit; 1 for units without a threshold. ``None`` if none."""
        if thresholds is None:
            return None
        gates = unit_gate(thresholds, self.kappa)
        if index is None:
            return gates
        gates = ops.concatenate([gates, ops.ones((1,), dtype=gates.dtype)], axis=0)
        return ops.take(gates, ops.convert_to_tensor(index), axis=0)

    @staticmethod
    def _apply_blocks(blocks: list[tuple[Operator, int, int]], *args):
        outs = []
        for op, a, b in blocks:
            outs.append(op.keras(*(x[..., a:b] for x in args)))
        return outs[0] if len(outs) == 1 else ops.concatenate(outs, axis=-1)

    def call(self, inputs, input_gate=None):
        """Forward pass.

        Args:
            inputs: ``(..., n)`` tensor.
            input_gate: optional ``(n,)`` 0/1 gate of the inputs (an :class:`InputMask`'s
                ``mask()``), applied to the rows of the kernel: ``x @ (diag(g) W) == (x * g) @ W``
                exactly for a 0/1 gate, with the same gradients, but the gate's gradient then comes
                from the kernel gradient already computed instead of an extra ``(batch, n)`` product.
        """
        kernel = self.kernel_mask(self.kernel)
        if input_gate is not None:
            kernel = kernel * ops.expand_dims(ops.cast(input_gate, kernel.dtype), -1)
        bias = self.bias_mask(self.bias)
        z = ops.matmul(inputs, ops.cast(kernel, inputs.dtype)) + ops.cast(bias, inputs.dtype)
        u, b = self.num_unary, self.num_binary
        parts = []
        if u:
            zu = z[..., :u] if b else z
            if all(op.is_trivial for op, _, _ in self._unary_blocks):
                fu = zu
            else:
                fu = self._apply_blocks(self._unary_blocks, zu)
                gates = self._full_gates(self.unary_threshold, self._unary_prunable, self._unary_gate_index)
                if gates is not None:
                    gates = ops.cast(gates, fu.dtype)
                    fu = gates * fu + (1.0 - gates) * zu
            parts.append(fu)
        if b:
            za, zb = z[..., u : u + b], z[..., u + b :]
            fb = self._apply_blocks(self._binary_blocks, za, zb)
            gates = self._full_gates(self.binary_threshold, self._binary_prunable, self._binary_gate_index)
            if gates is not None:
                gates = ops.cast(gates, fb.dtype)
                fb = gates * fb + (1.0 - gates) * (za + zb)
            parts.append(fb)
        return parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.output_dim,)

    # ---------------------------------------------------------------------------------------------
    # Pruning state (for the sparsity regulariser) and plain arrays (for unrolling).
    # ---------------------------------------------------------------------------------------------
    def pruning_groups(self) -> dict[str, list[tuple]]:
        """Thresholds and pruned indicators of this layer, by pruning type.

        Returns:
            ``{"weight": [(T_W, pruned_W), (T_b, pruned_b)], "unary": [...], "binary": [...]}``;
            each ``pruned`` is a 0/1 float tensor of the thresholds' shape with no gradient.
            Types without thresholds are absent. With ``frozen_masks`` the weight items have no
            thresholds left: their first element is the fixed ``keep`` mask (same shape; only the
            sparsity is read from frozen layers, there is no regulariser to feed).
        """
        groups: dict[str, list[tuple]] = {
            "weight": [
                (mask.keep if self.frozen_masks else mask.threshold, mask.pruned(values))
                for mask, values in ((self.kernel_mask, self.kernel), (self.bias_mask, self.bias))
            ]
        }
        if self.unary_threshold is not None:
            groups["unary"] = [(self.unary_threshold, unit_gate_pruned(self.unary_threshold))]
        if self.binary_threshold is not None:
            groups["binary"] = [(self.binary_threshold, unit_gate_pruned(self.binary_threshold))]
        return groups

    def _parameter_mask(self, name: str) -> keras.layers.Layer:
        """The mask layer of the kernel or the bias: a trainable :class:`ThresholdMask`, or with
        ``frozen_masks`` a fixed 0/1 :class:`~keras_symbolic.layers.fixed_mask.FixedMask` (EQL's mask);
        subclasses with other masks override this."""
        if self.frozen_masks:
            return FixedMask(name=name)
        return ThresholdMask(kappa=self.kappa, name=name)

    def apply_masks(self) -> None:
        """Write the masks into the variables: masked kernel and bias entries set to exactly 0.

        For fixed masks (EQL, ``frozen_masks``): Adam's momentum may move a masked variable
        although it no longer enters the function; this makes the stored weights read as the model.
        """
        for mask, var in ((self.kernel_mask, self.kernel), (self.bias_mask, self.bias)):
            var.assign(np.where(mask.active(var), ops.convert_to_numpy(var), 0).astype(np.float32))

    def pruning_variables(self) -> dict[str, list[tuple]]:
        """Threshold variables of this layer by pruning type, each with what it is compared to.

        Returns:
            ``{"weight": [(T_W, W), (T_b, b)], "unary": [(T_u, None)], "binary": [(T_b2, None)]}``:
            a weight item is pruned when ``|w| <= t``, an operator item when ``t >= 1``. Empty for
            ``frozen_masks`` (no trainable thresholds).
        """
        if self.frozen_masks:
            return {}
        out: dict[str, list[tuple]] = {
            "weight": [(self.kernel_mask.threshold, self.kernel), (self.bias_mask.threshold, self.bias)]
        }
        if self.unary_threshold is not None:
            out["unary"] = [(self.unary_threshold, None)]
        if self.binary_threshold is not None:
            out["binary"] = [(self.binary_threshold, None)]
        return out

    def _numpy_gates(self, threshold, prunable) -> np.ndarray:
        active = np.ones(prunable.shape, dtype=bool)
        if threshold is not None:
            t = ops.convert_to_numpy(threshold)
            active[prunable] = (np.float32(1.0) - t) > 0
        return active

    def symbolic_arrays(self) -> dict:
        """The layer as plain NumPy arrays and operator names (what the unroller needs).

        Returns:
            dict with ``kernel`` ``(n, u+2b)`` and ``bias`` ``(u+2b,)`` -- masked (pruned entries
            exactly 0) and cast to float64 from the float32 values the network uses --
            ``unary_operators`` / ``binary_operators`` (operator name per unit, after pruning:
            a pruned unit reports ``identity`` / ``add``), ``unary_active`` / ``binary_active``
            (bool per unit: operator kept) and ``num_unary`` / ``num_binary``.
        """
        if self.kernel is None:
            raise ValueError(f"Layer {self.name!r} is not built yet: call it on data or build it first.")
        w = ops.convert_to_numpy(self.kernel)
        bias = ops.convert_to_numpy(self.bias)
        kernel = np.where(self.kernel_mask.active(w), w, 0).astype(np.float64)
        bias = np.where(self.bias_mask.active(bias), bias, 0).astype(np.float64)
        unary_active = self._numpy_gates(self.unary_threshold, self._unary_prunable)
        binary_active = self._numpy_gates(self.binary_threshold, self._binary_prunable)
        return {
            "kernel": kernel,
            "bias": bias,
            "num_unary": self.num_unary,
            "num_binary": self.num_binary,
            "unary_operators": [n if a else "identity" for n, a in zip(self.unary_units, unary_active)],
            "binary_operators": [n if a else "add" for n, a in zip(self.binary_units, binary_active)],
            "unary_active": unary_active,
            "binary_active": binary_active,
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_unary": self.num_unary,
                "num_binary": self.num_binary,
                "unary_operators": list(self.unary_operators),
                "binary_operators": list(self.binary_operators),
                "operator_pruning": self.operator_pruning,
                "kappa": self.kappa,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "frozen_masks": self.frozen_masks,
            }
        )
        return config
