"""The discovery engine (method="auto"): its pure solvers and selection rule, the recursion through a
Keras surrogate (on every backend), and mixed-sign and noisy tables through `fit` and the estimator.
Small tables and short surrogate budgets: these check the behaviour, not the benchmark figures."""
import json

import numpy as np
import pytest
import sympy as sp

from keras_symbolic.search.basis_regression import build_library, sparse_fit
from keras_symbolic.search.coefficient_rounding import round_coefficients
from keras_symbolic.search.description_length import description_length, model_bits
from keras_symbolic.search.direct_solvers import solve_direct
from keras_symbolic.search.one_variable_forms import fit_one_variable_forms
from keras_symbolic.search.term_refit import expression_terms, refit_terms, snap_inner_constants, split_phases

RNG = np.random.default_rng(0)


def _same(found, truth):
    """Same function: the difference simplifies to 0 (symbols compared by name)."""
    found = sp.sympify(found)
    found = found.xreplace({s: sp.Symbol(s.name) for s in found.free_symbols})
    return sp.simplify(found - sp.sympify(truth)) == 0


def _split(n):
    idx = np.random.default_rng(1).permutation(n)
    return idx[: int(0.8 * n)], idx[int(0.8 * n):]


@pytest.mark.parametrize("truth", ["3*a**2 - 2*b + 1/2", "a*b + a*c", "sin(a) + 5*cos(b)/2", "a/b + 3*c/2",
                                   "a**2 + a*b + c**2"])
def test_sparse_regression_recovers_sums_exactly(truth):
    a, b, c = syms = sp.symbols("a b c")
    X = RNG.uniform(1, 5, size=(3000, 3))
    y = sp.lambdify(syms, sp.sympify(truth), "numpy")(*X.T) * np.ones(len(X))
    train, val = _split(len(y))
    best = sparse_fit(build_library(X, syms), y, train, val, syms)[0][1]
    assert _same(round_coefficients(best, X[val], y[val], syms), truth)


def test_sparse_regression_does_not_invent_terms_for_a_function_outside_the_library():
    syms = [sp.Symbol("a")]
    X = RNG.uniform(0.1, 3, size=(2000, 1))
    y = np.arctan(5 * X[:, 0] ** 3)
    train, val = _split(len(y))
    dl, expr = sparse_fit(build_library(X, syms), y, train, val, syms)[0]
    with np.errstate(all="ignore"):
        pred = sp.lambdify(syms, expr, "numpy")(X[val, 0])
    assert np.sqrt(np.mean((pred - y[val]) ** 2)) > 1e-4  # approximated, not "solved"


def test_description_length_rounds_noisy_constants_and_keeps_exact_ones():
    a, b = syms = sp.symbols("a b")
    X = RNG.uniform(1, 5, size=(5000, 2))
    clean = X[:, 0] / X[:, 1] + 2.5 * X[:, 1]
    noisy = clean + 0.01 * np.sqrt(np.mean(clean**2)) * RNG.normal(size=len(clean))
    fitted = a / b + sp.Float(2.50033) * b
    assert _same(round_coefficients(fitted, X, noisy, syms), a / b + sp.Rational(5, 2) * b)
    exact = 2.51234 * X[:, 1]  # noise-free and not a simple number: the float stays
    assert round_coefficients(sp.Float(2.51234) * b, X, exact, syms).atoms(sp.Float)


def test_description_length_prefers_the_smaller_of_two_equally_good_formulas():
    y = RNG.normal(size=500)
    small, large = sp.Symbol("a"), sp.Symbol("a") + sp.Float(1e-9) * sp.sin(sp.Symbol("a"))
    assert model_bits(small, 1, 500) < model_bits(large, 1, 500)
    assert description_length(small, y, y, 1) < description_length(large, y, y, 1)


def test_a_finite_but_huge_prediction_has_an_infinite_description_length_and_no_warning():
    """exp(exp(x)) on a wide range: finite values whose squares overflow (the console is ours)."""
    import warnings

    y = RNG.normal(size=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert description_length(sp.Symbol("a"), y, np.full(50, 1e200), 1) == float("inf")


def test_one_variable_forms_find_a_frequency_and_a_decay():
    t = sp.Symbol("t")
    x = np.linspace(0, 4, 800)
    forms = dict(fit_one_variable_forms(x, 2 * np.sin(3 * x) + 1, t))
    assert "sin" in forms
    with np.errstate(all="ignore"):
        assert np.allclose(sp.lambdify(t, forms["sin"])(x), 2 * np.sin(3 * x) + 1, atol=1e-6)


def test_an_exponential_of_calendar_years_keeps_its_intercept():
    """``A exp(k x) + C`` on years 1937-1960: the ``exp`` column is 1e50 times the intercept's, and an
    unscaled least-squares solve cut the intercept (``C`` came out 3e-222, R^2 0.97 on a curve it fits)."""
    t = sp.Symbol("t")
    x = np.linspace(1937, 1960, 24)
    target = 100 * np.exp(0.13 * (x - 1937)) + 500
    forms = dict(fit_one_variable_forms(x, target, t))
    with np.errstate(all="ignore"):
        pred = sp.lambdify(t, forms["exp"])(x)
    assert np.max(np.abs(pred - target)) < 1e-4 * np.max(np.abs(target))


def test_direct_solvers_take_mixed_signs_and_transforms():
    x, m = syms = sp.symbols("x m")
    X = np.column_stack([RNG.uniform(-3, 3, 3000), RNG.uniform(-1, 1, 3000)])
    y = 1 / ((X[:, 0] - X[:, 1]) ** 2 + 1)
    train, val = _split(len(y))
    best = solve_direct(X, y, syms, train, val)[0]
    assert _same(best.expression, 1 / ((x - m) ** 2 + 1))


@pytest.mark.parametrize("level", [0.001, 0.01])
def test_a_power_law_whose_small_values_noise_flipped_is_still_fitted(level):
    """``-m q**4 / (h**2 n**2)`` spans seven orders of magnitude: 1 % noise of its RMS flips the sign of
    a tenth of the rows. The log-space fit runs on the rows well above them and finds the law."""
    from keras_symbolic.search.direct_solvers import _one_signed_rows

    m, q, h, n = syms = sp.symbols("m q h n")
    X = np.random.default_rng(3).uniform(1, 5, size=(4000, 4))
    clean = -X[:, 0] * X[:, 1] ** 4 / (X[:, 2] ** 2 * X[:, 3] ** 2)
    y = clean + np.random.default_rng(4).normal(0, level * np.sqrt(np.mean(clean**2)), len(clean))
    assert 0 < np.mean(y > 0) <= 0.25
    train, val = _split(len(y))
    found = [c.expression for c in solve_direct(X, y, syms, train, val) if c.solver == "power law"]
    assert found and _same(found[0], -m * q**4 / (h**2 * n**2)), found
    # a surrogate's smooth values (a decomposition's piece): a sign change is the function's own
    assert not [c for c in solve_direct(X, y, syms, train, val, measured=False) if c.solver == "power law"]
    assert _one_signed_rows(clean).size == len(clean)
    assert _one_signed_rows(np.sin(X[:, 0] * 2)) is None  # a function that changes sign: no log-space fit


def test_a_reciprocal_fit_on_noisy_small_values_is_weighted_as_the_values_themselves():
    """``1/(exp(u) + exp(-u))`` over ``u`` in (0, 25): 1 % noise flips the sign of the values past
    ``u ~ 5``, where ``1/y`` is all noise. On the rows well above the flips, weighted by ``y**4``
    (``1 / (d(1/y)/dy)**2``), the fit on ``1/y`` is the two exponentials. Rows of weight 0 do not move a
    sparse fit."""
    u = np.random.default_rng(0).uniform(0.04, 25, 5000)
    clean = 1 / (np.exp(u) + np.exp(-u))
    y = clean + np.random.default_rng(1).normal(0, 0.01 * np.sqrt(np.mean(clean**2)), len(u))
    assert np.any(y < 0)
    (U,) = syms = [sp.Symbol("u")]
    train, val = _split(len(y))
    found = [c.expression for c in solve_direct(u[:, None], y, syms, train, val) if c.solver == "basis of 1/y"]
    assert found and _same(found[0], 1 / (sp.exp(U) + sp.exp(-U))), found

    x = np.random.default_rng(2).uniform(1, 3, 400)
    target = 2 * x**2 + 1
    target[::5] = 50.0  # rows of weight 0
    weights = np.ones(len(x))
    weights[::5] = 0.0
    lib = build_library(x[:, None], syms)
    fits = sparse_fit(lib, target, np.arange(300), np.arange(300, 400), syms, max_terms=2, weights=weights)
    assert _same(round_coefficients(fits[0][1], x[:, None], target, syms, weights=weights), 2 * U**2 + 1)


@pytest.mark.parametrize("truth, box", [
    ("(a*p + b*q)/(p + q)", (1, 5)),  # a weighted average
    ("v*s/(k + s)", (0.5, 5)),  # saturation
    ("1/((a - b)**2 + 1)", (-2, 2)),  # a Lorentzian: the numerator is only the constant
    ("a*b**2/(a*c + b)", (0.5, 4)),  # a cubic numerator, normalised by a variable
])
def test_rational_regression_recovers_ratios_of_sums(truth, box):
    from keras_symbolic.search.rational_regression import rational_fit

    expr = sp.sympify(truth)
    syms = sorted(expr.free_symbols, key=str)
    X = RNG.uniform(*box, size=(2000, len(syms)))
    y = sp.lambdify(syms, expr, "numpy")(*X.T)
    train, val = _split(len(y))
    best = rational_fit(X, y, syms, train, val)[0][1]
    assert _same(round_coefficients(best, X[val], y[val], syms), truth)


def test_rational_regression_only_approximates_a_function_that_is_no_ratio():
    from keras_symbolic.search.rational_regression import rational_fit

    syms = sp.symbols("a b")
    X = RNG.uniform(0.5, 3, size=(2000, 2))
    y = np.sin(X[:, 0]) * np.exp(X[:, 1])
    train, val = _split(len(y))
    _, best = rational_fit(X, y, syms, train, val)[0]
    with np.errstate(all="ignore"):
        pred = sp.lambdify(syms, best, "numpy")(*X[val].T)
    assert np.sqrt(np.mean((pred - y[val]) ** 2)) / np.sqrt(np.mean(y[val] ** 2)) > 1e-3


@pytest.mark.parametrize("truth, test", [
    ("sqrt(exp(a) + b*sin(c) + 4)", "add of square"),  # the square splits {a} | {b, c}
    ("1/(b*exp(a) + c*sin(c))", "add of reciprocal"),  # 1/y splits {a, b} | {c}
])
def test_decomposition_splits_a_transformed_function(truth, test):
    """AI Feynman's target transforms: no sum or product split holds for the function itself, one holds
    for its square or reciprocal. The exact function stands in for the surrogate."""
    from types import SimpleNamespace

    from keras_symbolic.pipelines.auto_decomposition import _Piece, _solve_piece
    from keras_symbolic.pipelines.auto_tolerances import Tolerances
    from keras_symbolic.pipelines.progress import PhaseProgress

    expr = sp.sympify(truth)
    syms = sp.symbols("a b c")
    f = sp.lambdify(syms, expr, "numpy")
    X = RNG.uniform(0.5, 2.0, size=(1500, 3))
    exact = lambda Z: np.asarray(f(*Z.T), dtype=float) * np.ones(len(Z))  # noqa: E731
    tol = Tolerances(split=1e-3, piece=1e-4, keep=2)
    config = SimpleNamespace(max_terms=6, max_depth=3, split_floor=1e-3, piece_factor=3.0)
    log = []
    structures = _solve_piece(_Piece(exact, X[0].copy()), X, [0, 1, 2], syms, 0, tol, config, log,
                              PhaseProgress(0))
    assert test in [step.get("test") for step in log]
    best = structures[0]
    with np.errstate(all="ignore"):
        pred = sp.lambdify(syms, best, "numpy")(*X.T)
    assert np.sqrt(np.mean((pred - exact(X)) ** 2)) < 1e-3 * np.sqrt(np.mean(exact(X) ** 2))


def test_whole_numbers_up_to_round_off_become_integers():
    from keras_symbolic.search.direct_solvers import whole_numbers

    p, s = sp.symbols("p s")
    assert whole_numbers(sp.Float(0.9999999999999999) * p * (s + sp.Float(2.0))) == p * (s + 2)
    assert whole_numbers(sp.Float(1.0000001) * p) == sp.Float(1.0000001) * p  # a fitted value stays
    # a tiny fitted scale is not a zero: it multiplies exp(0.0949 p), about 1e80 on years
    scaled = sp.Float(6.6e-77) * sp.exp(sp.Float(0.0949) * p) - sp.Float(4957.7)
    assert whole_numbers(scaled) == scaled


def test_term_refit_helpers():
    p, w = sp.symbols("p w")
    snapped = snap_inner_constants(sp.Float(3.2) * p ** sp.Float(1.0009) * sp.sin(sp.Float(1.0003) * w + sp.Float(0.0014)))
    assert snapped == sp.Float(3.2) * p * sp.sin(w)
    assert set(expression_terms(sp.Float(2.0) * (p + sp.Float(3.0)) * sp.sin(w))) == {p * sp.sin(w), sp.sin(w)}
    # a phase left by a symmetry's anchor splits into terms a refit can drop; a phase-free term stays
    split = split_phases(sp.sqrt(p**2 + sp.Float(1.5) * p * sp.cos(w - p + sp.Float(1.25))))
    assert split.has(sp.cos(w - p), sp.sin(w - p)) and not split.has(sp.cos(w - p + sp.Float(1.25)))
    assert split_phases(sp.sin(w) + sp.cos(p * w)) == sp.sin(w) + sp.cos(p * w)
    X = RNG.uniform(1, 5, size=(1000, 2))
    y = X[:, 0] * np.cos(X[:, 1] - X[:, 0])
    idx = np.arange(1000)
    refit = refit_terms(sp.Float(0.7) * p * sp.sin(w - p + sp.Float(2.2)) + sp.Float(0.3) * p * sp.cos(w - p + sp.Float(0.4)),
                        X, y, [p, w], idx[:800], idx[800:])
    assert any(_same(sp.nsimplify(e, tolerance=1e-9, rational=True), p * sp.cos(w - p)) for _, e in refit)


@pytest.mark.backend
def test_three_level_composed_function_is_recovered_through_the_recursion():
    from keras_symbolic.pipelines.auto import AutoConfig, run_auto

    X = np.random.default_rng(1).uniform(1, 5, size=(3000, 4))
    y = X[:, 0] * (X[:, 1] + np.sqrt(X[:, 2]) * np.sin(X[:, 3]))  # product of a sum of a product
    config = AutoConfig(lies=False, surrogate_epochs=250, surrogate_seconds=300)  # the same training on any load
    result = run_auto(X, y, ["p", "s", "u", "w"], config, verbose=0)
    p, s, u, w = sp.symbols("p s u w")
    assert _same(result.expression, p * (s + sp.sqrt(u) * sp.sin(w)))
    tests = [step["test"] for step in result.decomposition if "test" in step]
    assert tests[:3] == ["mul", "add", "mul"]  # the three levels, as the log reports them
    chosen = result.equations[result.equations["chosen"]]
    assert chosen["solver"].iloc[0] == "decomposition"


@pytest.mark.backend
def test_fit_auto_on_a_mixed_sign_noisy_table_reads_back(tmp_path, capsys):
    from keras_symbolic.cli import main
    from keras_symbolic.symbolic.names import load_expression

    rng = np.random.default_rng(3)
    a, b = rng.uniform(-2, 2, 2000), rng.uniform(0.5, 3, 2000)
    y = a**2 * b - np.sin(a)
    y = y + 0.01 * np.sqrt(np.mean(y**2)) * rng.normal(size=len(y))  # noisy: some rows change sign too
    table = tmp_path / "t.csv"
    table.write_text("alpha,mass kg,y\n" + "\n".join(f"{u},{v},{w}" for u, v, w in zip(a, b, y)) + "\n")
    assert main(["fit", str(table), "--method", "auto", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    record = json.loads((tmp_path / "out" / "result.json").read_text())
    assert record["method"] == "auto" and record["r2_test"] > 0.999
    found = load_expression(record["expression"], record["symbols"])
    alpha, mass = sp.symbols("alpha mass_kg")
    assert _same(found, alpha**2 * mass - sp.sin(alpha))
    assert "formula     : alpha**2*mass_kg - sin(alpha)" in capsys.readouterr().out


def test_fit_auto_refuses_lies_options(capsys):
    from keras_symbolic.cli import main

    assert main(["fit", "--feynman", "I.12.1", "--method", "auto", "--linear-space"]) == 2
    assert "--linear-space applies to --method lies only" in capsys.readouterr().err


def test_symbolic_regressor_sklearn_api_on_a_sum():
    from keras_symbolic.estimators import SymbolicRegressor

    X = RNG.uniform(-2, 2, size=(1500, 2))
    y = 3 * X[:, 0] ** 2 - 2 * X[:, 0] * X[:, 1] + 0.5
    est = SymbolicRegressor(decomposition=False, lies=False).fit(X, y, feature_names=["a", "b"])
    a, b = sp.symbols("a b")
    assert _same(est.sympy(), 3 * a**2 - 2 * a * b + sp.Rational(1, 2))
    assert np.allclose(est.predict(X), y)
    assert est.fit_result_.method == "auto" and "solver" in est.equations_
    with pytest.raises(ValueError, match="max_terms"):
        SymbolicRegressor(max_terms=0).fit(X, y)


def test_the_summary_names_each_split_of_the_decomposition():
    import io

    from keras_symbolic.results.fit_result import FitResult
    from keras_symbolic.results.printer import print_result

    a, b, c = sp.symbols("a b c")
    log = [{"test": "mul", "groups": [["a"], ["b", "c"]]}, {"test": "add of reciprocal", "groups": [["b"], ["c"]]},
           {"test": "symmetry difference", "pair": ["b", "c"]}, {"solved_by": "basis"},
           {"test": "one monomial group", "group": "b/c"}]
    result = FitResult(method="auto", expressions=[a / (1 / b + 1 / c)], variables=[a, b, c],
                       details={"solver": "decomposition", "decomposition": log})
    out = io.StringIO()
    print_result(result, file=out)
    assert ("splits      : product {a}|{b, c} > sum of the reciprocal {b}|{c} > difference of b, c"
            " > one group b/c" in out.getvalue())


def test_a_float_times_other_numbers_reads_as_one_float():
    from keras_symbolic.search.direct_solvers import merged_numbers, simplest_form

    x, y = sp.symbols("x y")
    shown = simplest_form(sp.Float(0.0415428384034503) * sp.sqrt(579) * x * sp.sqrt(x**2 + y**2))
    assert len(shown.atoms(sp.Float)) == 1 and not shown.has(sp.Integer(579)), shown
    assert abs(float(shown.subs({x: 1, y: 0})) - 0.0415428384034503 * 579**0.5) < 1e-12
    assert merged_numbers(sp.pi * x / 2) == sp.pi * x / 2  # exact numbers stay exact
    assert merged_numbers(sp.Float(2.5) * sp.I * x) == sp.Float(2.5) * sp.I * x  # not a real float: kept


def test_an_expanded_gaussian_is_put_back_together_not_left_to_a_clock():
    """``sp.factor`` of ``exp(329 t/10)`` is a polynomial of degree 329 in ``exp(t/10)``: it ran for minutes,
    and only polish's clock cut it, at a different step on a loaded machine. Bounded by degree now."""
    from keras_symbolic.search.direct_solvers import polish, simplest_form

    t = sp.Symbol("t")
    split = (4 * sp.exp(sp.Rational(-15463, 200)) * sp.exp(sp.Rational(329, 10) * t)
             * sp.exp(-sp.Rational(7, 2) * t**2) + sp.Rational(3, 2))
    assert simplest_form(split) == sp.Rational(3, 2) + 4 * sp.exp(-sp.Rational(7, 200) * (10 * t - 47) ** 2)
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 10, (400, 1))
    y = 1.5 + 4 * np.exp(-3.5 * (X[:, 0] - 4.7) ** 2)
    # a one-second net: the rewrites take milliseconds now; before, the net cut them and the split stayed
    polished = polish(split, X, y, [t], np.arange(300), np.arange(300, 400), seconds=1.0)
    assert polished.expression == sp.Rational(3, 2) + 4 * sp.exp(-sp.Rational(7, 200) * (10 * t - 47) ** 2)
    x, z = sp.symbols("x z")
    assert simplest_form(sp.exp(x) * sp.exp(z)) == sp.exp(x + z)
    assert simplest_form((x**2 - 1) / (x - 1)) == x + 1  # a low-degree factorisation still runs


def _noisy_product(n=2500, noise=0.01):
    rng = np.random.default_rng(3)
    X = rng.uniform(1, 5, size=(n, 3))
    clean = X[:, 0] * X[:, 1] / X[:, 2]
    return X, clean * (1 + noise * rng.standard_normal(n))


def test_lies_is_skipped_beside_a_formula_that_leaves_only_noise_and_runs_beside_one_that_does_not():
    from keras_symbolic.pipelines.auto import _lies_skipped
    from keras_symbolic.search.direct_solvers import Candidate

    a, b, c = syms = sp.symbols("a b c")
    X, y = _noisy_product()
    train, val = _split(len(y))
    assert "only noise" in _lies_skipped(Candidate(a * b / c, "test"), X, y, syms, train, val)
    assert _lies_skipped(Candidate(a * b / 3, "test"), X, y, syms, train, val) == ""  # misses 1/c: structure
    assert "too few" in _lies_skipped(Candidate(a * b / c, "test"), X[:500], y[:500], syms,
                                      np.arange(400), np.arange(400, 500))


def test_the_engine_skips_lies_on_a_noisy_law_its_direct_solvers_already_reach():
    from keras_symbolic.pipelines.auto import AutoConfig, run_auto

    X, y = _noisy_product()
    result = run_auto(X, y, ["a", "b", "c"], AutoConfig(decomposition=False, search=False, time_budget=10), verbose=0)
    assert "lies" not in result.phase_seconds
    assert any(e.get("stage") == "lies" and "only noise" in e.get("skipped", "") for e in result.decomposition)
    assert _same(result.expression, "a*b/c")


def test_progress_lines_say_when_they_speak_of_scaled_columns(capsys):
    """Columns of extreme magnitude are worked on scaled by powers of ten; the progress lines print the
    formulas in those units, so a line says so first, and the answer is in the table's units."""
    from keras_symbolic.pipelines.auto import AutoConfig, run_auto

    rng = np.random.default_rng(5)
    X = rng.uniform(1e5, 9e5, (60, 1))
    y = 2 * X[:, 0]
    result = run_auto(X, y, ["year"], AutoConfig(decomposition=False, search=False, time_budget=5), verbose=1)
    err = capsys.readouterr().err
    assert "worked on scaled (year/10**5, the target/10**6)" in err.splitlines()[0]
    assert _same(result.expression, "2*year")
    run_auto(X / 1e5, y / 1e5, ["year"], AutoConfig(decomposition=False, search=False, time_budget=5), verbose=1)
    assert "scaled" not in capsys.readouterr().err


def test_a_ratio_whose_terms_overflow_on_some_training_rows_is_skipped_not_raised():
    """At noise 0.1 a one-group variable reached 1e120 on a row: its cube overflowed to inf there, and
    least squares over that column raised ``LinAlgError`` out of the engine. Such a subset is skipped."""
    from keras_symbolic.search.rational_regression import rational_fit

    u = sp.Symbol("u")
    X = np.random.default_rng(0).uniform(1, 2, (200, 1))
    y = 1 / (1 + X[:, 0])
    X[150, 0] = 1e120  # a training row beyond the rows the subset search reads
    found = rational_fit(X, y, [u], np.arange(160), np.arange(160, 200))
    assert found and all(np.isfinite(d) for d, _ in found)
