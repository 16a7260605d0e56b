"""FPGA path with hls4ml: an expression with sin, exp, gauss (exp(-x^2)), tanh and products converts,
its C simulation compiles with g++ and matches the float expression.

Tolerance: ``ap_fixed<24,8>`` (16 fractional bits) and tables of at most 4096 entries sized on the
data; a table returns the sample at the left end of its bin, so each table is off by at most
``|f'| * step`` (about 0.004 here) and the whole expression by the sum over its tables plus the
rounding of the arithmetic: we require a max absolute error below 0.02 on 300 rows of [-1.5, 1.5]^3.
"""
import json

import numpy as np
import pytest
import sympy as sp

pytest.importorskip("hls4ml")

from keras_symbolic.fpga.export import ExportSettings, export_expressions  # noqa: E402
from keras_symbolic.fpga.expressions import parse_expression  # noqa: E402
from keras_symbolic.fpga.fixed_point import parse_precision  # noqa: E402

TOLERANCE = 0.02
FORMULA = "0.8*sin(1.3*x0) + exp(0.4*x1)*x2 - 0.7*exp(-(x0 - 0.5*x2)**2) + tanh(2*x1*x2) + 0.3*x0*x1"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("hls")
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.5, 1.5, (300, 3))
    expr = parse_expression(FORMULA)
    labels = (np.sin(X[:, 0]) > 0).astype(int)
    report = export_expressions([expr], X, [parse_precision("ap_fixed<24,8>")], out, y_eval=labels,
                                task="regression", settings=ExportSettings(synthesize=False))
    return out, report, expr, X


def test_expression_converts_compiles_and_matches_float(export):
    out, report, expr, X = export
    entry = report["precisions"][0]
    functions = sorted(t["function"] for t in entry["lookup_tables"])
    assert functions == ["exp", "exp", "sin", "tanh"]  # exp(0.4 x1) and the gauss each get their own range
    assert entry["compile_seconds"] > 0 and entry["convert_seconds"] >= 0
    csim = np.load(out / "ap_fixed_24_8" / "csim_outputs.npy")
    ref = np.asarray(sp.lambdify(sp.symbols("x0 x1 x2"), expr, "numpy")(X[:, 0], X[:, 1], X[:, 2]))
    err = np.abs(csim[:, 0] - ref)
    assert err.max() < TOLERANCE, err.max()
    assert entry["csim"]["vs_float"]["max_abs"] == pytest.approx(err.max())
    assert entry["csim"]["vs_float"]["mean_abs"] < TOLERANCE / 4


def test_every_transcendental_is_a_table_in_the_generated_code(export):
    out, report, _, _ = export
    firmware = (out / "ap_fixed_24_8" / "firmware" / "myproject.cpp").read_text()
    params = (out / "ap_fixed_24_8" / "firmware" / "parameters.h").read_text()
    for name in ("sin_lut0", "exp_lut0", "exp_lut1", "tanh_lut0"):
        assert f"{name}(" in firmware and f"> {name}(" in params
    assert "hls::sin" not in firmware and "hls::exp" not in firmware and "hls::tanh" not in firmware


def test_report_files_say_what_was_done(export):
    out, report, _, _ = export
    saved = json.loads((out / "report.json").read_text())
    assert saved["precisions"][0]["precision"] == "ap_fixed<24,8>"
    assert saved["precisions"][0]["synthesis"]["synthesised"] is False
    assert all(saved["precisions"][0]["synthesis"][c] is None for c in ("DSP", "LUT", "FF", "BRAM", "II"))
    md = (out / "report.md").read_text()
    assert "sin_lut0" in md and "not run" in md
    expressions = json.loads((out / "expressions.json").read_text())
    assert expressions["variables"] == ["x0", "x1", "x2"]


def test_table_iv_row_reads_only_the_tool_report():
    from keras_symbolic.fpga.synthesis import not_synthesised, table_iv_row

    parsed = {"CSynthesisReport": {"TargetClockPeriod": "5.00", "WorstLatency": "7", "IntervalMax": "1",
                                   "BRAM_18K": "2", "DSP": "11", "FF": "1234", "LUT": "5678"}}
    row = table_iv_row(parsed)
    assert (row["DSP"], row["LUT"], row["FF"], row["BRAM"], row["latency_cycles"], row["II"]) == (11, 5678, 1234, 2, 7, 1)
    assert row["latency_ns"] == pytest.approx(35.0)
    empty = not_synthesised("/tmp/p", "no tool")
    assert empty["synthesised"] is False and empty["LUT"] is None and "build_prj.tcl" in empty["how_to_synthesise"]
