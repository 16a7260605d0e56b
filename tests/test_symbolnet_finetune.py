"""SymbolNet fine-tuning (our addition, not the paper's): frozen masks, save/load, the recipe option."""
import keras
import numpy as np
import pytest

from keras_symbolic.estimators import SymbolNetClassifier, SymbolNetRegressor
from keras_symbolic.layers.fixed_mask import FixedMask
from keras_symbolic.models.symbolnet import SymbolNet
from keras_symbolic.pipelines.symbolnet import SymbolNetConfig, train_symbolnet, unroll_model
from keras_symbolic.symbolic.unroll import evaluate_expressions, expressions_complexity
from tests.test_symbolnet_model import _randomize, _small_model


def _data(n=256, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d)).astype("float32")
    Y = np.stack([np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2], X[:, 3] ** 2, X[:, 4] - X[:, 5]][:k], axis=1)
    return X, Y.astype("float32")


def _frozen_pair(seed=0):
    keras.utils.set_random_seed(seed)
    model = _small_model()
    _randomize(model, seed)
    return model, model.frozen_copy()


@pytest.mark.backend
def test_frozen_copy_is_the_same_function_with_fixed_masks():
    model, frozen = _frozen_pair(1)
    X, _ = _data()
    np.testing.assert_allclose(frozen.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert frozen.frozen_masks and not model.frozen_masks
    assert frozen.sparsities() == model.sparsities()
    assert [str(e) for e in unroll_model(frozen)] == [str(e) for e in unroll_model(model)]
    for layer in frozen.all_symbolic_layers:
        assert isinstance(layer.kernel_mask, FixedMask) and isinstance(layer.bias_mask, FixedMask)
    # Only kernels and biases train; no thresholds, nothing for the sparsity guard.
    names = sorted(v.path.split("/")[-1] for v in frozen.trainable_variables)
    assert names == ["bias"] * 3 + ["kernel"] * 3
    assert frozen.pruning_variables() == {}


@pytest.mark.backend
def test_fine_tuning_moves_only_surviving_weights_and_keeps_the_structure():
    model, frozen = _frozen_pair(2)
    X, Y = _data(seed=2)
    before = {v.path: keras.ops.convert_to_numpy(v).copy() for v in frozen.variables}
    structure = [layer.symbolic_arrays() for layer in frozen.all_symbolic_layers]
    frozen.compile(optimizer=keras.optimizers.Adam(0.01))
    hist = frozen.fit(X, Y, epochs=3, batch_size=32, verbose=0).history
    frozen.apply_masks()
    assert hist["loss"] == hist["error_loss"]  # no regulariser
    assert not any(k.startswith(("sparse_loss", "threshold")) for k in hist)
    assert hist["sparsity_weight"][-1] == pytest.approx(model.sparsities()["weight"])
    moved = 0
    for v in frozen.variables:
        now, was = keras.ops.convert_to_numpy(v), before[v.path]
        if "threshold" in v.path or v.path.endswith("keep"):
            np.testing.assert_array_equal(now, was)  # masks and thresholds fixed
        elif v.path.endswith(("kernel", "bias")) and not v.path.endswith("_mask"):
            moved += int(np.any(now != was))
    assert moved > 0
    for layer, old in zip(frozen.all_symbolic_layers, structure):
        new = layer.symbolic_arrays()
        np.testing.assert_array_equal(new["kernel"] != 0, old["kernel"] != 0)  # same surviving weights
        np.testing.assert_array_equal(new["bias"] != 0, old["bias"] != 0)
        assert new["unary_operators"] == old["unary_operators"] and new["binary_operators"] == old["binary_operators"]
    # The network and its unrolled formulas still agree.
    exprs = unroll_model(frozen)
    net = np.asarray(frozen.predict(X, verbose=0), dtype=np.float64)
    sym = evaluate_expressions(exprs, X)
    assert np.abs(net - sym).max() / max(np.abs(sym).max(), 1.0) <= 1e-4


@pytest.mark.backend
def test_frozen_model_save_load_round_trip(tmp_path):
    _, frozen = _frozen_pair(3)
    X, Y = _data(seed=3)
    frozen.compile(optimizer=keras.optimizers.Adam(0.01))
    frozen.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    path = tmp_path / "frozen.keras"
    frozen.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, SymbolNet) and loaded.frozen_masks
    assert loaded.get_config() == frozen.get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), frozen.predict(X, verbose=0))
    assert loaded.sparsities() == frozen.sparsities()
    assert [str(e) for e in unroll_model(loaded)] == [str(e) for e in unroll_model(frozen)]
    assert len(loaded.trainable_variables) == len(frozen.trainable_variables)
    loaded.fit(X, Y, epochs=1, batch_size=32, verbose=0)


@pytest.mark.backend
def test_recipe_finetune_phase(tmp_path):
    X, Y = _data(n=200, seed=4)
    config = SymbolNetConfig(layers=((4, 2),), targets={"weight": 0.5, "input": 0.3}, epochs=6, finetune_epochs=2,
                             finetune_learning_rate=0.002, batch_size=50)
    result = train_symbolnet(X, Y, config)
    assert result.model.frozen_masks
    assert result.config["finetune_epochs"] == 2 and result.config["finetune_learning_rate"] == 0.002
    assert result.history["phase"] == [1, 1, 1, 1, 2, 2]
    assert len(result.history["loss"]) == 6 and len(result.history["sparse_loss_weight"]) == 4
    before = result.before_finetune
    assert not before["model"].frozen_masks
    assert result.sparsities == before["sparsities"]
    assert result.complexities == expressions_complexity(result.expressions)
    assert abs(result.complexity - np.mean(before["complexities"])) <= 1  # masks fixed: same structure
    assert float(keras.ops.convert_to_numpy(result.model.optimizer.learning_rate)) == pytest.approx(0.002)


def test_recipe_without_finetune_is_the_paper_method():
    X, Y = _data(n=100, seed=5)
    result = train_symbolnet(X, Y, SymbolNetConfig(layers=((3, 1),), epochs=2, batch_size=50))
    assert not result.model.frozen_masks and result.before_finetune is None and "phase" not in result.history


@pytest.mark.parametrize("bad", [{"finetune_epochs": 5}, {"finetune_epochs": -1}, {"finetune_epochs": 1.5},
                                 {"finetune_learning_rate": 0.0}, {"finetune_learning_rate": True},
                                 {"finetune_error_loss": "hinge"}])
def test_config_validation(bad):
    with pytest.raises(ValueError, match="finetune"):
        SymbolNetConfig(epochs=5, **bad)


def test_finetune_with_cross_entropy_on_an_mse_classifier():
    X, _ = _data(n=120, seed=7)
    Y = np.eye(3, dtype="float32")[np.argmax(X[:, :3], axis=1)]
    config = SymbolNetConfig(layers=((3, 1),), epochs=3, finetune_epochs=1, finetune_error_loss="categorical_crossentropy",
                             batch_size=40)
    result = train_symbolnet(X, Y, config, task="classification")
    assert result.before_finetune["model"].error_loss == "mse"
    assert result.model.error_loss == "categorical_crossentropy" and result.model.frozen_masks
    assert len(result.history["accuracy"]) == 3 and result.config["finetune_error_loss"] == "categorical_crossentropy"


def test_estimator_passes_finetune_options():
    X, Y = _data(n=120, k=1, seed=6)
    est = SymbolNetRegressor(layers=((3, 1),), epochs=4, batch_size=40, finetune_epochs=1, finetune_learning_rate=0.001)
    est.fit(X, Y[:, 0])
    assert est.config_["finetune_epochs"] == 1 and est.model_.frozen_masks
    assert est.history_["phase"][-1] == 2
    np.testing.assert_allclose(est.predict(X), est.predict_symbolic(X), rtol=1e-4, atol=1e-4)


def test_classifier_fine_tunes_with_cross_entropy():
    X, _ = _data(n=120, seed=8)
    labels = np.array(["a", "b"])[(X[:, 0] > 0).astype(int)]
    est = SymbolNetClassifier(layers=((2, 1),), epochs=3, batch_size=40, finetune_epochs=1, finetune_loss="crossentropy")
    est.fit(X, labels)
    assert est.config_["error_loss"] == "mse" and est.config_["finetune_error_loss"] == "binary_crossentropy"
    raw = est.decision_function(X)
    np.testing.assert_array_equal(est.predict(X), est.classes_[(raw > 0).astype(int)])  # logits: cut at 0
    np.testing.assert_allclose(est.predict_proba(X)[:, 1], 1 / (1 + np.exp(-raw)), rtol=1e-6)
    with pytest.raises(ValueError, match="finetune_loss"):
        SymbolNetClassifier(finetune_epochs=1, finetune_loss="hinge").fit(X, labels)
