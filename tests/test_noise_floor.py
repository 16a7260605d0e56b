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
