"""``LIESRegressor``: the LIES pipeline behind the scikit-learn estimator API."""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import sympy as sp
from sklearn.utils.validation import check_is_fitted

from keras_symbolic.estimators.formula_regressor import FormulaRegressor
from keras_symbolic.pipelines.evaluate import lies_fit_result
from keras_symbolic.pipelines.lies import run_lies
from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule
from keras_symbolic.pipelines.lies_training import TrainingDivergedError
from keras_symbolic.results.writer import write_result_folder
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.names import safe_names
from keras_symbolic.symbolic.transform import MAX_LIES_FEATURES, check_sample_weight

__all__ = ["LIESRegressor"]


class LIESRegressor(FormulaRegressor):
    """Symbolic regression with a LIES network (scikit-learn API).

    The constructor only stores its arguments; :meth:`fit` validates the data, trains, prunes and
    simplifies, and sets the fitted attributes.

    Args:
        schedule: ``"reference"`` (the authors' code values, default) or ``"paper"``, or a
            :class:`~keras_symbolic.pipelines.lies.LIESSchedule`.
        epochs_scale: multiply every phase's epochs (e.g. 0.25 for a quick look).
        oversampling, gradient_pruning, rounding, coefficient_fit: the pipeline modules (paper Table I).
        log_space: train in log space (needs one sign per column); ``False`` for mixed-sign data.
        pruning_threshold: ``tau`` of gradient-based pruning (paper 0.01).
        extra_pruning_thresholds: further thresholds whose formulas join ``equations_``.
        restarts: initialisations tried for the first weak phase; the sparsest good one continues.
        sampler: ``sampler(n, low, high, rng) -> (X, y)`` drawing fresh points in a box, for
            oversampling a known function; without it the worst region's rows are re-sampled.
        seed: seed of the whole run.
        verbose: 0 silent, 1 phase lines and progress bars, 2 also Keras epoch lines.
        config: a full :class:`LIESConfig`; when given, the switches above are applied on top of it.

    Attributes:
        expression_: the chosen formula (SymPy), in safe symbols: column names that would not read back
            in a formula (``mass kg``, ``E``, ``lambda``) are renamed (``mass_kg``, ``E_``, ``lambda_``).
        names_: the :class:`~keras_symbolic.symbolic.names.NameMap` of the columns (:meth:`latex` shows
            the column names).
        equations_: every candidate formula (``pandas.DataFrame``: pruning threshold, stage,
            complexity, loss, r2, expression, chosen).
        model_: the trained, pruned Keras model.
        transform_: the data <-> network space transform.
        result_: the full :class:`~keras_symbolic.pipelines.lies.LIESResult`.
        fit_result_: the :class:`~keras_symbolic.results.fit_result.FitResult` (scores on the training
            rows), written by :meth:`write_result`.
        config_: the :class:`LIESConfig` used.
        n_features_in_: the number of columns seen in ``fit``; feature_names_in_: their names, when ``X`` was a
            DataFrame (scikit-learn's convention; ``names_`` has the names in every case).
    """

    def __init__(
        self,
        schedule="reference",
        epochs_scale: float = 1.0,
        oversampling: bool = True,
        gradient_pruning: bool = True,
        rounding: bool = True,
        coefficient_fit: bool = True,
        log_space: bool = True,
        pruning_threshold: float = 0.01,
        extra_pruning_thresholds=(),
        restarts: int = 3,
        sampler=None,
        seed: int = 0,
        verbose: int = 0,
        config: LIESConfig | None = None,
    ):
        self.schedule = schedule
        self.epochs_scale = epochs_scale
        self.oversampling = oversampling
        self.gradient_pruning = gradient_pruning
        self.rounding = rounding
        self.coefficient_fit = coefficient_fit
        self.log_space = log_space
        self.pruning_threshold = pruning_threshold
        self.extra_pruning_thresholds = extra_pruning_thresholds
        self.restarts = restarts
        self.sampler = sampler
        self.seed = seed
        self.verbose = verbose
        self.config = config

    def _build_config(self) -> LIESConfig:
        base = self.config or LIESConfig()
        schedule = LIESSchedule.named(self.schedule) if isinstance(self.schedule, str) else self.schedule
        if not isinstance(schedule, LIESSchedule):
            raise ValueError(f"`schedule` must be 'reference', 'paper' or a LIESSchedule, got {self.schedule!r}")
        if not isinstance(self.restarts, int) or self.restarts < 1:
            raise ValueError(f"`restarts` must be a positive integer, got {self.restarts!r}")
        if not self.epochs_scale > 0:
            raise ValueError(f"`epochs_scale` must be > 0, got {self.epochs_scale!r}")
        if self.epochs_scale != 1.0:
            schedule = schedule.scaled(self.epochs_scale)
        cfg = replace(
            base,
            schedule=schedule if (self.config is None or self.schedule != "reference") else base.schedule,
            oversampling=replace(base.oversampling, enabled=bool(self.oversampling)),
            simplify=replace(base.simplify, rounding=bool(self.rounding), coefficient_fit=bool(self.coefficient_fit)),
            gradient_pruning=bool(self.gradient_pruning),
            log_space=bool(self.log_space),
            pruning_threshold=float(self.pruning_threshold),
            extra_pruning_thresholds=tuple(self.extra_pruning_thresholds),
            restarts=self.restarts,
            seed=int(self.seed),
        )
        return cfg

    def fit(self, X, y, feature_names=None, sample_weight=None):
        """Fit on ``X (n_samples, n_features)``, ``y (n_samples,)``.

        ``feature_names`` (or a DataFrame's columns) name the formula's variables. ``sample_weight
        (n_samples,)``: the rows' weights. LIES trains on a weighted resample of the rows (as many rows,
        drawn with probability proportional to the weight, with the seed): its loss is then the weighted
        loss in expectation, with every stage (log space, oversampling, pruning, the coefficient fit)
        unchanged.
        """
        X, y, names = self._validated(X, y, feature_names, MAX_LIES_FEATURES)
        weights = check_sample_weight(sample_weight, len(y))
        if weights is not None:
            rows = np.sort(np.random.default_rng(self.seed).choice(len(y), size=len(y), p=weights / weights.sum()))
            X, y = X[rows], y[rows]
        self.config_ = self._build_config()
        self.names_ = safe_names(names)
        start = time.perf_counter()
        try:
            self.result_ = run_lies(X, y, self.config_, list(self.names_.safe), sampler=self.sampler, verbose=self.verbose)
        except TrainingDivergedError as exc:
            raise ValueError(f"{str(exc).split(';')[0]}; try another seed, more restarts, "
                             f"log_space={not self.config_.log_space}, or rescale the columns with extreme values") from None
        self.fit_result_ = lies_fit_result(self.result_, X, y, seconds=time.perf_counter() - start, seed=self.seed)
        self.fit_result_.symbols = self.names_.mapping
        self.expression_ = self.result_.expression
        self.equations_ = self.result_.equations
        self.model_ = self.result_.model
        self.transform_ = self.result_.transform
        self.variables_ = self.result_.variables
        self.n_features_in_ = len(names)
        self._predict_fn = to_callable(self.expression_, self.variables_)
        return self

    def write_result(self, out_dir):
        """Write the fit's result folder (``result.json``, ``pareto.csv``, ``parity.png`` on the training
        rows, ``model.keras``) with the package's one writer; returns its path."""
        check_is_fitted(self, "fit_result_")
        return write_result_folder(out_dir, self.fit_result_)

    def predict_network(self, X) -> np.ndarray:
        """Evaluate the trained (pruned) network instead of the formula."""
        X = self._check_X(X)
        out = self.model_.predict(self.transform_.transform_X(X), verbose=0, batch_size=4096)
        return self.transform_.inverse_y(out)

    def sympy(self, index: int | None = None) -> sp.Expr:
        """The chosen formula, or candidate ``index`` of ``equations_``."""
        check_is_fitted(self, "expression_")
        return self.expression_ if index is None else self.equations_.loc[index, "expression"]

    def latex(self, index: int | None = None, precision: int = 4) -> str:
        """LaTeX of :meth:`sympy` with floats shown to ``precision`` significant digits, in the column names."""
        expr = self.sympy(index)
        expr = expr.xreplace({f: sp.Float(f, precision) for f in expr.atoms(sp.Float)})
        return self.names_.latex(expr)
