"""The dimensionless-group test of the discovery engine (keras_symbolic.search.monomial_group): on
functions of the form ``x**b g(x**a)`` and on functions without it, with the exact function standing
in for the surrogate; and a table solved through the group on every backend."""
import numpy as np
import pytest
import sympy as sp

from keras_symbolic.search.monomial_group import group_direction, monomial_group

RNG = np.random.default_rng(0)
X = RNG.uniform(1.0, 4.0, size=(3000, 4))


def _run(f, X=X):
    return monomial_group(f, X, f(X))


def test_a_power_law_times_a_function_of_one_monomial_is_found():
    f = lambda X: X[:, 0] * X[:, 1] ** 2 / np.expm1(X[:, 1] * X[:, 2] / X[:, 3])  # noqa: E731
    group = _run(f)
    assert group is not None and group.violation < 1e-3
    a = np.array([float(q) for q in group.inner])
    assert np.allclose(a, [0, 1, 1, -1]) or np.allclose(a, [0, -1, -1, 1])
    # b is fixed up to a multiple of a: every candidate reproduces f / g
    outers = [[float(q) for q in b] for b in group.outers]
    assert [1.0, 2.0, 0.0, 0.0] in outers
    for b in outers:
        assert np.allclose(np.array(b) - [1, 2, 0, 0], (b[1] - 2) * a / a[1])


def test_direction_of_a_rough_surrogate_still_rounds():
    """A surrogate's derivatives are rough: a 0.3 % ripple on the function leaves the direction near
    (1, 1, -1, -1), and the raw rows confirm it."""
    f = lambda X: 1 / np.expm1(X[:, 0] * X[:, 1] / (X[:, 2] * X[:, 3]))  # noqa: E731
    rough = lambda X: f(X) * (1 + 0.003 * np.sin(7 * X.sum(axis=1)))  # noqa: E731
    direction = group_direction(rough, X[:1000])
    assert np.allclose(np.abs(direction), 1, atol=0.25)
    group = monomial_group(rough, X, f(X))
    assert group is not None and [float(q) for q in group.outers[0]] == [0, 0, 0, 0]


def test_a_wrong_direction_is_refined_on_the_raw_rows():
    """A surrogate that proposes ``x1**0.6`` (rounding to 2/3, which the raw rows refute) still leads to
    the group of the rows, ``x0 x1 / (x2 x3)``."""
    truth = lambda X: 1 / np.expm1(X[:, 0] * X[:, 1] / (X[:, 2] * X[:, 3]))  # noqa: E731
    wrong = lambda X: 1 / np.expm1(X[:, 0] * X[:, 1] ** 0.6 / (X[:, 2] * X[:, 3]))  # noqa: E731
    group = monomial_group(wrong, X, truth(X))
    assert group is not None
    assert np.allclose(np.abs([float(q) for q in group.inner]), 1)


@pytest.mark.parametrize("f", [
    lambda X: X[:, 0] + X[:, 1] + X[:, 2] + X[:, 3],  # a sum: two ratios, not one
    lambda X: np.sin(X[:, 0]) * X[:, 1] + X[:, 2] * X[:, 3],
    lambda X: X[:, 0] * X[:, 1] ** 2 / X[:, 3],  # a plain power law: the power-law solvers' job
], ids=["sum", "sine-sum", "power-law"])
def test_functions_without_one_group_are_refused(f):
    assert _run(f) is None


def test_a_column_or_target_that_changes_sign_is_refused():
    f = lambda X: 1 / np.expm1(X[:, 0] * X[:, 1])  # noqa: E731
    mixed = X.copy()
    mixed[::2, 0] *= -1
    assert monomial_group(f, mixed, f(mixed)) is None
    assert monomial_group(f, X, f(X) - np.median(f(X))) is None


@pytest.mark.backend
def test_a_table_in_one_group_is_solved_through_it():
    """Falling with quadratic drag, ``v = w tanh(g t / w)``: no term of the library, no split, one group."""
    from keras_symbolic.pipelines.auto import AutoConfig, run_auto

    X = np.random.default_rng(2).uniform(1, 5, size=(3000, 3))
    y = X[:, 0] * np.tanh(X[:, 1] * X[:, 2] / X[:, 0])
    config = AutoConfig(lies=False, surrogate_epochs=250, surrogate_seconds=300)
    result = run_auto(X, y, ["w", "g", "t"], config, verbose=0)
    w, g, t = sp.symbols("w g t")
    found = result.expression.xreplace({s: sp.Symbol(s.name) for s in result.expression.free_symbols})
    assert sp.simplify(found - w * sp.tanh(g * t / w)) == 0
    chosen = result.equations[result.equations["chosen"]]
    assert chosen["solver"].iloc[0].startswith("group")
    assert "one monomial group" in [step.get("test") for step in result.decomposition]


def _noisy(values, level, seed=1):
    rms = np.sqrt(np.mean(values**2))
    return values + np.random.default_rng(seed).normal(0.0, level * rms, values.shape)


# An exponential decay in one group: many rows of small |y|, so noise flips some of their signs and
# dominates their logarithms (the reason the unweighted test refused every noisy table).
_DECAY = lambda X: X[:, 0] * np.exp(-X[:, 1] * X[:, 2] / X[:, 3])  # noqa: E731


@pytest.mark.parametrize("level", [0.01, 0.1])
def test_noisy_rows_of_one_group_are_still_found(level):
    y = _noisy(_DECAY(X), level)
    group = monomial_group(_DECAY, X, y, noise=level)
    assert group is not None
    assert np.allclose(np.abs([float(q) for q in group.inner]), [0, 1, 1, 1])
    assert [1.0, 0.0, 0.0, 0.0] in [[float(q) for q in b] for b in group.outers]
    assert 0.5 < group.confidence <= 1.0


@pytest.mark.parametrize("level", [0.01, 0.1])
def test_noisy_rows_without_one_group_are_still_refused(level):
    f = lambda X: np.exp(-X[:, 0] / X[:, 1]) + X[:, 2] / X[:, 3]  # noqa: E731  two groups, a sum
    assert monomial_group(f, X, _noisy(f(X), level), noise=level) is None


def test_sign_flips_beyond_the_noise_are_refused():
    """A row of the minority sign that noise cannot explain (|y| far above the noise) refuses the
    table; with no noise level every such row does, as before."""
    y = _noisy(_DECAY(X), 0.01)
    assert np.any(y < 0)
    assert monomial_group(_DECAY, X, y) is None  # noise=0: any flipped row refuses
    y[0] = -np.max(np.abs(y))
    assert monomial_group(_DECAY, X, y, noise=0.01) is None


def test_a_floor_that_is_curvature_not_noise_does_not_hide_the_group():
    """Clean rows of Bose's ``1/(exp(h w/(2 pi k T)) - 1)`` (AI Feynman's ranges): a noise floor of 1-2 %
    (what the neighbours see of the curvature on clean rows of four variables) excuses so much
    residual that the power law looks as good as the group; the engine then runs the noise-free test."""
    from types import SimpleNamespace

    from keras_symbolic.pipelines.auto_group import group_candidates

    X = np.random.default_rng(0).uniform(1.0, 5.0, size=(3000, 4))
    f = lambda X: 1 / np.expm1(X[:, 0] * X[:, 1] / (2 * np.pi * X[:, 2] * X[:, 3]))  # noqa: E731
    y = f(X)
    assert monomial_group(f, X, y, noise=0.02) is None  # the noisy-row test alone misses it
    symbols = list(sp.symbols("h w k T"))
    progress = SimpleNamespace(message=lambda *a: None, phase_done=lambda *a: None)
    log = []
    rows = np.arange(len(y))
    found = group_candidates(f, X, y, symbols, rows[:2400], rows[2400:], SimpleNamespace(seed=0, max_terms=4), log,
                             progress, noise=0.02)
    assert any(step.get("test") == "one monomial group" for step in log)
    h, w, k, T = symbols
    assert any(sp.simplify(c.expression - 1 / (sp.exp(h * w / (2 * sp.pi * k * T)) - 1)) == 0 for c in found), \
        [str(c.expression) for c in found]


def test_the_decomposition_stops_at_a_group_candidate_that_leaves_only_noise():
    """On 1 % noise the law leaves residuals its neighbours cannot predict: the decomposition stops
    there. A formula that misses a smooth part does not stop it, nor does a law with a constant a little
    off on clean rows (its residuals are smooth)."""
    from types import SimpleNamespace

    from keras_symbolic.pipelines.auto_group import group_at_noise
    from keras_symbolic.search.direct_solvers import Candidate

    rows = np.arange(len(X))
    train, val = rows[:2400], rows[2400:]
    symbols = list(sp.symbols("a b c d", positive=True))
    a, b, c, d = symbols
    law = a * sp.exp(-b * c / d)
    progress = SimpleNamespace(message=lambda *args: None, phase_done=lambda *args: None)

    def stops(expr, y):
        log = []
        stopped = group_at_noise([Candidate(expr, "group", 1.0, 0.9)], X, y, symbols, train, val, log, progress)
        assert stopped == any("stopped_at_noise" in step for step in log)
        return stopped

    noisy = _noisy(_DECAY(X), 0.01)
    assert stops(law, noisy)
    assert not stops(law.xreplace({b: sp.Float(1.0001) * b}), noisy)  # a float left: the pieces may round it
    assert not stops(a * (1 - b * c / d / 2), noisy)  # a first-order approximation: structure left
    assert not stops(sp.Float(1.01) * law, _DECAY(X))  # clean rows: any miss is smooth
    assert not group_at_noise([], X, noisy, symbols, train, val, [], progress)
