"""One run in a fresh child process, with a deadline: :func:`execute_task` and the run's record.

How one run is executed: in a **fresh child process** (``python -m keras_symbolic.bench._child``),
started with :mod:`subprocess` in its own session. The child reads ``{"target", "spec"}`` on stdin,
calls the target and writes its result (or the exception and traceback) to a JSON file. This gives,
with only the standard library:

* a real deadline: past ``deadline`` seconds the child's whole process group is killed (SIGKILL)
  and the run is recorded with ``outcome="timeout"``. (``concurrent.futures.ProcessPoolExecutor``
  cannot stop a running call, and killing one of its workers breaks the whole pool; a thread cannot
  be killed at all.)
* isolation: nothing leaks from one run to the next (Keras graphs, memory, global seeds, thread
  pools), and a crash (segfault, out-of-memory kill) of one run is recorded as that run's error
  instead of taking the sweep down.
* one mechanism for both executors: locally a ``ThreadPoolExecutor(jobs)`` only waits on the
  children; on Dask each task does the same inside the worker. Dask's worker processes are daemonic
  and may not fork :mod:`multiprocessing` children, but they may start subprocesses.
* no orphans: the child watches its parent and kills itself (and its process group) if the parent
  goes away (the bench process killed, a Dask worker lost); on Ctrl-C the parent kills its children
  (:func:`kill_live_children`).

Record fields added by the runner: ``key``, the spec's fields, ``outcome`` (``"ok"``, ``"error"`` or
``"timeout"``), ``error`` (``None`` or one line), ``traceback``, ``run_seconds`` (the whole run as
seen from outside: process start, imports, fit, scoring), ``deadline_seconds``, ``host``,
``finished_at`` (UTC, ISO 8601); then the target's result fields.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Mapping, Optional

__all__ = ["execute_task", "executor_error_record", "kill_live_children", "OUTCOMES", "RUNNER_FIELDS"]

OUTCOMES = ("ok", "error", "timeout")
RUNNER_FIELDS = ("key", "outcome", "error", "traceback", "run_seconds", "deadline_seconds", "host", "finished_at")
_ERROR_CHARS = 2000
_TRACEBACK_CHARS = 8000
_STDERR_TAIL = 3000

_LIVE: set = set()
_LIVE_LOCK = threading.Lock()


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover
            proc.kill()
    with contextlib.suppress(Exception):
        proc.kill()


def kill_live_children() -> int:
    """Kill every run this process has started and that is still going (used on Ctrl-C)."""
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_group(proc)
    return len(procs)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _tail(path: Path, chars: int) -> str:
    with contextlib.suppress(OSError):
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - chars))
            return handle.read().decode("utf-8", "replace")
    return ""


def execute_task(
    target: str,
    spec: Mapping[str, Any],
    deadline: Optional[float] = None,
    env: Optional[Mapping[str, str]] = None,
) -> dict:
    """Run ``target(spec)`` in a fresh child process; never raises for a failed run.

    Args:
        target: ``"package.module:function"``, importable where this function runs.
        spec: the task spec (JSON-serialisable).
        deadline: seconds; past it the child's process group is killed (``outcome="timeout"``).
        env: variables set in the child's environment (on top of this process's environment).

    Returns:
        The run's record (without ``key``): the runner fields (``outcome``, ``error``, ...) and the
        target's result fields.
    """
    start = time.perf_counter()
    base = {"deadline_seconds": deadline, "host": socket.gethostname()}
    with tempfile.TemporaryDirectory(prefix="ks-bench-") as tmp:
        tmp = Path(tmp)
        result_path, stderr_path = tmp / "result.json", tmp / "stderr.txt"
        child_env = dict(os.environ)
        child_env.update({k: str(v) for k, v in (env or {}).items() if v is not None})
        child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        payload = json.dumps({"target": target, "spec": dict(spec)}).encode("utf-8")
        with open(tmp / "stdin.json", "wb") as handle:
            handle.write(payload)
        with open(tmp / "stdin.json", "rb") as stdin, open(tmp / "stdout.txt", "wb") as stdout, \
                open(stderr_path, "wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "keras_symbolic.bench._child", str(result_path)],
                stdin=stdin, stdout=stdout, stderr=stderr, env=child_env,
                start_new_session=True, close_fds=True,
            )
            with _LIVE_LOCK:
                _LIVE.add(proc)
            try:
                proc.wait(timeout=deadline)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
                timed_out = True
            finally:
                with _LIVE_LOCK:
                    _LIVE.discard(proc)
                _kill_group(proc)  # helpers the run may have left behind in its group
        seconds = time.perf_counter() - start
        record = dict(base, run_seconds=seconds, finished_at=_now())
        if timed_out:
            return dict(record, outcome="timeout", error=f"deadline of {deadline:g} s exceeded: run killed",
                        traceback=None)
        try:
            answer = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            code = proc.returncode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            return dict(record, outcome="error", error=f"run process {how} without a result",
                        traceback=_tail(stderr_path, _STDERR_TAIL) or None)
    if answer.get("status") == "ok":
        result = dict(answer.get("result") or {})
        for name in RUNNER_FIELDS:
            result.pop(name, None)
        return dict(result, **record, outcome="ok", error=None, traceback=None)
    return dict(record, outcome="error", error=str(answer.get("error"))[:_ERROR_CHARS],
                traceback=(answer.get("traceback") or "")[-_TRACEBACK_CHARS:] or None)


def executor_error_record(exc: BaseException, deadline) -> dict:
    """The record of a run whose executor failed (no process started, a Dask worker lost, ...)."""
    name = type(exc).__name__
    return {"outcome": "error", "error": f"{name}: {exc}"[:_ERROR_CHARS], "traceback": None,
            "run_seconds": None, "deadline_seconds": deadline, "host": None, "finished_at": _now()}
