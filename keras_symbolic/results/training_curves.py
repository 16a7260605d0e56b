"""Training curves of a SymbolNet run, laid out like the paper's Fig. 7 (matplotlib, PNG).

(a) loss terms per epoch: total, ``L_err`` and ``L_sparse`` of each pruning type (log scale);
(b) mean threshold per pruning type;
(c) sparsity per pruning type with its target (dashed), and accuracy when it was logged.
"""
from __future__ import annotations

import os
from typing import Mapping

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_training_curves"]

_TYPES = ("weight", "input", "unary", "binary")
_COLORS = {"weight": "tab:blue", "input": "tab:orange", "unary": "tab:green", "binary": "tab:red"}


def _as_history(history) -> dict:
    if hasattr(history, "history_"):  # fitted estimator
        history = history.history_
    elif hasattr(history, "history") and isinstance(getattr(history, "history"), Mapping):  # keras History
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError("plot_training_curves expects a History, its .history dict, or a fitted SymbolNet estimator.")
    return {k: np.asarray(v, dtype=float) for k, v in history.items()}


def plot_training_curves(
    history,
    targets: Mapping[str, float] | None = None,
    path: str | os.PathLike | None = None,
    title: str | None = None,
    dpi: int = 120,
) -> Figure:
    """Plot loss terms, mean thresholds and sparsities per epoch.

    Args:
        history: ``keras.callbacks.History``, its ``.history`` dict, or a fitted SymbolNet estimator
            (then ``targets`` default to the estimator's ``config_["targets"]``).
        targets: target sparsity per type, drawn as dashed lines in panel (c).
        path: if given, the figure is saved there (PNG by extension).
        title: figure title.
        dpi: resolution of the saved file.

    Returns:
        The matplotlib ``Figure`` (no pyplot state is touched).
    """
    if targets is None and hasattr(history, "config_"):
        targets = history.config_.get("targets")
    h = _as_history(history)
    if not h:
        raise ValueError("The history is empty: nothing to plot.")
    n_epochs = max(len(v) for v in h.values())
    epochs = np.arange(1, n_epochs + 1)

    fig = Figure(figsize=(15, 4.2), layout="constrained")
    ax_loss, ax_thr, ax_sp = fig.subplots(1, 3)

    def line(ax, key, label, **kw):
        if key in h and len(h[key]):
            values = h[key]
            ax.plot(epochs[: len(values)], values, label=label, **kw)
            return True
        return False

    line(ax_loss, "loss", "total loss", color="black", lw=2)
    line(ax_loss, "error_loss", r"$L_\mathrm{error}$", color="tab:purple", lw=2)
    for kind in _TYPES:
        line(ax_loss, f"sparse_loss_{kind}", rf"$L_\mathrm{{sparse}}^\mathrm{{{kind}}}$", color=_COLORS[kind])
    positive = [v[v > 0] for k, v in h.items() if (k == "loss" or k.endswith("_loss")) and not k.startswith("val_")]
    if any(len(v) for v in positive):
        ax_loss.set_yscale("log")
    ax_loss.set(xlabel="epoch", ylabel="loss", title="(a) loss terms")

    for kind in _TYPES:
        line(ax_thr, f"threshold_{kind}", f"{kind} threshold", color=_COLORS[kind])
    ax_thr.set(xlabel="epoch", ylabel="mean threshold", title="(b) mean thresholds")

    for kind in _TYPES:
        if line(ax_sp, f"sparsity_{kind}", f"{kind} sparsity", color=_COLORS[kind]) and targets and kind in targets:
            ax_sp.axhline(float(targets[kind]), color=_COLORS[kind], ls="--", lw=1, alpha=0.8)
    line(ax_sp, "accuracy", "accuracy", color="black", lw=2)
    line(ax_sp, "val_accuracy", "val. accuracy", color="gray", lw=2, ls=":")
    ax_sp.set_ylim(-0.02, 1.02)
    ax_sp.set(xlabel="epoch", ylabel="sparsity / accuracy", title="(c) sparsity (dashed: targets)")

    for ax in (ax_loss, ax_thr, ax_sp):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    if path is not None:
        fig.savefig(os.fspath(path), dpi=dpi)
    return fig
