"""What the formula estimators (``LIESRegressor``, ``SymbolicRegressor``) share with scikit-learn: the
checks of ``fit`` and ``predict`` in the command line's words, scikit-learn's bookkeeping
(``n_features_in_``, ``feature_names_in_``), prediction by the chosen formula, and pickling (a
lambdified function does not pickle, so it is rebuilt on first use).

A subclass sets ``expression_``, ``variables_`` and ``names_`` in ``fit`` after calling
:meth:`FormulaRegressor._validated`.
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.transform import MIN_ROWS, validate_xy

__all__ = ["FormulaRegressor"]


def _ndim(X) -> int:
    """Dimensions of an array-like without calling NumPy functions on it (some array-likes refuse them)."""
    if hasattr(X, "shape"):
        return len(X.shape)
    try:
        return np.asarray(X).ndim
    except (TypeError, ValueError):
        return 0


class FormulaRegressor(RegressorMixin, BaseEstimator):
    """Base of the estimators whose model is one formula ``expression_`` in ``variables_``."""

    #: Fewest rows ``fit`` accepts.
    _min_rows = MIN_ROWS

    def _validated(self, X, y, feature_names, max_features: int):
        """``(X (n, d) float64, y (n,) float64, names)`` after the package's checks (``ValueError`` with
        the command line's words); also sets ``n_features_in_`` (and ``feature_names_in_`` for a
        DataFrame) as scikit-learn expects. A column-vector ``y`` is raveled with scikit-learn's
        ``DataConversionWarning``."""
        if feature_names is None and hasattr(X, "columns"):
            feature_names = [str(c) for c in X.columns]
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if getattr(y, "ndim", 1) == 2 and getattr(y, "shape", (0, 0))[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected; it is raveled to (n_samples,).",
                          DataConversionWarning, stacklevel=3)
        frame = X
        X, y, names = validate_xy(X, y, feature_names, min_rows=self._min_rows, max_features=max_features)
        validate_data(self, frame, skip_check_array=True, reset=True)
        return X, y, names

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_predict_fn", None)
        return state

    def _check_X(self, X) -> np.ndarray:
        check_is_fitted(self, "expression_")
        if _ndim(X) == 2:  # column count and names as in fit, in scikit-learn's words
            validate_data(self, X, skip_check_array=True, reset=False)
        X, _, _ = validate_xy(X, None, list(self.names_.user), min_rows=1)
        return X

    def predict(self, X) -> np.ndarray:
        """Evaluate the chosen formula on ``X``: shape ``(n_samples,)``."""
        if getattr(self, "_predict_fn", None) is None:
            check_is_fitted(self, "expression_")
            self._predict_fn = to_callable(self.expression_, self.variables_)
        return self._evaluate(self._predict_fn, X)

    def _evaluate(self, fn, X) -> np.ndarray:
        """``fn`` (a compiled formula of ``variables_``) on the checked ``X``: shape ``(n_samples,)``."""
        X = self._check_X(X)
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(fn(X), dtype=np.float64), (len(X),)).copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
