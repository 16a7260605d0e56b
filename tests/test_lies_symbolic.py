"""Pure NumPy/SymPy side of LIES: data transform, NumPy mirror gradients, pruning, oversampling grid."""
import numpy as np
import pytest
import sympy as sp

from keras_symbolic.pipelines.oversampling import CellGrid, oversample_rows
from keras_symbolic.symbolic.lies_extract import network_expression, used_units
from keras_symbolic.symbolic.lies_numpy import LIESWeights
from keras_symbolic.symbolic.pruning import prune_dead_nodes, prune_weights, sensitivities
from keras_symbolic.symbolic.transform import DataError, SpaceTransform, validate_xy


def random_weights(n=2, seed=0, units=("identity", "exp", "sin", "log")):
    rng = np.random.default_rng(seed)
    u = len(units)
    kernels = [rng.uniform(-0.6, 0.6, (n + 1 + u * k, u)) for k in range(n + 1)]
    bridges = [rng.uniform(-1, 1, u) for _ in range(n + 1)]
    return LIESWeights(kernels, bridges, rng.uniform(-1, 1, n + 1 + u * (n + 1)), 0.3, units)


# ------------------------------------------------------------------ transform and validation
def test_log_transform_round_trip_and_symbolic_inverse():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(1, 5, 100), -rng.uniform(2, 3, 100), rng.uniform(0.1, 1.0, 100)])
    y = -X[:, 0] * X[:, 2]
    t = SpaceTransform.fit(X, y, ["a", "b", "c"])
    assert list(t.signs) == [1, -1, 1] and t.target_sign == -1
    z = t.transform_X(X)
    assert np.abs(z).max() <= 1.0 + 1e-6
    # (0, 1] column: all logs negative, scaled by max |log|, no sign flip
    assert (z[:, 2] <= 0).all()
    syms = t.symbols()
    exprs = t.input_expressions(syms)
    got = np.column_stack([sp.lambdify(syms, e, "numpy")(*X.T) for e in exprs])
    np.testing.assert_allclose(got, z, rtol=1e-5, atol=1e-6)
    # f = sigma_y * exp(O): a network that outputs ln|y| reproduces y
    np.testing.assert_allclose(t.inverse_y(np.log(np.abs(y))), y)
    assert t.output_expression(sp.Integer(0)) == -1


def test_unscaled_inputs_are_raw_logs():
    X = np.random.default_rng(0).uniform(1, 5, (50, 2))
    t = SpaceTransform.fit(X, X[:, 0], scale_inputs=False)
    np.testing.assert_allclose(t.transform_X(X), np.log(X), rtol=1e-6)
    assert SpaceTransform.from_dict(t.to_dict()).to_dict() == t.to_dict()


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.ones((20, 2)) * np.nan, np.ones(20), "column 'x0' has 20 non-finite"),
        (np.ones((20, 2)), np.r_[np.inf, np.ones(19)], "target has 1 non-finite"),
        (np.ones(20), np.ones(20), "must be 2-D"),
        (np.ones((20, 2)), np.ones(19), "20 rows but y has 19"),
        (np.ones((5, 2)), np.ones(5), "too few rows: 5"),
        (np.ones((20, 2)), np.ones((20, 2)), "y must be 1-D"),
        (np.c_[np.linspace(-1, 1, 20), np.ones(20)], np.ones(20), "column 'x0' has both signs"),
        (np.c_[np.r_[0.0, np.ones(19)], np.ones(20)], np.ones(20), "column 'x0' contains 1 zero"),
        (np.ones((20, 2)), np.linspace(-1, 1, 20), "target has both signs"),
    ],
)
def test_bad_input_errors_name_the_problem(X, y, message):
    with pytest.raises(DataError, match=message):
        SpaceTransform.fit(X, y)


def test_mixed_signs_fine_in_linear_space():
    X = np.c_[np.linspace(-1, 1, 20), np.ones(20)]
    t = SpaceTransform.fit(X, np.linspace(-2, 2, 20), log_space=False)
    np.testing.assert_allclose(t.transform_X(X)[:, 0], X[:, 0], rtol=1e-6)
    assert "log_space=False" in str(pytest.raises(DataError, SpaceTransform.fit, X, np.ones(20)).value)


def test_transform_rejects_wrong_sign_at_predict_time():
    X = np.random.default_rng(0).uniform(1, 2, (20, 1))
    t = SpaceTransform.fit(X, X[:, 0])
    with pytest.raises(DataError, match="column 'x0' must be positive"):
        t.transform_X(-X)
    with pytest.raises(DataError, match="2 feature names given for 1 columns"):
        validate_xy(X, None, ["a", "b"])


# ------------------------------------------------------------------ NumPy mirror
def test_output_gradients_match_finite_differences():
    w = random_weights(2, seed=3)
    z = np.random.default_rng(1).uniform(0.1, 1.0, (7, 2))
    grads = w.output_gradients(z)
    eps = 1e-6
    for arr, g in zip(w.arrays(), grads):
        flat = arr.reshape(-1)
        for idx in range(0, flat.size, 3):
            saved = flat[idx]
            flat[idx] = saved + eps
            up = w.forward(z)
            flat[idx] = saved - eps
            down = w.forward(z)
            flat[idx] = saved
            np.testing.assert_allclose(g.reshape(len(z), -1)[:, idx], (up - down) / (2 * eps), rtol=1e-4, atol=1e-6)


def test_forward_checks_input_width():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        random_weights(2).forward(np.ones((3, 3)))


# ------------------------------------------------------------------ pruning
def test_gradient_and_exact_criteria_prune_negligible_weights():
    w = random_weights(1, seed=0)
    z = np.random.default_rng(0).uniform(0.1, 1.0, (50, 1))
    w.kernels[1][0, 2] = 1e-5  # tiny weight: negligible under both criteria
    for criterion in ("gradient", "exact"):
        sens = sensitivities(w, z, criterion)
        assert sens[2][0, 2] < 1e-3
        pruned, report = prune_weights(w, z, threshold=1e-3, criterion=criterion)
        assert pruned.kernels[1][0, 2] == 0.0
        assert report.nonzero_after < report.nonzero_before
        assert np.max(np.abs(pruned.forward(z) - w.forward(z))) < 0.05
    with pytest.raises(ValueError, match="criterion"):
        sensitivities(w, z, "magic")


def test_node_pruning_removes_dead_units_and_their_constants():
    w = random_weights(1, seed=1)
    w.bridges[0][1] = 0.0  # exp unit of layer 1 switched off by its bridge
    # log unit of layer 2 feeds nothing: zero its outgoing (output) weight
    d_in = w.kernels[1].shape[0]
    w.output_kernel[d_in + 3] = 0.0
    pruned = prune_dead_nodes(w)
    live = used_units(pruned)
    assert not live[0][1] and not live[1][3]
    assert np.all(pruned.kernels[0][:, 1] == 0) and np.all(pruned.kernels[1][:, 3] == 0)
    np.testing.assert_allclose(pruned.forward(np.ones((3, 1))), w.forward(np.ones((3, 1))))
    x = sp.Symbol("x", positive=True)
    expr = network_expression(pruned, [sp.log(x)])
    assert not any(isinstance(a, sp.Float) and abs(float(a) - np.log(5e-3)) < 1e-9 for a in expr.atoms(sp.Float))


def test_log_unit_with_no_inputs_is_its_cutoff_constant_not_log0():
    w = random_weights(1, seed=2)
    w.kernels[0][:, 3] = 0.0  # log unit of layer 1 receives nothing
    x = sp.Symbol("x", positive=True)
    expr = network_expression(w, [sp.log(x)])
    assert not expr.has(sp.zoo) and not expr.has(sp.nan)
    val = sp.lambdify([x], expr, "numpy")(np.array([1.5, 2.0]))
    np.testing.assert_allclose(val, w.forward(np.log([[1.5], [2.0]])), rtol=1e-6)


# ------------------------------------------------------------------ oversampling grid
def test_cell_grid_caps_cells_and_finds_worst_cell():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (2000, 4))
    grid = CellGrid(X, bins=8, min_rows_per_cell=30)
    assert grid.bins ** 4 <= 2000 / 30 and grid.bins >= 2
    X2 = rng.uniform(0, 1, (3000, 2))
    y = X2[:, 0] + X2[:, 1]
    pred = y.copy()
    bad = (X2[:, 0] > 0.875) & (X2[:, 1] > 0.875)
    pred[bad] += rng.normal(0, 1, bad.sum())
    grid2 = CellGrid(X2, bins=8, min_rows_per_cell=10)
    errors = grid2.cell_errors(X2, y, pred)
    X_new, y_new, info = oversample_rows(grid2, errors, X2, y, 90, rng)
    assert info["cell"] == grid2.n_cells - 1 and info["source"] == "resampled rows"
    assert X_new.shape == (90, 2) and (X_new >= 0.87).all()

    def sampler(n, low, high, rng):
        pts = rng.uniform(low, high, (n, 2))
        return pts, pts.sum(1)

    X_s, y_s, info_s = oversample_rows(grid2, errors, X2, y, 50, rng, sampler)
    assert info_s["source"] == "sampler" and (X_s >= np.array(info_s["low"]) - 1e-12).all()
