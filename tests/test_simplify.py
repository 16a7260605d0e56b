"""Post-processing of extracted formulas (SPEC 1.9): parametrisation, gradient rounding, fit, chain."""
import numpy as np
import pytest
import sympy as sp

from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.final_rounding import round_final
from keras_symbolic.symbolic.parameters import bind_parameters, parametrize
from keras_symbolic.symbolic.rounding import round_to_zero
from keras_symbolic.symbolic.simplify import SimplifyConfig, simplify_formula
from keras_symbolic.symbolic.tidy import bounded_simplify

x, y, z = sp.symbols("x y z", real=True)
q1, q2, r = sp.symbols("q1 q2 r", real=True)
F = sp.Float


def _data(n=400, d=2, low=0.5, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, (n, d))


# ---------------------------------------------------------------------------------------- parametrize
def test_parametrize_only_floats_become_parameters():
    expr = x**2 + 3 * y - x + z / 3 + F(0.5) * x**3 + sp.pi * y**F(1.5)
    template, params, values = parametrize(expr)
    assert sorted(values.tolist()) == [0.5, 1.5]
    assert len(params) == 2
    # Integer exponents, -x (coefficient -1), 3, 1/3 and pi are structure.
    assert template.has(x**2) and template.has(sp.pi) and template.has(sp.Rational(1, 3))
    assert bind_parameters(template, params, values) == expr


def test_parametrize_shared_values_negative_floats_and_power_forms():
    expr = F(0.3) * x + F(0.3) * sp.sin(F(0.3) * y) - F(0.7) * y + sp.exp(F(0.49) * sp.log(x) + F(1.02) * sp.log(y))
    template, params, values = parametrize(expr)
    assert np.sum(np.isclose(values, 0.3)) == 3  # each occurrence its own parameter
    assert -0.7 in values.tolist()  # a negative float is one parameter with a negative value
    assert 0.49 in values.tolist() and 1.02 in values.tolist()  # exp(c*log(x)) comes as x**c
    assert len(set(params)) == len(params) == len(values)
    assert bind_parameters(template, params, values) == expr


def test_parametrize_avoids_clash_with_variable_names():
    c0 = sp.Symbol("c0", real=True)
    template, params, _ = parametrize(F(2.5) * c0)
    assert params[0].name != "c0" and c0 in template.free_symbols


# ---------------------------------------------------------------------------------------- to_callable
def test_to_callable_binds_by_name_broadcasts_and_guards():
    X = np.array([[1.0, 2.0], [4.0, -1.0]])
    f = to_callable(x - 2 * y, [x, y])
    np.testing.assert_allclose(f(X), [-3.0, 6.0])
    g = to_callable(x - 2 * y, ["y", "x"])  # names, other column order
    np.testing.assert_allclose(g(X), [2.0 - 2.0, -1.0 - 8.0])  # x = column 1
    c = to_callable(sp.Float(2.5), [x, y])(X)
    assert c.shape == (2,) and c.dtype == np.float64 and np.all(c == 2.5)
    h = to_callable(sp.log(y) + sp.sqrt(y), [x, y])(X)
    assert np.isfinite(h[0]) and np.isnan(h[1])  # no warning, no exception
    with pytest.raises(ValueError):
        to_callable(x + z, [x, y])


# ---------------------------------------------------------------------------------------- rounding to zero
def test_round_to_zero_removes_negligible_and_keeps_sensitive_constants():
    X = _data(d=2, low=0.5, high=100.0)
    expr = F(2.0) * x + F(0.001) * sp.sin(y) + F(0.04) * y  # 0.04*y changes f by up to 4: kept
    out, info = round_to_zero(expr, X, variables=[x, y])
    assert not out.has(sp.sin)
    assert out.has(F(0.04) * y)
    assert info["n_rounded"] == 1 and info["n_tested"] == 2


def test_round_to_zero_non_finite_derivative_keeps_constant():
    X = np.linspace(0.0, 1.0, 50).reshape(-1, 1)  # x = 0: d/dc x**c = x**c*log(x) = -inf at c = 0
    out, info = round_to_zero(x ** F(0.01), X, variables=[x], threshold=10.0)
    assert out == x ** F(0.01) and info["n_rounded"] == 0


@pytest.mark.parametrize("greedy", [True, False])
def test_round_to_zero_greedy_and_simultaneous(greedy):
    X = _data(d=2)
    expr = sp.exp(x) + F(0.01) * x + F(0.02) * y
    out, info = round_to_zero(expr, X, variables=[x, y], greedy=greedy)
    assert out == sp.exp(x)


def test_round_to_zero_relative_threshold():
    X = _data(d=1, low=0.0, high=1.0)
    expr = F(1e-3) * x + F(1e-5) * x**2
    yv = 1e-3 * X[:, 0]
    absolute, _ = round_to_zero(expr, X, variables=[x])
    relative, _ = round_to_zero(expr, X, yv, [x], relative=True)
    assert absolute == 0  # with an absolute 0.1 everything of a 1e-3 scale goes
    assert relative == F(1e-3) * x


# ---------------------------------------------------------------------------------------- coefficient fit
def test_fit_coefficients_recovers_constants_and_keeps_structure():
    X = _data(d=2)
    yv = 2.5 * np.sin(1.3 * X[:, 0]) * X[:, 1] ** 2 + 0.3
    expr = F(2.0) * sp.sin(F(1.1) * x) * y**2 + F(0.1)
    out, info = fit_coefficients(expr, X, yv, [x, y])
    assert info["success"] and info["cost_after"] < 1e-12 < info["cost_before"]
    assert out.has(y**2)  # the integer exponent was not a parameter
    vals = sorted(float(a) for a in out.atoms(sp.Float))
    np.testing.assert_allclose(vals, [0.3, 1.3, 2.5], rtol=1e-6)


def test_fit_coefficients_timeout_returns_input():
    X = _data(n=2000, d=2)
    yv = 2.5 * np.sin(1.3 * X[:, 0]) * np.exp(-0.7 * X[:, 1])
    expr = F(2.0) * sp.sin(F(1.1) * x) * sp.exp(F(-0.5) * y)
    out, info = fit_coefficients(expr, X, yv, [x, y], timeout=1e-3)
    assert out == expr
    assert not info["success"] and "timeout" in info["message"]


def test_fit_coefficients_guards_non_finite_data_and_domain():
    X = _data(n=300, d=1, low=-1.0, high=3.0)
    yv = np.log(2.0 * np.abs(X[:, 0]) + 1.0)
    X[0, 0] = np.nan
    yv[1] = np.inf
    expr = sp.log(F(1.5) * x + F(1.0))  # not finite where 1.5 x + 1 <= 0: penalised, not fatal
    out, info = fit_coefficients(expr, X, yv, [x])
    assert np.isfinite(info["cost_before"]) or info["cost_before"] == np.inf
    assert out.free_symbols == {x}
    assert info["success"] or out == expr


def test_fit_coefficients_without_constants():
    X = _data(d=1)
    out, info = fit_coefficients(x**2, X, X[:, 0] ** 2, [x])
    assert out == x**2 and info["success"] and info["cost_after"] == 0.0


# ---------------------------------------------------------------------------------------- final rounding
def test_round_final_builds_exact_rationals():
    X = _data(d=2, low=0.0, high=1.0)
    out, info = round_final(F(0.8003) * x + F(0.7) * y, X, [x, y], simplify=False)
    assert out == sp.Rational(4, 5) * x + sp.Rational(7, 10) * y
    assert not out.atoms(sp.Float)
    assert sp.Rational(4, 5) in out.atoms(sp.Rational)  # not 0.796875, which round(Float, 1) gives
    assert info["rounding"]["n_rounded"] == 2


def test_round_final_prefers_reciprocal_one_third():
    X = _data(d=1, low=1.0, high=2.0)
    out, _ = round_final(F(0.33334) * x, X, [x])
    assert out == x / 3  # both 3/10 and 1/3 pass; the closer one wins


def test_round_final_tiny_constant_goes_to_zero_not_to_a_huge_reciprocal():
    X = _data(d=2, low=1.0, high=5.0)
    out, _ = round_final(x**2 * y ** F(1.9e-18) + F(0.0003) * x, X, [x, y])
    assert out == x**2


def test_round_final_snaps_exponents_and_keeps_sensitive_constants():
    X = _data(d=2, low=0.5, high=2.0)
    out, _ = round_final(x ** F(1.9999) + y ** F(0.50001), X, [x, y])
    assert out == x**2 + sp.sqrt(y)
    X = _data(d=1, low=10.0, high=100.0)
    out, _ = round_final(F(0.0796) * x**2, X, [x], reciprocal=False)
    assert out == F(0.0796) * x**2  # rounding to 0.1 would change f by up to 204: kept


def test_round_final_refits_free_constants_after_rounding():
    X = _data(d=2, low=1.0, high=3.0)
    yv = 7.3456 * X[:, 0] ** 2 * X[:, 1]
    expr = F(7.2345) * x ** F(2.00001) * y ** F(0.99999)
    out, info = round_final(expr, X, [x, y], y=yv)
    assert info["refit"]["success"]
    const = sp.simplify(out / (x**2 * y))
    assert const.is_number and abs(float(const) - 7.3456) < 1e-6


def test_bounded_simplify_skips_large_and_keeps_input():
    expr = sp.exp(sp.log(x) + sp.log(y))
    assert bounded_simplify(expr, max_nodes=1)[0] == expr
    assert bounded_simplify(expr)[0] == x * y


# ---------------------------------------------------------------------------------------- the chain
def _coulomb():
    X = np.random.default_rng(1).uniform(1.0, 5.0, (600, 3))
    yv = 0.0796 * X[:, 0] * X[:, 1] / X[:, 2] ** 2
    expr = sp.exp(F(1.003) * sp.log(q1) + F(0.998) * sp.log(q2) - F(2.004) * sp.log(r) - F(2.53)) + F(0.001) * sp.sin(q1)
    return expr, X, yv


def _is_power_law_times_constant(expr):
    ratio = sp.powsimp(expr / (q1 * q2 / r**2), force=True)
    return ratio.is_number and ratio != 0


def test_chain_recovers_coulomb_structure():
    expr, X, yv = _coulomb()
    cands = simplify_formula(expr, X, yv, [q1, q2, r])
    assert [c.stage for c in cands] == ["extracted", "round_to_zero", "coefficient_fit", "final_rounding", "snap"]
    final = cands[-1].expression
    assert not final.has(sp.sin)  # spurious term gone
    assert _is_power_law_times_constant(final)
    exponents = {p.exp for p in final.atoms(sp.Pow)}
    assert all(e.is_Integer for e in exponents)  # exactly integers, not 1.0000001
    assert cands[-1].r2 > 0.999 and cands[2].r2 > 0.999999
    assert cands[-1].complexity < cands[0].complexity
    assert all(c.seconds >= 0 for c in cands)


def test_chain_ablation_switches():
    expr, X, yv = _coulomb()
    no_fit = simplify_formula(expr, X, yv, [q1, q2, r], SimplifyConfig(coefficient_fit=False))
    assert [c.stage for c in no_fit] == ["extracted", "round_to_zero", "final_rounding", "snap"]
    assert no_fit[-2].info["refit"] is None
    no_zero = simplify_formula(expr, X, yv, [q1, q2, r], SimplifyConfig(rounding=False, final_rounding=False, snap=False))
    assert [c.stage for c in no_zero] == ["extracted", "coefficient_fit"]
    assert no_zero[-1].expression.has(sp.sin)  # fitted towards 0 but never removed
    only = simplify_formula(expr, X, yv, [q1, q2, r],
                            SimplifyConfig(rounding=False, coefficient_fit=False, final_rounding=False, snap=False))
    assert len(only) == 1 and only[0].expression == expr


def test_chain_timeouts_and_non_finite_rows_do_not_break_it():
    expr, X, yv = _coulomb()
    X = X.copy()
    X[0, 0] = np.nan
    yv = yv.copy()
    yv[1] = np.inf
    cfg = SimplifyConfig(zero_timeout=1e-3, fit_timeout=1e-3, final_timeout=1e-3, simplify_timeout=1e-3)
    cands = simplify_formula(expr, X, yv, [q1, q2, r], cfg)
    assert len(cands) == 5
    assert np.isfinite(cands[0].loss)
    assert cands[2].info["success"] is False and cands[2].expression == cands[1].expression


def test_tidy_constants_merges_numeric_factors_and_integral_floats():
    import sympy as sp

    from keras_symbolic.symbolic.tidy import tidy_constants

    t, v = sp.symbols("t v", positive=True)
    assert tidy_constants(sp.Float(1.0) * t / v) == t / v
    merged = tidy_constants(sp.Float(0.7316) * sp.exp(sp.Rational(5, 16)) * t)
    assert len(merged.atoms(sp.Float)) == 1 and not merged.has(sp.exp)
    assert abs(float(merged.subs(t, 1)) - 0.7316 * float(sp.exp(sp.Rational(5, 16)))) < 1e-12
    assert tidy_constants(sp.Rational(5, 63) * t**2) == sp.Rational(5, 63) * t**2
    assert tidy_constants(sp.sqrt(2) * sp.pi * t) == sp.sqrt(2) * sp.pi * t


def test_snap_constants_uses_the_data_not_a_first_order_guess():
    import numpy as np
    import sympy as sp

    from keras_symbolic.symbolic.simplify import SimplifyConfig, simplify_formula
    from keras_symbolic.symbolic.snapping import snap_constants

    q, r = sp.symbols("q r", positive=True)
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (500, 2))
    y = 0.0005 * X[:, 0] / X[:, 1] ** 2
    expr = sp.Float(0.0005) * q ** sp.Float(1.0000025) / r ** sp.Float(2.0000004) + sp.Float(3e-9) * sp.sin(q)
    out, info = snap_constants(expr, X, y, [q, r])
    assert out == sp.Float(0.0005) * q / r**2, out  # exponents snapped, junk term gone, real 5e-4 kept
    assert len(info["snapped"]) == 3
    # A constant that matters is never snapped, however close to an integer or to zero it looks.
    y2 = X[:, 0] ** 1.0009
    out2, _ = snap_constants(q ** sp.Float(1.0009), X[:, :1], y2, [q])
    assert out2 == q ** sp.Float(1.0009)
    stages = [c.stage for c in simplify_formula(expr, X, y, [q, r], SimplifyConfig())]
    assert stages[-1] == "snap"
    assert "snap" not in [c.stage for c in simplify_formula(expr, X, y, [q, r], SimplifyConfig(snap=False))]


def test_snap_refits_an_overall_scale_when_rounding_left_none_free():
    import numpy as np
    import sympy as sp

    from keras_symbolic.symbolic.snapping import snap_constants

    q, v = sp.symbols("q v", positive=True)
    X = np.random.default_rng(1).uniform(1, 5, (300, 2))
    y = 0.5664 * X[:, 0] * X[:, 1]
    out, info = snap_constants(sp.Rational(4, 7) * q * v, X, y, [q, v])  # 4/7 = 0.5714: 0.9 % off
    assert abs(info["scale"] * 4 / 7 - 0.5664) < 1e-9
    assert len(out.atoms(sp.Float)) == 1 and out.free_symbols == {q, v}


def test_round_off_left_on_a_short_number_is_removed_and_nothing_else_moves():
    """What a fit leaves on a short decimal or a simple fraction is shown as that number; a fitted
    number with many digits is kept as it is (no value moves by more than 1e-9 of itself)."""
    import sympy as sp

    from keras_symbolic.symbolic.tidy import without_round_off

    x, t = sp.symbols("x t")
    assert without_round_off(sp.Float(9.80999999999992) / x) == sp.Float(9.81) / x
    assert without_round_off(sp.exp(sp.Float(-0.0333333333333333) * t)) == sp.exp(-t / 30)
    assert without_round_off(sp.Float(2.00000000000001) * x + sp.Float(3.0)) == 2 * x + 3
    fitted = sp.Float(0.707106781186548) * x + sp.Float(1.23456789) + sp.Float(7.3e-5) * t
    assert without_round_off(fitted) == fitted
    huge = sp.Float(1.0000000000001e300) * x
    assert without_round_off(huge) == sp.Float(1e300) * x  # a float, not a 301-digit integer
