"""Rounding fitted constants (``search/coefficient_rounding.py``): a spurious offset that another constant
compensates is dropped, a real one is kept, and the zero pass spends no fit on a distant zero."""
import numpy as np
import sympy as sp

from keras_symbolic.search.coefficient_rounding import round_coefficients

t = sp.Symbol("t")
AMPLITUDE = 1 / np.sqrt(2 * np.pi)  # no simple fraction (of pi) within the noise: it stays a float


def _rows(offset, noise, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 3.0, (4000, 1))
    clean = AMPLITUDE * np.exp(-(X[:, 0] + offset) ** 2 / 2)
    return X, clean + noise * np.sqrt(np.mean(clean**2)) * rng.standard_normal(len(clean))


def test_a_spurious_offset_is_dropped_with_the_amplitude_refitted():
    X, y = _rows(0.0, 0.01)
    fitted = sp.Float(0.4005) * sp.exp(-(t + sp.Float(0.0009)) ** 2 / 2)  # the offset shifts, the amplitude pays
    rounded = round_coefficients(fitted, X, y, [t])
    assert sp.simplify(rounded / sp.exp(-t**2 / 2)).is_number, rounded  # no offset left
    assert abs(float(rounded / sp.exp(-t**2 / 2)) - AMPLITUDE) < 0.002


def test_a_real_offset_is_kept():
    X, y = _rows(0.3, 0.01)
    fitted = sp.Float(0.39898) * sp.exp(-(t + sp.Float(0.29991)) ** 2 / 2)
    rounded = round_coefficients(fitted, X, y, [t])
    assert sp.Rational(3, 10) in rounded.atoms(sp.Rational), rounded


def test_a_distant_zero_costs_no_fit(monkeypatch):
    """``0.4 exp(-(t + 2.5)**2/2)`` (an amplitude that snaps): dropping 2.5 moves the formula far beyond NEAR; no refit is spent."""
    import keras_symbolic.symbolic.coefficient_fit as coefficient_fit

    X = np.random.default_rng(0).uniform(1.0, 3.0, (4000, 1))
    y = 0.4 * np.exp(-(X[:, 0] + 2.5) ** 2 / 2)
    calls = []
    real = coefficient_fit.fit_coefficients
    monkeypatch.setattr(coefficient_fit, "fit_coefficients", lambda *a, **k: calls.append(1) or real(*a, **k))
    fitted = sp.Float(0.4) * sp.exp(-(t + sp.Float(2.5)) ** 2 / 2)
    rounded = round_coefficients(fitted, X, y, [t])
    assert sp.simplify(rounded - sp.Rational(2, 5) * sp.exp(-(t + sp.Rational(5, 2)) ** 2 / 2)) == 0
    assert calls == []  # both snaps are exact on noiseless rows, and the zeros are far


def test_the_simplest_number_that_keeps_the_description_length_is_taken():
    """``c1 sqrt(c2 x**2 + c3 z**2)`` has one constant too many: ``c2 = 16.08`` is as good as ``16`` once
    ``c1`` is refitted, and ``16`` (the ladder's integer) is taken before ``193/12`` (the nearest twelfth)."""
    x, z = sp.symbols("x z")
    rng = np.random.default_rng(1)
    X = rng.uniform(1.0, 5.0, (4000, 2))
    clean = np.hypot(X[:, 0], X[:, 1])
    y = clean + 0.01 * np.sqrt(np.mean(clean**2)) * rng.standard_normal(len(clean))
    fitted = sp.Float(0.249377) * sp.sqrt(sp.Float(16.08) * x**2 + sp.Float(16.08) * z**2)
    rounded = round_coefficients(fitted, X, y, [x, z])
    assert sp.Integer(16) in rounded.atoms(sp.Integer) and sp.Rational(193, 12) not in rounded.atoms(sp.Rational), rounded


def test_the_zeros_cannot_spend_the_refits_the_snaps_need(monkeypatch):
    """Many small real terms: each zero is near and refitted, each is rejected; the snaps still get
    their refits (``max_refits // 4`` for the zeros)."""
    import keras_symbolic.symbolic.coefficient_fit as coefficient_fit

    x = sp.Symbol("x")
    X = np.linspace(1.0, 2.0, 400)[:, None]
    terms = [sp.Float(0.01 * (k + 1)) * x**k for k in range(1, 9)]  # small but real: y holds them exactly
    y = np.asarray(sp.lambdify(x, sum(terms) + 5 * x**10)(X[:, 0]), dtype=float)
    calls = []
    real = coefficient_fit.fit_coefficients
    monkeypatch.setattr(coefficient_fit, "fit_coefficients", lambda *a, **k: calls.append(1) or real(*a, **k))
    import keras_symbolic.search.coefficient_rounding as rounding

    at_snap = []
    real_snap = rounding._snap
    monkeypatch.setattr(rounding, "_snap", lambda best, dl, judge, *a, **k: at_snap.append((len(calls), judge.refits_left))
                        or real_snap(best, dl, judge, *a, **k))
    round_coefficients(sum(terms) + sp.Float(5.0001) * x**10, X, y, [x], max_refits=8)
    assert at_snap == [(2, 8)], at_snap  # the zeros spent their 8 // 4, and the snaps start with all 8
    assert len(calls) <= 2 + 8


def test_an_exponent_is_never_snapped_to_a_multiple_of_pi():
    """Rows of ``x**4.0019`` with 0.1 % noise: ``4`` is too far, and ``79/(2 pi**2)`` (= 4.00189) would
    fit; an exponent stays a float or a rational."""
    x = sp.Symbol("x")
    rng = np.random.default_rng(0)
    X = np.linspace(1.0, 5.0, 4000)[:, None]
    clean = X[:, 0] ** (79 / (2 * np.pi**2))
    y = clean * (1 + 0.001 * rng.standard_normal(len(clean)))
    rounded = round_coefficients(x ** sp.Float(4.0019), X, y, [x])
    assert not rounded.has(sp.pi), rounded


def test_under_a_tolerance_floor_the_nearest_fraction_comes_first():
    """A decomposition's piece is rounded under a floor (errors below it are free): ``15.34 x`` on rows
    of ``46/3 x`` stays ``46/3 x`` there; the integer ``15`` (2 % off, within a 3 % floor) is not taken."""
    x = sp.Symbol("x")
    X = np.linspace(1.0, 2.0, 5000)[:, None]
    y = 46 / 3 * X[:, 0]
    rounded = round_coefficients(sp.Float(15.34) * x, X, y, [x], rel_floor=0.03)
    assert rounded == sp.Rational(46, 3) * x, rounded
