"""Formulas to FPGA firmware with hls4ml (SPEC 3).

* :func:`export_expressions` (``keras_symbolic.fpga.export``): per precision, every transcendental
  function becomes a lookup table sized on the data reaching it, one hls4ml project is written and
  its C simulation compiled (g++) and compared with the float formulas and the labels.
* :func:`parse_precision`, :func:`choose_lut`, :func:`tabulate_functions`: the pure NumPy/SymPy
  parts, usable without hls4ml.
* :func:`load_result_formulas` (``keras_symbolic.fpga.sources``): the formulas of a
  ``keras-symbolic fit`` result folder (SymbolNet or LIES), renamed to ``x0 ..``.

hls4ml is imported only when a project is written (``pip install 'keras-symbolic[fpga]'``). The
compressed-NN baselines (QKeras + TFMOT) live in :mod:`keras_symbolic.baselines`, in their own process.
"""
import importlib

_EXPORTS = {
    "export_expressions": "keras_symbolic.fpga.export",
    "ExportSettings": "keras_symbolic.fpga.export",
    "parse_precision": "keras_symbolic.fpga.fixed_point",
    "FixedPointType": "keras_symbolic.fpga.fixed_point",
    "choose_lut": "keras_symbolic.fpga.lut_ranges",
    "LUTChoice": "keras_symbolic.fpga.lut_ranges",
    "tabulate_functions": "keras_symbolic.fpga.lut_rewrite",
    "load_result_formulas": "keras_symbolic.fpga.sources",
    "FPGAToolError": "keras_symbolic.fpga.hls_project",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'keras_symbolic.fpga' has no attribute {name!r}")
