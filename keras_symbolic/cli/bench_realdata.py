"""``keras-symbolic bench realdata``: the engine against linear regression, gradient boosting, pyoperon
and gplearn on small real tables shipped inside installed packages (:mod:`keras_symbolic.bench.realdata`).

    keras-symbolic bench realdata [--tables dev|holdout|...|holdout10|trees,pressure] [--methods auto,linear,gbm,operon,gplearn]
        [--folds 5] [--budget 60] [--seed 0] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from keras_symbolic.cli.errors import CLIError

__all__ = ["add_realdata_parser", "run_realdata_bench"]


def add_realdata_parser(sub) -> argparse.ArgumentParser:
    """Add ``realdata`` to the ``keras-symbolic bench`` sub-commands."""
    from keras_symbolic.bench.realdata import METHODS

    p = sub.add_parser(
        "realdata", help="real tables (diabetes, R data sets): formulas vs linear regression, boosting, GP peers",
        description="K-fold test R^2 and size per table and method, one JSON line per fold in OUT/runs.jsonl "
                    "(the same command resumes); ends with OUT/summary.md and r2_vs_size.png.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--tables", default="dev",
                   help="comma-separated table names, or a set: dev (the development tables), or holdout, "
                        "holdout2 ... holdout10 (tables no rule was designed on)")
    p.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    p.add_argument("--budget", type=float, default=60.0,
                   help="seconds per fit: the engine's --time-budget and the peers' search time")
    p.add_argument("--seed", type=int, default=0, help="seed of the folds and of every method")
    p.add_argument("--out", type=Path, default=Path("bench-realdata"), help="results folder")
    return p


def run_realdata_bench(args) -> int:
    from keras_symbolic.bench.realdata import METHODS, TABLE_SETS, run_realdata, summary

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise CLIError(f"unknown method(s) {unknown}; choose from {', '.join(METHODS)}")
    if args.folds < 2:
        raise CLIError(f"--folds must be at least 2, got {args.folds}")
    if not args.budget > 0:
        raise CLIError(f"--budget must be a positive number of seconds, got {args.budget}")
    tables = [name for t in args.tables.split(",") if t.strip()
              for name in TABLE_SETS.get(t.strip(), (t.strip(),))]
    try:
        run_realdata(tables, methods, folds=args.folds, seed=args.seed, budget=args.budget, out=args.out)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    print(summary(args.out))
    print(f"wrote {args.out / 'summary.md'} and {args.out / 'r2_vs_size.png'}")
    return 0
