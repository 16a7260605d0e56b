"""The JSON-lines result file of a sweep: one record per finished run, appended safely, read back.

:class:`ResultStore` is the JSONL file. Each record is appended as one line, flushed and fsync'ed
before the next one is written. On opening, the existing lines are read; a truncated last line (the
trace of a kill in the middle of a write) is cut off, unparsable complete lines are skipped with a
count. The keys found are *finished*: a rerun skips them (``retry`` opts errors or timeouts back
in). An advisory lock (``fcntl.flock``) stops two sweeps from writing into the same file at once;
the operating system drops it when its process dies, so a crash never leaves a stale lock.

:func:`read_records` and :func:`latest_records` read a result file without opening it for writing.
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Iterable, Mapping, Sequence

__all__ = ["RUNS_FILE", "ResultStore", "StoreLockedError", "read_records", "latest_records"]

RUNS_FILE = "runs.jsonl"
"""The result file's name in a results folder (``OUT/runs.jsonl``)."""


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
    from keras_symbolic.results.json_values import json_safe

    return json_safe(value)
