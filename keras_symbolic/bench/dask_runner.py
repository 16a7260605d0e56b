"""The Dask path of a sweep: each run's :func:`~keras_symbolic.bench.run_process.execute_task` on a
``distributed`` cluster, records handed back to the sweep as they complete.

Dask's worker processes are daemonic and may not fork :mod:`multiprocessing` children, but they may
start subprocesses: each task starts its run's child process inside the worker, as the local path
does on this machine.
"""
from __future__ import annotations

import contextlib
import hashlib
import uuid

from keras_symbolic.bench.run_process import execute_task, executor_error_record

__all__ = ["run_on_dask"]


def run_on_dask(todo, target, scheduler, deadline, env, record_done, report):
    """Run the tasks ``todo`` on the Dask ``scheduler`` (an address or a ``distributed.Client``),
    calling ``record_done(task, result)`` as each finishes; Ctrl-C cancels the futures and sets
    ``report.interrupted``. A client opened here is closed at the end."""
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
                result = executor_error_record(exc, deadline)
            record_done(futures[future], result)
    except KeyboardInterrupt:
        report.interrupted = True
        with contextlib.suppress(Exception):
            client.cancel(list(futures))
    finally:
        if own:
            with contextlib.suppress(Exception):
                client.close()
