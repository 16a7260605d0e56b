"""Formulas to firmware: for each precision, tables sized on the data, an hls4ml project, its C
simulation, and what fixed point costs against the float formulas and the labels.

:func:`export_expressions` is the whole path; ``keras-symbolic hls`` (:mod:`keras_symbolic.cli.hls`)
calls it. Layout of ``out_dir``::

    report.json, report.md          what was done and measured, per precision
    expressions.json                the formulas in the data's names and as x0.. (hls4ml's names)
    <ap_fixed_W_I>/                 one hls4ml project per precision (build_prj.tcl, firmware/, ...)

Shapes: ``X_fit`` ``(n_fit, d)`` (rows that set the table ranges: the data the formulas were fitted
on), ``X_eval`` ``(n_eval, d)`` and ``y_eval`` ``(n_eval,)`` (rows that are simulated and scored).
"""
from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.fpga.expressions import evaluate, from_indexed
from keras_symbolic.fpga.fixed_point import FixedPointType, integer_bits_needed
from keras_symbolic.fpga.lut_ranges import DEFAULT_MARGIN, DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE
from keras_symbolic.fpga.lut_rewrite import tabulate_functions
from keras_symbolic.fpga.metrics import deviation, label_metrics

__all__ = ["ExportSettings", "export_expressions"]


@dataclass
class ExportSettings:
    """Knobs of :func:`export_expressions` (defaults: the paper's part and 200 MHz clock)."""

    margin: float = DEFAULT_MARGIN
    min_table_size: int = DEFAULT_MIN_SIZE
    max_table_size: int = DEFAULT_MAX_SIZE
    tolerance: Optional[float] = None
    part: str = "xcvu9p-flga2577-2-e"
    clock_period: float = 5.0
    project_name: str = "myproject"
    compile: bool = True
    synthesize: bool = True
    extra: dict = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _float_outputs(expressions, X, functions=None) -> np.ndarray:
    if len(X) == 0:
        return np.zeros((0, len(expressions)))
    return np.column_stack([evaluate(e, X, functions) for e in expressions])


def export_expressions(
    expressions: Sequence[sp.Expr],
    X_fit,
    precisions: Sequence[FixedPointType],
    out_dir,
    *,
    X_eval=None,
    y_eval=None,
    task: Optional[str] = None,
    classes: Optional[Sequence] = None,
    variable_names: Optional[Sequence[str]] = None,
    settings: Optional[ExportSettings] = None,
    source: Optional[dict] = None,
    progress=None,
) -> dict:
    """Convert, compile and score ``expressions`` once per precision; write the report; return it.

    Args:
        expressions: SymPy expressions in ``x0 .. x{d-1}`` (one hls4ml output each).
        X_fit: rows that set the lookup-table ranges, ``(n_fit, d)``.
        precisions: fixed-point types, one project each.
        out_dir: output folder (created; projects in sub-folders named after the precision).
        X_eval, y_eval: rows simulated and scored (default ``X_fit``, no labels).
        task: ``"classification"`` / ``"regression"`` (how ``y_eval`` is scored).
        classes: class label of each output (classification; one output: ``[negative, positive]``).
        variable_names: the data's names of ``x0 ..`` (for the report).
        settings: :class:`ExportSettings`.
        source: where the formulas came from (recorded in the report).
        progress: ``callable(str)`` for one-line progress messages, or None.

    Returns:
        The report (also written as ``report.json`` and ``report.md``).
    """
    from keras_symbolic.fpga.hls_project import (compile_project, csim_predict, hls_compiler_on_path,
                                                 require_hls4ml, write_symbolic_project)
    from keras_symbolic.fpga.synthesis import not_synthesised, run_synthesis

    settings = settings or ExportSettings()
    say = progress or (lambda message: None)
    hls4ml = require_hls4ml()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    X_fit = np.asarray(X_fit, dtype=np.float64)
    X_eval = X_fit if X_eval is None else np.asarray(X_eval, dtype=np.float64)
    d = X_fit.shape[1]
    names = list(variable_names) if variable_names is not None else [f"x{i}" for i in range(d)]
    compiler = hls_compiler_on_path()

    ref_fit = _float_outputs(expressions, X_fit)
    ref_eval = _float_outputs(expressions, X_eval)
    float_scores = label_metrics(ref_eval, y_eval, task, classes) if y_eval is not None and task else None
    (out_dir / "expressions.json").write_text(json.dumps({
        "variables": names,
        "expressions": [str(from_indexed(e, names)) for e in expressions],
        "expressions_indexed": [str(e) for e in expressions],
    }, indent=2) + "\n")

    report = {
        "created": _now(),
        "source": source or {},
        "n_inputs": d,
        "n_outputs": len(expressions),
        "rows_for_ranges": int(len(X_fit)),
        "rows_evaluated": int(len(X_eval)),
        "task": task,
        "classes": [str(c) for c in classes] if classes is not None else None,
        "hls4ml_version": getattr(hls4ml, "__version__", None),
        "machine": f"{platform.machine()} {platform.system()}, {platform.node()}",
        "hls_tool": compiler,
        "part": settings.part,
        "clock_period_ns": settings.clock_period,
        "lut_settings": {"margin": settings.margin, "min_size": settings.min_table_size,
                         "max_size": settings.max_table_size,
                         "tolerance": settings.tolerance if settings.tolerance is not None else "1 LSB"},
        "float": {"labels": float_scores,
                  "max_abs_output": float(np.nanmax(np.abs(ref_fit))) if np.isfinite(ref_fit).any() else None},
        "precisions": [],
    }
    for precision in precisions:
        say(f"{precision}: sizing lookup tables on {len(X_fit)} rows")
        entry = {"precision": str(precision), "project": None}
        t0 = time.perf_counter()
        tab = tabulate_functions(expressions, X_fit, precision, margin=settings.margin,
                                 min_size=settings.min_table_size, max_size=settings.max_table_size,
                                 tolerance=settings.tolerance)
        entry["lut_seconds"] = time.perf_counter() - t0
        entry["lookup_tables"] = [t.to_dict() for t in tab.tables]
        entry["library_functions"] = tab.library
        finite = np.abs(ref_fit[np.isfinite(ref_fit)])
        peaks = [float(finite.max())] if finite.size else []
        peaks += [max(abs(t.choice.data_min), abs(t.choice.data_max)) for t in tab.tables]
        peaks += [max(abs(t.choice.output_min), abs(t.choice.output_max)) for t in tab.tables
                  if np.isfinite(t.choice.output_min)]
        need = integer_bits_needed(max(peaks)) if peaks else 1
        entry["integer_bits_needed"] = need
        entry["integer_bits_note"] = (
            f"outputs and table arguments/values reach {max(peaks):.4g} on the rows for ranges: "
            f"at least {need} integer bits (sign included); {precision} has {precision.integer}"
            if peaks else None)
        entry["overflow_risk"] = need > precision.integer
        lut_ref = _float_outputs(tab.expressions, X_eval, tab.numpy_functions())
        entry["tables_only"] = {"vs_float": deviation(ref_eval, lut_ref),
                                "labels": label_metrics(lut_ref, y_eval, task, classes)
                                if y_eval is not None and task else None}
        project_dir = out_dir / precision.slug
        say(f"{precision}: converting {len(expressions)} expression(s), {len(tab.tables)} table(s)")
        project = write_symbolic_project(tab.expressions, d, tab.lut_functions(), precision, project_dir,
                                         project_name=settings.project_name, part=settings.part,
                                         clock_period=settings.clock_period, compiler=None)
        entry["project"] = str(project_dir)
        entry["convert_seconds"] = project.convert_seconds
        entry["write_seconds"] = project.write_seconds
        if settings.compile:
            say(f"{precision}: compiling the C simulation (g++)")
            compile_project(project)
            entry["compile_seconds"] = project.compile_seconds
            t0 = time.perf_counter()
            csim = csim_predict(project, X_eval)
            entry["predict_seconds"] = time.perf_counter() - t0
            entry["csim"] = {"vs_float": deviation(ref_eval, csim),
                             "labels": label_metrics(csim, y_eval, task, classes)
                             if y_eval is not None and task else None}
            np.save(project_dir / "csim_outputs.npy", csim)
        if compiler and settings.synthesize:
            say(f"{precision}: synthesising with {compiler} (this takes a while)")
            synth_dir = out_dir / f"{precision.slug}_synth"
            write_symbolic_project(tab.expressions, d, tab.lut_functions(), precision, synth_dir,
                                   project_name=settings.project_name, part=settings.part,
                                   clock_period=settings.clock_period, compiler=compiler)
            entry["synthesis"] = run_synthesis(synth_dir, compiler, clock_period_ns=settings.clock_period)
        else:
            reason = ("vivado_hls / vitis_hls not on PATH: no synthesis run, no resource or latency "
                      "figures; the project is ready to synthesise") if not compiler else "synthesis not requested"
            entry["synthesis"] = not_synthesised(project_dir, reason)
        report["precisions"].append(entry)
    from keras_symbolic.fpga.report import write_report

    write_report(report, out_dir)
    return report
