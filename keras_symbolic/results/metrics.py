"""Scores of a formula or a model on rows: R^2 for regression, accuracy and ROC AUC for classification.

Thin wrappers over scikit-learn's metrics that turn a non-finite prediction into a score instead of an
exception, since a discovered formula can overflow or leave its domain on a few rows.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["safe_r2", "mse_or_inf", "regression_scores", "class_scores", "classification_metrics"]


def safe_r2(y, pred) -> float:
    """``R^2 = 1 - sum (y - pred)^2 / sum (y - mean y)^2``, or ``-inf`` when ``pred`` is not finite
    everywhere or has another shape than ``y``."""
    from sklearn.metrics import r2_score

    pred = np.asarray(pred, dtype=np.float64)
    if pred.shape != np.shape(y) or not np.all(np.isfinite(pred)):
        return float("-inf")
    return float(r2_score(y, pred))


def mse_or_inf(y, pred) -> float:
    """Mean squared error, or ``inf`` when ``pred`` is not finite everywhere."""
    pred = np.asarray(pred, dtype=np.float64)
    return float(np.mean((pred - y) ** 2)) if np.all(np.isfinite(pred)) else float("inf")


def regression_scores(predict, X_tr, y_tr, X_te=None, y_te=None) -> tuple[dict, dict]:
    """``(metrics, predictions)`` of a formula ``predict(X) -> (n,)``: ``r2_train`` and ``r2_test``
    (``None`` without test rows), and the ``{"train"/"test": (y, prediction)}`` series of a parity plot."""
    with np.errstate(all="ignore"):
        pred_tr = np.broadcast_to(predict(X_tr), np.shape(y_tr))
        metrics = {"r2_train": safe_r2(y_tr, pred_tr), "r2_test": None}
        predictions = {"train": (y_tr, pred_tr)}
        if X_te is not None:
            pred_te = np.broadcast_to(predict(X_te), np.shape(y_te))
            metrics["r2_test"] = safe_r2(y_te, pred_te)
            predictions["test"] = (y_te, pred_te)
    return metrics, predictions


def class_scores(raw: np.ndarray) -> np.ndarray:
    """One score column per class from formula outputs ``raw (n, k)``: ``k`` outputs score ``k``
    classes; a single output scores two classes as ``(-output, output)``."""
    return np.column_stack([-raw[:, 0], raw[:, 0]]) if raw.shape[1] == 1 else raw


def classification_metrics(raw: np.ndarray, predicted: np.ndarray, labels: np.ndarray, classes) -> dict:
    """Accuracy of ``predicted`` labels and one-vs-rest ROC AUC of ``raw (n, k)`` (or ``(n,)``) outputs.

    Returns:
        ``accuracy``; ``roc_auc`` ``{class: AUC}`` (NaN where the class is absent or a score is not
        finite); ``roc_auc_macro``, the mean of the finite ones.
    """
    from sklearn.metrics import accuracy_score, roc_auc_score

    scores = class_scores(np.asarray(raw, dtype=np.float64).reshape(len(labels), -1))
    aucs = {}
    for k, label in enumerate(classes):
        key = label.item() if hasattr(label, "item") else label
        positive = labels == label
        if positive.all() or not positive.any() or not np.all(np.isfinite(scores[:, k])):
            aucs[key] = float("nan")
        else:
            aucs[key] = float(roc_auc_score(positive, scores[:, k]))
    good = [v for v in aucs.values() if math.isfinite(v)]
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "roc_auc": aucs,
        "roc_auc_macro": float(np.mean(good)) if good else float("nan"),
    }
