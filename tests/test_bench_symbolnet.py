"""`keras-symbolic bench symbolnet`: scan definition, one run, the CLI through the shared runner
(tiny grid, tiny MNIST-format data, both methods), resuming, and the summary outputs."""
import json

import numpy as np
import pandas as pd
import pytest

from keras_symbolic.bench.symbolnet import (
    PAPER_RANGES,
    SymbolNetBench,
    classification_scores,
    draw_config,
    load_grid,
    run_task,
    symbolnet_tasks,
)
from keras_symbolic.bench.symbolnet_report import choose_model, expression_table, pareto_front


@pytest.fixture
def tiny_mnist(tmp_path):
    """A Keras-layout MNIST file with 120 training and 60 test images."""
    rng = np.random.default_rng(0)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=rng.integers(0, 256, (120, 28, 28), dtype=np.uint8), y_train=np.arange(120) % 10,
             x_test=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), y_test=np.arange(60) % 10)
    return path


TINY_GRID = {
    "common": {"epochs": 3, "batch_size": 32},
    "symbolnet": [{"layers": [[3, 1]], "targets": {"weight": 0.9, "input": 0.5, "unary": 0.4, "binary": 0.4}}],
    "eql": [{"layers": [[3, 1]], "reg_lambda": 1e-4, "threshold": 1e-2}],
}


def test_draws_stay_in_the_paper_ranges_and_are_deterministic():
    ranges = PAPER_RANGES["mnist"]
    for seed in range(20):
        config = draw_config("symbolnet", ranges, seed)
        assert config == draw_config("symbolnet", ranges, seed)
        (u, b), n = config["layers"][0], len(config["layers"])
        assert 2 <= u <= 20 and 2 <= b <= 20 and n in (1, 2)
        t = config["targets"]
        assert 0.7 <= t["weight"] <= 0.999 and 0.6 <= t["input"] <= 0.99 and 0.2 <= t["unary"] <= 0.5
        eql = draw_config("eql", {**ranges, "reg_lambda": [1e-4, 1e-1], "threshold": [1e-4, 1e-1]}, seed)
        assert 1e-4 <= eql["reg_lambda"] <= 0.1 and 1e-4 <= eql["threshold"] <= 0.1
    assert draw_config("symbolnet", ranges, 0) != draw_config("symbolnet", ranges, 1)


def test_grid_files_yaml_and_json(tmp_path):
    (tmp_path / "g.yaml").write_text("common: {epochs: 5}\nranges:\n  symbolnet: {num_unary: [4, 4]}\n")
    grid = load_grid(tmp_path / "g.yaml")
    bench = SymbolNetBench("mnist", methods=["symbolnet"], trials=3, grid=grid)
    runs = bench.configs()
    assert len(runs) == 3 and all(r["config"]["epochs"] == 5 and r["config"]["layers"][0][0] == 4 for r in runs)
    assert [r["seed"] for r in runs] == [0, 1, 2]
    (tmp_path / "g.json").write_text(json.dumps(TINY_GRID))
    tasks = symbolnet_tasks(SymbolNetBench("mnist", methods=["symbolnet", "eql"], trials=2, grid=load_grid(tmp_path / "g.json")))
    assert len(tasks) == 4 and len({t.key for t in tasks}) == 4
    assert tasks[1].spec["config"]["reg_lambda"] == 1e-4 and tasks[0].spec["config"]["unary"] == ["sin", "cos", "gauss", "tanh"]
    (tmp_path / "bad.yaml").write_text("symbolnett: []\n")
    with pytest.raises(ValueError, match="unknown grid key"):
        load_grid(tmp_path / "bad.yaml")
    with pytest.raises(ValueError, match="invalid eql configuration"):
        symbolnet_tasks(SymbolNetBench("mnist", methods=["eql"], grid={"eql": [{"nope": 1}]}))


def test_scores_multiclass_and_binary():
    y = np.eye(3)[[0, 1, 2, 1]]
    s = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.5, 0.4], [0.0, 0.8, 0.2]])
    out = classification_scores(y, s)
    assert out["accuracy"] == 0.75 and len(out["auc_per_class"]) == 3
    out = classification_scores(np.array([[0], [1], [1], [0]]), np.array([[0.1], [0.8], [0.4], [0.6]]))
    assert out["accuracy"] == 0.5 and out["auc_per_class"] == [0.75]


def test_one_run_records_what_the_issue_asks(tiny_mnist):
    tasks = symbolnet_tasks(SymbolNetBench("mnist", methods=["symbolnet"], trials=1, grid=TINY_GRID,
                                           data_path=str(tiny_mnist)))
    record = run_task(tasks[0].spec)
    for field in ("score", "accuracy", "auc_per_class", "auc_macro", "complexity", "complexities", "sparsities",
                  "expressions", "fit_seconds", "wall_seconds"):
        assert field in record, field
    assert record["score_name"] == "accuracy" and len(record["complexities"]) == 10
    assert set(record["sparsities"]) == {"weight", "input", "unary", "binary"}
    assert record["data_info"]["n_train"] == 120 and record["complexity"] == pytest.approx(np.mean(record["complexities"]))


def test_cli_scan_both_methods_resumes_and_summarises(tiny_mnist, tmp_path, capsys):
    from keras_symbolic.cli import main

    (tmp_path / "grid.json").write_text(json.dumps(TINY_GRID))
    out = tmp_path / "out"
    argv = ["bench", "symbolnet", "--dataset", "mnist", "--method", "symbolnet,eql", "--grid", str(tmp_path / "grid.json"),
            "--trials", "1", "--data", str(tiny_mnist), "--out", str(out), "--quiet", "--jobs", "2"]
    assert main(argv) == 0
    lines = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert sorted(r["method"] for r in lines) == ["eql", "symbolnet"]
    assert all(r["outcome"] == "ok" for r in lines), [r.get("error") for r in lines]
    assert all(r["config"]["seed"] == r["seed"] == 0 and r["dataset"] == "mnist" for r in lines)
    for name in ("summary.md", "pareto.png", "pareto.csv", "runs.csv"):
        assert (out / name).is_file(), name
    capsys.readouterr()
    assert main(argv) == 0  # resume: nothing left to run
    assert "finished 0 run(s)" in capsys.readouterr().out
    assert len((out / "runs.jsonl").read_text().splitlines()) == 2
    key = lines[0]["key"]
    assert main(["bench", "summary", "--out", str(out), "--model", key]) == 0
    assert (out / "expressions_model_1.md").is_file()  # 3 epochs prune nothing: too large to store, no ROC


def _record(key, method, score, complexity, expressions=None):
    return {"key": key, "method": method, "outcome": "ok", "score": score, "score_name": "accuracy",
            "complexity": complexity, "complexities": [complexity] * 2, "auc_per_class": [0.91, 0.875],
            "expressions": expressions, "data_info": {"classes": ["a", "b"]}}


def test_pareto_front_choice_and_expression_table():
    frame = pd.DataFrame([
        {"method": "symbolnet", "outcome": "ok", "score": 0.8, "complexity": 80.0},
        {"method": "symbolnet", "outcome": "ok", "score": 0.7, "complexity": 90.0},
        {"method": "symbolnet", "outcome": "ok", "score": 0.9, "complexity": 290.0},
        {"method": "eql", "outcome": "ok", "score": 0.95, "complexity": 50.0},
    ])
    front = pareto_front(frame[frame["method"] == "symbolnet"])
    assert front["complexity"].tolist() == [80.0, 290.0]
    assert choose_model(frame, 100)["score"] == 0.8 and choose_model(frame, 10) is None
    text = expression_table(_record("k", "symbolnet", 0.8, 12, ["0.123456*sin(1.98765*x3) + 0.0412345", "exp(-46.2345*x0**2)"]))
    assert "| a | $0.12 \\sin{\\left(2.0 x_{3} \\right)} + 0.041$ | 12 | 0.910 |" in text
    assert "| b |" in text and "46" in text and "0.875" in text


def test_roc_plot_from_stored_expressions(tmp_path):
    from keras_symbolic.bench.symbolnet_report import plot_roc

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = np.eye(2)[(x[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)]
    record = _record("k", "symbolnet", 0.9, 5, ["-x0", "x0 + 0.1*sin(x2)"])
    fig = plot_roc(record, x, y, ["a", "b"], tmp_path / "roc.png")
    assert (tmp_path / "roc.png").is_file()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels[0].startswith("a: AUC 0.9") and labels[1].startswith("b: AUC 0.9")


def test_finetune_run_records_the_sparse_model_and_the_summary_splits_the_fronts(tiny_mnist, tmp_path):
    from keras_symbolic.bench.symbolnet_report import load_symbolnet_runs, summarize_symbolnet

    grid = {"common": {"epochs": 3, "batch_size": 32},
            "symbolnet": [{"layers": [[3, 1]], "targets": {"weight": 0.9, "input": 0.5}, "finetune_epochs": 1,
                           "finetune_learning_rate": 0.001}]}
    tasks = symbolnet_tasks(SymbolNetBench("mnist", methods=["symbolnet"], trials=1, grid=grid, data_path=str(tiny_mnist)))
    spec = tasks[0].spec
    assert spec["config"]["finetune_epochs"] == 1 and spec["config"]["finetune_learning_rate"] == 0.001
    record = run_task(spec)
    before = record["before_finetune"]
    assert set(before) >= {"accuracy", "complexity", "complexities", "sparsities"}
    assert before["sparsities"] == record["sparsities"] and abs(before["complexity"] - record["complexity"]) <= 1
    out = tmp_path / "out"
    out.mkdir()
    line = {**spec, "key": tasks[0].key, "outcome": "ok", **record}
    (out / "runs.jsonl").write_text(json.dumps(line) + "\n")
    frame = load_symbolnet_runs(out)
    assert sorted(frame["variant"]) == ["fine-tuned on mse (last 1 of 3 epochs)",
                                        "paper method (2 epochs, sparse phase of a fine-tuned run)"]
    summarize_symbolnet(out, plots=False)
    assert "paper method only (no fine-tuning)" in (out / "summary.md").read_text()
