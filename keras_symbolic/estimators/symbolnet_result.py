"""The :class:`~keras_symbolic.results.fit_result.FitResult` of a fitted SymbolNet estimator.

Every score is computed from the unrolled formulas (they match the network to float32 round-off):
R^2 on the training and test rows for regression; accuracy and one-vs-rest ROC AUC per class for
classification. The candidate table has one row per output (SymbolNet gives one formula per output):
``output``, ``complexity``, ``loss`` (test MSE of that output), then ``r2``/``r2_train`` or ``class``,
``accuracy`` (that output thresholded at 0.5 against its 0/1 target) and ``roc_auc``.
"""
from __future__ import annotations

import os
from typing import Optional

import numpy as np

from keras_symbolic.results.fit_result import FitResult
from keras_symbolic.results.metrics import classification_metrics, mse_or_inf, safe_r2
from keras_symbolic.results.plots import roc_plot
from keras_symbolic.results.training_curves import plot_training_curves

__all__ = ["symbolnet_fit_result"]


def _outputs(est, X) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(est.formula_outputs(X), dtype=np.float64)


def _classification_scores(est, raw: np.ndarray, labels: np.ndarray) -> dict:
    raw1 = raw[:, 0] if raw.shape[1] == 1 else raw
    predicted = est.labels_from_outputs(np.nan_to_num(raw1, nan=0.0, posinf=1e300, neginf=-1e300))
    return classification_metrics(raw, predicted, labels, est.classes_)


def _history_writer(history: dict):
    def write(path):
        import pandas as pd

        n = max((len(v) for v in history.values()), default=0)
        table = {"epoch": np.arange(1, n + 1)}
        for key, values in history.items():
            table[key] = list(values) + [float("nan")] * (n - len(values))
        pd.DataFrame(table).to_csv(path, index=False)

    return write


def symbolnet_fit_result(est, X_tr, y_tr, X_te, y_te, *, seconds: float, seed: int, data: dict,
                         truth: Optional[dict] = None, target: str = "y") -> FitResult:
    """Score a fitted ``SymbolNetRegressor``/``SymbolNetClassifier`` and return its :class:`FitResult`.

    Args:
        est: the fitted estimator.
        X_tr, y_tr, X_te, y_te: the training and test rows (class labels for classification).
        seconds: wall seconds of the fit.
        seed: the run's seed.
        data: where the rows came from (``source``, ``target``, ...); features and row counts are added.
        truth: the truth fields of a known equation
            (:func:`~keras_symbolic.pipelines.evaluate.solution_check`), or ``None``.
        target: the name of the target column.
    """
    import pandas as pd

    classification = hasattr(est, "classes_")
    raw_tr, raw_te = _outputs(est, X_tr), _outputs(est, X_te)
    expressions = list(est.expressions_)
    texts = [str(e) for e in expressions]
    rows, metrics, predictions, files = [], {}, {}, {}
    if not classification:
        outputs = [target]
        pred_tr, pred_te = raw_tr[:, 0], raw_te[:, 0]
        metrics = {"r2_train": safe_r2(y_tr, pred_tr), "r2_test": safe_r2(y_te, pred_te)}
        rows.append({"output": target, "complexity": int(est.complexities_[0]), "loss": mse_or_inf(y_te, pred_te),
                     "r2": metrics["r2_test"], "r2_train": metrics["r2_train"], "expression": texts[0]})
        predictions = {"train": (y_tr, pred_tr), "test": (y_te, pred_te)}
    else:
        classes = [int(c) for c in est.classes_]
        out_classes = classes[1:] if len(classes) == 2 else classes
        outputs = [f"class {c}" for c in out_classes]
        m_tr, m_te = _classification_scores(est, raw_tr, y_tr), _classification_scores(est, raw_te, y_te)
        metrics = {"classes": classes,
                   "accuracy_train": m_tr["accuracy"], "accuracy_test": m_te["accuracy"],
                   "roc_auc_train": m_tr["roc_auc"], "roc_auc_test": m_te["roc_auc"],
                   "roc_auc_macro_train": m_tr["roc_auc_macro"], "roc_auc_macro_test": m_te["roc_auc_macro"]}
        for k, c in enumerate(out_classes):
            target01 = (y_te == c).astype(np.float64)
            out = raw_te[:, k]
            rows.append({"output": outputs[k], "class": c, "complexity": int(est.complexities_[k]),
                         "loss": mse_or_inf(target01, out), "accuracy": float(np.mean((out > 0.5) == (target01 > 0.5))),
                         "roc_auc": m_te["roc_auc"][c], "expression": texts[k]})
        files["roc.png"] = lambda path: roc_plot(path, est.classes_, y_te, raw_te)
    task = "classification" if classification else "regression"
    complexity = float(est.complexity_)
    files["training_curves.png"] = lambda path: plot_training_curves(
        est, path=path, title=f"SymbolNet {task}: mean complexity {complexity:.1f}")
    files["history.csv"] = _history_writer(est.history_)
    details = {
        "sparsities": dict(est.sparsities_),
        "targets": dict(est.config_["targets"]),
        "fit_seconds": float(est.fit_seconds_),
        "epochs_run": len(est.history_.get("loss", [])),
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
    }
    return FitResult(
        method="symbolnet",
        expressions=expressions,
        variables=list(est.names_.safe),
        metrics=metrics,
        task=task,
        outputs=outputs,
        per_output=True,
        complexities=[int(c) for c in est.complexities_],
        display_digits=3,
        candidates=pd.DataFrame(rows),
        truth=truth,
        wall_seconds=seconds,
        details=details,
        seed=int(seed),
        data={**data, "features": list(est.names_.user), "train_rows": int(len(y_tr)), "test_rows": int(len(y_te))},
        config=dict(est.config_),
        model=est.model_,
        predictions=predictions,
        files=files,
        native=est,
        symbols=est.names_.mapping if est.names_.renamed else None,
    )
