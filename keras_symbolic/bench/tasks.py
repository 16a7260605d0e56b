"""What one benchmark run is: a :class:`Task` (JSON spec + stable key) and the target that runs it.

A :class:`Task` is a JSON-serialisable ``spec`` (what to run) with a stable ``key`` (which run it is,
e.g. ``feynman/I.12.1/lies/trial=0/...``). A *target* ``"package.module:function"`` turns a spec into
a result dict (:func:`resolve_target`); :func:`diagnostic_task` is a target for checking a set-up.
"""
from __future__ import annotations

import importlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["Task", "make_key", "resolve_target", "diagnostic_task"]


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
