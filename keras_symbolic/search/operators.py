"""The operator set of a formula search: what a user may ask for, what the expression search is given,
and whether a finished formula uses only what was allowed.

Names follow PySR's ``binary_operators`` / ``unary_operators`` (``"+,-,*,/,^,sin,exp"``):

========  =======================================================  ==============================
name      meaning                                                  SymPy nodes it allows
========  =======================================================  ==============================
``+ -``   addition, subtraction (one switch: SymPy writes          ``Add``
          ``a - b`` as ``a + (-1) b``)
``*``     multiplication (also whole powers ``x**k``, k <= 5)      ``Mul``, ``Pow(x, k)``
``/``     division                                                 ``Pow(x, -1)`` (and ``-k``)
``^``     a power with a fitted or variable exponent               any ``Pow``
``square`` ``cube``  ``x**2``, ``x**3``                            ``Pow(x, 2)``, ``Pow(x, 3)``
``sqrt``  square root                                              ``Pow(x, 1/2)``
unary     ``sin cos tan exp log abs tanh atan asin``               the SymPy function
========  =======================================================  ==============================

Constants are always allowed. ``cube`` is searched as ``x * square(x)`` (the search engine has no cube
node), so asking for it also lets the search multiply.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["OperatorSet", "DEFAULT_OPERATORS", "parse_operators", "KNOWN_OPERATORS", "CORE_OPERATORS", "operator_tiers"]

#: Every operator name a user may give, with the search engine's (pyoperon's) symbols for it.
KNOWN_OPERATORS = {
    "+": ("add",), "-": ("sub",), "*": ("mul",), "/": ("div",), "^": ("pow",),
    "square": ("square",), "cube": ("square", "mul"), "sqrt": ("sqrt",),
    "sin": ("sin",), "cos": ("cos",), "tan": ("tan",), "exp": ("exp",), "log": ("log",), "abs": ("abs",),
    "tanh": ("tanh",), "atan": ("atan",), "asin": ("asin",),
}
#: Spellings accepted for the same operator.
ALIASES = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "**": "^", "neg": "-"}
#: The default: everything above (issue 20's declared set).
DEFAULT_OPERATORS = tuple(KNOWN_OPERATORS)
#: The first tier of a search: arithmetic and the classic five functions. A smaller grammar is a
#: smaller space, and these nodes are cheap to evaluate (``pow`` is not): on the same evaluations the
#: core set found more formulas exactly than the full set (BENCHMARKS.md, "The open-ended search").
CORE_OPERATORS = frozenset({"+", "-", "*", "/", "sin", "cos", "exp", "log", "sqrt"})

_FUNCTIONS = {sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.exp: "exp", sp.log: "log", sp.Abs: "abs",
              sp.tanh: "tanh", sp.atan: "atan", sp.asin: "asin"}


@dataclass(frozen=True)
class OperatorSet:
    """A set of operator names (see the module); ``allows(expr)`` checks a formula against it."""

    names: frozenset

    @property
    def operon_symbols(self) -> str:
        """pyoperon's ``allowed_symbols`` string (always with constants and variables)."""
        symbols = {"constant", "variable"}
        for name in self.names:
            symbols.update(KNOWN_OPERATORS[name])
        return ",".join(sorted(symbols))

    def __str__(self) -> str:
        return ",".join(n for n in KNOWN_OPERATORS if n in self.names)

    def missing(self, expr: sp.Expr) -> set:
        """Operator names ``expr`` needs beyond this set (empty when it uses only allowed ones)."""
        need = set()
        for node in sp.preorder_traversal(sp.sympify(expr)):
            need |= self._needed(node)
        return need - set(self.names)

    def allows(self, expr: sp.Expr) -> bool:
        return not self.missing(expr)

    def _needed(self, node) -> set:
        if isinstance(node, sp.Add):
            return {"-"} if "-" in self.names and "+" not in self.names else {"+"}
        if isinstance(node, sp.Mul):
            # a constant times one term is a scaling (the search's ``c*x`` leaves), not a product
            return {"*"} if sum(not a.is_Number for a in node.args) >= 2 else set()
        if isinstance(node, sp.Pow):
            return self._power(node.exp)
        if isinstance(node, sp.Function):
            name = _FUNCTIONS.get(node.func)
            return {name} if name else {node.func.__name__}
        return set()

    def _power(self, e) -> set:
        if not e.is_Rational:
            return {"^"}
        if e < 0:
            return {"/"} | (self._power(-e) if e != -1 else set())
        if e == sp.Rational(1, 2):
            return {"sqrt"} if "sqrt" in self.names or "^" not in self.names else {"^"}
        if e.is_Integer and e <= 5:
            for name in ({2: ("square", "*", "^"), 3: ("cube", "*", "^")}.get(int(e), ("*", "^"))):
                if name in self.names:
                    return {name}
            return {"*"}
        return {"^"}


def parse_operators(text) -> OperatorSet:
    """An :class:`OperatorSet` from ``"+,-,*,/,sin,exp"`` (or a list of names); ``None`` or ``""`` is
    the default set. Raises ``ValueError`` naming an unknown operator and listing the known ones."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return OperatorSet(frozenset(DEFAULT_OPERATORS))
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    names = set()
    for item in items:
        if not item:
            continue
        name = ALIASES.get(item.lower(), item.lower())
        if name not in KNOWN_OPERATORS:
            raise ValueError(f"unknown operator {item!r}; choose from {', '.join(KNOWN_OPERATORS)}")
        names.add(name)
    if not names & {"+", "-", "*", "/"}:
        raise ValueError("the operators need at least one of + - * / (a formula has to combine its inputs)")
    return OperatorSet(frozenset(names))


def operator_tiers(ops: OperatorSet) -> list[OperatorSet]:
    """The grammars a search runs through, smallest first: the allowed core operators
    (:data:`CORE_OPERATORS`), then the whole allowed set; one tier when the two coincide or the core
    part cannot combine inputs."""
    core = ops.names & CORE_OPERATORS
    if core == ops.names or not core & {"+", "-", "*", "/"}:
        return [ops]
    return [OperatorSet(frozenset(core)), ops]

