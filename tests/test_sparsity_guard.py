"""SparsityGuard: the projection that stops adaptive sparsity from overshooting its targets."""
import keras
import numpy as np
import pytest

from keras_symbolic.callbacks.sparsity_guard import SparsityGuard, sparsity_cap
from keras_symbolic.models.symbolnet_builder import build_symbolnet


def test_sparsity_cap():
    assert sparsity_cap(0.4, 10, 0.05) == 4  # exactly reachable
    assert sparsity_cap(0.4, 8, 0.05) == 4  # 3.2 -> at least 4 to reach the target
    assert sparsity_cap(0.9, 1000, 0.05) == 950  # the tolerance admits more
    assert sparsity_cap(0.99, 10, 0.05) == 10  # never more than all
    assert sparsity_cap(0.85, 20, 0.0) == 17


def _model(targets):
    model = build_symbolnet(20, 2, layers=[(10, 5)], unary=["sin", "square"], binary=["mul"], targets=targets)
    model.compile(optimizer=keras.optimizers.Adam(0.005))
    return model


def _prune_everything(model):
    """Every gate closed, every weight below its threshold."""
    model.input_mask.threshold.assign(np.ones(20, "float32"))
    for layer in model.all_symbolic_layers:
        for var in (layer.unary_threshold, layer.binary_threshold):
            if var is not None:
                var.assign(np.ones(var.shape, "float32"))
        for mask, values in ((layer.kernel_mask, layer.kernel), (layer.bias_mask, layer.bias)):
            w = keras.ops.convert_to_numpy(values)
            mask.threshold.assign((np.abs(w) + 0.01).astype("float32"))


@pytest.mark.backend
def test_enforce_restores_the_surplus_and_keeps_the_deepest():
    targets = {"input": 0.85, "weight": 0.9, "unary": 0.4, "binary": 0.4}
    model = _model(targets)
    _prune_everything(model)
    # Inputs 0-2 "deeper" would matter only for weights (gates clip at 1); give two weights of
    # the first kernel a large excess so they must stay pruned.
    layer = model.symbolic_layers[0]
    t = keras.ops.convert_to_numpy(layer.kernel_mask.threshold).copy()
    t[5, 0] += 10.0
    t[6, 1] += 10.0
    layer.kernel_mask.threshold.assign(t)
    guard = SparsityGuard(tolerance=0.05)
    guard.set_model(model)
    guard.on_train_begin()
    restored = guard.enforce()
    s = model.sparsities()
    for kind, target in targets.items():
        assert target <= s[kind] <= target + 0.05 + 1e-9, (kind, s)
        assert restored[kind] > 0
    # Cap floor(0.9 * 20) = 18; the ties of the input gates go to the lower index: 0..17 stay pruned.
    assert list(np.flatnonzero(model.input_active())) == [18, 19]
    kept = keras.ops.convert_to_numpy(layer.kernel_mask.pruned(layer.kernel))
    assert kept[5, 0] == 1 and kept[6, 1] == 1
    # Restored gates sit just inside the boundary: t = 1 - gate_margin.
    tu = keras.ops.convert_to_numpy(layer.unary_threshold)
    assert np.allclose(np.sort(tu)[: 10 - 4], 0.9)
    # A second call has nothing to do.
    assert guard.enforce() == {}


@pytest.mark.backend
def test_guard_inside_fit_caps_every_type():
    """The guard runs per batch inside ``model.fit`` (under JAX it reads the trainer's in-flight state)."""
    targets = {"input": 0.5, "weight": 0.6, "unary": 0.4, "binary": 0.4}
    model = _model(targets)
    _prune_everything(model)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 20)).astype("float32")
    Y = rng.normal(size=(64, 2)).astype("float32")
    guard = SparsityGuard()
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0, callbacks=[guard])
    s = model.sparsities()
    for kind, target in targets.items():
        assert s[kind] <= target + 0.05 + 1e-9, (kind, s)
    assert set(guard.corrections) == set(targets)


def test_guard_leaves_types_without_target_alone_and_validates():
    model = _model({"input": 0.0, "weight": 0.9, "unary": 0.0, "binary": 0.0})
    _prune_everything(model)
    guard = SparsityGuard()
    guard.set_model(model)
    guard.on_train_begin()
    assert set(guard.enforce()) == {"weight"}
    assert model.sparsities()["input"] == 1.0  # target 0: the regulariser is off, so is the guard
    for bad in (dict(tolerance=1.5), dict(every=0), dict(gate_margin=0.0), dict(weight_ratio=1.0)):
        with pytest.raises(ValueError):
            SparsityGuard(**bad)
    dense = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match="SymbolNet"):
        guard.set_model(dense)
        guard.on_train_begin()
