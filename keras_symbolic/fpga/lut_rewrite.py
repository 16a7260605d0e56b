"""Replace every transcendental function of the expressions by a lookup table sized on the data.

Each distinct application ``f(argument)`` (the same hidden unit reached from several outputs counts
once) has its argument evaluated with NumPy on the user's rows ``X``; :func:`choose_lut` picks the
table's range and size from those values. Applications whose choices coincide share one table.
The expressions come back with ``f(argument)`` replaced by an undefined SymPy function named after
the table (``sin_lut0(...)``), which hls4ml's code printer emits as a call of the
``nnet::lookup_table`` object of that name. SymPy + NumPy only.

Shapes: ``X`` is ``(n_rows, n_inputs)``; expressions use ``x0 .. x{n_inputs-1}``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.fpga.expressions import evaluate
from keras_symbolic.fpga.fixed_point import FixedPointType
from keras_symbolic.fpga.lut_ranges import DEFAULT_MARGIN, DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE, LUTChoice, choose_lut, table_lookup

__all__ = ["SYMPY_LUT_FUNCTIONS", "LookupTable", "TabulatedExpressions", "tabulate_functions", "library_functions"]

#: SymPy function class -> tabulated function name (see ``lut_ranges.LUT_FUNCTIONS``).
SYMPY_LUT_FUNCTIONS = {
    sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.exp: "exp", sp.log: "log",
    sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.atan: "atan",
}


@dataclass
class LookupTable:
    """One table of the project: ``name`` (the C++ object), its :class:`LUTChoice`, and the
    arguments it serves (as strings in ``x{k}`` variables), with how many applications use it."""

    name: str
    choice: LUTChoice
    arguments: list = field(default_factory=list)

    def hls4ml_definition(self) -> dict:
        """The entry of hls4ml's ``lut_functions`` dictionary."""
        c = self.choice
        return {"math_func": c.function, "range_start": c.start, "range_end": c.end, "table_size": c.table_size}

    def to_dict(self) -> dict:
        return {"name": self.name, **self.choice.to_dict(), "applications": len(self.arguments),
                "arguments": self.arguments}


@dataclass
class TabulatedExpressions:
    """:func:`tabulate_functions`'s result: the rewritten ``expressions``, their ``tables`` and the
    functions left to the HLS math library (``library`` : name -> count)."""

    expressions: list
    tables: list
    library: dict

    def lut_functions(self) -> dict:
        """hls4ml's ``lut_functions`` argument."""
        return {t.name: t.hls4ml_definition() for t in self.tables}

    def numpy_functions(self) -> dict:
        """NumPy emulations of the tables, for :func:`keras_symbolic.fpga.expressions.evaluate`."""

        def make(c: LUTChoice):
            return lambda x: table_lookup(c.function, x, c.start, c.end, c.table_size)

        return {t.name: make(t.choice) for t in self.tables}


def library_functions(expr: sp.Expr) -> dict:
    """Operations hls4ml prints as HLS math-library calls, not tabulated: ``abs``, ``sqrt``,
    ``recip`` (division), ``pow`` (non-integer power), other functions. Name -> count."""
    found: dict = {}
    for node in sp.preorder_traversal(expr):
        name = None
        if isinstance(node, sp.Pow):
            e = node.exp
            if e.is_Integer and e < 0:
                name = "recip"
            elif e == sp.Rational(1, 2):
                name = "sqrt"
            elif not e.is_Integer:
                name = "pow"
        elif isinstance(node, sp.Abs):
            name = "abs"
        elif isinstance(node, sp.Function) and type(node) not in SYMPY_LUT_FUNCTIONS and not isinstance(node, sp.core.function.AppliedUndef):
            name = type(node).__name__
        if name:
            found[name] = found.get(name, 0) + 1
    return found


def _applications(expressions: Sequence[sp.Expr]) -> list:
    """Distinct ``(function name, argument)`` pairs, inner ones first."""
    seen, order = set(), []
    for expr in expressions:
        for node in sp.postorder_traversal(expr):
            fname = SYMPY_LUT_FUNCTIONS.get(type(node))
            if fname and (fname, node.args[0]) not in seen:
                seen.add((fname, node.args[0]))
                order.append((fname, node.args[0]))
    return order


def tabulate_functions(
    expressions: Sequence[sp.Expr],
    X: np.ndarray,
    precision: Optional[FixedPointType] = None,
    *,
    margin: float = DEFAULT_MARGIN,
    min_size: int = DEFAULT_MIN_SIZE,
    max_size: int = DEFAULT_MAX_SIZE,
    tolerance: Optional[float] = None,
) -> TabulatedExpressions:
    """Give every transcendental application of ``expressions`` a lookup table sized on ``X``.

    Args:
        expressions: SymPy expressions in ``x0 .. x{d-1}``.
        X: ``(n_rows, d)`` rows whose values set the table ranges (the data the firmware will see).
        precision: the fixed-point type (LSB and default tolerance of :func:`choose_lut`).
        margin, min_size, max_size, tolerance: passed to :func:`choose_lut`.

    Returns:
        :class:`TabulatedExpressions`.

    Raises:
        ValueError: a function's argument has no finite value on ``X``.
    """
    X = np.asarray(X, dtype=np.float64)
    apps = _applications(expressions)
    tables: dict = {}  # (function, start, end, size) -> LookupTable
    by_app: dict = {}
    counters: dict = {}
    for fname, arg in apps:
        values = evaluate(arg, X)
        try:
            choice = choose_lut(values, fname, precision, margin=margin, min_size=min_size, max_size=max_size,
                                tolerance=tolerance)
        except ValueError as exc:
            raise ValueError(f"{fname}({_short(arg)}): {exc}") from None
        key = (fname, choice.start, choice.end, choice.table_size)
        table = tables.get(key)
        if table is None:
            k = counters.get(fname, 0)
            counters[fname] = k + 1
            table = tables[key] = LookupTable(f"{fname}_lut{k}", choice)
        else:  # shared: widen the record to all the data it serves
            c = table.choice
            c.data_min, c.data_max = min(c.data_min, choice.data_min), max(c.data_max, choice.data_max)
            c.output_min, c.output_max = min(c.output_min, choice.output_min), max(c.output_max, choice.output_max)
            c.max_abs_error = max(c.max_abs_error, choice.max_abs_error)
            c.mean_abs_error = (c.mean_abs_error * c.n_values + choice.mean_abs_error * choice.n_values) / (
                c.n_values + choice.n_values)
            c.n_values += choice.n_values
            c.notes = sorted(set(c.notes) | set(choice.notes))
        table.arguments.append(_short(arg, 200))
        by_app[(fname, arg)] = sp.Function(table.name)

    def rebuild(node):
        if not node.args:
            return node
        args = [rebuild(a) for a in node.args]
        fname = SYMPY_LUT_FUNCTIONS.get(type(node))
        if fname:
            return by_app[(fname, node.args[0])](args[0])
        if all(a is b for a, b in zip(args, node.args)):
            return node
        return node.func(*args, evaluate=False)

    rewritten = [rebuild(e) for e in expressions]
    library: dict = {}
    for e in rewritten:
        for name, n in library_functions(e).items():
            library[name] = library.get(name, 0) + n
    return TabulatedExpressions(rewritten, list(tables.values()), library)


def _short(expr, limit: int = 80) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."
