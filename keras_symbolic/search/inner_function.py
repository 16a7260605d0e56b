"""A test for one inner function: does ``f`` depend on its ``d`` variables only through a single
combination ``g(x) = sum_j c_j phi_j(x)`` of simple features (the variables, their pairwise products
and their squares)? Then ``f = F(g)``, and a problem of ``d`` variables becomes one of a single
variable ``t = g(x)``: ``sin(k x - w t + p)``, ``cos(x y + z)``, ``tanh(x - 2 y)``,
``exp(-(x - y)**2)``, ``log(x + 2 y + 1)``. It generalises the pair symmetries of
:mod:`~keras_symbolic.search.separability` (``x_i - x_j``, ``x_i x_j``, ...) to any number of
variables and any coefficients, and :mod:`~keras_symbolic.search.monomial_group` (one monomial) to a
sum. AI Feynman 2.0's gradient test for a function of a function, with a linear family for ``g``.

**The direction.** ``grad f = F'(g) grad g``, so at every row the gradient of ``f`` is parallel to
``grad g = sum_j c_j grad phi_j(x)``, which is linear in ``c``. With ``u_r`` the unit gradient of
``f`` at row ``r`` (central differences of any callable, the engine's surrogate) and ``P_r = I - u_r
u_r^T``, ``c`` minimises ``sum_r w_r**2 |P_r sum_j c_j grad phi_j(x_r)|**2`` over ``|c| = 1``: the last
right singular vector of the stacked ``(m d, K)`` matrix (an eigenvector of its ``(K, K)`` Gram
matrix), its columns first scaled to unit RMS so that no feature wins by being small. Rows where
``|grad f|`` is small (``F'(g)`` near zero: the peak of a sine) give a rough direction and count less:
``w_r = min(1, |grad f_r| / median)``.

**The violation** of a combination is the weighted RMS over rows of the sine of the angle between
``grad f`` and ``grad g``: ~0 (the surrogate's derivative error) when ``f = F(g)``. Features are then
dropped one at a time, each time the one whose removal leaves the smallest violation, down to a single
feature; the smallest set on that path that holds (see :func:`inner_function`) is the answer: the
sparsest combination (``x - y``, not ``x**2 - 2 x y + y**2``).

Shapes: ``X (n, d)``; ``f(X (n, d)) -> (n,)``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import sympy as sp

__all__ = ["InnerFunction", "features", "gradients", "inner_function"]


@dataclass(frozen=True)
class InnerFunction:
    """``g(x) = sum_j c_j phi_j(x)``: ``terms`` are the features (``(i,)`` the variable ``x_i``, ``(i, j)``
    the product ``x_i x_j``, ``(i, i)`` the square), ``coefficients (K,)`` their ``c``, scaled so that the
    term that moves ``g`` most (``|c_j|`` times its spread) has coefficient 1; ``violation`` the
    weighted RMS sine of the angle between the gradients (see the module)."""

    terms: tuple
    coefficients: np.ndarray
    violation: float

    def expression(self, symbols) -> sp.Expr:
        """``g`` as a SymPy expression of ``symbols`` (one per column)."""
        return sp.Add(*[sp.Float(c) * sp.Mul(*[symbols[i] for i in term])
                        for c, term in zip(self.coefficients, self.terms)])

    def values(self, X: np.ndarray) -> np.ndarray:
        """``g`` at the rows ``X (n, d)``: ``(n,)``."""
        return _feature_values(X, self.terms) @ self.coefficients

    @property
    def variables(self) -> set:
        """The columns ``g`` uses."""
        return {i for term in self.terms for i in term}


def features(d: int, *, squares: bool = True) -> list:
    """The candidate terms of ``g`` for ``d`` variables: ``(i,)``, then ``(i, j)`` for ``i < j``, then
    ``(i, i)`` when ``squares``."""
    out = [(i,) for i in range(d)] + list(itertools.combinations(range(d), 2))
    return out + ([(i, i) for i in range(d)] if squares else [])


def _feature_values(X: np.ndarray, terms) -> np.ndarray:
    """``(n, K)``: each term's product of columns."""
    return np.column_stack([np.prod(X[:, list(term)], axis=1) for term in terms])


def _feature_gradients(X: np.ndarray, terms) -> np.ndarray:
    """``(n, d, K)``: the gradient of each term at each row (exact: the terms are monomials of degree
    at most two)."""
    n, d = X.shape
    G = np.zeros((n, d, len(terms)))
    for k, term in enumerate(terms):
        if len(term) == 1:
            G[:, term[0], k] = 1.0
        else:
            i, j = term
            G[:, i, k] += X[:, j]
            G[:, j, k] += X[:, i]
    return G


def gradients(f: Callable, X: np.ndarray, *, step: float = 1e-3) -> np.ndarray:
    """``(n, d)``: ``df/dx_i`` at the rows of ``X (n, d)`` by central differences, each column moved by
    ``step`` times its spread; all ``2 n d`` points in one call of ``f``."""
    n, d = X.shape
    h = step * np.maximum(X.std(axis=0), 1e-12)
    shift = np.eye(d) * h  # (d, d): row i moves column i
    up = (X[None, :, :] + shift[:, None, :]).reshape(-1, d)
    down = (X[None, :, :] - shift[:, None, :]).reshape(-1, d)
    with np.errstate(all="ignore"):
        fu, fd = np.asarray(f(np.concatenate([up, down])), dtype=np.float64).reshape(2, d, n)
    return ((fu - fd) / (2 * h[:, None])).T


def _violation(U: np.ndarray, w: np.ndarray, G: np.ndarray, c: np.ndarray) -> float:
    """The weighted RMS sine of the angle between ``U (m, d)`` (unit gradients of ``f``) and
    ``G @ c``."""
    grad_g = G @ c  # (m, d)
    norm = np.linalg.norm(grad_g, axis=1)
    along = np.sum(grad_g * U, axis=1)
    sine2 = np.clip(1.0 - (along / np.maximum(norm, 1e-300)) ** 2, 0.0, 1.0)
    sine2[norm == 0] = 1.0
    return float(np.sqrt(np.sum(w**2 * sine2) / np.sum(w**2)))


def _gram(U: np.ndarray, w: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(M (K, K), scale (K,))``: ``M = A^T A`` for ``A`` the stacked ``w_r P_r G_r`` with its columns
    divided by ``scale``, their RMS in ``G``. A subset's direction is then an eigenvector of a block of
    ``M``, so the elimination never touches the rows again."""
    m, d, K = G.shape
    projected = G - U[:, :, None] * np.einsum("md,mdk->mk", U, G)[:, None, :]
    scale = np.sqrt(np.mean(G.reshape(m * d, K) ** 2, axis=0))
    scale[scale == 0] = 1.0
    A = (w[:, None, None] * projected).reshape(m * d, K) / scale
    return A.T @ A, scale


def _direction(M: np.ndarray, scale: np.ndarray, subset: list) -> np.ndarray:
    """``c (len(subset),)``: the eigenvector of ``M``'s block on ``subset`` with the smallest eigenvalue
    (the last right singular vector of those columns of ``A``), in the features' own units."""
    _, vectors = np.linalg.eigh(M[np.ix_(subset, subset)])
    return vectors[:, 0] / scale[subset]


def inner_function(f: Callable, X: np.ndarray, *, max_violation: float = 0.05, base: float = 0.02,
                   elbow: float = 2.0, n_rows: int = 400, squares: bool = True,
                   seed: int = 0) -> Optional[InnerFunction]:
    """The sparsest ``g`` (see the module) with ``f = F(g)`` on the rows ``X (n, d)``, or ``None`` when
    no combination of at least two variables holds (a single variable is the caller's irrelevance
    test), or when ``f`` has too few rows with a gradient.

    A set holds when its violation is at most ``max_violation`` and at most ``base`` or ``elbow`` times
    the smallest violation on the elimination path: a rough surrogate's derivatives set that smallest
    violation, and a true feature's removal raises it by far more than ``elbow`` (``sin(k x - w t + p)``
    at a surrogate error of 2 %: 0.03 with its three terms, 0.24 with two); ``max_violation`` keeps
    functions that are no composition out however rough the derivatives."""
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    if d < 2:
        return None
    rng = np.random.default_rng(seed)
    rows = X[rng.choice(n, min(n_rows, n), replace=False)]
    grad = gradients(f, rows)
    norm = np.linalg.norm(grad, axis=1)
    ok = np.isfinite(norm) & (norm > 0)
    if np.count_nonzero(ok) < max(20, 2 * d):
        return None
    rows, grad, norm = rows[ok], grad[ok], norm[ok]
    U = grad / norm[:, None]
    w = np.minimum(1.0, norm / np.median(norm))
    terms = features(d, squares=squares)
    G_all = _feature_gradients(rows, terms)
    M, scale = _gram(U, w, G_all)

    def fit(subset):
        c = _direction(M, scale, subset)
        return _violation(U, w, G_all[:, :, subset], c), c

    # the whole path down to one feature: the least-squares direction of a large set can favour
    # features whose gradients nearly cancel, so a large set may violate more than its sparse subset
    active = list(range(len(terms)))
    violation, c = fit(active)
    path = [(active, c, violation)]
    while len(active) > 1:
        trials = [[k for k in active if k != drop] for drop in active]
        active, (violation, c) = min(((t, fit(t)) for t in trials), key=lambda tf: tf[1][0])
        path.append((active, c, violation))
    limit = min(max_violation, max(base, elbow * min(v for _, _, v in path)))
    held = [p for p in path if p[2] <= limit and len({i for k in p[0] for i in terms[k]}) >= 2]
    if not held:
        return None
    active, c, violation = held[-1]
    kept = tuple(terms[k] for k in active)
    # the term that moves g most gets coefficient 1 (a stray small term then shows as small)
    influence = np.abs(c) * np.std(_feature_values(X, kept), axis=0)
    c = c / c[np.argmax(influence)]
    return InnerFunction(kept, c, violation)
