"""Package-level guarantees."""
import subprocess
import sys


def test_symbolic_side_never_imports_keras():
    code = (
        "import sys\n"
        "import keras_symbolic.symbolic.simplify, keras_symbolic.symbolic.equivalence\n"
        "import keras_symbolic.symbolic.unroll, keras_symbolic.symbolic.pruning, keras_symbolic.symbolic.lies_extract\n"
        "import keras_symbolic.datasets\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules, sorted(m for m in sys.modules if 'keras' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_top_level_lazy_exports():
    import keras_symbolic

    assert keras_symbolic.LIESRegressor.__name__ == "LIESRegressor"
    assert "SymbolNetClassifier" in dir(keras_symbolic) or hasattr(keras_symbolic, "SymbolNetClassifier")


def test_the_estimator_keeps_tensorflows_start_up_lines_off_the_console():
    """Under JAX, Keras imports TensorFlow lazily in the middle of the surrogate's fit, and TensorFlow's C++
    start-up lines (absl, oneDNN) ignore TF_CPP_MIN_LOG_LEVEL: importing the estimators imports it first,
    quietly."""
    import os

    code = """
import numpy as np
from keras_symbolic import SymbolicRegressor
X = np.random.default_rng(0).uniform(1, 2, size=(300, 2))
y = np.tanh(X[:, 0] - 2 * X[:, 1]) + 0.01 * np.random.default_rng(1).standard_normal(300)
SymbolicRegressor(time_budget=5, lies=False, verbose=0).fit(X, y)
print("fitted")
"""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["KERAS_BACKEND"] = "jax"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "fitted" in run.stdout
    for chatter in ("oneDNN", "absl", "I0000", "Epoch"):
        assert chatter not in run.stderr + run.stdout, chatter
