"""Time bounds for symbolic work (``symbolic/limits.py``): main thread (SIGALRM) and other threads."""
import threading
import time

import pytest

from keras_symbolic.symbolic.limits import SymbolicTimeout, bounded_call, time_limit


def _swallowing_loop(seconds):
    """Busy work for ``seconds`` whose first half of every step catches any Exception, as some SymPy
    code does (``Expr.equals``): a single timeout that lands there is lost."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            sum(i * i for i in range(20000))
        except Exception:  # noqa: BLE001 - on purpose: the limit must survive this
            pass
        sum(i * i for i in range(20000))


def test_a_swallowed_timeout_fires_again_in_the_main_thread():
    t0 = time.monotonic()
    with pytest.raises(SymbolicTimeout):
        with time_limit(0.3):
            _swallowing_loop(10.0)
    assert time.monotonic() - t0 < 3.0


def test_a_swallowed_timeout_fires_again_in_a_worker_thread():
    outcome = {}

    def work():
        t0 = time.monotonic()
        try:
            with time_limit(0.3):
                _swallowing_loop(10.0)
            outcome["raised"] = False
        except SymbolicTimeout:
            outcome["raised"] = True
        outcome["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(15)
    assert outcome["raised"] and outcome["seconds"] < 3.0


def test_nested_limit_gives_the_outer_one_its_real_remaining_time():
    with time_limit(1.5):
        with time_limit(1.0):
            pass  # ends at once: the outer limit must not lose the inner one's full second
        _swallowing_loop(0.6)  # still well inside the outer 1.5 s
    with pytest.raises(SymbolicTimeout):
        with time_limit(0.4):
            with time_limit(5.0):
                _swallowing_loop(10.0)  # the outer, shorter deadline wins


def test_bounded_call_returns_the_default():
    assert bounded_call(_swallowing_loop, 10.0, seconds=0.2, default="late") == "late"
    assert bounded_call(lambda: 3, seconds=1.0, default=None) == 3
