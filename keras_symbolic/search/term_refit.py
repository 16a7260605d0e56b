"""Refit a reassembled formula as a linear combination of its own terms, on the raw rows.

A decomposition puts pieces back together as sums and products whose constants came from a surrogate:
``0.043 (6.66 p + 0.015)(0.085 (3.36 u - 0.01) sin(1.0003 w + 0.0014) + 0.32 s + ...)``. Expanded, such a
formula is ``sum_k w_k T_k(x)`` with terms ``T_k`` free of outer constants (``p u sin(w)``, ``p s``, ...).
Here the inner constants (exponents, arguments of functions) are first snapped to nearby simple
fractions, phases split off trigonometric terms (``sin(u + c)`` is a sum of ``sin u`` and ``cos u``),
the terms are collected, and the weights ``w_k`` are chosen again by the sparse regression
of :mod:`~keras_symbolic.search.basis_regression` on the raw rows: if the structure is right the fit
is exact and the spurious terms drop out; if it is wrong the description length says so.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from keras_symbolic.search.basis_regression import TermLibrary, sparse_fit
from keras_symbolic.search.description_length import simple_fraction
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit

__all__ = ["snap_inner_constants", "split_phases", "expression_terms", "refit_terms"]

#: Relative distance under which an inner constant is snapped to a simple fraction.
SNAP_TOLERANCE = 0.02


def _snap(value: float) -> sp.Expr:
    x = float(value)
    if abs(x) < SNAP_TOLERANCE:
        return sp.S.Zero
    r = simple_fraction(x, 12)
    return r if abs(float(r) - x) <= SNAP_TOLERANCE * abs(x) else sp.Float(x)


def snap_inner_constants(expr: sp.Expr) -> sp.Expr:
    """Snap the floats inside functions and exponents (not the outer coefficients) to simple fractions
    within :data:`SNAP_TOLERANCE`: ``sin(1.0003 w + 0.0014) -> sin(w)``, ``p**1.0009 -> p``."""

    def visit(e, inner: bool):
        if isinstance(e, sp.Float):
            return _snap(e) if inner else e
        if not e.args:
            return e
        if isinstance(e, sp.Pow):
            return sp.Pow(visit(e.base, inner), visit(e.exp, True))
        child_inner = inner or isinstance(e, sp.Function)
        return e.func(*[visit(a, child_inner) for a in e.args])

    return visit(expr, False)


def split_phases(expr: sp.Expr) -> sp.Expr:
    """``sin(u + c) -> cos(c) sin(u) + sin(c) cos(u)`` (and ``cos`` likewise) for a number ``c``: a phase
    the reassembly left behind (a symmetry's anchor value, ``cos(a - b + 1.25)``) becomes two terms that
    the linear refit weighs, or drops; a real phase comes back as the same function."""

    def phased(e):
        return isinstance(e, (sp.sin, sp.cos)) and any(a.is_Number for a in sp.Add.make_args(e.args[0]))

    def split(e):
        c = sp.Add(*[a for a in sp.Add.make_args(e.args[0]) if a.is_Number])
        u = e.args[0] - c
        cos_c, sin_c = sp.Float(float(sp.cos(c))), sp.Float(float(sp.sin(c)))
        if isinstance(e, sp.sin):
            return cos_c * sp.sin(u) + sin_c * sp.cos(u)
        return cos_c * sp.cos(u) - sin_c * sp.sin(u)

    return expr.replace(phased, split)


def expression_terms(expr: sp.Expr, max_terms: int = 40) -> list:
    """The distinct terms ``T_k`` of the expansion ``sum_k w_k T_k`` (outer numeric factors dropped);
    at most ``max_terms`` (none when the expansion is larger)."""
    terms = []
    for term in sp.Add.make_args(sp.expand(expr)):
        _, rest = term.as_coeff_Mul()
        rest = sp.Mul(*[f for f in sp.Mul.make_args(rest) if not f.is_Number])
        if rest != 1 and rest not in terms:
            terms.append(rest)
    return terms if len(terms) <= max_terms else []


def refit_terms(expr, X, y, symbols, train, val, *, seconds: float = 10.0) -> list:
    """``[(description length on val, formula), ...]`` from a sparse refit of ``expr``'s terms."""
    try:
        with time_limit(seconds):
            terms = expression_terms(split_phases(snap_inner_constants(sp.sympify(expr))))
    except SymbolicTimeout:
        return []
    columns, kept = [], []
    with np.errstate(all="ignore"):
        for t in terms:
            v = np.broadcast_to(to_callable(t, symbols)(X), (len(X),)).astype(np.float64)
            if np.all(np.isfinite(v)) and np.ptp(v) > 0:
                kept.append(t)
                columns.append(v)
    if not kept:
        return []
    library = TermLibrary(kept, np.column_stack(columns))
    return sparse_fit(library, y, train, val, symbols, max_terms=min(len(kept), 8))
