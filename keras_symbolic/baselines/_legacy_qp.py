"""Legacy-Keras child process: QKeras 6-bit QAT + TFMOT pruning, hls4ml conversion, C simulation.

Run only as ``python -m keras_symbolic.baselines._legacy_qp --data FILE.npz --out DIR ...`` (the
launcher, :mod:`keras_symbolic.baselines.launcher`, does it). ``TF_USE_LEGACY_KERAS=1`` is set below
before TensorFlow is imported, so ``tf.keras`` is ``tf_keras`` (Keras 2), which QKeras 0.9 and
tensorflow-model-optimization need. Nothing else in keras_symbolic imports this module.

Models (SPEC 3, the SymbolNet paper's baselines):

* DNN (2-D inputs, LHC jets): dense 64, 32, 32, then one unit per class;
* CNN (image inputs, MNIST/SVHN): three blocks of 3x3 convolution (16, 16, 24 filters), ReLU and 2x2
  max-pooling, then dense 42, 64, then the output. No batch normalisation (kept out so that the C
  simulation is bit-exact; the hls4ml CNN paper's model has it).

Every weight and bias is ``quantized_bits(6, 0, alpha=1)`` (6 bits, no integer bit: ``ap_fixed<6,1>``),
every hidden activation ``quantized_relu(6)`` (``ap_ufixed<6,0>``, convergent rounding, saturation);
the output layer gives logits (softmax / sigmoid only in the loss). Pruning: polynomial decay to
``--sparsity`` (0.9) of every kernel during the first 70 % of the steps, then stripped.

Bit-exact C simulation. The inputs are quantised once to ``--input-precision`` (the type the firmware
reads), for training, the QKeras scores and the C simulation alike; the weights are written back
quantised (``model_save_quantized_weights``); every layer's accumulator and the output layer's result
are ``auto`` (hls4ml sizes them to hold every bit). Then the C simulation reproduces the QKeras
logits exactly (float32 holds these sums exactly), which ``report.json`` checks row by row.

hls4ml 1.3.0 picks its Keras-3 front end whenever Keras 3 is installed, even for a tf_keras model,
and fails on it; this module calls its Keras-2 converter (``keras_v2_to_hls``) directly, with a
configuration built by ``config_from_keras_model`` on the model's Keras-2 architecture.
"""
from __future__ import annotations

import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # before TensorFlow is imported: tf.keras -> tf_keras
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import warnings  # noqa: E402

import numpy as np  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)

DEFAULT_INPUT_PRECISION = {"image": "ap_fixed<10,2>", "table": "ap_fixed<16,6>"}
BITS = 6


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m keras_symbolic.baselines._legacy_qp")
    p.add_argument("--data", required=True, type=Path, help=".npz from keras_symbolic.baselines.data.save_for_child")
    p.add_argument("--dataset", default="data", help="name for the report")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--learning-rate", type=float, default=0.003)
    p.add_argument("--sparsity", type=float, default=0.9)
    p.add_argument("--input-precision", default=None, help="ap_fixed<W,I> of the firmware's input")
    p.add_argument("--csim-rows", type=int, default=10_000, help="test rows C-simulated (default 10000)")
    p.add_argument("--io-type", choices=["io_parallel", "io_stream"], default=None,
                   help="hls4ml I/O (default io_parallel for the DNN, io_stream for the CNN)")
    p.add_argument("--part", default="xcvu9p-flga2577-2-e")
    p.add_argument("--clock-period", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-compile", action="store_true")
    return p.parse_args(argv)


def quantize_inputs(X: np.ndarray, precision: str) -> np.ndarray:
    """Round ``X`` down to the grid of ``ap_fixed<W,I>`` and saturate to its range (float32)."""
    inner = precision.split("<", 1)[1].rstrip(">").split(",")
    width, integer = int(inner[0]), int(inner[1])
    lsb = 2.0 ** -(width - integer)
    lo, hi = -(2.0 ** (integer - 1)), 2.0 ** (integer - 1) - lsb
    return (np.clip(np.floor(np.asarray(X, np.float64) / lsb) * lsb, lo, hi)).astype(np.float32)


def build_model(input_shape, n_outputs: int):
    """The QKeras DNN (1-D input) or CNN (image input), see the module docstring."""
    import tf_keras as keras
    from qkeras import QActivation, QConv2D, QDense, quantized_bits, quantized_relu

    def q():
        return quantized_bits(BITS, 0, alpha=1)

    def dense(x, units, name, activation=True):
        x = QDense(units, kernel_quantizer=q(), bias_quantizer=q(), name=name)(x)
        return QActivation(quantized_relu(BITS), name=f"{name}_relu")(x) if activation else x

    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = inputs
    if len(input_shape) == 3:
        for k, filters in enumerate((16, 16, 24)):
            x = QConv2D(filters, (3, 3), kernel_quantizer=q(), bias_quantizer=q(), name=f"conv{k}")(x)
            x = QActivation(quantized_relu(BITS), name=f"conv{k}_relu")(x)
            x = keras.layers.MaxPooling2D((2, 2), name=f"pool{k}")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        widths = (42, 64)
    else:
        widths = (64, 32, 32)
    for k, units in enumerate(widths):
        x = dense(x, units, f"dense{k}")
    outputs = dense(x, n_outputs, "output", activation=False)
    return keras.Model(inputs, outputs, name="qp_cnn" if len(input_shape) == 3 else "qp_dnn")


def train(model, X, Y, args, binary: bool):
    """QAT with pruning to ``args.sparsity``; returns the stripped model and the seconds taken."""
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    import tf_keras as keras

    steps = int(math.ceil(len(X) / args.batch_size)) * args.epochs
    schedule = tfmot.sparsity.keras.PolynomialDecay(
        initial_sparsity=0.0, final_sparsity=args.sparsity, begin_step=0, end_step=max(1, int(0.7 * steps)),
        frequency=max(1, steps // 50))
    pruned = tfmot.sparsity.keras.prune_low_magnitude(model, pruning_schedule=schedule)
    loss = (keras.losses.BinaryCrossentropy(from_logits=True) if binary
            else keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    pruned.compile(optimizer=keras.optimizers.Adam(args.learning_rate), loss=loss)
    tf.random.set_seed(args.seed)
    start = time.perf_counter()
    pruned.fit(X, Y, epochs=args.epochs, batch_size=args.batch_size, shuffle=True, verbose=2,
               callbacks=[tfmot.sparsity.keras.UpdatePruningStep()])
    seconds = time.perf_counter() - start
    return tfmot.sparsity.keras.strip_pruning(pruned), seconds


class _ArchitectureWithWeights(dict):
    """The model's Keras-2 JSON architecture as a dict (so ``config_from_keras_model`` takes its
    Keras-2 path) that still answers ``get_layer`` (its weight reader asks for layers)."""

    def __init__(self, model):
        super().__init__(json.loads(model.to_json()))
        self.get_layer = model.get_layer


def hls_config(model, input_precision: str) -> dict:
    """Per-layer configuration for a bit-exact C simulation (see the module docstring)."""
    import hls4ml

    cfg = hls4ml.utils.config_from_keras_model(_ArchitectureWithWeights(model), granularity="name",
                                               default_precision="ap_fixed<16,6>")
    layers = cfg["LayerName"]
    layers[model.layers[0].name]["Precision"]["result"] = input_precision
    for name, layer_cfg in layers.items():
        precision = layer_cfg.setdefault("Precision", {})
        if "weight" in precision:
            precision["accum"] = "auto"
    return cfg


def convert(model, cfg: dict, out_dir: Path, io_type: str, part: str, clock_period: float):
    """hls4ml's Keras-2 converter, called directly (see the module docstring)."""
    from hls4ml.converters import _check_hls_config, _check_model_config
    from hls4ml.converters.keras_v2_to_hls import keras_v2_to_hls
    from hls4ml.utils.config import create_config

    config = create_config(output_dir=str(out_dir), project_name="qp", backend="Vivado", part=part,
                           clock_period=clock_period, io_type=io_type)
    config["KerasModel"] = model
    config["InputData"] = None
    config["OutputPredictions"] = None
    config["HLSConfig"] = {"Model": _check_model_config(cfg["Model"])}
    config["HLSConfig"]["Model"]["BitExact"] = None
    _check_hls_config(config, cfg)
    return keras_v2_to_hls(config)


@contextlib.contextmanager
def _to_log(path: Path):
    sys.stdout.flush()
    saved = os.dup(1)
    with open(path, "a") as log:
        os.dup2(log.fileno(), 1)
        try:
            with contextlib.redirect_stdout(log):
                yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def sparsity(model) -> dict:
    zeros = total = 0
    for layer in model.layers:
        for w in layer.get_weights()[:1]:  # kernels
            zeros += int((w == 0).sum())
            total += int(w.size)
    return {"kernel_zeros": zeros, "kernel_weights": total, "sparsity": zeros / total if total else 0.0}


def agreement(reference: np.ndarray, csim: np.ndarray) -> dict:
    diff = np.abs(reference.astype(np.float64) - csim.astype(np.float64))
    return {"rows": int(len(diff)), "max_abs_diff": float(diff.max()), "bit_exact_rows": float((diff.max(axis=1) == 0).mean()),
            "same_prediction": float((_predict(reference) == _predict(csim)).mean())}


def _predict(logits: np.ndarray) -> np.ndarray:
    return (logits[:, 0] > 0).astype(int) if logits.shape[1] == 1 else logits.argmax(axis=1)


def main(argv=None) -> int:
    args = parse_args(argv)
    import tensorflow as tf

    np.random.seed(args.seed)
    tf.random.set_seed(args.seed)
    tf.keras.utils.set_random_seed(args.seed)
    with np.load(args.data) as z:
        Xtr, ytr, Xte, yte = z["X_train"], z["y_train"], z["X_test"], z["y_test"]
        classes = [str(c) for c in z["classes"]]
        image_shape = tuple(int(v) for v in z["image_shape"]) if "image_shape" in z.files else ()
    is_image = len(image_shape) == 3
    input_precision = args.input_precision or DEFAULT_INPUT_PRECISION["image" if is_image else "table"]
    shape = image_shape if is_image else (Xtr.shape[1],)
    Xtr = quantize_inputs(Xtr, input_precision).reshape((len(Xtr),) + shape)
    Xte = quantize_inputs(Xte, input_precision).reshape((len(Xte),) + shape)
    binary = len(classes) == 2
    n_out = 1 if binary else len(classes)
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "legacy_child.log"

    model = build_model(shape, n_out)
    model, train_seconds = train(model, Xtr, ytr.astype("float32") if binary else ytr, args, binary)
    from qkeras.utils import model_save_quantized_weights

    with _to_log(log):
        model_save_quantized_weights(model)
    logits = model.predict(Xte, batch_size=1024, verbose=0).reshape(len(Xte), n_out)
    qkeras_acc = float((_predict(logits) == yte).mean())
    model.save(args.out / "qkeras_model.h5")
    report = {
        "baseline": "QKeras 6-bit QAT + TFMOT pruning",
        "dataset": args.dataset,
        "model": model.name,
        "layers": [layer.name for layer in model.layers],
        "parameters": int(model.count_params()),
        **sparsity(model),
        "classes": classes,
        "train_rows": int(len(Xtr)),
        "test_rows": int(len(Xte)),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.learning_rate,
        "target_sparsity": args.sparsity,
        "seed": args.seed,
        "input_precision": input_precision,
        "train_seconds": train_seconds,
        "qkeras_test_accuracy": qkeras_acc,
        "machine": f"{platform.machine()} {platform.system()}, {os.cpu_count()} cpus",
        "versions": _versions(),
    }
    if not args.no_compile:
        cfg = hls_config(model, input_precision)
        io_type = args.io_type or ("io_stream" if is_image else "io_parallel")
        project = args.out / "hls_project"
        start = time.perf_counter()
        with _to_log(log):
            hls_model = convert(model, cfg, project, io_type, args.part, args.clock_period)
            hls_model.write()
        convert_seconds = time.perf_counter() - start
        start = time.perf_counter()
        with _to_log(log):
            hls_model._compile()
        compile_seconds = time.perf_counter() - start
        rows = min(args.csim_rows, len(Xte))
        start = time.perf_counter()
        with _to_log(log):
            csim = np.asarray(hls_model.predict(np.ascontiguousarray(Xte[:rows].astype(np.float64))))
        predict_seconds = time.perf_counter() - start
        csim = csim.reshape(rows, n_out)
        report.update(
            hls_config=cfg,
            io_type=io_type,
            project=str(project),
            convert_seconds=convert_seconds,
            compile_seconds=compile_seconds,
            csim_rows=rows,
            csim_predict_seconds=predict_seconds,
            csim_test_accuracy=float((_predict(csim) == yte[:rows]).mean()),
            qkeras_test_accuracy_same_rows=float((_predict(logits[:rows]) == yte[:rows]).mean()),
            csim_vs_qkeras=agreement(logits[:rows], csim),
        )
        tool = next((t for t in ("vitis_hls", "vivado_hls") if shutil.which(t)), None)
        report["synthesis"] = {"synthesised": False, "reason": (
            "vivado_hls / vitis_hls not on PATH: no synthesis, no resource or latency figures; the project is "
            "ready to synthesise" if tool is None else f"{tool} found: synthesise with hls/synthesize.sh {project}")}
    (args.out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(json.dumps({k: report.get(k) for k in ("qkeras_test_accuracy", "csim_test_accuracy", "csim_vs_qkeras",
                                                  "sparsity", "train_seconds", "convert_seconds", "compile_seconds")}))
    return 0


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("tensorflow-cpu", "tensorflow", "tf-keras", "qkeras", "tensorflow-model-optimization", "hls4ml"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return out


if __name__ == "__main__":
    sys.exit(main())
