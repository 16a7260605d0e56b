"""Decomposition tests of the discovery engine (keras_symbolic.search.separability), each on a
function that has the property and on one that lacks it. Exact functions stand in for the surrogate
here, so a violation is ~0 (round-off) or clearly not."""
import numpy as np
import pytest

from keras_symbolic.search.separability import best_split, irrelevance, split_violation, symmetry_violation

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 3.0, size=(2000, 4))


def f_sum(X):
    return np.sin(X[:, 0]) * X[:, 1] + X[:, 2] ** 2 / X[:, 3]


def f_product(X):
    return (X[:, 0] + X[:, 1]) * np.cos(X[:, 2]) * X[:, 3] ** 2


def f_coupled(X):
    return np.sin(X[:, 0] * X[:, 2]) + X[:, 1] * X[:, 3]


def test_irrelevant_variable_is_found_and_a_relevant_one_is_not():
    f = lambda X: X[:, 0] * X[:, 1] + X[:, 2]  # noqa: E731 - column 3 unused
    assert irrelevance(f, X, 3) < 1e-12
    assert irrelevance(f, X, 2) > 0.05


@pytest.mark.parametrize("kind, f, group", [("add", f_sum, (0, 1)), ("mul", f_product, (0, 1))])
def test_split_holds_for_the_true_groups(kind, f, group):
    assert split_violation(f, X, group, kind) < 1e-12
    found, violation, _ = best_split(f, X, range(4), kind)
    assert violation < 1e-12
    assert set(found) in ({0, 1}, {0, 1, 2}, {0, 1, 3}, {0}, {0, 2, 3}, {0, 3}, {0, 2}) and 0 in found
    # the found groups really separate: the same identity holds for them
    assert split_violation(f, X, found, kind) < 1e-12


@pytest.mark.parametrize("kind", ["add", "mul"])
def test_no_split_for_a_coupled_function(kind):
    _, violation, _ = best_split(lambda X: np.sin(X[:, 0] * X[:, 1] + X[:, 2] * X[:, 3]), X, range(4), kind)
    assert violation > 1e-2


def test_additive_split_of_the_coupled_function_is_its_pairs():
    # sin(x0 x2) couples 0 with 2, x1 x3 couples 1 with 3: the only additive split is {0, 2} | {1, 3}
    group, violation, _ = best_split(f_coupled, X, range(4), "add")
    assert violation < 1e-12 and set(group) in ({0, 2}, {1, 3})
    assert split_violation(f_coupled, X, (0, 1), "add") > 1e-2
    assert best_split(f_coupled, X, range(4), "mul")[1] > 1e-2


def test_product_split_allows_signs_and_zeros():
    f = lambda X: np.sin(3 * X[:, 0]) * (X[:, 1] - 1.5)  # noqa: E731 - both factors change sign
    assert split_violation(f, X, (0,), "mul") < 1e-12
    assert split_violation(f, X, (0,), "add") > 1e-2


@pytest.mark.parametrize("kind, f", [
    ("difference", lambda X: 1 / (1 + (X[:, 0] - X[:, 1]) ** 2)),
    ("sum", lambda X: np.exp(-(X[:, 0] + X[:, 1]))),
    ("product", lambda X: np.sin(X[:, 0] * X[:, 1])),
    ("ratio", lambda X: np.sqrt(X[:, 0] / X[:, 1]) + X[:, 1] / X[:, 0]),
])
def test_symmetry_holds_and_the_others_do_not(kind, f):
    assert symmetry_violation(f, X, 0, 1, kind) < 1e-9
    others = [k for k in ("difference", "sum", "product", "ratio") if k != kind]
    assert all(symmetry_violation(f, X, 0, 1, k) > 1e-3 for k in others)


def test_bad_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        split_violation(f_sum, X, (0,), "div")
    with pytest.raises(ValueError, match="kind"):
        symmetry_violation(f_sum, X, 0, 1, "shift")


def test_product_up_to_a_constant_is_found_with_its_offset():
    f = lambda X: 2.5 + X[:, 0] * np.sin(X[:, 1])  # noqa: E731 - a product inside a sum
    assert split_violation(f, X[:, :2], (0,), "mul") > 1e-2
    group, violation, offset = best_split(f, X[:, :2], range(2), "mul")  # the offset version wins
    assert group == (0,) and violation < 1e-9 and offset == pytest.approx(2.5, rel=1e-6)


def test_all_splits_gives_each_kind_and_the_square_splits_only_where_it_holds():
    from keras_symbolic.search.separability import all_splits

    has = lambda X: np.sqrt(X[:, 0] ** 2 + X[:, 1] * X[:, 2] + np.sin(X[:, 3]) + 2)  # noqa: E731
    lacks = lambda X: np.sqrt(X[:, 0] * X[:, 1] + X[:, 2] * X[:, 3] + X[:, 0] * X[:, 3])  # noqa: E731 - a chain
    found = all_splits(has, X, range(4))
    assert set(found) == {"add", "mul", "mul_offset"}
    assert min(found["add"][1], found["mul"][1]) > 1e-3  # no plain split of the function itself
    square = lambda f: (lambda X: f(X) ** 2)  # noqa: E731
    group, violation, _ = all_splits(square(has), X, range(4), offset=False)["add"]
    assert violation < 1e-12 and set(group) in ({0}, {0, 3}, {0, 1, 2}, {1, 2}, {3}, {1, 2, 3})
    assert all_splits(square(lacks), X, range(4), offset=False)["add"][1] > 1e-2



@pytest.mark.backend
@pytest.mark.parametrize("level", [0.01, 0.1])
def test_on_noisy_rows_the_threshold_follows_the_surrogate_error(level):
    """On noisy rows the tests judge a surrogate fitted to them, and a split holds below
    ``split_factor * error + split_floor``, ``error`` the surrogate's error less the estimated noise
    (the engine's threshold): at 1 % and 10 % noise a sum splits under it and a product does not."""
    from keras_symbolic.models.surrogate import fit_surrogate
    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.auto_tolerances import tolerances
    from keras_symbolic.search.noise_floor import noise_floor

    config = AutoConfig()
    rng = np.random.default_rng(4)
    for f, separable in ((f_sum, True), (f_product, False)):
        clean = f(X)
        y = clean + rng.normal(0, level * np.sqrt(np.mean(clean**2)), len(clean))
        surrogate = fit_surrogate(X, y, seed=0, epochs=150)
        noise = noise_floor(X, y) / np.sqrt(np.mean(y**2))
        threshold = tolerances(config, surrogate.error, noise).split
        _, violation, _ = best_split(surrogate, X, range(4), "add")
        assert (violation <= threshold) == separable, (f.__name__, violation, threshold)


def test_a_poor_surrogate_does_not_open_every_split():
    """8 % surrogate error would set the threshold at 0.82: any structure would pass. The threshold
    stops at ``max_split_threshold``; an accurate surrogate's threshold is untouched."""
    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.auto_tolerances import tolerances

    config = AutoConfig()
    assert tolerances(config, 0.081, 0.0158).split == config.max_split_threshold == 0.25
    assert tolerances(config, 0.005, 0.0).split == pytest.approx(10 * 0.005 + 1e-3)


def test_a_product_up_to_a_constant_wins_only_when_it_is_far_clearer():
    """``1 + a b``: under a loose threshold a false sum (0.12) must not beat the offset product
    (0.0016); a clean plain split (below ``split_floor``) or a close call keeps the plain one."""
    from keras_symbolic.pipelines.auto_decomposition import _clearest

    add = (False, 0.12, "add", None, [0], 0.0)
    offset = (True, 0.0016, "mul", None, [1], 1.0)
    assert _clearest([add, offset], clean=1e-3) is offset
    assert _clearest([(False, 0.002, "add", None, [0], 0.0), (True, 0.001, "mul", None, [1], 1.0)], 1e-3)[0] is False
    assert _clearest([(False, 5e-4, "mul", None, [0], 0.0), (True, 1e-5, "mul", None, [0], 0.0)], 1e-3)[0] is False
    assert _clearest([offset], clean=1e-3) is offset


def test_an_ambiguous_split_is_also_solved_the_strict_way():
    """A well ``-a exp(-(x - m)**2 / (2 s**2))`` has a false product split ``{x, m} | {s}`` of violation
    0.04: a loose threshold (0.1, a surrogate whose 1 % error is the noise's) takes it and no candidate
    comes near the function. With a strict threshold beside it (0.0086) the violation is ambiguous, the
    piece is solved both ways, and the strict way (a difference symmetry, then one piece) is close."""
    import sympy as sp

    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.auto_decomposition import _anchor, _Piece, _solve_piece
    from keras_symbolic.pipelines.auto_tolerances import Tolerances
    from keras_symbolic.pipelines.progress import PhaseProgress
    from keras_symbolic.symbolic.evaluation import relative_rmse

    def well(X):
        return -X[:, 0] * np.exp(-(X[:, 1] - X[:, 2]) ** 2 / (2 * X[:, 3] ** 2))

    rng = np.random.default_rng(0)
    R = np.column_stack([rng.uniform(lo, hi, 1500) for lo, hi in [(1, 3), (-3, 3), (-1, 1), (0.5, 2)]])
    syms = sp.symbols("a x m s")
    strict = Tolerances(split=0.0086, piece=0.0077, keep=4)
    errors = {}
    for name, tol in (("loose", Tolerances(split=0.1, piece=0.03, keep=4)),
                      ("both", Tolerances(split=0.1, piece=0.03, keep=4, strict=strict))):
        log = []
        found = _solve_piece(_Piece(well, _anchor(R, well)), R, [0, 1, 2, 3], syms, 0, tol,
                             AutoConfig(search=False), log, PhaseProgress(0))
        errors[name] = min(relative_rmse(e, syms, R, well(R)) for e in found)
        assert any(entry.get("test") == "ambiguous" for entry in log) == (name == "both")
    assert errors["loose"] > 0.05 and errors["both"] < 0.01, errors


def test_the_strict_path_exists_only_when_the_noise_explains_the_surrogate_error():
    """1 % noise read by the floor, a surrogate error of 1.01 %: the error is the noise's, and a strict
    threshold (three times the error less the noise) stands beside the loose one. A clean table (floor
    far below the error) and a clearly noisy one (its own strict regime) have none."""
    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.auto_tolerances import tolerances

    config = AutoConfig()
    tol = tolerances(config, 0.0101, 0.0099)
    assert tol.split == pytest.approx(10 * 0.0101 + 1e-3)
    assert tol.strict.split == pytest.approx(3 * 0.0101 / 4 + 1e-3)  # sqrt(e^2 - n^2) < e/4: e/4
    assert tol.strict.piece < tol.piece / 3 and tol.strict.strict is None
    assert tolerances(config, 0.0101, 0.002).strict is None
    assert tolerances(config, 0.12, 0.1).strict is None
