"""The AI Feynman results side by side with SRBench 2021's published ones, on the equations both have.

SRBench publishes, per equation, the symbolic solution rate (over its 10 runs) and
``accuracy_solution``: the median over runs of ``R^2 > 0.999``; :func:`srbench_tables` computes
exactly these for this run's methods (SSR with SRBench's rule, the paper's rule beside it).
"""
from __future__ import annotations

import math

import pandas as pd

from keras_symbolic.bench.summary_runs import label_order
from keras_symbolic.bench.summary_tables import trial_rates

__all__ = ["srbench_tables"]


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
    for label in label_order(ours) if not ours.empty else []:
        g = ours[ours["label"] == label]
        # SRBench's published rates use SRBench's rule: so do ours here (the paper's rule beside it).
        mean, std, n = trial_rates(g, "correct_srbench")
        paper_mean, paper_std, _ = trial_rates(g, "correct")
        acc = g.groupby("equation")["r2_0999"].median().mean() * 100.0
        r2m, r2s, _ = trial_rates(g, "r2_0999")
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
