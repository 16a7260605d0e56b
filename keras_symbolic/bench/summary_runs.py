"""Load the AI Feynman records of results folders into one DataFrame, with derived columns.

:func:`load_runs` reads ``runs.jsonl`` (the latest record of every run) and adds ``label``,
``base_label``, ``cls`` (:func:`outcome_class`), ``correct``, ``correct_srbench``, ``r2``, ``r2_099``,
``r2_0999``; :func:`label_order` is the order in which every table and plot lists the labels.

Noise: a record's ``noise`` (SRBench's target noise level of its training rows; records written
before the option have none and count as 0) is a column; runs at noise > 0 carry it in their label
(``lies @ noise 0.01``), so every table and plot keeps the levels apart; ``base_label`` is the label
without it (the rows of the table by noise level).

Definitions (SPEC 1.10):

* A run is *correct* when its formula is a symbolic solution under the paper's rule
  (``symbolic_solution``); ``symbolic_solution_srbench`` is SRBench's rule (constants rounded).
* Outcome classes of the ablation (paper Table I): *correct*; *out of time*: killed at
  ``--deadline``, or the pipeline's own bound stopped the symbolic steps (the extracted formula
  exceeded ``max_formula_nodes``, the paper's "out of time" case) without a solution; *incorrect*:
  every other finished run; *error*: the run failed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd

from keras_symbolic.bench.result_store import RUNS_FILE, latest_records, read_records

__all__ = ["load_runs", "outcome_class", "label_order"]

_COLUMNS = ["key", "benchmark", "equation", "method", "trial", "seed", "ablation", "config_id", "samples",
            "outcome", "symbolic_solution", "symbolic_solution_srbench", "r2_test", "complexity",
            "wall_seconds", "run_seconds", "formula_not_simplified", "expression", "error", "deadline_seconds",
            "noise"]


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
    ``label`` (method, ablation and, when one method was run with several settings, the config id;
    ``@ noise SIGMA`` above noise 0), ``base_label`` (the label without the noise), ``noise`` (0 when
    the record has none), ``cls`` (:func:`outcome_class`), ``correct``, ``correct_srbench``, ``r2`` (finite test R^2 or
    NaN), ``r2_099``, ``r2_0999``."""
    raw = []
    for folder in [out_dir, *include]:
        raw.extend(read_records(Path(folder) / RUNS_FILE))
    records = [r for r in latest_records(raw).values() if r.get("benchmark", "feynman") == "feynman"]
    frame = pd.DataFrame([{c: r.get(c) for c in _COLUMNS} for r in records], columns=_COLUMNS)
    if frame.empty:
        return frame.assign(label=[], base_label=[], variant=[], cls=[], correct=[], correct_srbench=[], r2=[],
                            r2_099=[], r2_0999=[])
    frame["ablation"] = frame["ablation"].fillna("none")
    frame["config_id"] = frame["config_id"].fillna("")
    frame["noise"] = pd.to_numeric(frame["noise"], errors="coerce").fillna(0.0).astype(float)
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
    frame["base_label"] = frame["label"]
    frame["label"] = [f"{label} @ noise {noise:g}" if noise > 0 else label
                      for label, noise in zip(frame["label"], frame["noise"])]
    return frame


def label_order(frame: pd.DataFrame) -> list[str]:
    """The labels of ``frame`` in table order: by method (as in ``METHODS``), then by noise level,
    the full pipeline before its ablations, then by name."""
    from keras_symbolic.bench.feynman import METHODS

    def rank(label):
        row = frame[frame["label"] == label].iloc[0]
        method_rank = METHODS.index(row["method"]) if row["method"] in METHODS else len(METHODS)
        return (method_rank, float(row.get("noise", 0.0) or 0.0), row["ablation"] != "none", label)

    return sorted(frame["label"].unique(), key=rank)
