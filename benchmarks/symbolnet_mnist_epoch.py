"""Seconds per epoch of SymbolNet on full MNIST with the authors' notebook configuration.

Configuration (SPEC 2.4, authors' notebook): 784 inputs in [0, 1], 10 one-hot outputs, MSE; one
symbolic layer of 20 unary (sin, cos, exp, gauss) + 5 binary (mul) units, then the 10 identity
output units; Adam lr 0.005, batch 256 (235 steps per epoch); targets input 0.95, weight 0.99,
unary 0.4, binary 0.4. The authors report about 1 s per epoch on a laptop CPU (TF 2, M1/M2 Mac).

The backend is the one of ``KERAS_BACKEND`` (tensorflow by default). Reported: the time of every
epoch and the median of the epochs after the first (which includes tracing / compilation).

Usage::

    KERAS_BACKEND=tensorflow python benchmarks/symbolnet_mnist_epoch.py --epochs 4
    KERAS_BACKEND=jax        python benchmarks/symbolnet_mnist_epoch.py --epochs 4
    # variants: --no-sparsity-guard --guard-every 10 --jit-compile true|false|auto  --steps-per-execution 16  --no-shuffle  --no-accuracy
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data" / "mnist" / "mnist.npz"


def load_mnist(path: Path):
    """Full MNIST from a Keras-layout ``.npz`` file: x/255 flattened to 784, one-hot labels."""
    with np.load(path) as data:
        x_train, y_train, x_test, y_test = (data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    x_train = (x_train.reshape(len(x_train), -1) / 255.0).astype("float32")
    x_test = (x_test.reshape(len(x_test), -1) / 255.0).astype("float32")
    eye = np.eye(10, dtype="float32")
    return x_train, eye[y_train], x_test, eye[y_test]


def _jit(value: str):
    return {"true": True, "false": False, "auto": "auto"}[value.lower()]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--jit-compile", type=_jit, default="auto")
    parser.add_argument("--steps-per-execution", type=int, default=1)
    parser.add_argument("--no-shuffle", action="store_true", help="do not shuffle rows between epochs")
    parser.add_argument("--no-accuracy", action="store_true", help="do not track accuracy (the authors do)")
    parser.add_argument("--no-sparsity-guard", action="store_true", help="the paper's method alone (no SparsityGuard)")
    parser.add_argument("--guard-every", type=int, default=1, help="SparsityGuard check every N batches")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--evaluate", action="store_true", help="also report test accuracy, sparsities, complexity")
    args = parser.parse_args(argv)

    import keras

    from keras_symbolic.callbacks.sparsity_guard import SparsityGuard
    from keras_symbolic.models.symbolnet_builder import build_symbolnet

    if not args.data.exists():
        sys.exit(f"MNIST file not found: {args.data} (pass --data PATH to a Keras-layout mnist.npz)")
    x_train, y_train, x_test, y_test = load_mnist(args.data)

    keras.utils.set_random_seed(args.seed)
    model = build_symbolnet(
        784,
        10,
        layers=[(20, 5)],
        unary=["sin", "cos", "exp", "gauss"],
        binary=["mul"],
        targets={"input": 0.95, "weight": 0.99, "unary": 0.4, "binary": 0.4},
    )
    metrics = [] if args.no_accuracy else [keras.metrics.CategoricalAccuracy(name="accuracy")]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.005),
        metrics=metrics,
        jit_compile=args.jit_compile,
        steps_per_execution=args.steps_per_execution,
    )

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    timer = EpochTimer()
    history = model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=not args.no_shuffle,
        verbose=args.verbose,
        callbacks=[timer] + ([] if args.no_sparsity_guard else [SparsityGuard(every=args.guard_every)]),
    )
    after_first = timer.seconds[1:] or timer.seconds
    result = {
        "backend": keras.backend.backend(),
        "jit_compile": str(model.jit_compile),
        "steps_per_execution": args.steps_per_execution,
        "sparsity_guard": None if args.no_sparsity_guard else {"every": args.guard_every},
        "shuffle": not args.no_shuffle,
        "accuracy_metric": not args.no_accuracy,
        "batch_size": args.batch_size,
        "steps_per_epoch": int(np.ceil(len(x_train) / args.batch_size)),
        "epoch_seconds": [round(s, 3) for s in timer.seconds],
        "median_epoch_seconds_after_first": round(statistics.median(after_first), 3),
        "ms_per_step": round(1000 * statistics.median(after_first) / np.ceil(len(x_train) / args.batch_size), 3),
        "final_logs": {k: round(float(v[-1]), 4) for k, v in history.history.items()},
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
    }
    if args.evaluate:
        from keras_symbolic.pipelines.symbolnet import unroll_model
        from keras_symbolic.symbolic.unroll import expressions_complexity

        pred = model.predict(x_test, batch_size=4096, verbose=0)
        start = time.perf_counter()
        exprs = unroll_model(model)
        result["unroll_seconds"] = round(time.perf_counter() - start, 3)
        result["test_accuracy"] = round(float(np.mean(pred.argmax(1) == y_test.argmax(1))), 4)
        result["sparsities"] = {k: round(v, 4) for k, v in model.sparsities().items()}
        result["mean_complexity"] = float(np.mean(expressions_complexity(exprs)))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
