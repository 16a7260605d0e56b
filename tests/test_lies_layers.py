"""LIES layers, network, ADMM term and callback, save/load, and extraction == network output."""
import numpy as np
import pytest
import sympy as sp

import keras
from keras import ops

from keras_symbolic.callbacks import ADMMCallback, soft_threshold
from keras_symbolic.layers import LIESLayer, NodeBridge
from keras_symbolic.losses import exp_abs_loss
from keras_symbolic.models import LIESNetwork, build_lies_network
from keras_symbolic.symbolic.lies_extract import network_expression
from keras_symbolic.symbolic.transform import SpaceTransform

pytestmark = pytest.mark.backend


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_lies_layer_units_and_cutoffs():
    layer = LIESLayer()
    layer.build((None, 1))
    layer.kernel.assign(np.ones((1, 4), dtype="float32"))
    h = np.array([[-1.0], [0.001], [0.5], [5.0]], dtype="float32")
    out = _np(layer(h))
    expected = np.stack(
        [h[:, 0], np.exp(np.minimum(h[:, 0], 4.0)), np.sin(h[:, 0]), np.log(np.maximum(h[:, 0], 5e-3))], axis=1
    )
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert layer.unit_names == ("identity", "exp", "sin", "log")


def test_cutoff_gradients_are_zero_beyond_and_finite():
    layer = LIESLayer(units=("exp", "log"))
    layer.build((None, 1))
    layer.kernel.assign(np.ones((1, 2), dtype="float32"))
    x = np.array([[-3.0], [6.0]], dtype="float32")
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
        g = tape.gradient(y, xt).numpy()
    else:
        import jax

        g = np.asarray(jax.grad(lambda v: layer(v).sum())(x))
    # row 0: exp active (grad e^-3), log clamped (0); row 1: exp clamped (0), log active (1/6)
    np.testing.assert_allclose(g[:, 0], [np.exp(-3.0), 1 / 6.0], rtol=1e-5)


def test_domain_loss_added_while_training_only():
    layer = LIESLayer()
    layer.build((None, 1))
    layer.kernel.assign(np.ones((1, 4), dtype="float32"))
    h = np.array([[-1.0], [5.0]], dtype="float32")
    layer(h, training=False)
    assert not layer.losses
    layer(h, training=True)
    # log: relu(5e-3 - h) summed = 1.005 ; exp: relu(h - 4) summed = 1.0
    np.testing.assert_allclose(float(_np(layer.losses[0])), 1.005 + 1.0, rtol=1e-6)


def test_invalid_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="LIES primitives"):
        LIESLayer(units=("identity", "tanh"))
    with pytest.raises(ValueError, match="n_inputs"):
        LIESNetwork(0)
    with pytest.raises(ValueError, match="admm_norm"):
        LIESNetwork(2, admm_norm="cubed")


def test_node_bridge_scales_units():
    bridge = NodeBridge()
    bridge.build((None, 4))
    bridge.scale.assign(np.array([1.0, 0.0, -2.0, 0.5], dtype="float32"))
    np.testing.assert_allclose(_np(bridge(np.ones((2, 4), dtype="float32"))), [[1, 0, -2, 0.5]] * 2)


def test_network_shapes_follow_spec():
    model = build_lies_network(3, seed=0)
    assert model.n_layers == 4
    shapes = [tuple(layer.kernel.shape) for layer in model.lies_layers]
    assert shapes == [(4, 4), (8, 4), (12, 4), (16, 4)]
    assert tuple(model.output_map.kernel.shape) == (20, 1)
    assert model(np.ones((5, 3), dtype="float32")).shape == (5, 1)


def _random_network(n, seed):
    model = build_lies_network(n, seed=seed)
    rng = np.random.default_rng(seed)
    for bridge in model.bridges:
        bridge.scale.assign(rng.uniform(-1.5, 1.5, 4).astype("float32"))
    return model


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_extracted_formula_equals_network_output(n):
    """SPEC 1.2: before pruning, the formula evaluates to the network's output (rel. err. <= 1e-4)."""
    rng = np.random.default_rng(n)
    X = rng.uniform(0.5, 4.0, size=(300, n))
    y = np.exp(rng.normal(size=300))
    transform = SpaceTransform.fit(X, y)
    model = _random_network(n, seed=n)
    net = transform.inverse_y(_np(model(transform.transform_X(X))))
    symbols = transform.symbols()
    out = network_expression(model.to_numpy_weights(), transform.input_expressions(symbols), with_cutoffs=True)
    f = sp.lambdify(symbols, transform.output_expression(out), "numpy")
    formula = f(*X.T)
    np.testing.assert_allclose(formula, net, rtol=1e-4)


def test_extraction_without_cutoffs_matches_inside_domain():
    # Only identity/exp/sin units: no cut-off can be active once exp inputs stay below 4.
    model = build_lies_network(2, seed=3, units=("identity", "sin", "exp"))
    X = np.random.default_rng(0).uniform(1, 3, (200, 2))
    transform = SpaceTransform.fit(X, X[:, 0] * X[:, 1])
    z = transform.transform_X(X)
    symbols = transform.symbols()
    expr = transform.output_expression(network_expression(model.to_numpy_weights(), transform.input_expressions(symbols)))
    assert not expr.has(sp.Max, sp.Min)
    np.testing.assert_allclose(
        sp.lambdify(symbols, expr, "numpy")(*X.T), transform.inverse_y(_np(model(z))), rtol=1e-4
    )


def test_save_load_round_trip(tmp_path):
    model = _random_network(2, seed=1)
    model.lies_layers[0].kernel_mask.assign(np.array([[1, 0, 1, 1]] * 3, dtype="float32"))
    x = np.random.default_rng(0).uniform(-1, 1, (16, 2)).astype("float32")
    before = _np(model(x))
    path = tmp_path / "lies.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, LIESNetwork)
    np.testing.assert_array_equal(_np(loaded(x)), before)
    np.testing.assert_array_equal(_np(loaded.lies_layers[0].kernel_mask), _np(model.lies_layers[0].kernel_mask))


def test_layer_configs_round_trip():
    layer = LIESLayer(units=("log", "sin"), domain_weight=0.5, name="l")
    clone = LIESLayer.from_config(layer.get_config())
    assert clone.unit_names == ("log", "sin") and clone.domain_weight == 0.5
    bridge = NodeBridge.from_config(NodeBridge(name="b").get_config())
    assert bridge.name == "b"


def test_compute_loss_adds_admm_and_l1_terms():
    model = build_lies_network(1, seed=0, domain_weight=0.0)
    model.compile(loss=exp_abs_loss)
    model.admm_rho.assign(2.0)
    model.l1_alpha.assign(0.1)
    x = np.ones((4, 1), dtype="float32")
    y = np.zeros((4, 1), dtype="float32")
    pred = model(x)
    base = float(_np(model.compute_loss(x, y, pred, training=False)))
    total = float(_np(model.compute_loss(x, y, pred, training=True)))
    weights = [(_np(w) * _np(m)) for w, m in model.prunable_weights()]
    expected_admm = 0.5 * 2.0 * sum(float((w**2).sum()) for w in weights)  # Z = U = 0
    expected_l1 = 0.1 * sum(float(np.abs(w).sum()) for w in weights)
    np.testing.assert_allclose(total - base, expected_admm + expected_l1, rtol=1e-4)


def test_unsquared_admm_norm_has_finite_gradient_at_zero():
    model = build_lies_network(1, seed=0, admm_norm="unsquared")
    model.compile(optimizer="sgd", loss=exp_abs_loss)
    x = np.ones((8, 1), dtype="float32")
    cb = ADMMCallback(rho=1.0, lam=0.0)  # Z = W at the start: the norm is exactly 0
    hist = model.fit(x, np.zeros((8, 1), "float32"), epochs=1, verbose=0, callbacks=[cb])
    assert np.isfinite(hist.history["loss"][0])
    assert all(np.isfinite(_np(w)).all() for w in model.trainable_weights)


def test_admm_callback_dual_updates():
    model = build_lies_network(1, seed=0)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=exp_abs_loss)  # W frozen by lr = 0
    cb = ADMMCallback(rho=0.5, lam=0.05, l1_alpha=0.01)
    x, y = np.ones((8, 1), "float32"), np.zeros((8, 1), "float32")
    w0 = [(_np(w) * _np(m)) for w, m in model.prunable_weights()]
    hist = model.fit(x, y, epochs=2, verbose=0, callbacks=[cb])
    # Epoch 1: Z1 = S(W, 0.1), U1 = W - Z1. Epoch 2: Z2 = S(W + U1, 0.1), U2 = U1 + W - Z2.
    for w, z, u in zip(w0, model.admm_z, model.admm_u):
        z1 = soft_threshold(w, 0.1)
        u1 = w - z1
        z2 = soft_threshold(w + u1, 0.1)
        np.testing.assert_allclose(_np(z), z2, atol=1e-6)
        np.testing.assert_allclose(_np(u), u1 + w - z2, atol=1e-6)
    assert float(_np(model.admm_rho)) == 0.5 and abs(float(_np(model.l1_alpha)) - 0.01) < 1e-8
    assert "admm_zero_frac" in hist.history


def test_admm_callback_rejects_plain_models():
    inp = keras.Input((1,))
    plain = keras.Model(inp, keras.layers.Dense(1)(inp))
    plain.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="ADMM state"):
        plain.fit(np.ones((4, 1)), np.ones((4, 1)), verbose=0, callbacks=[ADMMCallback(1.0, 0.1)])


def test_apply_masks_zeroes_weights_and_keeps_them_zero():
    model = build_lies_network(2, seed=0)
    weights = model.to_numpy_weights()
    weights.kernels[0][:] = 0.0
    weights.output_kernel[0] = 0.0
    model.apply_masks(weights)
    assert np.all(_np(model.lies_layers[0].effective_kernel()) == 0)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=exp_abs_loss)
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), epochs=2, verbose=0)
    assert np.all(_np(model.lies_layers[0].effective_kernel()) == 0)
    assert model.sparsity() > 0


def test_ensemble_members_train_exactly_as_alone():
    """Summed per-member losses: each member's update equals training it on its own."""
    from keras_symbolic.losses import exp_abs_loss_sum
    from keras_symbolic.models.lies import build_lies_ensemble

    ensemble = build_lies_ensemble(2, 3, seed=0)
    alone = build_lies_network(2, seed=5)
    alone.set_weights(ensemble.members[1].get_weights())
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (64, 2)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:]).astype("float32")
    ensemble.compile(optimizer=keras.optimizers.SGD(0.01), loss=exp_abs_loss_sum)
    alone.compile(optimizer=keras.optimizers.SGD(0.01), loss=exp_abs_loss)
    for model in (ensemble, alone):
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0, callbacks=[ADMMCallback(0.5, 1e-3, 0.01)])
    assert ensemble(x).shape == (64, 3)
    for a, b in zip(ensemble.members[1].trainable_weights, alone.trainable_weights):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    member = ensemble.release(1)
    assert float(_np(member.admm_rho)) == 0.5
