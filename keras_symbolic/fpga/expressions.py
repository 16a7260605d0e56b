"""Expressions for hls4ml: parse them, rename their variables to ``x0 .. x{d-1}``, evaluate them.

hls4ml's symbolic front end reads variables named ``x0, x1, ...`` (the index is the input column). A
result's formulas are in the data's own names (``Nn``, ``mu``, CSV headers); :func:`to_indexed`
maps name ``k`` of ``variable_names`` to ``x{k}``, and :func:`from_indexed` maps back for reports.
SymPy + NumPy only.
"""
from __future__ import annotations

import keyword
import re
from typing import Sequence

import numpy as np
import sympy as sp

__all__ = ["parse_expression", "indexed_symbols", "to_indexed", "from_indexed", "evaluate", "ExpressionError"]


class ExpressionError(ValueError):
    """An expression that cannot be parsed or does not fit the data's columns."""


def indexed_symbols(n: int) -> list[sp.Symbol]:
    """``[x0, ..., x{n-1}]`` (real symbols, as hls4ml's parser creates plain ones: names matter)."""
    return [sp.Symbol(f"x{i}") for i in range(n)]


def parse_expression(text: str, variable_names: Sequence[str] | None = None) -> sp.Expr:
    """Parse ``text`` with every name of ``variable_names`` a plain symbol (so ``E``, ``I``, ``S``,
    ``N``, ``beta`` or ``lambda`` stay variables, not SymPy constants or functions).

    Raises:
        ExpressionError: the text does not parse, or is not a scalar expression.
    """
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    names = list(variable_names or [])
    source = str(text)
    local = {}
    for k, name in enumerate(names):
        safe = name
        if keyword.iskeyword(name) or not name.isidentifier():
            safe = f"_ks_var_{k}"
            source = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w])", safe, source)
        local[safe] = sp.Symbol(name)
    # Names that look like x0.. are symbols too (hls4ml's convention).
    for match in set(re.findall(r"\bx\d+\b", source)):
        local.setdefault(match, sp.Symbol(match))
    try:
        expr = parse_expr(source, local_dict=local, transformations=standard_transformations, evaluate=True)
    except Exception as exc:  # SymPy raises SyntaxError, TokenError, TypeError ...
        raise ExpressionError(f"cannot parse expression {str(text)[:80]!r}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if not isinstance(expr, sp.Expr):
        raise ExpressionError(f"not a scalar expression: {str(text)[:80]!r}")
    return expr


def to_indexed(expr: sp.Expr, variable_names: Sequence[str]) -> sp.Expr:
    """``expr`` with variable ``variable_names[k]`` renamed ``x{k}``.

    Raises:
        ExpressionError: the expression uses a name that is not in ``variable_names``.
    """
    names = list(variable_names)
    by_name = {n: sp.Symbol(f"x{k}") for k, n in enumerate(names)}
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in by_name)
    if unknown:
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        raise ExpressionError(f"expression uses {', '.join(unknown)}, not among the {len(names)} data columns ({shown})")
    mapping = {s: by_name[s.name] for s in expr.free_symbols}
    # Two steps so that a name like 'x1' that is column 0 does not collide with column 1's 'x1'.
    tmp = {s: sp.Dummy(s.name) for s in mapping}
    return expr.xreplace(tmp).xreplace({tmp[s]: v for s, v in mapping.items()})


def from_indexed(expr: sp.Expr, variable_names: Sequence[str]) -> sp.Expr:
    """Inverse of :func:`to_indexed`: ``x{k}`` back to ``variable_names[k]``."""
    names = list(variable_names)
    back = {}
    for s in expr.free_symbols:
        m = re.fullmatch(r"x(\d+)", s.name)
        if m and int(m.group(1)) < len(names):
            back[s] = sp.Dummy(names[int(m.group(1))])
    out = expr.xreplace(back)
    return out.xreplace({d: sp.Symbol(d.name) for d in back.values()})


def _printer():
    from sympy.printing.numpy import NumPyPrinter

    return NumPyPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                         "order": "none"})


def evaluate(expr: sp.Expr, X: np.ndarray, functions: dict | None = None) -> np.ndarray:
    """``expr`` (variables ``x{k}``) on the rows of ``X`` ``(n_rows, n_columns)`` -> ``(n_rows,)``
    float64, with NumPy (``lambdify``); ``functions`` adds implementations of undefined functions
    (e.g. the lookup tables). Overflow and invalid values give inf/NaN silently."""
    X = np.asarray(X, dtype=np.float64)
    used = sorted(expr.free_symbols, key=lambda s: int(s.name[1:]))
    for s in used:
        if not re.fullmatch(r"x\d+", s.name) or int(s.name[1:]) >= X.shape[1]:
            raise ExpressionError(f"variable {s.name} is not a column of the data ({X.shape[1]} columns)")
    modules = [functions, "numpy"] if functions else ["numpy"]
    fn = sp.lambdify(used, expr, modules=modules, printer=_printer())
    with np.errstate(all="ignore"):
        out = fn(*[X[:, int(s.name[1:])] for s in used])
    return np.broadcast_to(np.asarray(out, dtype=np.float64), (X.shape[0],)).copy()
