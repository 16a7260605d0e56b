"""Plots of a result folder (matplotlib, PNG): predicted vs true for regression, ROC curves per class
for classification, the candidates' Pareto front (accuracy against size). SymbolNet's training curves are in :mod:`keras_symbolic.results.training_curves`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from keras_symbolic.results.metrics import class_scores

__all__ = ["parity_plot", "roc_plot", "pareto_plot"]

#: Points drawn per series at most (a random subset beyond).
MAX_POINTS = 5000


def parity_plot(path, series: dict, title: str = "") -> None:
    """Predicted vs true, one scatter per named ``(y_true (n,), y_pred (n,))`` pair, with ``y = x``."""
    fig = Figure(figsize=(5.2, 5), layout="constrained")
    ax = fig.subplots()
    lo, hi = np.inf, -np.inf
    for label, (y_true, y_pred) in series.items():
        y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
        ok = np.isfinite(y_pred)
        if len(y_true) > MAX_POINTS:
            keep = np.random.default_rng(0).choice(len(y_true), MAX_POINTS, replace=False)
            y_true, y_pred, ok = y_true[keep], y_pred[keep], ok[keep]
        ax.scatter(y_true[ok], y_pred[ok], s=4, alpha=0.5, label=label)
        if ok.any():
            lo, hi = min(lo, y_true.min(), y_pred[ok].min()), max(hi, y_true.max(), y_pred[ok].max())
    if np.isfinite(lo):
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel("true")
    ax.set_ylabel("predicted by the formula")
    ax.set_title(title if len(title) < 70 else title[:67] + "...", fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    fig.savefig(path, dpi=120)


def roc_plot(path, classes, y_true: np.ndarray, raw: np.ndarray) -> None:
    """ROC curve per class of formula outputs ``raw (n, k)`` against labels ``y_true (n,)``
    (one output scores two classes, see :func:`~keras_symbolic.results.metrics.class_scores`)."""
    from sklearn.metrics import auc, roc_curve

    fig = Figure(figsize=(5.4, 5), layout="constrained")
    ax = fig.subplots()
    scores = class_scores(raw)
    for k, label in enumerate(classes):
        positive = y_true == label
        ok = np.isfinite(scores[:, k])
        if positive.all() or not positive.any() or not ok.any():
            continue
        fpr, tpr, _ = roc_curve(positive[ok], scores[ok, k])
        ax.plot(fpr, tpr, lw=1.5, label=f"class {label} (AUC {auc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC per class (test rows, formulas)",
           xlim=(0, 1), ylim=(0, 1.01))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7 if len(classes) > 8 else 8)
    fig.savefig(path, dpi=120)


def pareto_plot(path, complexity, r2, front, chosen) -> None:
    """Every candidate's held-out error ``1 - R^2`` (log scale, clipped at 1e-16) against its complexity
    (nodes), the front as a step line and the chosen formula as a star; ``front`` and ``chosen`` are
    boolean masks over the candidates."""
    complexity = np.asarray(complexity, float)
    loss = np.clip(1.0 - np.asarray(r2, float), 1e-16, None)
    ok = np.isfinite(loss)  # a constant target gives no R^2
    complexity, loss = complexity[ok], loss[ok]
    front, chosen = np.asarray(front, bool)[ok], np.asarray(chosen, bool)[ok]
    fig = Figure(figsize=(6, 4.2), layout="constrained")
    ax = fig.subplots()
    if not ok.any():
        ax.text(0.5, 0.5, "no finite held-out R^2 (a constant target?)", ha="center", va="center")
        fig.savefig(path, dpi=120)
        return
    ax.scatter(complexity, loss, s=14, c="0.6", label="candidates")
    order = np.argsort(complexity[front])
    ax.step(complexity[front][order], loss[front][order], where="post", color="C0", lw=1.5, marker="o", ms=4,
            label="Pareto front")
    ax.scatter(complexity[chosen], loss[chosen], marker="*", s=220, c="C3", zorder=5, label="chosen")
    ax.set_yscale("log")
    ax.set_ylim(loss.min() / 3, max(loss.max() * 3, loss.min() * 10))  # a range even when all are equal
    ax.set_xlabel("complexity (nodes)")
    ax.set_ylabel("1 - R^2 on held-out rows")
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=120)

