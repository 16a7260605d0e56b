"""``keras-symbolic fit``: a formula for a CSV table or an AI Feynman equation, with any method.

    keras-symbolic fit DATA.csv --target COLUMN [--method auto|lies|symbolnet] [--out DIR] [--seed N]
    keras-symbolic fit --feynman NAME [--samples N] [--out DIR] [--seed N]

The command reads and checks the input, runs the method's pipeline, which returns a
:class:`~keras_symbolic.results.fit_result.FitResult`, and ends in :func:`keras_symbolic.cli.output.finish`
(the one writer and printer). The SymbolNet options live in :mod:`keras_symbolic.cli.fit_symbolnet`.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from keras_symbolic.cli.errors import CLIError
from keras_symbolic.cli.fit_symbolnet import (
    add_symbolnet_arguments,
    reject_symbolnet_options,
    run_symbolnet_feynman,
    run_symbolnet_fit,
)
from keras_symbolic.cli.fit_auto import LIES_ONLY, run_auto_fit
from keras_symbolic.cli.noise_option import add_noise_argument, noise_level
from keras_symbolic.cli.output import finish
from keras_symbolic.cli.table import parse_sep, read_table, sample_rows
from keras_symbolic.pipelines.quiet_import import import_keras_quietly

__all__ = ["add_fit_parser", "add_common_arguments", "read_csv", "load_table", "lies_config", "resolve_method", "run_fit", "DIVERGED_HINT"]

#: What to try when training still diverges after every restart (said after the error).
DIVERGED_HINT = ("try another --seed, more --restarts, {space}, or rescale/remove the columns with "
                 "extreme values")


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    """``--out``, ``--seed``, ``--quiet``, ``--verbose``."""
    p.add_argument("--out", type=Path, help="write the result folder here (result.json, pareto.csv, parity.png, model.keras)")
    p.add_argument("--seed", type=int, default=0, help="seed of the whole run (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--verbose", action="store_true", help="also print Keras's per-epoch lines")


def add_fit_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``fit`` (LIES options here, SymbolNet options from :mod:`~keras_symbolic.cli.fit_symbolnet`)."""
    fit = subparsers.add_parser("fit", help="fit a formula to a CSV table or to an AI Feynman equation")
    fit.add_argument("data", nargs="?", type=Path,
                     help="table with a header row (delimiter ',', ';', tab or whitespace, sniffed; see --sep)")
    fit.add_argument("--target", help="name of the target column of DATA (default: the last column)")
    fit.add_argument("--weights", metavar="COLUMN",
                     help="column of DATA holding per-row weights (--method auto; e.g. 1/sigma^2 of measurement "
                          "errors): every constant fit and score is weighted; the column is not a feature")
    fit.add_argument("--features", metavar="COL,...",
                     help="the feature columns of DATA, comma-separated (default: every column but the target, the "
                          "weights and those of --drop)")
    fit.add_argument("--drop", metavar="COL,...",
                     help="columns of DATA that are not features, comma-separated (labels, identifiers, dates)")
    fit.add_argument("--drop-missing", action="store_true",
                     help="leave out the rows of DATA with a missing cell in a column the fit uses (a note counts "
                          "them); without it such a table is refused")
    fit.add_argument("--sep", help="delimiter of DATA: ',', ';', 'tab', 'whitespace' or '|' (default: sniffed)")
    fit.add_argument("--feynman", metavar="NAME", help="use AI Feynman equation NAME (e.g. I.12.1) instead of a CSV")
    fit.add_argument("--samples", type=int, help="training rows drawn for --feynman (default 10000)")
    fit.add_argument("--test-samples", type=int, default=10_000, help="test rows drawn for --feynman (default 10000)")
    add_noise_argument(fit, "the training rows drawn for --feynman")
    fit.add_argument("--test-size", type=float, default=0.2, help="fraction of CSV rows held out for testing (default 0.2)")
    fit.add_argument("--method", choices=["auto", "lies", "symbolnet"], default=None,
                     help="auto (default): the discovery engine (any signs, zeros and noise; direct solvers, "
                          "a surrogate's decomposition, LIES; see ARCHITECTURE.md); lies; symbolnet. "
                          "Without --method, a LIES option (--schedule, --epochs-scale, --restarts, --ablate, "
                          "--linear-space) selects lies")
    fit.add_argument("--operators", default=None,
                     help="operators a formula may use (--method auto), e.g. '+,-,*,/,sin,exp'; from "
                          "+ - * / ^ square cube sqrt sin cos tan exp log abs tanh atan asin (default: all)")
    fit.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                     help="the engine's work in seconds of a 2-core reference machine (--method auto; default 60): "
                          "the search's evaluations, the surrogate's epochs and LIES's schedule scale with it, fixed "
                          "before each stage runs, so a seed gives the same formula on any machine load")
    fit.add_argument("--denoise", action="store_true",
                     help="(--method auto) on clearly noisy tables of at least 2000 rows, fit formulas to the "
                          "engine's surrogate network's values on the training rows; held-out rows stay raw")
    fit.add_argument("--schedule", choices=["reference", "paper"], default="reference",
                     help="ADMM schedule: the authors' code values (default) or the paper's")
    fit.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every phase's epochs (quick runs)")
    fit.add_argument("--restarts", type=int, default=None, help="initialisations tried for the first weak phase (default 3)")
    fit.add_argument("--ablate", default="", help="comma-separated modules to switch off: oversampling,gradient_pruning,rounding,coefficient_fit")
    fit.add_argument("--linear-space", action="store_true", help="train in linear space (for mixed-sign columns)")
    add_common_arguments(fit)
    add_symbolnet_arguments(fit)
    return fit


def read_csv(path: Path, target: str | None = None, sep: str | None = None):
    """``(X, y, feature names)`` of a table file (see :func:`keras_symbolic.cli.table.read_table`);
    bad input raises :class:`CLIError`."""
    table = read_table(path, target, sep)
    return table.X, table.y, table.names


def load_table(args):
    """The :class:`~keras_symbolic.cli.table.Table` of ``DATA`` for ``fit`` (``--target``, ``--sep``),
    sampled down to :data:`~keras_symbolic.cli.table.MAX_ROWS` rows; its notes go to stderr unless
    ``--quiet``. Every method reads its table here, so every method gets the same checks."""
    table = sample_rows(read_table(args.data, args.target, parse_sep(args.sep), getattr(args, "weights", None),
                                   getattr(args, "features", None), getattr(args, "drop", None),
                                   bool(getattr(args, "drop_missing", False))), args.seed)
    if not args.quiet:
        for note in table.notes:
            print(f"note: {note}", file=sys.stderr, flush=True)
    return table


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
    """``keras-symbolic fit``: returns the exit code; bad input raises :class:`CLIError`.

    The options and the table are checked before Keras is imported, so a refusal comes at once."""
    if (args.data is None) == (args.feynman is None):
        raise CLIError("give either DATA.csv [--target COLUMN] or --feynman NAME")
    if args.samples is not None and args.samples < 10:
        raise CLIError(f"--samples must be at least 10, got {args.samples}")
    if args.feynman and (args.target or args.sep or args.weights or args.features or args.drop or args.drop_missing):
        raise CLIError("--target, --sep, --weights, --features, --drop and --drop-missing are for a DATA file, "
                       "not --feynman")
    noise = noise_level(args)
    if noise and args.feynman is None:
        raise CLIError("--noise applies to --feynman only (a DATA file keeps the noise it has)")
    if noise and args.method == "symbolnet":
        raise CLIError("--noise applies to --method lies and auto only")
    args.method = resolve_method(args)
    if args.method != "auto" and (args.operators is not None or args.time_budget is not None or args.weights
                                  or args.denoise):
        raise CLIError("--operators, --time-budget, --weights and --denoise apply to --method auto only")
    if args.method == "lies":
        reject_symbolnet_options(args)
        config = lies_config(args)
    table = None if args.feynman else load_table(args)
    import_keras_quietly()
    if args.method == "auto":
        return run_auto_fit(args, lambda _: table, noise, 0 if args.quiet else 1)
    if args.method == "symbolnet":
        if args.feynman:
            return run_symbolnet_feynman(args)
        args.target = table.target
        return run_symbolnet_fit(args, table.X, table.y, table.names)
    from keras_symbolic.datasets import UnknownEquationError
    from keras_symbolic.pipelines.evaluate import fit_feynman, fit_table
    from keras_symbolic.pipelines.lies_training import TrainingDivergedError
    from keras_symbolic.symbolic.transform import DataError

    verbose = 0 if args.quiet else (2 if args.verbose else 1)
    try:
        if args.feynman:
            result = fit_feynman(args.feynman, args.seed, args.samples, args.test_samples, config, verbose,
                                 noise=noise)
        else:
            result = fit_table(table.X, table.y, table.names, args.seed, args.test_size, config, verbose)
    except (DataError, UnknownEquationError) as exc:
        raise CLIError(cli_words(str(exc))) from None
    except TrainingDivergedError as exc:
        space = "--linear-space" if config.log_space else "log space (without --linear-space) if every column has one sign"
        raise CLIError(f"{str(exc).split(';')[0]}; {DIVERGED_HINT.format(space=space)}") from None
    return finish(result, args.out)


def resolve_method(args) -> str:
    """``--method`` as given; without it ``auto``, unless a LIES option was given: then ``lies``, and a
    ``note:`` line says so (the option would otherwise be refused by the engine)."""
    if args.method is not None:
        return args.method
    given = [option for option, (attribute, unset) in LIES_ONLY.items() if getattr(args, attribute, unset) != unset]
    if not given:
        return "auto"
    if not args.quiet:
        print(f"note: {', '.join(given)} {'is a LIES option' if len(given) == 1 else 'are LIES options'}: "
              f"using --method lies", file=sys.stderr, flush=True)
    return "lies"


def cli_words(message: str) -> str:
    """A data error in the words of the command line (``--linear-space`` for ``log_space=False``)."""
    return message.replace("pass log_space=False", "pass --linear-space").replace("log_space=False", "--linear-space")
