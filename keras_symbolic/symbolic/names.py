"""Column names as formula symbols: any name a table has, mapped to a symbol that reads back.

A formula is stored as text (``result.json``, ``pareto.csv``) and must read back with
:func:`sympy.parse_expr` to the function that was fitted. A column name is kept as the symbol's name
when it is an ASCII identifier that ``parse_expr`` reads as a Symbol of that very name; otherwise
(``mass kg``, ``speed m/s``, ``E``, ``I``, ``S``, ``N``, ``O``, ``Q``, ``beta``, ``gamma``, ``lambda``,
``pi``, ``sin``, ``True``, ``2x``, ``α``, an empty name ...) it gets a safe symbol: the name with every
other character made ``_`` and a trailing ``_`` until it is safe and unused (``mass_kg``, ``E_``,
``lambda_``), or ``x<column>`` when nothing of the name is left. Names that are already safe never
change, so ordinary tables give the same formulas as before.

:class:`NameMap` holds the mapping; :meth:`NameMap.user_expression` gives the formula in the user's
names (for the screen and LaTeX), :func:`load_expression` reads a stored formula back. Pure SymPy.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

__all__ = ["NameMap", "is_safe_name", "safe_names", "load_expression"]

_ASCII_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OTHER = re.compile(r"[^A-Za-z0-9_]+")


def is_safe_name(name: str) -> bool:
    """Whether ``name`` is an ASCII identifier that :func:`sympy.parse_expr` reads as ``Symbol(name)``."""
    if not _ASCII_IDENTIFIER.match(name) or keyword.iskeyword(name):
        return False
    try:
        parsed = parse_expr(name, evaluate=False)
    except Exception:  # SymPy raises many types for names it reads as something else
        return False
    return isinstance(parsed, sp.Symbol) and parsed.name == name


def _candidate(name: str, index: int) -> str:
    stem = _OTHER.sub("_", name).strip("_")
    if not stem:
        return f"x{index}"
    return stem if _ASCII_IDENTIFIER.match(stem) else f"x_{stem}"


@dataclass(frozen=True)
class NameMap:
    """Column names (``user``) and the safe symbol names (``safe``) that stand for them, in column order."""

    user: tuple
    safe: tuple

    @property
    def mapping(self) -> dict:
        """``{safe symbol name: column name}``, in column order (the record's ``symbols`` field)."""
        return dict(zip(self.safe, self.user))

    @property
    def renamed(self) -> bool:
        """Whether any column name differs from its symbol's name."""
        return self.user != self.safe

    def user_expression(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` (in safe symbols) with every symbol renamed to its column name, for printing and LaTeX;
        assumptions are kept. Not meant to be parsed back."""
        if not self.renamed:
            return expr
        names = self.mapping
        swap = {s: sp.Symbol(names[s.name], **s.assumptions0) for s in expr.free_symbols
                if isinstance(s, sp.Symbol) and names.get(s.name, s.name) != s.name}
        return expr.xreplace(swap)

    def latex(self, expr: sp.Expr) -> str:
        """LaTeX of ``expr`` in the column names: identifiers as SymPy shows them (``\\lambda``,
        ``x_{1}``), any other name as ``\\text{...}``."""
        if not self.renamed:
            return sp.latex(expr)
        names = {s: sp.Symbol(_latex_name(self.mapping.get(s.name, s.name))) for s in expr.free_symbols
                 if isinstance(s, sp.Symbol)}
        return sp.latex(expr, symbol_names={s: n.name for s, n in names.items()}) if names else sp.latex(expr)

    def to_dict(self) -> dict:
        return self.mapping

    @classmethod
    def from_dict(cls, mapping: Mapping[str, str]) -> "NameMap":
        return cls(user=tuple(mapping.values()), safe=tuple(mapping.keys()))


def _latex_name(name: str) -> str:
    if _ASCII_IDENTIFIER.match(name):
        return sp.latex(sp.Symbol(name))
    return r"\text{" + "".join(_LATEX_ESCAPES.get(c, c) for c in name) + "}"


_LATEX_ESCAPES = {c: "\\" + c for c in "#$%&_{}"} | {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                                                     "^": r"\textasciicircum{}"}


def safe_names(names: Sequence) -> NameMap:
    """The :class:`NameMap` of the column names ``names`` (which must be unique)."""
    user = tuple(str(n) for n in names)
    keep = [is_safe_name(n) for n in user]
    used = {n for n, k in zip(user, keep) if k}
    safe = []
    for index, (name, kept) in enumerate(zip(user, keep)):
        if kept:
            safe.append(name)
            continue
        candidate = _candidate(name, index)
        while candidate in used or not is_safe_name(candidate):
            candidate += "_"
        used.add(candidate)
        safe.append(candidate)
    return NameMap(user=user, safe=tuple(safe))


def load_expression(text: str, symbols: Mapping[str, str] | Sequence[str] | None = None) -> sp.Expr:
    """Read a stored formula (``result.json``'s ``expression``, a ``pareto.csv`` row) back into SymPy.

    ``symbols`` is the record's ``symbols`` mapping (or a list of symbol names): each is bound to a real
    Symbol of that name, so the result evaluates as the fitted function with :func:`sympy.lambdify`.
    """
    names = list(symbols.keys()) if isinstance(symbols, Mapping) else list(symbols or [])
    local = {n: sp.Symbol(n, real=True) for n in names}
    return parse_expr(text, local_dict=local)
