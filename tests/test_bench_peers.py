"""Live peers (pyoperon, gplearn): conversion of their models to SymPy and one quick scored run each."""
import numpy as np
import pytest
import sympy as sp

from keras_symbolic.bench.feynman import feynman_data
from keras_symbolic.bench.peers import gplearn_to_sympy, operon_to_sympy, run_peer
from keras_symbolic.datasets import get_feynman_equation


def test_gplearn_program_conversion_uses_the_equation_symbols():
    m, v = sp.symbols("m v", positive=True)
    # mul(0.5, mul(X0, mul(X1, X1)))  ->  0.5*m*v**2
    program = [("mul", 2), 0.5, ("mul", 2), 0, ("mul", 2), 1, 1]
    assert sp.simplify(gplearn_to_sympy(program, [m, v]) - 0.5 * m * v**2) == 0
    # Protected operators become their plain forms: div, sqrt(|x|), log(|x|), inv.
    program = [("add", 2), ("div", 2), 0, 1, ("add", 2), ("sqrt", 1), 0, ("sub", 2), ("log", 1), 1, ("inv", 1), 0]
    expr = gplearn_to_sympy(program, [m, v])
    assert sp.simplify(expr - (m / v + sp.sqrt(m) + sp.log(v) - 1 / m)) == 0
    with pytest.raises(ValueError, match="missing arguments"):
        gplearn_to_sympy([("add", 2), 0], [m, v])
    with pytest.raises(ValueError, match="feature X5"):
        gplearn_to_sympy([5], [m, v])
    with pytest.raises(ValueError, match="no SymPy form"):
        gplearn_to_sympy([("weird", 1), 0], [m, v])


def test_operon_string_conversion():
    lam, E = sp.symbols("lambda E", positive=True)  # names that clash with Python/SymPy are safe
    text = "(1.5 + (2.0 * (ksvar0_ ^ 2))) / sqrt(square(ksvar1_)) + aq(ksvar0_, ksvar1_) + exp(log(ksvar1_))"
    expr = operon_to_sympy(text, [lam, E])
    truth = (1.5 + 2 * lam**2) / E + lam / sp.sqrt(1 + E**2) + E
    assert sp.simplify(expr - truth) == 0
    with pytest.raises(ValueError, match="unknown names"):
        operon_to_sympy("ksvar0_ + zz", [lam, E])


@pytest.mark.parametrize("method", ["gplearn", "operon"])
def test_quick_peer_run_is_scored_like_lies(method):
    pytest.importorskip({"gplearn": "gplearn", "operon": "pyoperon"}[method])
    eq = get_feynman_equation("I.12.1")
    X_tr, y_tr, X_te, y_te = feynman_data(eq, seed=0, samples=200, test_samples=300)
    record = run_peer(method, eq, X_tr, y_tr, X_te, y_te, seed=0, population=50, evaluations=500, time_budget=5,
                      solution_timeout=5)
    for field in ("expression", "latex", "complexity", "r2_train", "r2_test", "symbolic_solution",
                  "symbolic_solution_srbench", "solution_check", "wall_seconds", "phase_seconds", "config"):
        assert field in record
    assert record["method"] == method and record["equation"] == "I.12.1" and record["train_rows"] == 200
    assert set(record["phase_seconds"]) == {"fit", "conversion", "scoring"}
    free = {s.name for s in sp.sympify(record["expression"]).free_symbols}
    assert free <= {"mu", "Nn"}
    assert np.isfinite(record["r2_test"]) and record["r2_test"] > 0.5  # F = mu*Nn is easy
    assert abs(record["r2_test"] - record["r2_test_expression"]) < 1e-3  # the SymPy form is the model
