"""The process one benchmark run lives in: ``python -m keras_symbolic.bench._child RESULT.json``.

Reads ``{"target": "module:function", "spec": {...}}`` on stdin, calls ``function(spec)`` and
writes ``{"status": "ok", "result": {...}}`` or ``{"status": "error", "error", "traceback"}`` to
``RESULT.json`` (atomically: a temporary file renamed into place). A watchdog thread kills the
process group when the parent process goes away, so no run outlives its sweep. Started by
:func:`keras_symbolic.bench.run_process.execute_task`; not meant to be run by hand.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import traceback


def _watch_parent(interval: float = 1.0) -> None:
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(interval)
            if os.getppid() != parent:  # re-parented: the sweep (or the Dask worker) is gone
                try:
                    os.killpg(os.getpgrp(), signal.SIGKILL)
                finally:
                    os._exit(137)

    threading.Thread(target=watch, name="ks-bench-watchdog", daemon=True).start()


def _write(path: str, payload: dict) -> None:
    from keras_symbolic.results.json_values import json_safe

    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(json_safe(payload), handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def main(argv) -> int:
    if len(argv) != 2:
        print("usage: python -m keras_symbolic.bench._child RESULT.json < task.json", file=sys.stderr)
        return 2
    out = argv[1]
    _watch_parent()
    try:
        payload = json.load(sys.stdin)
        from keras_symbolic.bench.tasks import resolve_target

        fn = resolve_target(payload["target"])
        result = fn(payload["spec"])
        if not isinstance(result, dict):
            raise TypeError(f"target {payload['target']} returned {type(result).__name__}, not a dict")
        answer = {"status": "ok", "result": result}
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:  # noqa: BLE001 - every failure of a run is that run's result
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        answer = {"status": "error", "error": f"{type(exc).__name__}: {message}".rstrip(": "),
                  "traceback": traceback.format_exc()}
    _write(out, answer)
    return 0


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown (TensorFlow can hang or crash at exit)
