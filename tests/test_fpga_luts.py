"""FPGA path, pure NumPy/SymPy parts: fixed-point types, lookup-table ranges, expression rewriting.
No hls4ml needed."""
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from keras_symbolic.fpga.expressions import ExpressionError, evaluate, from_indexed, parse_expression, to_indexed
from keras_symbolic.fpga.fixed_point import integer_bits_needed, parse_precision, quantize
from keras_symbolic.fpga.lut_ranges import choose_lut, table_lookup
from keras_symbolic.fpga.lut_rewrite import library_functions, tabulate_functions


def test_parse_precision_and_range():
    p = parse_precision("ap_fixed<18,10>")
    assert (p.width, p.integer, p.signed, p.fractional) == (18, 10, True, 8)
    assert p.lsb == 2.0 ** -8 and p.min_value == -512 and p.max_value == 512 - 2.0 ** -8
    assert str(p) == "ap_fixed<18,10>" and p.slug == "ap_fixed_18_10"
    assert parse_precision("fixed<16, 6>") == parse_precision("ap_fixed<16,6>")
    u = parse_precision("ap_ufixed<8,0>")
    assert not u.signed and u.max_value == 1 - 2.0 ** -8
    assert str(parse_precision("ap_fixed<12,4,AP_RND,AP_SAT>")) == "ap_fixed<12,4,AP_RND,AP_SAT>"
    for bad in ("float", "ap_fixed<1,1>", "ap_fixed<18>", "ap_fixed<100,4>"):
        with pytest.raises(ValueError):
            parse_precision(bad)


def test_quantize_truncates_and_wraps_like_ap_fixed():
    p = parse_precision("ap_fixed<8,4>")  # lsb 1/16, range [-8, 8)
    np.testing.assert_array_equal(quantize([0.07, -0.07, 7.99, 8.0, -8.0], p), [0.0625, -0.125, 7.9375, -8.0, -8.0])
    assert integer_bits_needed(0.9) == 1 and integer_bits_needed(1.0) == 2 and integer_bits_needed(300) == 10


def test_lut_range_covers_the_data_with_power_of_two_width():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2.3, 3.1, 5000)
    c = choose_lut(x, "sin", parse_precision("ap_fixed<18,8>"))
    width = c.end - c.start
    assert c.start <= x.min() and c.end >= x.max()
    assert width == 2.0 ** round(np.log2(width))  # hls4ml: power-of-two ranges
    assert c.step >= 2.0 ** -10  # never finer than the LSB
    assert (c.data_min, c.data_max) == (x.min(), x.max())
    # The reported error is the table's error on these values.
    err = np.abs(np.sin(x) - table_lookup("sin", x, c.start, c.end, c.table_size)).max()
    assert c.max_abs_error == pytest.approx(err)
    assert err <= np.abs(np.cos(x)).max() * c.step + 1e-12


def test_lut_range_follows_the_data_not_a_fixed_default():
    narrow = choose_lut(np.linspace(0.1, 0.4, 100), "exp", parse_precision("ap_fixed<24,8>"))
    wide = choose_lut(np.linspace(-9.0, 0.0, 100), "exp", parse_precision("ap_fixed<24,8>"))
    assert narrow.end - narrow.start <= 1.0 < wide.end - wide.start
    assert wide.start <= -9.0 and wide.end <= 4.0  # no table far above the data, where exp grows
    shifted = choose_lut(np.linspace(100.0, 101.0, 50), "sin", parse_precision("ap_fixed<24,10>"))
    assert 99.0 <= shifted.start <= 100.0 and shifted.end >= 101.0


def test_lut_size_is_the_smallest_that_meets_the_tolerance():
    x = np.linspace(-1, 1, 1000)
    loose = choose_lut(x, "tanh", parse_precision("ap_fixed<24,8>"), tolerance=0.05)
    tight = choose_lut(x, "tanh", parse_precision("ap_fixed<24,8>"), tolerance=0.002)
    assert loose.table_size < tight.table_size
    assert loose.max_abs_error <= 0.05 and tight.max_abs_error <= 0.002
    half = choose_lut(x, "tanh", parse_precision("ap_fixed<24,8>"), tolerance=0.05, max_size=loose.table_size)
    assert half.table_size == loose.table_size
    # A coarse type caps the size: step >= LSB.
    coarse = choose_lut(x, "tanh", parse_precision("ap_fixed<8,4>"), tolerance=1e-6)
    assert coarse.step >= 2.0 ** -4 and coarse.notes


def test_lut_log_starts_above_zero_and_flags_overflow():
    c = choose_lut(np.linspace(0.01, 3.0, 100), "log", parse_precision("ap_fixed<16,6>"))
    assert 0 < c.start <= 0.01
    big = choose_lut(np.linspace(0.0, 9.0, 100), "exp", parse_precision("ap_fixed<16,6>"))
    assert any("integer bits" in n for n in big.notes)  # exp(9) > 32
    with pytest.raises(ValueError, match="no finite"):
        choose_lut([np.nan, np.inf], "sin")
    with pytest.raises(ValueError, match="no lookup table"):
        choose_lut([1.0], "erf")


def test_variable_names_map_to_x_and_back():
    e = parse_expression("E*sin(lambda) + I*N", ["E", "lambda", "I", "N"])
    assert {s.name for s in e.free_symbols} == {"E", "lambda", "I", "N"}
    ix = to_indexed(e, ["E", "lambda", "I", "N"])
    assert {s.name for s in ix.free_symbols} == {"x0", "x1", "x2", "x3"}
    assert from_indexed(ix, ["E", "lambda", "I", "N"]) == e
    # A column literally named 'x1' at position 0 does not collide with column 1.
    swapped = to_indexed(parse_expression("x1 - 2*x0", ["x1", "x0"]), ["x1", "x0"])
    assert swapped == sp.Symbol("x0") - 2 * sp.Symbol("x1")
    with pytest.raises(ExpressionError, match="not among"):
        to_indexed(parse_expression("a + b", ["a", "b"]), ["a"])
    with pytest.raises(ExpressionError, match="cannot parse"):
        parse_expression("sin(x0")


def test_tabulate_replaces_every_transcendental_and_shares_equal_tables():
    x0, x1 = sp.symbols("x0 x1")
    unit = sp.sin(x0 + x1)  # the same hidden unit in two outputs: one table
    exprs = [2 * unit + sp.exp(-(x0 ** 2)), unit * sp.tanh(x1) + x0 * x1]
    X = np.random.default_rng(1).uniform(-1, 1, (400, 2))
    tab = tabulate_functions(exprs, X, parse_precision("ap_fixed<20,6>"))
    names = sorted(t.name for t in tab.tables)
    assert names == ["exp_lut0", "sin_lut0", "tanh_lut0"]
    for e in tab.expressions:
        assert not e.atoms(sp.sin, sp.exp, sp.tanh)
    sin_table = next(t for t in tab.tables if t.name == "sin_lut0")
    assert len(sin_table.arguments) == 1 and sin_table.choice.data_min >= -2 and sin_table.choice.data_max <= 2
    exp_table = next(t for t in tab.tables if t.name == "exp_lut0")
    assert exp_table.choice.data_max <= 0 and exp_table.choice.data_min >= -1  # gauss: exp of -x0^2 in [-1, 0]
    # The NumPy emulation of the tables stays close to the float formulas.
    ref = np.column_stack([evaluate(e, X) for e in exprs])
    emu = np.column_stack([evaluate(e, X, tab.numpy_functions()) for e in tab.expressions])
    assert np.abs(ref - emu).max() < 0.02
    assert tab.lut_functions()["sin_lut0"]["math_func"] == "sin"
    assert library_functions(sp.Abs(x0) / (1 + x1) + sp.sqrt(x1)) == {"abs": 1, "recip": 1, "sqrt": 1}


def test_fpga_core_imports_neither_hls4ml_nor_keras():
    code = (
        "import sys\n"
        "import keras_symbolic.fpga, keras_symbolic.fpga.export, keras_symbolic.fpga.lut_rewrite, keras_symbolic.fpga.sources\n"
        "import keras_symbolic.cli.hls, keras_symbolic.cli.baseline, keras_symbolic.baselines.launcher\n"
        "bad = [m for m in ('hls4ml', 'keras', 'tensorflow', 'tf_keras', 'qkeras', 'tensorflow_model_optimization') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
