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
