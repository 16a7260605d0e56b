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
import time
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


#: After the deadline the alarm fires again every this many seconds until the block exits: a library
#: that catches ``Exception`` broadly (SymPy does, e.g. in ``Expr.equals``) may swallow one
#: :class:`SymbolicTimeout`, but not all of them.
_REFIRE_SECONDS = 0.2


def _in_finaliser(frame) -> bool:
    """Whether ``frame`` runs a finaliser or garbage-collector callback (``__del__``, TensorFlow's and
    JAX's gc callbacks, ``weakref``'s callbacks such as a ``WeakKeyDictionary``'s ``remove``), itself or a few calls down: Python cannot raise out of those."""
    for _ in range(8):  # the handler runs in the innermost frame; a finaliser may have called a helper
        if frame is None:
            return False
        name = frame.f_code.co_name
        if name == "__del__" or "gc_callback" in name or frame.f_code.co_filename.endswith("weakref.py"):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def _alarm_limit(seconds: float):
    def _raise(signum, frame):
        if frame is not None and _in_finaliser(frame):
            return  # raised there, it would be swallowed and printed ("Exception ignored in ..."); the re-fire comes
        raise SymbolicTimeout(f"symbolic computation exceeded {seconds:g} s")

    previous_remaining, previous_interval = signal.getitimer(signal.ITIMER_REAL)
    previous_handler = signal.signal(signal.SIGALRM, _raise)
    start = time.monotonic()
    try:
        # Armed inside ``try`` so the old handler is restored even if the alarm fires at once.
        first = seconds if not previous_remaining else min(seconds, previous_remaining)
        signal.setitimer(signal.ITIMER_REAL, first, _REFIRE_SECONDS)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_remaining:
            # Re-arm the outer limit with what it really has left (at least a tick, so it still fires).
            left = previous_remaining - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), previous_interval)


@contextlib.contextmanager
def _async_exception_limit(seconds: float):
    target = threading.get_ident()
    done = threading.Event()
    fired = threading.Event()

    def _watchdog():
        if done.wait(seconds):
            return
        while not done.is_set():  # again and again, in case one is swallowed (see _REFIRE_SECONDS)
            fired.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(SymbolicTimeout))
            done.wait(_REFIRE_SECONDS)

    watchdog = threading.Thread(target=_watchdog, daemon=True)
    watchdog.start()
    try:
        yield
    except SymbolicTimeout:
        raise SymbolicTimeout(f"symbolic computation exceeded {seconds:g} s") from None
    finally:
        done.set()
        watchdog.join()
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
