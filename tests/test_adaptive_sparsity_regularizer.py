"""AdaptiveSparsity attached to a user-built model of the package's layers, with SparsityGuard."""
import keras
import numpy as np
import pytest

from keras_symbolic.callbacks import SparsityGuard
from keras_symbolic.layers import InputMask, SymbolicLayer
from keras_symbolic.regularizers import AdaptiveSparsity, AdaptiveSparsityModel


def _user_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((3,)),
        InputMask(name="inputs"),
        SymbolicLayer(4, 1, unary_operators=("sin", "identity"), name="hidden"),
        SymbolicLayer(1, 0, unary_operators=("identity",), name="out"),
    ])


def _data(n=256):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (n, 3)).astype("float32")
    return X, (np.sin(X[:, :1]) + X[:, 1:2] * X[:, 2:3]).astype("float32")


def test_attach_errors_are_clear():
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="no layer with pruning thresholds"):
        AdaptiveSparsity().attach(plain)
    model = AdaptiveSparsity().attach(_user_model())
    model.compile(optimizer="adam")
    X, y = _data(32)
    with pytest.raises(ValueError, match="compile"):
        model.fit(X, y, epochs=1, verbose=0)
    guard = SparsityGuard()
    guard.set_model(plain)
    with pytest.raises(TypeError, match="attach"):
        guard.on_train_begin()


@pytest.mark.backend
def test_attached_regularizer_trains_logs_guards_and_saves(tmp_path):
    X, y = _data()
    user = _user_model()
    model = AdaptiveSparsity({"weight": 0.5, "unary": 0.25}).attach(user)
    assert model.pruning_types == ("weight", "input", "unary", "binary")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    guard = SparsityGuard(tolerance=0.05)
    hist = model.fit(X, y, batch_size=64, epochs=3, verbose=0, callbacks=[guard])
    for key in ("error_loss", "sparsity_weight", "sparse_loss_weight", "threshold_unary", "sparsity_input"):
        assert len(hist.history[key]) == 3
    # the loss is the compiled error plus the terms: larger than the error alone
    assert hist.history["loss"][0] > hist.history["error_loss"][0]
    assert model.sparsities()["weight"] <= 0.5 + 0.05 + 1e-6
    np.testing.assert_array_equal(model.predict(X, verbose=0), user.predict(X, verbose=0))
    path = tmp_path / "regularized.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    assert isinstance(again, AdaptiveSparsityModel) and again.targets == model.targets
    np.testing.assert_array_equal(model.predict(X, verbose=0), again.predict(X, verbose=0))
    again.fit(X, y, batch_size=64, epochs=1, verbose=0)  # reloaded: compiled, trains
