"""SymbolNet primitives and layers: operators, straight-through step, decay factor, masks, SymbolicLayer."""
import math

import keras
import numpy as np
import pytest
import sympy as sp
from keras import ops

from keras_symbolic.layers.symbolic import SymbolicLayer, assign_operators
from keras_symbolic.layers.threshold import Clip, InputMask, ThresholdMask
from keras_symbolic.ops.symbolnet_ops import (
    BINARY_OPERATORS,
    UNARY_OPERATORS,
    get_binary_operator,
    get_operator,
    get_unary_operator,
    sparsity_decay,
    ste_step,
)


def _grad(fn, x):
    """Gradient of sum(fn(x)) w.r.t. x under the active backend."""
    backend = keras.backend.backend()
    x = np.asarray(x, dtype="float32")
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = tf.reduce_sum(fn(xt))
        return tape.gradient(y, xt).numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: fn(v).sum())(x))
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        fn(xt).sum().backward()
        return xt.grad.numpy()
    pytest.skip(f"no gradient helper for backend {backend}")


# --------------------------------------------------------------------------------------------------
# Operators
# --------------------------------------------------------------------------------------------------
def test_operator_library_contents_and_lookup():
    assert set(UNARY_OPERATORS) >= {
        "identity", "sin", "cos", "exp", "gauss", "sinh", "cosh", "tanh", "square", "cube", "log"
    }
    assert set(BINARY_OPERATORS) >= {"add", "mul", "pow", "div"}
    assert get_binary_operator("*").name == "mul"
    assert get_binary_operator("+").name == "add"
    assert get_binary_operator("/").name == "div"
    assert get_unary_operator(" Sin ").name == "sin"
    assert get_operator("pow").arity == 2
    with pytest.raises(ValueError, match="Unknown unary operator 'sine'.*Available unary operators"):
        get_unary_operator("sine")
    with pytest.raises(ValueError, match="'mul' is a binary operator"):
        get_unary_operator("mul")
    with pytest.raises(ValueError, match="'sin' is a unary operator"):
        get_binary_operator("sin")


@pytest.mark.backend
@pytest.mark.parametrize("name", sorted(UNARY_OPERATORS))
def test_unary_operator_forms_agree(name):
    op = UNARY_OPERATORS[name]
    x = np.linspace(-2.0, 2.0, 41)
    ref = op.numpy(x)
    got = ops.convert_to_numpy(op.keras(ops.convert_to_tensor(x.astype("float32"))))
    np.testing.assert_allclose(got, ref, rtol=2e-5, atol=2e-5)
    s = sp.Symbol("s", real=True)
    fn = sp.lambdify(s, op.sympy(s), "numpy")
    np.testing.assert_allclose(np.broadcast_to(fn(x), x.shape), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.backend
@pytest.mark.parametrize("name", sorted(BINARY_OPERATORS))
def test_binary_operator_forms_agree_and_are_safe(name):
    op = BINARY_OPERATORS[name]
    a = np.array([-2.0, -0.5, 0.0, 0.0, 0.3, 1.5, -1.0])
    b = np.array([0.5, -1.5, -2.0, 0.0, 2.0, -0.7, 0.0])
    ref = op.numpy(a, b)
    assert np.all(np.isfinite(ref)), f"{name} is not finite on negative/zero arguments"
    got = ops.convert_to_numpy(op.keras(ops.convert_to_tensor(a.astype("float32")), ops.convert_to_tensor(b.astype("float32"))))
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)
    p, q = sp.symbols("p q", real=True)
    fn = sp.lambdify((p, q), op.sympy(p, q), "numpy")
    np.testing.assert_allclose(fn(a, b), ref, rtol=1e-12)
    # Finite gradients everywhere on these points (pow/div guarded).
    grad_a = _grad(lambda v: op.keras(v, ops.convert_to_tensor(b.astype("float32"))), a)
    assert np.all(np.isfinite(grad_a))


def test_pow_and_div_definitions():
    assert BINARY_OPERATORS["pow"].numpy(-2.0, 2.0) == pytest.approx(2.001**2)
    assert BINARY_OPERATORS["div"].numpy(1.0, -0.0) == pytest.approx(1000.0)
    assert UNARY_OPERATORS["log"].numpy(0.0) == pytest.approx(math.log(0.001))


# --------------------------------------------------------------------------------------------------
# Straight-through step and decay factor
# --------------------------------------------------------------------------------------------------
@pytest.mark.backend
def test_ste_forward_is_exactly_binary_and_backward_is_sigmoid_derivative():
    x = np.array([-3.0, -0.7, -1e-3, 0.0, 1e-7, 0.2, 0.5, 4.0], dtype="float32")
    kappa = 5.0
    fwd = ops.convert_to_numpy(ste_step(ops.convert_to_tensor(x), kappa))
    np.testing.assert_array_equal(fwd, (x > 0).astype("float32"))  # exactly 0/1, step(0) = 0
    grad = _grad(lambda v: ste_step(v, kappa), x)
    s = 1.0 / (1.0 + np.exp(-kappa * x.astype(np.float64)))
    np.testing.assert_allclose(grad, kappa * s * (1.0 - s), rtol=1e-5, atol=1e-7)
    # kappa changes the surrogate slope only.
    grad2 = _grad(lambda v: ste_step(v, 2.0), x)
    s2 = 1.0 / (1.0 + np.exp(-2.0 * x.astype(np.float64)))
    np.testing.assert_allclose(grad2, 2.0 * s2 * (1.0 - s2), rtol=1e-5, atol=1e-7)


@pytest.mark.backend
def test_sparsity_decay_values():
    d = 0.01

    def D(s, alpha):
        return float(ops.convert_to_numpy(sparsity_decay(s, alpha, d)))

    assert D(0.0, 0.8) == pytest.approx(1.0, abs=1e-7)
    assert D(0.8, 0.8) == 0.0
    assert D(0.95, 0.8) == 0.0
    assert D(1.0, 1.0) == 0.0
    assert D(0.0, 0.0) == 0.0  # target 0: regulariser off
    for s in (0.2, 0.5, 0.79):
        expected = math.exp(-((0.8 / (0.8 - s)) ** d) + 1.0)
        assert D(s, 0.8) == pytest.approx(expected, rel=1e-5)
    values = [D(s, 0.8) for s in np.linspace(0, 0.8, 9)]
    assert all(a >= b for a, b in zip(values, values[1:]))


# --------------------------------------------------------------------------------------------------
# Masks
# --------------------------------------------------------------------------------------------------
@pytest.mark.backend
def test_threshold_mask_hand_values_and_gradient():
    layer = ThresholdMask()
    w = np.array([[0.5, -0.2], [0.05, -0.6]], dtype="float32")
    layer.build(w.shape)
    layer.threshold.assign(np.array([[0.1, 0.3], [0.0, 0.6]], dtype="float32"))
    out = ops.convert_to_numpy(layer(ops.convert_to_tensor(w)))
    np.testing.assert_array_equal(out, np.array([[0.5, 0.0], [0.05, 0.0]], dtype="float32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.pruned(w)), [[0, 1], [0, 1]])
    # Non-negativity of the thresholds is enforced by the constraint.
    assert layer.threshold.constraint is not None
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.threshold.constraint(ops.convert_to_tensor([-1.0, 2.0]))), [0.0, 2.0])
    cfg = layer.get_config()
    clone = ThresholdMask.from_config(cfg)
    assert clone.kappa == layer.kappa


@pytest.mark.backend
def test_input_mask_prunes_at_threshold_one():
    layer = InputMask()
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]], dtype="float32")
    layer.build(x.shape)
    layer.threshold.assign([0.0, 0.999, 1.0])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x * np.array([1.0, 1.0, 0.0], dtype="float32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.pruned()), [0.0, 0.0, 1.0])
    clip = layer.threshold.constraint
    assert isinstance(clip, Clip)
    np.testing.assert_array_equal(ops.convert_to_numpy(clip(ops.convert_to_tensor([-0.5, 0.5, 1.5]))), [0.0, 0.5, 1.0])
    assert InputMask.from_config(layer.get_config()).get_config() == layer.get_config()


def test_clip_validation_and_config():
    with pytest.raises(ValueError, match="min_value <= max_value"):
        Clip(1.0, 0.0)
    assert keras.constraints.deserialize(keras.constraints.serialize(Clip(0.0, 1.0))).get_config() == {
        "min_value": 0.0,
        "max_value": 1.0,
    }


# --------------------------------------------------------------------------------------------------
# SymbolicLayer
# --------------------------------------------------------------------------------------------------
def test_assign_operators_cycles_counts_in_blocks():
    assert assign_operators(["sin", "cos", "exp"], 7, 1) == ("sin",) * 3 + ("cos",) * 2 + ("exp",) * 2
    assert assign_operators(["*", "+"], 3, 2) == ("mul", "mul", "add")
    assert assign_operators(["sin"], 0, 1) == ()
    with pytest.raises(ValueError, match="duplicates"):
        assign_operators(["sin", "sin"], 2, 1)


def test_symbolic_layer_argument_validation():
    with pytest.raises(ValueError, match="at least one unit"):
        SymbolicLayer(0, 0)
    with pytest.raises(ValueError, match="`num_unary` must be a non-negative integer"):
        SymbolicLayer(-1, 2)
    with pytest.raises(ValueError, match="Unknown unary operator"):
        SymbolicLayer(2, 0, unary_operators=["sine"])
    with pytest.raises(ValueError, match="Unknown binary operator"):
        SymbolicLayer(2, 1, binary_operators=["times"])
    with pytest.raises(ValueError, match="`kappa` must be a positive number"):
        SymbolicLayer(2, 1, kappa=0)


@pytest.mark.backend
def test_symbolic_layer_operator_masks_hand_computed():
    """Unary ops [sin, exp], binary [mul, pow]; exp and pow pruned: exp -> identity, pow -> add."""
    layer = SymbolicLayer(2, 2, unary_operators=["sin", "exp"], binary_operators=["mul", "pow"])
    layer.build((None, 2))
    assert layer.unary_units == ("sin", "exp") and layer.binary_units == ("mul", "pow")
    # z = x @ K + b with units [u0, u1, a0, a1, b0, b1].
    kernel = np.array([[1.0, 0.5, 2.0, -1.0, 0.25, 1.5], [0.0, 1.0, -0.5, 0.5, 1.0, -2.0]], dtype="float32")
    bias = np.array([0.1, -0.2, 0.0, 0.3, 0.5, 0.0], dtype="float32")
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    x = np.array([[0.3, -0.7], [1.2, 0.4]], dtype="float32")
    z = x.astype(np.float64) @ kernel + bias

    expected_full = np.column_stack(
        [np.sin(z[:, 0]), np.exp(z[:, 1]), z[:, 2] * z[:, 4], (0.001 + np.abs(z[:, 3])) ** z[:, 5]]
    )
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected_full, rtol=1e-5)

    layer.unary_threshold.assign([0.0, 1.0])  # prune exp
    layer.binary_threshold.assign([0.2, 1.0])  # prune pow
    expected = np.column_stack([np.sin(z[:, 0]), z[:, 1], z[:, 2] * z[:, 4], z[:, 3] + z[:, 5]])
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, rtol=1e-5)

    # Weight pruning: |w| <= t -> 0 (kernel[1, 2] = -0.5 pruned, bias[0] = 0.1 pruned).
    kt = np.zeros_like(kernel)
    kt[1, 2] = 0.5
    layer.kernel_mask.threshold.assign(kt)
    layer.bias_mask.threshold.assign([0.2, 0, 0, 0, 0, 0])
    k2, b2 = kernel.copy(), bias.copy()
    k2[1, 2], b2[0] = 0.0, 0.0
    z2 = x.astype(np.float64) @ k2 + b2
    expected2 = np.column_stack([np.sin(z2[:, 0]), z2[:, 1], z2[:, 2] * z2[:, 4], z2[:, 3] + z2[:, 5]])
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected2, rtol=1e-5)

    arrays = layer.symbolic_arrays()
    np.testing.assert_array_equal(arrays["kernel"], k2.astype(np.float64))
    assert arrays["unary_operators"] == ["sin", "identity"]
    assert arrays["binary_operators"] == ["mul", "add"]
    groups = layer.pruning_groups()
    assert sorted(groups) == ["binary", "unary", "weight"]
    pruned_weights = sum(float(np.sum(ops.convert_to_numpy(p))) for _, p in groups["weight"])
    # 2 pruned by their thresholds + 3 entries that are exactly 0 (|0| - 0 is not > 0).
    assert pruned_weights == 5.0


def test_identity_and_add_units_carry_no_operator_threshold():
    layer = SymbolicLayer(4, 2, unary_operators=["identity", "sin"], binary_operators=["add", "mul"])
    layer.build((None, 3))
    assert tuple(layer.unary_threshold.shape) == (2,)
    assert tuple(layer.binary_threshold.shape) == (1,)
    out_layer = SymbolicLayer(3, 0, unary_operators=["identity"])
    out_layer.build((None, 5))
    assert out_layer.unary_threshold is None and out_layer.binary_threshold is None
    assert out_layer.pruning_types == ("weight",)
    # Gate of the identity units stays 1 whatever the sin thresholds are.
    layer.unary_threshold.assign([1.0, 1.0])
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    z = x @ ops.convert_to_numpy(layer.kernel) + ops.convert_to_numpy(layer.bias)
    out = ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out[:, :4], z[:, :4], rtol=1e-5, atol=1e-7)


@pytest.mark.backend
def test_symbolic_layer_config_round_trip_and_shapes():
    layer = SymbolicLayer(5, 3, unary_operators=["sin", "gauss"], binary_operators=["*", "div"], kappa=3.0, name="sym")
    cfg = layer.get_config()
    clone = SymbolicLayer.from_config(cfg)
    assert clone.get_config() == cfg
    assert clone.unary_units == layer.unary_units and clone.binary_units == layer.binary_units
    assert layer.compute_output_shape((None, 7)) == (None, 8)
    x = keras.Input((7,))
    assert tuple(layer(x).shape) == (None, 8)
    serialized = keras.saving.serialize_keras_object(layer)
    restored = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(restored, SymbolicLayer) and restored.kappa == 3.0
