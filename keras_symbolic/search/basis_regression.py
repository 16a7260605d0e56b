"""Sparse regression over a library of terms: ``f(x) = sum_k c_k t_k(x)``, a few terms ``t_k`` chosen
from powers, products, ratios, trigonometric, exponential and logarithmic functions of the variables.

This is the solver for sums: polynomials, sums of sines, weighted averages, quadratic forms, and the
pieces an additive decomposition leaves. Selection is greedy forward (at each step the few terms best
correlated with the residual are each tried with a least-squares refit of all coefficients, and the
one that leaves the smallest residual is kept), up to ``max_terms``; every size is a candidate, judged
by its description length on held-out rows (:mod:`~keras_symbolic.search.description_length`); its
coefficients are rounded later, with every other candidate's
(:mod:`~keras_symbolic.search.coefficient_rounding`).

Shapes: ``X (n_rows, n_variables)``, ``y (n_rows,)``; a library is ``(names, exprs, values (n_rows, m))``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from keras_symbolic.search.description_length import REL_FLOOR, description_length
from keras_symbolic.symbolic.evaluation import to_callable

__all__ = ["TermLibrary", "NormalEquations", "build_library", "sparse_fit"]

#: Features whose values exceed this are dropped (they would swamp the least squares).
MAX_ABS = 1e12


@dataclass
class TermLibrary:
    """Candidate terms: ``exprs[k]`` (SymPy) evaluated on the rows as ``values[:, k]``."""

    exprs: list
    values: np.ndarray

    def subset(self, rows) -> "TermLibrary":
        return TermLibrary(self.exprs, self.values[rows])


def _single_terms(x: sp.Symbol, col: np.ndarray) -> list:
    nonzero = bool(np.all(col != 0))
    positive = bool(np.all(col > 0))
    out = [x, x**2, x**3, sp.sin(x), sp.cos(x), x * sp.sin(x), x * sp.cos(x), sp.exp(x), sp.exp(-x), sp.exp(-x**2)]
    if nonzero:
        out += [1 / x, x**-2]
    if positive:
        out += [sp.sqrt(x), 1 / sp.sqrt(x), sp.log(x)]
    return out


def _pair_terms(a: sp.Symbol, b: sp.Symbol, ca: np.ndarray, cb: np.ndarray) -> list:
    out = [a * b, a**2 * b, a * b**2, sp.sin(a) * sp.sin(b), sp.cos(a) * sp.cos(b), sp.cos(a - b),
           (a - b) ** 2, (a + b) ** 2, a * sp.sin(b), a * sp.cos(b), b * sp.sin(a), b * sp.cos(a)]
    if np.all(cb != 0):
        out += [a / b, a**2 / b, a / b**2, (a / b) ** 2]
    if np.all(ca != 0):
        out += [b / a, b**2 / a, b / a**2, (b / a) ** 2]
    if np.all(ca != 0) and np.all(cb != 0):
        out += [1 / (a * b)]
    if np.all(ca > 0):
        out += [b * sp.log(a)]
    if np.all(cb > 0):
        out += [a * sp.log(b)]
    return out


def build_library(X, symbols, *, pairs: bool = True, triples: bool = True) -> TermLibrary:
    """Terms of one variable (powers -3..3 and halves where defined, sin, cos, exp(+-x), exp(-x^2),
    log), of two (products, ratios, ``cos(a - b)``, ...) and of three (``a b c``, ``a b sin(c)``,
``a b cos(c)``), each kept only where
    it is finite and below :data:`MAX_ABS` on every row of ``X``."""
    X = np.asarray(X, dtype=np.float64)
    symbols = list(symbols)
    exprs = []
    for j, s in enumerate(symbols):
        exprs += _single_terms(s, X[:, j])
    if pairs:
        for i, j in itertools.combinations(range(len(symbols)), 2):
            exprs += _pair_terms(symbols[i], symbols[j], X[:, i], X[:, j])
    if triples and len(symbols) >= 3:
        for trio in itertools.combinations(symbols, 3):
            exprs.append(sp.Mul(*trio))
            for angle in trio:  # a b sin(c): a product with one factor that is an angle
                a, b = [s for s in trio if s is not angle]
                exprs += [a * b * sp.sin(angle), a * b * sp.cos(angle)]
    kept, columns, seen = [], [], set()
    with np.errstate(all="ignore"):
        for e in exprs:
            if e in seen:
                continue
            seen.add(e)
            v = np.broadcast_to(to_callable(e, symbols)(X), (len(X),)).astype(np.float64)
            if np.all(np.isfinite(v)) and np.max(np.abs(v)) < MAX_ABS and np.ptp(v) > 0:
                kept.append(e)
                columns.append(v)
    values = np.column_stack(columns) if columns else np.zeros((len(X), 0))
    return TermLibrary(kept, values)


def polynomial_library(X, symbols, degree: int) -> TermLibrary:
    """Every monomial ``prod x_i**k_i`` with ``1 <= sum k_i <= degree`` (scikit-learn's
    ``PolynomialFeatures`` exponents): the library of the polynomial solver."""
    from sklearn.preprocessing import PolynomialFeatures

    X = np.asarray(X, dtype=np.float64)
    powers = PolynomialFeatures(degree=degree, include_bias=False).fit(X[:1]).powers_
    exprs, columns = [], []
    with np.errstate(all="ignore"):
        for row in powers:
            v = np.prod(X ** row[None, :], axis=1)
            if np.all(np.isfinite(v)) and np.max(np.abs(v)) < MAX_ABS and np.ptp(v) > 0:  # as build_library
                exprs.append(sp.Mul(*[s**int(k) for s, k in zip(symbols, row)]))
                columns.append(v)
    return TermLibrary(exprs, np.column_stack(columns) if columns else np.zeros((len(X), 0)))


def _lstsq(A: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    r = y - A @ coef
    return coef, float(r @ r)


def _design(lib: TermLibrary, chosen, intercept: bool) -> np.ndarray:
    cols = [lib.values[:, k] for k in chosen]
    if intercept:
        cols = [np.ones(len(lib.values))] + cols
    return np.column_stack(cols) if cols else np.zeros((len(lib.values), 0))


def _expression(lib: TermLibrary, chosen, coef, intercept: bool) -> sp.Expr:
    terms = list(coef[1:]) if intercept else list(coef)
    expr = sp.Float(coef[0]) if intercept else sp.S.Zero
    for c, k in zip(terms, chosen):
        expr += sp.Float(c) * lib.exprs[k]
    return expr


class NormalEquations:
    """The normal equations of ``y ~ A`` once, so that each step of the search costs ``O(m k**2)``
    for ``m`` columns and ``k`` chosen ones instead of an ``O(n m k)`` projection of all rows: the
    columns centred (when there is an intercept, which projects it out exactly) and scaled to unit
    norm, ``G = A^T A``, ``c = A^T y``. Squaring the condition number is harmless here: the search only
    ranks columns, and the chosen subset is refitted on the rows by least squares."""

    def __init__(self, A: np.ndarray, y: np.ndarray, intercept: bool, weights=None):
        if weights is None:
            if intercept:
                A, y = A - A.mean(axis=0), y - y.mean()
        else:
            w = np.asarray(weights, dtype=np.float64)
            if intercept:  # weighted centring projects the intercept out of the weighted fit
                A, y = A - (w @ A) / w.sum(), y - (w @ y) / w.sum()
            root = np.sqrt(w)
            A, y = A * root[:, None], y * root
        norms = np.linalg.norm(A, axis=0)
        self.usable = norms > 1e-12 * max(float(norms.max(initial=0.0)), 1e-300)
        A = A / np.where(self.usable, norms, 1.0)
        self.G, self.c, self.yy = A.T @ A, A.T @ y, float(y @ y)

    def reductions(self, chosen) -> tuple[float, np.ndarray]:
        """SSE of the fit on ``chosen`` and, for every column ``k``, how much adding it would lower that
        SSE: ``(c_k - G_kS G_SS^-1 c_S)^2 / (1 - G_kS G_SS^-1 G_Sk)``."""
        chosen = list(chosen)
        if chosen:
            B = self.G[:, chosen]
            try:
                W = np.linalg.solve(self.G[np.ix_(chosen, chosen)], np.column_stack([self.c[chosen], B.T]))
            except np.linalg.LinAlgError:
                return self.yy, np.zeros(len(self.c))
            sse = self.yy - float(self.c[chosen] @ W[:, 0])
            num = (self.c - B @ W[:, 0]) ** 2
            den = 1.0 - np.einsum("kj,jk->k", B, W[:, 1:])
        else:
            sse, num, den = self.yy, self.c**2, np.ones(len(self.c))
        with np.errstate(over="ignore", invalid="ignore"):  # huge columns of a wide-range table
            red = np.where(self.usable & (den > 1e-10), num / np.maximum(den, 1e-300), 0.0)
        red[chosen] = 0.0
        return sse, red


def _beam_search(A, y, max_terms: int, beam: int, intercept: bool, weights=None) -> list[tuple[list, float]]:
    """Best subset found for each size 1..max_terms: a beam of the ``2 beam`` best subsets per size
    (``3 beam`` single columns at the first step, so that pairs that are poor alone but exact together
    are still tried), each extended by its ``beam`` most useful columns."""
    gram = NormalEquations(A, y, intercept, weights)
    beams = [((), gram.yy)]
    best_per_size = []
    for size in range(min(max_terms, A.shape[1])):
        grown = {}
        for subset, _sse in beams:
            sse, red = gram.reductions(subset)
            for k in np.argsort(red)[::-1][:beam]:
                if red[k] <= 0:
                    break
                key = tuple(sorted(subset + (int(k),)))
                grown[key] = min(grown.get(key, np.inf), max(sse - red[k], 0.0))
        if not grown:
            break
        beams = sorted(grown.items(), key=lambda t: t[1])[: (3 * beam if size == 0 else 2 * beam)]
        best_per_size.append((list(beams[0][0]), beams[0][1]))
        if beams[0][1] <= 1e-20 * max(gram.yy, 1e-300):
            break
    return best_per_size


def sparse_fit(lib: TermLibrary, y, train, val, symbols, *, max_terms: int = 6, intercept: bool = True,
               max_rows: int = 1200, beam: int = 12, rel_floor: float = REL_FLOOR,
               weights=None) -> list[tuple[float, sp.Expr]]:
    """Beam search over subsets of up to ``max_terms`` terms on (at most ``max_rows`` of) the ``train``
    rows; each size's best subset is refitted on all training rows.

    Returns ``[(description length on the val rows, expression), ...]`` for every size, smallest DL
    first (errors below ``rel_floor`` relative not counted: the precision of the values); coefficients
    are least-squares floats (see :func:`~keras_symbolic.search.coefficient_rounding.round_coefficients`).
    ``weights (n,)``: row weights of every fit and score (weighted least squares).
    """
    y = np.asarray(y, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    root = np.ones(len(y)) if w is None else np.sqrt(w)
    train = np.asarray(train)
    rows = train[:max_rows]
    if lib.values.shape[1] == 0:
        return []
    out = []
    for chosen, _ in _beam_search(lib.values[rows], y[rows], max_terms, beam, intercept,
                                  None if w is None else w[rows]):
        coef, _ = _lstsq(_design(lib.subset(train), chosen, intercept) * root[train, None], y[train] * root[train])
        expr = _expression(lib, chosen, coef, intercept)
        pred = _design(lib.subset(val), chosen, intercept) @ coef
        out.append((description_length(expr, y[val], pred, len(symbols), rel_floor,
                                       None if w is None else w[val]), expr))
    return sorted(out, key=lambda t: t[0])
