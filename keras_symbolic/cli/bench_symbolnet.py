"""``keras-symbolic bench symbolnet``: the SymbolNet / EQL scans on MNIST, LHC jets and SVHN.

    keras-symbolic bench symbolnet --dataset mnist|lhc|svhn [--method symbolnet|eql|symbolnet,eql]
        [--grid FILE] [--trials N] [--epochs N] [--jobs N] [--scheduler ADDRESS] [--out DIR]

Registered in :mod:`keras_symbolic.cli.bench`. Runs go through the shared runner
(:func:`keras_symbolic.bench.runner.run_tasks`): one JSON line per finished model in
``OUT/runs.jsonl``, the same command resumes, ``--jobs`` / ``--scheduler`` run them in parallel.
Ends with the summary (:func:`keras_symbolic.bench.symbolnet_report.summarize_symbolnet`).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import socket
from pathlib import Path

from keras_symbolic.cli.errors import EXIT_INTERRUPTED, CLIError
from keras_symbolic.cli.sweep import check_jobs_and_retry, execute_tasks, finished_line, pending_tasks

__all__ = ["add_symbolnet_parser", "run_symbolnet_bench"]


def add_symbolnet_parser(sub) -> argparse.ArgumentParser:
    """Add ``symbolnet`` to the ``keras-symbolic bench`` sub-commands."""
    p = sub.add_parser(
        "symbolnet", help="SymbolNet and EQL scans on MNIST, LHC jets, SVHN: Pareto fronts, ROC, tables",
        description="Train SymbolNet / EQL models over the paper's scan ranges (or a grid file), one JSON line "
                    "per finished model in OUT/runs.jsonl; running the same command again resumes. Ends with "
                    "the summary (OUT/summary.md, pareto.png, roc_*.png, expressions_*.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--dataset", required=True, choices=["mnist", "lhc", "svhn"])
    p.add_argument("--method", default="symbolnet", help="comma-separated: symbolnet, eql")
    p.add_argument("--grid", type=Path, default=None, metavar="FILE",
                   help="YAML or JSON grid (common settings, ranges, or configuration lists); default: the "
                        "paper's Section IV-C ranges")
    p.add_argument("--trials", type=int, default=10,
                   help="configurations drawn per method (or repeats of each listed configuration)")
    p.add_argument("--seed", type=int, default=0, help="base seed (trial t: seed + t)")
    p.add_argument("--epochs", type=int, default=None, help="override every run's epochs")
    p.add_argument("--data", default=None, metavar="PATH",
                   help="local data: MNIST .npz, LHC table (.csv/.parquet/.arff/.npz), SVHN folder with the .mat files")
    p.add_argument("--max-train", type=int, default=None, help="use only the first N training rows (quick runs)")
    p.add_argument("--max-test", type=int, default=None, help="use only the first N test rows (quick runs)")
    p.add_argument("--jobs", type=int, default=1, help="runs at once on this machine")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler address (tcp://host:8786): run on that cluster instead of locally")
    p.add_argument("--deadline", type=float, default=None, metavar="SECONDS", help="per-run wall-clock limit")
    p.add_argument("--threads-per-run", type=int, default=None,
                   help="CPU threads per run (OMP/TF); default with --jobs J locally: cores / J")
    p.add_argument("--out", type=Path, default=None, help="results folder (default: bench-symbolnet-DATASET)")
    p.add_argument("--retry", default="", metavar="OUTCOMES", help="also rerun recorded error and/or timeout runs")
    p.add_argument("--dry-run", action="store_true", help="list what would run and exit")
    p.add_argument("--no-summary", action="store_true", help="do not write the summary at the end")
    p.add_argument("--quiet", action="store_true", help="no progress bar or per-run lines")
    return p


def _describe(record) -> str:
    head = f"{record.get('method')} trial {record.get('trial')}: "
    if record.get("outcome") != "ok":
        return head + f"{record.get('outcome')}: {record.get('error')}"
    sp = ", ".join(f"{k} {v:.3f}" for k, v in (record.get("sparsities") or {}).items())
    return (head + f"{record.get('score_name')} {record.get('score', float('nan')):.4f}, mean complexity "
            f"{record.get('complexity', float('nan')):.1f}, sparsity {sp}, {record.get('wall_seconds') or 0:.0f} s")


def run_symbolnet_bench(args, argv) -> int:
    """``keras-symbolic bench symbolnet``."""
    from keras_symbolic.bench.result_store import RUNS_FILE
    from keras_symbolic.bench.symbolnet import TARGET, SymbolNetBench, load_grid, symbolnet_tasks

    retry = check_jobs_and_retry(args)
    try:
        grid = load_grid(args.grid) if args.grid is not None else {}
        methods = list(dict.fromkeys(m.strip().lower() for m in args.method.split(",") if m.strip()))
        bench = SymbolNetBench(dataset=args.dataset, methods=methods, trials=args.trials, seed=args.seed, grid=grid,
                               epochs=args.epochs, data_path=args.data, n_train=args.max_train,
                               n_test=args.max_test, deadline=args.deadline)
        tasks = symbolnet_tasks(bench)
    except (OSError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    out = args.out or Path(f"bench-symbolnet-{args.dataset}")
    runs = out / RUNS_FILE
    if args.dry_run:
        todo = pending_tasks(tasks, runs, retry)
        print(f"{len(tasks)} runs ({', '.join(bench.methods)} x {bench.trials} trial(s) on {bench.dataset}); "
              f"{len(tasks) - len(todo)} recorded in {runs}, {len(todo)} to run")
        for task in todo[:20]:
            print(f"  {task.key}  {json.dumps(task.spec['config'], sort_keys=True)[:150]}")
        return 0
    def log_invocation(n_todo):
        with open(out / "invocations.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps({
                "argv": ["keras-symbolic", *argv], "host": socket.gethostname(),
                "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"), "tasks": len(tasks),
                "to_run": n_todo, "jobs": args.jobs, "scheduler": args.scheduler}) + "\n")

    report = execute_tasks(args, tasks, TARGET, out, retry, deadline=bench.deadline,
                           description=f"symbolnet-{args.dataset}", describe=_describe, log_invocation=log_invocation)
    if report is None:
        return EXIT_INTERRUPTED
    print(finished_line(report, f"results in {runs}"))
    if not args.no_summary:
        from keras_symbolic.bench.symbolnet_report import summarize_symbolnet

        files = summarize_symbolnet(out)
        print(f"summary: {files['summary.md']}")
    return 0
