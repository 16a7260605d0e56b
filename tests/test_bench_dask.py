"""The Dask path of the sweep runner, on a local cluster (one worker process): the runner with its
diagnostic target (deadline, errors, environment) and ``keras-symbolic bench feynman --scheduler``
with the two peers (quick settings)."""
import pytest

pytest.importorskip("distributed")

from keras_symbolic.bench.result_store import ResultStore, latest_records, read_records  # noqa: E402
from keras_symbolic.bench.runner import run_tasks  # noqa: E402
from keras_symbolic.bench.tasks import Task  # noqa: E402
from keras_symbolic.cli import main  # noqa: E402

DIAG = "keras_symbolic.bench.tasks:diagnostic_task"


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close(timeout=20)


def test_dask_runner_outcomes_and_environment(scheduler, tmp_path):
    tasks = [Task("echo", {"do": "echo"}), Task("slow", {"do": "sleep", "seconds": 60}),
             Task("raise", {"do": "raise", "message": "boom"}), Task("env", {"do": "env", "names": ["KERAS_BACKEND"]})]
    with ResultStore(tmp_path / "runs.jsonl") as store:
        report = run_tasks(tasks, DIAG, store, scheduler=scheduler, deadline=3, env={"KERAS_BACKEND": "jax"},
                           progress=False)
    assert report.outcomes == {"ok": 2, "timeout": 1, "error": 1}
    latest = latest_records(read_records(tmp_path / "runs.jsonl"))
    assert latest["slow"]["outcome"] == "timeout" and latest["slow"]["run_seconds"] < 30
    assert latest["raise"]["error"] == "RuntimeError: boom"
    assert latest["env"]["env"] == {"KERAS_BACKEND": "jax"}  # the client's backend reaches the runs
    with ResultStore(tmp_path / "runs.jsonl") as store:  # resumes on Dask too
        assert run_tasks(tasks, DIAG, store, scheduler=scheduler, progress=False).ran == 0


@pytest.mark.parametrize("method", ["gplearn", "operon"])
def test_cli_sweep_on_a_dask_cluster(scheduler, tmp_path, method):
    pytest.importorskip({"gplearn": "gplearn", "operon": "pyoperon"}[method])
    out = tmp_path / "dask"
    args = ["bench", "feynman", "--subset", "I.12.1", "--method", method, "--trials", "1", "--samples", "200",
            "--test-samples", "300", "--peer-population", "50", "--peer-evaluations", "500", "--deadline", "60",
            "--scheduler", scheduler, "--out", str(out), "--quiet"]
    assert main(args) == 0
    (record,) = read_records(out / "runs.jsonl")
    assert record["outcome"] == "ok", record.get("error")
    assert record["method"] == method and record["equation"] == "I.12.1" and record["train_rows"] == 200
    assert record["time_budget"] == pytest.approx(48.0) and record["r2_test"] > 0.5
    assert isinstance(record["symbolic_solution"], bool) and record["complexity"] > 0
    assert (out / "summary.md").exists() and (out / "outcome_matrix.png").exists()
