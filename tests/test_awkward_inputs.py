"""Issue 12: every awkward table is fitted or refused with one ``error:`` line and exit 2.

:data:`CASES` is the table of awkward inputs with the expected outcome of each: ``"fit"`` (exit 0, no
traceback, the formula in ``result.json`` reads back with :func:`load_expression` to the fitted
function) or the words of the one-line refusal. The fits use a tiny LIES configuration. CI reruns
this file's ``backend`` tests under JAX.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sympy as sp

from keras_symbolic.cli.main import main
from keras_symbolic.symbolic.names import load_expression, safe_names

TINY = ["--epochs-scale", "0.02", "--restarts", "1", "--ablate", "oversampling", "--quiet"]
RNG = np.random.default_rng(0)
A, B = RNG.uniform(1, 3, 200), RNG.uniform(1, 3, 200)


def csv(columns, rows, sep=",", end="\n"):
    """Text of a table: a header and ``rows`` (tuples), joined by ``sep`` and ``end``."""
    return end.join([sep.join(columns)] + [sep.join(str(v) for v in r) for r in rows]) + end


PRODUCT = [(a, b, a * b) for a, b in zip(A, B)]
MIXED = RNG.uniform(-2, 2, (300, 6))

#: name -> (file content (str or bytes), extra arguments, expected: "fit" or the refusal's words)
CASES = {
    # ---- refused, one line, exit 2
    "header without rows": (csv(["a", "b", "y"], []), [], "no data rows"),
    "empty file": ("", [], "is empty"),
    "blank lines only": ("\n\n  \n", [], "is empty"),
    "duplicate column names": (csv(["a", "a", "y"], PRODUCT), [], "duplicate column names: 'a'"),
    "empty column name": (csv(["a", "", "y"], PRODUCT), [], "column 2 of data.csv has no name"),
    "missing target": (csv(["a", "b", "y"], PRODUCT), ["--target", "z"], "target column 'z' not in"),
    "text cell": (csv(["a", "b", "y"], PRODUCT[:50] + [(1, "abc", 2)] + PRODUCT[50:]), [], "column 'b' is not numeric"),
    "NaN cell": (csv(["a", "b", "y"], [(1, "nan", 2)] + PRODUCT), [], "column 'b' has 1 missing value, first at row 0; "
                 "1 of 201 rows miss a value: leave them out with --drop-missing"),
    "missing cells in two columns": (csv(["a", "b", "y"], [(1, "nan", 2), (1, 2, "")] + PRODUCT), [],
                                     "2 columns have missing values (b: 1, y: 1); 2 of 202 rows"),
    "an empty column": (csv(["a", "b", "y"], [(a, "", y) for a, _, y in PRODUCT]), ["--drop-missing"],
                        "column 'b' is empty (no number in any row); leave it out with --drop 'b'"),
    "text columns": (csv(["a", "name", "kind", "y"], [(a, f"n{i}", "pq"[i % 2], y) for i, (a, _, y) in enumerate(PRODUCT)]),
                     [], "2 columns are not numeric: 'name' holds text (row 0: 'n0'); 'kind' holds text (row 0: 'p'); "
                         "leave them out with --drop 'name,kind'"),
    "empty cell": (csv(["a", "b", "y"], [(1, "", 2)] + PRODUCT), [], "--drop-missing"),
    "missing target cell": (csv(["a", "b", "y"], PRODUCT[:3] + [(1, 2, "")] + PRODUCT[3:]), [],
                            "column 'y' has 1 missing value, first at row 3"),
    "text column": (csv(["a", "group", "y"], [(a, "ab"[i % 2], a * b) for i, (a, b) in enumerate(zip(A, B))]), [],
                    "column 'group' is not numeric: it holds text (row 0: 'a'); leave it out with --drop 'group'"),
    "text target": (csv(["a", "b", "y"], [(a, b, "ab"[i % 2]) for i, (a, b) in enumerate(zip(A, B))]), [],
                    "a numeric target column is needed"),
    "--features names no column": (csv(["a", "b", "y"], PRODUCT), ["--features", "a,c"],
                                   "--features: no column 'c' in data.csv; columns are: a, b, y"),
    "--drop names the target": (csv(["a", "b", "y"], PRODUCT), ["--drop", "y"], "never a feature"),
    "--features and --drop": (csv(["a", "b", "y"], PRODUCT), ["--features", "a", "--drop", "b"], "not both"),
    "--drop-missing leaves too few rows": (csv(["a", "b", "y"], PRODUCT[:5] + [(1, "", 2)] * 20), ["--drop-missing"],
                                           "too few rows: 5"),
    "--features with --feynman": (None, ["--feynman", "I.12.1", "--features", "a"], "not --feynman"),
    "inf cell": (csv(["a", "b", "y"], [(1, 2, "inf")] + PRODUCT), [], "target has 1 non-finite"),
    "too few rows": (csv(["a", "b", "y"], PRODUCT[:5]), [], "too few rows: 5"),
    "one column": (csv(["y"], [(v,) for v in A]), [], "only one column"),
    "ragged row": (csv(["a", "b", "y"], PRODUCT[:20] + [(1, 2, 3, 4)] + PRODUCT[20:]), [], "cannot read"),
    "binary file": (b"\x89PNG\x00\x00\x01", [], "not a text table"),
    "bad --sep": (csv(["a", "b", "y"], PRODUCT), ["--sep", "::"], "--sep must be one of"),
    "mixed signs in log space": (csv(["a", "b", "y"], [(a - 2, b, (a - 2) * b) for a, b in zip(A, B)]), [],
                                 "both signs"),
    "all-zero column in log space": (csv(["a", "z", "y"], [(a, 0, a) for a in A]), [], "--linear-space"),
    "1000 columns": (csv([f"c{i}" for i in range(1000)] + ["y"], [tuple(RNG.uniform(1, 2, 1001)) for _ in range(20)]),
                     [], "at most 50"),
    "--target with --feynman": (None, ["--feynman", "I.12.1", "--target", "y"], "not --feynman"),
    # ---- fitted, exit 0
    "plain comma": (csv(["a", "b", "y"], PRODUCT), [], "fit"),
    "semicolon": (csv(["a", "b", "y"], PRODUCT, sep=";"), [], "fit"),
    "tab": (csv(["a", "b", "y"], PRODUCT, sep="\t"), [], "fit"),
    "whitespace": (csv(["a", "b", "y"], PRODUCT, sep="   "), [], "fit"),
    "--sep given": (csv(["a", "b", "y"], PRODUCT, sep="|"), ["--sep", "|"], "fit"),
    "BOM": ("\ufeff" + csv(["a", "b", "y"], PRODUCT), ["--target", "y"], "fit"),
    "CRLF": (csv(["a", "b", "y"], PRODUCT, end="\r\n"), [], "fit"),
    "quoted numbers": (csv(['"a"', '"b"', '"y"'], [tuple(f'"{v}"' for v in r) for r in PRODUCT]), [], "fit"),
    "thousands separators": (csv(["a", "b", "y"], [(f'"{a * 1000:,.3f}"', b, a * 1000 * b) for a, b in zip(A, B)]),
                             [], "fit"),
    "trailing delimiter": (csv(["a", "b", "y", ""], [r + ("",) for r in PRODUCT]), [], "fit"),
    "names with spaces and units": (csv(["mass kg", "speed m/s", "E"], [(a, b, 0.5 * a * b * b) for a, b in zip(A, B)]),
                                    [], "fit"),
    "SymPy names lambda E I gamma": (csv(["lambda", "E", "I", "gamma"], [(a, b, a + 1, a * b / (a + 1)) for a, b in zip(A, B)]),
                                     [], "fit"),
    "SymPy names S N Q beta pi": (csv(["S", "N", "Q", "beta", "pi"], [(a, b, 2.0, 1.5, a * b) for a, b in zip(A, B)]),
                                  [], "fit"),
    "unicode names": (csv(["α", "масса", "y"], PRODUCT), [], "fit"),
    "latin-1 file": (csv(["café", "b", "y"], PRODUCT).encode("latin-1"), [], "fit"),
    "values near 1e150": (csv(["a", "b", "y"], [(a * 1e75, b * 1e75, a * b * 1e150) for a, b in zip(A, B)]), [], "fit"),
    "values near 1e-150": (csv(["a", "b", "y"], [(a * 1e-75, b * 1e-75, a * b * 1e-150) for a, b in zip(A, B)]), [], "fit"),
    "1e150 in linear space": (csv(["a", "b", "y"], [(a * 1e75, b * 1e75, a * b * 1e150) for a, b in zip(A, B)]),
                              ["--linear-space"], "fit"),
    "1e-150 in linear space": (csv(["a", "b", "y"], [(a * 1e-75, b * 1e-75, a * b * 1e-150) for a, b in zip(A, B)]),
                               ["--linear-space"], "fit"),
    "mixed-sign 6 variables, linear space": (csv([f"x{i}" for i in range(6)] + ["y"],
                                                 [tuple(r) + (r[0] * r[1] + 3 * r[2] - r[5],) for r in MIXED]),
                                             ["--linear-space"], "fit"),
    "all-zero column in linear space": (csv(["a", "z", "y"], [(a, 0, 2 * a) for a in A]), ["--linear-space"], "fit"),
    "integer target": (csv(["a", "b", "y"], [(int(a * 10), int(b * 10), int(a * 10) * int(b * 10)) for a, b in zip(A, B)]),
                       [], "fit"),
    "constant column": (csv(["a", "c", "y"], [(a, 7, 2 * a) for a in A]), [], "fit"),
    "target is one of the inputs": (csv(["a", "b", "y"], [(a, b, a) for a, b in zip(A, B)]), [], "fit"),
    "one row repeated 10000 times": (csv(["a", "b", "y"], [(1.5, 2.5, 3.75)] * 10_000), [], "fit"),
    "--drop a text column": (csv(["a", "b", "label", "y"], [(a, b, f"id{i}", a * b) for i, (a, b, _) in enumerate(PRODUCT)]),
                             ["--drop", "label"], "fit"),
    "--features beside a text column": (csv(["a", "b", "label", "y"], [(a, b, "x", a * b) for a, b, _ in PRODUCT]),
                                        ["--features", "a,b"], "fit"),
    "--drop-missing": (csv(["a", "b", "y"], PRODUCT[:40] + [(1, "", 2), ("NA", 2, 2)] + PRODUCT[40:]), ["--drop-missing"],
                       "fit"),
}


def _run(tmp_path, capsys, content, extra, options=TINY):
    args = ["fit"]
    if content is not None:
        path = tmp_path / "data.csv"
        (path.write_bytes if isinstance(content, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(content)
        args.append(str(path))
    out = tmp_path / "out"
    code = main(args + extra + ["--out", str(out)] + options)
    captured = capsys.readouterr()
    return code, captured.out, captured.err, out


def _reads_back(out: Path, table: pd.DataFrame, target: str):
    """The formula of result.json and every pareto.csv row read back to what was fitted."""
    record = json.loads((out / "result.json").read_text())
    symbols = record["symbols"]
    expr = load_expression(record["expression"], symbols)
    assert {s.name for s in expr.free_symbols} <= set(symbols)
    X = table[list(symbols.values())].to_numpy(dtype=float)
    f = sp.lambdify([sp.Symbol(n, real=True) for n in symbols], expr, "numpy")
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(f(*X.T), (len(X),)).astype(float)
    y = table[target].to_numpy(dtype=float)
    if np.isfinite(record["r2_train"]) and record["r2_train"] > 0.999:
        np.testing.assert_allclose(pred, y, rtol=0.05, atol=1e-12 * np.abs(y).max())
    pareto = pd.read_csv(out / "pareto.csv")
    for text in pareto["expression"]:
        load_expression(text, symbols)
    return record


#: Cases not yet meeting their expected outcome (issue 12 left open on these), and slow ones.
OPEN: dict = {}

#: Cases whose fit must say something: the words of the ``note`` (summary line and ``result.json``).
NOTES = {
    # Training ends (strong loss ~1.6e10, 567 of 595 weights kept by pruning) in a few seconds; the
    # extracted formula, a tree exponential in the network's depth, has 369 550 nodes. Before the size
    # guard (LIESConfig.large_formula_nodes) the symbolic steps on it ran for 300 s and more (392 s for
    # the command, R^2 test -0.38); now its output weights are refitted and the structure search goes on
    # from that refit: 27 s for this test (2 shared cores), R^2 test 0.97, complexity 24.
    "mixed-sign 6 variables, linear space": "the network stayed dense (pruning kept ",
}


#: Warnings a user of the command line would see (Python shows these by default).
_SHOWN = (RuntimeWarning, UserWarning, FutureWarning)


#: The same inputs through the discovery engine (the default method): it chooses the space itself, so
#: the log-space refusals become fits and ``--linear-space`` (a LIES option) is left out.
ENGINE_CASES = {name: (content, [a for a in extra if a != "--linear-space"],
                       "fit" if name in ("mixed signs in log space", "all-zero column in log space") else expected)
                for name, (content, extra, expected) in CASES.items()}


def _check_outcome(tmp_path, capsys, recwarn, name, case, options):
    content, extra, expected = case
    code, out_text, err, out = _run(tmp_path, capsys, content, extra, options)
    assert "Traceback" not in err + out_text and "Warning" not in err
    shown = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in recwarn if issubclass(w.category, _SHOWN)]
    assert not shown, shown
    if expected != "fit":
        assert code == 2, err
        assert err.startswith("error: ") and err.count("\n") == 1 and expected in err, err
        assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]
        return
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    sep = {"semicolon": ";", "tab": "\t", "--sep given": "|"}.get(name, ",")
    sep = r"\s+" if name == "whitespace" else sep
    table = pd.read_csv(tmp_path / "data.csv", sep=sep, encoding="latin-1" if name == "latin-1 file" else "utf-8-sig",
                        thousands="," if "thousands" in name else None)
    table.columns = [c if not str(c).startswith("Unnamed") else "" for c in table.columns]
    if "--drop-missing" in extra:
        table = table.dropna()
    target = table.columns[-2] if name == "trailing delimiter" else table.columns[-1]
    record = _reads_back(out, table, target)
    assert record["expression"]
    if options is not TINY:
        return
    if name in NOTES:
        assert f"note        : {NOTES[name]}" in out_text, out_text
        assert any(n.startswith(NOTES[name]) and "--method auto" in n for n in record["notes"]), record["notes"]
    else:
        assert "notes" not in record


@pytest.mark.backend
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # "Exception ignored in ..." traceback
@pytest.mark.parametrize("name", [pytest.param(n, marks=OPEN[n]) if n in OPEN else n for n in CASES])
def test_awkward_input(tmp_path, capsys, recwarn, name):
    """Through LIES (its tiny schedule's options select it)."""
    _check_outcome(tmp_path, capsys, recwarn, name, CASES[name], TINY)


@pytest.mark.backend
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", list(ENGINE_CASES))
def test_awkward_input_through_the_engine(tmp_path, capsys, recwarn, name):
    # a small budget: these cases are about reading the input; the search's reach has tests of its own
    _check_outcome(tmp_path, capsys, recwarn, name, ENGINE_CASES[name],
                   ["--method", "auto", "--quiet", "--time-budget", "2"])


def test_default_target_is_said(tmp_path, capsys):
    (tmp_path / "d.csv").write_text(csv(["a", "b", "y"], PRODUCT))
    assert main(["fit", str(tmp_path / "d.csv"), "--epochs-scale", "0.02", "--restarts", "1", "--ablate", "oversampling"]) == 0
    assert "note: target: the last column 'y'" in capsys.readouterr().err


def test_a_million_rows_are_sampled(tmp_path, capsys):
    n = 1_000_000
    a, b = RNG.uniform(1, 3, n), RNG.uniform(1, 3, n)
    pd.DataFrame({"a": a, "b": b, "y": a * b}).to_csv(tmp_path / "big.csv", index=False)
    start = time.perf_counter()
    assert main(["fit", str(tmp_path / "big.csv"), "--epochs-scale", "0.02", "--restarts", "1", "--ablate", "oversampling"]) == 0
    assert time.perf_counter() - start < 300
    assert "rows: 1000000 in the file; fitting on 20000" in capsys.readouterr().err


def test_names_map_to_symbols_that_read_back():
    names = ["mass kg", "speed m/s", "E", "I", "S", "N", "O", "Q", "beta", "gamma", "zeta", "lambda", "pi", "",
             "α", "2x", "True", "E_", "x0", "sin"]
    m = safe_names(names)
    assert len(set(m.safe)) == len(names) and m.safe[-2] == "x0"
    for safe in m.safe:
        assert sp.parse_expr(safe) == sp.Symbol(safe)
    assert safe_names(["a", "b"]).safe == ("a", "b")  # ordinary names never change
    expr = sp.Symbol("E_") * sp.Symbol("lambda_") / sp.Symbol("I_")
    back = sp.parse_expr(str(expr))
    assert back.free_symbols == {sp.Symbol("E_"), sp.Symbol("lambda_"), sp.Symbol("I_")}
    assert m.latex(sp.Symbol("mass_kg") * sp.Symbol("lambda_")) == r"\lambda \text{mass kg}"


def test_diverged_training_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    from keras_symbolic.pipelines import lies_training

    diverged = getattr(lies_training, "_NonFiniteLoss")

    def always_nan(*args, **kwargs):
        raise diverged("weak")

    monkeypatch.setattr(lies_training, "_train_phase", always_nan)
    (tmp_path / "d.csv").write_text(csv(["a", "b", "y"], PRODUCT))
    out = tmp_path / "out"
    assert main(["fit", str(tmp_path / "d.csv"), "--out", str(out)] + TINY) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: training loss became non-finite") and "try another --seed" in err
    assert err.count("\n") == 1 and not out.exists()


def test_ctrl_c_swallowed_by_a_gc_callback_is_raised_again():
    """CPython runs the SIGINT handler at a bytecode boundary that may lie inside a garbage-collector
    callback (JAX registers one), where the KeyboardInterrupt is unraisable and lost. Under
    ``keep_interrupts`` it is delivered again, outside the collector; without it the loop ends normally."""
    import gc

    from keras_symbolic.cli.interrupts import keep_interrupts

    def spin(seconds=5.0):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    fired = []

    def callback(phase, info):
        if not fired:
            fired.append(phase)
            raise KeyboardInterrupt  # what the SIGINT handler does when it runs here

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # a background suite ignores it
    hooks = sys.unraisablehook
    try:
        def silent(unraisable):  # as when stderr is silenced: lost without a word
            pass

        sys.unraisablehook = silent
        gc.callbacks.append(callback)
        gc.collect()
        assert fired
        spin(0.5)  # nothing raised: the interrupt is lost
        fired.clear()
        with pytest.raises(KeyboardInterrupt):
            with keep_interrupts():
                gc.collect()
                assert fired
                spin()
        assert sys.unraisablehook is silent  # the hook before is back
    finally:
        if callback in gc.callbacks:
            gc.callbacks.remove(callback)
        sys.unraisablehook = hooks
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_that_a_library_turns_into_its_own_error_still_ends_as_an_interruption(tmp_path, capsys, monkeypatch):
    """A Ctrl-C inside TensorFlow's structure flattening came out of ``model.fit`` as ``AttributeError:
    'list' object has no attribute '_type_spec'``: the command still ends with exit 130 and no traceback,
    and an error without a Ctrl-C is still raised."""
    cli_main = sys.modules[main.__module__]  # the module (keras_symbolic.cli exports the function as main)

    def library_fit(args):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            raise AttributeError("'list' object has no attribute '_type_spec'") from None

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # a background suite ignores it
    try:
        monkeypatch.setattr(cli_main, "run_fit", library_fit)
        assert main(["fit", str(tmp_path / "d.csv")]) == 130
        assert capsys.readouterr().err.startswith("interrupted after")
        monkeypatch.setattr(cli_main, "run_fit", lambda args: [][0])
        with pytest.raises(IndexError):
            main(["fit", str(tmp_path / "d.csv")])
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler before is back
    finally:
        signal.signal(signal.SIGINT, previous)


#: A ``fit`` in a child process that says on stderr where it is: ``training`` is a long run (the progress
#: bar's first ``weak`` line marks the training under way); ``writing`` is a tiny run whose writer
#: stops, after every file is in the temporary folder and before the move into place, to say ``WRITTEN``.
_CHILD = """
import signal, sys, time
# as at a terminal: a suite started in the background (nohup, &) hands its children SIGINT ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
from keras_symbolic.results import writer
original = writer._write_files
def slow_write(folder, result):
    original(folder, result)
    print("WRITTEN", file=sys.stderr, flush=True)
    time.sleep(600)
if sys.argv[1] == "writing":
    writer._write_files = slow_write
from keras_symbolic.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def _wait_for(proc, marker: str, seconds: float) -> list:
    """Read ``proc``'s stderr until ``marker`` appears (or the process ends, or ``seconds`` pass).
    Returns the list of characters read, which goes on growing until the process closes stderr."""
    import threading

    seen: list = []
    found = threading.Event()

    def read():
        for chunk in iter(lambda: proc.stderr.read(1), ""):
            seen.append(chunk)
            if marker in "".join(seen[-len(marker):]):
                found.set()
        found.set()

    threading.Thread(target=read, daemon=True).start()
    found.wait(seconds)
    return seen


@pytest.mark.parametrize("phase", ["training", "writing"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_run_leaves_no_result_folder(tmp_path, capsys, sig, phase):
    """Ctrl-C or kill -9 while training, or while the result files are being written: no result folder
    appears (Ctrl-C: nothing at all is left; kill -9 while writing: at worst the writer's hidden
    temporary sibling ``.out.*``, never ``out``), and a later run into the same folder works."""
    (tmp_path / "d.csv").write_text(csv(["a", "b", "y"], PRODUCT))
    out = tmp_path / "out"
    # training: a long schedule (minutes); writing: the tiny one
    size = ["--epochs-scale", "20"] if phase == "training" else TINY[:-1]
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "tensorflow"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, phase, "fit", str(tmp_path / "d.csv"), "--out", str(out)] + size,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    try:
        marker = "weak" if phase == "training" else "WRITTEN"
        seen = _wait_for(proc, marker, 240)
        err = "".join(seen)
        assert proc.poll() is None and marker in err, err[-2000:]
        if phase == "writing":
            assert not out.exists() and len([p for p in tmp_path.iterdir() if p.name.startswith(".out.")]) == 1
        proc.send_signal(sig)
        proc.wait(timeout=180)  # the clean-up of a loaded machine's Keras process can take a while
    finally:
        proc.kill()
    time.sleep(0.5)  # let the reader thread take the last lines
    assert proc.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), "".join(seen)[-3000:]
    assert not out.exists()
    left = sorted(p.name for p in tmp_path.iterdir())
    if sig == signal.SIGKILL and phase == "writing":
        assert len(left) == 2 and left[0].startswith(".out.") and left[1] == "d.csv", left  # the hidden temporary only
    else:
        assert left == ["d.csv"], left
    assert main(["fit", str(tmp_path / "d.csv"), "--out", str(out)] + TINY) == 0
    assert (out / "result.json").exists()


def test_a_refused_table_is_refused_before_keras_is_imported(tmp_path):
    """A refusal comes at once: ``fit`` reads and checks the table before it imports Keras (seconds)."""
    path = tmp_path / "data.csv"
    path.write_text(csv(["a", "group", "y"], [(a, "ab"[i % 2], a) for i, a in enumerate(A)]))
    code = ("import sys; from keras_symbolic.cli.main import main; "
            f"code = main(['fit', {str(path)!r}]); print(code, 'keras' in sys.modules, 'tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["2", "False", "False"], done.stdout + done.stderr
    assert "--drop 'group'" in done.stderr
