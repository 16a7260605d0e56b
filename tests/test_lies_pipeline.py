"""The LIES pipeline, estimator and command line on small, quick configurations."""
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import sympy as sp
from sklearn.base import clone

from keras_symbolic.cli import main
from keras_symbolic.estimators import LIESRegressor
from keras_symbolic.pipelines import lies_cache, lies_training
from keras_symbolic.pipelines.lies import run_lies
from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule
from keras_symbolic.pipelines.lies_training import TrainingDivergedError
from keras_symbolic.pipelines.selection import select_equation

QUICK = LIESConfig(schedule=LIESSchedule().scaled(0.1), restarts=1)


def power_law(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 5, (n, 2))
    return X, X[:, 0] * X[:, 1] ** 2


def test_schedule_defaults_are_the_authors_and_paper_is_one_call_away():
    ref, paper = LIESSchedule(), LIESSchedule.paper()
    assert (ref.weak.rho, ref.weak_oversampled.rho, ref.strong.rho) == (0.9, 0.1, 0.005)
    assert (paper.weak.rho, paper.weak_oversampled.rho, paper.n_rows) == (0.5, 0.5, 100_000)
    assert ref.strong.lambda_for(3) == pytest.approx(0.05) and ref.weak.lambda_for(3) == 5e-4
    assert LIESSchedule().scaled(0.1).strong.epochs == 3
    with pytest.raises(ValueError, match="unknown schedule"):
        LIESSchedule.named("fast")


def test_config_ablation_and_round_trip():
    cfg = LIESConfig().ablate("oversampling", "rounding", "coefficient_fit", "gradient_pruning")
    assert not cfg.oversampling.enabled and not cfg.gradient_pruning
    assert not cfg.simplify.rounding and not cfg.simplify.coefficient_fit
    assert LIESConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown ablation"):
        LIESConfig().ablate("dropout")


def test_run_lies_whole_path_quick():
    X, y = power_law()

    def sampler(n, low, high, rng):
        pts = rng.uniform(low, high, (n, 2))
        return pts, pts[:, 0] * pts[:, 1] ** 2

    result = run_lies(X, y, replace(QUICK, restarts=2), ["a", "b"], sampler=sampler, verbose=0)
    starts = result.extra["restarts"]
    assert len(starts) == 2 and sum(s["kept"] for s in starts) == 1
    eq = result.equations
    assert {"pruning_threshold", "stage", "complexity", "loss", "r2", "expression", "chosen"} <= set(eq.columns)
    assert eq["chosen"].sum() == 1 and list(eq["stage"])[0] == "extracted"
    assert {s.name for s in result.expression.free_symbols} <= {"a", "b"}
    assert set(result.phase_seconds) >= {"train_weak", "oversampling", "train_strong", "pruning", "simplification"}
    assert result.oversampling[0]["iteration"] == 0
    assert np.all(np.isfinite(result.predict(X)))


def test_network_cache_reuses_training_for_post_training_changes_only(tmp_path, monkeypatch):
    X, y = power_law(300)
    calls = []
    real_train = lies_cache.train_network
    monkeypatch.setattr(lies_cache, "train_network", lambda *a, **k: calls.append(1) or real_train(*a, **k))
    config = replace(QUICK, restarts=2, oversampling=replace(QUICK.oversampling, enabled=False))
    cache = tmp_path / "cache"

    first = run_lies(X, y, config, ["a", "b"], verbose=0, network_cache=cache)
    again = run_lies(X, y, config, ["a", "b"], verbose=0, network_cache=cache)
    assert (first.extra["network_cache"], again.extra["network_cache"], len(calls)) == ("miss", "hit", 1)
    # the same network and the same pruning rows: the same extracted formula (the later, time-bounded
    # symbolic steps may stop at different points on a loaded machine)
    assert again.pruning == first.pruning
    assert str(again.equations["expression"][0]) == str(first.equations["expression"][0])
    np.testing.assert_array_equal(again.model.predict(X[:20], verbose=0), first.model.predict(X[:20], verbose=0))
    assert "train_from_cache" in again.phase_seconds and "train_weak" not in again.phase_seconds
    assert again.extra["cached_training_seconds"].keys() == {"train_weak", "oversampling", "train_strong"}
    assert again.extra["restarts"] == first.extra["restarts"] and again.history == first.history

    no_rounding = run_lies(X, y, config.ablate("rounding", "coefficient_fit"), ["a", "b"], verbose=0, network_cache=cache)
    assert no_rounding.extra["network_cache"] == "hit" and len(calls) == 1
    assert not no_rounding.equations["stage"].isin(["round_to_zero", "coefficient_fit"]).any()
    # anything that changes training is a different key
    run_lies(X, y, replace(config, seed=1), ["a", "b"], verbose=0, network_cache=cache)
    run_lies(X, y * 2, config, ["a", "b"], verbose=0, network_cache=cache)
    run_lies(X, y, replace(config, restarts=1), ["a", "b"], verbose=0, network_cache=cache)
    assert len(calls) == 4


def test_select_equation_prefers_simplest_within_tolerance():
    table = pd.DataFrame({"complexity": [30, 5, 3], "r2": [0.99999, 0.9995, 0.9], "expression": ["a", "b", "c"]})
    assert select_equation(table, 1e-3) == 1
    assert select_equation(table, 1e-6) == 0


def test_nonfinite_loss_restarts_then_fails_clearly(monkeypatch):
    X, y = power_law(200)
    calls = {"n": 0}
    original = lies_training._train_phase

    def flaky(model, Z, Y, phase, schedule, label, progress):
        calls["n"] += 1
        if calls["n"] == 1:
            raise lies_training._NonFiniteLoss(label)
        return original(model, Z, Y, phase, schedule, label, progress)

    monkeypatch.setattr(lies_training, "_train_phase", flaky)
    cfg = replace(QUICK, oversampling=replace(QUICK.oversampling, enabled=False))
    result = run_lies(X, y, cfg, verbose=0)
    assert result.attempts == 2

    def always_nan(*args, **kwargs):
        raise lies_training._NonFiniteLoss("weak")

    monkeypatch.setattr(lies_training, "_train_phase", always_nan)
    with pytest.raises(TrainingDivergedError, match="non-finite in 3 attempts"):
        run_lies(X, y, replace(cfg, max_restarts=2), verbose=0)


def test_estimator_sklearn_api():
    X, y = power_law(400)
    est = LIESRegressor(epochs_scale=0.1, oversampling=False, restarts=1, seed=1)
    assert clone(est).get_params()["epochs_scale"] == 0.1
    est.set_params(pruning_threshold=0.02)
    frame = pd.DataFrame(X, columns=["m", "v"])
    est.fit(frame, y)
    assert est.n_features_in_ == 2 and list(est.feature_names_in_) == ["m", "v"]
    assert est.predict(frame).shape == (400,)
    assert np.isfinite(est.score(frame, y))
    assert isinstance(est.sympy(), sp.Expr) and isinstance(est.latex(), str)
    assert est.equations_["chosen"].sum() == 1 and est.config_.pruning_threshold == 0.02
    np.testing.assert_allclose(est.predict_network(X[:5]).shape, (5,))
    with pytest.raises(ValueError, match="must be 2-D"):
        est.predict(X[:, 0])


def test_estimator_rejects_bad_params():
    with pytest.raises(ValueError, match="schedule"):
        LIESRegressor(schedule="fastest").fit(*power_law(50))
    with pytest.raises(ValueError, match="epochs_scale"):
        LIESRegressor(epochs_scale=0).fit(*power_law(50))


# ------------------------------------------------------------------ command line
def _csv(tmp_path, frame, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "frame, target, message",
    [
        (pd.DataFrame({"a": [1.0] * 20, "y": [1.0] * 20}), "z", "target column 'z' not in"),
        (pd.DataFrame({"a": ["x"] * 20, "y": [1.0] * 20}), "y", "column 'a' is not numeric"),
        (pd.DataFrame({"a": [np.nan] + [1.0] * 19, "y": [1.0] * 20}), "y", "column 'a' has 1 missing value"),
        (pd.DataFrame({"a": [1.0] * 5, "y": [1.0] * 5}), "y", "too few rows"),
        (pd.DataFrame({"a": np.linspace(-1, 1, 20), "y": np.ones(20)}), "y", "both signs"),
        (pd.DataFrame({"y": [1.0] * 20}), "y", "no feature columns"),
    ],
)
def test_cli_bad_input_one_line_error_nothing_written(tmp_path, capsys, frame, target, message):
    out = tmp_path / "out"
    code = main(["fit", str(_csv(tmp_path, frame)), "--target", target, "--method", "lies", "--out", str(out),
                 "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: ") and message in err and "\n" not in err
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())


def test_cli_usage_errors(tmp_path, capsys):
    assert main(["fit", "--quiet"]) == 2
    assert "either DATA.csv" in capsys.readouterr().err
    assert main(["fit", str(tmp_path / "missing.csv"), "--target", "y"]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["fit", "--feynman", "I.12.99", "--quiet"]) == 2
    assert "I.12.99" in capsys.readouterr().err
    assert main(["fit", "--feynman", "I.12.1", "--ablate", "magic", "--quiet"]) == 2


def test_cli_negative_and_unit_interval_columns_fit(tmp_path, capsys):
    rng = np.random.default_rng(0)
    a = -rng.uniform(1, 3, 300)  # all negative
    b = rng.uniform(0.05, 1.0, 300)  # inside (0, 1]
    frame = pd.DataFrame({"a": a, "b": b, "y": -a * b})
    code = main(["fit", str(_csv(tmp_path, frame)), "--target", "y", "--epochs-scale", "0.1", "--restarts", "1", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "formula" in out and "R^2 test" in out


def test_cli_feynman_writes_result_folder(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["fit", "--feynman", "I.12.1", "--samples", "400", "--test-samples", "200", "--epochs-scale", "0.1", "--restarts", "1",
                 "--seed", "3", "--out", str(out), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "symbolic solution:" in printed and "wall time" in printed
    assert {p.name for p in out.iterdir()} == {"result.json", "pareto.csv", "parity.png", "model.keras"}
    record = json.loads((out / "result.json").read_text())
    for key in ("method", "expression", "latex", "complexity", "r2_train", "r2_test", "symbolic_solution",
                "wall_seconds", "seed", "config"):
        assert key in record
    assert record["seed"] == 3 and record["method"] == "lies" and isinstance(record["symbolic_solution"], bool)
    assert record["config"]["schedule"]["strong"]["epochs"] == 3
