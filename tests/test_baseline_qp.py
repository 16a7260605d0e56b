"""Compressed-NN baseline: a small QKeras model (6-bit QAT + pruning) trained in the legacy-Keras child
process converts with hls4ml, and its C simulation agrees with the QKeras model bit for bit on random
inputs (inputs on the input type's grid: see keras_symbolic/baselines/_legacy_qp.py)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from keras_symbolic.baselines.launcher import child_command, child_environment, missing_legacy_packages

pytestmark = pytest.mark.skipif(bool(missing_legacy_packages()),
                                reason=f"legacy baseline stack missing: {missing_legacy_packages()}")


def test_qkeras_model_csim_is_bit_exact(tmp_path):
    from keras_symbolic.baselines.data import save_for_child

    rng = np.random.default_rng(0)
    X = rng.normal(size=(900, 16)).astype("float32")
    y = (X @ rng.normal(size=(16, 5))).argmax(axis=1)
    data = save_for_child(tmp_path / "data.npz", X[:600], y[:600], X[600:], y[600:], list("abcde"), None)
    out = tmp_path / "run"
    proc = subprocess.run(child_command(data, out, "random", ["--epochs", "2", "--batch-size", "64", "--seed", "1"]),
                          env=child_environment(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    agree = report["csim_vs_qkeras"]
    assert agree["rows"] == 300
    assert agree["bit_exact_rows"] == 1.0 and agree["max_abs_diff"] == 0.0
    assert report["csim_test_accuracy"] == report["qkeras_test_accuracy"]
    assert report["sparsity"] == pytest.approx(0.9, abs=0.02)
    assert report["layers"][1:4] == ["dense0", "dense0_relu", "dense1"]
    assert (out / "hls_project" / "build_prj.tcl").is_file()


def test_core_package_never_imports_the_legacy_stack():
    code = (
        "import sys\n"
        "import keras_symbolic, keras_symbolic.baselines, keras_symbolic.baselines.launcher, keras_symbolic.baselines.data\n"
        "import keras_symbolic.cli.baseline, keras_symbolic.fpga\n"
        "bad = [m for m in ('tf_keras', 'qkeras', 'tensorflow_model_optimization') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_child_environment_selects_legacy_keras():
    env = child_environment({"PATH": "/usr/bin"})
    assert env["TF_USE_LEGACY_KERAS"] == "1"
    cmd = child_command("d.npz", "out", "mnist")
    assert cmd[:3] == [sys.executable, "-m", "keras_symbolic.baselines._legacy_qp"]
