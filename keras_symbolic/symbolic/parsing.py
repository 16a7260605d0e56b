"""Parse a formula string into SymPy, every listed variable bound by name to a Symbol of that name.

Names that clash with SymPy or Python (``lambda``, ``gamma``, ``beta``, ``E``, ``I``, ``S``, ``N``,
``pi`` ...) are variables when listed: they are swapped for placeholders before
:func:`sympy.parsing.sympy_parser.parse_expr` runs. Other names keep their SymPy meaning or become
Symbols with the requested assumptions (default ``positive=True``). ``arcsin``, ``arccos``,
``arctan`` (and their hyperbolic forms) and ``ln`` are understood; ``^`` means power; integer
division is exact (``1/2`` is ``Rational(1, 2)``).
"""
from __future__ import annotations

import re
from tokenize import TokenError
from typing import Any, Iterable, Mapping

import sympy as sp
from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

__all__ = ["parse_expression"]

_FUNCTION_ALIASES = {
    "arcsin": sp.asin,
    "arccos": sp.acos,
    "arctan": sp.atan,
    "arcsinh": sp.asinh,
    "arccosh": sp.acosh,
    "arctanh": sp.atanh,
    "ln": sp.log,
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRANSFORMATIONS = standard_transformations + (convert_xor,)


def parse_expression(
    text: str,
    variables: Mapping[str, sp.Symbol] | Iterable[str | sp.Symbol] | None = None,
    **assumptions: Any,
) -> sp.Expr:
    """Parse a formula string with every variable name bound to a Symbol of that name.

    Names that clash with SymPy or Python (``lambda``, ``gamma``, ``beta``, ``E``, ``I``, ``S``, ``N``,
    ``pi`` ...) are variables when listed in ``variables``: they are swapped for placeholders before
    parsing. Unlisted names keep their SymPy meaning (``pi`` is the constant, ``E`` Euler's number)
    and other unknown names become Symbols with ``assumptions``. ``arcsin``, ``arccos``, ``arctan``
    and ``ln`` are understood; ``^`` means power.

    Args:
        text: the formula, e.g. ``"1/2*m*(v**2+u**2+w**2)"``.
        variables: names, Symbols, or a name -> Symbol mapping. Names get ``Symbol(name, **assumptions)``.
        **assumptions: SymPy assumptions of the created Symbols; default ``positive=True``.

    Returns:
        The SymPy expression (integer division is exact: ``1/2`` is ``Rational(1, 2)``).

    Raises:
        ValueError: a variable name that is not an identifier, or text that does not parse.
    """
    if not assumptions:
        assumptions = {"positive": True}
    symbols = _symbol_map(variables, assumptions)
    placeholders: dict[str, sp.Symbol] = {}
    source = text
    if symbols:
        names = sorted(symbols, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
        index = {name: f"_ksv{i}_" for i, name in enumerate(names)}
        source = pattern.sub(lambda m: index[m.group(1)], text)
        placeholders = {index[name]: symbols[name] for name in names}
    local_dict: dict[str, Any] = dict(_FUNCTION_ALIASES)
    local_dict.update(placeholders)
    try:
        expr = parse_expr(source, local_dict=local_dict, transformations=_TRANSFORMATIONS)
    except (SyntaxError, TokenError, Exception) as exc:  # noqa: BLE001 - parse_expr runs code: anything
        raise ValueError(f"cannot parse formula {text!r}: {exc}") from None
    if not isinstance(expr, sp.Basic):
        raise ValueError(f"formula {text!r} parsed to {type(expr).__name__}, not a SymPy expression")
    expr = sp.sympify(expr)
    # Unknown names parsed as plain Symbols get the requested assumptions.
    extra = {s: sp.Symbol(s.name, **assumptions) for s in expr.free_symbols
             if isinstance(s, sp.Symbol) and s.name not in symbols}
    return expr.xreplace(extra) if extra else expr


def _symbol_map(variables, assumptions) -> dict[str, sp.Symbol]:
    """name -> Symbol from names, Symbols, or a name -> Symbol mapping."""
    if variables is None:
        return {}
    if isinstance(variables, str):
        raise TypeError(f"variables must be a sequence of names, not the string {variables!r}")
    if isinstance(variables, Mapping):
        pairs = [(k.name if isinstance(k, sp.Symbol) else str(k), v) for k, v in variables.items()]
    else:
        pairs = [(v.name if isinstance(v, sp.Symbol) else str(v), v) for v in variables]
    out: dict[str, sp.Symbol] = {}
    for name, value in pairs:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"variable name {name!r} is not an identifier")
        out[name] = value if isinstance(value, sp.Symbol) else sp.Symbol(name, **assumptions)
    return out
