"""``report.json`` and ``report.md`` of an FPGA export (:func:`keras_symbolic.fpga.export.export_expressions`)
or a compressed-NN baseline run; both written whole into a temporary file and moved into place."""
from __future__ import annotations

import json
import os
from pathlib import Path

from keras_symbolic.results.json_values import json_safe

__all__ = ["write_report", "markdown_report", "write_text_atomic"]


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _f(value, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return "n/a" if value != value else f"{value:.{digits}g}"
    return str(value)


def _labels(scores) -> str:
    if not scores:
        return "n/a"
    if "accuracy" in scores:
        return f"acc {_f(scores['accuracy'])}, AUC {_f(scores.get('roc_auc'))}"
    return f"R^2 {_f(scores.get('r2'))}"


def markdown_report(report: dict) -> str:
    """A human summary of the report: per precision, error against the float formulas, label
    metrics, timings, tables, synthesis status."""
    lines = ["# Formulas to FPGA firmware (hls4ml)", ""]
    src = report.get("source") or {}
    if src:
        lines += [f"Source: {', '.join(f'{k} `{v}`' for k, v in src.items() if v is not None)}", ""]
    lines += [
        f"{report['n_outputs']} output(s), {report['n_inputs']} input(s); table ranges from "
        f"{report['rows_for_ranges']} rows, scored on {report['rows_evaluated']} rows. hls4ml "
        f"{report.get('hls4ml_version')}, part {report.get('part')}, clock {report.get('clock_period_ns')} ns.",
        "",
        f"Float formulas on the scored rows: {_labels(report['float'].get('labels'))}.",
        "",
        "| precision | C-sim vs float: max abs | mean abs | C-sim labels | tables only (float) vs float: max abs "
        "| tables | convert s | compile s | synthesis |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in report["precisions"]:
        csim = e.get("csim") or {}
        dev = csim.get("vs_float") or {}
        syn = e.get("synthesis") or {}
        syn_text = "done" if syn.get("synthesised") else "not run"
        lines.append(
            f"| `{e['precision']}` | {_f(dev.get('max_abs'))} | {_f(dev.get('mean_abs'))} | {_labels(csim.get('labels'))} "
            f"| {_f((e.get('tables_only') or {}).get('vs_float', {}).get('max_abs'))} | {len(e['lookup_tables'])} "
            f"| {_f(e.get('convert_seconds'), 3)} | {_f(e.get('compile_seconds'), 3)} | {syn_text} |"
        )
    lines.append("")
    for e in report["precisions"]:
        lines += [f"## `{e['precision']}`", "", f"Project: `{e['project']}`", ""]
        if e.get("integer_bits_note"):
            warn = " **More integer bits needed: outputs may wrap around.**" if e.get("overflow_risk") else ""
            lines += [f"Range check: {e['integer_bits_note']}.{warn}", ""]
        if e["lookup_tables"]:
            lines += ["| table | function | range | size | step | data min .. max | max table error | uses | notes |",
                      "|---|---|---|---|---|---|---|---|---|"]
            for t in e["lookup_tables"]:
                lines.append(
                    f"| `{t['name']}` | {t['function']} | [{_f(t['start'])}, {_f(t['end'])}) | {t['table_size']} "
                    f"| {_f(t['step'])} | {_f(t['data_min'])} .. {_f(t['data_max'])} | {_f(t['max_abs_error'])} "
                    f"| {t['applications']} | {'; '.join(t['notes'])} |")
            lines.append("")
        else:
            lines += ["No transcendental functions: no lookup tables.", ""]
        if e.get("library_functions"):
            lib = ", ".join(f"{k} x{v}" for k, v in e["library_functions"].items())
            lines += [f"HLS math-library calls (C simulation uses keras-symbolic's double-precision stand-ins; "
                      f"synthesis uses Vivado's): {lib}.", ""]
        syn = e.get("synthesis") or {}
        if syn.get("synthesised"):
            cols = ["DSP", "LUT", "FF", "BRAM", "latency_cycles", "latency_ns", "II"]
            lines += ["Synthesis (HLS report, Table IV columns):", "", "| " + " | ".join(cols) + " |",
                      "|" + "---|" * len(cols), "| " + " | ".join(_f(syn.get(c)) for c in cols) + " |", ""]
        else:
            lines += [f"Synthesis: not run ({syn.get('reason')}). To synthesise: `{syn.get('how_to_synthesise')}`. "
                      "No resource or latency figures are given without the tool's report.", ""]
    return "\n".join(lines) + "\n"


def write_report(report: dict, out_dir) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    js, md = out_dir / "report.json", out_dir / "report.md"
    write_text_atomic(js, json.dumps(json_safe(report), indent=2) + "\n")
    write_text_atomic(md, markdown_report(report))
    return js, md
