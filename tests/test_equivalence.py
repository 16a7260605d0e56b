"""Symbolic-solution check (keras_symbolic.symbolic.equivalence): paper and SRBench rules."""
import time

import pytest
import sympy as sp

from keras_symbolic.datasets import get_feynman_equation
from keras_symbolic.symbolic import equivalence
from keras_symbolic.symbolic.equivalence import SolutionCheck, check_symbolic_solution, is_symbolic_solution
from keras_symbolic.symbolic.float_constants import normalize_floats, round_constants_srbench
from keras_symbolic.symbolic.parsing import parse_expression

MV = ["m", "v"]


# ----------------------------------------------------------------------------------------------
# The two tests of the definition
# ----------------------------------------------------------------------------------------------
def test_difference_zero_with_float_constant():
    result = check_symbolic_solution("0.5*m*v**2", "m*v**2/2", MV)
    assert result == SolutionCheck(True, "paper", "difference", 0.0, "symbolic", result.detail)


def test_hyperbolic_form_of_an_exponential_formula_counts():
    """``(tanh(u/2) + 1)/2`` is ``1/(1 + exp(-u))``: SymPy proves it only in exponentials."""
    box = {"K": (1, 5), "r": (0.5, 2), "t": (0.1, 4)}
    assert check_symbolic_solution("K*(tanh(r*t/2) + 1)/2", "K/(1 + exp(-r*t))", box).is_solution
    assert not check_symbolic_solution("K*(tanh(r*t/3) + 1)/2", "K/(1 + exp(-r*t))", box).is_solution


def test_difference_constant():
    result = check_symbolic_solution("m*v**2/2 + 3.7", "m*v**2/2", MV)
    assert result.is_solution and result.kind == "difference"
    assert result.constant == pytest.approx(-3.7)


def test_ratio_constant():
    result = check_symbolic_solution("1.0000001*m*v**2/2", "m*v**2/2", MV)
    assert result.is_solution and result.kind == "ratio"
    assert result.constant == pytest.approx(1 / 1.0000001)
    assert is_symbolic_solution("-2*m*v**2", "m*v**2/2", MV)  # a negative ratio is still a constant


def test_not_a_solution_is_rejected_numerically_fast():
    start = time.perf_counter()
    result = check_symbolic_solution("m*v**2/2 + v", "m*v**2/2", MV)
    assert not result.is_solution and result.method == "numeric" and result.kind is None
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("found", ["3.0", "0", "0*m + 2", sp.Integer(5)])
def test_constant_found_never_counts(found):
    result = check_symbolic_solution(found, "m*v**2/2", MV)
    assert not result.is_solution
    assert "constant" in result.detail


def test_constant_found_never_counts_even_if_truth_is_its_multiple():
    # truth/found with found = 0 would be zoo (a "constant" for a naive check).
    assert not is_symbolic_solution("0.0*m", "m", ["m"])


def test_needs_simplify():
    result = check_symbolic_solution("(x**2 - 1)/(x - 1)", "x + 1", ["x"])
    assert result.is_solution and result.method == "symbolic" and result.kind == "difference"
    assert is_symbolic_solution("sin(x)**2 + cos(x)**2 + x", "x", ["x"])


def test_float_rounding_residue_is_chopped():
    assert is_symbolic_solution("0.1*x + 0.2*x", "0.3*x", ["x"])


# ----------------------------------------------------------------------------------------------
# Exponents and floats
# ----------------------------------------------------------------------------------------------
def test_integral_float_exponent_equals_integer():
    assert is_symbolic_solution("x**2.0", "x**2", ["x"])
    assert is_symbolic_solution("3*x**2.0*y**0.5", "x**2*sqrt(y)", ["x", "y"])


@pytest.mark.parametrize("found", ["x**1.99", "x**2.01", "x**2.0000000001"])
def test_near_integer_exponent_is_not_integer(found):
    assert not is_symbolic_solution(found, "x**2", ["x"])


def test_normalize_floats_is_exact():
    x = sp.Symbol("x", positive=True)
    assert normalize_floats(x ** sp.Float(2.0)) == x**2
    assert normalize_floats(sp.Float(0.5) * x) == x / 2
    assert normalize_floats(x ** sp.Float(1.99)) == x ** sp.Float(1.99)
    assert normalize_floats(sp.Float(0.3) * x) == 3 * x / 10  # 0.3 is the double nearest 3/10
    assert normalize_floats(sp.Float(0.3001) * x) == sp.Float(0.3001) * x


# ----------------------------------------------------------------------------------------------
# SRBench rule
# ----------------------------------------------------------------------------------------------
def test_srbench_rounding():
    assert is_symbolic_solution("1.00004*x + 0.00003", "x", ["x"], rule="srbench")
    assert not is_symbolic_solution("1.00004*x + 0.00003", "x", ["x"], rule="paper")
    # Rounding can also break a solution the paper's rule accepts: x**1.0004 -> x**1.0.
    assert is_symbolic_solution("x**1.0004", "x", ["x"], rule="srbench")
    assert not is_symbolic_solution("x**1.0004", "x", ["x"], rule="paper")
    assert not is_symbolic_solution("x**1.004", "x", ["x"], rule="srbench")
    # A constant that rounds to 0 makes the found formula constant.
    assert not is_symbolic_solution("0.00001*x", "x", ["x"], rule="srbench")
    assert is_symbolic_solution("0.00001*x", "x", ["x"], rule="paper")


def test_round_constants_srbench_exact_decimals():
    x = sp.Symbol("x")
    rounded = round_constants_srbench(sp.Float(0.33333) * x + sp.Float(0.00002))
    assert rounded == sp.Rational(333, 1000) * x
    assert round_constants_srbench(sp.Float(0.79999) * x) == sp.Rational(4, 5) * x


def test_unknown_rule():
    with pytest.raises(ValueError, match="rule must be one of"):
        is_symbolic_solution("x", "x", ["x"], rule="strict")


# ----------------------------------------------------------------------------------------------
# Variables
# ----------------------------------------------------------------------------------------------
def test_variables_matched_by_name_with_truth_assumptions():
    m, v = sp.symbols("m v")  # plain, no assumptions
    truth = sp.Symbol("m", positive=True) * sp.Symbol("v", positive=True) ** 2 / 2
    assert is_symbolic_solution(sp.Float(0.5) * m * v**2, truth)
    # sqrt(v**2) == v only for positive v: the truth's assumptions are used.
    assert is_symbolic_solution(m * sp.sqrt(v**2) ** 2 * sp.sqrt(v**2) / v / 2, truth)


def test_names_like_lambda_and_gamma():
    assert is_symbolic_solution("lambda*gamma + E + 2.5", "lambda*gamma + E", ["lambda", "gamma", "E"])
    # A found formula using a variable the truth does not depend on is not a solution.
    assert not is_symbolic_solution("2.5*lambda*gamma + E", "lambda*gamma", ["lambda", "gamma", "E"])
    assert is_symbolic_solution("3*lambda/beta", "lambda/beta", ["lambda", "beta"])
    assert not is_symbolic_solution("lambda/beta + lambda", "lambda/beta", ["lambda", "beta"])
    expr = parse_expression("lambda*gamma*I*pi", ["lambda", "gamma", "I"])
    assert {s.name for s in expr.free_symbols} == {"lambda", "gamma", "I"} and expr.has(sp.pi)


def test_unknown_variable_in_found_is_an_error():
    with pytest.raises(ValueError, match=r"\['x0'\]"):
        check_symbolic_solution("x0*m", "m*v", MV)


def test_unparsable_string_is_an_error():
    with pytest.raises(ValueError, match="cannot parse"):
        check_symbolic_solution("m*(v", "m*v", MV)


# ----------------------------------------------------------------------------------------------
# Timeouts
# ----------------------------------------------------------------------------------------------
def _slow_simplify(expr):
    time.sleep(10)
    return expr


def test_timeout_with_numeric_evidence(monkeypatch):
    monkeypatch.setattr(equivalence, "_simplify", _slow_simplify)
    start = time.perf_counter()
    result = check_symbolic_solution("(x**2 - 1)/(x - 1)", "x + 1", ["x"], timeout=0.2)
    assert time.perf_counter() - start < 2.0
    assert result.is_solution and result.method == "numeric" and result.kind == "difference"
    assert "timed out" in result.detail
    assert result.constant == pytest.approx(0.0, abs=1e-9)


def test_timeout_rejected_when_asked(monkeypatch):
    monkeypatch.setattr(equivalence, "_simplify", _slow_simplify)
    result = check_symbolic_solution("(x**2 - 1)/(x - 1)", "x + 1", ["x"], timeout=0.2, on_timeout="reject")
    assert not result.is_solution and result.method == "timeout"


def test_timeout_without_enough_numeric_evidence(monkeypatch):
    monkeypatch.setattr(equivalence, "_simplify", _slow_simplify)
    # Numerically near-constant (spread ~1e-8 > rtol 1e-9) but not a solution: timeout -> False.
    result = check_symbolic_solution("(x**2 - 1)/(x - 1) + 1e-8*x", "x + 1", ["x"], timeout=0.2)
    assert not result.is_solution and result.method == "timeout"


def test_real_tiny_timeout_is_bounded():
    result = check_symbolic_solution("(x**2 - 1)/(x - 1)", "x + 1", ["x"], timeout=1e-6)
    assert result.is_solution and result.method in ("numeric", "symbolic")


# ----------------------------------------------------------------------------------------------
# Feynman truths
# ----------------------------------------------------------------------------------------------
SOLUTIONS = {
    "I.12.1": ("2.5*mu*Nn", "mu*Nn**1.01"),
    "I.14.3": ("m*g*z + 3", "m*g*z + 0.01*m"),
    "I.6.2a": ("0.39894*exp(-0.5*theta**2)", "0.39894*exp(-0.49*theta**2)"),
    "I.39.22": ("1.3806*n*kb*T/V", "n*kb*T/V + 0.001*n"),
    "I.48.2": ("m*c**3/sqrt(c**2 - v**2)", "m*c**3/sqrt(c**2 - 0.99*v**2)"),
    "I.34.14": ("omega_0*sqrt((c + v)/(c - v))", "omega_0*sqrt((c + v)/(c - 1.01*v))"),
}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_feynman_rescaled_truths(name):
    eq = get_feynman_equation(name)
    good, bad = SOLUTIONS[name]
    assert is_symbolic_solution(good, eq), good
    assert is_symbolic_solution(good, eq.sympy_expr), good  # plain expression, default ranges
    assert not is_symbolic_solution(bad, eq), bad
    assert is_symbolic_solution(eq.formula, eq)  # itself
    assert is_symbolic_solution(f"7.25*({eq.formula})", eq, rule="srbench")


def test_ranges_give_variables_their_sign():
    """A positive range makes a variable positive (``log(K/n) = log(K) - log(n)``); a range that
    reaches zero or below keeps it merely real (``sqrt(x**2)`` is not ``x`` there)."""
    r, n, K, x = sp.symbols("r n K x")
    box = {"r": (0.5, 2), "n": (1, 10), "K": (5, 20)}
    assert check_symbolic_solution(n * r * (sp.log(K) - sp.log(n)), "r*n*log(K/n)", box, rule="srbench",
                                   timeout=10).is_solution
    assert not check_symbolic_solution(x, "sqrt(x**2)", {"x": (-2, 2)}, rule="srbench", timeout=10).is_solution
    assert check_symbolic_solution(x, "sqrt(x**2)", {"x": (1, 2)}, rule="srbench", timeout=10).is_solution
