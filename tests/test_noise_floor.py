"""The noise-level estimate (keras_symbolic.search.noise_floor): within a factor of 2 of the true
sigma on five functions of 1-4 variables at 1 % and 10 % noise, and small on clean rows."""
import numpy as np
import pytest

from keras_symbolic.search.noise_floor import noise_floor

RNG = np.random.default_rng(3)

FUNCTIONS = {
    "tanh": (lambda X: np.tanh(2 * X[:, 0]), 1),
    "sine-sum": (lambda X: np.sin(3 * X[:, 0]) + X[:, 1], 2),
    "gaussian": (lambda X: np.exp(-X[:, 0] ** 2 / X[:, 1]), 2),
    "product": (lambda X: X[:, 0] * X[:, 1] * X[:, 2], 3),
    "ratio": (lambda X: X[:, 0] / (1 + X[:, 1] ** 2) + X[:, 2] * X[:, 3], 4),
}


@pytest.mark.parametrize("level", [0.01, 0.1])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_estimate_is_within_a_factor_of_two_of_sigma(name, level):
    f, d = FUNCTIONS[name]
    X = RNG.uniform(1, 5, (5000, d))
    clean = f(X)
    sigma = level * np.sqrt(np.mean(clean**2))
    estimate = noise_floor(X, clean + RNG.normal(0, sigma, len(clean)))
    assert sigma / 2 <= estimate <= 2 * sigma


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_clean_rows_give_a_floor_well_below_one_percent(name):
    f, d = FUNCTIONS[name]
    X = RNG.uniform(1, 5, (5000, d))
    clean = f(X)
    assert noise_floor(X, clean) < 0.005 * np.sqrt(np.mean(clean**2))


def test_too_few_rows_give_nan_and_a_constant_target_zero():
    X = RNG.uniform(1, 5, (20, 3))
    assert np.isnan(noise_floor(X, X[:, 0]))
    assert noise_floor(RNG.uniform(1, 5, (500, 2)), np.ones(500)) == 0.0


def test_repeated_rows_do_not_break_the_estimate():
    """Rows of a real table repeat (a grid of doses): the local designs are then singular."""
    X = np.repeat(np.arange(1.0, 11.0), 50)[:, None]
    y = 2 * X[:, 0] + RNG.normal(0, 0.5, len(X))
    assert 0.25 <= noise_floor(X, y) <= 1.0


SEVERAL_COLUMNS = {
    "exp-and-product": (lambda X: X[:, 0] * np.exp(-X[:, 1] / X[:, 2]) + X[:, 3] * X[:, 4], 5),
    "two-triple-products": (lambda X: X[:, 0] * X[:, 1] * X[:, 2] + X[:, 3] * X[:, 4] * X[:, 5], 6),
    "ratio": (FUNCTIONS["ratio"][0], 4),
    "monomial-ratio": (lambda X: X[:, 0] * X[:, 1] * X[:, 2] / (X[:, 3] * X[:, 4]), 5),
    "sqrt-ratio": (lambda X: np.sqrt(X[:, 0] ** 2 + X[:, 1] * X[:, 2]) * X[:, 3] / X[:, 4], 5),
}


def _noisy(name, level, seed=5):
    f, d = SEVERAL_COLUMNS[name]
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 5, (8000, d))
    clean = f(X)
    sigma = level * np.sqrt(np.mean(clean**2))
    return X, clean + rng.normal(0, sigma, len(clean)), sigma


@pytest.mark.parametrize("name", ["exp-and-product", "two-triple-products", "ratio"])
def test_a_tenth_of_a_percent_on_four_to_six_columns_is_read_within_a_factor_of_two(name):
    """The local quadratic sees past curvature a local linear fit reads as noise (it read 2.3-8.4 sigma
    on these three)."""
    X, y, sigma = _noisy(name, 0.001)
    assert sigma / 2 <= noise_floor(X, y) <= 2 * sigma


@pytest.mark.parametrize("name", sorted(SEVERAL_COLUMNS))
def test_the_estimate_is_never_far_below_the_noise(name):
    """On strongly curved rows the estimate may exceed sigma (it is then the resolution of the rows), but
    it never reads clearly noisy rows as clean: a floor of 0 makes every noise-free test refuse them."""
    for level in (0.001, 0.01):
        X, y, sigma = _noisy(name, level)
        assert noise_floor(X, y) >= sigma / 2


def test_small_tables_fall_back_to_the_linear_fits(monkeypatch):
    """70 rows of 5 columns are too few for local quadratics (21 coefficients, 42 neighbours: 86 rows)
    but enough for the linear fits (28 neighbours: 58 rows), which then give a number of the right size."""
    from keras_symbolic.search import noise_floor as module

    calls = []
    linear = module._linear_extrapolated
    monkeypatch.setattr(module, "_linear_extrapolated", lambda *a: calls.append(a) or linear(*a))
    X = RNG.uniform(1, 5, (70, 5))
    y = X[:, 0] + 2 * X[:, 1] - X[:, 2] + X[:, 3] * X[:, 4] / 5 + RNG.normal(0, 0.3, 70)
    assert 0.1 <= noise_floor(X, y) <= 0.9
    assert len(calls) == 1


@pytest.mark.parametrize("name", sorted(SEVERAL_COLUMNS))
def test_clean_rows_of_four_to_six_columns_are_not_read_as_noisy(name):
    """Below NOISY the engine keeps its clean-row settings; the linear extrapolation read a quarter of
    the clean AI Feynman tables as noisy."""
    from keras_symbolic.search.noise_floor import NOISY

    f, d = SEVERAL_COLUMNS[name]
    X = np.random.default_rng(5).uniform(1, 5, (8000, d))
    clean = f(X)
    assert noise_floor(X, clean) < NOISY / 4 * np.sqrt(np.mean(clean**2))
