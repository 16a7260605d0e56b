"""``keras-symbolic bench feynman --noise``: one tiny LIES run at noise 0.01 through the command line
(record, key, clean test rows), resumed without collision at noise 0, and the summary by noise level."""
import json

import pandas as pd

from keras_symbolic.bench.result_store import read_records
from keras_symbolic.cli import main

QUICK = ["--subset", "I.12.1", "--method", "lies", "--trials", "1", "--samples", "300", "--test-samples", "500",
         "--epochs-scale", "0.01", "--lies-option", "max_formula_nodes=30", "--lies-option", "oversampling.max_iter=1",
         "--lies-option", "restarts=1", "--quiet"]


def test_bench_run_at_noise(tmp_path, capsys):
    out = tmp_path / "noisy"
    assert main(["bench", "feynman", *QUICK, "--noise", "0.01", "--out", str(out)]) == 0
    (record,) = read_records(out / "runs.jsonl")
    assert record["outcome"] == "ok", record.get("error")
    assert record["noise"] == 0.01 and record["key"].endswith("/noise=0.01")
    assert isinstance(record["expression"], str) and isinstance(record["symbolic_solution"], bool)
    assert record["r2_test"] is None or isinstance(record["r2_test"], float)
    assert json.loads((out / "invocations.jsonl").read_text().splitlines()[-1])["noise"] == 0.01
    # A sweep at noise 0 into the same folder does not find the noisy run as its own.
    capsys.readouterr()
    assert main(["bench", "feynman", *QUICK, "--out", str(out), "--dry-run"]) == 0
    assert "0 recorded" in capsys.readouterr().out
    # The summary shows the run at its level beside the SRBench paper's rates at that level.
    table = pd.read_csv(out / "summary_srbench_by_noise.csv")
    assert table["noise"].unique().tolist() == [0.01]
    assert table.loc[table["source"] == "this run", "method"].tolist() == ["lies"]
    assert "AIFeynman (SRBench paper)" in set(table["method"])
    text = (out / "summary.md").read_text()
    assert "lies @ noise 0.01" in text and "SSR % at noise 0.01" in text
    assert "No runs at noise 0" in text
