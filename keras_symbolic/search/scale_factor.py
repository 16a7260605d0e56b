"""One column as a scale factor, ``y = x_j g(x_k)``, on a table of two input columns too small for the
decomposition.

The decomposition finds a product split with a surrogate network, which needs tens of training rows
(:data:`~keras_symbolic.pipelines.auto.DECOMPOSITION_MIN_ROWS`). The simplest product split needs none:
when ``y`` is proportional to one column ``x_j`` (a count out of a total, a time proportional to a
viscosity), ``y / x_j`` is a function of the other column alone, and the one-variable solvers
(:func:`~keras_symbolic.search.one_variable_forms.fit_one_variable_forms`, and
:func:`~keras_symbolic.search.rational_regression.rational_fit` for ratios such as ``b / (x_k - c)``) can
fit it. Each form ``g`` found for ``y / x_j`` gives the candidate ``x_j g(x_k)``, polished on ``y`` like
every other candidate (:func:`~keras_symbolic.search.direct_solvers.polish`), so its constants are
refitted on the target itself, not on the ratio.

Only a column of one sign with no zero can be a scale factor. Shapes: ``X (n, 2)``, ``y (n,)``.
"""
from __future__ import annotations

import numpy as np

from keras_symbolic.search.description_length import REL_FLOOR
from keras_symbolic.search.direct_solvers import Candidate, polish
from keras_symbolic.search.one_variable_forms import fit_one_variable_forms
from keras_symbolic.search.rational_regression import rational_fit

__all__ = ["scale_factor_candidates"]

#: Forms kept per solver and scale column before polishing.
KEEP = 2


def _one_signed(column: np.ndarray) -> bool:
    return bool(np.all(column > 0) or np.all(column < 0))


def scale_factor_candidates(X, y, symbols, train, val, *, rel_floor: float = REL_FLOOR,
                            weights=None) -> list[Candidate]:
    """Candidates ``x_j g(x_k)`` for each one-signed column ``x_j`` of ``X (n, 2)``: the best
    :data:`KEEP` one-variable forms and :data:`KEEP` ratios ``g`` of ``y / x_j`` on the training rows
    ``train``, each polished on ``y`` (``weights (n,)`` in its fit and score) and scored on ``val``
    (solver ``"scale factor"``). Empty unless ``X`` has exactly two columns."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        return []
    raw = []
    for j, k in ((0, 1), (1, 0)):
        if not _one_signed(X[:, j]) or np.ptp(X[train, k]) == 0:
            continue
        ratio = y / X[:, j]
        forms = fit_one_variable_forms(X[train, k], ratio[train], symbols[k])[:KEEP]
        ratios = rational_fit(X[:, [k]], ratio, [symbols[k]], train, val, rel_floor=rel_floor)[:KEEP]
        raw += [symbols[j] * g for _, g in forms] + [symbols[j] * g for _, g in ratios]
    out = []
    for expr in raw:
        cand = polish(expr, X, y, symbols, train, val, rel_floor=rel_floor, weights=weights)
        if cand is not None and all(cand.expression != c.expression for c in out):
            cand.solver = "scale factor"
            out.append(cand)
    return out
