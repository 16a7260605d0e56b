"""``keras-symbolic bench feynman``: the CI-sized smoke run through the command line (two equations,
one trial, tiny LIES, two jobs), resume after an interrupted run, the deadline, the summary files and
plots, the ablation table, subsets, seeds and input errors. (The Dask path: test_bench_dask.py.)"""
import json
import shutil

import pandas as pd
import pytest

from keras_symbolic.bench.feynman import (
    FeynmanBench,
    feynman_data,
    feynman_tasks,
    resolve_equations,
    trial_seed,
)
from keras_symbolic.bench.result_store import read_records
from keras_symbolic.bench.summary import summarize
from keras_symbolic.bench.summary_runs import load_runs
from keras_symbolic.cli import main

EQUATIONS = "I.12.1,I.14.3"
QUICK = ["--trials", "1", "--samples", "300", "--test-samples", "500", "--epochs-scale", "0.01",
         "--lies-option", "max_formula_nodes=30", "--lies-option", "oversampling.max_iter=1",
         "--lies-option", "restarts=1"]


def _smoke_args(out):
    return ["bench", "feynman", "--subset", EQUATIONS, "--method", "lies", *QUICK, "--jobs", "2", "--out", str(out)]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "feynman"
    assert main(_smoke_args(out)) == 0
    return out


# ---------------------------------------------------------------------------------------------- the smoke run
def test_smoke_run_records_every_field(smoke):
    records = read_records(smoke / "runs.jsonl")
    assert sorted(r["equation"] for r in records) == ["I.12.1", "I.14.3"]
    for r in records:
        assert r["outcome"] == "ok", r.get("error")
        assert r["method"] == "lies" and r["trial"] == 0 and r["seed"] == 0 and r["ablation"] == "none"
        assert r["samples"] == 300 and r["test_samples"] == 500 and r["train_rows"] > 0
        assert isinstance(r["expression"], str) and r["complexity"] > 0
        assert isinstance(r["symbolic_solution"], bool) and isinstance(r["symbolic_solution_srbench"], bool)
        assert r["r2_test"] is None or isinstance(r["r2_test"], float)
        assert r["wall_seconds"] > 0 and r["run_seconds"] >= r["wall_seconds"]
        assert {"train_weak", "train_strong", "pruning", "simplification"} <= set(r["phase_seconds"])
        assert r["error"] is None and r["keras_backend"] in ("tensorflow", "jax", "torch")
        assert r["config"]["schedule"]["weak"]["epochs"] == 1 and r["config"]["max_formula_nodes"] == 30
        assert r["config"]["oversampling"]["max_iter"] == 1
        assert r["network_cache"] == "miss"
    invocations = (smoke / "invocations.jsonl").read_text().splitlines()
    assert json.loads(invocations[0])["argv"][:3] == ["keras-symbolic", "bench", "feynman"]


def test_smoke_run_writes_summary_tables_and_plots(smoke):
    for name in ("summary.md", "summary_overall.csv", "summary_per_equation.csv", "summary_srbench.csv",
                 "srbench_per_equation.csv", "ssr_by_method.png", "outcome_matrix.png"):
        assert (smoke / name).stat().st_size > 0, name
    overall = pd.read_csv(smoke / "summary_overall.csv")
    assert overall["method"].tolist() == ["lies"] and overall["equations"].tolist() == [2]
    srbench = pd.read_csv(smoke / "summary_srbench.csv")
    assert {"lies", "Operon (SRBench)", "gplearn (SRBench)", "AIFeynman (SRBench)"} <= set(srbench["method"])
    assert (srbench["equations"] == 2).all()
    per_eq = pd.read_csv(smoke / "srbench_per_equation.csv", index_col="equation")
    assert per_eq.index.tolist() == ["I.12.1", "I.14.3"]
    text = (smoke / "summary.md").read_text()
    assert "Side by side with SRBench" in text and "| I.14.3 | lies |" in text
    assert (smoke / "ssr_by_method.png").read_bytes()[:4] == b"\x89PNG"


def test_resume_after_an_interrupted_run(smoke, tmp_path, capsys):
    records = {r["equation"]: r for r in read_records(smoke / "runs.jsonl")}
    lines = {json.loads(l)["equation"]: l for l in (smoke / "runs.jsonl").read_text().splitlines()}
    out = tmp_path / "resumed"
    out.mkdir()
    # Killed while writing the second record: one complete line, one cut in the middle.
    (out / "runs.jsonl").write_text(lines["I.12.1"] + "\n" + lines["I.14.3"][: len(lines["I.14.3"]) // 2])
    assert main(_smoke_args(out)) == 0
    err = capsys.readouterr().err
    assert "truncated last line" in err and "1 already recorded, 1 to run" in err
    after = read_records(out / "runs.jsonl")
    assert len(after) == 2 and sorted(r["equation"] for r in after) == ["I.12.1", "I.14.3"]
    assert after[0] == records["I.12.1"]  # the finished run is kept as it was, not redone
    assert after[1]["outcome"] == "ok" and after[1]["finished_at"] >= records["I.14.3"]["finished_at"]
    # A third time: nothing left to run, nothing lost.
    assert main(_smoke_args(out) + ["--no-summary"]) == 0
    assert "2 already recorded, 0 to run" in capsys.readouterr().err
    assert read_records(out / "runs.jsonl") == after


def test_post_training_ablation_reuses_the_full_runs_network(smoke, tmp_path, capsys):
    out = tmp_path / "ablation"
    shutil.copytree(smoke, out)
    assert main(_smoke_args(out) + ["--ablate", "none", "--ablate", "rounding,coefficient_fit", "--no-summary"]) == 0
    assert "2 already recorded, 2 to run" in capsys.readouterr().err
    runs = {(r["equation"], r["ablation"]): r for r in read_records(out / "runs.jsonl")}
    for eq in ("I.12.1", "I.14.3"):
        ablated, full = runs[(eq, "rounding+coefficient_fit")], runs[(eq, "none")]
        assert ablated["outcome"] == "ok" and ablated["network_cache"] == "hit", ablated.get("error")
        assert "train_weak" not in ablated["phase_seconds"] and "train_from_cache" in ablated["phase_seconds"]
        assert ablated["cached_training_seconds"] == {k: full["phase_seconds"][k] for k in ablated["cached_training_seconds"]}
        assert ablated["pruning"] == full["pruning"]  # the same network, pruned on the same rows
    # --no-network-cache trains again
    out2 = tmp_path / "no-cache"
    shutil.copytree(smoke, out2)
    assert main(_smoke_args(out2) + ["--subset", "I.12.1", "--ablate", "rounding", "--no-network-cache", "--no-summary"]) == 0
    assert [r.get("network_cache") for r in read_records(out2 / "runs.jsonl") if r["ablation"] == "rounding"] == [None]


def test_deadline_records_out_of_time(tmp_path):
    out = tmp_path / "deadline"
    args = ["bench", "feynman", "--subset", "I.12.1", *QUICK, "--deadline", "1.5", "--out", str(out), "--quiet"]
    assert main(args) == 0
    (record,) = read_records(out / "runs.jsonl")
    assert record["outcome"] == "timeout" and record["deadline_seconds"] == 1.5
    assert "deadline" in record["error"] and record["run_seconds"] < 30
    overall = pd.read_csv(out / "summary_overall.csv")
    assert overall.loc[0, "timeouts"] == 1 and overall.loc[0, "ssr_%"] == 0.0
    assert load_runs(out)["cls"].tolist() == ["out_of_time"]


# ---------------------------------------------------------------------------------------------- input errors
@pytest.mark.parametrize("extra, message", [
    (["--subset", "I.12.1,NOPE.1"], "no AI Feynman equation named 'NOPE.1'"),
    (["--method", "eureqa"], "unknown method"),
    (["--ablate", "dropout"], "unknown ablation"),
    (["--lies-option", "no_such_field=1"], "unknown LIES option"),
    (["--lies-option", "oversampling=1"], "is a group"),
    (["--method", "auto", "--auto-option", "denoize=true"], "unknown auto option(s) denoize"),
    (["--retry", "ok"], "--retry"),
    (["--method", "gplearn", "--ablate", "rounding"], "needs --method lies"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, extra, message):
    args = ["bench", "feynman", "--out", str(tmp_path / "x"), "--dry-run", *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert not (tmp_path / "x").exists()


def test_summary_of_an_empty_folder_is_an_error(tmp_path, capsys):
    assert main(["bench", "summary", "--out", str(tmp_path)]) == 2
    assert "no AI Feynman runs" in capsys.readouterr().err


def test_dry_run_counts(tmp_path, capsys):
    assert main(["bench", "feynman", "--subset", "lies,I.15.3t", "--method", "lies,gplearn", "--trials", "2",
                 "--ablate", "table1", "--out", str(tmp_path), "--dry-run"]) == 0
    # 62 equations x 2 trials x (5 LIES settings + 1 gplearn)
    assert capsys.readouterr().out.startswith("744 runs (62 equations x 2 method(s) x 2 trial(s)")


# ---------------------------------------------------------------------------------------------- subsets, seeds, data
def test_subsets():
    lies = [eq.name for eq in resolve_equations("lies")]
    assert len(lies) == 61 and "I.15.3t" not in lies
    assert len(resolve_equations("lies,I.15.3t")) == 62
    assert len(resolve_equations("all")) == 100
    # Table order, duplicates merged, SRBench names accepted.
    assert [eq.name for eq in resolve_equations("I.14.3, feynman_I_12_1,I.12.1")] == ["I.12.1", "I.14.3"]
    with pytest.raises(ValueError):
        resolve_equations(" , ")


def test_tasks_keys_and_seeds_are_stable():
    bench = FeynmanBench(equations=["I.12.1", "I.14.3"], methods=["lies", "gplearn"], trials=2, seed=5,
                         samples=300, ablations=["none", "rounding"], deadline=100)
    tasks = feynman_tasks(bench)
    assert [t.key for t in tasks] == [t.key for t in feynman_tasks(bench)]
    assert len(tasks) == 2 * 2 * (2 + 1)  # peers ignore the ablations
    assert [t.spec["trial"] for t in tasks[:6]] == [0] * 6  # trial-major order
    assert {t.spec["seed"] for t in tasks} == {trial_seed(0, 5), trial_seed(1, 5)} == {5, 6}
    gp = [t for t in tasks if t.spec["method"] == "gplearn"][0]
    assert 60 < gp.spec["time_budget"] < 100 and gp.spec["ablation"] == "none"
    # A different deadline resumes the same runs; different settings are different runs.
    assert [t.key for t in feynman_tasks(FeynmanBench(**{**bench.__dict__, "deadline": 50}))] == [t.key for t in tasks]
    assert feynman_tasks(FeynmanBench(**{**bench.__dict__, "epochs_scale": 0.5}))[0].key != tasks[0].key


def test_post_training_ablations_come_after_the_runs_that_train():
    bench = FeynmanBench(equations=["I.12.1", "I.14.3"], trials=2, samples=300, network_cache="/cache",
                         ablations=["none", "oversampling", "rounding", "coefficient_fit", "gradient_pruning"])
    order = [(t.spec["trial"], t.spec["ablation"], t.spec["equation"]) for t in feynman_tasks(bench)]
    assert order[:4] == [(0, "none", "I.12.1"), (0, "oversampling", "I.12.1"), (0, "none", "I.14.3"), (0, "oversampling", "I.14.3")]
    assert {a for _, a, _ in order[4:10]} == {"rounding", "coefficient_fit", "gradient_pruning"}
    assert order[10][:2] == (1, "none") and len(order) == 20
    assert {t.spec["network_cache"] for t in feynman_tasks(bench)} == {"/cache"}


def test_peers_get_exactly_the_rows_lies_trains_on(monkeypatch):
    import keras_symbolic.pipelines.evaluate as evaluate

    class Seen(Exception):
        pass

    def capture(X, y, *args, **kwargs):
        raise Seen(X, y)

    monkeypatch.setattr(evaluate, "run_lies", capture)
    with pytest.raises(Seen) as caught:
        evaluate.fit_feynman("I.14.3", seed=3, samples=123, test_samples=50, verbose=0)
    X_tr, y_tr, X_te, y_te = feynman_data("I.14.3", seed=3, samples=123, test_samples=50)
    assert (caught.value.args[0] == X_tr).all() and (caught.value.args[1] == y_tr).all()
    assert X_te.shape == (50, 3) and not (X_te[:5] == X_tr[:5]).any()


# ---------------------------------------------------------------------------------------------- ablation table
def _record(eq, ablation, trial, outcome="ok", solved=False, r2=0.5, too_large=False):
    return {"key": f"feynman/{eq}/lies/{ablation}/{trial}", "benchmark": "feynman", "equation": eq, "method": "lies",
            "trial": trial, "seed": trial, "ablation": ablation, "config_id": "c0", "outcome": outcome,
            "symbolic_solution": solved if outcome == "ok" else None,
            "symbolic_solution_srbench": solved if outcome == "ok" else None,
            "r2_test": r2 if outcome == "ok" else None, "wall_seconds": 10.0, "complexity": 7,
            "formula_not_simplified": too_large, "error": None}


def test_ablation_summary_is_the_papers_table_one(tmp_path):
    rows = []
    for t in range(2):
        rows += [_record("I.12.1", "none", t, solved=True, r2=1.0),
                 _record("I.14.3", "none", t, solved=(t == 0), r2=0.995),
                 _record("I.6.2a", "none", t, solved=False, r2=0.9),  # never solved: outside the paper's scope
                 _record("I.12.1", "oversampling", t, solved=(t == 0), r2=0.999),
                 _record("I.14.3", "oversampling", t, outcome="timeout"),
                 _record("I.6.2a", "oversampling", t, solved=False, r2=0.2),
                 _record("I.12.1", "gradient_pruning", t, too_large=True, r2=0.3),
                 _record("I.14.3", "gradient_pruning", t, outcome="timeout"),
                 _record("I.6.2a", "gradient_pruning", t, outcome="error")]
    (tmp_path / "runs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    files = summarize(tmp_path)
    table = pd.read_csv(files["summary_ablation.csv"])
    paper = table[table["scope"].str.startswith("equations where the full pipeline")].set_index("pipeline")
    assert paper.index.tolist() == ["full pipeline", "without oversampling", "without gradient_pruning"]
    assert paper.loc["full pipeline", "equations"] == 2
    assert paper.loc["full pipeline", "correct_%"] == 75.0 and paper.loc["full pipeline", "incorrect_%"] == 25.0
    assert paper.loc["full pipeline", "r2_gt_0.99_%"] == 100.0
    assert paper.loc["without oversampling", "correct_%"] == 25.0
    assert paper.loc["without oversampling", "out_of_time_%"] == 50.0
    assert paper.loc["without gradient_pruning", "out_of_time_%"] == 100.0  # too large + killed
    every = table[table["scope"].str.startswith("all equations")].set_index("pipeline")
    assert every.loc["full pipeline", "equations"] == 3 and every.loc["without gradient_pruning", "error_%"] > 0
    text = files["summary.md"].read_text()
    assert "LIES ablation (paper Table I)" in text and "without oversampling" in text and "error %" in text
    overall = pd.read_csv(files["summary_overall.csv"]).set_index("method")
    assert overall.loc["lies", "ssr_%"] == pytest.approx(50.0)  # trial 0: 2/3, trial 1: 1/3
    assert overall.loc["lies", "ssr_std"] == pytest.approx(23.570226, rel=1e-5)
    assert "lies (no oversampling)" in overall.index


def test_summary_includes_runs_of_other_folders(smoke, tmp_path, capsys):
    """Peers run into another --out (one store per running command) are summarised side by side."""
    lines = (smoke / "runs.jsonl").read_text().splitlines()
    first, second = tmp_path / "lies_a", tmp_path / "lies_b"
    for folder, part in ((first, lines[:1]), (second, lines[1:])):
        folder.mkdir()
        (folder / "runs.jsonl").write_text("\n".join(part) + "\n")
    assert len(load_runs(first)) == 1
    assert sorted(load_runs(first, include=[second])["equation"]) == ["I.12.1", "I.14.3"]
    assert main(["bench", "summary", "--out", str(first), "--include", str(second), "--no-plots"]) == 0
    overall = pd.read_csv(first / "summary_overall.csv")
    assert overall["equations"].tolist() == [2]
    srbench = pd.read_csv(first / "summary_srbench.csv")
    ours = srbench[srbench["source"] == "this run"].iloc[0]
    assert {"ssr_%", "ssr_paper_rule_%"} <= set(srbench.columns) and 0 <= ours["ssr_%"] <= 100
    assert main(["bench", "summary", "--out", str(first), "--include", str(tmp_path / "missing")]) == 2
    assert "no runs.jsonl" in capsys.readouterr().err


def test_summary_counts_answers_larger_than_three_times_the_truth(tmp_path):
    """``mu*Nn`` (I.12.1) has 3 nodes: a 10-node answer is oversized, a 9-node one is not; a timeout has
    no answer to count."""
    from keras_symbolic.bench.summary_tables import true_size

    assert true_size("I.12.1") == 3 and true_size("NOPE.1") != true_size("NOPE.1")  # NaN
    rows = [dict(_record("I.12.1", "none", 0), complexity=10), dict(_record("I.14.3", "none", 0), complexity=9),
            _record("I.6.2a", "none", 0, outcome="timeout")]
    (tmp_path / "runs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    files = summarize(tmp_path)
    overall = pd.read_csv(files["summary_overall.csv"]).set_index("method")
    sizes = {eq: true_size(eq) for eq in ("I.12.1", "I.14.3")}
    assert overall.loc["lies", "oversized"] == (10 > 3 * sizes["I.12.1"]) + (9 > 3 * sizes["I.14.3"]) == 1
    assert "larger than 3x the truth" in files["summary.md"].read_text()
