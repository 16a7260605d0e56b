"""A trend with a season (:mod:`keras_symbolic.search.periodic_forms`): the period of monthly and
quarterly rows, harmonics below the Nyquist frequency, nothing on constant rows, and the direct
solvers offer the form on a table of one column."""
import numpy as np
import sympy as sp

from keras_symbolic.search.periodic_forms import fit_seasons
from keras_symbolic.symbolic.evaluation import to_callable


def _frequencies(expr, symbol):
    return sorted({float(sp.Poly(f.args[0], symbol).coeffs()[0]) for f in expr.atoms(sp.sin, sp.cos)})


def _r2(expr, symbol, x, y):
    residual = y - to_callable(expr, [symbol])(x[:, None])
    return 1 - residual.var() / y.var()


def test_a_monthly_season_over_a_trend_is_found_at_its_period_with_its_harmonics():
    rng = np.random.default_rng(0)
    x = 1973 + np.arange(96) / 12  # eight years of months, in years
    season = 300 * np.cos(2 * np.pi * x + 0.4) + 120 * np.sin(4 * np.pi * x)
    y = 9000 - 15 * (x - 1973) + season + 20 * rng.standard_normal(len(x))
    t = sp.Symbol("t")
    found = [expr for _, expr in fit_seasons(x, y, t)]
    assert len(found) == 4
    assert abs(_frequencies(found[0], t)[0] - 2 * np.pi) < 0.02
    # two harmonics of exactly 2 pi: Schwarz's criterion writes the year as it is, shared by both
    assert found[1].has(sp.cos(2 * sp.pi * t), sp.sin(4 * sp.pi * t)) and _frequencies(found[1], t) == [
        float(2 * sp.pi), float(4 * sp.pi)]
    assert _r2(found[0], t, x, y) < 0.9 < 0.99 < _r2(found[1], t, x, y)


def test_quarterly_rows_take_no_harmonic_at_or_past_their_nyquist_frequency():
    x = 1960 + np.arange(120) / 4
    y = 50 + 2 * (x - 1960) + 10 * np.sin(2 * np.pi * x)
    t = sp.Symbol("t")
    found = [expr for _, expr in fit_seasons(x, y, t)]
    assert found[0].has(sp.sin(2 * sp.pi * t))
    nyquist = np.pi / 0.25
    for expr in found:
        assert max(_frequencies(expr, t)) < nyquist


def test_constant_rows_or_too_few_rows_give_nothing_and_a_season_repeats_three_times():
    t = sp.Symbol("t")
    assert fit_seasons(np.arange(20.0), np.full(20, 3.0), t) == []
    assert fit_seasons(np.full(20, 2.0), np.arange(20.0), t) == []
    few = fit_seasons(np.arange(13.0), np.sin(2 * np.pi * np.arange(13.0) / 3), t)
    assert len(few) == 1 and few[0][1].has(sp.sin(2 * sp.pi * t / 3))  # 4 coefficients need 12 rows
    x = np.linspace(0, 10, 200)  # under two periods: a curve, not a season; only faster sines are tried
    slow = fit_seasons(x, np.sin(1.1 * x) + 0.1 * x, t)
    assert all(min(_frequencies(e, t)) >= 2 * np.pi * 3 / 10 - 1e-9 for _, e in slow)
    # a period that is no simple fraction of 2 pi is not written as one, and not offered
    assert fit_seasons(x, np.sin(2.2 * x + 0.3), t) == []


def test_the_direct_solvers_offer_the_season_on_a_table_of_one_column():
    from keras_symbolic.search.direct_solvers import solve_direct

    x = (1949 + np.arange(144) / 12)[:, None]
    y = 200 + 3 * (x[:, 0] - 1949) + 40 * np.cos(2 * np.pi * x[:, 0]) + 15 * np.sin(4 * np.pi * x[:, 0])
    rows = np.random.default_rng(1).permutation(len(y))
    time = sp.Symbol("time")
    assert not any(c.solver == "season" for c in solve_direct(x, y, [time], rows[:110], rows[110:]))
    found = solve_direct(x, y, [time], rows[:110], rows[110:], seasons=True)
    assert any(c.solver == "season" and c.r2 > 0.999 for c in found), [(c.solver, c.r2) for c in found]
