"""pyoperon's models as SymPy expressions.

``get_model_string(tree, precision=17, names=placeholders(d))`` is parsed with ``^`` as power and
operon's functions (``square``, ``cube``, ``aq(a, b) = a / sqrt(1 + b^2)``, ``logabs``, ``sqrtabs``,
...). Placeholder names (``ksvar0_``, ...) keep a column called ``E`` or ``lambda`` from being read
as SymPy's constant or keyword; they become the caller's symbols.
"""
from __future__ import annotations

from typing import Optional, Sequence

import sympy as sp
from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

__all__ = ["placeholders", "operon_functions", "operon_to_sympy"]


def placeholders(n: int) -> list[str]:
    return [f"ksvar{i}_" for i in range(n)]


def operon_functions() -> dict:
    return {
        "square": lambda a: a**2,
        "cube": lambda a: a**3,
        "cbrt": sp.cbrt,
        "aq": lambda a, b: a / sp.sqrt(1 + b**2),
        "pow": lambda a, b: a**b,
        "logabs": lambda a: sp.log(sp.Abs(a)),
        "sqrtabs": lambda a: sp.sqrt(sp.Abs(a)),
        "log1p": lambda a: sp.log(1 + a),
        "abs": sp.Abs,
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "tanh": sp.tanh,
        "asin": sp.asin,
        "acos": sp.acos,
        "atan": sp.atan,
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "fmin": sp.Min,
        "fmax": sp.Max,
        "min": sp.Min,
        "max": sp.Max,
    }


def operon_to_sympy(text: str, symbols: Sequence[sp.Symbol], names: Optional[Sequence[str]] = None) -> sp.Expr:
    """SymPy expression of an operon infix string whose variables are ``names`` (default the
    placeholders :func:`placeholders` gives) standing for ``symbols``, in column order."""
    names = list(names) if names is not None else placeholders(len(symbols))
    if len(names) != len(symbols):
        raise ValueError(f"{len(names)} names for {len(symbols)} symbols")
    local = operon_functions()
    local.update(dict(zip(names, symbols)))
    try:
        expr = parse_expr(text, local_dict=local, transformations=standard_transformations + (convert_xor,))
    except Exception as exc:  # noqa: BLE001 - parse_expr raises many types
        raise ValueError(f"cannot convert operon model {text[:200]!r}: {exc}") from None
    stray = sorted(str(s) for s in expr.free_symbols if s not in set(symbols))
    if stray:
        raise ValueError(f"operon model uses unknown names {stray}")
    return expr
