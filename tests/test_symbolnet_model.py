"""SymbolNet model: unrolling == network, save/load, adaptive sparsity loss, logging, scale."""
import math
import time

import keras
import numpy as np
import pytest
from keras import ops

from keras_symbolic.models.adaptive_sparsity import DEFAULT_TARGETS, AdaptiveSparsity, normalize_targets
from keras_symbolic.models.symbolnet import SymbolNet
from keras_symbolic.models.symbolnet_builder import build_symbolnet
from keras_symbolic.ops.symbolnet_ops import BINARY_OPERATORS, UNARY_OPERATORS
from keras_symbolic.pipelines.symbolnet import unroll_model
from keras_symbolic.symbolic.unroll import display_expression, evaluate_expressions, expressions_complexity

ALL_UNARY = sorted(UNARY_OPERATORS)
ALL_BINARY = sorted(BINARY_OPERATORS)


def _randomize(model: SymbolNet, seed: int = 0):
    """Random weights and thresholds such that some weights, biases, inputs and operators are masked."""
    rng = np.random.default_rng(seed)
    if model.input_mask is not None:
        t = rng.choice([0.0, 0.4, 1.0], size=model.n_inputs, p=[0.4, 0.3, 0.3]).astype("float32")
        t[0] = 0.0  # keep at least one input
        model.input_mask.threshold.assign(t)
    for k, layer in enumerate(model.all_symbolic_layers):
        std = 0.6 if k == 0 else 0.25
        layer.kernel.assign(rng.normal(0, std, layer.kernel.shape).astype("float32"))
        layer.bias.assign(rng.normal(0, std, layer.bias.shape).astype("float32"))
        layer.kernel_mask.threshold.assign(rng.uniform(0, 0.6 * std, layer.kernel.shape).astype("float32"))
        layer.bias_mask.threshold.assign(rng.uniform(0, 0.6 * std, layer.bias.shape).astype("float32"))
        for var in (layer.unary_threshold, layer.binary_threshold):
            if var is not None:
                var.assign(rng.choice([0.0, 0.5, 1.0], size=var.shape).astype("float32"))


def _small_model(**kwargs):
    """Every operator in layer 1; bounded ones in layer 2 (pow/div/exp of layer-1 outputs overflow)."""
    return build_symbolnet(
        6,
        3,
        layers=[(11, 4), (6, 3)],
        unary=[ALL_UNARY, ["identity", "sin", "cos", "tanh", "gauss", "square"]],
        binary=[ALL_BINARY, ["add", "mul"]],
        targets={"input": 0.5},
        **kwargs,
    )


@pytest.mark.backend
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unrolled_expressions_equal_network_outputs(seed):
    keras.utils.set_random_seed(seed)
    model = _small_model()
    _randomize(model, seed)
    sp_ = model.sparsities()
    assert sp_["input"] > 0 and sp_["weight"] > 0 and sp_["unary"] > 0 and sp_["binary"] > 0
    X = np.random.default_rng(seed + 10).uniform(-1, 1, size=(200, 6)).astype("float32")
    net = np.asarray(model.predict(X, verbose=0), dtype=np.float64)
    exprs = unroll_model(model)
    sym = evaluate_expressions(exprs, X)
    assert np.all(np.isfinite(net)) and np.all(np.isfinite(sym))
    scale = np.maximum(np.abs(sym).max(axis=0), 1.0)
    rel = np.abs(net - sym).max(axis=0) / scale
    assert rel.max() <= 1e-4, rel
    # Pruned inputs do not appear in the formulas.
    used = set().union(*(e.free_symbols for e in exprs))
    pruned = {f"x{i}" for i in np.flatnonzero(~model.input_active())}
    assert not pruned & {s.name for s in used}
    # Complexity counts tree nodes; display rounding does not touch the exact expression.
    assert all(c >= 1 for c in expressions_complexity(exprs))
    shown = display_expression(exprs[0], 2)
    assert len(shown.atoms()) <= len(exprs[0].atoms())


def test_unroll_keeps_exact_constants():
    model = build_symbolnet(2, 1, layers=[(1, 0)], unary=["identity"], input_pruning=False)
    model.symbolic_layers[0].kernel.assign(np.array([[0.123456789], [0.0]], dtype="float32"))
    model.symbolic_layers[0].bias.assign(np.array([0.0], dtype="float32"))
    model.output_layer.kernel.assign(np.array([[1.0]], dtype="float32"))
    model.output_layer.bias.assign(np.array([0.0], dtype="float32"))
    (expr,) = unroll_model(model)
    coeff = float(expr.as_coefficients_dict()[next(iter(expr.free_symbols))])
    assert coeff == float(np.float32(0.123456789))  # the float32 weight, not a rounded one


@pytest.mark.backend
def test_save_load_round_trip(tmp_path):
    keras.utils.set_random_seed(3)
    model = _small_model(error_reduction="sum")
    _randomize(model, 3)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    X = np.random.default_rng(0).uniform(-1, 1, size=(64, 6)).astype("float32")
    Y = np.random.default_rng(1).normal(size=(64, 3)).astype("float32")
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    path = tmp_path / "symbolnet.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, SymbolNet)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert loaded.sparsities() == model.sparsities()
    assert [str(e) for e in unroll_model(loaded)] == [str(e) for e in unroll_model(model)]
    # The loaded model keeps training.
    loaded.fit(X, Y, epochs=1, batch_size=32, verbose=0)


@pytest.mark.backend
def test_compute_loss_matches_paper_formula():
    keras.utils.set_random_seed(0)
    targets = {"weight": 0.6, "input": 0.5, "unary": 0.4, "binary": 0.3}
    model = build_symbolnet(4, 2, layers=[(4, 2)], unary=["sin", "exp"], binary=["mul"], targets=targets)
    _randomize(model, 5)
    X = np.random.default_rng(0).uniform(-1, 1, size=(16, 4)).astype("float32")
    Y = np.random.default_rng(1).normal(size=(16, 2)).astype("float32")
    y_pred = model(X)
    total = float(ops.convert_to_numpy(model.compute_loss(X, Y, y_pred)))

    err = float(np.mean((np.asarray(ops.convert_to_numpy(y_pred), np.float64) - Y) ** 2))
    d = 0.01

    def D(s, a):
        return 0.0 if s >= a else math.exp(-((a / (a - s)) ** d) + 1)

    # Gather thresholds and pruned flags by hand.
    t_in = ops.convert_to_numpy(model.input_mask.threshold)
    w_t, w_pruned, u_t, b_t = [], [], [], []
    for layer in model.all_symbolic_layers:
        for values, mask in ((layer.kernel, layer.kernel_mask), (layer.bias, layer.bias_mask)):
            t = ops.convert_to_numpy(mask.threshold).ravel()
            w_t.append(t)
            w_pruned.append(np.abs(ops.convert_to_numpy(values)).ravel() - t <= 0)
        if layer.unary_threshold is not None:
            u_t.append(ops.convert_to_numpy(layer.unary_threshold))
        if layer.binary_threshold is not None:
            b_t.append(ops.convert_to_numpy(layer.binary_threshold))
    w_t, w_pruned = np.concatenate(w_t), np.concatenate(w_pruned)
    u_t, b_t = np.concatenate(u_t), np.concatenate(b_t)
    expected = err
    expected += err * D(w_pruned.mean(), 0.6) * np.mean(np.exp(-w_t))
    expected += err * D(np.mean(t_in >= 1), 0.5) * math.exp(-t_in.mean())
    expected += err * D(np.mean(u_t >= 1), 0.4) * math.exp(-u_t.mean())
    expected += err * D(np.mean(b_t >= 1), 0.3) * math.exp(-b_t.mean())
    assert total == pytest.approx(expected, rel=1e-5)
    # error_reduction="sum" multiplies every term by n_outputs.
    model_sum = SymbolNet.from_config({**model.get_config(), "error_reduction": "sum"})
    model_sum.set_weights(model.get_weights())
    total_sum = float(ops.convert_to_numpy(model_sum.compute_loss(X, Y, model_sum(X))))
    assert total_sum == pytest.approx(2 * expected, rel=1e-5)


@pytest.mark.backend
def test_fit_logs_every_term_and_keeps_thresholds_in_range():
    keras.utils.set_random_seed(0)
    model = build_symbolnet(5, 2, layers=[(6, 2)], unary=["sin", "gauss"], binary=["mul"], targets={"input": 0.4})
    model.compile(optimizer=keras.optimizers.Adam(0.1))
    X = np.random.default_rng(0).uniform(-1, 1, size=(96, 5)).astype("float32")
    Y = np.random.default_rng(1).normal(size=(96, 2)).astype("float32")
    history = model.fit(X, Y, epochs=3, batch_size=16, verbose=0, validation_split=0.25)
    keys = set(history.history)
    for kind in ("weight", "input", "unary", "binary"):
        for term in ("sparse_loss", "sparsity", "threshold"):
            assert f"{term}_{kind}" in keys and f"val_{term}_{kind}" in keys
            assert len(history.history[f"{term}_{kind}"]) == 3
    assert {"loss", "error_loss", "val_loss"} <= keys
    # Constraints: weight thresholds >= 0, input/operator thresholds within [0, 1].
    for layer in model.all_symbolic_layers:
        assert ops.convert_to_numpy(layer.kernel_mask.threshold).min() >= 0
    for var in (model.input_mask.threshold, model.symbolic_layers[0].unary_threshold):
        t = ops.convert_to_numpy(var)
        assert t.min() >= 0.0 and t.max() <= 1.0
    assert max(history.history["threshold_input"]) > 0.1  # the regulariser drives the thresholds up


def test_targets_and_builder_validation():
    assert normalize_targets(None) == DEFAULT_TARGETS
    assert normalize_targets({"model": 0.7})["weight"] == 0.7
    with pytest.raises(ValueError, match="Unknown pruning type 'inputs'"):
        normalize_targets({"inputs": 0.5})
    with pytest.raises(ValueError, match=r"must be a number in \[0, 1\]"):
        normalize_targets({"weight": 1.5})
    with pytest.raises(ValueError, match="positive integer"):
        build_symbolnet(0, 1)
    with pytest.raises(ValueError, match=r"\(num_unary, num_binary\) pair"):
        build_symbolnet(3, 1, layers=[5])
    with pytest.raises(ValueError, match="error_loss"):
        build_symbolnet(3, 1, error_loss="mae")
    with pytest.raises(ValueError, match="2 operator lists for 1 layers"):
        build_symbolnet(3, 1, layers=[(2, 1)], unary=[["sin"], ["cos"]])
    reg = AdaptiveSparsity({"unary": 0.2}, decay_rate=0.05)
    assert AdaptiveSparsity.from_config(reg.get_config()).get_config() == reg.get_config()
    # Per-layer operator lists.
    model = build_symbolnet(3, 1, layers=[(2, 1), (2, 0)], unary=[["sin"], ["cos", "exp"]], binary=["mul"])
    assert model.symbolic_layers[1].unary_units == ("cos", "exp")


def test_unroll_784_inputs_is_fast():
    keras.utils.set_random_seed(0)
    model = build_symbolnet(784, 10, layers=[(20, 5)])
    start = time.perf_counter()
    exprs = unroll_model(model)  # unpruned: every weight kept
    unpruned_seconds = time.perf_counter() - start
    assert len(exprs) == 10 and unpruned_seconds < 30
    # Typical trained sparsity: most inputs pruned.
    t = np.ones(784, dtype="float32")
    t[::20] = 0.0
    model.input_mask.threshold.assign(t)
    start = time.perf_counter()
    exprs = unroll_model(model)
    assert time.perf_counter() - start < 5
    assert len(set().union(*(e.free_symbols for e in exprs))) <= 40


@pytest.mark.backend
def test_3072_inputs_build_and_train_one_epoch():
    keras.utils.set_random_seed(0)
    model = build_symbolnet(3072, 1, layers=[(10, 5)], unary=["sin", "cos", "gauss", "tanh"], binary=["mul"],
                            targets={"input": 0.9, "weight": 0.99})
    model.compile(optimizer=keras.optimizers.Adam(0.005))
    X = np.random.default_rng(0).uniform(0, 1, size=(32, 3072)).astype("float32")
    y = (np.random.default_rng(1).uniform(size=(32, 1)) > 0.5).astype("float32")
    history = model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.count_params() > 3072 * 20 * 2
