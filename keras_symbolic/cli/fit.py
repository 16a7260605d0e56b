"""``keras-symbolic fit``: a formula for a CSV table or an AI Feynman equation, with any method.

    keras-symbolic fit DATA.csv --target COLUMN [--method lies|symbolnet] [--out DIR] [--seed N]
    keras-symbolic fit --feynman NAME [--samples N] [--out DIR] [--seed N]

The command reads and checks the input, runs the method's pipeline, which returns a
:class:`~keras_symbolic.results.fit_result.FitResult`, and ends in :func:`keras_symbolic.cli.output.finish`
(the one writer and printer). The SymbolNet options live in :mod:`keras_symbolic.cli.fit_symbolnet`.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from keras_symbolic.cli.errors import CLIError
from keras_symbolic.cli.fit_symbolnet import (
    add_symbolnet_arguments,
    reject_symbolnet_options,
    run_symbolnet_feynman,
    run_symbolnet_fit,
)
from keras_symbolic.cli.output import finish

__all__ = ["add_fit_parser", "add_common_arguments", "read_csv", "lies_config", "run_fit"]


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    """``--out``, ``--seed``, ``--quiet``, ``--verbose``."""
    p.add_argument("--out", type=Path, help="write the result folder here (result.json, pareto.csv, parity.png, model.keras)")
    p.add_argument("--seed", type=int, default=0, help="seed of the whole run (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--verbose", action="store_true", help="also print Keras's per-epoch lines")


def add_fit_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``fit`` (LIES options here, SymbolNet options from :mod:`~keras_symbolic.cli.fit_symbolnet`)."""
    fit = subparsers.add_parser("fit", help="fit a formula to a CSV table or to an AI Feynman equation")
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
    add_common_arguments(fit)
    add_symbolnet_arguments(fit)
    return fit


def read_csv(path: Path, target: str):
    """``(X, y, feature names)`` of a CSV file with a header row; bad input raises :class:`CLIError`."""
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


def lies_config(args):
    """The :class:`~keras_symbolic.pipelines.lies.LIESConfig` of the LIES options (bad values raise :class:`CLIError`)."""
    from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule

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


def run_fit(args) -> int:
    """``keras-symbolic fit``: returns the exit code; bad input raises :class:`CLIError`."""
    from keras_symbolic.datasets import UnknownEquationError
    from keras_symbolic.pipelines.evaluate import fit_feynman, fit_table
    from keras_symbolic.symbolic.transform import DataError

    if (args.data is None) == (args.feynman is None):
        raise CLIError("give either DATA.csv --target COLUMN or --feynman NAME")
    if args.samples is not None and args.samples < 10:
        raise CLIError(f"--samples must be at least 10, got {args.samples}")
    if args.method == "symbolnet":
        if args.feynman:
            return run_symbolnet_feynman(args)
        X, y, names = read_csv(args.data, args.target)
        return run_symbolnet_fit(args, X, y, names)
    reject_symbolnet_options(args)
    config = lies_config(args)
    verbose = 0 if args.quiet else (2 if args.verbose else 1)
    try:
        if args.feynman:
            result = fit_feynman(args.feynman, args.seed, args.samples, args.test_samples, config, verbose)
        else:
            X, y, names = read_csv(args.data, args.target)
            result = fit_table(X, y, names, args.seed, args.test_size, config, verbose)
    except (DataError, UnknownEquationError) as exc:
        raise CLIError(str(exc)) from None
    return finish(result, args.out)
