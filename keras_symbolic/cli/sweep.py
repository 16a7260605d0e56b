"""The sweep machinery shared by the ``keras-symbolic bench`` commands: options, resuming, running.

:func:`check_jobs_and_retry` checks ``--jobs`` and parses ``--retry``; :func:`pending_tasks` lists
what a ``--dry-run`` would run; :func:`execute_tasks` opens ``OUT/runs.jsonl``, logs the invocation,
runs the pending tasks here (``--jobs``, with ``--threads-per-run``) or on Dask (``--scheduler``)
through :func:`keras_symbolic.bench.runner.run_tasks`, prints progress and reports an interrupt.
Used by :mod:`keras_symbolic.cli.bench` and :mod:`keras_symbolic.cli.bench_symbolnet`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from keras_symbolic.cli.errors import CLIError

__all__ = ["check_jobs_and_retry", "pending_tasks", "execute_tasks", "finished_line"]

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")


def check_jobs_and_retry(args) -> list[str]:
    """Check ``--jobs`` and parse ``--retry`` (shared by the bench commands); the outcomes to redo."""
    if args.jobs < 1:
        raise CLIError(f"--jobs must be >= 1, got {args.jobs}")
    retry = [r.strip().rstrip("s") for r in args.retry.split(",") if r.strip()]
    if set(retry) - {"error", "timeout"}:
        raise CLIError(f"--retry takes error, timeout or error,timeout; got {args.retry!r}")
    return retry


def pending_tasks(tasks, runs: Path, retry) -> list:
    """The tasks with no record in ``runs`` yet, or whose latest outcome is in ``retry``."""
    from keras_symbolic.bench.result_store import latest_records, read_records

    latest = latest_records(read_records(runs))
    return [t for t in tasks if t.key not in latest or latest[t.key].get("outcome") in retry]


def execute_tasks(args, tasks, target: str, out: Path, retry, *, deadline, description: str, describe,
                  log_invocation):
    """Run the pending ``tasks`` of a bench command into ``out/runs.jsonl`` (shared by the bench commands).

    Opens the store (one writer at a time), logs the invocation (``log_invocation(n_todo)``), runs
    locally (``--jobs``) or on Dask (``--scheduler``) with the per-run ``deadline``, and prints each
    record with ``describe`` unless ``--quiet``.

    Returns:
        the runner's report, or ``None`` when interrupted (a resume hint is printed).
    """
    from keras_symbolic.bench.result_store import RUNS_FILE, ResultStore, StoreLockedError
    from keras_symbolic.bench.runner import run_tasks

    runs = out / RUNS_FILE
    if args.scheduler is not None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise CLIError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    out.mkdir(parents=True, exist_ok=True)
    try:
        store = ResultStore(runs)
    except StoreLockedError as exc:
        raise CLIError(str(exc)) from None
    with store:
        if store.repaired:
            print(f"note: cut off a truncated last line of {runs} (a run interrupted while being recorded; "
                  f"it will be run again)", file=sys.stderr)
        if store.bad_lines:
            print(f"note: {store.bad_lines} unreadable line(s) in {runs} ignored", file=sys.stderr)
        finished = store.finished_keys(retry)
        n_todo = sum(t.key not in finished for t in tasks)
        env = _run_env(args, n_todo)
        log_invocation(n_todo)
        where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{args.jobs} local job(s)"
        if not args.quiet:
            print(f"{len(tasks)} runs, {len(tasks) - n_todo} already recorded, {n_todo} to run on {where}"
                  + (f", deadline {deadline:g} s per run" if deadline else "") + f"; results: {runs}",
                  file=sys.stderr)
        try:
            report = run_tasks(tasks, target, store, jobs=args.jobs, scheduler=args.scheduler,
                               deadline=deadline, env=env, retry=retry, progress=not args.quiet,
                               description=description, on_record=None if args.quiet else describe)
        except ConnectionError as exc:
            raise CLIError(str(exc)) from None
    if report.interrupted:
        print(f"interrupted: {report.ran} new run(s) recorded in {runs}, {report.remaining} left; "
              f"run the same command again to resume", file=sys.stderr)
        return None
    return report


def finished_line(report, where: str) -> str:
    """``finished N run(s) in S s (counts per outcome); WHERE`` for a sweep's report."""
    counts = ", ".join(f"{v} {k}" for k, v in sorted(report.outcomes.items())) or "nothing new"
    return f"finished {report.ran} run(s) in {report.seconds:.0f} s ({counts}); {where}"


def _run_env(args, n_todo: int) -> dict:
    env = {}
    if os.environ.get("KERAS_BACKEND"):
        env["KERAS_BACKEND"] = os.environ["KERAS_BACKEND"]
    threads = args.threads_per_run
    at_once = min(args.jobs, max(1, n_todo))
    if threads is None and args.scheduler is None and at_once > 1:
        threads = max(1, (os.cpu_count() or 1) // at_once)
    if threads is not None:
        for name in _THREAD_VARIABLES:
            if not os.environ.get(name):
                env[name] = str(threads)
    return env
