"""Hard time bounds for SymPy work that can explode (``simplify`` of a large tree, ``nsimplify`` ...).

SymPy is pure Python, so a long computation can be interrupted by raising an exception into the
thread that runs it:

* in the main thread, ``SIGALRM`` (``setitimer``) raises :class:`SymbolicTimeout` at the deadline;
* in any other thread (Dask workers, thread pools) a watchdog timer injects the exception with
  ``PyThreadState_SetAsyncExc``; it is delivered at the next bytecode boundary, which a SymPy loop
  reaches quickly.

Usage::

    with time_limit(2.0):
        expr = sympy.simplify(expr)

or, to fall back to the input when the bound is hit, :func:`bounded_call`.
"""
from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

__all__ = ["SymbolicTimeout", "time_limit", "bounded_call"]


class SymbolicTimeout(TimeoutError):
    """A bounded symbolic computation ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`SymbolicTimeout` inside the ``with`` block once ``seconds`` have passed.

    ``None`` or a non-positive value means no limit. Nested limits are honoured in the main thread
    (the outer deadline is restored when the inner block ends).
    """
    if seconds is None or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm_limit(float(seconds)):
            yield
    else:
        with _async_exception_limit(float(seconds)):
            yield


@contextlib.contextmanager
def _alarm_limit(seconds: float):
    def _raise(signum, frame):
        raise SymbolicTimeout(f"symbolic computation exceeded {seconds:g} s")

    previous_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    previous_handler = signal.signal(signal.SIGALRM, _raise)
    try:
        # Armed inside ``try`` so the old handler is restored even if the alarm fires at once.
        signal.setitimer(signal.ITIMER_REAL, seconds if not previous_remaining else min(seconds, previous_remaining))
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_remaining:
            # Re-arm the outer limit with whatever it had left (at least a tick, so it still fires).
            signal.setitimer(signal.ITIMER_REAL, max(previous_remaining - seconds, 1e-3))


@contextlib.contextmanager
def _async_exception_limit(seconds: float):
    target = threading.get_ident()
    done = threading.Event()
    fired = threading.Event()

    def _fire():
        if not done.is_set():
            fired.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(SymbolicTimeout))

    timer = threading.Timer(seconds, _fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except SymbolicTimeout:
        raise SymbolicTimeout(f"symbolic computation exceeded {seconds:g} s") from None
    finally:
        done.set()
        timer.cancel()
        if fired.is_set():
            # The exception may still be pending if the block ended right at the deadline: clear it.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)


def bounded_call(fn: Callable[..., T], *args, seconds: float | None, default: T, **kwargs) -> T:
    """``fn(*args, **kwargs)`` within ``seconds``; ``default`` if it runs out of time."""
    try:
        with time_limit(seconds):
            return fn(*args, **kwargs)
    except SymbolicTimeout:
        return default
