"""What fixed point costs: C-simulation outputs against the float expressions and against the labels.

Shapes: outputs ``(n_rows, n_outputs)``; labels ``(n_rows,)``. Classification follows
:class:`~keras_symbolic.estimators.symbolnet.SymbolNetClassifier`: with several outputs the predicted
class is the arg-max output (``classes[k]`` for output ``k``); with one output the prediction is
``classes[1]`` when the output exceeds ``threshold`` (0.5 for 0/1 targets). Metrics come from sklearn.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

__all__ = ["deviation", "predicted_labels", "label_metrics"]


def deviation(reference, approximation) -> dict:
    """Max / mean / RMS absolute difference (per output and overall), over rows where both are finite;
    ``non_finite_rows``: rows where the reference is not finite (left out)."""
    ref = np.asarray(reference, dtype=np.float64)
    app = np.asarray(approximation, dtype=np.float64)
    if ref.shape != app.shape:
        raise ValueError(f"shapes differ: {ref.shape} vs {app.shape}")
    ref2, app2 = ref.reshape(len(ref), -1), app.reshape(len(app), -1)
    ok = np.isfinite(ref2).all(axis=1) & np.isfinite(app2).all(axis=1)
    diff = np.abs(ref2[ok] - app2[ok])
    if diff.size == 0:
        nan = float("nan")
        return {"max_abs": nan, "mean_abs": nan, "rms": nan, "per_output_max_abs": [], "rows": 0,
                "non_finite_rows": int((~ok).sum())}
    return {
        "max_abs": float(diff.max()),
        "mean_abs": float(diff.mean()),
        "rms": float(np.sqrt(np.mean(diff ** 2))),
        "per_output_max_abs": [float(v) for v in diff.max(axis=0)],
        "rows": int(ok.sum()),
        "non_finite_rows": int((~ok).sum()),
    }


def predicted_labels(outputs, classes: Sequence, threshold: float = 0.5) -> np.ndarray:
    """Class labels from raw outputs ``(n_rows, n_outputs)`` (see the module docstring)."""
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    classes = np.asarray(classes)
    if out.shape[1] == 1:
        if len(classes) != 2:
            raise ValueError(f"one output needs 2 classes, got {len(classes)}")
        return classes[(np.nan_to_num(out[:, 0], nan=-np.inf) > threshold).astype(int)]
    if out.shape[1] != len(classes):
        raise ValueError(f"{out.shape[1]} outputs for {len(classes)} classes")
    return classes[np.argmax(np.nan_to_num(out, nan=-np.inf), axis=1)]


def label_metrics(outputs, labels, task: str, classes: Optional[Sequence] = None, threshold: float = 0.5) -> dict:
    """``task="classification"``: accuracy and ROC AUC (one-vs-rest macro for several outputs);
    ``"regression"``: R^2 and RMSE of output 0. Non-finite outputs count as wrong / are left out of AUC."""
    from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    y = np.asarray(labels).ravel()
    if task == "regression":
        ok = np.isfinite(out[:, 0])
        if not ok.any():
            return {"r2": float("nan"), "rmse": float("nan"), "non_finite": int((~ok).sum())}
        return {"r2": float(r2_score(y[ok], out[ok, 0])),
                "rmse": float(np.sqrt(np.mean((y[ok] - out[ok, 0]) ** 2))), "non_finite": int((~ok).sum())}
    if classes is None:
        classes = np.unique(y)
    classes = np.asarray(classes)
    result = {"accuracy": float(accuracy_score(y, predicted_labels(out, classes, threshold)))}
    aucs = []
    scores = np.nan_to_num(out, nan=0.0, posinf=1e300, neginf=-1e300)
    columns = [(classes[1], scores[:, 0])] if out.shape[1] == 1 else list(zip(classes, scores.T))
    for label, score in columns:
        positive = y == label
        if positive.all() or not positive.any():
            continue
        aucs.append(float(roc_auc_score(positive, score)))
    result["roc_auc"] = float(np.mean(aucs)) if aucs else float("nan")
    result["roc_auc_kind"] = "binary" if out.shape[1] == 1 else "one-vs-rest macro"
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else float("nan")) for k, v in result.items()}
