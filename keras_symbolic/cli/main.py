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

from keras_symbolic.cli.baseline import add_baseline_parser, run_baseline
from keras_symbolic.cli.bench import add_bench_parser, run_bench
from keras_symbolic.cli.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, CLIError
from keras_symbolic.cli.fit import add_fit_parser, run_fit
from keras_symbolic.cli.hls import add_hls_parser, run_hls
from keras_symbolic.cli.interrupts import interrupted, keep_interrupts
from keras_symbolic.pipelines.quiet_import import import_keras_quietly

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The ``keras-symbolic`` parser: one sub-command per module of :mod:`keras_symbolic.cli`."""
    parser = argparse.ArgumentParser(
        prog="keras-symbolic", description="Discover compact formulas from data with neural networks (LIES, SymbolNet)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_fit_parser(sub)
    add_bench_parser(sub)
    add_hls_parser(sub)
    add_baseline_parser(sub)
    return parser


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    # bench and baseline run Keras only in their child processes, except bench realdata (its folds run here);
    # fit imports it once its options and table are checked (a refusal comes at once)
    if args.command not in ("bench", "baseline", "fit") or getattr(args, "bench_command", None) == "realdata":
        import_keras_quietly()
    started = time.perf_counter()
    try:
        with keep_interrupts():
            if args.command == "fit":
                return run_fit(args)
            if args.command == "bench":
                return run_bench(args, sys.argv[1:] if argv is None else argv)
            if args.command == "hls":
                return run_hls(args)
            if args.command == "baseline":
                return run_baseline(args)
            parser.error(f"unknown command {args.command}")
    except CLIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, Exception) as exc:
        # also a library's own error made out of a Ctrl-C (interrupts.py)
        if not isinstance(exc, KeyboardInterrupt) and not interrupted():
            raise
        print(f"interrupted after {time.perf_counter() - started:.0f} s; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
