"""One column as a scale factor, ``y = x_j g(x_k)`` (issue 19): on two-column tables too small for the
decomposition's surrogate, the one-variable solvers fit ``y / x_j`` and the candidate is refitted on ``y``."""
import numpy as np
import sympy as sp

from keras_symbolic.pipelines.auto import AutoConfig, run_auto
from keras_symbolic.search.scale_factor import scale_factor_candidates

total, age = sp.symbols("total age")


def _counts(n=22, seed=0):
    """Counts out of totals that follow a logistic in age: ``total / (1 + exp(-(1.5 age - 20)))``."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.integers(80, 1000, n).astype(float), np.linspace(9, 17, n)])
    share = 1 / (1 + np.exp(-(1.5 * X[:, 1] - 20)))
    return X, X[:, 0] * share * (1 + 0.01 * rng.normal(size=n))


def test_a_count_out_of_a_total_is_the_total_times_a_one_variable_form():
    X, y = _counts()
    rows = np.arange(len(y))
    found = scale_factor_candidates(X, y, [total, age], rows, rows)
    assert found and all(c.solver == "scale factor" for c in found)
    best = max(found, key=lambda c: c.r2)
    assert best.r2 > 0.999
    ratio = sp.simplify(best.expression / total)
    assert total not in ratio.free_symbols and age in ratio.free_symbols  # total times g(age)


def test_only_a_one_signed_column_of_a_two_column_table_scales():
    X, y = _counts()
    rows = np.arange(len(y))
    assert scale_factor_candidates(X[:, :1], y, [total], rows, rows) == []
    assert scale_factor_candidates(np.column_stack([X, X[:, 1]]), y, [total, age, sp.Symbol("z")], rows, rows) == []
    crossing = X.copy()
    crossing[:, 0] -= 500  # totals of both signs: no scale factor in that column, age is still tried
    found = scale_factor_candidates(crossing, y, [total, age], rows, rows)
    assert all(sp.simplify(c.expression / age).free_symbols <= {total} for c in found)


def test_the_engine_answers_the_scaled_law_on_a_small_table():
    X, y = _counts()
    result = run_auto(X, y, ["total", "age"], AutoConfig(seed=0, time_budget=6, lies=False), verbose=0)
    chosen = result.equations.loc[result.equations["chosen"].astype(bool)].iloc[0]
    assert chosen["r2"] > 0.99
    tot = result.variables[0]
    assert tot not in sp.simplify(sp.sympify(chosen["expression"]) / tot).free_symbols
