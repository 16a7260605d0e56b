"""The one console summary of a :class:`~keras_symbolic.results.fit_result.FitResult`.

::

    formula     : 0.5*m*v**2
    symbols     : E_ = 'E', mass_kg = 'mass kg'  (columns renamed so the formula reads back)
    R^2 train   : 1.000000
    R^2 test    : 1.000000
    complexity  : 7
    truth       : 1/2*m*v**2                   (known equations only)
    symbolic solution: yes (SRBench rule: yes)
    wall time   : 31.2 s  (backend jax)

Per-output methods print one formula per output, classification prints accuracy and ROC AUC, and
sparsity-driven methods their sparsities against the targets. A result's ``details["notes"]`` print as
``note        :`` lines (what the user should know, e.g. that LIES's network stayed dense).
"""
from __future__ import annotations

import math
import os
import sys
from typing import Optional, TextIO

import numpy as np

from keras_symbolic.results.fit_result import FitResult

__all__ = ["print_result", "format_score", "PRINT_LIMIT"]

#: Printed formulas longer than this are cut (the full ones are in result.json).
PRINT_LIMIT = 300
#: Rows of the Pareto front printed at most (pareto.csv has every candidate).
FRONT_ROWS = 8


def format_score(value, digits: int = 6) -> str:
    """A score to ``digits`` decimals, ``n/a`` when missing or not finite."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}f}"


def _cut(text: str) -> tuple[str, bool]:
    return (text, False) if len(text) <= PRINT_LIMIT else (text[: PRINT_LIMIT - 3] + "...", True)


def _formula_lines(result: FitResult, saved: bool) -> list[str]:
    shown = [str(e) for e in result.display()]
    lines, cut_count = [], 0
    if len(shown) == 1:
        text, cut = _cut(shown[0])
        cut_count += cut
        lines.append(f"formula     : {text}")
    else:
        digits = f" (constants to {result.display_digits} significant digits)" if result.display_digits else ""
        lines.append(f"formulas    : one per output{digits}")
        labels = list(result.outputs or [f"output {k}" for k in range(len(shown))])
        width = max(len(label) for label in labels)
        for label, s in zip(labels, shown):
            text, cut = _cut(s)
            cut_count += cut
            lines.append(f"  {label:<{width}} : {text}")
    if result.symbols and any(k != v for k, v in result.symbols.items()):
        renamed = ", ".join(f"{k} = {v!r}" for k, v in result.symbols.items() if k != v)
        lines.append(f"symbols     : {renamed}")
    if cut_count:
        where = "result.json" if saved else "result.json (pass --out DIR to save it)"
        lines.append(f"note        : {cut_count} formula(s) cut to {PRINT_LIMIT} characters; the full expressions are in {where}")
    return lines


def _score_lines(result: FitResult) -> list[str]:
    m = result.metrics
    if result.task == "classification":
        per_class = ", ".join(f"{c}: {format_score(v, 3)}" for c, v in (m.get("roc_auc_test") or {}).items())
        return [f"accuracy    : train {format_score(m.get('accuracy_train'), 4)}  test {format_score(m.get('accuracy_test'), 4)}",
                f"ROC AUC test: {per_class} (macro {format_score(m.get('roc_auc_macro_test'), 3)})"]
    return [f"R^2 train   : {format_score(m.get('r2_train'))}", f"R^2 test    : {format_score(m.get('r2_test'))}"]


def _complexity_line(result: FitResult) -> str:
    if len(result.complexities) == 1:
        return f"complexity  : {result.complexities[0]}"
    return (f"complexity  : {result.complexity:.2f} (mean over {len(result.complexities)} outputs: "
            f"{', '.join(map(str, result.complexities))})")


def _engine_lines(result: FitResult) -> list[str]:
    """The discovery engine's solver and the splits its decomposition found, in order."""
    lines = []
    if result.details.get("solver"):
        lines.append(f"solver      : {result.details['solver']}")
    splits = []
    for step in result.details.get("decomposition") or []:
        test = step.get("test", "")
        kind, _, transform = test.partition(" of ")  # "add of square": a sum split of the square
        if kind in ("mul", "add"):
            a, b = step["groups"]
            name = ("product" if kind == "mul" else "sum") + (f" of the {transform}" if transform else "")
            splits.append(f"{name} {{{', '.join(a)}}}|{{{', '.join(b)}}}")
        elif test.startswith("symmetry"):
            splits.append(f"{test.split()[1]} of {', '.join(step['pair'])}")
        elif test == "one monomial group":
            splits.append(f"one group {step['group']}")
    if splits:
        lines.append("splits      : " + " > ".join(splits))
    if result.details.get("choice_rule"):
        lines.append(f"chosen by   : {result.details['choice_rule']}")
    if "noise_floor" in result.details:
        floor = result.details["noise_floor"]
        lines.append("noise floor : " + ("not estimated (too few rows)" if floor is None
                                         else f"~{floor:.2%} of RMS(y) (estimated from the rows)"))
    front = result.details.get("pareto") or []
    if front:
        judged = result.details.get("validation") or "held-out split"
        judged = "held-out rows" if judged == "held-out split" else f"{judged} cross-validation"
        lines.append(f"pareto front (R^2 on {judged}; * the answer):")
        lines.append(f"    {'size':>5}  {'R^2':>10}  {'solver':<14} formula")
        shown = front
        if len(front) > FRONT_ROWS:  # evenly spread over the front, the answer always among them
            keep = set(np.linspace(0, len(front) - 1, FRONT_ROWS - 1).round().astype(int))
            keep |= {k for k, row in enumerate(front) if row["chosen"]}
            shown = [front[k] for k in sorted(keep)]
        for row in shown:
            text = row["expression"] if len(row["expression"]) <= 90 else row["expression"][:87] + "..."
            mark = "*" if row["chosen"] else " "
            lines.append(f"  {mark} {row['complexity']:>5}  {format_score(row['r2'], 6):>10}  {row['solver']:<14} {text}")
    return lines


def print_result(result: FitResult, out_dir=None, file: Optional[TextIO] = None) -> None:
    """Print the summary of ``result`` (to ``file``, default stdout); ``out_dir`` names the result
    folder it was written to, if any."""
    file = file or sys.stdout
    lines = _formula_lines(result, saved=out_dir is not None) + _score_lines(result) + [_complexity_line(result)]
    lines += _engine_lines(result)
    lines += [f"note        : {note}" for note in result.details.get("notes") or []]  # e.g. a barely pruned network
    sparsities, targets = result.details.get("sparsities"), result.details.get("targets") or {}
    if sparsities:
        lines.append("sparsity    : " + ", ".join(f"{k} {v:.2f} (target {targets.get(k, 0):.2f})"
                                                  for k, v in sparsities.items()))
    if result.truth:
        verdict = "yes" if result.truth["symbolic_solution"] else "no"
        srbench = "yes" if result.truth["symbolic_solution_srbench"] else "no"
        lines += [f"truth       : {result.truth['truth']}", f"symbolic solution: {verdict} (SRBench rule: {srbench})"]
    backend = result.details.get("backend") or os.environ.get("KERAS_BACKEND") or "tensorflow"  # set but empty too
    lines.append(f"wall time   : {result.wall_seconds:.1f} s  (backend {backend})")
    if out_dir is not None:
        lines.append(f"result folder: {out_dir}")
    print("\n".join(lines), file=file, flush=True)
