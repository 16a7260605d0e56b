"""The plots of an AI Feynman summary: SSR by method beside SRBench, and the per-equation outcome matrix."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from keras_symbolic.bench.summary_runs import label_order

__all__ = ["plot_ssr_by_method", "plot_outcome_matrix"]


def plot_ssr_by_method(overall_sr: pd.DataFrame, path: Path, n_equations: int) -> None:
    """Bars of the SSR of each method of ``overall_sr`` (from
    :func:`~keras_symbolic.bench.srbench_comparison.srbench_tables`), this run's with the spread over
    trials, SRBench's in grey; a method run on fewer than ``n_equations`` is marked. Saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    table = overall_sr.sort_values("ssr_%", ascending=True, kind="stable").reset_index(drop=True)
    ours = (table["source"] == "this run").to_numpy()
    values = table["ssr_%"].fillna(0.0).to_numpy()
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(table) + 1.8))
    y = np.arange(len(table))
    ax.barh(y[~ours], values[~ours], color="0.7", label="SRBench 2021 (noise 0)")
    ax.barh(y[ours], values[ours], color="tab:blue", label="this run (error bar: std over trials)",
            xerr=table.loc[ours, "ssr_std"].fillna(0.0).to_numpy(), error_kw={"capsize": 3, "elinewidth": 1})
    # a method run on fewer equations (e.g. an ablation on a subset) is not comparable: say so
    labels = [m if int(n) >= n_equations else f"{m} ({int(n)} of {n_equations} only)"
              for m, n in zip(table["method"], table["equations"])]
    ax.set_yticks(y, labels)
    for tick, mine in zip(ax.get_yticklabels(), ours):
        if mine:
            tick.set_fontweight("bold")
    ax.set_xlabel("symbolic solution rate (%)")
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.set_title(f"AI Feynman: symbolic solution rate on the {n_equations} equations of this run that SRBench has",
                 fontsize=9)
    for yi, v in zip(y, values):
        ax.text(v + 1.0, yi, f"{v:.1f}", va="center", fontsize=7)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_outcome_matrix(frame: pd.DataFrame, per_eq_sr: pd.DataFrame, path: Path) -> None:
    """Per equation x method: the fraction of runs solved, this run's labels (T: out of time, E: error)
    left of a line, SRBench's per-equation rates (``per_eq_sr``) right of it. Saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    from keras_symbolic.datasets import all_equations

    order = [eq.name for eq in all_equations() if eq.name in set(frame["equation"])]
    labels = label_order(frame)
    ours = pd.DataFrame({lab: frame[frame["label"] == lab].groupby("equation")["correct"].mean()
                         for lab in labels}).reindex(order)
    srbench_cols = [c for c in per_eq_sr.columns if c not in labels]
    if srbench_cols:
        sr = per_eq_sr[srbench_cols].reindex(order) / 100.0
        sr = sr[sr.mean().sort_values(ascending=False).index]
        matrix = pd.concat([ours, sr], axis=1)
    else:
        matrix = ours
    marks = {}
    for lab in labels:
        g = frame[frame["label"] == lab]
        for eq, h in g.groupby("equation"):
            if not h["correct"].any():
                if (h["outcome"] == "timeout").any() or (h["cls"] == "out_of_time").any():
                    marks[(eq, lab)] = "T"
                elif (h["outcome"] == "error").all():
                    marks[(eq, lab)] = "E"
    cmap = LinearSegmentedColormap.from_list("ssr", ["#d7301f", "#fdd49e", "#1a9850"]).with_extremes(bad="0.85")
    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.38 * matrix.shape[1] + 3.0), max(3.6, 0.2 * matrix.shape[0] + 2.6)),
                           layout="constrained")
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, vmin=0, vmax=1,
                      interpolation="nearest")
    ax.set_xticks(range(matrix.shape[1]), list(matrix.columns), rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(matrix.shape[0]), list(matrix.index), fontsize=6)
    if len(labels) < matrix.shape[1]:
        ax.axvline(len(labels) - 0.5, color="black", linewidth=1.2)
    for (eq, lab), text in marks.items():
        ax.text(matrix.columns.get_loc(lab), order.index(eq), text, ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02).set_label("fraction of runs solved", fontsize=8)
    ax.set_title("Per-equation symbolic solutions. Left of the line: this run (T: out of time, E: error);\n"
                 "right: SRBench 2021, noise 0; grey: not in SRBench", fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)
