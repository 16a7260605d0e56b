"""AI Feynman table, sampling, LIES subset and SRBench results (keras_symbolic.datasets.feynman)."""
import csv

import numpy as np
import pytest
import sympy as sp

from keras_symbolic.datasets import (
    FEYNMAN_TABLE_PATH,
    SRBENCH_GROUNDTRUTH_PATH,
    FeynmanEquation,
    UnknownEquationError,
    all_equations,
    feynman_name_from_srbench,
    get_feynman_equation,
    lies_subset,
    load_feynman_table,
    srbench_results,
)

# The six rows whose "# variables" column is wrong (SPEC 1.10): (table value, real count).
WRONG_COUNTS = {
    "I.18.12": (2, 3),
    "I.18.14": (3, 4),
    "I.38.12": (3, 4),
    "II.37.1": (6, 3),
    "III.10.19": (3, 4),
    "III.19.51": (4, 5),
}


def _raw_rows():
    with open(FEYNMAN_TABLE_PATH, newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["Filename"]]


# ----------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------
def test_table_has_100_equations_with_unique_names():
    table = load_feynman_table()
    assert len(table) == 100
    assert len({eq.name for eq in table}) == 100
    assert all(isinstance(eq, FeynmanEquation) for eq in table)
    assert [eq.name for eq in all_equations()] == [eq.name for eq in table]
    table.pop()  # a new list each call: the cache cannot be mutated
    assert len(load_feynman_table()) == 100


def test_packaged_table_is_the_shared_copy(shared_dir):
    shared = shared_dir / "data" / "feynman" / "FeynmanEquations.csv"
    assert FEYNMAN_TABLE_PATH.read_bytes() == shared.read_bytes()
    shared_srbench = shared_dir / "data" / "srbench" / "feynman_groundtruth.csv"
    assert SRBENCH_GROUNDTRUTH_PATH.read_bytes() == shared_srbench.read_bytes()


@pytest.mark.parametrize("name", sorted(WRONG_COUNTS))
def test_variable_count_comes_from_the_names(name):
    column, real = WRONG_COUNTS[name]
    eq = get_feynman_equation(name)
    row = next(r for r in _raw_rows() if r["Filename"] == name)
    named = [row[f"v{i}_name"] for i in range(1, 11) if row[f"v{i}_name"]]
    assert eq.n_variables == len(named) == real
    assert eq.declared_n_variables == int(row["# variables"]) == column
    assert eq.variables == tuple(named)


def test_only_six_rows_have_a_wrong_count():
    wrong = {eq.name for eq in load_feynman_table() if eq.declared_n_variables != eq.n_variables}
    assert wrong == set(WRONG_COUNTS)


def test_every_formula_parses_over_its_variables_and_samples_finite():
    for eq in load_feynman_table():
        assert eq.sympy_expr.free_symbols == set(eq.symbols), eq.name
        assert all(s.is_positive for s in eq.symbols)
        X, y = eq.sample(8, seed=0)
        assert np.all(np.isfinite(y)), eq.name


def test_pi_is_the_constant_and_arcsin_ln_parse():
    assert get_feynman_equation("I.6.2a").sympy_expr.has(sp.pi)
    assert get_feynman_equation("I.30.5").sympy_expr.has(sp.asin)
    assert get_feynman_equation("I.44.4").sympy_expr.has(sp.log)
    # "I" (current) in II.13.17 is a variable, not the imaginary unit.
    expr = get_feynman_equation("II.13.17").sympy_expr
    assert not expr.has(sp.I) and "I" in {s.name for s in expr.free_symbols}


def test_names_that_clash_with_python_or_sympy_are_variables():
    eq = FeynmanEquation("X.1", 0, "f", "lambda*gamma + E*I/beta + pi", ("lambda", "gamma", "E", "I", "beta"),
                         ((1.0, 2.0),) * 5)
    assert {s.name for s in eq.sympy_expr.free_symbols} == {"lambda", "gamma", "E", "I", "beta"}
    X = np.array([[1.0, 2.0, 3.0, 4.0, 2.0]])
    assert eq.evaluate(X)[0] == pytest.approx(1 * 2 + 3 * 4 / 2 + np.pi)


# ----------------------------------------------------------------------------------------------
# Sampling
# ----------------------------------------------------------------------------------------------
def test_i_12_1_matches_hand_computation():
    eq = get_feynman_equation("I.12.1")
    assert (eq.output, eq.formula, eq.variables) == ("F", "mu*Nn", ("mu", "Nn"))
    X, y = eq.sample(100, seed=3)
    np.testing.assert_allclose(y, X[:, 0] * X[:, 1], rtol=0, atol=0)


def test_i_6_2b_matches_hand_computation():
    eq = get_feynman_equation("I.6.2b")
    X, y = eq.sample(50, seed=1)
    sigma, theta, theta1 = (X[:, j] for j in range(3))
    expected = np.exp(-((theta - theta1) / sigma) ** 2 / 2) / (np.sqrt(2 * np.pi) * sigma)
    assert eq.variables == ("sigma", "theta", "theta1")
    np.testing.assert_allclose(y, expected, rtol=1e-14)


def test_sample_shapes_ranges_dtype():
    eq = get_feynman_equation("I.9.18")
    X, y = eq.sample(1000, seed=0)
    assert X.shape == (1000, eq.n_variables) == (1000, 9)
    assert y.shape == (1000,)
    assert X.dtype == y.dtype == np.float64
    low, high = np.array(eq.ranges).T
    assert np.all(X >= low) and np.all(X <= high)
    # Uniform over the range: the sample spreads over most of it.
    assert np.all(X.min(axis=0) < low + 0.05 * (high - low))
    assert np.all(X.max(axis=0) > high - 0.05 * (high - low))


def test_sample_is_deterministic_by_seed():
    eq = get_feynman_equation("I.14.3")
    X1, y1 = eq.sample(64, seed=7)
    X2, y2 = eq.sample(64, seed=7)
    X3, _ = eq.sample(64, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert eq.sample(0, seed=0)[0].shape == (0, 3)
    with pytest.raises(ValueError, match="non-negative integer"):
        eq.sample(-1)


def test_sample_in_box():
    eq = get_feynman_equation("I.12.2")  # q1, q2, epsilon, r in [1, 5]
    X, y = eq.sample_in_box(500, low=[1, 2, 3, 4], high=[1.5, 2.5, 3.5, 5], seed=0)
    assert X.shape == (500, 4)
    assert np.all(X >= [1, 2, 3, 4]) and np.all(X <= [1.5, 2.5, 3.5, 5])
    np.testing.assert_allclose(y, eq.evaluate(X))
    np.testing.assert_array_equal(X, eq.sample_in_box(500, [1, 2, 3, 4], [1.5, 2.5, 3.5, 5], seed=0)[0])
    with pytest.raises(ValueError, match="leaves its range"):
        eq.sample_in_box(5, low=[0, 2, 3, 4], high=[1, 3, 4, 5])
    with pytest.raises(ValueError, match="low .* > high"):
        eq.sample_in_box(5, low=[2, 2, 3, 4], high=[1, 3, 4, 5])
    with pytest.raises(ValueError, match="need 4 values"):
        eq.sample_in_box(5, low=[1, 1], high=[2, 2])


def test_equation_pickles_after_use():
    import pickle

    eq = get_feynman_equation("I.6.2a")
    X, y = eq.sample(10, seed=0)
    clone = pickle.loads(pickle.dumps(eq))
    assert clone == eq
    np.testing.assert_array_equal(clone.evaluate(X), y)


def test_evaluate_checks_shape():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        get_feynman_equation("I.12.1").evaluate(np.ones((3, 3)))


# ----------------------------------------------------------------------------------------------
# Names and errors
# ----------------------------------------------------------------------------------------------
def test_unknown_name_lists_close_names():
    with pytest.raises(KeyError) as info:
        get_feynman_equation("I.12.99")
    assert isinstance(info.value, UnknownEquationError)
    message = str(info.value)
    assert "'I.12.99'" in message and "closest" in message and "I.12.1" in message


def test_lookup_by_srbench_name_and_original_filename():
    assert get_feynman_equation("feynman_I_6_2a").name == "I.6.2a"
    assert get_feynman_equation("feynman_III_10_19").name == "III.10.19"
    assert get_feynman_equation("I.15.10").name == get_feynman_equation("feynman_I_15_10").name == "I.15.1"


def test_srbench_names():
    assert get_feynman_equation("I.12.1").srbench_name == "feynman_I_12_1"
    assert get_feynman_equation("I.6.2a").srbench_name == "feynman_I_6_2a"
    assert get_feynman_equation("III.10.19").srbench_name == "feynman_III_10_19"
    assert get_feynman_equation("II.34.29a").srbench_name == "feynman_II_34_29a"
    assert get_feynman_equation("I.15.1").srbench_name == "feynman_I_15_10"


def test_srbench_mapping_covers_every_table_equation_in_the_csv():
    with open(SRBENCH_GROUNDTRUTH_PATH, newline="", encoding="utf-8") as handle:
        datasets = {row["dataset"] for row in csv.DictReader(handle)}
    table = load_feynman_table()
    ours = {eq.srbench_name for eq in table}
    assert len(ours) == 100
    non_bonus = {d for d in datasets if not d.startswith("feynman_test_")}
    assert non_bonus <= ours  # every SRBench Feynman problem is a table equation
    assert len(non_bonus) == 97
    missing = sorted(eq.name for eq in table if eq.srbench_name not in datasets)
    assert missing == ["I.26.2", "I.30.5", "II.11.17"]
    assert [eq.in_srbench for eq in table].count(False) == 3
    for d in non_bonus:
        assert get_feynman_equation(feynman_name_from_srbench(d)).srbench_name == d
    assert feynman_name_from_srbench("feynman_test_7") is None


# ----------------------------------------------------------------------------------------------
# LIES subset
# ----------------------------------------------------------------------------------------------
def test_lies_subset_default_rule():
    subset = lies_subset()
    names = [eq.name for eq in subset]
    assert len(names) == 61
    assert names == [eq.name for eq in load_feynman_table() if eq.name in set(names)]  # table order
    assert all(eq.n_variables <= 4 for eq in subset)
    for member in ("I.6.2a", "I.12.1", "I.14.3", "I.39.22", "I.8.14", "I.30.5", "II.37.1", "III.10.19", "I.38.12"):
        assert member in names, member
    non_members = {
        "I.9.18": "9 variables",
        "III.19.51": "5 variables (column says 4)",
        "I.18.12": "sin(theta) < 0",
        "I.29.16": "cos(theta1 - theta2) < 0",
        "I.26.2": "arcsin of a negative",
        "II.15.4": "cos(theta) < 0",
        "III.8.54": "sin < 0 (squared)",
        "III.15.12": "cos(k*d) < 0",
        "II.11.28": "range touches 0",
        "III.21.20": "negative target",
        "I.15.3t": "negative target in a corner",
    }
    for name, why in non_members.items():
        assert name not in names, why


def test_lies_subset_variants_and_borderline_cases():
    assert len(lies_subset(include=["I.15.3t"])) == 62  # SPEC 1.10's reconstruction count
    assert len(lies_subset(exclude=["I.30.5"])) == 60
    assert "II.37.1" not in {eq.name for eq in lies_subset(variable_count="column")}
    assert len(lies_subset(variable_count="column")) == 60
    assert len(lies_subset(trig_rule="argument", log_space=False)) == 76
    assert len(lies_subset(trig_rule="any")) == 60
    with pytest.raises(ValueError, match="trig_rule"):
        lies_subset(trig_rule="sometimes")
    with pytest.raises(UnknownEquationError):
        lies_subset(include=["I.99"])


def test_trig_analysis():
    i_18_12 = get_feynman_equation("I.18.12")  # theta in [0, 5]: the argument touches 0
    assert i_18_12.is_trigonometric and i_18_12.has_possibly_negative_trig_argument
    assert get_feynman_equation("I.29.16").has_possibly_negative_trig_argument
    assert get_feynman_equation("I.26.2").has_possibly_negative_trig_argument  # arcsin(n*sin(theta2))
    ii_15_4 = get_feynman_equation("II.15.4")
    assert not ii_15_4.has_possibly_negative_trig_argument and ii_15_4.has_possibly_negative_trig_value
    i_30_5 = get_feynman_equation("I.30.5")
    assert i_30_5.is_trigonometric and not i_30_5.has_possibly_negative_trig_value
    assert get_feynman_equation("II.35.21").is_trigonometric  # tanh
    assert not get_feynman_equation("I.12.1").is_trigonometric
    assert sum(eq.is_trigonometric for eq in load_feynman_table()) == 19


# ----------------------------------------------------------------------------------------------
# SRBench results
# ----------------------------------------------------------------------------------------------
def test_srbench_results():
    frame = srbench_results()
    for column in ("algorithm", "dataset", "equation", "symbolic_solution_rate_(%)", "accuracy_solution", "rmse_test"):
        assert column in frame.columns
    assert set(frame["target_noise"]) == {0.0}
    assert frame["dataset"].nunique() == 116
    assert frame["algorithm"].nunique() == 14
    row = frame[(frame["algorithm"] == "AIFeynman") & (frame["equation"] == "I.12.1")]
    assert len(row) == 1
    assert frame["equation"].isna().sum() == frame["dataset"].str.startswith("feynman_test_").sum()
    assert len(srbench_results(None)) > len(frame)
    assert set(srbench_results(0.01)["target_noise"]) == {0.01}
    with pytest.raises(ValueError, match="available"):
        srbench_results(0.5)
    frame.loc[:, "rmse_test"] = 0.0  # a copy: the cache is untouched
    assert srbench_results()["rmse_test"].max() > 0
