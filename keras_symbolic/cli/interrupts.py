"""Ctrl-C that always stops the run.

CPython runs a Python signal handler at the next bytecode boundary of the main thread, and that
boundary can fall inside a garbage-collector callback or a ``__del__`` method. An exception raised
there is *unraisable*: CPython hands it to :data:`sys.unraisablehook` and carries on. JAX registers a
GC callback (``jax._src.lib._xla_gc_callback``), and TensorFlow's graph tracing allocates enough to
trigger collections often, so a Ctrl-C during the first seconds of training was silently lost and the
run went on to write a result (seen as exit code 0 or 1 instead of 130).

:func:`keep_interrupts` installs an unraisable hook that re-delivers such a lost
:class:`KeyboardInterrupt` to the main thread with :func:`_thread.interrupt_main` from a timer
thread a moment later, so it is raised again outside the collector. Every other unraisable
exception goes to the hook that was there before.

A Ctrl-C can also land inside a library's own error handling (TensorFlow's structure flattening in
``model.fit`` turned one into ``AttributeError: 'list' object has no attribute '_type_spec'``), which
then raises something else. The block's SIGINT handler records that Ctrl-C was pressed, and
:func:`interrupted` tells the caller to treat whatever comes out as the interruption it is.
"""
from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import threading

__all__ = ["keep_interrupts", "interrupted"]

_REDELIVER_SECONDS = 0.05
_PRESSED = threading.Event()


def interrupted() -> bool:
    """Whether Ctrl-C (SIGINT) was received inside the last :func:`keep_interrupts` block."""
    return _PRESSED.is_set()


def _on_sigint(signum, frame):
    _PRESSED.set()
    signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt


@contextlib.contextmanager
def keep_interrupts():
    """Within the block, a :class:`KeyboardInterrupt` swallowed as unraisable is raised again, and a Ctrl-C
    is recorded for :func:`interrupted`."""
    previous = sys.unraisablehook

    def hook(unraisable):
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            # Not from here: the main thread's next bytecode boundary would be inside this hook,
            # where an exception is unraisable again. A moment later it lands outside the collector;
            # if it is swallowed once more, this hook runs again. (A no-op when SIGINT is ignored.)
            timer = threading.Timer(_REDELIVER_SECONDS, _thread.interrupt_main)
            timer.daemon = True
            timer.start()
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    _PRESSED.clear()
    handler = None
    on_main = threading.current_thread() is threading.main_thread()
    if on_main and signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where SIGINT is ignored
        handler = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        sys.unraisablehook = previous
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
