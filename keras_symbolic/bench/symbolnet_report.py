"""Summary of a ``bench symbolnet`` folder: Pareto front, ROC curves, expression tables (paper Fig. 8-9,
Tables I-III).

:func:`summarize_symbolnet` reads ``OUT/runs.jsonl`` and writes:

* ``runs.csv``: one row per finished model (method, trial, score, mean complexity, sparsities, seconds);
* ``pareto.csv`` and ``pareto.png``: test score (accuracy, or ROC AUC for SVHN) against mean
  complexity, every model as a dot, each method's Pareto front as a step line (models trained with a
  cross-entropy error loss, an option that is not the paper's, get their own front), and the paper's
  published points (:data:`~keras_symbolic.bench.symbolnet.PAPER_POINTS`) as stars;
* for each published point, the SymbolNet model chosen for it (:func:`choose_model`: the best score
  at a mean complexity no larger than the point's):
  ``roc_<n>.png`` (one ROC curve per class, from the stored expressions evaluated on the test rows;
  skipped with a note when the data cannot be loaded here) and ``expressions_<n>.md`` (class,
  expression with constants at 2 significant figures, complexity, AUC: the paper's table layout);
* ``summary.md``: the scan's wall time, the fronts, the check against the published points and the
  chosen models.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np
import pandas as pd

__all__ = ["is_symbolnet_results", "load_symbolnet_runs", "pareto_front", "choose_model", "expression_table",
           "plot_pareto", "plot_roc", "summarize_symbolnet"]

_COLORS = {"symbolnet": "tab:blue", "eql": "tab:orange"}


def is_symbolnet_results(path: str | os.PathLike) -> bool:
    """Whether a ``runs.jsonl`` holds ``bench symbolnet`` records."""
    from keras_symbolic.bench.result_store import read_records

    records = read_records(path)
    return bool(records) and all(r.get("benchmark") == "symbolnet" for r in records)


def load_symbolnet_runs(out: str | os.PathLike) -> pd.DataFrame:
    """The latest record of every key of ``OUT/runs.jsonl`` as a DataFrame (records in ``record``)."""
    from keras_symbolic.bench.result_store import RUNS_FILE, latest_records, read_records

    path = Path(out) / RUNS_FILE
    if not path.exists():
        raise FileNotFoundError(f"no results in {path}: run `keras-symbolic bench symbolnet --out {out}` first")
    rows = []
    for record in latest_records(read_records(path)).values():
        rows.append(_row(record))
        before = record.get("before_finetune")
        if before:  # the same run's sparse model before fine-tuning: the paper's method alone
            epochs = (record.get("config") or {}).get("epochs", 0) - (record.get("config") or {}).get("finetune_epochs", 0)
            rows.append(_row({**record, **before, "key": record["key"] + "#before_finetune",
                              "score": before.get("auc_per_class", [None])[0] if record.get("score_name") == "auc"
                              else before.get("accuracy"),
                              "expressions": None, "run_seconds": None},
                             variant=f"paper method ({epochs} epochs, sparse phase of a fine-tuned run)"))
    return pd.DataFrame(rows)


def _variant(record: Mapping) -> str:
    """``"paper method"`` or ``"fine-tuned on LOSS (last N of E epochs)"`` for SymbolNet runs; ``""`` for EQL."""
    if record.get("method") != "symbolnet":
        return ""
    config = record.get("config") or {}
    ft = int(config.get("finetune_epochs") or 0)
    loss = config.get("finetune_error_loss") or config.get("error_loss") or "mse"
    return f"fine-tuned on {loss} (last {ft} of {config.get('epochs')} epochs)" if ft else "paper method"


def _row(record: Mapping, variant: Optional[str] = None) -> dict:
    sp = record.get("sparsities") or {}
    return {
        "key": record["key"], "dataset": record.get("dataset"), "method": record.get("method"),
        "trial": record.get("trial"), "seed": record.get("seed"), "outcome": record.get("outcome"),
        "score_name": record.get("score_name"), "score": record.get("score"),
        "complexity": record.get("complexity"), "auc_macro": record.get("auc_macro"),
        **{f"sparsity_{k}": v for k, v in sp.items()},
        "layers": json.dumps((record.get("config") or {}).get("layers")),
        "loss": (record.get("config") or {}).get("error_loss"),
        "targets": json.dumps(record.get("targets")) if record.get("targets") else None,
        "reg_lambda": (record.get("config") or {}).get("reg_lambda"),
        "threshold": (record.get("config") or {}).get("threshold"),
        "fit_seconds": record.get("fit_seconds"), "run_seconds": record.get("run_seconds"),
        "finished_at": record.get("finished_at"),
        "variant": _variant(record) if variant is None else variant,
        "finetune_epochs": int((record.get("config") or {}).get("finetune_epochs") or 0), "record": record,
    }


def pareto_front(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows not dominated by another (lower or equal complexity and higher score), by complexity."""
    ok = frame.dropna(subset=["score", "complexity"]).sort_values(["complexity", "score"], ascending=[True, False])
    keep, best = [], -np.inf
    for index, row in ok.iterrows():
        if row["score"] > best:
            keep.append(index)
            best = row["score"]
    return ok.loc[keep]


def choose_model(frame: pd.DataFrame, max_complexity: float, method: str = "symbolnet") -> Optional[pd.Series]:
    """The ``method`` model with the best score among those with mean complexity <= ``max_complexity``
    (``None`` when there is none)."""
    pool = frame[(frame["method"] == method) & (frame["outcome"] == "ok")].dropna(subset=["score", "complexity"])
    pool = pool[pool["complexity"] <= max_complexity]
    if pool.empty:
        return None
    return pool.sort_values(["score", "complexity"], ascending=[False, True]).iloc[0]


def _display_latex(text: str, names: Optional[Sequence[str]] = None) -> str:
    import sympy as sp

    from keras_symbolic.symbolic.unroll import display_expression

    expr = sp.sympify(text)
    expr = display_expression(expr, 2)
    symbol_names = {}
    if names:
        symbol_names = {sp.Symbol(f"x{i}"): name.replace("_", r"\_") for i, name in enumerate(names)}
    return sp.latex(expr, symbol_names=symbol_names)


def expression_table(record: Mapping, classes: Optional[Sequence[str]] = None,
                     feature_names: Optional[Sequence[str]] = None) -> str:
    """The paper's table layout (Tables I-III) in Markdown: class, expression (constants rounded to 2
    significant figures for display only), complexity (of the exact expression) and test AUC."""
    expressions = record.get("expressions")
    if not expressions:
        return "_expressions not stored (too large)_\n"
    classes = list(classes or (record.get("data_info") or {}).get("classes") or range(len(expressions)))
    if len(expressions) == 1 and len(classes) == 2:
        classes = [f"{classes[1]} vs {classes[0]}"]
    aucs = record.get("auc_per_class") or [None] * len(expressions)
    lines = [f"{record.get('method')} model `{record['key']}`: test {record.get('score_name')} "
             f"{record.get('score'):.4f}, mean complexity {record.get('complexity'):.1f}. Constants rounded to 2 "
             "significant figures for display.", "", "| class | expression | complexity | AUC |", "|---|---|---|---|"]
    for name, text, cx, auc in zip(classes, expressions, record.get("complexities") or [], aucs):
        auc_text = "n/a" if auc is None else f"{auc:.3f}"
        lines.append(f"| {name} | ${_display_latex(text, feature_names)}$ | {cx} | {auc_text} |")
    return "\n".join(lines) + "\n"


_FT_COLORS = {"fine-tuned on mse": "tab:purple", "fine-tuned on categorical_crossentropy": "tab:red",
              "fine-tuned on binary_crossentropy": "tab:red"}


def _family(variant: pd.Series) -> pd.Series:
    """``"paper method"``, ``"fine-tuned on LOSS"`` or ``""`` (EQL): the variant without its epochs."""
    return variant.fillna("").astype(str).str.split(" (", regex=False).str[0]


def plot_pareto(frame: pd.DataFrame, dataset: str, path: Optional[str | os.PathLike] = None):
    """Score against mean complexity: models, each method's front, the paper's points. Returns the Figure."""
    from matplotlib.figure import Figure

    from keras_symbolic.bench.symbolnet import PAPER_POINTS

    fig = Figure(figsize=(7, 4.8), layout="constrained")
    ax = fig.subplots()
    ok = frame[frame["outcome"] == "ok"].dropna(subset=["score", "complexity"])
    loss = ok["loss"] if "loss" in ok.columns else pd.Series("mse", index=ok.index)
    variant = ok["variant"] if "variant" in ok.columns else pd.Series("", index=ok.index)
    groups = ok.assign(_ce=loss.fillna("mse").astype(str).str.endswith("crossentropy"),
                       _ft=_family(variant))
    for (method, ce, ft), group in groups.groupby(["method", "_ce", "_ft"]):
        color = "tab:green" if ce else _FT_COLORS.get(ft) or _COLORS.get(method, None)
        name = ("SymbolNet" if method == "symbolnet" else "EQL") + (", cross-entropy (not the paper's MSE)" if ce else "")
        if ft.startswith("fine-tuned"):
            name += f", {ft} (not in the paper)"
        elif ft == "paper method" and group["variant"].str.contains("sparse phase").any():
            name += ", paper method (incl. sparse phases of fine-tuned runs)"
        ax.scatter(group["complexity"], group["score"], s=18, alpha=0.45, color=color)
        front = pareto_front(group)
        ax.step(front["complexity"], front["score"], where="post", color=color, lw=2,
                label=f"{name} ({len(group)} models)", marker="o", ms=4)
    for point in PAPER_POINTS.get(dataset, []):
        ax.scatter([point["complexity"]], [point["score"]], marker="*", s=180, color="black", zorder=5)
        ax.annotate(point["label"], (point["complexity"], point["score"]), textcoords="offset points",
                    xytext=(6, -12), fontsize=7)
    ax.set_xscale("log")
    score_name = ok["score_name"].iloc[0] if len(ok) else "score"
    ax.set(xlabel="mean expression complexity", ylabel=f"test {score_name}",
           title=f"{dataset}: {score_name} vs complexity (stars: published points)")
    ax.grid(alpha=0.3, which="both")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower right")
    if path is not None:
        fig.savefig(os.fspath(path), dpi=120)
    return fig


def plot_roc(record: Mapping, x_test: np.ndarray, y_test: np.ndarray, classes: Sequence[str],
             path: Optional[str | os.PathLike] = None):
    """ROC curve of each output of a model, from its stored expressions on the test rows (sklearn)."""
    import sympy as sp
    from matplotlib.figure import Figure
    from sklearn.metrics import auc, roc_curve

    from keras_symbolic.symbolic.unroll import evaluate_expressions

    expressions = [sp.sympify(e) for e in record["expressions"]]
    scores = evaluate_expressions(expressions, x_test)
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.subplots()
    names = list(classes) if len(expressions) > 1 else [f"{classes[-1]} vs {classes[0]}"]
    for k, name in enumerate(names):
        truth = (y_test[:, k] > 0.5).astype(int)
        fpr, tpr, _ = roc_curve(truth, np.nan_to_num(scores[:, k]))
        ax.plot(fpr, tpr, lw=1.5, label=f"{name}: AUC {auc(fpr, tpr):.3f}")
    ax.plot([0, 1], [0, 1], color="gray", ls=":", lw=1)
    ax.set(xlabel="false positive rate", ylabel="true positive rate",
           title=f"{record.get('method')}: mean complexity {record.get('complexity'):.1f}, "
                 f"{record.get('score_name')} {record.get('score'):.3f}")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    if path is not None:
        fig.savefig(os.fspath(path), dpi=120)
    return fig


def _wall_time(out: Path, frame: pd.DataFrame) -> dict:
    ok = frame.dropna(subset=["run_seconds"])
    return {"runs": int(len(frame)), "ok": int((frame["outcome"] == "ok").sum()),
            "sum_run_seconds": float(ok["run_seconds"].sum()),
            "median_run_seconds": float(ok["run_seconds"].median()) if len(ok) else None}


def _table(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    cols = [c for c in columns if c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame[cols].iterrows():
        cells = []
        for c in cols:
            v = row[c]
            cells.append(f"{v:.4g}" if isinstance(v, (float, np.floating)) and not pd.isna(v) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summarize_symbolnet(out: str | os.PathLike, plots: bool = True, roc: bool = True,
                        models: Sequence[str] = ()) -> dict[str, Path]:
    """Write the summary files of a ``bench symbolnet`` folder (see the module docstring).

    ``models``: run keys of further models to describe (``roc_model_N.png``, ``expressions_model_N.md``).

    Returns:
        ``{file name: path}`` of what was written.
    """
    from keras_symbolic.bench.symbolnet import PAPER_POINTS, load_dataset

    out = Path(out)
    frame = load_symbolnet_runs(out)
    written: dict[str, Path] = {}
    dataset = str(frame["dataset"].dropna().iloc[0]) if frame["dataset"].notna().any() else "?"
    flat = frame.drop(columns=["record"])
    flat.to_csv(out / "runs.csv", index=False)
    written["runs.csv"] = out / "runs.csv"
    ok = frame[frame["outcome"] == "ok"]
    ok = ok.assign(_family=_family(ok["variant"]))
    fronts = pd.concat([pareto_front(g) for _, g in ok.groupby(["method", "_family"])]).drop(columns="_family") if len(ok) else ok
    fronts.drop(columns=["record"]).to_csv(out / "pareto.csv", index=False)
    written["pareto.csv"] = out / "pareto.csv"
    if plots:
        plot_pareto(frame, dataset, out / "pareto.png")
        written["pareto.png"] = out / "pareto.png"

    timing = _wall_time(out, frame)
    lines = [f"# SymbolNet / EQL scan: {dataset}", "",
             f"{timing['runs']} models ({timing['ok']} finished), run time summed over models "
             f"{timing['sum_run_seconds']:.0f} s (median {timing['median_run_seconds'] or 0:.0f} s per model, "
             "process start, data, training, unrolling and scoring included).", "",
             "## Pareto fronts (test score vs mean complexity)", ""]
    columns = ["method", "variant", "score", "complexity", "layers", "loss", "targets", "reg_lambda", "threshold", "sparsity_weight",
               "sparsity_input", "trial", "key"]
    lines += [_table(fronts, columns), "", "## Published points", ""]
    data = {}

    def describe(record, title: str, suffix: str) -> None:
        md = out / f"expressions_{suffix}.md"
        md.write_text(f"# {title}\n\n" + expression_table(record), encoding="utf-8")
        written[md.name] = md
        if not (plots and roc and record.get("expressions")):
            return
        try:
            if "test" not in data:
                opts = record.get("data") or {}
                data["test"] = load_dataset(dataset, opts.get("path"), opts.get("n_train"), opts.get("n_test"),
                                            download=False)
            test = data["test"]
            plot_roc(record, test.x_test, test.y_test, test.classes, out / f"roc_{suffix}.png")
            written[f"roc_{suffix}.png"] = out / f"roc_{suffix}.png"
        except (OSError, ValueError, ImportError) as exc:
            lines.append(f"  (ROC curves skipped: the test data could not be loaded here: {exc})")

    for n, point in enumerate(PAPER_POINTS.get(dataset, []), start=1):
        chosen = choose_model(frame, point["complexity"])
        best = "none" if chosen is None else f"{chosen['score']:.4f} at mean complexity {chosen['complexity']:.1f}"
        reached = chosen is not None and chosen["score"] >= point["score"]
        lines.append(f"- {point['label']}: best SymbolNet model at complexity <= {point['complexity']:g}: {best} "
                     f"({'reached' if reached else 'NOT reached'}"
                     + (f"; {chosen['variant']}" if chosen is not None and chosen.get("variant") else "") + ").")
        if "finetune_epochs" in frame.columns and (frame["finetune_epochs"] > 0).any():
            paper = choose_model(frame[frame["variant"].fillna("").str.startswith("paper")], point["complexity"])
            text = "none" if paper is None else f"{paper['score']:.4f} at mean complexity {paper['complexity']:.1f}"
            lines.append(f"  - paper method only (no fine-tuning): {text}")
        if chosen is not None:
            describe(chosen["record"], point["label"], str(n))
    by_key = {row["key"]: row["record"] for _, row in frame.iterrows()}
    for n, key in enumerate(models, start=1):
        if key not in by_key:
            raise KeyError(f"no run with key {key!r} in {out}")
        describe(by_key[key], f"model {key}", f"model_{n}")
        lines.append(f"- chosen model {n}: `{key}` (expressions_model_{n}.md, roc_model_{n}.png)")
    lines += ["", "Files: `runs.jsonl` (one JSON line per model: scores, per-class AUC, sparsities, expressions, "
              "config, seed, times), `runs.csv`, `pareto.csv`, `pareto.png`, `expressions_N.md` / `roc_N.png` "
              "(the model chosen for published point N)."]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    written["summary.md"] = out / "summary.md"
    return written
