"""The sum-factor search: ``C prod x**a (1 + k u)**p`` fitted in log space over a formula's variables,
and the selection rule that lets a far more accurate candidate win."""
import time

import numpy as np
import pandas as pd
import pytest
import sympy as sp

from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.pipelines.selection import select_equation
from keras_symbolic.symbolic.sum_factor import monomials, sum_factor_search

m, v, c, g = sp.symbols("m v c gamma", positive=True)
SYMS = [m, v, c, g]


def _data(f, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(1, 5, n), rng.uniform(1, 2, n), rng.uniform(3, 10, n), rng.uniform(2, 5, n)])
    return X, sp.lambdify(SYMS, f, "numpy")(*X.T) * np.ones(n)


def _solved(candidates, truth):
    return [e for _, e in candidates if sp.simplify(e / truth).is_constant() and sp.simplify(e / truth) != 0]


@pytest.mark.parametrize("truth", [
    m / sp.sqrt(1 - v**2 / c**2),  # relativistic mass: u = v^2/c^2, k = -1, p = -1/2
    m * v / (g - 1),  # gamma - 1 = gamma (1 - 1/gamma): k < 0 needs u = 1/gamma, not gamma
    m * (1 + v / c) ** 2,
    v / c * sp.sqrt(1 - sp.pi**2 * v**2 / (9 * c**2)),  # k = -pi^2/9: a fraction times pi^2
])
def test_recovers_a_sum_inside_a_power_from_an_approximation(truth):
    X, y = _data(truth)
    # what the network hands over: the right variables, the wrong structure
    approximation = sp.Float(1.2) * sp.Mul(*[s ** sp.Float(0.1) for s in truth.free_symbols])
    candidates, info = sum_factor_search(approximation, X, y, SYMS)
    assert info["tried"] > 0 and _solved(candidates, truth), [str(e) for _, e in candidates]
    exact = _solved(candidates, truth)[0]
    assert not exact.atoms(sp.Float), exact  # exponents, k and scale all snapped


def test_plain_power_law_is_offered_first_with_rounded_exponents():
    truth = 4 * sp.pi * m * v**2 / c
    X, y = _data(truth)
    candidates, _ = sum_factor_search(m * v * c, X, y, SYMS)
    what, first = candidates[0]
    assert what == "power law" and sp.simplify(first - truth) == 0


def test_only_the_formulas_variables_are_used_and_bad_data_is_declined():
    X, y = _data(m / (1 + v))
    candidates, _ = sum_factor_search(m * v, X, y, SYMS)
    assert all(e.free_symbols <= {m, v} for _, e in candidates)
    # mixed-sign targets or a non-positive variable: no log-space fit, an empty answer and a reason
    out, info = sum_factor_search(m * v, X, y - y.mean(), SYMS)
    assert out == [] and "sign" in info["message"]
    X_bad = X.copy()
    X_bad[0, 1] = -1.0
    out, info = sum_factor_search(m * v, X_bad, y, SYMS)
    assert out == [] and "positive" in info["message"]
    assert sum_factor_search(sp.Integer(3), X, y, SYMS)[0] == []


def test_negative_targets_and_the_time_bound():
    X, y = _data(-m / (1 + v / c))
    candidates, _ = sum_factor_search(m * v * c, X, y, SYMS)
    assert _solved(candidates, -m / (1 + v / c))
    t0 = time.perf_counter()
    _, info = sum_factor_search(m * v * c * g, X, y, SYMS, timeout=0.3)
    assert time.perf_counter() - t0 < 3.0 and info["message"]


def test_monomials_cover_one_to_three_variables_both_directions():
    pats = monomials(3, 3)
    assert ((0, 1),) in pats and ((0, -1),) in pats  # u and 1/u are different families when k < 0
    assert len(pats) == 3 * 4 + 3 * 16 + 64
    assert len(monomials(2, 1)) == 8


def test_selection_gain_lets_a_far_more_accurate_candidate_win():
    table = pd.DataFrame({"complexity": [9, 14, 30], "r2": [0.9991, 1 - 1e-14, 1 - 1e-15]})
    assert select_equation(table, 1e-3) == 0  # the plain rule: simplest within 1e-3
    assert select_equation(table, 1e-3, gain=1e-3, max_extra=10) == 1  # 30 is too large a step
    noisy = pd.DataFrame({"complexity": [9, 14], "r2": [0.95, 0.952]})
    assert select_equation(noisy, 1e-3, gain=1e-3) == 1 and select_equation(noisy, 1e-2, gain=1e-3) == 0


def test_config_switches():
    cfg = LIESConfig()
    assert cfg.simplify.sum_factor and cfg.selection_gain == 1e-3
    assert not cfg.ablate("rounding").simplify.sum_factor
    assert not cfg.ablate("coefficient_fit").simplify.sum_factor
    assert LIESConfig.from_dict(cfg.to_dict()) == cfg


def test_a_power_law_of_calendar_years_whose_scale_is_beyond_a_double_is_offered_not_raised():
    # two calendar years and daily counts: the log-space fit wants year**-222, a scale near 1e732
    rng = np.random.default_rng(0)
    year, day = sp.symbols("year day")
    X = np.column_stack([rng.choice([1961.0, 1962.0], 60), rng.uniform(1, 92, 60)])
    y = rng.poisson(20 + 0.1 * X[:, 1]).astype(float) + 1
    found, _ = sum_factor_search(year * day, X, y, [year, day])
    assert found and found[0][0] == "power law"
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(sp.lambdify((year, day), found[0][1])(X[:, 0], X[:, 1])))
