"""Train the authors' SymbolNet MNIST configuration (SPEC 2.4) and write a ``keras-symbolic fit``
result folder, plus the test rows as ``.npz``, for ``keras-symbolic hls`` (BENCHMARKS.md, FPGA section).

    KERAS_BACKEND=jax python benchmarks/fpga_mnist_symbolnet.py --out runs/mnist-symbolnet [--epochs 180] [--seed 0]
    keras-symbolic hls runs/mnist-symbolnet --data runs/mnist-symbolnet/mnist_rows.npz --precision "ap_fixed<18,10>"

Network: 784 inputs, one symbolic layer of 20 unary (sin, cos, exp, gauss) + 5 binary (mul) units,
10 outputs; Adam 0.005, batch 256; targets input 0.95 / weight 0.99 / unary 0.4 / binary 0.4.
``mnist_rows.npz`` holds ``X_train`` (the training rows: they set the lookup-table ranges), ``X_test``
and ``y_test`` (scored).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--epochs", type=int, default=180)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mnist", type=Path, default=None, help="Keras-layout mnist.npz (default: the shared copy)")
    a = p.parse_args(argv)
    from keras_symbolic.baselines.data import load_baseline_data
    from keras_symbolic.cli.fit_symbolnet import run_symbolnet_split, symbolnet_parser

    Xtr, ytr, Xte, yte, classes, _ = load_baseline_data("mnist", a.mnist)
    args = symbolnet_parser().parse_args([
        "--task", "classification", "--layers", "1", "--units", "20", "--binary-units", "5",
        "--unary", "sin,cos,exp,gauss", "--binary", "mul", "--epochs", str(a.epochs), "--batch-size", "256",
        "--learning-rate", "0.005", "--targets", "input=0.95,weight=0.99,unary=0.4,binary=0.4",
        "--seed", str(a.seed), "--out", str(a.out)])
    names = [f"x{i}" for i in range(Xtr.shape[1])]
    info = {"source": "mnist (keras layout npz)", "target": "digit"}
    code = run_symbolnet_split(args, Xtr, ytr, Xte, yte, names, info)
    np.savez_compressed(a.out / "mnist_rows.npz", X_train=Xtr, X_test=Xte, y_test=yte)
    return code


if __name__ == "__main__":
    sys.exit(main())
