"""Tests of a function's structure, asked of any callable ``f(X (n, d)) -> (n,)`` (a neural surrogate
of the rows, or a known formula): which variables matter, whether it splits into a sum or a product of
functions of disjoint variable groups, and whether a pair of variables enters only through their
difference, sum, product or ratio. AI Feynman's tests (Udrescu & Tegmark 2020), written here as
finite checks on pairs of rows, so they need no derivatives of the surrogate.

For two rows ``p = (a, b)`` and ``q = (a', b')`` split into groups ``A`` and ``B``:

* additive separability, ``f = g(A) + h(B)``, holds iff ``f(a, b) + f(a', b') = f(a, b') + f(a', b)``;
* multiplicative separability, ``f = g(A) h(B)``, holds iff ``f(a, b) f(a', b') = f(a, b') f(a', b)``
  (no logarithm, so signs and zeros are allowed).

Each test returns a violation: the median over pairs of rows of the identity's residual, relative to
the RMS of ``f`` (squared for the product). It is ~0 when the property holds and is compared by the
caller with the surrogate's own error.
"""
from __future__ import annotations

import itertools
from typing import Callable, Sequence

import numpy as np

__all__ = ["Violation", "irrelevance", "split_violation", "best_split", "symmetry_violation", "SYMMETRIES"]

Violation = float
#: Pair symmetries: name -> (new variable of the pair, how to move both so that it stays fixed).
SYMMETRIES = ("difference", "sum", "product", "ratio")


def _pairs(n_rows: int, n_pairs: int, rng) -> tuple[np.ndarray, np.ndarray]:
    i = rng.integers(0, n_rows, n_pairs)
    j = rng.integers(0, n_rows, n_pairs)
    keep = i != j
    return i[keep], j[keep]


def _rms(v: np.ndarray) -> float:
    return max(float(np.sqrt(np.mean(v**2))), 1e-300)


def irrelevance(f: Callable, X: np.ndarray, column: int, *, n_pairs: int = 400, seed: int = 0) -> Violation:
    """How much ``f`` moves when only ``column`` is replaced by another row's value: the RMS change
    relative to the RMS of ``f``; ~0 (the surrogate's error) for a variable that does not matter."""
    rng = np.random.default_rng(seed)
    i, j = _pairs(len(X), n_pairs, rng)
    P = X[i].copy()
    Q = X[i].copy()
    Q[:, column] = X[j, column]
    fp, fq = f(P), f(Q)
    return float(_rms(fp - fq) / _rms(fp))


def split_violation(f: Callable, X: np.ndarray, group: Sequence[int], kind: str, *, n_pairs: int = 400,
                    seed: int = 0) -> Violation:
    """Violation of ``f = g(X[:, group]) (+ or *) h(X[:, rest])`` (``kind`` ``"add"`` or ``"mul"``)."""
    rng = np.random.default_rng(seed)
    i, j = _pairs(len(X), n_pairs, rng)
    group = list(group)
    P, Q = X[i], X[j]
    PQ, QP = P.copy(), Q.copy()
    PQ[:, group] = Q[:, group]  # (a', b)
    QP[:, group] = P[:, group]  # (a, b')
    fp, fq, fpq, fqp = f(P), f(Q), f(PQ), f(QP)
    scale = _rms(np.concatenate([fp, fq]))
    if kind == "add":
        return float(np.median(np.abs(fp + fq - fpq - fqp)) / scale)
    if kind == "mul":
        return float(np.median(np.abs(fp * fq - fpq * fqp)) / scale**2)
    raise ValueError(f"kind must be 'add' or 'mul', got {kind!r}")


def best_split(f: Callable, X: np.ndarray, variables: Sequence[int], kind: str, *, n_pairs: int = 400,
               seed: int = 0) -> tuple[tuple[int, ...], Violation]:
    """The bipartition of ``variables`` (columns of ``X``) with the smallest violation of ``kind``;
    ``((), inf)`` for fewer than two variables. Partitions are enumerated up to the half of the
    smaller side (``2**(d-1) - 1`` of them for ``d`` variables)."""
    variables = list(variables)
    if len(variables) < 2:
        return (), float("inf")
    best = ((), float("inf"))
    first, rest = variables[0], variables[1:]
    for size in range(0, len(rest)):
        for combo in itertools.combinations(rest, size):
            group = (first,) + combo
            if len(group) == len(variables):
                continue
            v = split_violation(f, X, group, kind, n_pairs=n_pairs, seed=seed)
            if v < best[1]:
                best = (group, v)
    return best


def symmetry_violation(f: Callable, X: np.ndarray, i: int, j: int, kind: str, *, n_pairs: int = 400,
                       seed: int = 0) -> Violation:
    """Violation of "``f`` depends on columns ``i, j`` only through ``x_i - x_j``" (``"difference"``),
    ``x_i + x_j``, ``x_i * x_j`` or ``x_i / x_j``: both columns are moved so that the combination
    stays fixed (shifted by a common amount, or scaled by a common factor) and the relative change of
    ``f`` is measured."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(X), n_pairs)
    P = X[rows].copy()
    Q = P.copy()
    spread_i = float(np.std(X[:, i])) or 1.0
    if kind in ("difference", "sum"):
        shift = rng.normal(0.0, 0.3 * spread_i, n_pairs)
        Q[:, i] += shift
        Q[:, j] += shift if kind == "difference" else -shift
    elif kind in ("product", "ratio"):
        if np.any(X[:, [i, j]] == 0):
            return float("inf")
        factor = np.exp(rng.normal(0.0, 0.2, n_pairs))
        Q[:, i] *= factor
        Q[:, j] *= factor if kind == "ratio" else 1.0 / factor
    else:
        raise ValueError(f"kind must be one of {SYMMETRIES}, got {kind!r}")
    fp, fq = f(P), f(Q)
    return float(np.median(np.abs(fp - fq)) / _rms(fp))
