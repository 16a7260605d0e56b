"""The decomposition's structures turned into candidates on the raw rows.

The recursion (:mod:`~keras_symbolic.pipelines.auto_decomposition`) returns *structures*: formulas whose
shape comes from the solved pieces and whose constants come from the surrogate. Each piece keeps a few
candidates, ranked on the surrogate's values with its error as the floor, so among the accurate ones the
simplest rank first; the right form of a piece can then be its fourth (a Hill curve ``S**2.4 / (K +
S**2.4)`` after three forms that are simpler and only as accurate as the surrogate), and the pairs of two
pieces' candidates are many more than are refitted. So the recursion's first ``keep`` structures (the
simplest pairs first) are refitted as before, and of the others the ``keep`` that a quick fit of their
constants on the raw training rows scores best on the held-out rows (description length); only the raw
rows can tell the right form from one as close as the surrogate.

Every kept structure is refitted with its constants free (also with its trigonometric phases split off),
the first ``keep`` also with their terms refitted linearly
(:func:`~keras_symbolic.search.term_refit.refit_terms`), each polished like any candidate
(:func:`~keras_symbolic.search.direct_solvers.polish`).
Shapes: ``X (n, d)``, ``y (n,)``; ``train``, ``val`` index its rows.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from keras_symbolic.search.description_length import REL_FLOOR
from keras_symbolic.search.direct_solvers import Candidate, polish, score
from keras_symbolic.search.term_refit import refit_terms, split_phases
from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.limits import SymbolicTimeout

__all__ = ["structure_key", "distinct_structures", "screened_structures", "reassemble"]

#: Function evaluations and rows of the quick fit that screens the structures beyond the first ``keep``.
SCREEN_NFEV, SCREEN_ROWS = 60, 600
_C = sp.Symbol("c_structure")


def structure_key(expr) -> str:
    """``expr`` with its constants (every number but an integer, every numeric factor or term) replaced
    by one symbol: two candidates of a piece that differ only in their constants (``0.458 Vmax``,
    ``4 Vmax/9``, ``3 pi Vmax/11``) are one structure, since the raw rows refit the constants anyway."""
    return sp.srepr(_shape(sp.sympify(expr)))


def _shape(e: sp.Expr) -> sp.Expr:
    """``e`` with its numbers, and the numeric factors and terms of each product and sum (``3 pi / 11``),
    one placeholder each; integers stay (``x**2``, ``2 x`` are shapes)."""
    if not e.args:
        return e if (e.is_Integer or e.free_symbols) else _C
    if not e.free_symbols:
        return e if e.is_Integer else _C
    if isinstance(e, (sp.Add, sp.Mul)):
        numeric = [a for a in e.args if not a.free_symbols]
        rest = [_shape(a) for a in e.args if a.free_symbols]
        if numeric and not (len(numeric) == 1 and numeric[0].is_Integer):
            rest.append(_C)
        elif numeric:
            rest.append(numeric[0])
        return e.func(*rest)
    return e.func(*[_shape(a) for a in e.args])


def distinct_structures(exprs: list, seen: set | None = None) -> list:
    """``exprs`` in order, each structure (:func:`structure_key`) once and none of ``seen`` (which is
    updated)."""
    seen = set() if seen is None else seen
    out = []
    for e in exprs:
        key = structure_key(e)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _free_constants(expr) -> sp.Expr:
    """Non-integer rationals as floats: the constants a fit may move."""
    expr = sp.sympify(expr)
    return expr.xreplace({r: sp.Float(r) for r in expr.atoms(sp.Rational) if not r.is_integer})


def _screen_score(expr, X, y, symbols, train, val, weights) -> float:
    """Description length on the held-out rows after a quick fit of the constants on a subsample of
    the training rows; ``inf`` when it cannot be evaluated."""
    part = None if weights is None else np.asarray(weights)[train]
    try:
        fitted = fit_coefficients(_free_constants(expr), X[train], y[train], symbols, max_nfev=SCREEN_NFEV,
                                  timeout=10.0, max_samples=SCREEN_ROWS, sample_weight=part)[0]
        return score(fitted, X[val], y[val], symbols, REL_FLOOR,
                     None if weights is None else np.asarray(weights)[val])[0]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, KeyError, SymbolicTimeout):
        return float("inf")


def screened_structures(structures: list, keep: int, X, y, symbols, train, val, weights=None) -> list:
    """The first ``keep`` of ``structures``, then the ``keep`` best-screened of the other distinct ones."""
    first = list(structures[:keep])
    rest = distinct_structures(structures[keep:], {structure_key(e) for e in first})
    if not rest:
        return first
    scores = [_screen_score(e, X, y, symbols, train, val, weights) for e in rest]
    order = [i for i in np.argsort(scores, kind="stable") if np.isfinite(scores[i])]
    return first + [rest[i] for i in order[:keep]]


def reassemble(structures: list, X, y, symbols, train, val, exact_r2: float, weights=None,
               term_refits: int | None = None) -> list[Candidate]:
    """Every structure refitted and polished on the raw rows (see the module), in order; stops at the
    first candidate whose held-out R^2 reaches ``exact_r2``. Only the first ``term_refits`` (all when
    ``None``) also have their terms refitted linearly: the screened ones had their constants fitted
    already, and a term refit of an expanded exponential (``exp(-77) exp(33 t) exp(-3.5 t**2)``) can
    take the rounding tens of seconds."""
    out = []
    for k, expr in enumerate(structures):
        refits = ([e for _, e in refit_terms(expr, X, y, symbols, train, val)[:2]]
                  if term_refits is None or k < term_refits else [])
        structure = _free_constants(expr)
        split = split_phases(structure)
        for candidate in refits + [structure] + ([split] if split != structure else []):
            cand = polish(candidate, X, y, symbols, train, val, weights=weights)
            if cand is None:
                continue
            cand.solver = "decomposition"
            out.append(cand)
            if cand.r2 >= exact_r2:
                return out
    return out
