"""The generic sweep runner: JSONL store (resume, truncated lines, lock), local execution with
deadlines, errors and crashes, Ctrl-C and a killed parent. Fast: the target is the runner's
diagnostic task (no Keras in the run processes)."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from keras_symbolic.bench.result_store import ResultStore, StoreLockedError, latest_records, read_records
from keras_symbolic.bench.runner import run_tasks
from keras_symbolic.bench.tasks import Task, make_key, resolve_target

DIAG = "keras_symbolic.bench.tasks:diagnostic_task"


def _line(key, **fields):
    return json.dumps({"key": key, "outcome": "ok", **fields}) + "\n"


# ---------------------------------------------------------------------------------------------- store
def test_store_append_and_reload(tmp_path):
    path = tmp_path / "sub" / "runs.jsonl"
    with ResultStore(path) as store:
        store.append({"key": "a", "outcome": "ok", "value": float("nan"), "n": 1})
        store.append({"key": "b", "outcome": "error", "error": "boom"})
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["value"] is None  # NaN stored as null (strict JSON)
    with ResultStore(path) as store:
        assert [r["key"] for r in store.records] == ["a", "b"]
        assert store.finished_keys() == {"a", "b"}
        assert store.finished_keys(retry=["error"]) == {"a"}


def test_store_cuts_truncated_last_line_and_appends_cleanly(tmp_path):
    path = tmp_path / "runs.jsonl"
    complete = _line("a", r2=0.5)
    path.write_text(complete + _line("b")[:17])  # killed in the middle of writing b
    with ResultStore(path) as store:
        assert store.repaired and [r["key"] for r in store.records] == ["a"]
        store.append({"key": "c", "outcome": "ok"})
    assert path.read_text() == complete + _line("c").replace(", ", ",").replace(": ", ":")
    assert [r["key"] for r in read_records(path)] == ["a", "c"]


def test_store_keeps_complete_last_line_without_newline_and_skips_bad_lines(tmp_path):
    path = tmp_path / "runs.jsonl"
    path.write_text("not json\n" + _line("a") + json.dumps({"key": "b", "outcome": "ok"}))
    with ResultStore(path) as store:
        assert not store.repaired and store.bad_lines == 1
        assert [r["key"] for r in store.records] == ["a", "b"]
        store.append({"key": "c", "outcome": "ok"})
    assert [r["key"] for r in read_records(path)] == ["a", "b", "c"]


def test_store_lock_blocks_a_second_writer(tmp_path):
    path = tmp_path / "runs.jsonl"
    with ResultStore(path):
        with pytest.raises(StoreLockedError, match="another process"):
            ResultStore(path)
    with ResultStore(path):  # released on close
        pass


def test_latest_record_wins_and_keys_are_readable():
    records = [{"key": "a", "outcome": "error"}, {"key": "a", "outcome": "ok"}]
    assert latest_records(records)["a"]["outcome"] == "ok"
    assert make_key("feynman", "I.12.1", trial=0) == "feynman/I.12.1/trial=0"


def test_task_and_target_validation():
    with pytest.raises(ValueError, match="JSON"):
        Task("k", {"x": object()})
    with pytest.raises(ValueError, match="non-empty"):
        Task("", {})
    with pytest.raises(ValueError, match="module:function"):
        resolve_target("no_colon")
    assert callable(resolve_target(DIAG))


# ---------------------------------------------------------------------------------------------- local runs
def test_local_run_outcomes_resume_and_retry(tmp_path):
    path = tmp_path / "runs.jsonl"
    tasks = [
        Task("echo", {"do": "echo", "x": 1}),
        Task("raise", {"do": "raise", "message": "boom"}),
        Task("crash", {"do": "exit", "code": 7}),
        Task("slow", {"do": "sleep", "seconds": 30}),
        Task("env", {"do": "env", "names": ["KS_BENCH_TEST"]}),
    ]
    seen = []
    start = time.perf_counter()
    with ResultStore(path) as store:
        report = run_tasks(tasks, DIAG, store, jobs=3, deadline=3, env={"KS_BENCH_TEST": "yes"}, progress=False,
                           on_record=lambda r: seen.append(r["key"]))
    assert time.perf_counter() - start < 25  # the 30 s sleeper was killed at its deadline
    assert report.ran == 5 and report.outcomes == {"ok": 2, "error": 2, "timeout": 1}
    latest = latest_records(read_records(path))
    assert sorted(seen) == sorted(latest)
    assert latest["echo"]["echo"] == {"do": "echo", "x": 1} and latest["echo"]["x"] == 1  # spec fields kept
    assert latest["raise"]["error"] == "RuntimeError: boom" and "Traceback" in latest["raise"]["traceback"]
    assert "exited with code 7" in latest["crash"]["error"]
    assert latest["slow"]["outcome"] == "timeout" and latest["slow"]["deadline_seconds"] == 3
    assert latest["env"]["env"] == {"KS_BENCH_TEST": "yes"}
    for record in latest.values():
        assert record["run_seconds"] > 0 and record["finished_at"] and record["host"]

    # Same sweep again: nothing to do.
    with ResultStore(path) as store:
        again = run_tasks(tasks, DIAG, store, jobs=2, deadline=3, progress=False)
    assert again.ran == 0 and again.already_done == 5
    # Retry errors only: 2 runs, appended; the latest record per key is the new one.
    with ResultStore(path) as store:
        retried = run_tasks(tasks, DIAG, store, jobs=2, deadline=3, retry=["error"], progress=False)
    assert retried.ran == 2 and len(read_records(path)) == 7


def test_run_tasks_rejects_bad_arguments(tmp_path):
    with ResultStore(tmp_path / "r.jsonl") as store:
        with pytest.raises(ValueError, match="duplicate"):
            run_tasks([Task("a", {}), Task("a", {})], DIAG, store, progress=False)
        with pytest.raises(ValueError, match="deadline"):
            run_tasks([Task("a", {})], DIAG, store, deadline=0, progress=False)
        with pytest.raises(ValueError, match="retry"):
            run_tasks([Task("a", {})], DIAG, store, retry=["ok"], progress=False)


_SWEEP_SCRIPT = textwrap.dedent("""
    import signal, sys
    # as at a terminal: a suite started in the background (nohup, &) hands its children SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from keras_symbolic.bench.result_store import ResultStore
    from keras_symbolic.bench.runner import run_tasks
    from keras_symbolic.bench.tasks import Task
    tasks = [Task("quick", {"do": "echo"})] + [Task(f"slow{i}", {"do": "sleep", "seconds": 60}) for i in range(2)]
    with ResultStore(sys.argv[1]) as store:
        report = run_tasks(tasks, "keras_symbolic.bench.tasks:diagnostic_task", store, jobs=3, progress=False,
                           on_record=lambda r: print("recorded", r["key"], flush=True))
    print("interrupted" if report.interrupted else "done", flush=True)
""")


def _children(pid):
    psutil = pytest.importorskip("psutil")
    return psutil.Process(pid).children(recursive=True)


def _start_sweep(tmp_path):
    script = tmp_path / "sweep.py"
    script.write_text(_SWEEP_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "runs.jsonl")], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    assert proc.stdout.readline().strip() == "recorded quick"
    deadline = time.time() + 90  # a loaded machine starts Python processes slowly
    while len(_children(proc.pid)) < 2 and time.time() < deadline:
        time.sleep(0.2)
    children = _children(proc.pid)
    assert len(children) >= 2
    return proc, children


def _wait_gone(processes, seconds):
    psutil = pytest.importorskip("psutil")
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return alive


def test_ctrl_c_kills_runs_and_keeps_records(tmp_path):
    proc, children = _start_sweep(tmp_path)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert "interrupted" in out and proc.returncode == 0
    assert not _wait_gone(children, 30)
    assert [r["key"] for r in read_records(tmp_path / "runs.jsonl")] == ["quick"]


def test_killed_sweep_leaves_no_orphan_runs(tmp_path):
    proc, children = _start_sweep(tmp_path)
    proc.kill()  # SIGKILL: no clean-up in the parent; the runs' watchdogs end them
    proc.wait(timeout=30)
    assert not _wait_gone(children, 45)
    with ResultStore(tmp_path / "runs.jsonl") as store:  # the lock died with the process
        assert [r["key"] for r in store.records] == ["quick"]


def test_the_sweep_process_never_imports_keras(tmp_path):
    """Keras and TensorFlow live in the run processes only: the sweep process stays light."""
    code = (
        "import sys\n"
        "from keras_symbolic.cli import main\n"
        f"assert main(['bench', 'feynman', '--subset', 'lies', '--ablate', 'table1', '--out', {str(tmp_path)!r}, '--dry-run']) == 0\n"
        "import keras_symbolic.bench.summary, keras_symbolic.bench.peers\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules, sorted(m for m in sys.modules if 'keras' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
