"""The engine's choice on noisy and small tables (issue 19): paired comparisons of per-row errors, least
squares as the reference, the one-standard-error rule confirmed on fresh rows, formulas that fail just
beyond the rows, and cross-validation that frees the numbers the stages rounded."""
import numpy as np
import pandas as pd
import pytest
import sympy as sp

from keras_symbolic.pipelines.auto_choice import (WIGGLE, choose, finite_beyond, paired_difference, pareto_front,
                                                  smooth_between, wiggle_between)
from keras_symbolic.pipelines.auto_search import baseline_candidates
from keras_symbolic.pipelines.auto_validation import cross_validated

x = sp.Symbol("x")
N = 400


def _table(errors: dict, dl: dict, complexity: dict, solvers: dict):
    """A table whose R^2 follows from the per-row errors (target variance 1 per row)."""
    index = list(errors)
    frame = pd.DataFrame({"solver": [solvers[i] for i in index], "complexity": [complexity[i] for i in index],
                          "description_length": [dl[i] for i in index],
                          "r2": [1.0 - float(np.mean(errors[i])) for i in index],
                          "expression": [x + k for k in range(len(index))]}, index=index)
    frame["pareto"] = pareto_front(frame)
    return frame, pd.DataFrame([errors[i] for i in index], index=index)


def test_paired_difference_sees_what_two_totals_cannot():
    rng = np.random.default_rng(0)
    noise = rng.chisquare(1, N) * 0.5
    errors = pd.DataFrame([noise, noise * 0.97])  # the same rows, 3 % better on each
    mean, se = paired_difference(errors, 1, 0)
    assert mean < 0 and mean + se < 0  # clearly better, though each total's spread is ~7 %
    assert paired_difference(errors, 1, 0, rows=np.arange(10))[0] < 0


def test_a_formula_no_clearly_better_than_least_squares_does_not_answer():
    rng = np.random.default_rng(1)
    linear = rng.chisquare(1, N) * 0.4
    tie = linear + rng.normal(0, 0.05, N) - 0.001  # better by a hair, well within its standard error
    table, errors = _table({0: linear, 1: tie}, dl={0: 30.0, 1: 10.0}, complexity={0: 5, 1: 5},
                           solvers={0: "linear", 1: "power law"})
    assert choose(table, exact=False, n_val=N, errors=errors) == (0, "description length")
    # when a formula is clearly better, it answers
    errors.loc[1] = linear * 0.8
    table["r2"] = 1 - errors.mean(axis=1)
    assert choose(table, exact=False, n_val=N, errors=errors)[0] == 1
    # an exact formula is not held to least squares
    errors.loc[1] = linear + 0.01
    table["r2"] = 1 - errors.mean(axis=1)
    assert choose(table, exact=True, n_val=N, errors=errors)[0] == 1


def test_one_standard_error_rule_must_be_confirmed_on_rows_no_stage_fitted():
    rng = np.random.default_rng(2)
    base = rng.chisquare(1, N) * 0.3
    errors = {0: base * 2.0, 1: base * 1.6, 2: base * 1.0}  # linear, the description length's pick, a larger one
    table, frame = _table(errors, dl={0: 40.0, 1: 10.0, 2: 30.0}, complexity={0: 5, 1: 4, 2: 20},
                          solvers={0: "linear", 1: "basis", 2: "search"})
    assert choose(table, exact=False, n_val=N, errors=frame) == (2, "one standard error")
    fresh = np.arange(300, N)
    assert choose(table, exact=False, n_val=N, errors=frame, fresh=fresh) == (2, "one standard error")
    frame.loc[2, fresh] = frame.loc[1, fresh] * 1.5  # on the fresh rows the larger formula is worse
    assert choose(table, exact=False, n_val=N, errors=frame, fresh=fresh) == (1, "description length")
    # leave-one-out: every row shaped the forms, nothing can confirm
    assert choose(table, exact=False, n_val=N, errors=frame, fresh=np.array([], dtype=int))[0] == 1


def test_formulas_not_finite_just_beyond_the_rows_compete_only_for_exactness():
    body = np.linspace(0.01, 2547.0, 40)[:, None]
    table = pd.DataFrame({"expression": [sp.asin(x / 2700), sp.log(x), sp.sqrt(x) + 1, sp.sqrt(2600 - x)],
                          "r2": [0.9, 0.8, 0.7, 0.6], "description_length": [1.0, 2.0, 3.0, 4.0],
                          "complexity": [4, 2, 3, 4], "solver": ["a", "b", "c", "d"]})
    finite = finite_beyond(table, body, [x])
    assert finite.tolist() == [False, True, True, False]
    table["pareto"] = pareto_front(table)
    assert choose(table, exact=False, n_val=40, finite=finite)[0] == 1
    assert choose(table, exact=True, n_val=40, finite=finite)[0] == 0


def test_formulas_that_thread_the_rows_with_a_fast_sine_or_a_pole_are_not_smooth_between_them():
    mass = np.sort(np.random.default_rng(4).lognormal(3.0, 2.0, 22))[:, None]  # 22 masses over decades
    law, bend = 9 * x ** sp.Rational(3, 4), sp.log(x) + x / 100
    aliased = 3 * x * sp.sin(sp.sin(0.43 * x)) / 2 + 1.26 * x  # period ~15 against spacings of tens
    pole = (0.44 * x ** 3 - 11) / (x - (mass[10, 0] + mass[11, 0]) / 2)  # a pole between two rows
    assert wiggle_between(law, mass, [x]) == 0.0  # monotone between neighbours: nothing beyond the ends
    assert 0 <= wiggle_between(bend, mass, [x]) <= WIGGLE
    assert wiggle_between(aliased, mass, [x]) > 1.0 and wiggle_between(pole, mass, [x]) > 1.0
    # two columns: a fast sine in one is caught there (a wiggle small beside the formula's spread is not)
    grid = np.column_stack([np.linspace(1, 10, 30), np.linspace(0, 60, 30)[::-1]])
    y2 = sp.Symbol("y")
    formulas = pd.DataFrame({"expression": [x ** 2 + y2, x + 5 * sp.sin(3 * y2), x ** 2 + sp.sin(3 * y2)]})
    assert smooth_between(formulas, grid, [x, y2]).tolist() == [True, False, True]


def test_the_engine_lets_only_formulas_smooth_between_the_rows_compete_on_a_small_table(monkeypatch):
    import keras_symbolic.pipelines.auto as auto

    rng = np.random.default_rng(5)
    X = rng.uniform(1, 5, (40, 1))
    y = 2 * X[:, 0] + 1 + rng.normal(0, 0.3, 40)
    config = auto.AutoConfig(seed=0, time_budget=5, decomposition=False, lies=False, search=False)
    assert sp.sympify(auto.run_auto(X, y, ["x"], config, verbose=0).expression).free_symbols
    monkeypatch.setattr(auto, "smooth_between", lambda table, X, symbols: np.zeros(len(table), dtype=bool))
    result = auto.run_auto(X, y, ["x"], config, verbose=0)  # nothing smooth: no formula may answer
    assert result.rule == "no formula beats the mean" and not sp.sympify(result.expression).free_symbols


def test_cross_validation_frees_the_numbers_the_stages_rounded():
    """``2*x**(3/2)/3`` with its numbers chosen on all rows predicts each fold as it is, which flatters
    it; the form is also judged with both numbers refitted in each fold, and the worse counts."""
    rng = np.random.default_rng(3)
    X = rng.uniform(4, 25, (40, 1))
    y = 0.66 * X[:, 0] ** 1.5 + rng.normal(0, 8, 40)
    rounded = 2 * x ** sp.Rational(3, 2) / 3
    table = pd.DataFrame({"expression": [rounded], "r2": [0.0], "description_length": [0.0]})
    judged, errors = cross_validated(table, X, y, [x])
    fixed = 1 - np.sum((y - 2 / 3 * X[:, 0] ** 1.5) ** 2) / np.sum((y - y.mean()) ** 2)
    assert judged["r2"][0] < fixed  # the free form, refitted fold by fold, predicts worse
    assert np.isclose(judged["r2"][0], 1 - errors.loc[0].sum() / np.sum((y - y.mean()) ** 2))
    assert judged["expression"][0] == rounded  # the answer keeps its rounded numbers


def test_cross_validation_frees_the_numbers_a_formula_does_not_show():
    """Below 30 rows ``x`` is a line whose slope was rounded to 1 and intercept to 0 on the rows that judge
    it: as it is it beats the least squares line out of fold (whose two constants are refitted fold by
    fold); judged as the line ``a*x + b`` it can at best equal it. An exact law stays exact."""
    rng = np.random.default_rng(4)
    X = rng.uniform(80, 130, (20, 1))
    y = X[:, 0] + rng.normal(0, 8, 20)
    linear = float(np.polyfit(X[:, 0], y, 1)[0]) * x + float(np.polyfit(X[:, 0], y, 1)[1])
    table = pd.DataFrame({"expression": [x, linear], "r2": [0.0, 0.0], "description_length": [0.0, 0.0]})
    judged, _ = cross_validated(table, X, y, [x])
    as_it_is = 1 - np.sum((y - X[:, 0]) ** 2) / np.sum((y - y.mean()) ** 2)
    assert judged["r2"][1] < as_it_is  # the line, refitted in each left-out fold, predicts worse ...
    assert judged["r2"][0] <= judged["r2"][1] + 1e-9  # ... and so does x once its numbers are free
    exact, _ = cross_validated(pd.DataFrame({"expression": [x ** 2 / 3], "r2": [0.0], "description_length": [0.0]}),
                               X, X[:, 0] ** 2 / 3, [x])
    assert exact["r2"][0] > 1 - 1e-9
    # from 30 rows on, the stages never saw a fifth of the rows, and the numbers a formula does not show
    # stay as they are (one more constant barely moves an error there; it only flipped close calls)
    X = rng.uniform(80, 130, (60, 1))
    y = X[:, 0] + rng.normal(0, 8, 60)
    judged, _ = cross_validated(pd.DataFrame({"expression": [x], "r2": [0.0], "description_length": [0.0]}), X, y, [x])
    assert np.isclose(judged["r2"][0], 1 - np.sum((y - X[:, 0]) ** 2) / np.sum((y - y.mean()) ** 2))


def test_least_squares_joins_the_table_as_fitted():
    """On nine rows polish once dropped the slope of the linear model and kept its intercept."""
    conc = np.array([0.02, 0.02, 0.06, 0.06, 0.11, 0.22, 0.56, 0.56, 1.1])[:, None]
    rate = np.array([76.0, 47, 97, 107, 139, 152, 191, 201, 207])
    rows = np.arange(9)
    mean, linear = baseline_candidates(conc, rate, [x], rows, rows, 1e-9)
    assert linear.solver == "linear" and linear.expression.has(x)
    slope = float(linear.expression.coeff(x))
    assert np.isclose(slope, np.polyfit(conc[:, 0], rate, 1)[0])


def test_least_squares_yields_only_to_a_formula_two_paired_standard_errors_ahead():
    """One paired standard error let about one in six candidates that merely equal the line pass by luck;
    the engine asks for two, or one when the formula halves least squares' mean error."""
    rng = np.random.default_rng(5)
    linear = rng.chisquare(1, N) * 0.4
    shift = rng.normal(0, 0.05, N)
    se = np.std(shift, ddof=1) / np.sqrt(N)

    def answer(gain):  # the formula's errors: least squares' shifted down by ``gain`` paired standard errors
        formula = linear + shift - np.mean(shift) - gain * se
        table, errors = _table({0: linear, 1: formula}, dl={0: 30.0, 1: 10.0}, complexity={0: 5, 1: 5},
                               solvers={0: "linear", 1: "power law"})
        return choose(table, exact=False, n_val=N, errors=errors)[0]

    assert answer(1.5) == 0  # one and a half standard errors ahead: least squares still answers
    assert answer(2.5) == 1
    # halving the mean error needs only one standard error: a formula exact but on two rows, where it
    # misses by much (its mean error 0.48 of least squares', its advantage uncertain)
    spikes = np.zeros(N)
    spikes[:2] = 0.48 * np.mean(linear) * N / 2
    table, errors = _table({0: linear, 1: spikes}, dl={0: 30.0, 1: 10.0},
                           complexity={0: 5, 1: 5}, solvers={0: "linear", 1: "power law"})
    mean, se_half = paired_difference(errors, 1, 0)
    assert mean + 2 * se_half > 0 > mean + se_half  # between one and two standard errors ahead
    assert choose(table, exact=False, n_val=N, errors=errors)[0] == 1


def test_when_no_formula_beats_the_mean_the_mean_answers_not_a_rounding_of_it():
    """Grades about 3.12 that no column predicts: the answer is their mean, not ``pi`` (which ties with
    or beats the mean out of fold: a fixed number is not pulled away by each held-out row)."""
    rng = np.random.default_rng(4)
    X = rng.uniform(400, 800, (19, 1))
    y = 3.12 + rng.normal(0, 0.3, 19)
    baselines = baseline_candidates(X, y, [x], np.arange(19), np.arange(19), 1e-3)
    table = pd.DataFrame({"expression": [sp.pi] + [c.expression for c in baselines],
                          "solver": ["basis", "constant", "linear"], "complexity": [1, 1, 5], "r2": 0.0,
                          "description_length": 0.0})
    judged, errors = cross_validated(table, X, y, [x])
    assert judged.loc[0, "r2"] >= judged.loc[1, "r2"] and judged.loc[2, "r2"] <= 0  # the premise
    judged["pareto"] = pareto_front(judged)
    pick, rule = choose(judged, exact=False, n_val=19, errors=errors, fresh=np.arange(0))
    assert rule == "no formula beats the mean" and pick == 1
    assert float(judged.loc[pick, "expression"]) == pytest.approx(np.mean(y))
