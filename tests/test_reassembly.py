"""The decomposition's structures on the raw rows (``pipelines/auto_reassembly.py``) and the one-variable
Hill form that motivated it: a piece's right form ranked fourth on the surrogate must still be refitted."""
import numpy as np
import sympy as sp

V, S = sp.symbols("Vmax S")


def _hill_table(noise: float, n: int = 1000, seed: int = 23):
    """``Vmax S**2.4 / (0.85**2.4 + S**2.4)`` with relative noise, and a train / held-out split of its rows."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(1, 5, n), rng.uniform(0.05, 3, n)])
    clean = X[:, 0] * X[:, 1] ** 2.4 / (0.85**2.4 + X[:, 1] ** 2.4)
    y = clean + rng.normal(0, noise * np.sqrt(np.mean(clean**2)), n)
    idx = rng.permutation(n)
    return X, y, np.sort(idx[n // 5:]), np.sort(idx[: n // 5])


def test_one_structure_per_shape():
    from keras_symbolic.pipelines.auto_reassembly import distinct_structures, structure_key

    assert structure_key(sp.Float(0.458) * V) == structure_key(sp.Rational(4, 9) * V)
    assert structure_key(V * S / (S + sp.Float(0.4))) != structure_key(V * S**2 / (S**2 + sp.Float(0.4)))
    # exponents that are constants belong to the structure's numbers too: S**2.4 and S**(12/5) are one shape
    assert structure_key(S ** sp.Float(2.4)) == structure_key(S ** sp.Rational(12, 5))
    exprs = [sp.Float(0.458) * V, sp.Float(0.5) * V * sp.exp(-S), sp.Rational(4, 9) * V, sp.Float(2.0) * V * sp.exp(-S)]
    assert distinct_structures(exprs) == [exprs[0], exprs[1]]


def test_the_right_structure_beyond_the_simplest_four_is_screened_in_and_wins():
    """Four simple structures as close as a surrogate (3 % off), duplicates of them, then the Hill
    product: the screen on the raw rows keeps it, and refitted it has the smallest description length."""
    from keras_symbolic.pipelines.auto_reassembly import reassemble, screened_structures, structure_key

    X, y, train, val = _hill_table(0.01)
    f = sp.Float
    simple = [f(1.05) * V * S**2 / (S**2 + f(0.78)), f(0.6) * V * (sp.tanh(f(1.2) * S - f(0.75)) + f(0.55)),
              V * (f(0.95) - f(0.9) * sp.exp(-S**2)), f(0.9) * V * S**2 / (S**2 - f(0.47) * S + 1)]
    hill = f(0.93) * V * S ** sp.Rational(12, 5) / (S ** sp.Rational(12, 5) + sp.Rational(2, 3))
    structures = simple + [f(1.1) * V * S**2 / (S**2 + f(0.7)), V * (f(0.9) - f(0.8) * sp.exp(-S**2))] + [hill]
    kept = screened_structures(structures, 4, X, y, [V, S], train, val)
    assert kept[:4] == simple
    assert structure_key(hill) in {structure_key(e) for e in kept[4:]}
    assert len({structure_key(e) for e in kept}) == len(kept)  # the duplicates of the first four are gone
    found = reassemble(kept, X, y, [V, S], train, val, exact_r2=1 - 1e-12)
    best = min(found, key=lambda c: c.dl).expression
    exponents = [p.exp for p in best.atoms(sp.Pow) if p.base == S]
    assert exponents and all(abs(float(e) - 2.4) < 0.05 for e in exponents), best


def test_hill_form_fits_a_fractional_exponent():
    from keras_symbolic.search.one_variable_forms import fit_one_variable_forms

    s = np.random.default_rng(5).uniform(0.05, 3, 800)
    y = 2.0 + 3.0 * s**2.4 / (0.677 + s**2.4)
    name, expr = fit_one_variable_forms(s, y, S)[0]
    assert name == "hill"
    pred = sp.lambdify(S, expr, "numpy")(s)
    assert np.max(np.abs(pred - y)) < 1e-6 * np.max(np.abs(y)), expr
    assert fit_one_variable_forms(s - 1.0, y, S)[0][0] != "hill"  # only for x > 0 (s - 1 changes sign)


def test_decomposition_recovers_a_hill_product_at_one_percent_noise():
    """``Vmax S**2.4 / (0.677 + S**2.4)`` at 1 % noise, the exact function standing in for the surrogate
    (1.2 % error): the chosen decomposition candidate has the law's form with its exponent."""
    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.auto_decomposition import decompose
    from keras_symbolic.pipelines.progress import PhaseProgress

    X, y, train, val = _hill_table(0.01)
    exact = lambda Z: Z[:, 0] * Z[:, 1] ** 2.4 / (0.85**2.4 + Z[:, 1] ** 2.4)  # noqa: E731
    surrogate = type("Exact", (), {"error": 0.012, "epochs": 0, "seconds": 0.0,
                                   "__call__": lambda self, Z: exact(np.asarray(Z, dtype=float))})()
    found = decompose(X, y, [V, S], train, val, AutoConfig(search=False), [], PhaseProgress(0), noise=0.01,
                      surrogate=surrogate)
    best = min(found, key=lambda c: c.dl).expression
    exponents = [float(p.exp) for p in best.atoms(sp.Pow) if p.base == S]
    assert exponents and all(abs(e - 2.4) < 0.05 for e in exponents), best
