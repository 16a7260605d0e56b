"""SRBench's target noise: the noise model, the rows of ``fit --feynman`` and ``bench feynman`` at noise
> 0 (training rows only, clean test rows, noise-0 rows and keys unchanged), the ``--noise`` checks, the
paper's rates by noise level and the summary table by noise level (no training here; the bench run
at noise > 0 is in test_bench_noise.py)."""
import json

import numpy as np
import pandas as pd
import pytest

from keras_symbolic.bench.feynman import FeynmanBench, feynman_data, feynman_tasks
from keras_symbolic.bench.summary import summarize
from keras_symbolic.cli import main
from keras_symbolic.datasets import add_target_noise, get_feynman_equation, srbench_rates_by_noise
from keras_symbolic.datasets.noise import check_noise_level, target_rms
from keras_symbolic.pipelines.evaluate import DATA_STREAM, feynman_rows


# ---------------------------------------------------------------------------------------------- the model
def test_noise_scale_is_sigma_times_rms():
    y = np.full(200_000, -4.0)  # RMS 4 (not the standard deviation, which is 0)
    noisy = add_target_noise(y, 0.01, np.random.default_rng(0))
    assert target_rms(y) == 4.0
    assert np.std(noisy - y) == pytest.approx(0.04, rel=0.01)
    assert abs(np.mean(noisy - y)) < 0.001


def test_noise_is_reproducible_and_paired_across_levels():
    y = np.linspace(1.0, 5.0, 50)
    a = add_target_noise(y, 0.01, np.random.default_rng(7))
    assert np.array_equal(a, add_target_noise(y, 0.01, np.random.default_rng(7)))
    assert not np.array_equal(a, add_target_noise(y, 0.01, np.random.default_rng(8)))
    b = add_target_noise(y, 0.1, np.random.default_rng(7))  # the same draw, ten times larger
    np.testing.assert_allclose(b - y, 10 * (a - y), rtol=1e-9)
    # a given scale (oversampled rows join the training rows at the training rows' scale)
    c = add_target_noise(y, 0.01, np.random.default_rng(7), rms=1.0)
    np.testing.assert_allclose((c - y) * target_rms(y), a - y, rtol=1e-9)


def test_zero_noise_is_the_identity_and_draws_nothing():
    y = np.array([1.0, -0.0, 3.5])
    rng = np.random.default_rng(1)
    out = add_target_noise(y, 0.0, rng)
    assert np.array_equal(out, y) and np.signbit(out[1])
    assert rng.random() == np.random.default_rng(1).random()


@pytest.mark.parametrize("bad", [-0.01, float("nan"), float("inf"), "abc", None])
def test_bad_levels_are_refused(bad):
    with pytest.raises(ValueError, match="noise level"):
        check_noise_level(bad)
    with pytest.raises(ValueError):
        add_target_noise(np.ones(3), bad, 0)


# ---------------------------------------------------------------------------------------------- the rows
def test_feynman_rows_noise_on_training_targets_only():
    eq = get_feynman_equation("I.12.1")
    streams = np.random.SeedSequence([3, DATA_STREAM]).spawn(2)  # the rows drawn before --noise existed
    X, y = eq.sample(400, seed=np.random.default_rng(streams[0]))
    Xt, yt = eq.sample(60, seed=np.random.default_rng(streams[1]))
    clean = feynman_rows(eq, 3, 400, 60)
    for got, want in zip(clean, (X, y, Xt, yt)):
        assert np.array_equal(got, want)  # noise 0: bit-identical rows
    X_n, y_n, Xt_n, yt_n = feynman_rows(eq, 3, 400, 60, noise=0.01)
    assert np.array_equal(X_n, X) and np.array_equal(Xt_n, Xt) and np.array_equal(yt_n, yt)
    assert np.array_equal(yt_n, eq.evaluate(Xt_n))  # clean test targets
    assert 0.005 < np.std(y_n - y) / target_rms(y) < 0.015
    again = feynman_rows(eq, 3, 400, 60, noise=0.01)
    assert np.array_equal(again[1], y_n)
    assert not np.array_equal(feynman_rows(eq, 4, 400, 60, noise=0.01)[1] - feynman_rows(eq, 4, 400, 60)[1], y_n - y)
    # the peers get the same rows as LIES
    for got, want in zip(feynman_data("I.12.1", 3, 400, 60, noise=0.01), (X_n, y_n, Xt_n, yt_n)):
        assert np.array_equal(got, want)


# ---------------------------------------------------------------------------------------------- bench keys
def test_bench_keys_at_noise_zero_are_unchanged_and_levels_do_not_collide():
    bench = dict(equations=["I.12.1"], samples=300, test_samples=500)
    (clean,) = feynman_tasks(FeynmanBench(**bench))
    (noisy,) = feynman_tasks(FeynmanBench(**bench, noise=0.01))
    (other,) = feynman_tasks(FeynmanBench(**bench, noise=0.001))
    assert "noise" not in clean.key and clean.key.startswith("feynman/I.12.1/lies/trial=0/seed=0/ablation=none/samples=300/test=500/config=")
    assert noisy.key == clean.key + "/noise=0.01" and other.key == clean.key + "/noise=0.001"
    assert clean.spec["noise"] == 0.0 and noisy.spec["noise"] == 0.01
    with pytest.raises(ValueError, match="noise level"):
        FeynmanBench(**bench, noise=-1).validate()


# ---------------------------------------------------------------------------------------------- the CLI checks
@pytest.mark.parametrize("command", [
    ["fit", "--feynman", "I.12.1"],
    ["bench", "feynman", "--subset", "I.12.1", "--dry-run"],
])
@pytest.mark.parametrize("value", ["-0.01", "nan", "inf", "lots"])
def test_bad_noise_is_one_line_and_exit_2(tmp_path, capsys, command, value):
    assert main([*command, "--noise", value, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --noise must be a finite number >= 0") and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("extra, message", [
    (["DATA.csv"], "--noise applies to --feynman only"),
    (["--feynman", "I.12.1", "--method", "symbolnet"], "--noise applies to --method lies and auto only"),
])
def test_fit_noise_needs_feynman_and_lies(tmp_path, capsys, extra, message):
    assert main(["fit", *extra, "--noise", "0.01", "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err


def test_bench_dry_run_at_noise_lists_new_keys(tmp_path, capsys):
    assert main(["bench", "feynman", "--subset", "I.12.1", "--trials", "1", "--noise", "0.1", "--dry-run",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "noise 0.1" in out and "/noise=0.1" in out


def test_bench_runs_several_levels_one_after_the_other(tmp_path, capsys):
    """``--noise 0,0.001,0.01,0.1``: every run of a level before the next level's, keys apart."""
    from keras_symbolic.bench.feynman import FeynmanBench, feynman_tasks

    tasks = feynman_tasks(FeynmanBench(equations=["I.12.1", "I.14.3"], methods=["auto"], noise=(0, 0.001, 0.01, 0.1)))
    assert [t.spec["noise"] for t in tasks] == [0, 0, 0.001, 0.001, 0.01, 0.01, 0.1, 0.1]
    assert len({t.key for t in tasks}) == 8
    assert main(["bench", "feynman", "--subset", "I.12.1", "--method", "auto", "--trials", "1", "--noise",
                 "0,0.001,0.01,0.1", "--dry-run", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "4 runs" in out and "x 4 noise levels" in out and "noise 0, 0.001, 0.01, 0.1" in out and "/noise=0.1" in out
    assert main(["bench", "feynman", "--subset", "I.12.1", "--noise", "0,x", "--dry-run", "--out", str(tmp_path)]) == 2
    assert "--noise must be a finite number >= 0" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- SRBench's rates
def test_srbench_paper_rates_by_noise():
    frame = srbench_rates_by_noise()
    assert sorted(frame["target_noise"].unique()) == [0.0, 0.001, 0.01, 0.1]
    at = srbench_rates_by_noise(0.01).set_index("algorithm")["symbolic_solution_rate_pct"]
    assert at["AIFeynman"] == pytest.approx(12.61) and at["AFP_FE"] == pytest.approx(20.0)
    assert not frame["source"].str.startswith("same").any()
    with pytest.raises(ValueError, match="levels"):
        srbench_rates_by_noise(0.05)


# ---------------------------------------------------------------------------------------------- the summary
def _record(equation, trial, noise, solved):
    key = f"feynman/{equation}/lies/trial={trial}" + (f"/noise={noise}" if noise else "")
    record = {"key": key, "benchmark": "feynman", "equation": equation, "method": "lies", "trial": trial,
              "seed": trial, "ablation": "none", "config_id": "c", "samples": 300, "outcome": "ok",
              "symbolic_solution": solved, "symbolic_solution_srbench": solved, "r2_test": 0.9999,
              "complexity": 3, "wall_seconds": 1.0, "expression": "x"}
    if noise is not None:  # None: a record written before --noise existed
        record["noise"] = noise
    return record


def test_summary_side_by_side_with_srbench_by_noise_level(tmp_path):
    records = [_record(eq, t, None, True) for eq in ("I.12.1", "I.14.3") for t in (0, 1)]
    records += [_record(eq, t, 0.01, eq == "I.12.1") for eq in ("I.12.1", "I.14.3") for t in (0, 1)]
    (tmp_path / "runs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    files = summarize(tmp_path, plots=False)
    table = pd.read_csv(files["summary_srbench_by_noise.csv"])
    ours = table[table["source"] == "this run"].set_index("noise")
    assert ours["method"].tolist() == ["lies", "lies"]
    assert ours.loc[0.0, "ssr_%"] == 100.0 and ours.loc[0.01, "ssr_%"] == 50.0 and ours.loc[0.01, "equations"] == 2
    aif = table[table["method"] == "AIFeynman (SRBench paper)"].set_index("noise")["ssr_%"]
    assert aif.to_dict() == pytest.approx({0.0: 52.65, 0.01: 12.61})
    assert "PhySO (uses units) (published)" in set(table["method"])
    overall = pd.read_csv(files["summary_overall.csv"])
    assert overall["method"].tolist() == ["lies", "lies @ noise 0.01"] and overall["noise"].tolist() == [0.0, 0.01]
    # the per-equation comparison with SRBench's website export: noise-0 runs only
    assert pd.read_csv(files["summary_srbench.csv"]).query("source == 'this run'")["method"].tolist() == ["lies"]
    text = files["summary.md"].read_text()
    assert "## Side by side with SRBench at each noise level" in text
    assert "Feynman and Strogatz problems together" in text
    assert ("| lies | AI Feynman (2 equations) | 100.0 ± 0.0 (paper rule 100.0 ± 0.0; R² > 0.999 100.0 %, median size 3.0) "
            "| 50.0 ± 0.0 (paper rule 50.0 ± 0.0; R² > 0.999 100.0 %, median size 3.0) |") in text
    assert "| AIFeynman (SRBench paper) | feynman+strogatz (130) | 52.6 | 12.6 | read |" in text
