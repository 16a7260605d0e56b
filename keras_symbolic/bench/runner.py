"""A small, reusable sweep runner: tasks in, one JSON line per finished run out, resumable.

The pieces (shared by every benchmark of the package: AI Feynman now, SymbolNet sweeps later):

* :class:`Task`: a JSON-serialisable ``spec`` (what to run) with a stable ``key`` (which run it is,
  e.g. ``feynman/I.12.1/lies/trial=0/...``). A *target* ``"package.module:function"`` turns a spec
  into a result dict.
* :class:`ResultStore`: the JSONL file. Each record is appended as one line, flushed and fsync'ed
  before the next one is written. On opening, the existing lines are read; a truncated last line (the
  trace of a kill in the middle of a write) is cut off, unparsable complete lines are skipped with a
  count. The keys found are *finished*: a rerun skips them (``retry`` opts errors or timeouts back
  in). An advisory lock (``fcntl.flock``) stops two sweeps from writing into the same file at once;
  the operating system drops it when its process dies, so a crash never leaves a stale lock.
* :func:`run_tasks`: runs the unfinished tasks, ``jobs`` at a time on this machine or on a Dask
  distributed cluster (``scheduler``), and writes each record **in this (the parent) process** as
  it arrives (``as_completed``), with a tqdm progress bar (done/total, rate, ETA).

How one run is executed (:func:`execute_task`): in a **fresh child process**
(``python -m keras_symbolic.bench._child``), started with :mod:`subprocess` in its own session. The
child reads ``{"target", "spec"}`` on stdin, calls the target and writes its result (or the
exception and traceback) to a JSON file. This gives, with only the standard library:

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
  goes away (the bench process killed, a Dask worker lost); on Ctrl-C the parent kills its children.

Record fields added by the runner: ``key``, the spec's fields, ``outcome`` (``"ok"``, ``"error"`` or
``"timeout"``), ``error`` (``None`` or one line), ``traceback``, ``run_seconds`` (the whole run as
seen from outside: process start, imports, fit, scoring), ``deadline_seconds``, ``host``,
``finished_at`` (UTC, ISO 8601); then the target's result fields.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

__all__ = [
    "Task",
    "ResultStore",
    "RunReport",
    "StoreLockedError",
    "read_records",
    "latest_records",
    "make_key",
    "run_tasks",
    "execute_task",
    "resolve_target",
    "diagnostic_task",
    "OUTCOMES",
    "RUNNER_FIELDS",
]

OUTCOMES = ("ok", "error", "timeout")
RUNNER_FIELDS = ("key", "outcome", "error", "traceback", "run_seconds", "deadline_seconds", "host", "finished_at")
_ERROR_CHARS = 2000
_TRACEBACK_CHARS = 8000
_STDERR_TAIL = 3000


# ----------------------------------------------------------------------------------------------
# Tasks
# ----------------------------------------------------------------------------------------------
def make_key(*parts: Any, **fields: Any) -> str:
    """A readable, stable key: ``make_key("feynman", "I.12.1", trial=0) == "feynman/I.12.1/trial=0"``."""
    items = [str(p) for p in parts] + [f"{k}={v}" for k, v in fields.items()]
    for item in items:
        if "\n" in item:
            raise ValueError(f"key parts may not contain newlines: {item!r}")
    return "/".join(items)


@dataclass(frozen=True)
class Task:
    """One run: ``spec`` (JSON-serialisable, handed to the target) and its stable ``key``."""

    key: str
    spec: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not self.key or not isinstance(self.key, str):
            raise ValueError(f"a task needs a non-empty string key, got {self.key!r}")
        try:
            json.dumps(dict(self.spec), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"task {self.key}: spec is not JSON-serialisable ({exc})") from None


def resolve_target(target: str) -> Callable[[dict], dict]:
    """``"package.module:function"`` -> the function."""
    module, sep, name = str(target).partition(":")
    if not sep or not module or not name:
        raise ValueError(f"target must look like 'package.module:function', got {target!r}")
    fn = getattr(importlib.import_module(module), name, None)
    if not callable(fn):
        raise ValueError(f"target {target!r}: {module} has no function {name!r}")
    return fn


def diagnostic_task(spec: Mapping[str, Any]) -> dict:
    """A target for checking a set-up (and for the runner's own tests); does what ``spec["do"]`` says.

    ``"echo"`` returns the spec, ``"sleep"`` sleeps ``spec["seconds"]``, ``"raise"`` raises
    ``RuntimeError(spec["message"])``, ``"exit"`` kills the process with ``os._exit(spec["code"])``,
    ``"env"`` returns the values of the environment variables named in ``spec["names"]``.
    """
    do = spec.get("do", "echo")
    if do == "sleep":
        time.sleep(float(spec.get("seconds", 1.0)))
        return {"slept": float(spec.get("seconds", 1.0))}
    if do == "raise":
        raise RuntimeError(str(spec.get("message", "diagnostic failure")))
    if do == "exit":
        os._exit(int(spec.get("code", 3)))
    if do == "env":
        return {"env": {name: os.environ.get(name) for name in spec.get("names", [])}}
    return {"echo": dict(spec), "pid": os.getpid()}


# ----------------------------------------------------------------------------------------------
# The JSONL store
# ----------------------------------------------------------------------------------------------
class StoreLockedError(RuntimeError):
    """Another process is writing to the same result file."""


def _parse_lines(data: bytes):
    """(records, number of bad complete lines, partial tail bytes, offset where the tail starts)."""
    records, bad = [], 0
    lines = data.split(b"\n")
    offset = 0
    for line in lines[:-1]:
        offset += len(line) + 1
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(record, dict) and "key" in record:
            records.append(record)
        else:
            bad += 1
    return records, bad, lines[-1], offset


def read_records(path: str | os.PathLike) -> list[dict]:
    """Every complete record of a JSONL result file, in file order (read-only: a partial last line,
    unparsable lines and lines without a ``key`` are ignored). A missing file gives ``[]``."""
    path = Path(path)
    if not path.exists():
        return []
    records, _, tail, _ = _parse_lines(path.read_bytes())
    if tail.strip():
        with contextlib.suppress(ValueError):
            record = json.loads(tail)
            if isinstance(record, dict) and "key" in record:
                records.append(record)
    return records


def latest_records(records: Iterable[Mapping]) -> dict[str, dict]:
    """key -> the last record with that key (a retried run supersedes the earlier one)."""
    out: dict[str, dict] = {}
    for record in records:
        out[record["key"]] = dict(record)
    return out


class ResultStore:
    """Append-only JSONL result file (see the module docstring). Use as a context manager.

    Args:
        path: the ``.jsonl`` file (created with its folder when missing).
        lock: hold an exclusive advisory lock on ``path + ".lock"`` while open.

    Attributes:
        records: the valid records read at opening, then every appended one, in order.
        bad_lines: complete lines that could not be parsed (left in the file, ignored).
        repaired: whether a truncated last line was cut off at opening.
    """

    def __init__(self, path: str | os.PathLike, lock: bool = True):
        self.path = Path(path)
        self.records: list[dict] = []
        self.bad_lines = 0
        self.repaired = False
        self._lock_handle = None
        self._handle = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if lock:
            self._acquire_lock()
        try:
            self._load()
            self._handle = open(self.path, "a", encoding="utf-8")
        except BaseException:
            self.close()
            raise

    def _acquire_lock(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no locking
            return
        handle = open(self.path.with_name(self.path.name + ".lock"), "a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreLockedError(
                f"another process is writing to {self.path} (wait for it to finish, or use another --out)"
            ) from None
        self._lock_handle = handle

    def _load(self):
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        records, self.bad_lines, tail, offset = _parse_lines(data)
        if tail.strip():
            try:  # a complete record whose newline was lost: keep it, end the line
                record = json.loads(tail)
                if not (isinstance(record, dict) and "key" in record):
                    raise ValueError
                records.append(record)
                with open(self.path, "ab") as handle:
                    handle.write(b"\n")
            except ValueError:  # cut in the middle of a write: drop the fragment
                with open(self.path, "r+b") as handle:
                    handle.truncate(offset)
                    handle.flush()
                    os.fsync(handle.fileno())
                self.repaired = True
        elif tail:  # whitespace without a newline
            with open(self.path, "r+b") as handle:
                handle.truncate(offset)
        self.records = records

    def latest(self) -> dict[str, dict]:
        """key -> last record."""
        return latest_records(self.records)

    def finished_keys(self, retry: Sequence[str] = ()) -> set[str]:
        """Keys whose last record counts as finished; outcomes listed in ``retry`` do not."""
        retry = set(retry)
        return {key for key, rec in self.latest().items() if rec.get("outcome") not in retry}

    def append(self, record: Mapping) -> None:
        """Write one record as one line, then flush and fsync."""
        if self._handle is None:
            raise ValueError("the store is closed")
        line = json.dumps(_json_safe(dict(record)), allow_nan=False, separators=(",", ":"))
        self._handle.write(line + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.records.append(json.loads(line))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._lock_handle is not None:
            self._lock_handle.close()  # releases the flock
            self._lock_handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _json_safe(value):
    from keras_symbolic.reporting import json_safe

    return json_safe(value)


# ----------------------------------------------------------------------------------------------
# One run in a child process
# ----------------------------------------------------------------------------------------------
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


# ----------------------------------------------------------------------------------------------
# The sweep
# ----------------------------------------------------------------------------------------------
@dataclass
class RunReport:
    """What :func:`run_tasks` did."""

    total: int = 0
    already_done: int = 0
    ran: int = 0
    outcomes: Counter = field(default_factory=Counter)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def remaining(self) -> int:
        return self.total - self.already_done - self.ran


def _executor_error_record(exc: BaseException, deadline) -> dict:
    name = type(exc).__name__
    return {"outcome": "error", "error": f"{name}: {exc}"[:_ERROR_CHARS], "traceback": None,
            "run_seconds": None, "deadline_seconds": deadline, "host": None, "finished_at": _now()}


def run_tasks(
    tasks: Sequence[Task],
    target: str,
    store: ResultStore,
    *,
    jobs: int = 1,
    scheduler: Any = None,
    deadline: Optional[float] = None,
    env: Optional[Mapping[str, str]] = None,
    retry: Sequence[str] = (),
    progress: bool = True,
    description: str = "runs",
    on_record: Optional[Callable[[dict], Optional[str]]] = None,
) -> RunReport:
    """Run the tasks whose keys ``store`` has not finished; append each record as it completes.

    Args:
        tasks: the whole sweep (finished ones are skipped, so the same list resumes a sweep).
        target: ``"package.module:function"`` called as ``target(spec) -> dict`` in each run's process.
        store: where records go (opened by the caller).
        jobs: runs at once on this machine (ignored with ``scheduler``).
        scheduler: a Dask scheduler address (``"tcp://host:8786"``) or a ``distributed.Client``;
            ``None`` runs locally.
        deadline: per-run wall-clock limit in seconds (``None``: none).
        env: extra environment variables of each run's process.
        retry: outcomes (``"error"``, ``"timeout"``) to run again although recorded.
        progress: show a tqdm bar on stderr.
        description: the bar's label.
        on_record: called with each new record; a returned string is printed above the bar.

    Returns:
        A :class:`RunReport`. A KeyboardInterrupt stops the sweep (children killed, Dask futures
        cancelled), keeps every record already written and is reported as ``interrupted``.
    """
    started = time.perf_counter()
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        dup = sorted(k for k, n in Counter(keys).items() if n > 1)[:3]
        raise ValueError(f"duplicate task keys: {dup}")
    bad_retry = set(retry) - {"error", "timeout"}
    if bad_retry:
        raise ValueError(f"retry takes 'error' and/or 'timeout', got {sorted(bad_retry)}")
    if deadline is not None and deadline <= 0:
        raise ValueError(f"deadline must be > 0 seconds, got {deadline}")
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    finished = store.finished_keys(retry)
    todo = [t for t in tasks if t.key not in finished]
    report = RunReport(total=len(tasks), already_done=len(tasks) - len(todo))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=report.total, initial=report.already_done, desc=description, unit="run",
                   file=sys.stderr, dynamic_ncols=True, smoothing=0.1)

    def record_done(task: Task, result: dict):
        record = {"key": task.key, **dict(task.spec)}
        record.update(result)
        store.append(record)
        report.ran += 1
        report.outcomes[record.get("outcome")] += 1
        line = on_record(record) if on_record else None
        if bar is not None:
            bar.update(1)
            bar.set_postfix({k: v for k, v in sorted(report.outcomes.items())}, refresh=True)
            if line:
                bar.write(line, file=sys.stderr)
        elif line and progress:
            print(line, file=sys.stderr)

    try:
        if todo:
            if scheduler is not None:
                _run_dask(todo, target, scheduler, deadline, env, record_done, report)
            else:
                _run_local(todo, target, jobs, deadline, env, record_done, report)
    finally:
        if bar is not None:
            bar.close()
        report.seconds = time.perf_counter() - started
    return report


def _run_local(todo, target, jobs, deadline, env, record_done, report):
    from concurrent.futures import ThreadPoolExecutor, as_completed

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ks-bench")
    try:
        futures = {pool.submit(execute_task, target, t.spec, deadline, env): t for t in todo}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - the runner itself failed (e.g. no fork)
                result = _executor_error_record(exc, deadline)
            record_done(futures[future], result)
    except KeyboardInterrupt:
        report.interrupted = True
        pool.shutdown(wait=False, cancel_futures=True)
        kill_live_children()
        pool.shutdown(wait=True)
        return
    pool.shutdown(wait=True)


def _run_dask(todo, target, scheduler, deadline, env, record_done, report):
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise RuntimeError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
    else:
        client = scheduler
    futures = {}
    try:
        for t in todo:
            digest = hashlib.sha1(t.key.encode("utf-8")).hexdigest()[:12]
            future = client.submit(execute_task, target, dict(t.spec), deadline, dict(env or {}),
                                   key=f"ks-bench-{digest}-{uuid.uuid4().hex[:8]}", pure=False)
            futures[future] = t
        for future in as_completed(list(futures)):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker, a lost connection
                result = _executor_error_record(exc, deadline)
            record_done(futures[future], result)
    except KeyboardInterrupt:
        report.interrupted = True
        with contextlib.suppress(Exception):
            client.cancel(list(futures))
    finally:
        if own:
            with contextlib.suppress(Exception):
                client.close()
