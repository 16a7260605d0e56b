"""How the discovery engine judges its candidates on a small table: cross-validation instead of one
held-out split.

On a large table a fifth of the rows held out judges every candidate well. On a few hundred rows
that fifth is noisy (on 88 held-out rows of the diabetes table an R^2 moves by ~0.1 between splits),
and on a few dozen it decides by chance. So below :data:`CV_MAX_ROWS` rows every candidate of the
table (its *form*, found by the stages on the training rows) is judged by ``k``-fold cross-validation
on all the rows: for each fold, the formula's float constants are refitted on the other folds
(:func:`~keras_symbolic.symbolic.coefficient_fit.fit_coefficients`, weighted when the rows are) and it
predicts the fold. The out-of-fold predictions of all ``n`` rows give the candidate's R^2 and the data
term of its description length. Below :data:`LOO_BELOW` rows the folds are single rows
(leave-one-out). Finally each formula's constants are refitted on all rows: the answer uses all the
data.

A number the stages rounded or chose (``speed**(3/2)/7``, ``4*speed - 17.65``) was chosen on rows
that the folds then judge, so a form is also judged with every number free (:func:`free_form`),
exponents included (``c*speed**p``), and refitted fold by fold; a formula's score is the worst of
them. (On the cars table, ``speed**(3/2)`` with the exponent chosen on all rows beats a straight line out
of fold by more than one standard error; ``c*speed**p`` with ``p`` refitted in each fold does not.)
Below :data:`LOO_BELOW` rows, where the stages found the forms on every row that leave-one-out then
judges, the numbers a formula does not show were chosen on those rows too: ``IQfoster`` is a line whose
slope was rounded to 1 and whose intercept to 0, so it is also judged as ``a*IQfoster + b``
(:func:`free_form`). Judged only as it is, it beat the least squares line it came from out of fold by 3.5
paired standard errors (its two constants were fitted with every held-out row), and it answered where
the line predicted fresh rows better. (The form with only its shown numbers free is judged too: an
offset a formula lacked may fit the folds better than the formula, and freeing numbers must never
flatter it.) On larger tables one more constant barely moves a formula's error, and there the extra
pessimism only flipped close calls: diabetes' 20-node formula fell from 2.04 to 1.92 paired standard
errors ahead of least squares.

Besides the table, :func:`cross_validated` gives each formula's out-of-fold per-row errors
``w_r (y_r - f(x_r))**2``, and :func:`held_out_errors` gives them on a large table's held-out rows: the
choice compares formulas row by row (:mod:`~keras_symbolic.pipelines.auto_choice`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.search.description_length import description_length
from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.evaluation import predict_or_nan
from keras_symbolic.symbolic.parameters import parametrize

__all__ = ["CV_MAX_ROWS", "LOO_BELOW", "FOLDS", "validation_scheme", "free_form", "cross_validated",
           "held_out_errors"]

#: Tables of fewer rows are judged by cross-validation.
CV_MAX_ROWS = 2000
#: Tables of fewer rows are judged by leave-one-out.
LOO_BELOW = 30
#: Folds of the cross-validation above :data:`LOO_BELOW` rows.
FOLDS = 5
#: Function evaluations of each fold's constant refit (small tables: milliseconds each).
REFIT_EVALUATIONS = 100


def validation_scheme(n_rows: int) -> str | None:
    """``"leave-one-out"``, ``"5-fold"`` or ``None`` (one held-out split) for a table of ``n_rows``."""
    if n_rows >= CV_MAX_ROWS:
        return None
    return "leave-one-out" if n_rows < LOO_BELOW else f"{FOLDS}-fold"


def _folds(n: int, seed: int):
    from sklearn.model_selection import KFold, LeaveOneOut

    splitter = LeaveOneOut() if n < LOO_BELOW else KFold(FOLDS, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((n, 1))))


def free_form(expr, X, y, symbols):
    """``expr (sympy)`` with every number it was given free to refit: its rationals, integers and
    exponents as floats (``sp.nfloat``), a float scale on each additive term that has none, and an
    offset when it has none (started at the mean residual on ``X (n, d)``, ``y (n,)``):
    ``IQfoster -> 1.0*IQfoster + b``, ``capital/2 + 5*labor/2 -> 0.5*capital + 2.5*labor + b``,
    ``18 -> 18.0``. An exact law stays exact when refitted (scale 1, offset 0)."""
    free = sp.nfloat(expr, exponent=True)
    if not free.free_symbols:
        return free
    terms = []
    for term in sp.Add.make_args(free):
        coefficient, rest = term.as_coeff_Mul()
        terms.append(term if term.is_Number or isinstance(coefficient, sp.Float)
                     else sp.Float(float(coefficient)) * rest)
    if not any(term.is_Number for term in terms):
        with np.errstate(all="ignore"):
            residual = float(np.mean(y - predict_or_nan(free, X, symbols)))
        # a zero float would vanish from the sum; the refit moves a tiny start like any other
        terms.append(sp.Float(residual if np.isfinite(residual) and residual != 0 else 1e-12))
    return sp.Add(*terms)


def _constants(expr) -> int:
    """Float constants of ``expr``, each occurrence counted (the parameters a refit moves)."""
    return len(parametrize(expr)[1])


def _refit(expr, X, y, symbols, weights):
    if not expr.atoms(sp.Float):
        return expr
    fitted, _ = fit_coefficients(expr, X, y, symbols, max_nfev=REFIT_EVALUATIONS, timeout=None,
                                 max_samples=None, sample_weight=weights)
    return fitted


def _out_of_fold(expr, X, y, symbols, weights, folds) -> np.ndarray:
    if not expr.atoms(sp.Float):
        return predict_or_nan(expr, X, symbols)
    pred = np.empty(len(y))
    for fit_rows, test_rows in folds:
        w = None if weights is None else weights[fit_rows]
        pred[test_rows] = predict_or_nan(_refit(expr, X[fit_rows], y[fit_rows], symbols, w), X[test_rows], symbols)
    return pred


def _judged(expr, X, y, symbols, w, folds, fewest: int, unshown: bool) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold predictions of ``expr`` as it is, and the worst (by squared error) of those, of the
    form with the numbers it shows free (``sp.nfloat``) and, when ``unshown``, of the form with every
    number free (:func:`free_form`; see the module). The worst, so that freeing more numbers never
    flatters a formula (an offset it lacked could fit the folds better than the formula itself). NaN
    where ``expr`` cannot be judged; a free form with too many constants for the folds is not judged."""
    nan = np.full(len(y), np.nan)
    # as many constants as a fold's rows: its refit is underdetermined and keeps the constants
    # fitted with the held-out row (leave-one-out on 6 rows would call a 7-constant sum exact)
    if _constants(expr) >= fewest:
        return nan, nan
    try:
        fixed = _out_of_fold(expr, X, y, symbols, w, folds)
        judged, seen = [fixed], {expr}
        frees = [sp.nfloat(expr, exponent=True)] + ([free_form(expr, X, y, symbols)] if unshown else [])
        for free in frees:
            if free not in seen and _constants(free) < fewest:
                seen.add(free)
                judged.append(_out_of_fold(free, X, y, symbols, w, folds))
    except Exception:  # noqa: BLE001 - a refit that fails leaves the formula unjudged
        return nan, nan
    if not all(np.all(np.isfinite(pred)) for pred in judged):
        return nan, nan
    weight = 1.0 if w is None else w
    return fixed, max(judged, key=lambda pred: float(np.sum(weight * (y - pred) ** 2)))


def cross_validated(table: pd.DataFrame, X, y, symbols, *, weights=None,
                    seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``table`` (one row per formula: ``expression``, ``r2``, ``description_length``) with each formula
    judged by cross-validation on all rows ``X (n, d)``, ``y (n,)`` (see the module): ``r2`` and
    ``description_length`` from the out-of-fold predictions (``r2`` the worst of the formula's and of
    its free forms'), ``expression`` refitted on all rows; and the per-row errors ``(len(table), n)``
    of those predictions. A formula that cannot predict every
    fold, or has at least as many float constants as a fold has rows to fit them on, gets
    ``r2 = -inf``, an infinite description length and infinite errors."""
    folds = _folds(len(y), seed)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    weight = np.ones(len(y)) if w is None else w
    total = float(np.sum(weight * (y - np.average(y, weights=weight)) ** 2)) or 1e-300
    fewest = min(len(fit_rows) for fit_rows, _ in folds)
    out = table.copy()
    errors = pd.DataFrame(np.inf, index=out.index, columns=range(len(y)))
    for index, expr in zip(out.index, out["expression"]):
        expr = sp.sympify(expr)
        fixed, pred = _judged(expr, X, y, symbols, w, folds, fewest, unshown=len(y) < LOO_BELOW)
        if not np.all(np.isfinite(pred)):
            out.at[index, "r2"], out.at[index, "description_length"] = -np.inf, np.inf
            continue
        errors.loc[index] = weight * (y - pred) ** 2
        out.at[index, "r2"] = 1.0 - float(np.sum(weight * (y - pred) ** 2)) / total
        # the description length prices the formula as it is: its rounded numbers on its own predictions
        out.at[index, "description_length"] = description_length(expr, y, fixed, len(symbols), weights=w)
        refitted = _refit(expr, X, y, symbols, w)
        if np.all(np.isfinite(predict_or_nan(refitted, X, symbols))):
            out.at[index, "expression"] = refitted
    return out, errors


def held_out_errors(table: pd.DataFrame, X, y, symbols, weights=None) -> pd.DataFrame:
    """Each formula's per-row errors ``w_r (y_r - f(x_r))**2`` on held-out rows ``X (n, d)``, ``y (n,)``:
    a frame ``(len(table), n)`` on the table's index, infinite where a formula cannot predict."""
    weight = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    errors = pd.DataFrame(np.inf, index=table.index, columns=range(len(y)))
    for index, expr in zip(table.index, table["expression"]):
        pred = predict_or_nan(sp.sympify(expr), X, symbols)
        if np.all(np.isfinite(pred)):
            errors.loc[index] = weight * (y - pred) ** 2
    return errors
