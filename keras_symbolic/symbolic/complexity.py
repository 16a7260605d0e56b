"""Expression complexity: the number of nodes of the SymPy expression tree.

Every operator, symbol and constant counts 1 (SymbolNet paper's convention): for
``c1*tanh(c2*x2**2) + c3*x2*x4*sin(c4*x3)`` the count is 17.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["expression_complexity"]


def expression_complexity(expr: sp.Basic) -> int:
    """Number of nodes of ``expr`` in SymPy's preorder traversal."""
    return sum(1 for _ in sp.preorder_traversal(sp.sympify(expr)))
