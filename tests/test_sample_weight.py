"""Per-row weights (``fit --weights COLUMN``, ``sample_weight`` of the estimators): they enter every
constant fit and score, so rows of zero weight cannot pull the formula, and bad weights are refused."""
import json

import numpy as np
import pytest
import sympy as sp

from keras_symbolic.search.direct_solvers import score
from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.transform import DataError, check_sample_weight

RNG = np.random.default_rng(0)
x = sp.Symbol("x")


def _two_regimes(n=400):
    X = RNG.uniform(1, 5, (n, 1))
    y = 2.0 * X[:, 0]
    bad = np.arange(n) % 3 == 0  # a third of the rows follow 3 x
    y[bad] = 3.0 * X[bad, 0]
    return X, y, np.where(bad, 0.0, 1.0)


def test_the_constant_fit_follows_the_weights():
    X, y, w = _two_regimes()
    plain, _ = fit_coefficients(sp.Float(1.0) * x, X, y, [x])
    weighted, _ = fit_coefficients(sp.Float(1.0) * x, X, y, [x], sample_weight=w)
    assert 2.2 < float(plain.coeff(x)) < 2.5  # the mixture
    assert float(weighted.coeff(x)) == pytest.approx(2.0, abs=1e-9)


def test_the_score_ignores_rows_of_zero_weight():
    X, y, w = _two_regimes()
    _, r2_plain = score(2 * x, X, y, [x])
    _, r2_weighted = score(2 * x, X, y, [x], weights=w)
    assert r2_plain < 0.9 and r2_weighted == pytest.approx(1.0)


@pytest.mark.parametrize("bad, words", [
    ([1.0, -1.0, 1.0], ">= 0"), ([1.0, np.nan, 1.0], "finite"), ([0.0, 0.0, 0.0], "not all zero"),
    ([1.0, 1.0], "one per row"),
])
def test_bad_weights_are_refused(bad, words):
    with pytest.raises(DataError, match=words):
        check_sample_weight(bad, 3)


def test_weights_are_scaled_to_mean_one():
    assert np.allclose(check_sample_weight([2.0, 4.0, 6.0], 3), [0.5, 1.0, 1.5])


def _corrupted_table(n=300):
    X = RNG.uniform(1, 4, (n, 2))
    y = 3.0 * X[:, 0] * X[:, 1]
    bad = RNG.random(n) < 0.3
    y[bad] += RNG.uniform(20, 60, bad.sum())  # a faulty instrument on these rows
    return X, y, np.where(bad, 0.0, 1.0)


@pytest.mark.backend
def test_the_estimator_recovers_the_law_from_the_rows_that_count():
    from keras_symbolic import SymbolicRegressor

    X, y, w = _corrupted_table()
    weighted = SymbolicRegressor(time_budget=2, lies=False, decomposition=False).fit(X, y, sample_weight=w)
    a, b = weighted.variables_
    assert sp.simplify(weighted.expression_ - 3 * a * b) == 0
    plain = SymbolicRegressor(time_budget=2, lies=False, decomposition=False).fit(X, y)
    assert sp.simplify(plain.expression_ - 3 * a * b) != 0


def test_fit_weights_column(tmp_path):
    from keras_symbolic.cli import main

    X, y, w = _corrupted_table()
    path = tmp_path / "t.csv"
    np.savetxt(path, np.column_stack([X, w, y]), delimiter=",", header="a,b,w,y", comments="")
    out = tmp_path / "out"
    assert main(["fit", str(path), "--target", "y", "--weights", "w", "--time-budget", "2", "--quiet",
                 "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    assert "w" not in result["expression"] and sp.simplify(sp.sympify(result["expression"]) - sp.sympify("3*a*b")) == 0


@pytest.mark.parametrize("extra, words", [
    (["--weights", "nope"], "weights column 'nope' not in"),
    (["--weights", "y"], "weights column 'y' not in"),
    (["--weights", "w", "--method", "lies"], "apply to --method auto only"),
])
def test_fit_weights_errors(tmp_path, capsys, extra, words):
    from keras_symbolic.cli import main

    path = tmp_path / "t.csv"
    path.write_text("a,w,y\n1,1,2\n2,1,4\n3,-1,6\n" * 5)
    assert main(["fit", str(path), "--target", "y", *extra, "--out", str(tmp_path / "o")]) == 2
    assert words in capsys.readouterr().err


def test_negative_weights_in_the_file_are_refused(tmp_path, capsys):
    from keras_symbolic.cli import main

    path = tmp_path / "t.csv"
    path.write_text("a,w,y\n" + "".join(f"{i},{-1 if i == 3 else 1},{2 * i}\n" for i in range(1, 20)))
    assert main(["fit", str(path), "--target", "y", "--weights", "w", "--out", str(tmp_path / "o")]) == 2
    assert "must hold finite numbers >= 0" in capsys.readouterr().err


def test_lies_trains_on_a_weighted_resample(monkeypatch):
    """LIESRegressor draws its training rows with probability proportional to the weight: a row of
    weight 0 is never seen, the seed fixes the draw."""
    import keras_symbolic.estimators.lies as lies_module
    from keras_symbolic import LIESRegressor

    seen = []

    class Seen(Exception):
        pass

    def capture(X, y, *args, **kwargs):
        seen.append(y.copy())
        raise Seen

    monkeypatch.setattr(lies_module, "run_lies", capture)
    X, y, w = _two_regimes()
    for _ in range(2):
        with pytest.raises(Seen):
            LIESRegressor(seed=3).fit(X, y, sample_weight=w)
    assert len(seen[0]) == len(y) and np.allclose(seen[0], seen[1])
    assert set(seen[0]) <= set(y[w > 0])  # only rows of positive weight
