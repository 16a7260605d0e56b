"""Summaries of an AI Feynman sweep: tables (Markdown + CSV) and plots (PNG), from ``runs.jsonl``.

``keras-symbolic bench summary --out DIR`` (and the end of every ``bench feynman`` run) writes into
``DIR``:

=============================  =====================================================================
``summary.md``                 everything below, as one Markdown report (with the plots)
``summary_overall.csv``        per method: equations, runs, SSR (paper rule, SRBench rule), R^2 >
                               0.99 and > 0.999 rates (mean and std over trials), timeouts, errors,
                               median wall seconds and complexity
``summary_per_equation.csv``   per equation and method: trials, SSR, mean R^2, rates, median wall s
``summary_srbench.csv``        side by side with SRBench (noise 0) on the equations both have
``srbench_per_equation.csv``   SSR per equation, this run's methods and SRBench's, same equations
``summary_ablation.csv``       the LIES paper's Table I (when several ``--ablate`` settings were run)
``ssr_by_method.png``          SSR by method, bars with the spread over trials
``outcome_matrix.png``         per equation x method: fraction of runs that are symbolic solutions
=============================  =====================================================================

Definitions (SPEC 1.10):

* A run is *correct* when its formula is a symbolic solution under the paper's rule
  (``symbolic_solution``); ``symbolic_solution_srbench`` is SRBench's rule (constants rounded).
* Rates over equations are computed per trial (a trial is identified by its seed, ``--seed + t``):
  the percentage of equations whose run of that trial is correct, or has test R^2 above the
  threshold; then reported as mean and sample standard deviation over the trials: the spread over
  trials. A timeout or an error counts as a failure.
* SSR of one equation: the percentage of its trials that are correct. SRBench publishes the same
  (over its 10 runs), and ``accuracy_solution``: per equation, the median over runs of
  ``R^2 > 0.999``; the column "accuracy solution" computes exactly that for this run's methods.
* Mean R^2 counts a run with R^2 below 0 (worse than the mean) or a non-finite prediction as 0, over
  the runs that finished (not over timeouts and errors).
* Outcome classes of the ablation (paper Table I): *correct*; *out of time*: killed at
  ``--deadline``, or the pipeline's own bound stopped the symbolic steps (the extracted formula
  exceeded ``max_formula_nodes``, the paper's "out of time" case) without a solution; *incorrect*:
  every other finished run; *error*: the run failed (shown when there are any). R^2 > 0.99 is taken
  among correct + incorrect runs. As in the paper, the first table keeps the equations on which the
  full pipeline had at least one correct trial; the second has every equation run.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from keras_symbolic.bench.runner import latest_records, read_records

__all__ = ["RUNS_FILE", "load_runs", "summarize", "overall_table", "per_equation_table", "srbench_tables",
           "ablation_tables", "outcome_class"]

RUNS_FILE = "runs.jsonl"
INVOCATIONS_FILE = "invocations.jsonl"
_COLUMNS = ["key", "benchmark", "equation", "method", "trial", "seed", "ablation", "config_id", "samples",
            "outcome", "symbolic_solution", "symbolic_solution_srbench", "r2_test", "complexity",
            "wall_seconds", "run_seconds", "formula_not_simplified", "expression", "error", "deadline_seconds"]


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------
def _label(method: str, ablation: str) -> str:
    if not ablation or ablation == "none":
        return method
    return f"{method} (no {ablation.replace('+', ', no ')})"


def outcome_class(row) -> str:
    """``"correct"``, ``"incorrect"``, ``"out_of_time"`` or ``"error"`` (see the module docstring)."""
    outcome = row.get("outcome")
    if outcome == "timeout":
        return "out_of_time"
    if outcome != "ok":
        return "error"
    if bool(row.get("symbolic_solution")):
        return "correct"
    if bool(row.get("formula_not_simplified")):
        return "out_of_time"
    return "incorrect"


def load_runs(out_dir: str | Path, include: Sequence[str | Path] = ()) -> pd.DataFrame:
    """The latest record of every AI Feynman run in ``out_dir/runs.jsonl`` (and in the ``runs.jsonl``
    of every folder of ``include``: runs of several methods written by separate commands, which
    cannot share one store while both run), with derived columns:
    ``label`` (method, ablation and, when one method was run with several settings, the config id),
    ``cls`` (:func:`outcome_class`), ``correct``, ``correct_srbench``, ``r2`` (finite test R^2 or
    NaN), ``r2_099``, ``r2_0999``."""
    raw = []
    for folder in [out_dir, *include]:
        raw.extend(read_records(Path(folder) / RUNS_FILE))
    records = [r for r in latest_records(raw).values() if r.get("benchmark", "feynman") == "feynman"]
    frame = pd.DataFrame([{c: r.get(c) for c in _COLUMNS} for r in records], columns=_COLUMNS)
    if frame.empty:
        return frame.assign(label=[], variant=[], cls=[], correct=[], correct_srbench=[], r2=[], r2_099=[], r2_0999=[])
    frame["ablation"] = frame["ablation"].fillna("none")
    frame["config_id"] = frame["config_id"].fillna("")
    frame["trial"] = frame["trial"].astype(int)
    ok = frame["outcome"] == "ok"
    frame["cls"] = [outcome_class(r) for r in frame.to_dict("records")]
    frame["correct"] = ok & frame["symbolic_solution"].fillna(False).astype(bool)
    frame["correct_srbench"] = ok & frame["symbolic_solution_srbench"].fillna(False).astype(bool)
    r2 = pd.to_numeric(frame["r2_test"], errors="coerce").where(ok)
    frame["r2"] = r2
    frame["r2_099"] = ok & (r2 > 0.99)
    frame["r2_0999"] = ok & (r2 > 0.999)
    frame["seed"] = pd.to_numeric(frame["seed"], errors="coerce").fillna(frame["trial"]).astype(int)
    # Runs of one method with other settings or another training size in the same folder are kept
    # apart: their label carries the difference.
    frame["variant"] = [f"{c}, n={n}" if pd.notna(n) else str(c) for c, n in zip(frame["config_id"], frame["samples"])]
    labels = [_label(m, a) for m, a in zip(frame["method"], frame["ablation"])]
    frame["label"] = labels
    several = frame.groupby("label")["variant"].nunique()
    for label in several[several > 1].index:
        mask = frame["label"] == label
        frame.loc[mask, "label"] = [f"{label} [{v}]" for v in frame.loc[mask, "variant"]]
    return frame


def _label_order(frame: pd.DataFrame) -> list[str]:
    from keras_symbolic.bench.feynman import METHODS

    def rank(label):
        row = frame[frame["label"] == label].iloc[0]
        method_rank = METHODS.index(row["method"]) if row["method"] in METHODS else len(METHODS)
        return (method_rank, row["ablation"] != "none", label)

    return sorted(frame["label"].unique(), key=rank)


# ----------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------
def _trial_rates(group: pd.DataFrame, column: str) -> tuple[float, float, int]:
    """(mean, std over trials, number of trials) of the per-trial percentage of ``column``. A trial is
    identified by its seed (``--seed + trial``), so sweeps with another base seed add trials."""
    per_trial = group.groupby("seed")[column].mean() * 100.0
    n = len(per_trial)
    std = float(per_trial.std(ddof=1)) if n > 1 else math.nan
    return float(per_trial.mean()) if n else math.nan, std, n


def overall_table(frame: pd.DataFrame, equations: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """Per label: equations, runs, trials, rates (mean/std over trials), counts, medians."""
    rows = []
    data = frame if equations is None else frame[frame["equation"].isin(list(equations))]
    for label in _label_order(data) if not data.empty else []:
        g = data[data["label"] == label]
        ok = g[g["outcome"] == "ok"]
        row = {"method": label, "equations": int(g["equation"].nunique()), "runs": int(len(g)),
               "trials": int(g["seed"].nunique())}
        for name, column in (("ssr", "correct"), ("ssr_srbench", "correct_srbench"),
                             ("r2_gt_0.99", "r2_099"), ("r2_gt_0.999", "r2_0999")):
            mean, std, _ = _trial_rates(g, column)
            row[f"{name}_%"] = mean
            row[f"{name}_std"] = std
        row["timeouts"] = int((g["outcome"] == "timeout").sum())
        row["errors"] = int((g["outcome"] == "error").sum())
        row["median_wall_s"] = float(pd.to_numeric(ok["wall_seconds"], errors="coerce").median()) if len(ok) else math.nan
        row["median_complexity"] = float(pd.to_numeric(ok["complexity"], errors="coerce").median()) if len(ok) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def per_equation_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per equation and label: trials, SSR (both rules), mean R^2, rates, median wall s, failures."""
    from keras_symbolic.datasets import all_equations

    order = {eq.name: i for i, eq in enumerate(all_equations())}
    rows = []
    for (equation, label), g in frame.groupby(["equation", "label"], sort=False):
        ok = g[g["outcome"] == "ok"]
        r2 = ok["r2"].fillna(0.0).clip(lower=0.0)
        rows.append({
            "equation": equation, "method": label, "trials": int(len(g)),
            "ssr_%": 100.0 * g["correct"].mean(), "ssr_srbench_%": 100.0 * g["correct_srbench"].mean(),
            "r2_mean": float(r2.mean()) if len(ok) else math.nan,
            "r2_gt_0.99_%": 100.0 * g["r2_099"].mean(), "r2_gt_0.999_%": 100.0 * g["r2_0999"].mean(),
            "median_wall_s": float(pd.to_numeric(ok["wall_seconds"], errors="coerce").median()) if len(ok) else math.nan,
            "timeouts": int((g["outcome"] == "timeout").sum()), "errors": int((g["outcome"] == "error").sum()),
        })
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    labels = _label_order(frame)
    table["_eq"] = table["equation"].map(lambda e: order.get(e, len(order)))
    table["_m"] = table["method"].map(labels.index)
    return table.sort_values(["_eq", "_m"]).drop(columns=["_eq", "_m"]).reset_index(drop=True)


def srbench_tables(frame: pd.DataFrame, noise: float = 0.0):
    """``(overall, per_equation, equations, missing)`` side by side with SRBench on the equations that
    both this run and SRBench have. ``overall``: per method, SSR % (mean over equations of the
    per-equation rate; this run's with the std over trials) and accuracy solution % (mean over
    equations of the median over runs of R^2 > 0.999)."""
    from keras_symbolic.datasets import srbench_results

    from keras_symbolic.datasets import all_equations

    sr = srbench_results(noise)
    sr = sr[sr["equation"].notna()]
    order = {eq.name: i for i, eq in enumerate(all_equations())}
    # Table order, not the order in which parallel runs happened to finish.
    run_eqs = sorted(dict.fromkeys(frame["equation"]), key=lambda e: order.get(e, len(order)))
    equations = [e for e in run_eqs if e in set(sr["equation"])]
    missing = [e for e in run_eqs if e not in set(sr["equation"])]
    ours = frame[frame["equation"].isin(equations)]
    rows = []
    per_eq = {}
    for label in _label_order(ours) if not ours.empty else []:
        g = ours[ours["label"] == label]
        # SRBench's published rates use SRBench's rule: so do ours here (the paper's rule beside it).
        mean, std, n = _trial_rates(g, "correct_srbench")
        paper_mean, paper_std, _ = _trial_rates(g, "correct")
        acc = g.groupby("equation")["r2_0999"].median().mean() * 100.0
        r2m, r2s, _ = _trial_rates(g, "r2_0999")
        rows.append({"method": label, "source": "this run", "equations": int(g["equation"].nunique()),
                     "ssr_%": mean, "ssr_std": std, "ssr_paper_rule_%": paper_mean, "ssr_paper_rule_std": paper_std,
                     "accuracy_solution_%": acc, "r2_gt_0.999_%": r2m, "r2_gt_0.999_std": r2s, "trials": n})
        per_eq[label] = g.groupby("equation")["correct_srbench"].mean() * 100.0
    srs = sr[sr["equation"].isin(equations)]
    for algorithm, g in srs.groupby("algorithm"):
        name = f"{algorithm} (SRBench)"
        rows.append({"method": name, "source": f"SRBench 2021 (noise {noise:g})",
                     "equations": int(g["equation"].nunique()),
                     "ssr_%": float(g["symbolic_solution_rate_(%)"].mean()), "ssr_std": math.nan,
                     "ssr_paper_rule_%": math.nan, "ssr_paper_rule_std": math.nan,
                     "accuracy_solution_%": float(g["accuracy_solution"].mean() * 100.0),
                     "r2_gt_0.999_%": math.nan, "r2_gt_0.999_std": math.nan, "trials": math.nan})
        per_eq[name] = g.set_index("equation")["symbolic_solution_rate_(%)"]
    overall = pd.DataFrame(rows)
    if not overall.empty:
        overall = overall.sort_values("ssr_%", ascending=False, kind="stable").reset_index(drop=True)
    per_equation = pd.DataFrame(per_eq).reindex(equations)
    per_equation.index.name = "equation"
    return overall, per_equation, equations, missing


def ablation_tables(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The paper's Table I from LIES runs with several ablation settings: ``[(title, table), ...]``."""
    from keras_symbolic.pipelines.lies import ABLATIONS

    lies = frame[frame["method"] == "lies"]
    out = []
    for variant, group in lies.groupby("variant"):
        settings = list(dict.fromkeys(group["ablation"]))
        if len(settings) < 2:
            continue

        def rank(a):
            parts = a.split("+") if a != "none" else []
            return (len(parts), [ABLATIONS.index(p) if p in ABLATIONS else 99 for p in parts])

        settings.sort(key=rank)
        full = group[group["ablation"] == "none"]
        solved = sorted(full.loc[full["correct"], "equation"].unique())
        scopes = []
        if len(full):
            scopes.append((f"equations where the full pipeline had at least one correct trial "
                           f"({len(solved)}; the paper's Table I scope)", solved))
        scopes.append((f"all equations run ({group['equation'].nunique()})", sorted(group["equation"].unique())))
        suffix = f" [{variant}]" if lies["variant"].nunique() > 1 else ""
        for title, eqs in scopes:
            rows = []
            for ablation in settings:
                g = group[(group["ablation"] == ablation) & group["equation"].isin(eqs)]
                n = len(g)
                pct = (lambda c: 100.0 * float((g["cls"] == c).sum()) / n if n else math.nan)  # noqa: E731
                finished = g[g["cls"].isin(["correct", "incorrect"])]
                rows.append({
                    "pipeline": "full pipeline" if ablation == "none" else "without " + ablation.replace("+", " and "),
                    "runs": n, "equations": int(g["equation"].nunique()),
                    "correct_%": pct("correct"), "incorrect_%": pct("incorrect"),
                    "out_of_time_%": pct("out_of_time"), "error_%": pct("error"),
                    "r2_gt_0.99_%": 100.0 * float(finished["r2_099"].mean()) if len(finished) else math.nan,
                })
            out.append((title + suffix, pd.DataFrame(rows)))
    return out


# ----------------------------------------------------------------------------------------------
# Plots
# ----------------------------------------------------------------------------------------------
def _plot_ssr(overall_sr: pd.DataFrame, path: Path, n_equations: int) -> None:
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


def _plot_matrix(frame: pd.DataFrame, per_eq_sr: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    from keras_symbolic.datasets import all_equations

    order = [eq.name for eq in all_equations() if eq.name in set(frame["equation"])]
    labels = _label_order(frame)
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


# ----------------------------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------------------------
def _fmt(value, digits=1) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return "" if not math.isfinite(float(value)) else f"{float(value):.{digits}f}"
    return str(value)


def _pm(mean, std, digits=1) -> str:
    if mean is None or not math.isfinite(mean):
        return ""
    return f"{mean:.{digits}f} ± {std:.{digits}f}" if std is not None and math.isfinite(std) else f"{mean:.{digits}f}"


def _markdown(table: pd.DataFrame) -> str:
    if table.empty:
        return "_(none)_\n"
    head = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body]) + "\n"


def _overall_md(overall: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "method": overall["method"], "equations": overall["equations"], "runs": overall["runs"],
        "SSR % (paper rule)": [_pm(m, s) for m, s in zip(overall["ssr_%"], overall["ssr_std"])],
        "SSR % (SRBench rule)": [_pm(m, s) for m, s in zip(overall["ssr_srbench_%"], overall["ssr_srbench_std"])],
        "R² > 0.99 %": [_pm(m, s) for m, s in zip(overall["r2_gt_0.99_%"], overall["r2_gt_0.99_std"])],
        "R² > 0.999 %": [_pm(m, s) for m, s in zip(overall["r2_gt_0.999_%"], overall["r2_gt_0.999_std"])],
        "timeouts": overall["timeouts"], "errors": overall["errors"],
        "median wall s": [_fmt(v) for v in overall["median_wall_s"]],
        "median complexity": [_fmt(v, 0) for v in overall["median_complexity"]],
    })


def _per_equation_md(per_eq: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "equation": per_eq["equation"], "method": per_eq["method"], "trials": per_eq["trials"],
        "SSR %": [_fmt(v, 0) for v in per_eq["ssr_%"]],
        "SSR % (SRBench rule)": [_fmt(v, 0) for v in per_eq["ssr_srbench_%"]],
        "mean R²": [_fmt(v, 4) for v in per_eq["r2_mean"]],
        "R² > 0.99 %": [_fmt(v, 0) for v in per_eq["r2_gt_0.99_%"]],
        "median wall s": [_fmt(v) for v in per_eq["median_wall_s"]],
        "timeouts": per_eq["timeouts"], "errors": per_eq["errors"],
    })


def _srbench_md(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "method": table["method"], "source": table["source"], "equations": table["equations"],
        "SSR % (SRBench rule)": [_pm(m, s) for m, s in zip(table["ssr_%"], table["ssr_std"])],
        "SSR % (paper rule)": [_pm(m, s) for m, s in zip(table["ssr_paper_rule_%"], table["ssr_paper_rule_std"])],
        "accuracy solution % (R² > 0.999, median over runs)": [_fmt(v) for v in table["accuracy_solution_%"]],
        "R² > 0.999 % (mean ± std over trials)": [_pm(m, s) for m, s in zip(table["r2_gt_0.999_%"], table["r2_gt_0.999_std"])],
    })


def _ablation_md(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "pipeline": table["pipeline"], "runs": table["runs"], "equations": table["equations"],
        "correct %": [_fmt(v) for v in table["correct_%"]],
        "incorrect %": [_fmt(v) for v in table["incorrect_%"]],
        "out of time %": [_fmt(v) for v in table["out_of_time_%"]],
        "R² > 0.99 % (of correct + incorrect)": [_fmt(v) for v in table["r2_gt_0.99_%"]],
    })
    if (table["error_%"].fillna(0) > 0).any():
        out.insert(6, "error %", [_fmt(v) for v in table["error_%"]])
    return out


def _invocations(out_dir: Path) -> list[dict]:
    path = out_dir / INVOCATIONS_FILE
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows


def summarize(out_dir: str | Path, plots: bool = True, noise: float = 0.0, include: Sequence[str | Path] = ()) -> dict:
    """Write the summary files of ``out_dir`` (see the module docstring); return ``name -> path``.

    ``include``: further results folders whose runs are summarised with ``out_dir``'s.

    Raises:
        FileNotFoundError: no ``runs.jsonl`` with AI Feynman records in ``out_dir``.
    """
    out_dir = Path(out_dir)
    frame = load_runs(out_dir, include)
    if frame.empty:
        raise FileNotFoundError(f"no AI Feynman runs in {out_dir / RUNS_FILE}")
    files: dict[str, Path] = {}

    def save_csv(name, table, index=False):
        path = out_dir / name
        table.to_csv(path, index=index, float_format="%.6g")
        files[name] = path

    overall = overall_table(frame)
    save_csv("summary_overall.csv", overall)
    per_eq = per_equation_table(frame)
    save_csv("summary_per_equation.csv", per_eq)
    sr_overall, sr_per_eq, sr_eqs, sr_missing = srbench_tables(frame, noise)
    save_csv("summary_srbench.csv", sr_overall)
    save_csv("srbench_per_equation.csv", sr_per_eq, index=True)
    ablations = ablation_tables(frame)
    if ablations:
        save_csv("summary_ablation.csv", pd.concat([t.assign(scope=title) for title, t in ablations], ignore_index=True))
    if plots:
        if not sr_overall.empty:
            files["ssr_by_method.png"] = out_dir / "ssr_by_method.png"
            _plot_ssr(sr_overall, files["ssr_by_method.png"], len(sr_eqs))
        files["outcome_matrix.png"] = out_dir / "outcome_matrix.png"
        _plot_matrix(frame, sr_per_eq, files["outcome_matrix.png"])

    lines = ["# AI Feynman benchmark: summary", ""]
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    invocations = _invocations(out_dir)
    lines.append(f"Written {now} from `{RUNS_FILE}`: {len(frame)} runs, {frame['equation'].nunique()} equations, "
                 f"methods {', '.join(_label_order(frame))}; outcomes "
                 + ", ".join(f"{k} {v}" for k, v in frame["outcome"].value_counts().items()) + ".")
    if invocations:
        last = invocations[-1]
        lines += ["", "Commands run into this folder (latest last):", ""]
        lines += [f"- `{' '.join(inv.get('argv', []))}` ({inv.get('started', '?')}, host {inv.get('host', '?')}, "
                  f"backend {inv.get('keras_backend', '?')})" for inv in invocations[-5:]]
        if last.get("deadline") is not None:
            lines.append(f"\nPer-run deadline (latest command): {last['deadline']} s.")
    lines += ["", "## Overall (every equation run)", "", _markdown(_overall_md(overall)),
              "Rates: mean ± sample std over trials (seeds) of the percentage of equations (a timeout or error "
              "counts as a failure); a single trial has no spread. Wall seconds: the method's fit, finished runs.", ""]
    lines += [f"## Side by side with SRBench (noise {noise:g}, the {len(sr_eqs)} equations both have)", ""]
    if sr_missing:
        lines.append(f"Not in SRBench, left out of this table only: {', '.join(sr_missing)}.\n")
    lines.append(_markdown(_srbench_md(sr_overall)))
    if "ssr_by_method.png" in files:
        lines += ["![SSR by method](ssr_by_method.png)", ""]
    for title, table in ablations:
        lines += [f"## LIES ablation (paper Table I): {title}", "", _markdown(_ablation_md(table))]
    if ablations:
        lines += ["Out of time: killed at the deadline, or the formula was too large for the symbolic steps "
                  "(`max_formula_nodes`) and is not a solution.", ""]
    lines += ["## Per equation", ""]
    if "outcome_matrix.png" in files:
        lines += ["![Per-equation outcomes](outcome_matrix.png)", ""]
    lines.append(_markdown(_per_equation_md(per_eq)))
    errors = frame[frame["outcome"] == "error"]
    if len(errors):
        lines += ["## Errors", ""]
        lines += [f"- {r.equation} {r.label} trial {r.trial}: {r.error}" for r in errors.head(50).itertuples()]
        lines.append("")
    path = out_dir / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["summary.md"] = path
    return files
