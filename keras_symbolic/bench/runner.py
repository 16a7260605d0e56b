"""The sweep: run every unfinished task of a list, ``jobs`` at a time here or on Dask, resumable.

:func:`run_tasks` runs the tasks whose keys the :class:`~keras_symbolic.bench.result_store.ResultStore`
has not finished, ``jobs`` at a time on this machine (threads that each wait on one run's child
process, :func:`~keras_symbolic.bench.run_process.execute_task`) or on a Dask distributed cluster
(``scheduler``, :mod:`keras_symbolic.bench.dask_runner`), and writes each record **in this (the
parent) process** as it arrives (``as_completed``), with a tqdm progress bar (done/total, rate, ETA).
Shared by every benchmark of the package (AI Feynman, the SymbolNet scans).
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from keras_symbolic.bench.dask_runner import run_on_dask
from keras_symbolic.bench.result_store import ResultStore
from keras_symbolic.bench.run_process import execute_task, executor_error_record, kill_live_children
from keras_symbolic.bench.tasks import Task

__all__ = ["RunReport", "run_tasks"]


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
                run_on_dask(todo, target, scheduler, deadline, env, record_done, report)
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
                result = executor_error_record(exc, deadline)
            record_done(futures[future], result)
    except KeyboardInterrupt:
        report.interrupted = True
        pool.shutdown(wait=False, cancel_futures=True)
        kill_live_children()
        pool.shutdown(wait=True)
        return
    pool.shutdown(wait=True)
