"""``SymbolicRegressor``: the discovery engine (``method="auto"``) behind the scikit-learn API."""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import sympy as sp
from sklearn.utils.validation import check_is_fitted

from keras_symbolic.estimators.formula_regressor import FormulaRegressor
from keras_symbolic.pipelines.auto import AutoConfig, run_auto
from keras_symbolic.pipelines.evaluate_auto import auto_fit_result
from keras_symbolic.results.writer import write_result_folder
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.names import safe_names
from keras_symbolic.symbolic.transform import AUTO_MIN_ROWS, MAX_AUTO_FEATURES, check_sample_weight

__all__ = ["SymbolicRegressor"]


class SymbolicRegressor(FormulaRegressor):
    """Find a formula for any table: direct solvers, a Keras surrogate with a recursive decomposition,
    LIES for products, one description-length rule (see :mod:`keras_symbolic.pipelines.auto`).

    The constructor only stores its arguments; :meth:`fit` validates the data (any signs, zeros and
    noisy rows are fine), runs the engine and sets the fitted attributes.

    Args:
        decomposition: use the surrogate and the recursive decomposition.
        lies: run LIES where the table allows log space and nothing fits exactly yet.
        surrogate_seconds: wall-clock safety net of the surrogate's training (its epochs bound it).
        max_terms: most terms of a sparse-regression candidate.
        operators: the operators a formula may use, as PySR's operator lists: ``"+,-,*,/,sin,exp"`` or
            a list of names (:mod:`keras_symbolic.search.operators`); ``None`` allows all.
        time_budget: seconds for the engine's open-ended search (a fixed amount of work derived from
            them, so the same seed gives the same formula at any machine load).
        denoise: on clearly noisy tables of at least 2000 rows, fit the formulas to the surrogate's
            values on the training rows (PySR's ``denoise``); candidates are still judged on raw
            held-out rows (:mod:`~keras_symbolic.pipelines.auto_denoise`).
        seed: seed of the whole run.
        verbose: 0 silent, 1 one line per phase and per decomposition step.
        config: a full :class:`~keras_symbolic.pipelines.auto.AutoConfig`; the arguments above are
            applied on top of it.

    Attributes:
        expression_: the chosen formula (SymPy, in ``variables_``).
        equations_: every candidate (solver, complexity, description length, R^2 on held-out rows,
            expression, ``pareto``: on the front of R^2 against complexity, ``chosen``);
            ``predict(X, index=k)`` evaluates row ``k``.
        choice_rule_: the rule that chose (``"description length"``, ``"one standard error"``,
            ``"no formula beats the mean"``).
        noise_floor_: the estimated noise level of the training rows, a fraction of RMS(y)
            (:func:`~keras_symbolic.search.noise_floor.noise_floor`; ``None`` on too few rows).
        validation_: how ``equations_``'s R^2 was measured: ``"held-out split"``, ``"5-fold"`` or
            ``"leave-one-out"`` (:mod:`~keras_symbolic.pipelines.auto_validation`).
        decomposition_: what the decomposition found (tests, splits, pieces and their solvers).
        fit_result_: the :class:`~keras_symbolic.results.fit_result.FitResult` (training rows).
        names_: the column names and the safe symbols standing for them.
        n_features_in_: the number of columns seen in ``fit``; feature_names_in_: their names, when ``X``
            was a DataFrame (as scikit-learn sets it).
    """

    _min_rows = AUTO_MIN_ROWS  # small tables are judged by leave-one-out

    def __init__(self, decomposition: bool = True, lies: bool = True, surrogate_seconds: float = 300.0,
                 max_terms: int = 6, operators=None, time_budget: float = 60.0, denoise: bool = False, seed: int = 0,
                 verbose: int = 0, config: AutoConfig | None = None):
        self.decomposition = decomposition
        self.lies = lies
        self.surrogate_seconds = surrogate_seconds
        self.max_terms = max_terms
        self.operators = operators
        self.time_budget = time_budget
        self.denoise = denoise
        self.seed = seed
        self.verbose = verbose
        self.config = config

    def _build_config(self) -> AutoConfig:
        if self.config is not None and not isinstance(self.config, AutoConfig):
            raise ValueError(f"`config` must be an AutoConfig or None, got {type(self.config).__name__}")
        if not (isinstance(self.max_terms, int) and self.max_terms >= 1):
            raise ValueError(f"`max_terms` must be a positive integer, got {self.max_terms!r}")
        if not self.surrogate_seconds > 0:
            raise ValueError(f"`surrogate_seconds` must be > 0, got {self.surrogate_seconds!r}")
        operators = self.operators
        if operators is not None and not isinstance(operators, str):
            operators = ",".join(operators)
        return replace(self.config or AutoConfig(), decomposition=bool(self.decomposition), lies=bool(self.lies),
                       surrogate_seconds=float(self.surrogate_seconds), max_terms=int(self.max_terms),
                       operators=operators or "", time_budget=float(self.time_budget), denoise=bool(self.denoise),
                       seed=int(self.seed))

    def fit(self, X, y, feature_names=None, sample_weight=None):
        """Fit on ``X (n_samples, n_features)``, ``y (n_samples,)``; ``feature_names`` (or a
        DataFrame's columns) name the formula's variables; ``sample_weight (n_samples,)`` weighs the
        rows in every constant fit and score (e.g. ``1 / sigma**2`` of measurement errors; see
        :func:`~keras_symbolic.pipelines.auto.run_auto`)."""
        X, y, names = self._validated(X, y, feature_names, MAX_AUTO_FEATURES)
        weights = check_sample_weight(sample_weight, len(y))
        self.config_ = self._build_config()
        self.names_ = safe_names(names)
        start = time.perf_counter()
        result = run_auto(X, y, list(self.names_.safe), self.config_, verbose=self.verbose, sample_weight=weights)
        self.fit_result_ = auto_fit_result(result, X, y, seconds=time.perf_counter() - start, seed=self.seed)
        self.fit_result_.symbols = self.names_.mapping
        self.expression_ = result.expression
        self.equations_ = result.equations
        self.choice_rule_ = result.rule
        self.noise_floor_ = result.noise_floor
        self.validation_ = result.validation or "held-out split"
        self.decomposition_ = result.decomposition
        self.variables_ = result.variables
        self.n_features_in_ = len(names)
        self._predict_fn = to_callable(self.expression_, self.variables_)
        return self

    def predict(self, X, index: int | None = None) -> np.ndarray:
        """Evaluate the chosen formula on ``X`` (shape ``(n_samples,)``), or the candidate of row
        ``index`` of ``equations_`` (e.g. another point of the Pareto front, ``equations_["pareto"]``)."""
        if index is None:
            return super().predict(X)
        return self._evaluate(to_callable(self.sympy(index), self.variables_), X)

    def sympy(self, index: int | None = None) -> sp.Expr:
        """The chosen formula, or candidate ``index`` of ``equations_``."""
        check_is_fitted(self, "expression_")
        return self.expression_ if index is None else self.equations_.loc[index, "expression"]

    def latex(self, index: int | None = None) -> str:
        """LaTeX of :meth:`sympy` in the column names."""
        return self.names_.latex(self.sympy(index))

    def write_result(self, out_dir):
        """Write the fit's result folder with the package's one writer; returns its path."""
        check_is_fitted(self, "fit_result_")
        return write_result_folder(out_dir, self.fit_result_)
