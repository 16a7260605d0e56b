"""One hls4ml project per precision: convert expressions, write, compile the C simulation, predict.

This is the only module of :mod:`keras_symbolic.fpga`'s expression path that imports hls4ml, and it
does so inside the functions (:func:`require_hls4ml` gives a one-line error when it is missing).
hls4ml's own printing (and g++'s) goes to ``PROJECT/keras_symbolic_hls4ml.log``.

Without Vivado/Vitis on the machine the project is written with an empty HLS include path, so the C
simulation compiles with g++ against hls4ml's bundled headers (plus
:mod:`keras_symbolic.fpga.csim_math`); every transcendental function must then be a lookup table
(:mod:`keras_symbolic.fpga.lut_rewrite` sees to that).

Shapes: inputs ``(n_rows, n_inputs)`` float64; outputs ``(n_rows, n_expressions)`` float64.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from keras_symbolic.fpga.csim_math import add_csim_math
from keras_symbolic.fpga.fixed_point import FixedPointType

__all__ = ["FPGAToolError", "require_hls4ml", "SymbolicProject", "write_symbolic_project", "compile_project",
           "csim_predict", "hls_compiler_on_path", "DEFAULT_PART", "DEFAULT_CLOCK_PERIOD", "LOG_NAME"]

#: The paper's part and clock (SPEC 3): Virtex UltraScale+ VU9P, 200 MHz.
DEFAULT_PART = "xcvu9p-flga2577-2-e"
DEFAULT_CLOCK_PERIOD = 5
LOG_NAME = "keras_symbolic_hls4ml.log"


class FPGAToolError(RuntimeError):
    """hls4ml missing, or a conversion / compilation step failed (message: one line + where the log is)."""


def require_hls4ml():
    """Import and return hls4ml, or raise :class:`FPGAToolError` saying how to install it."""
    try:
        import hls4ml  # noqa: F401
    except ImportError as exc:
        raise FPGAToolError(
            f"hls4ml is not installed ({exc}); install the FPGA extra: pip install 'keras-symbolic[fpga]'"
        ) from None
    return hls4ml


def hls_compiler_on_path() -> Optional[str]:
    """``"vitis_hls"`` or ``"vivado_hls"`` when that program is on ``PATH`` (Vitis preferred), else None."""
    for name in ("vitis_hls", "vivado_hls"):
        if shutil.which(name):
            return name
    return None


@contextlib.contextmanager
def captured_output(log_path: Path):
    """Send Python's and the process's stdout/stderr (hls4ml prints, g++ output) to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log_path, "a") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _log_tail(path: Path, lines: int = 3) -> str:
    try:
        text = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " | ".join(text[-lines:])


@dataclass
class SymbolicProject:
    """A written hls4ml project: ``model`` (hls4ml ``ModelGraph``), its ``directory``, and timings."""

    model: object
    directory: Path
    precision: FixedPointType
    n_inputs: int
    n_outputs: int
    convert_seconds: float = 0.0
    write_seconds: float = 0.0
    compile_seconds: Optional[float] = None
    compiled: bool = False
    notes: list = field(default_factory=list)

    @property
    def log_path(self) -> Path:
        return self.directory / LOG_NAME


def write_symbolic_project(
    expressions: Sequence,
    n_inputs: int,
    lut_functions: dict,
    precision: FixedPointType,
    out_dir,
    *,
    project_name: str = "myproject",
    part: str = DEFAULT_PART,
    clock_period: float = DEFAULT_CLOCK_PERIOD,
    compiler: Optional[str] = None,
) -> SymbolicProject:
    """Convert ``expressions`` (SymPy, variables ``x0..``, tables as undefined functions) with
    ``hls4ml.converters.convert_from_symbolic_expression`` and write the project to ``out_dir``.

    ``compiler``: ``"vivado_hls"``/``"vitis_hls"`` to take the HLS include path from that program (for
    synthesis), or ``None``: no HLS headers (C simulation with g++ and lookup tables only).
    """
    hls4ml = require_hls4ml()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / LOG_NAME
    kwargs = dict(hls_include_path="", hls_libs_path="") if compiler is None else dict(compiler=compiler)
    start = time.perf_counter()
    try:
        with captured_output(log):
            model = hls4ml.converters.convert_from_symbolic_expression(
                [e for e in expressions], n_symbols=int(n_inputs), lut_functions=dict(lut_functions),
                output_dir=str(out_dir), project_name=project_name, precision=str(precision), part=part,
                clock_period=clock_period, **kwargs,
            )
        converted = time.perf_counter()
        with captured_output(log):
            model.write()
    except Exception as exc:
        raise FPGAToolError(f"hls4ml could not convert the expressions: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__} "
                            f"(log: {log})") from None
    written = time.perf_counter()
    if compiler is None:
        add_csim_math(out_dir)
    return SymbolicProject(model, out_dir, precision, int(n_inputs), len(expressions),
                           convert_seconds=converted - start, write_seconds=written - converted)


def compile_project(project: SymbolicProject) -> SymbolicProject:
    """Build the C simulation library with g++ (hls4ml's ``build_lib.sh``) and load it."""
    if shutil.which("g++") is None:
        raise FPGAToolError("g++ is not on PATH: the C simulation cannot be compiled (install a C++ compiler)")
    start = time.perf_counter()
    try:
        with captured_output(project.log_path):
            project.model._compile()  # write() already done (and patched) by write_symbolic_project
    except Exception as exc:
        raise FPGAToolError(f"C simulation did not compile: {_log_tail(project.log_path)} (log: {project.log_path})") from exc
    project.compile_seconds = time.perf_counter() - start
    project.compiled = True
    return project


def csim_predict(project: SymbolicProject, X) -> np.ndarray:
    """Run the compiled C simulation on ``X`` ``(n_rows, n_inputs)``: ``(n_rows, n_outputs)``."""
    if not project.compiled:
        raise FPGAToolError("the project is not compiled; call compile_project first")
    X = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if X.ndim != 2 or X.shape[1] != project.n_inputs:
        raise ValueError(f"X must be (n_rows, {project.n_inputs}), got {X.shape}")
    with captured_output(project.log_path):
        out = project.model.predict(X)
    out = np.asarray(out, dtype=np.float64)
    return out.reshape(X.shape[0], project.n_outputs)
