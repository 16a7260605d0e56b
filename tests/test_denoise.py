"""The engine's optional denoising step (``AutoConfig.denoise``): the training rows the stages fit
become the surrogate's values on clearly noisy tables; the held-out rows, and so every judgement, stay
raw; skipped with a reason where it cannot help."""
import numpy as np
import pytest

from keras_symbolic.pipelines.auto import AutoConfig, run_auto
from keras_symbolic.pipelines.auto_denoise import denoised_target
from keras_symbolic.pipelines.progress import PhaseProgress


def _noisy(n=3000, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 3, (n, 2))
    f = X[:, 0] * np.exp(-X[:, 1]) + np.sin(X[:, 0])
    y = f + noise * np.sqrt(np.mean(f**2)) * rng.normal(size=n)
    return X, y, f


def test_denoised_training_rows_are_closer_to_the_function_and_held_out_rows_stay_raw():
    X, y, f = _noisy()
    train, val = np.arange(600, 3000), np.arange(600)
    log = []
    den = denoised_target(X, y, train, 0.1, AutoConfig(denoise=True, time_budget=12), log, PhaseProgress(0), None)
    raw_error = np.sqrt(np.mean((y[train] - f[train]) ** 2))
    denoised_error = np.sqrt(np.mean((den.y[train] - f[train]) ** 2))
    assert denoised_error < 0.6 * raw_error
    np.testing.assert_array_equal(den.y[val], y[val])
    assert den.surrogate is not None and den.noise < 0.1
    assert log[-1]["denoise"] is True and log[-1]["denoised_noise"] == den.noise


@pytest.mark.parametrize("noise, scheme, reason", [(0.001, None, "below"), (0.1, "5-fold", "cross-validation")])
def test_denoising_is_skipped_with_a_reason_where_it_cannot_help(noise, scheme, reason):
    X, y, _ = _noisy(n=300)
    log = []
    den = denoised_target(X, y, np.arange(300), noise, AutoConfig(denoise=True), log, PhaseProgress(0), scheme)
    assert den.y is y and den.surrogate is None and den.noise == noise
    assert log[-1]["denoise"] == "skipped" and reason in log[-1]["reason"]


def test_not_asked_means_untouched():
    X, y, _ = _noisy(n=300)
    log = []
    den = denoised_target(X, y, np.arange(300), 0.1, AutoConfig(), log, PhaseProgress(0), None)
    assert den.y is y and den.surrogate is None and log == []


def test_the_engine_fits_denoised_rows_and_judges_raw_ones():
    X, y, f = _noisy()
    config = AutoConfig(denoise=True, decomposition=False, lies=False, search=False, time_budget=12)
    plain = run_auto(X, y, ["a", "b"], AutoConfig(decomposition=False, lies=False, search=False), verbose=0)
    denoised = run_auto(X, y, ["a", "b"], config, verbose=0)
    assert any(entry.get("denoise") is True for entry in denoised.decomposition)
    by_solver = {name: t.set_index("solver") for name, t in (("plain", plain.equations), ("denoised", denoised.equations))}
    # the baselines are fitted on the raw rows and judged on the raw held-out rows either way
    for solver in ("linear", "constant"):
        assert by_solver["denoised"].loc[solver, "r2"] == pytest.approx(by_solver["plain"].loc[solver, "r2"], abs=1e-12)
    # the solvers' formulas were fitted to other targets, so they differ
    assert {str(e) for e in plain.equations["expression"]} != {str(e) for e in denoised.equations["expression"]}
    assert denoised.config.denoise is True


def test_bench_and_estimator_take_the_option():
    from keras_symbolic.bench.feynman import auto_config
    from keras_symbolic.estimators import SymbolicRegressor

    assert auto_config({"denoise": True}).denoise is True
    with pytest.raises(ValueError, match="unknown auto option.*denoise"):
        auto_config({"denoize": True})
    est = SymbolicRegressor(denoise=True)
    assert est.get_params()["denoise"] is True and est._build_config().denoise is True


def test_cli_denoise_is_for_the_engine_only(tmp_path, capsys):
    from keras_symbolic.cli import main

    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,2\n2,4\n3,6\n" * 5)
    assert main(["fit", str(path), "--target", "y", "--denoise", "--method", "lies", "--out", str(tmp_path / "o")]) == 2
    assert "--denoise apply to --method auto only" in capsys.readouterr().err


def test_cli_denoise_is_recorded(tmp_path):
    import json

    from keras_symbolic.cli import main

    path = tmp_path / "t.csv"
    rng = np.random.default_rng(0)
    a = rng.uniform(1, 2, 40)
    path.write_text("a,y\n" + "".join(f"{v},{3 * v}\n" for v in a))
    assert main(["fit", str(path), "--target", "y", "--denoise", "--time-budget", "2", "--quiet",
                 "--out", str(tmp_path / "o")]) == 0
    result = json.loads((tmp_path / "o" / "result.json").read_text())
    assert result["config"]["denoise"] is True
