"""EQL baseline (SPEC 2.5): the L0.5* penalty, the threshold-free layer, the model and its three phases."""
import numpy as np
import pytest

import keras
from keras import ops

from keras_symbolic.layers.eql import EQLLayer
from keras_symbolic.layers.fixed_mask import FixedMask
from keras_symbolic.models.eql import EQLNet, build_eql, l05_star
from keras_symbolic.pipelines.eql import EQLConfig, train_eql, unroll_eql
from keras_symbolic.symbolic.unroll import evaluate_expressions


def _l05_reference(w, a=0.01):
    w = np.asarray(w, dtype=np.float64)
    c = np.minimum(np.abs(w), a)
    smooth = np.sqrt(-c**4 / (8 * a**3) + 3 * c**2 / (4 * a) + 3 * a / 8)
    return np.where(np.abs(w) < a, smooth, np.sqrt(np.abs(w)))


@pytest.mark.backend
def test_l05_star_values_and_finite_gradients():
    w = np.array([0.0, 0.004, -0.009, 0.01, -0.3, 2.0], dtype="float32")
    np.testing.assert_allclose(ops.convert_to_numpy(l05_star(w)), _l05_reference(w), rtol=1e-5)
    # Continuous at a; smooth at 0 (value 3a/8 under the root).
    np.testing.assert_allclose(float(ops.convert_to_numpy(l05_star(np.float32(0.0)))), np.sqrt(0.00375), rtol=1e-5)
    var = keras.Variable(w)
    if keras.backend.backend() == "jax":
        import jax

        grad = np.asarray(jax.grad(lambda x: ops.sum(l05_star(x)))(ops.convert_to_tensor(w)))
    else:
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = ops.sum(l05_star(var))
        grad = tape.gradient(loss, var.value).numpy()
    assert np.all(np.isfinite(grad))
    assert grad[0] == 0.0
    np.testing.assert_allclose(grad[4:], np.sign(w[4:]) * 0.5 / np.sqrt(np.abs(w[4:])), rtol=1e-5)


@pytest.mark.backend
def test_eql_layer_has_no_thresholds_and_round_trips(tmp_path):
    layer = EQLLayer(3, 2, unary_operators=["sin", "gauss"], binary_operators=["mul"], name="eql")
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    y = ops.convert_to_numpy(layer(x))
    assert y.shape == (5, 5)
    assert all(w.trainable is False for w in layer.non_trainable_weights)
    assert sorted(w.name for w in layer.trainable_weights) == ["bias", "kernel"]
    assert isinstance(layer.kernel_mask, FixedMask) and layer.pruning_groups() == {}
    clone = EQLLayer.from_config(layer.get_config())
    clone.build((None, 4))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(ops.convert_to_numpy(clone(x)), y, rtol=1e-6)
    # Freezing: masked weights read as exactly zero and stay out of the function.
    n = layer.freeze_small_weights(0.05)
    arrays = layer.symbolic_arrays()
    assert n == int(np.sum(arrays["kernel"] == 0) + np.sum(arrays["bias"] == 0)) and n > 0


@pytest.mark.backend
def test_eql_model_save_load_and_unroll_match(tmp_path):
    model = build_eql(4, 2, layers=[(3, 2)], unary=["sin", "tanh"], reg_lambda=1e-3)
    x = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    model.freeze_small_weights(0.03)
    path = tmp_path / "eql.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, EQLNet) and loaded.get_config()["reg_lambda"] == pytest.approx(1e-3)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), ops.convert_to_numpy(model(x)), rtol=1e-5, atol=1e-6)
    exprs = unroll_eql(loaded)
    np.testing.assert_allclose(evaluate_expressions(exprs, x), ops.convert_to_numpy(model(x)), rtol=1e-4, atol=1e-5)


@pytest.mark.backend
def test_three_phases_prune_freeze_and_fine_tune():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (512, 6)).astype("float32")
    y = (np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2])[:, None].astype("float32")
    config = EQLConfig(layers=[(4, 2)], unary=["sin", "gauss"], reg_lambda=1e-3, threshold=0.05, epochs=8,
                       batch_size=64, learning_rate=0.01, seed=3)
    result = train_eql(X, y, config)
    assert config.phase_epochs() == (2, 4, 2)
    assert result.history["phase"] == [1, 1, 2, 2, 2, 2, 3, 3]
    assert result.frozen > 0 and 0 < result.sparsities["weight"] < 1
    # Frozen weights stay exactly zero through phase 3; the expression is the network.
    for layer in result.model.all_symbolic_layers:
        keep = ops.convert_to_numpy(layer.kernel_mask.keep)
        assert np.all(ops.convert_to_numpy(layer.kernel)[keep == 0] == 0)
    pred = ops.convert_to_numpy(result.model(X[:50]))
    np.testing.assert_allclose(evaluate_expressions(result.expressions, X[:50]), pred, rtol=1e-4, atol=1e-5)
    assert result.complexity == np.mean(result.complexities) and result.config["reg_lambda"] == 1e-3
    # Phase 2 logged the penalty; lambda is back to 0 after training.
    assert float(ops.convert_to_numpy(result.model.reg_lambda)) == 0.0


def test_eql_config_validation():
    with pytest.raises(ValueError, match="epochs"):
        EQLConfig(epochs=2)
    with pytest.raises(ValueError, match="reg_lambda"):
        EQLConfig(reg_lambda=-1.0)
    with pytest.raises(ValueError, match="phase_fractions"):
        EQLConfig(phase_fractions=(1, 1))
    assert EQLConfig(epochs=100).phase_epochs() == (25, 50, 25)
    with pytest.raises(ValueError, match="reg_reduction"):
        EQLNet(3, 1, reg_reduction="max")
