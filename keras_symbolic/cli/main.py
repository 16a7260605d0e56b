"""The ``keras-symbolic`` command line.

    keras-symbolic fit DATA.csv --target COLUMN [--out DIR] [--seed N]
    keras-symbolic fit --feynman NAME [--samples N] [--out DIR] [--seed N]
    keras-symbolic fit DATA.csv --target COLUMN --method symbolnet [--task classification] [...]
    keras-symbolic bench feynman|summary ...   (see keras_symbolic.cli.bench)
    keras-symbolic hls RESULT_DIR | --expr TEXT [--precision ap_fixed<W,I> ...] [--data CSV|NPZ] [--out DIR]
    keras-symbolic baseline qp --dataset mnist|lhc|svhn [--epochs N] [--out DIR]

Bad input gives a one-line ``error: ...`` naming the problem and exit code 2; nothing is written.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from keras_symbolic.cli.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, CLIError

__all__ = ["main", "build_parser"]


def _add_common(p):
    p.add_argument("--out", type=Path, help="write the result folder here (result.json, pareto.csv, parity.png, model.keras)")
    p.add_argument("--seed", type=int, default=0, help="seed of the whole run (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--verbose", action="store_true", help="also print Keras's per-epoch lines")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-symbolic", description="Discover compact formulas from data with neural networks (LIES, SymbolNet)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit", help="fit a formula to a CSV table or to an AI Feynman equation")
    fit.add_argument("data", nargs="?", type=Path, help="CSV file with a header row")
    fit.add_argument("--target", help="name of the target column of DATA")
    fit.add_argument("--feynman", metavar="NAME", help="use AI Feynman equation NAME (e.g. I.12.1) instead of a CSV")
    fit.add_argument("--samples", type=int, help="training rows drawn for --feynman (default 10000)")
    fit.add_argument("--test-samples", type=int, default=10_000, help="test rows drawn for --feynman (default 10000)")
    fit.add_argument("--test-size", type=float, default=0.2, help="fraction of CSV rows held out for testing (default 0.2)")
    fit.add_argument("--method", choices=["lies", "symbolnet"], default="lies", help="method (default lies)")
    fit.add_argument("--schedule", choices=["reference", "paper"], default="reference",
                     help="ADMM schedule: the authors' code values (default) or the paper's")
    fit.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every phase's epochs (quick runs)")
    fit.add_argument("--restarts", type=int, default=None, help="initialisations tried for the first weak phase (default 3)")
    fit.add_argument("--ablate", default="", help="comma-separated modules to switch off: oversampling,gradient_pruning,rounding,coefficient_fit")
    fit.add_argument("--linear-space", action="store_true", help="train in linear space (for mixed-sign columns)")
    _add_common(fit)
    from keras_symbolic.cli.fit_symbolnet import add_symbolnet_arguments

    add_symbolnet_arguments(fit)
    from keras_symbolic.cli.bench import add_bench_parser

    add_bench_parser(sub)
    from keras_symbolic.cli.hls import add_hls_parser

    add_hls_parser(sub)
    from keras_symbolic.cli.baseline import add_baseline_parser

    add_baseline_parser(sub)
    return parser


def _read_csv(path: Path, target: str):
    import pandas as pd

    if not path.exists():
        raise CLIError(f"data file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # pandas raises many types for malformed files
        raise CLIError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    if target is None:
        raise CLIError("--target COLUMN is required with a CSV file")
    if target not in frame.columns:
        raise CLIError(f"target column '{target}' not in {path.name}; columns are: {', '.join(map(str, frame.columns))}")
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            bad = pd.to_numeric(frame[column], errors="coerce").isna() & frame[column].notna()
            row = int(bad.values.argmax()) if bad.any() else 0
            raise CLIError(f"column '{column}' is not numeric (row {row}: {frame[column].iloc[row]!r})")
    features = [c for c in frame.columns if c != target]
    if not features:
        raise CLIError(f"{path.name} has no feature columns besides the target '{target}'")
    return frame[features].to_numpy(dtype=float), frame[target].to_numpy(dtype=float), [str(c) for c in features]


def _config(args):
    from dataclasses import replace

    from keras_symbolic.pipelines.lies import LIESConfig, LIESSchedule

    schedule = LIESSchedule.named(args.schedule)
    if args.epochs_scale <= 0:
        raise CLIError(f"--epochs-scale must be > 0, got {args.epochs_scale}")
    if args.epochs_scale != 1.0:
        schedule = schedule.scaled(args.epochs_scale)
    config = replace(LIESConfig(), schedule=schedule, log_space=not args.linear_space)
    if args.restarts is not None:
        if args.restarts < 1:
            raise CLIError(f"--restarts must be at least 1, got {args.restarts}")
        config = replace(config, restarts=args.restarts)
    names = [a for a in args.ablate.split(",") if a]
    try:
        return config.ablate(*names)
    except ValueError as exc:
        raise CLIError(str(exc)) from None


def _fmt_r2(value) -> str:
    return "n/a" if value is None or value != value or value == float("-inf") else f"{value:.6f}"


def _cmd_fit(args) -> int:
    from keras_symbolic.pipelines.evaluate import fit_feynman, fit_table
    from keras_symbolic.reporting import write_result_folder
    from keras_symbolic.symbolic.transform import DataError

    if (args.data is None) == (args.feynman is None):
        raise CLIError("give either DATA.csv --target COLUMN or --feynman NAME")
    if args.samples is not None and args.samples < 10:
        raise CLIError(f"--samples must be at least 10, got {args.samples}")
    if args.method == "symbolnet":
        from keras_symbolic.cli.fit_symbolnet import run_symbolnet_feynman, run_symbolnet_fit

        if args.feynman:
            return run_symbolnet_feynman(args)
        X, y, names = _read_csv(args.data, args.target)
        return run_symbolnet_fit(args, X, y, names)
    from keras_symbolic.cli.fit_symbolnet import reject_symbolnet_options

    reject_symbolnet_options(args)
    config = _config(args)
    verbose = 0 if args.quiet else (2 if args.verbose else 1)
    try:
        if args.feynman:
            from keras_symbolic.datasets import UnknownEquationError

            try:
                outcome = fit_feynman(args.feynman, args.seed, args.samples, args.test_samples, config, verbose)
            except UnknownEquationError as exc:
                raise CLIError(str(exc)) from None
        else:
            X, y, names = _read_csv(args.data, args.target)
            outcome = fit_table(X, y, names, args.seed, args.test_size, config, verbose)
    except DataError as exc:
        raise CLIError(str(exc)) from None
    record = outcome.record
    print(f"formula     : {record['expression']}")
    print(f"R^2 train   : {_fmt_r2(record['r2_train'])}")
    print(f"R^2 test    : {_fmt_r2(record['r2_test'])}")
    print(f"complexity  : {record['complexity']}")
    if record.get("equation"):
        verdict = "yes" if record["symbolic_solution"] else "no"
        print(f"truth       : {record['truth']}")
        print(f"symbolic solution: {verdict} (SRBench rule: {'yes' if record['symbolic_solution_srbench'] else 'no'})")
    print(f"wall time   : {record['wall_seconds']:.1f} s  (backend {os.environ.get('KERAS_BACKEND', 'tensorflow')})")
    if args.out:
        result = outcome.result
        f = result.predict
        write_result_folder(
            args.out,
            record,
            equations=result.equations,
            parity={"train": (outcome.y_train, f(outcome.X_train)), "test": (outcome.y_test, f(outcome.X_test))},
            model=result.model,
        )
        print(f"result folder: {args.out}")
    return 0


def _import_keras_quietly():
    """Import Keras and TensorFlow with file descriptor 2 silenced: TensorFlow's C++ start-up lines
    (absl, oneDNN) ignore ``TF_CPP_MIN_LOG_LEVEL``, and Keras imports TensorFlow lazily (for its data
    adapters) even under JAX. An import error is re-raised with stderr back."""
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401

            try:
                import tensorflow  # noqa: F401
            except ImportError:
                pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in ("bench", "baseline"):  # these run Keras only in their child processes
        _import_keras_quietly()
    started = time.perf_counter()
    try:
        if args.command == "fit":
            return _cmd_fit(args)
        if args.command == "bench":
            from keras_symbolic.cli.bench import run_bench

            return run_bench(args, sys.argv[1:] if argv is None else argv)
        if args.command == "hls":
            from keras_symbolic.cli.hls import run_hls

            return run_hls(args)
        if args.command == "baseline":
            from keras_symbolic.cli.baseline import run_baseline

            return run_baseline(args)
        parser.error(f"unknown command {args.command}")
    except CLIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"interrupted after {time.perf_counter() - started:.0f} s; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
