"""``keras-symbolic baseline qp``: the compressed-NN baseline (QKeras 6-bit QAT + TFMOT pruning to
~90 %), converted with hls4ml and C-simulated, in its own legacy-Keras process.

    keras-symbolic baseline qp --dataset mnist|lhc|svhn [--data PATH] [--epochs N] [--out DIR] [--seed N]

Writes ``DIR/report.json`` (QKeras and C-simulation accuracy, agreement row by row, sparsity, timings),
``DIR/qkeras_model.h5`` and ``DIR/hls_project``. Nothing here imports TensorFlow or the legacy stack;
see :mod:`keras_symbolic.baselines`. Bad input: ``error: ...`` and exit code 2.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from keras_symbolic.cli.errors import CLIError

__all__ = ["add_baseline_parser", "run_baseline"]


def add_baseline_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("baseline", help="compressed-NN baselines for the FPGA comparison (QKeras + TFMOT, hls4ml)")
    kinds = p.add_subparsers(dest="baseline", required=True)
    qp = kinds.add_parser("qp", help="QKeras 6-bit quantisation-aware training + pruning, hls4ml C simulation")
    qp.add_argument("--dataset", required=True, help="mnist, lhc or svhn (or any name with --data FILE.npz)")
    qp.add_argument("--data", type=Path, help="local data: MNIST/LHC/SVHN file or folder for the loaders, or an .npz "
                                               "with X_train, y_train, X_test, y_test")
    qp.add_argument("--epochs", type=int, default=10, help="training epochs (default 10)")
    qp.add_argument("--batch-size", type=int, default=256, help="batch size (default 256)")
    qp.add_argument("--learning-rate", type=float, default=0.003, help="Adam learning rate (default 0.003)")
    qp.add_argument("--sparsity", type=float, default=0.9, help="final pruning sparsity of the kernels (default 0.9)")
    qp.add_argument("--input-precision", help="ap_fixed<W,I> of the firmware input (default <10,2> images, <16,6> tables)")
    qp.add_argument("--csim-rows", type=int, default=10_000, help="test rows C-simulated (default 10000)")
    qp.add_argument("--out", type=Path, help="output folder (default baseline-qp-DATASET)")
    qp.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    qp.add_argument("--quiet", action="store_true", help="hide the child's training lines")
    return p



def run_baseline(args) -> int:
    from keras_symbolic.baselines.data import BaselineDataError
    from keras_symbolic.baselines.launcher import missing_legacy_packages, run_qp_baseline
    from keras_symbolic.fpga.fixed_point import parse_precision

    if args.epochs < 1:
        raise CLIError(f"--epochs must be at least 1, got {args.epochs}")
    if args.batch_size < 1:
        raise CLIError(f"--batch-size must be at least 1, got {args.batch_size}")
    if not 0.0 <= args.sparsity < 1.0:
        raise CLIError(f"--sparsity must be in [0, 1), got {args.sparsity}")
    if not args.learning_rate > 0:
        raise CLIError(f"--learning-rate must be positive, got {args.learning_rate}")
    if args.csim_rows < 1:
        raise CLIError(f"--csim-rows must be at least 1, got {args.csim_rows}")
    if args.input_precision:
        try:
            parse_precision(args.input_precision)
        except ValueError as exc:
            raise CLIError(f"--input-precision: {exc}") from None
    if args.data is not None and not args.data.exists():
        raise CLIError(f"data not found: {args.data}")
    if args.dataset not in ("mnist", "lhc", "svhn") and (args.data is None or args.data.suffix != ".npz"):
        raise CLIError(f"unknown data set '{args.dataset}': choose mnist, lhc or svhn, or give --data FILE.npz")
    missing = missing_legacy_packages()
    if missing:
        print(f"error: the baseline needs {', '.join(missing)}: pip install 'keras-symbolic[baselines,fpga]'",
              file=sys.stderr)
        return 1
    options = ["--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--learning-rate",
               str(args.learning_rate), "--sparsity", str(args.sparsity), "--csim-rows", str(args.csim_rows),
               "--seed", str(args.seed)]
    if args.input_precision:
        options += ["--input-precision", args.input_precision]
    out = args.out or Path(f"baseline-qp-{args.dataset}")
    try:
        code, report = run_qp_baseline(args.dataset, out, options, data_path=args.data, quiet=args.quiet)
    except BaselineDataError as exc:
        raise CLIError(str(exc)) from None
    if code != 0 or report is None:
        print(f"error: the baseline process failed (exit code {code}); see {out / 'legacy_child.log'}", file=sys.stderr)
        return 1
    agree = report.get("csim_vs_qkeras") or {}
    print(f"QKeras test accuracy : {report['qkeras_test_accuracy']:.4f} ({report['test_rows']} rows, "
          f"kernel sparsity {report['sparsity']:.3f})")
    if agree:
        print(f"C-sim test accuracy  : {report['csim_test_accuracy']:.4f} ({report['csim_rows']} rows; QKeras on the "
              f"same rows {report['qkeras_test_accuracy_same_rows']:.4f}); bit-exact rows {agree['bit_exact_rows']:.4f}, "
              f"max |diff| {agree['max_abs_diff']:.3g}")
        print(f"times                : train {report['train_seconds']:.0f} s, convert {report['convert_seconds']:.1f} s, "
              f"compile {report['compile_seconds']:.1f} s")
        print(f"synthesis            : not run: {report['synthesis']['reason']}" if not report["synthesis"]["synthesised"]
              else "synthesis            : done")
    print(f"report               : {out / 'report.json'}")
    return 0
