"""``keras-symbolic bench ...``: the reproduction and comparison harness on the command line.

    keras-symbolic bench feynman [--subset lies|all|NAME,...] [--method lies,operon,gplearn]
        [--trials N] [--samples N] [--jobs N] [--scheduler ADDRESS] [--deadline SECONDS]
        [--out DIR] [--ablate oversampling,gradient_pruning,rounding,coefficient_fit | table1] [--noise SIGMA]
    keras-symbolic bench symbolnet --dataset mnist|lhc|svhn [--method symbolnet,eql] [--grid FILE]
        [--trials N] [--epochs N] [--jobs N] [--scheduler ADDRESS] [--out DIR]
    keras-symbolic bench realdata [--tables trees,pressure,...] [--methods auto,linear,gbm,operon,gplearn]
        [--folds 5] [--budget 60] [--out DIR]
    keras-symbolic bench summary --out DIR

Registered by :func:`keras_symbolic.cli.build_parser` through :func:`add_bench_parser`.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import socket
import sys
from pathlib import Path

from keras_symbolic.cli.bench_realdata import add_realdata_parser, run_realdata_bench
from keras_symbolic.cli.bench_symbolnet import add_symbolnet_parser, run_symbolnet_bench
from keras_symbolic.cli.errors import EXIT_INTERRUPTED, CLIError
from keras_symbolic.cli.noise_option import add_noise_argument, noise_levels
from keras_symbolic.cli.sweep import check_jobs_and_retry, execute_tasks, finished_line, pending_tasks

__all__ = ["add_bench_parser", "run_bench"]

DEFAULT_OUT = Path("bench-feynman")


def add_bench_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``bench`` (with ``feynman`` and ``summary``) to the ``keras-symbolic`` sub-commands."""
    bench = subparsers.add_parser("bench", help="benchmarks: reproduce the papers and compare with other methods",
                                  description="Benchmarks: reproduce the papers' tables, compare with SRBench and live peers.")
    sub = bench.add_subparsers(dest="bench_command", required=True)

    fey = sub.add_parser(
        "feynman", help="LIES (and peers) on the AI Feynman equations: resumable sweep + summary",
        description="Run a method on AI Feynman equations, one JSON line per finished run in OUT/runs.jsonl; "
                    "running the same command again resumes. Ends with the summary (OUT/summary.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    fey.add_argument("--subset", default="lies",
                     help="'lies' (the paper's rule: 61 equations; add I.15.3t for SPEC's 62), 'all' (100), "
                          "or comma-separated names; mixes work: lies,I.15.3t")
    fey.add_argument("--method", default="lies", help="comma-separated: lies, auto (the discovery engine), operon (pyoperon), gplearn")
    fey.add_argument("--trials", type=int, default=3, help="trials per equation and method (seed = --seed + trial)")
    fey.add_argument("--seed", type=int, default=0, help="base seed")
    fey.add_argument("--samples", type=int, default=None, help="training rows (default: the schedule's, 10000)")
    fey.add_argument("--test-samples", type=int, default=10_000, help="held-out rows for the test R^2")
    add_noise_argument(fey, "every run's training rows; several levels separated by commas run one after the "
                            "other (0,0.001,0.01,0.1) and share one --out")
    fey.add_argument("--jobs", type=int, default=1, help="runs at once on this machine")
    fey.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="Dask scheduler address (tcp://host:8786): run on that cluster instead of locally")
    fey.add_argument("--deadline", type=float, default=None, metavar="SECONDS",
                     help="per-run wall-clock limit: a run past it is killed and recorded as out of time")
    fey.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (runs.jsonl, summary)")
    fey.add_argument("--ablate", action="append", default=None, metavar="MODULES",
                     help="LIES modules to switch off together (oversampling,gradient_pruning,rounding,"
                          "coefficient_fit), 'none' for the full pipeline; repeat for several settings; "
                          "'table1' = the paper's Table I (full + each module off)")
    fey.add_argument("--network-cache", type=Path, default=None, metavar="DIR",
                     help="where LIES runs keep their trained networks, so the post-training ablations "
                          "(gradient_pruning, rounding, coefficient_fit) reuse the full run's network "
                          "(default: OUT/network-cache; with --scheduler, a folder every worker can reach)")
    fey.add_argument("--no-network-cache", action="store_true", help="train every LIES run from scratch")
    fey.add_argument("--schedule", choices=["reference", "paper"], default="reference",
                     help="LIES ADMM schedule: the authors' code values or the paper's")
    fey.add_argument("--epochs-scale", type=float, default=1.0, help="multiply every LIES phase's epochs (quick runs)")
    fey.add_argument("--lies-option", action="append", default=[], metavar="KEY=VALUE",
                     help="override a LIESConfig field, dotted for nested ones (max_formula_nodes=100, "
                          "oversampling.max_iter=1); repeatable")
    fey.add_argument("--auto-option", action="append", default=[], metavar="KEY=VALUE",
                     help="a field of the engine's AutoConfig for --method auto (repeatable), e.g. denoise=true")
    fey.add_argument("--peer-population", type=int, default=1000, help="population size of operon and gplearn")
    fey.add_argument("--peer-evaluations", type=int, default=500_000,
                     help="evaluation budget of operon and gplearn (SRBench's: 500k)")
    fey.add_argument("--peer-option", action="append", default=[], metavar="KEY=VALUE",
                     help="extra SymbolicRegressor argument of operon/gplearn (e.g. max_length=30); repeatable")
    fey.add_argument("--solution-timeout", type=float, default=10.0, help="SymPy seconds per symbolic check")
    fey.add_argument("--retry", default="", metavar="OUTCOMES",
                     help="also rerun recorded runs with these outcomes: error, timeout or error,timeout")
    fey.add_argument("--threads-per-run", type=int, default=None,
                     help="CPU threads per run (OMP/TF); default with --jobs J locally: cores / J")
    fey.add_argument("--dry-run", action="store_true", help="list what would run and exit")
    fey.add_argument("--no-summary", action="store_true", help="do not write the summary at the end")
    fey.add_argument("--quiet", action="store_true", help="no progress bar or per-run lines")

    add_symbolnet_parser(sub)
    add_realdata_parser(sub)

    summ = sub.add_parser("summary", help="(re)write the summary of a results folder",
                          description="Write summary.md, CSV tables and plots from OUT/runs.jsonl.")
    summ.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    summ.add_argument("--no-plots", action="store_true", help="tables only")
    summ.add_argument("--include", action="append", type=Path, default=[], metavar="DIR",
                      help="also summarise the runs of this results folder (e.g. peers run into another --out); repeatable")
    summ.add_argument("--model", action="append", default=[], metavar="KEY",
                      help="bench symbolnet: also write ROC curves and the expression table of this run; repeatable")
    return bench



def _ablations(values) -> list[str]:
    from keras_symbolic.bench.feynman import ablation_label
    from keras_symbolic.pipelines.lies_config import ABLATIONS

    out = []
    for value in values or ["none"]:
        value = value.strip()
        if value.lower() == "table1":
            labels = ["none", *ABLATIONS]
        else:
            try:
                labels = [ablation_label([v.strip() for v in value.split(",") if v.strip()])]
            except ValueError as exc:
                raise CLIError(str(exc)) from None
        out += [label for label in labels if label not in out]
    return out


def _bench_from_args(args):
    from keras_symbolic.bench.feynman import FeynmanBench, parse_options, resolve_equations
    from keras_symbolic.datasets import UnknownEquationError

    try:
        equations = [eq.name for eq in resolve_equations(args.subset)]
    except UnknownEquationError as exc:
        raise CLIError(str(exc)) from None
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    methods = [m.strip().lower() for m in args.method.split(",") if m.strip()]
    noise = noise_levels(args)
    try:
        bench = FeynmanBench(
            equations=equations, methods=list(dict.fromkeys(methods)), trials=args.trials, seed=args.seed,
            samples=args.samples, test_samples=args.test_samples, ablations=_ablations(args.ablate),
            schedule=args.schedule, epochs_scale=args.epochs_scale,
            lies_options=parse_options(args.lies_option), peer_population=args.peer_population,
            peer_evaluations=args.peer_evaluations, peer_options=parse_options(args.peer_option),
            auto_options=parse_options(args.auto_option),
            deadline=args.deadline, solution_timeout=args.solution_timeout,
            noise=noise[0] if len(noise) == 1 else tuple(noise),
            network_cache=None if args.no_network_cache else str((args.network_cache or args.out / "network-cache").resolve()),
        )
        bench.validate()
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.ablate and "lies" not in bench.methods:
        raise CLIError("--ablate switches off LIES modules; it needs --method lies")
    return bench


def _describe(record) -> str:
    name = f"{record.get('equation')} {record.get('method')}"
    if record.get("ablation") not in (None, "none"):
        name += f" (no {record['ablation']})"
    if record.get("noise"):
        name += f" at noise {record['noise']:g}"
    head = f"{name} trial {record.get('trial')}: "
    if record.get("outcome") != "ok":
        return head + f"{record.get('outcome')}: {record.get('error')}"
    r2 = record.get("r2_test")
    verdict = "solved" if record.get("symbolic_solution") else "not solved"
    r2_text = "n/a" if r2 is None else f"{r2:.4f}"
    expr = str(record.get("expression", ""))
    expr = expr if len(expr) <= 60 else expr[:57] + "..."
    return head + f"{verdict}, R^2 {r2_text}, {record.get('wall_seconds') or 0:.0f} s: {expr}"


def _log_invocation(out: Path, argv, bench, n_tasks, n_todo, args) -> None:
    entry = {
        "argv": ["keras-symbolic", *argv], "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "host": socket.gethostname(), "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "tasks": n_tasks, "to_run": n_todo, "deadline": bench.deadline, "jobs": args.jobs,
        "scheduler": args.scheduler,
        "noise": bench.noise_levels[0] if len(bench.noise_levels) == 1 else list(bench.noise_levels),
    }
    with open(out / "invocations.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def _print_overall(out: Path, include=()) -> None:
    from keras_symbolic.bench.summary_runs import load_runs
    from keras_symbolic.bench.summary_tables import overall_table

    overall = overall_table(load_runs(out, include))
    for row in overall.to_dict("records"):
        print(f"{row['method']:<40} {row['equations']:>3} equations, {row['runs']:>4} runs: "
              f"SSR {row['ssr_%']:.1f} %, R^2>0.99 {row['r2_gt_0.99_%']:.1f} %, R^2>0.999 {row['r2_gt_0.999_%']:.1f} %, "
              f"{row['timeouts']} out of time, {row['errors']} errors")


def _cmd_feynman(args, argv) -> int:
    from keras_symbolic.bench.feynman import TARGET, feynman_tasks
    from keras_symbolic.bench.result_store import RUNS_FILE

    retry = check_jobs_and_retry(args)
    bench = _bench_from_args(args)
    tasks = feynman_tasks(bench)
    if args.threads_per_run is not None and args.threads_per_run < 1:
        raise CLIError(f"--threads-per-run must be >= 1, got {args.threads_per_run}")
    out = args.out
    runs = out / RUNS_FILE
    if args.dry_run:
        todo = pending_tasks(tasks, runs, retry)
        levels = len(bench.noise_levels)
        print(f"{len(tasks)} runs ({len(bench.equations)} equations x {len(bench.methods)} method(s) x "
              f"{bench.trials} trial(s){f' x {levels} noise levels' if levels > 1 else ''}, "
              f"ablations {', '.join(bench.ablations)}, "
              f"noise {', '.join(f'{v:g}' for v in bench.noise_levels)}); "
              f"{len(tasks) - len(todo)} recorded in {runs}, {len(todo)} to run")
        for task in todo[:20]:
            print("  " + task.key)
        if len(todo) > 20:
            print(f"  ... and {len(todo) - 20} more")
        return 0
    report = execute_tasks(args, tasks, TARGET, out, retry, deadline=bench.deadline, description="feynman",
                           describe=_describe,
                           log_invocation=lambda n_todo: _log_invocation(out, argv, bench, len(tasks), n_todo, args))
    if report is None:
        return EXIT_INTERRUPTED
    print(finished_line(report, f"{len(tasks)} of {len(tasks)} recorded in {runs}"))
    if not args.no_summary:
        from keras_symbolic.bench.summary import summarize

        files = summarize(out)
        _print_overall(out)
        print(f"summary: {files['summary.md']}")
    return 0


def _cmd_summary(args) -> int:
    from keras_symbolic.bench.result_store import RUNS_FILE
    from keras_symbolic.bench.summary import summarize
    from keras_symbolic.bench.symbolnet_report import is_symbolnet_results, summarize_symbolnet

    if is_symbolnet_results(args.out / RUNS_FILE):  # a `bench symbolnet` folder
        try:
            files = summarize_symbolnet(args.out, plots=not args.no_plots, models=args.model)
        except KeyError as exc:
            raise CLIError(str(exc.args[0])) from None
        for name, path in files.items():
            print(f"wrote {path}")
        return 0

    for folder in args.include:
        if not (folder / RUNS_FILE).is_file():
            raise CLIError(f"--include {folder}: no {RUNS_FILE} there")
    try:
        files = summarize(args.out, plots=not args.no_plots, include=args.include)
    except FileNotFoundError as exc:
        raise CLIError(str(exc)) from None
    _print_overall(args.out, args.include)
    for name, path in files.items():
        print(f"wrote {path}")
    return 0


def run_bench(args, argv=None) -> int:
    """Dispatch ``keras-symbolic bench ...`` (``argv``: the command's arguments, for the run log)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if args.bench_command == "feynman":
        return _cmd_feynman(args, argv)
    if args.bench_command == "symbolnet":
        return run_symbolnet_bench(args, argv)
    if args.bench_command == "realdata":
        return run_realdata_bench(args)
    if args.bench_command == "summary":
        return _cmd_summary(args)
    raise CLIError(f"unknown bench command {args.bench_command}")
