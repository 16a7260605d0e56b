"""Sparse regression of a ratio of sums, ``f = N(x) / D(x)``, linearised so that it stays a least-squares
problem (the idea of SINDy-PI, Kaheman et al. 2020, and of Padé fitting).

With ``N = sum_k a_k t_k`` and ``D = u_0 + sum_k b_k u_k`` over a small polynomial library
(``1``, ``x_i``, ``x_i**2``, ``x_i x_j``, and for up to three variables cubic terms in ``N``: a Padé
form; a larger library makes the exhaustive search slow), one term ``u_0`` fixed to weight 1 (the *normaliser*, which removes the common scale of
``N`` and ``D``), ``y = N / D`` is equivalent on every row to the linear equation

    y u_0 = sum_k a_k t_k - sum_k b_k (y u_k),

so a search over small subsets of the columns ``[t_k, -y u_k]`` finds the sparse ``N`` and ``D`` for
each choice of ``u_0``. This covers weighted averages ``(a p + b q)/(p + q)``, saturation ``v s/(k + s)``,
Lorentzians ``1/((x - m)**2 + 1)``, ``a b/(a + b)`` and ``x/(1 + x**2)``, none of which is a sum of
library terms nor splits into a sum or a product. Noise in ``y`` enters the columns ``y u_k`` as well,
which biases the linear solution slightly; the caller refits the constants of ``N/D`` on the rows.

Shapes: ``X (n_rows, n_variables)``, ``y (n_rows,)``.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from keras_symbolic.search.basis_regression import NormalEquations
from keras_symbolic.search.description_length import REL_FLOOR, description_length
from keras_symbolic.symbolic.evaluation import to_callable

__all__ = ["polynomial_terms", "rational_fit", "MAX_CUBIC_VARIABLES"]

#: Most variables for a cubic numerator and a free choice of the normaliser.
MAX_CUBIC_VARIABLES = 3


def polynomial_terms(symbols, degree: int = 2) -> list:
    """Monomials up to ``degree`` (2 or 3), lowest degree first: ``1``, every ``x_i``, ``x_i**2``,
    ``x_i x_j`` (and ``x_i**3``, ``x_i**2 x_j``, ``x_i x_j x_k`` for degree 3)."""
    symbols = list(symbols)
    terms = ([sp.S.One] + symbols + [s**2 for s in symbols]
             + [a * b for a, b in itertools.combinations(symbols, 2)])
    if degree >= 3:
        terms += [sp.Mul(*c) for c in itertools.combinations_with_replacement(symbols, 3)]
    return terms


def _small_subsets(A: np.ndarray, t: np.ndarray, n_numerator: int, max_size: int, keep: int) -> list[list[int]]:
    """Every subset of columns of ``A = [1, numerator terms, -y u_k]`` that holds the constant, at
    least one denominator column, and at most ``max_size`` columns besides the
    constant; the ``keep`` with the smallest linear residual. Solved through the Gram matrix of the
    unit-norm columns (one tiny solve per subset), since greedy steps are misled here: ``y`` on both
    sides admits near-solutions such as ``y p = c_1 y + c_2 y p**2 + poly(p)``."""
    equations = NormalEquations(A, t, intercept=False)
    G, b, tt = equations.G, equations.c, equations.yy
    numerator = range(1, 1 + n_numerator)
    denominator = range(1 + n_numerator, A.shape[1])
    scored = []
    for size in range(2, max_size + 1):
        for n_den in range(1, size + 1):
            for nums in itertools.combinations(numerator, size - n_den):
                for dens in itertools.combinations(denominator, n_den):
                    idx = [0, *nums, *dens]
                    try:
                        c = np.linalg.solve(G[np.ix_(idx, idx)], b[idx])
                    except np.linalg.LinAlgError:
                        continue
                    scored.append((tt - float(c @ b[idx]), idx))
    scored.sort(key=lambda s: s[0])
    return [idx for _, idx in scored[:keep]]


def rational_fit(X, y, symbols, train, val, *, max_size: int = 3, keep: int = 12, max_rows: int = 1200,
                 rel_floor: float = REL_FLOOR) -> list[tuple[float, sp.Expr]]:
    """Candidate ratios ``N/D`` (see the module): for each normaliser ``u_0``, the ``keep`` subsets of
    at most ``max_size`` terms (besides the constant of ``N``) that solve the linearised equation best
    on (at most ``max_rows`` of) the training rows, refitted on all of them. Up to
    :data:`MAX_CUBIC_VARIABLES` variables the numerator goes to degree three and every denominator
    term may be the normaliser (``(u + v)/(1 + u v/c**2) = c**2 (u + v)/(u v + c**2)``); otherwise
    ``u_0`` is ``1`` or a variable, and beyond four variables the denominator drops its ``x_i x_j``
    terms (the search is exhaustive, so its size is kept in check).

    Returns ``[(description length of N/D on the val rows, N/D), ...]``, smallest first; the constants
    are least-squares floats of the linearised problem.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    train, val = np.asarray(train), np.asarray(val)
    symbols = list(symbols)
    small = len(symbols) <= MAX_CUBIC_VARIABLES
    exprs = polynomial_terms(symbols, degree=3 if small else 2)
    with np.errstate(all="ignore"):
        values = np.column_stack([np.broadcast_to(to_callable(e, symbols)(X), y.shape) for e in exprs])
    n_den = len(polynomial_terms(symbols)) if len(symbols) <= 4 else 1 + 2 * len(symbols)
    out = []
    for normaliser in range(n_den if small else 1 + len(symbols)):
        u0 = values[:, normaliser]
        if not np.all(np.isfinite(u0)) or (normaliser and np.any(u0 == 0)):
            continue
        others = [k for k in range(n_den) if k != normaliser]
        A = np.column_stack([values, -y[:, None] * values[:, others]])  # values[:, 0] is the constant 1
        t = y * u0
        if not np.all(np.isfinite(t[train])):
            continue
        rows = train[:max_rows]
        with np.errstate(all="ignore"):  # an overflowing term is skipped below, not reported
            subsets = _small_subsets(A[rows], t[rows], len(exprs) - 1, max_size, keep)
        for idx in subsets:
            sub = A[np.ix_(train, idx)]
            if not np.all(np.isfinite(sub)):
                continue  # a term that overflows on a row the subset search did not see (x**3 of 1e120)
            coef, *_ = np.linalg.lstsq(sub, t[train], rcond=None)
            top = sum((sp.Float(c) * exprs[k] for c, k in zip(coef, idx) if k < len(exprs)), sp.S.Zero)
            bottom = exprs[normaliser] + sum((sp.Float(c) * exprs[others[k - len(exprs)]]
                                              for c, k in zip(coef, idx) if k >= len(exprs)), sp.S.Zero)
            expr = top / bottom
            with np.errstate(all="ignore"):
                pred = np.broadcast_to(to_callable(expr, symbols)(X[val]), y[val].shape)
            if np.all(np.isfinite(pred)):
                out.append((description_length(expr, y[val], pred, len(symbols), rel_floor), expr))
    return sorted(out, key=lambda t: t[0])
