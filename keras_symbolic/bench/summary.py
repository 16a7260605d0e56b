"""The summary report of an AI Feynman sweep: the tables as CSV and Markdown, the plots, ``summary.md``.

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
``summary_srbench_by_noise.csv``  SSR per method at each noise level run, beside the SRBench paper's
                               rates at that level (Feynman + Strogatz, 130 problems)
``summary_ablation.csv``       the LIES paper's Table I (when several ``--ablate`` settings were run)
``ssr_by_method.png``          SSR by method, bars with the spread over trials
``outcome_matrix.png``         per equation x method: fraction of runs that are symbolic solutions
=============================  =====================================================================

The runs are loaded by :mod:`keras_symbolic.bench.summary_runs`, the tables computed by
:mod:`keras_symbolic.bench.summary_tables` and :mod:`keras_symbolic.bench.srbench_comparison` (their
docstrings define the rates), the plots drawn by :mod:`keras_symbolic.bench.summary_plots`.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from keras_symbolic.bench.result_store import RUNS_FILE
from keras_symbolic.bench.srbench_comparison import srbench_noise_table, srbench_tables
from keras_symbolic.bench.summary_plots import plot_outcome_matrix, plot_ssr_by_method
from keras_symbolic.bench.summary_runs import label_order, load_runs
from keras_symbolic.bench.summary_tables import OVERSIZE, ablation_tables, overall_table, per_equation_table

__all__ = ["summarize"]

INVOCATIONS_FILE = "invocations.jsonl"


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
        f"larger than {OVERSIZE}x the truth": overall["oversized"],
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


def _noise_md(table: pd.DataFrame) -> pd.DataFrame:
    """The table by noise level, wide: one row per method, one column per level."""
    levels = sorted(table["noise"].unique())
    rows = []
    for method, g in table.groupby("method", sort=False):
        first = g.iloc[0]
        ours = first["source"] == "this run"
        counts = " / ".join(dict.fromkeys(str(int(n)) for n in g["equations"])) if ours else ""
        row = {"method": method, "problems": f"AI Feynman ({counts} equations)" if ours else first["problems"]}
        for level in levels:
            hit = g[g["noise"] == level]
            if hit.empty:
                row[f"SSR % at noise {level:g}"] = ""
            elif ours:
                r = hit.iloc[0]
                row[f"SSR % at noise {level:g}"] = (f"{_pm(r['ssr_%'], r['ssr_std'])} "
                                                    f"(paper rule {_pm(r['ssr_paper_rule_%'], r['ssr_paper_rule_std'])}; "
                                                    f"R² > 0.999 {_fmt(r['r2_gt_0.999_%'])} %, "
                                                    f"median size {_fmt(r['median_size'])})")
            else:
                row[f"SSR % at noise {level:g}"] = _fmt(hit.iloc[0]["ssr_%"])
        row["how read"] = "this run" if ours else first["how_read"]
        rows.append(row)
    return pd.DataFrame(rows)


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


def summarize(out_dir: str | Path, plots: bool = True, include: Sequence[str | Path] = ()) -> dict:
    """Write the summary files of ``out_dir`` (see the module docstring); return ``name -> path``.

    ``include``: further results folders whose runs are summarised with ``out_dir``'s. Runs at every
    noise level are summarised (each level its own labels); the per-equation comparison with SRBench
    uses the noise-0 runs (the website export is reliable at noise 0 only), the table by noise level
    the SRBench paper's rates.

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
    clean = frame[frame["noise"] == 0]
    sr_overall, sr_per_eq, sr_eqs, sr_missing = srbench_tables(clean, 0.0)
    save_csv("summary_srbench.csv", sr_overall)
    save_csv("srbench_per_equation.csv", sr_per_eq, index=True)
    by_noise = srbench_noise_table(frame)
    save_csv("summary_srbench_by_noise.csv", by_noise)
    ablations = ablation_tables(frame)
    if ablations:
        save_csv("summary_ablation.csv", pd.concat([t.assign(scope=title) for title, t in ablations], ignore_index=True))
    if plots:
        if not sr_overall.empty:
            files["ssr_by_method.png"] = out_dir / "ssr_by_method.png"
            plot_ssr_by_method(sr_overall, files["ssr_by_method.png"], len(sr_eqs))
        files["outcome_matrix.png"] = out_dir / "outcome_matrix.png"
        plot_outcome_matrix(frame, sr_per_eq, files["outcome_matrix.png"])

    lines = ["# AI Feynman benchmark: summary", ""]
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    invocations = _invocations(out_dir)
    lines.append(f"Written {now} from `{RUNS_FILE}`: {len(frame)} runs, {frame['equation'].nunique()} equations, "
                 f"methods {', '.join(label_order(frame))}; outcomes "
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
    lines += [f"## Side by side with SRBench (noise 0, the {len(sr_eqs)} equations both have)", ""]
    if clean.empty:
        lines.append("No runs at noise 0: see the table by noise level below.\n")
    elif len(clean) < len(frame):
        lines.append("Runs at noise 0 only; the noisy runs are in the table by noise level below.\n")
    if sr_missing:
        lines.append(f"Not in SRBench, left out of this table only: {', '.join(sr_missing)}.\n")
    lines.append(_markdown(_srbench_md(sr_overall)) if not sr_overall.empty else "_(none)_\n")
    if "ssr_by_method.png" in files:
        lines += ["![SSR by method](ssr_by_method.png)", ""]
    lines += ["## Side by side with SRBench at each noise level", "",
              "Target noise: `y + N(0, (SIGMA * RMS(y_train))^2)` on the training rows only (`--noise SIGMA`); "
              "test R² and the symbolic check on clean rows. **Other methods: the rates published in the SRBench "
              "paper (uDSR and PhySO: in their own publications) over the Feynman and Strogatz problems together "
              "(130 problems; PhySO: Feynman only, 116, with units), not over this run's equations**: a "
              "reference level, not a paired comparison. This run: SSR with "
              "SRBench's rule, mean ± std over trials, the paper's rule in brackets.", "",
              _markdown(_noise_md(by_noise))]
    sources = by_noise.loc[by_noise["source"] != "this run", ["method", "source"]].drop_duplicates("method")
    if len(sources):
        lines += ["Sources: " + "; ".join(f"{m.rsplit(' (', 1)[0]}: {src}"
                                          for m, src in sources.itertuples(index=False)) + ".", ""]
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
