"""SymbolNet estimators (sklearn API), the training recipe and the training-curve plot."""
import numpy as np
import pytest
from sklearn.base import clone

from keras_symbolic.estimators.symbolnet import SymbolNetClassifier, SymbolNetRegressor
from keras_symbolic.pipelines.symbolnet import SymbolNetConfig, train_symbolnet
from keras_symbolic.results.training_curves import plot_training_curves

TINY = dict(layers=((4, 2),), unary=("sin", "identity"), epochs=2, batch_size=16)


@pytest.fixture(scope="module")
def sparse_task():
    """20 inputs, 3 matter: y = x0 x1 + sin(x2) + noise (noise keeps L_err, hence the push, > 0)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(2000, 20))
    y = X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * rng.normal(size=2000)
    return X, y


def test_synthetic_sparse_task_prunes_irrelevant_inputs_and_reaches_targets(sparse_task):
    X, y = sparse_task
    targets = {"input": 0.85, "weight": 0.9, "unary": 0.4, "binary": 0.4}
    # Item counts where every target is reachable: 20 inputs (17 pruned = 0.85), 10 prunable
    # unary operators (4 = 0.4), 5 binary (2 = 0.4); identity units carry no threshold.
    est = SymbolNetRegressor(
        layers=((10, 5),),
        unary=("sin", "square"),
        binary=("mul",),
        targets=targets,
        epochs=60,
        batch_size=64,
        learning_rate=0.005,
        seed=0,
    ).fit(X, y)
    active = np.flatnonzero(est.model_.input_active())
    print("sparsities", est.sparsities_, "active inputs", active, "formula", est.sympy(), "R2", est.score(X, y))
    assert list(active) == [0, 1, 2]  # the 17 irrelevant inputs are pruned, the 3 relevant kept
    # Every type lands within 0.05 of its target (the criterion); without the sparsity
    # guard the operator types overshoot to 0.6-0.8 here.
    for kind, target in targets.items():
        assert abs(est.sparsities_[kind] - target) <= 0.05 + 1e-9, (kind, est.sparsities_)
    assert est.score(X, y) > 0.9  # noise ceiling is ~0.96
    assert {s.name for s in est.sympy().free_symbols} == {"x0", "x1", "x2"}
    np.testing.assert_allclose(est.predict_symbolic(X[:50]), est.predict(X[:50]), rtol=1e-4, atol=1e-4)


def test_regressor_api_and_fitted_attributes(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(64, 3))
    y = X[:, 0] - 0.5 * X[:, 2]
    est = SymbolNetRegressor(**TINY, seed=7, targets={"input": 0.3})
    assert not hasattr(est, "model_")
    assert est.get_params()["epochs"] == 2
    est.fit(X, y)
    for attr in ("model_", "expressions_", "complexities_", "complexity_", "history_", "sparsities_", "config_"):
        assert hasattr(est, attr), attr
    assert est.n_features_in_ == 3
    assert len(est.expressions_) == 1 and est.complexity_ == pytest.approx(np.mean(est.complexities_))
    assert est.predict(X).shape == (64,)
    np.testing.assert_allclose(est.predict_symbolic(X), est.predict(X), rtol=1e-4, atol=1e-5)
    assert isinstance(est.score(X, y), float)
    assert isinstance(est.latex(), str)
    assert est.config_["seed"] == 7 and est.config_["targets"]["input"] == 0.3
    assert set(est.history_) >= {"loss", "error_loss", "sparsity_weight", "sparse_loss_input", "threshold_unary"}
    assert len(est.history_["loss"]) == 2
    # Multi-output regression keeps one expression per output.
    est2 = clone(est).set_params(seed=8).fit(X, np.column_stack([y, -y]))
    assert est2.predict(X).shape == (64, 2) and len(est2.sympy()) == 2
    # Same seed, same model.
    again = clone(est).fit(X, y)
    assert [str(e) for e in again.expressions_] == [str(e) for e in est.expressions_]
    # Training curves like Fig. 7, to PNG.
    path = tmp_path / "curves.png"
    fig = plot_training_curves(est, path=path)
    assert path.stat().st_size > 1000 and len(fig.axes) == 3


def test_input_validation_errors():
    X = np.random.default_rng(0).normal(size=(10, 2))
    y = X[:, 0]
    est = SymbolNetRegressor(**TINY)
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        est.fit(X_nan, y)
    with pytest.raises(ValueError, match="infinity|NaN"):
        est.fit(np.where(X > 1, np.inf, X), y)
    y_inf = y.copy()
    y_inf[0] = np.inf
    with pytest.raises(ValueError, match="infinity|NaN"):
        est.fit(X, y_inf)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        est.fit(X, y[:5])
    with pytest.raises(ValueError, match="minimum of 2 is required"):
        est.fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="2D array"):
        est.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Unknown pruning type"):
        SymbolNetRegressor(**TINY, targets={"inputs": 0.5}).fit(X, y)
    with pytest.raises(ValueError, match="variable_names has 1 names for 2 features"):
        SymbolNetRegressor(**TINY, variable_names=["a"]).fit(X, y)
    fitted = SymbolNetRegressor(**TINY).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but SymbolNetRegressor is expecting 2"):
        fitted.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        SymbolNetClassifier(**TINY).fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="Unknown label type"):
        SymbolNetClassifier(**TINY).fit(X, y)


def test_classifier_three_classes():
    rng = np.random.default_rng(0)
    centers = np.array([[-1.5, 0.0], [1.5, 0.0], [0.0, 1.5]])
    labels = np.array(["cat", "dog", "emu"])
    idx = rng.integers(0, 3, size=240)
    X = centers[idx] + 0.4 * rng.normal(size=(240, 2))
    y = labels[idx]
    clf = SymbolNetClassifier(layers=((6, 2),), unary=("identity", "sin", "gauss"), epochs=25, batch_size=32,
                              learning_rate=0.02, seed=0)
    clf.fit(X, y)
    np.testing.assert_array_equal(clf.classes_, labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (240, 3) and np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= set(labels)
    report = clf.evaluate(X, y)
    print(report)
    assert report["accuracy"] == pytest.approx(clf.score(X, y))
    assert report["accuracy"] > 0.8
    assert set(report["roc_auc"]) == set(labels) and report["roc_auc_macro"] > 0.85
    assert len(clf.expressions_) == 3 and "accuracy" in clf.history_
    np.testing.assert_allclose(clf.predict_symbolic(X), clf.decision_function(X), rtol=1e-4, atol=1e-5)


def test_binary_classifier_single_output_and_crossentropy_option():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, 7, 1)  # labels 1 and 7, as the paper's SVHN task
    for loss in ("mse", "crossentropy"):
        clf = SymbolNetClassifier(**{**TINY, "epochs": 10}, loss=loss, learning_rate=0.02).fit(X, y)
        assert clf.model_.n_outputs == 1 and clf.decision_function(X).shape == (120,)
        np.testing.assert_array_equal(clf.classes_, [1, 7])
        proba = clf.predict_proba(X)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        report = clf.evaluate(X, y)
        assert set(report["roc_auc"]) == {1, 7} and 0.0 <= report["accuracy"] <= 1.0
    with pytest.raises(ValueError, match="`loss` must be 'mse' or 'crossentropy'"):
        SymbolNetClassifier(**TINY, loss="hinge").fit(X, y)


def test_train_symbolnet_records_config():
    X = np.random.default_rng(0).uniform(-1, 1, size=(32, 2))
    y = X[:, :1] ** 2
    config = SymbolNetConfig(layers=((2, 1),), unary=("square",), epochs=1, batch_size=16, seed=3)
    result = train_symbolnet(X, y, config)
    assert result.config == config.to_dict() and result.config["seed"] == 3
    assert result.task == "regression" and len(result.expressions) == 1
    with pytest.raises(ValueError, match="`epochs` must be a positive integer"):
        SymbolNetConfig(epochs=0)
    with pytest.raises(ValueError, match="`task` must be one of"):
        train_symbolnet(X, y, config, task="ranking")
