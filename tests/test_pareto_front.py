"""The engine's answer as a Pareto front (issue 19): the front of held-out R^2 against complexity, the
rule that chooses on it, the estimator's ``predict(X, index=k)``, and the console table and plot."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import sympy as sp

from keras_symbolic.estimators import SymbolicRegressor
from keras_symbolic.pipelines.auto import choose, pareto_front

x, y = sp.symbols("x y")


def _table():
    return pd.DataFrame({
        "solver": ["constant", "linear", "basis", "search", "polynomial", "search"],
        "complexity": [1, 5, 9, 9, 15, 30],
        "description_length": [40.0, 20.0, 12.0, 14.0, 10.0, 11.0],
        "r2": [-0.001, 0.60, 0.90, 0.95, 0.949, 0.951],
        "expression": [sp.Float(2.0), 2 * x + y, x**2 + y, sp.sin(x) + y, x**3 + y**2 + x * y, sp.sin(x) + y + 0.01 * x],
    })


def test_front_keeps_the_most_accurate_formula_of_each_size_that_beats_every_simpler_one():
    front = pareto_front(_table())
    assert front.tolist() == [True, True, False, True, False, True]


def test_one_standard_error_rule_replaces_a_description_length_pick_that_explains_clearly_less():
    table = _table()
    table["pareto"] = pareto_front(table)
    # the smallest description length (the degree-3 polynomial, 1 - R^2 = 0.051) is within one standard
    # error of the best (0.049 over 1000 rows): it stands, exact or not
    assert choose(table, exact=True, n_val=1000) == (4, "description length")
    assert choose(table, exact=False, n_val=1000) == (4, "description length")
    # a cheap formula that explains far less (the linear one, 0.40) is kept only when it is exact
    table.loc[1, "description_length"] = 5.0
    assert choose(table, exact=True, n_val=1000) == (1, "description length")
    # else the simplest front formula within one standard error of the best: 0.95 at size 9
    assert choose(table, exact=False, n_val=1000) == (3, "one standard error")
    assert choose(table, exact=False, n_val=10)[0] == 3


def test_no_formula_worse_than_least_squares_is_chosen_when_none_is_exact():
    """A simpler formula within one standard error of the best but below least squares does not
    compete: the answer is at least as accurate as linear regression on the judged rows."""
    table = _table()
    table.loc[1, "r2"] = 0.952  # least squares beats every formula but the largest
    table.loc[5, "r2"] = 0.953
    table["pareto"] = pareto_front(table)
    chosen, _ = choose(table, exact=False, n_val=100)
    assert table.loc[chosen, "r2"] >= 0.952
    assert chosen == 5  # of the two that compete, the description length's pick
    assert choose(table, exact=True, n_val=100)[0] == 4  # an exact formula is not held to it


def _noisy_rows(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, 2))
    target = X[:, 0] ** 2 + np.sin(3 * X[:, 1]) + 0.3 * rng.standard_normal(n)
    return X, target


def test_estimator_exposes_the_front_and_predicts_with_any_row():
    X, target = _noisy_rows()
    est = SymbolicRegressor(decomposition=False, lies=False, time_budget=8, seed=0).fit(X, target,
                                                                                       feature_names=["a", "b"])
    eq = est.equations_
    assert eq["pareto"].any() and eq["chosen"].sum() == 1
    assert est.choice_rule_ in ("description length", "one standard error")
    assert {"constant", "linear"} <= set(eq["solver"])
    chosen = int(eq.index[eq["chosen"]][0])
    np.testing.assert_allclose(est.predict(X[:20], index=chosen), est.predict(X[:20]))
    constant = int(eq.index[eq["solver"] == "constant"][0])
    assert np.ptp(est.predict(X[:20], index=constant)) == 0
    assert not np.allclose(est.predict(X[:20], index=constant), est.predict(X[:20]))


def test_cli_prints_the_front_and_writes_its_plot(tmp_path):
    X, target = _noisy_rows(300, seed=1)
    data = tmp_path / "t.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": target}).to_csv(data, index=False)
    out = tmp_path / "run"
    run = subprocess.run([sys.executable, "-m", "keras_symbolic", "fit", str(data), "--target", "y", "--time-budget",
                          "6", "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "pareto front (R^2 on 5-fold cross-validation; * the answer):" in run.stdout  # 240 rows: 5-fold
    assert "chosen by   :" in run.stdout
    assert (out / "pareto.png").stat().st_size > 1000
    record = json.loads((out / "result.json").read_text())
    assert record["pareto"] and any(r["chosen"] for r in record["pareto"]) and record["choice_rule"]
    assert record["config"]["time_budget"] == 6.0
    assert "Invalid loss" not in run.stderr and "Epoch" not in run.stdout


def test_front_records_always_show_the_answer():
    from keras_symbolic.pipelines.evaluate_auto import front_records

    table = _table()
    table["pareto"] = pareto_front(table)
    table["chosen"] = False
    table.loc[2, "chosen"] = True  # dominated by the search formula of the same size, chosen all the same
    records = front_records(table)
    assert [r["complexity"] for r in records] == [1, 5, 9, 9, 30]
    assert [r["chosen"] for r in records] == [False, False, False, True, False]


def test_small_tables_are_judged_by_cross_validation():
    """Below 2000 rows every formula is judged out of fold: 5-fold, and leave-one-out below 30 rows;
    a formula with as many constants as a fold has rows cannot be judged and never wins."""
    from keras_symbolic.pipelines.auto_validation import cross_validated, validation_scheme

    assert validation_scheme(5000) is None and validation_scheme(442) == "5-fold"
    assert validation_scheme(6) == "leave-one-out"
    a = sp.Symbol("a")
    X = np.array([[0.387], [0.723], [1.0], [1.524], [5.203], [9.537]])  # Kepler's six planets
    y = np.array([0.241, 0.615, 1.0, 1.881, 11.862, 29.457])
    table = pd.DataFrame({"expression": [sp.Float(1.0) * a**sp.Rational(3, 2), a**sp.Rational(3, 2),
                                         sum(sp.Float(0.1 * k) * a**k for k in range(6)), sp.Float(7.5)],
                          "r2": [1.0] * 4, "description_length": [0.0] * 4})
    judged, _ = cross_validated(table, X, y, [a])
    assert judged["r2"][0] > 0.999 and judged["r2"][1] > 0.999
    assert judged["r2"][2] == -np.inf  # six constants, five rows per fold
    assert judged["r2"][3] < 0  # the mean predicts a left-out planet worse than the mean of all
    assert abs(float(judged["expression"][0].coeff(a ** sp.Rational(3, 2))) - 1) < 0.01  # refitted on all rows


@pytest.mark.backend
def test_six_rows_are_accepted_and_say_so(capsys):
    X = np.array([[0.387], [0.723], [1.0], [1.524], [5.203], [9.537]])
    y = np.array([0.241, 0.615, 1.0, 1.881, 11.862, 29.457])
    est = SymbolicRegressor(time_budget=2, verbose=1).fit(X, y, feature_names=["a"])
    assert est.validation_ == "leave-one-out"
    assert "only 6 rows: every formula is judged by leave-one-out" in capsys.readouterr().err
    assert np.allclose(est.predict(X), y, rtol=0.02)
    with pytest.raises(ValueError, match="at least 6"):
        SymbolicRegressor(time_budget=2).fit(X[:5], y[:5])


def test_a_table_too_small_for_a_test_split_keeps_every_row(tmp_path, capsys):
    from keras_symbolic.cli import main

    x = np.arange(1.0, 13.0)
    data = tmp_path / "small.csv"
    pd.DataFrame({"x": x, "y": 2.5 * x**2 + np.random.default_rng(0).normal(0, 0.5, 12)}).to_csv(data, index=False)
    assert main(["fit", str(data), "--time-budget", "2", "--out", str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    assert "only 12 rows: none held out for a test R^2" in captured.out + captured.err
    record = json.loads((tmp_path / "o" / "result.json").read_text())
    assert record["validation"] == "leave-one-out" and record["r2_test"] is None
    assert sp.simplify(sp.sympify(record["expression"]) - sp.Rational(5, 2) * sp.Symbol("x") ** 2) == 0


def test_a_formula_numpy_cannot_evaluate_is_never_judged_better_than_minus_infinity():
    """``sin(oo)`` simplifies to ``AccumBounds(-1, 1)``, which no printer turns into code: scored
    ``-inf`` (it once ended a cross-validated run with a printer error)."""
    from keras_symbolic.pipelines.auto_validation import cross_validated
    from keras_symbolic.search.direct_solvers import score

    a = sp.Symbol("a")
    bad = sp.sin(sp.oo) * a + sp.Float(1.5)
    X = np.arange(1.0, 41.0)[:, None]
    assert score(bad, X, X[:, 0], [a]) == (np.inf, -np.inf)
    from keras_symbolic.symbolic.evaluation import to_callable

    assert np.all(np.isnan(to_callable(bad + a**2, [a])(X)))  # any evaluation (once: a rounding step)
    table = pd.DataFrame({"expression": [bad, 2 * a], "r2": [0.0, 0.0], "description_length": [0.0, 0.0]})
    judged, _ = cross_validated(table, X, 2 * X[:, 0], [a])
    assert judged["r2"][0] == -np.inf and judged["r2"][1] == 1.0


def test_predict_or_nan_is_nan_where_numpy_cannot_evaluate_and_a_prediction_elsewhere():
    from keras_symbolic.pipelines.auto_choice import finite_beyond
    from keras_symbolic.symbolic.evaluation import predict_or_nan

    a = sp.Symbol("a")
    X = np.linspace(1.0, 2.0, 7)[:, None]
    assert np.allclose(predict_or_nan(3 * a, X, [a]), 3 * X[:, 0])
    assert np.allclose(predict_or_nan(sp.Float(2.0), X, [a]), 2.0)  # a constant broadcasts to (N,)
    unknown = sp.Function("no_numpy_name")(a)  # lambdify prints it, NumPy has no such function
    assert np.all(np.isnan(predict_or_nan(unknown, X, [a]))) and predict_or_nan(unknown, X, [a]).shape == (7,)
    table = pd.DataFrame({"expression": [3 * a, unknown, sp.log(a - 1)]})
    assert finite_beyond(table, X, [a]).tolist() == [True, False, False]  # log(a - 1) fails below a = 1
