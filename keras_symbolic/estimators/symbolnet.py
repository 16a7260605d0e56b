"""scikit-learn estimators for SymbolNet: :class:`SymbolNetRegressor` and :class:`SymbolNetClassifier`.

Conventions (sklearn / PySR): the constructor only stores its arguments; :meth:`fit` validates the
data (finite numbers, 2-D ``X``, matching rows, at least 2 rows) and trains one SymbolNet through
:func:`keras_symbolic.pipelines.symbolnet.train_symbolnet`; fitted attributes end in ``_``:

* ``model_`` -- the trained :class:`~keras_symbolic.models.symbolnet.SymbolNet`;
* ``expressions_`` -- one exact SymPy expression per output (variables ``x0 .. x{d-1}`` unless
  ``variable_names`` is given); ``complexities_`` (tree nodes) and their mean ``complexity_``;
* ``history_`` -- per-epoch loss terms, sparsities and mean thresholds (paper Fig. 7), with a
  ``phase`` entry per epoch when ``finetune_epochs > 0``;
* ``sparsities_`` -- final sparsity per pruning type; ``config_`` -- the full run configuration;
* ``n_features_in_`` (and ``feature_names_in_`` for DataFrames), ``fit_seconds_``.

``predict`` runs the network; ``predict_symbolic`` evaluates the unrolled formulas with
``sympy.lambdify``: the two agree to float32 round-off, which users can check themselves.

Classification follows the paper: the network regresses one-hot targets with MSE (one output
against 0/1 targets for two classes, as for SVHN), and ``expressions_`` are those output formulas.
``predict`` takes the arg-max output (``> 0.5`` for two classes), as the authors' accuracy does;
``predict_proba`` clips the MSE outputs to ``[0, 1]`` and normalises each row (uniform if all are 0).
With ``loss="crossentropy"`` the outputs are logits and ``predict_proba`` is their softmax/sigmoid.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y

from keras_symbolic.pipelines.symbolnet import SymbolNetConfig, train_symbolnet
from keras_symbolic.results.metrics import classification_metrics
from keras_symbolic.symbolic.names import safe_names
from keras_symbolic.symbolic.unroll import display_expression, evaluate_expressions

__all__ = ["SymbolNetRegressor", "SymbolNetClassifier"]


class _SymbolNetBase(BaseEstimator):
    """Shared parameters, fitting and formula access of the two estimators."""

    _task = "regression"

    def __init__(
        self,
        layers: Sequence[Sequence[int]] = ((12, 4),),
        unary: Sequence[str] = ("identity", "sin", "cos", "exp", "gauss", "square"),
        binary: Sequence[str] = ("mul",),
        targets: Mapping[str, float] | None = None,
        epochs: int = 100,
        batch_size: int = 128,
        learning_rate: float = 0.005,
        optimizer: str = "adam",
        decay_rate: float = 0.01,
        kappa: float = 5.0,
        error_reduction: str = "mean",
        input_pruning: bool = True,
        validation_split: float = 0.0,
        seed: int = 0,
        jit_compile="auto",
        sparsity_guard: bool = True,
        finetune_epochs: int = 0,
        finetune_learning_rate: float | None = None,
        variable_names: Sequence[str] | None = None,
        display_digits: int = 3,
        verbose: int = 0,
    ):
        self.layers = layers
        self.unary = unary
        self.binary = binary
        self.targets = targets
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.decay_rate = decay_rate
        self.kappa = kappa
        self.error_reduction = error_reduction
        self.input_pruning = input_pruning
        self.validation_split = validation_split
        self.seed = seed
        self.jit_compile = jit_compile
        self.sparsity_guard = sparsity_guard
        self.finetune_epochs = finetune_epochs
        self.finetune_learning_rate = finetune_learning_rate
        self.variable_names = variable_names
        self.display_digits = display_digits
        self.verbose = verbose

    # ---------------------------------------------------------------------------------------------
    def _error_loss(self, n_outputs: int) -> str:
        return "mse"

    def _finetune_error_loss(self, n_outputs: int) -> str | None:
        return None

    def _make_config(self, n_outputs: int) -> SymbolNetConfig:
        return SymbolNetConfig(
            layers=self.layers,
            unary=self.unary,
            binary=self.binary,
            targets=self.targets,
            decay_rate=self.decay_rate,
            kappa=self.kappa,
            error_loss=self._error_loss(n_outputs),
            error_reduction=self.error_reduction,
            input_pruning=self.input_pruning,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            epochs=self.epochs,
            validation_split=self.validation_split,
            seed=self.seed,
            jit_compile=self.jit_compile,
            sparsity_guard=self.sparsity_guard,
            finetune_epochs=self.finetune_epochs,
            finetune_learning_rate=self.finetune_learning_rate,
            finetune_error_loss=self._finetune_error_loss(n_outputs),
        )

    def _validate_X(self, X, reset: bool):
        if reset:
            if hasattr(X, "columns"):
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        X = check_array(X, dtype=np.float64, ensure_min_samples=1, estimator=self)
        if reset:
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return X

    def _check_names(self, n_features: int):
        if self.variable_names is not None and len(self.variable_names) != n_features:
            raise ValueError(f"variable_names has {len(self.variable_names)} names for {n_features} features.")

    def _fit_targets(self, X, Y, sample_weight):
        self._check_names(X.shape[1])
        config = self._make_config(Y.shape[1])
        if sample_weight is not None:
            sample_weight = check_array(sample_weight, ensure_2d=False, dtype=np.float64, estimator=self)
            if sample_weight.shape != (X.shape[0],):
                raise ValueError(f"sample_weight has shape {sample_weight.shape}, expected ({X.shape[0]},).")
        # names that would not read back in a formula (``mass kg``, ``E``, ``lambda``) get safe symbols
        self.names_ = safe_names(self.variable_names if self.variable_names is not None
                                 else [f"x{i}" for i in range(X.shape[1])])
        result = train_symbolnet(
            X,
            Y,
            config,
            task=self._task,
            verbose=self.verbose,
            sample_weight=sample_weight,
            variable_names=list(self.names_.safe),
        )
        self.model_ = result.model
        self.expressions_ = result.expressions
        self.complexities_ = result.complexities
        self.complexity_ = result.complexity
        self.history_ = result.history
        self.sparsities_ = result.sparsities
        self.config_ = result.config
        self.fit_seconds_ = result.fit_seconds
        self.n_outputs_ = Y.shape[1]
        return self

    def _raw_outputs(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = self._validate_X(X, reset=False)
        return np.asarray(self.model_.predict(X.astype("float32"), batch_size=4096, verbose=0), dtype=np.float64)

    # ---------------------------------------------------------------------------------------------
    def sympy(self, i: int | None = None):
        """Exact SymPy expression of output ``i`` (``None``: the only one, or the list of all)."""
        check_is_fitted(self, "expressions_")
        if i is None:
            return self.expressions_[0] if len(self.expressions_) == 1 else list(self.expressions_)
        return self.expressions_[i]

    def latex(self, i: int | None = None, precision: int | None = None):
        """LaTeX of the expression(s), constants rounded to ``precision`` significant digits for
        display (default ``display_digits``)."""
        digits = self.display_digits if precision is None else precision
        exprs = self.sympy(i)
        if isinstance(exprs, list):
            return [self.names_.latex(display_expression(e, digits)) for e in exprs]
        return self.names_.latex(display_expression(exprs, digits))

    def formula_outputs(self, X) -> np.ndarray:
        """The unrolled formulas on ``X``: shape ``(n_rows, n_outputs)``."""
        check_is_fitted(self, "expressions_")
        X = self._validate_X(X, reset=False)
        return evaluate_expressions(self.expressions_, X, list(self.names_.safe))


class SymbolNetRegressor(RegressorMixin, _SymbolNetBase):
    """SymbolNet symbolic regression with the scikit-learn API.

    Args:
        layers: one ``(num_unary, num_binary)`` pair per hidden symbolic layer.
        unary: unary operator names cycled over the unary units.
        binary: binary operator names cycled over the binary units.
        targets: target sparsities ``{"weight", "input", "unary", "binary"}`` (missing: defaults
            weight 0.9, input 0.0, unary 0.4, binary 0.4; set ``input`` for feature selection).
        epochs, batch_size, learning_rate, optimizer: training (Adam, lr 0.005 as in the authors'
            MNIST run).
        decay_rate, kappa: ``d`` of the decay factor and the STE slope (paper: 0.01, 5).
        error_reduction: MSE ``"mean"`` over outputs (paper) or ``"sum"`` (authors' code).
        input_pruning: give every input a trainable threshold.
        validation_split: fraction held out by Keras for ``val_*`` entries of ``history_``.
        seed: random seed of the run.
        jit_compile: passed to ``keras.Model.compile``.
        sparsity_guard: cap each sparsity at its target + 0.05
            (:class:`~keras_symbolic.callbacks.sparsity_guard.SparsityGuard`; ``False``: the
            paper's method alone, which can overshoot).
        finetune_epochs: last epochs (of ``epochs``) that train only the surviving weights with
            every mask fixed and no regulariser (not in the paper; ``0``: the paper's method).
            ``model_`` is then the fine-tuned model and ``history_`` has a ``phase`` entry (1, 2)
            per epoch; the regulariser's terms are logged for phase 1 only.
        finetune_learning_rate: learning rate of the fine-tuning phase (``None``: ``learning_rate``).
        variable_names: names of the variables (default ``x0 .. x{d-1}``); in ``expressions_`` a name
            that would not read back (``mass kg``, ``E``, ``lambda``) is a safe symbol (``mass_kg``,
            ``E_``, ``lambda_``); ``names_`` holds the mapping and :meth:`latex` shows the names.
        display_digits: significant digits of :meth:`latex` (display only).
        verbose: Keras ``fit`` verbosity.

    Example::

        est = SymbolNetRegressor(targets={"input": 0.8}, epochs=200).fit(X, y)
        est.sympy(), est.complexity_, est.score(X_test, y_test)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` ``(n_rows, n_features)`` and ``y`` ``(n_rows,)`` or ``(n_rows, n_outputs)``."""
        self._validate_X(X, reset=True)
        X, y = check_X_y(X, y, dtype=np.float64, multi_output=True, y_numeric=True, ensure_min_samples=2, estimator=self)
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        self._y_1d = y.ndim == 1
        Y = y[:, None] if y.ndim == 1 else y
        return self._fit_targets(X, Y, sample_weight)

    def _shape(self, out: np.ndarray) -> np.ndarray:
        return out[:, 0] if self._y_1d else out

    def predict(self, X) -> np.ndarray:
        """Network prediction, shape ``(n_rows,)`` or ``(n_rows, n_outputs)`` like ``y``."""
        return self._shape(self._raw_outputs(X))

    def predict_symbolic(self, X) -> np.ndarray:
        """The unrolled expressions evaluated on ``X`` (same shape as :meth:`predict`)."""
        return self._shape(self.formula_outputs(X))


class SymbolNetClassifier(ClassifierMixin, _SymbolNetBase):
    """SymbolNet classifier with the scikit-learn API (one expression per class).

    Takes class labels. Two classes: one output trained towards 0/1 (the paper's SVHN set-up);
    ``K > 2`` classes: ``K`` outputs trained on one-hot targets.

    Args:
        loss: ``"mse"`` (paper and authors' code) or ``"crossentropy"`` (outputs are logits).
        finetune_loss: loss of the fine-tuning phase (``finetune_epochs > 0``): ``None`` (same as
            ``loss``), ``"mse"`` or ``"crossentropy"`` (the fine-tuned outputs are then logits:
            ``predict_proba`` applies the softmax / sigmoid). Not in the paper.
        Other arguments: as :class:`SymbolNetRegressor`.
    """

    _task = "classification"

    def __init__(
        self,
        layers: Sequence[Sequence[int]] = ((12, 4),),
        unary: Sequence[str] = ("identity", "sin", "cos", "exp", "gauss", "square"),
        binary: Sequence[str] = ("mul",),
        targets: Mapping[str, float] | None = None,
        loss: str = "mse",
        epochs: int = 100,
        batch_size: int = 128,
        learning_rate: float = 0.005,
        optimizer: str = "adam",
        decay_rate: float = 0.01,
        kappa: float = 5.0,
        error_reduction: str = "mean",
        input_pruning: bool = True,
        validation_split: float = 0.0,
        seed: int = 0,
        jit_compile="auto",
        sparsity_guard: bool = True,
        finetune_epochs: int = 0,
        finetune_learning_rate: float | None = None,
        finetune_loss: str | None = None,
        variable_names: Sequence[str] | None = None,
        display_digits: int = 3,
        verbose: int = 0,
    ):
        super().__init__(
            layers=layers,
            unary=unary,
            binary=binary,
            targets=targets,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            optimizer=optimizer,
            decay_rate=decay_rate,
            kappa=kappa,
            error_reduction=error_reduction,
            input_pruning=input_pruning,
            validation_split=validation_split,
            seed=seed,
            jit_compile=jit_compile,
            sparsity_guard=sparsity_guard,
            finetune_epochs=finetune_epochs,
            finetune_learning_rate=finetune_learning_rate,
            variable_names=variable_names,
            display_digits=display_digits,
            verbose=verbose,
        )
        self.loss = loss
        self.finetune_loss = finetune_loss

    @staticmethod
    def _loss_name(loss: str, n_outputs: int, name: str) -> str:
        if loss == "mse":
            return "mse"
        if loss == "crossentropy":
            return "binary_crossentropy" if n_outputs == 1 else "categorical_crossentropy"
        raise ValueError(f"`{name}` must be 'mse' or 'crossentropy', got {loss!r}.")

    def _error_loss(self, n_outputs: int) -> str:
        return self._loss_name(self.loss, n_outputs, "loss")

    def _finetune_error_loss(self, n_outputs: int) -> str | None:
        return None if self.finetune_loss is None else self._loss_name(self.finetune_loss, n_outputs, "finetune_loss")

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` ``(n_rows, n_features)`` and class labels ``y`` ``(n_rows,)``."""
        self._validate_X(X, reset=True)
        X, y = check_X_y(X, y, dtype=np.float64, ensure_min_samples=2, estimator=self)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"SymbolNetClassifier needs at least 2 classes in y, got {len(self.classes_)}.")
        codes = encoder.transform(y)
        if len(self.classes_) == 2:
            Y = codes.astype(np.float64)[:, None]
        else:
            Y = np.eye(len(self.classes_), dtype=np.float64)[codes]
        self._error_loss(Y.shape[1])  # validates `loss` and `finetune_loss` before training
        self._finetune_error_loss(Y.shape[1])
        return self._fit_targets(X, Y, sample_weight)

    def decision_function(self, X) -> np.ndarray:
        """Raw network outputs: ``(n_rows,)`` for two classes, ``(n_rows, n_classes)`` otherwise."""
        out = self._raw_outputs(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def _proba_from_raw(self, raw: np.ndarray) -> np.ndarray:
        logits = self.model_.error_loss != "mse"  # the fine-tuning loss, if one was given
        if raw.ndim == 1:
            p1 = 1.0 / (1.0 + np.exp(-raw)) if logits else np.clip(raw, 0.0, 1.0)
            return np.column_stack([1.0 - p1, p1])
        if logits:
            e = np.exp(raw - raw.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        p = np.clip(raw, 0.0, None)
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        return np.where(total > 0, p / np.where(total > 0, total, 1.0), uniform)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n_rows, n_classes)``, rows summing to 1 (see module docstring)."""
        return self._proba_from_raw(self.decision_function(X))

    def labels_from_outputs(self, raw: np.ndarray) -> np.ndarray:
        """Class labels from outputs ``raw``: arg-max of ``(n, k)``; a threshold for one output ``(n,)``."""
        if raw.ndim == 1:
            cut = 0.0 if self.model_.error_loss != "mse" else 0.5
            return self.classes_[(raw > cut).astype(int)]
        return self.classes_[np.argmax(raw, axis=1)]

    def predict(self, X) -> np.ndarray:
        """Predicted class labels (arg-max output; ``> 0.5`` / ``> 0`` for two classes)."""
        return self.labels_from_outputs(self.decision_function(X))

    def predict_symbolic(self, X) -> np.ndarray:
        """Raw outputs of the unrolled expressions (compare with :meth:`decision_function`)."""
        out = self.formula_outputs(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def evaluate(self, X, y) -> dict:
        """Accuracy and one-vs-rest ROC AUC per class (sklearn metrics).

        Returns:
            ``{"accuracy": float, "roc_auc": {class_label: auc}, "roc_auc_macro": float}``; the AUC of
            a class absent from ``y`` is NaN and left out of the macro average.
        """
        raw = self.decision_function(X)
        return classification_metrics(raw, self.labels_from_outputs(raw), np.asarray(y), self.classes_)
