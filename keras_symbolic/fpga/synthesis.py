"""HLS synthesis when Vivado HLS / Vitis HLS is on ``PATH``; otherwise say so and leave the project ready.

Resource and latency figures come only from the tool's own report (``hls4ml.report.parse_vivado_report``
reading ``<project>_prj/solution1/syn/report/*.xml``), mapped onto the columns of the SymbolNet paper's
Table IV by :func:`table_iv_row`. Nothing here estimates or invents a number: without the tool the
row says ``"not synthesised"`` and names the command to run.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import Optional

__all__ = ["TABLE_IV_COLUMNS", "synthesis_command", "run_synthesis", "table_iv_row", "not_synthesised"]

#: Columns of the paper's Table IV (resources, latency in clock cycles and ns, initiation interval).
TABLE_IV_COLUMNS = ("DSP", "LUT", "FF", "BRAM", "latency_cycles", "latency_ns", "II")


def synthesis_command(compiler: str = "vivado_hls") -> str:
    """The shell command that synthesises an hls4ml project from inside its folder."""
    return f'{compiler} -f build_prj.tcl "reset=1 csim=0 synth=1 cosim=0 validation=0 export=0 vsynth=0"'


def not_synthesised(project_dir, reason: str) -> dict:
    """The Table IV row of a project that was not synthesised: every figure ``None``, and why."""
    return {"synthesised": False, "reason": reason, **{c: None for c in TABLE_IV_COLUMNS},
            "how_to_synthesise": f"cd {shlex.quote(str(project_dir))} && {synthesis_command()}  "
                                 "(or vitis_hls; see hls/README.md)"}


def _int(value) -> Optional[int]:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def table_iv_row(report: dict, clock_period_ns: Optional[float] = None) -> dict:
    """Map hls4ml's parsed report (``parse_vivado_report``) to Table IV's columns.

    BRAM is counted in 18K blocks as HLS reports it; latency is the worst case; II the maximum
    interval. ``None`` where the report lacks a field.
    """
    c = (report or {}).get("CSynthesisReport") or {}
    period = clock_period_ns
    if period is None and c.get("TargetClockPeriod") is not None:
        try:
            period = float(c["TargetClockPeriod"])
        except ValueError:
            period = None
    latency = _int(c.get("WorstLatency"))
    return {
        "synthesised": bool(c),
        "DSP": _int(c.get("DSP", c.get("DSP48E"))),
        "LUT": _int(c.get("LUT")),
        "FF": _int(c.get("FF")),
        "BRAM": _int(c.get("BRAM_18K")),
        "latency_cycles": latency,
        "latency_ns": (latency * period) if latency is not None and period else None,
        "II": _int(c.get("IntervalMax")),
        "estimated_clock_ns": c.get("EstimatedClockPeriod"),
        "source": "HLS C-synthesis report" if c else None,
    }


def run_synthesis(project_dir, compiler: str, timeout_s: float = 4 * 3600, clock_period_ns: Optional[float] = None) -> dict:
    """Run ``compiler`` (``vivado_hls`` / ``vitis_hls``) on the project and return its Table IV row
    (with ``seconds`` and ``log``). A failed run returns ``synthesised: False`` and the log's path."""
    from hls4ml.report import parse_vivado_report

    project_dir = Path(project_dir)
    log = project_dir / "synthesis.log"
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.run(synthesis_command(compiler), shell=True, cwd=project_dir, stdout=out,
                              stderr=subprocess.STDOUT, timeout=timeout_s, env=os.environ.copy())
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        row = not_synthesised(project_dir, f"{compiler} exited with code {proc.returncode} (log: {log})")
    else:
        row = table_iv_row(parse_vivado_report(str(project_dir)), clock_period_ns)
        if not row["synthesised"]:
            row = not_synthesised(project_dir, f"{compiler} wrote no synthesis report (log: {log})")
    row.update(seconds=seconds, log=str(log), tool=compiler)
    return row
