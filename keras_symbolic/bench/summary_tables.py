"""The tables of an AI Feynman summary: per method, per equation and the LIES ablation (Table I).

Definitions (SPEC 1.10):

* Rates over equations are computed per trial (a trial is identified by its seed, ``--seed + t``):
  the percentage of equations whose run of that trial is correct, or has test R^2 above the
  threshold; then reported as mean and sample standard deviation over the trials: the spread over
  trials. A timeout or an error counts as a failure.
* SSR of one equation: the percentage of its trials that are correct.
* Noise levels are kept apart: a label holds one level (``lies @ noise 0.01``,
  :func:`~keras_symbolic.bench.summary_runs.load_runs`), and the tables carry a ``noise`` column.
* ``oversized``: finished runs whose answer has more than :data:`OVERSIZE` times the nodes of the true
  formula, both counted by :func:`~keras_symbolic.symbolic.complexity.expression_complexity` (issue 21:
  at heavy noise the answer should be the simplest formula the rows support, not an interpolant).
* Mean R^2 counts a run with R^2 below 0 (worse than the mean) or a non-finite prediction as 0, over
  the runs that finished (not over timeouts and errors).
* The ablation table (paper Table I) gives the share of each outcome class
  (:func:`~keras_symbolic.bench.summary_runs.outcome_class`) per pipeline setting; R^2 > 0.99 is
  taken among correct + incorrect runs. As in the paper, the first table keeps the equations on
  which the full pipeline had at least one correct trial; the second has every equation run.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Optional, Sequence

import pandas as pd

from keras_symbolic.bench.summary_runs import label_order

__all__ = ["overall_table", "per_equation_table", "ablation_tables", "trial_rates", "true_size", "OVERSIZE"]

#: An answer with more than this many times the true formula's nodes counts as oversized.
OVERSIZE = 3


@lru_cache(maxsize=None)
def true_size(equation: str) -> float:
    """Nodes of the AI Feynman equation ``equation``'s formula (NaN for a name the table lacks)."""
    from keras_symbolic.datasets import UnknownEquationError
    from keras_symbolic.datasets.feynman import get_feynman_equation
    from keras_symbolic.symbolic.complexity import expression_complexity

    try:
        return float(expression_complexity(get_feynman_equation(equation).sympy_expr))
    except UnknownEquationError:
        return math.nan


def _oversized(ok: pd.DataFrame) -> int:
    """How many of the finished runs ``ok`` answered with more than :data:`OVERSIZE` times the truth's nodes."""
    if ok.empty:
        return 0
    sizes = pd.to_numeric(ok["complexity"], errors="coerce")
    truth = pd.to_numeric(ok["equation"].map(true_size), errors="coerce")
    return int((sizes > OVERSIZE * truth).sum())


def trial_rates(group: pd.DataFrame, column: str) -> tuple[float, float, int]:
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
    for label in label_order(data) if not data.empty else []:
        g = data[data["label"] == label]
        ok = g[g["outcome"] == "ok"]
        row = {"method": label, "noise": float(g["noise"].iloc[0]), "equations": int(g["equation"].nunique()),
               "runs": int(len(g)), "trials": int(g["seed"].nunique())}
        for name, column in (("ssr", "correct"), ("ssr_srbench", "correct_srbench"),
                             ("r2_gt_0.99", "r2_099"), ("r2_gt_0.999", "r2_0999")):
            mean, std, _ = trial_rates(g, column)
            row[f"{name}_%"] = mean
            row[f"{name}_std"] = std
        row["timeouts"] = int((g["outcome"] == "timeout").sum())
        row["errors"] = int((g["outcome"] == "error").sum())
        row["median_wall_s"] = float(pd.to_numeric(ok["wall_seconds"], errors="coerce").median()) if len(ok) else math.nan
        row["median_complexity"] = float(pd.to_numeric(ok["complexity"], errors="coerce").median()) if len(ok) else math.nan
        row["oversized"] = _oversized(ok)
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
            "equation": equation, "method": label, "noise": float(g["noise"].iloc[0]), "trials": int(len(g)),
            "ssr_%": 100.0 * g["correct"].mean(), "ssr_srbench_%": 100.0 * g["correct_srbench"].mean(),
            "r2_mean": float(r2.mean()) if len(ok) else math.nan,
            "r2_gt_0.99_%": 100.0 * g["r2_099"].mean(), "r2_gt_0.999_%": 100.0 * g["r2_0999"].mean(),
            "median_wall_s": float(pd.to_numeric(ok["wall_seconds"], errors="coerce").median()) if len(ok) else math.nan,
            "timeouts": int((g["outcome"] == "timeout").sum()), "errors": int((g["outcome"] == "error").sum()),
        })
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    labels = label_order(frame)
    table["_eq"] = table["equation"].map(lambda e: order.get(e, len(order)))
    table["_m"] = table["method"].map(labels.index)
    return table.sort_values(["_eq", "_m"]).drop(columns=["_eq", "_m"]).reset_index(drop=True)



def ablation_tables(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The paper's Table I from LIES runs with several ablation settings: ``[(title, table), ...]``."""
    from keras_symbolic.pipelines.lies_config import ABLATIONS

    lies = frame[frame["method"] == "lies"]
    out = []
    several = lies.groupby(["variant", "noise"]).ngroups > 1
    for (variant, noise), group in lies.groupby(["variant", "noise"]):
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
        suffix = f" [{variant}{f', noise {noise:g}' if noise > 0 else ''}]" if several else ""
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
