"""Float constants of a formula as parameters: ``expr <-> (template, params, values)``, compiled to NumPy.

Constants are the ``sympy.Float`` atoms only. Integers and Rationals (``x**2``, ``-x`` = ``-1*x``,
``x/3``) and named constants (``pi``) are structure, never parameters (the reference code's regex
turned ``x**2`` into a free parameter). Each occurrence of a float is its own parameter, even when
two floats are equal. :func:`parametrize` gives the template ``f(x; c)``, :func:`bind_parameters`
puts values (floats or exact SymPy numbers) back, and :class:`CompiledTemplate` evaluates ``f`` and
its partial derivatives ``df/dc_j`` (``sympy.diff``, lambdified on first use) on data columns.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.evaluation import as_vector, lambdify_numpy

__all__ = ["parametrize", "bind_parameters", "CompiledTemplate"]


def parametrize(expr, prefix: str = "c") -> tuple[sp.Expr, list[sp.Symbol], np.ndarray]:
    """Replace every float constant of ``expr`` by its own parameter symbol.

    Only ``sympy.Float`` atoms become parameters; Integers and Rationals (integer exponents,
    ``-x == -1*x``, ``x/3``) and named constants (``pi``) are structure. Each occurrence is its own
    parameter, even when two floats have the same value. Parameters are real Symbols ``c0, c1, ...``
    (in SymPy's traversal order); the prefix gets leading underscores if ``expr`` already has a free
    symbol named like one.

    Returns:
        ``(template, params, values)``; ``bind_parameters(template, params, values)`` gives back
        ``expr`` (same floats).
    """
    expr = sp.sympify(expr)
    taken = {s.name for s in expr.free_symbols}
    while any(n.startswith(prefix) and n[len(prefix):].isdigit() for n in taken):
        prefix = "_" + prefix
    params: list[sp.Symbol] = []
    values: list[float] = []

    def visit(node):
        if isinstance(node, sp.Float):
            value = float(node)
            if not math.isfinite(value):
                return node
            symbol = sp.Symbol(f"{prefix}{len(params)}", real=True)
            params.append(symbol)
            values.append(value)
            return symbol
        if not node.args or node.is_Atom:
            return node
        new_args = tuple(visit(a) if isinstance(a, sp.Basic) else a for a in node.args)
        if all(a is b for a, b in zip(new_args, node.args)):
            return node
        return node.func(*new_args)

    template = visit(expr)
    return template, params, np.asarray(values, dtype=float)


def bind_parameters(template, params: Sequence[sp.Symbol], values) -> sp.Expr:
    """Substitute parameter values: floats become ``sympy.Float``; SymPy numbers (exact Rationals)
    are used as they are."""
    mapping = {}
    for p, v in zip(params, values):
        mapping[p] = v if isinstance(v, sp.Basic) else sp.Float(float(v))
    return sp.sympify(template).xreplace(mapping)


class CompiledTemplate:
    """A parametrised template compiled to NumPy, with lazily built derivatives."""

    def __init__(self, template, params, variables):
        self.template = template
        self.params = list(params)
        self.args = list(variables) + self.params
        self.fn = lambdify_numpy(self.args, template)
        self._grads: dict[int, Callable] = {}

    def value(self, cols, p) -> np.ndarray:
        """``f(x; p)`` on the data columns ``cols``, shape ``(N,)``."""
        with np.errstate(all="ignore"):
            return as_vector(self.fn(*cols, *p), len(cols[0]) if cols else 1)

    def derivative(self, j: int) -> Callable:
        """``df/dp_j`` compiled to NumPy (built on first use, then kept), taking ``(*cols, *p)``."""
        if j not in self._grads:
            self._grads[j] = lambdify_numpy(self.args, sp.diff(self.template, self.params[j]))
        return self._grads[j]

    def grad(self, j: int, cols, p) -> np.ndarray:
        """``df/dp_j (x; p)`` on the data columns ``cols``, shape ``(N,)``."""
        with np.errstate(all="ignore"):
            return as_vector(self.derivative(j)(*cols, *p), len(cols[0]) if cols else 1)
