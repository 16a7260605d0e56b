"""``keras-symbolic hls``: formulas to hls4ml projects, C-simulated, per precision.

    keras-symbolic hls RESULT_DIR [--precision ap_fixed<W,I> ...] [--out DIR] [--data CSV|NPZ [--target COL]]
    keras-symbolic hls --expr "0.5*sin(x0) + x1*exp(-x0**2)" [--expr ...] --data CSV|NPZ [...]

RESULT_DIR is a ``keras-symbolic fit`` result folder (SymbolNet: one project output per class or
target; LIES: one). Rows come from ``--data`` (CSV with a header, or ``.npz``; see
:mod:`keras_symbolic.fpga.sources`), else from the result's own CSV (``data.source``) or, for a
``--feynman`` run, fresh rows of the equation. ``--precision`` may be repeated (default
``ap_fixed<16,6>``). The output folder (default ``RESULT_DIR/hls``, or ``hls-out`` with ``--expr``) gets
``report.json``, ``report.md``, ``expressions.json`` and one project folder per precision.

This module imports neither Keras nor hls4ml at import time (``keras-symbolic fit`` stays light);
hls4ml is imported when a project is written. Bad input: one line ``error: ...`` and exit code 2;
hls4ml missing or a failed compilation: exit code 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keras_symbolic.cli.errors import CLIError

__all__ = ["add_hls_parser", "run_hls", "DEFAULT_PRECISION", "DEFAULT_MAX_ROWS"]

DEFAULT_PRECISION = "ap_fixed<16,6>"
DEFAULT_MAX_ROWS = 10_000
_FEYNMAN_ROWS = 10_000


def add_hls_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``hls`` sub-command to ``keras-symbolic``'s sub-parsers."""
    p = subparsers.add_parser(
        "hls", help="turn formulas into hls4ml FPGA projects, C-simulate them and compare with the float formulas",
        description="Formulas (a fit result folder or --expr) to hls4ml projects: lookup tables sized on the data, "
                    "C simulation with g++, errors against the float formulas and the labels, per precision.")
    p.add_argument("result", nargs="?", type=Path, metavar="RESULT_DIR", help="a 'keras-symbolic fit' result folder")
    p.add_argument("--expr", action="append", metavar="TEXT",
                   help="a formula in x0, x1, ... or in the data's column names (repeat: one output each)")
    p.add_argument("--precision", action="append", metavar="ap_fixed<W,I>",
                   help=f"fixed-point type; repeat for several (default {DEFAULT_PRECISION})")
    p.add_argument("--out", type=Path, help="output folder (default RESULT_DIR/hls, or ./hls-out with --expr)")
    p.add_argument("--data", type=Path, metavar="CSV|NPZ",
                   help="rows that set the table ranges and are simulated (CSV with header, or .npz with X [y] "
                        "or X_train, X_test [y_test])")
    p.add_argument("--target", metavar="COLUMN", help="label column of a CSV --data (default: the result's target)")
    p.add_argument("--task", choices=["classification", "regression"], help="how labels are scored (default: from the result)")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                   help=f"simulate at most this many rows (seeded random subset; default {DEFAULT_MAX_ROWS})")
    p.add_argument("--max-table-size", type=int, default=None, help="largest lookup table (entries, default 4096)")
    p.add_argument("--margin", type=float, default=None,
                   help="widen each table's data range by this fraction of its span on each side (default 0.05)")
    p.add_argument("--part", default="xcvu9p-flga2577-2-e", help="FPGA part (default: the paper's xcvu9p-flga2577-2-e)")
    p.add_argument("--clock-period", type=float, default=5.0, help="clock period in ns (default 5: 200 MHz)")
    p.add_argument("--no-compile", action="store_true", help="write the projects only (no C simulation)")
    p.add_argument("--no-synth", action="store_true", help="do not synthesise even when vivado_hls/vitis_hls is on PATH")
    p.add_argument("--seed", type=int, default=0, help="seed of the row subset and of generated rows (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p



def _precisions(args):
    from keras_symbolic.fpga.fixed_point import parse_precision

    out = []
    for text in args.precision or [DEFAULT_PRECISION]:
        try:
            p = parse_precision(text)
        except ValueError as exc:
            raise CLIError(f"--precision: {exc}") from None
        if p.integer < 1 or p.fractional < 0:
            raise CLIError(f"--precision {text}: need at least 1 integer bit and W >= I")
        if p not in out:
            out.append(p)
    return out


def _csv_columns(path: Path, target):
    import pandas as pd

    try:
        columns = [str(c) for c in pd.read_csv(path, nrows=0).columns]
    except Exception as exc:
        raise CLIError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    return [c for c in columns if c != target]


def _check_args(args):
    if (args.result is None) == (not args.expr):
        raise CLIError("give either RESULT_DIR or --expr TEXT (not both)")
    if args.max_rows is not None and args.max_rows < 1:
        raise CLIError(f"--max-rows must be at least 1, got {args.max_rows}")
    if args.max_table_size is not None and (args.max_table_size < 2 or args.max_table_size & (args.max_table_size - 1)):
        raise CLIError(f"--max-table-size must be a power of two >= 2, got {args.max_table_size}")
    if args.margin is not None and not 0 <= args.margin <= 10:
        raise CLIError(f"--margin must be in [0, 10], got {args.margin}")
    if not args.clock_period > 0:
        raise CLIError(f"--clock-period must be positive, got {args.clock_period}")
    if args.data is not None and not args.data.is_file():
        raise CLIError(f"data file not found: {args.data}")


def _formulas_and_rows(args):
    """The formulas (in x0..), their variable names, the rows, the task and classes."""
    import numpy as np

    from keras_symbolic.fpga.expressions import to_indexed
    from keras_symbolic.fpga.sources import SourceError, formulas_from_text, load_result_formulas, load_rows

    try:
        if args.expr:
            columns = None
            if args.data is not None and args.data.suffix.lower() != ".npz":
                columns = _csv_columns(args.data, args.target)
            formulas = formulas_from_text(args.expr, columns)
            if args.data is None:
                raise SourceError("--expr needs --data CSV|NPZ: the lookup-table ranges are chosen from the data")
        else:
            formulas = load_result_formulas(args.result)
        target = args.target or formulas.target
        data = args.data
        if data is None and formulas.info.get("result"):
            import json

            source = (json.loads(Path(formulas.info["result"]).read_text()).get("data") or {}).get("source")
            if source and not str(source).startswith("feynman:") and Path(source).is_file():
                data = Path(source)
        if data is None and formulas.feynman:
            from keras_symbolic.datasets import get_feynman_equation

            eq = get_feynman_equation(formulas.feynman)
            X, y = eq.sample(min(args.max_rows, _FEYNMAN_ROWS), seed=np.random.default_rng(args.seed))
            from keras_symbolic.fpga.sources import Rows

            rows, names = Rows(np.asarray(X, float), np.asarray(X, float), np.asarray(y, float),
                               f"feynman:{eq.name} (fresh rows, seed {args.seed})"), list(eq.variables)
        elif data is None:
            raise SourceError("no rows: pass --data CSV|NPZ (the table ranges are chosen from the data)")
        else:
            rows, names = load_rows(data, formulas.variable_names if formulas.info.get("indexed", True) else [],
                                    target=target if data.suffix.lower() != ".npz" else None,
                                    max_rows=args.max_rows, seed=args.seed)
        if not formulas.info.get("indexed", True):  # LIES on a CSV: the CSV's columns name x0..
            formulas.expressions = [to_indexed(e, names) for e in formulas.expressions]
            formulas.variable_names = names
        used = max((int(s.name[1:]) for e in formulas.expressions for s in e.free_symbols), default=-1) + 1
        if used > rows.X_fit.shape[1]:
            raise SourceError(f"the formulas use x{used - 1} but the data has {rows.X_fit.shape[1]} feature columns")
    except (SourceError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    task = args.task or formulas.task
    if task is None and rows.y_eval is not None:
        y = rows.y_eval
        discrete = np.all(np.asarray(y, float) == np.round(np.asarray(y, float))) and len(np.unique(y)) <= 50
        task = "classification" if discrete and len(formulas.expressions) > 1 else "regression"
    classes = formulas.classes
    if task == "classification" and rows.y_eval is not None and classes is None:
        classes = sorted(np.unique(rows.y_eval).tolist())
        if len(formulas.expressions) == 1 and len(classes) != 2:
            raise CLIError(f"one formula scores two classes, but the labels have {len(classes)}")
    if task == "classification" and classes is not None and len(formulas.expressions) > 1 and len(classes) != len(formulas.expressions):
        raise CLIError(f"{len(formulas.expressions)} formulas but {len(classes)} classes")
    if task == "classification" and rows.y_eval is not None:
        try:
            rows.y_eval = np.asarray(rows.y_eval).astype(np.asarray(classes).dtype)
        except (TypeError, ValueError):
            raise CLIError("the labels cannot be read as the result's classes") from None
    return formulas, rows, task, classes


def run_hls(args) -> int:
    """The ``hls`` command: validate, export, print a summary. Returns the exit code."""
    from keras_symbolic.fpga.export import ExportSettings, export_expressions
    from keras_symbolic.fpga.hls_project import FPGAToolError, require_hls4ml

    _check_args(args)
    precisions = _precisions(args)
    formulas, rows, task, classes = _formulas_and_rows(args)
    out = args.out or (args.result / "hls" if args.result is not None else Path("hls-out"))
    settings = ExportSettings(part=args.part, clock_period=args.clock_period, compile=not args.no_compile,
                              synthesize=not args.no_synth)
    if args.max_table_size is not None:
        settings.max_table_size = args.max_table_size
        settings.min_table_size = min(settings.min_table_size, args.max_table_size)
    if args.margin is not None:
        settings.margin = args.margin
    say = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    source = {"result": str(args.result) if args.result else None, "expr": args.expr, "rows": rows.source,
              "method": formulas.info.get("method")}
    try:
        require_hls4ml()
        report = export_expressions(
            formulas.expressions, rows.X_fit, precisions, out, X_eval=rows.X_eval, y_eval=rows.y_eval, task=task,
            classes=classes, variable_names=formulas.variable_names, settings=settings, source=source, progress=say)
    except FPGAToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # e.g. a function argument never finite on the data
        raise CLIError(str(exc)) from None
    _print_summary(report, out)
    return 0


def _print_summary(report: dict, out: Path) -> None:
    def f(v, d=4):
        return "n/a" if v is None or v != v else f"{v:.{d}g}"

    fl = (report["float"] or {}).get("labels") or {}
    metric = "accuracy" if "accuracy" in fl else ("r2" if "r2" in fl else None)
    if metric:
        print(f"float formulas : {metric} {f(fl[metric])}" + (f", AUC {f(fl.get('roc_auc'))}" if "roc_auc" in fl else ""))
    for e in report["precisions"]:
        csim = e.get("csim")
        line = f"{e['precision']:<16}: {len(e['lookup_tables'])} table(s)"
        if csim:
            dev = csim["vs_float"]
            line += f", C-sim vs float max abs {f(dev['max_abs'])} mean abs {f(dev['mean_abs'])}"
            if metric and csim.get("labels"):
                line += f", {metric} {f(csim['labels'][metric])}"
            line += f" (convert {e['convert_seconds']:.2f} s, compile {e['compile_seconds']:.1f} s)"
        else:
            line += ", written (not compiled)"
        if e.get("overflow_risk"):
            line += f"  [needs >= {e['integer_bits_needed']} integer bits]"
        print(line)
    syn = [e["synthesis"] for e in report["precisions"]]
    if any(s.get("synthesised") for s in syn):
        print("synthesis      : done (resources and latency in report.md)")
    else:
        print("synthesis      : not run: " + (syn[0].get("reason") if syn else "") + "; see hls/README.md")
    print(f"report         : {out / 'report.md'}")
