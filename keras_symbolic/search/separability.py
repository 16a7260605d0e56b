"""Tests of a function's structure, asked of any callable ``f(X (n, d)) -> (n,)`` (a neural surrogate
of the rows, or a known formula): which variables matter, whether it splits into a sum or a product of
functions of disjoint variable groups, and whether a pair of variables enters only through their
difference, sum, product or ratio. AI Feynman's tests (Udrescu & Tegmark 2020), written here as
finite checks on pairs of rows, so they need no derivatives of the surrogate.

For two rows ``p = (a, b)`` and ``q = (a', b')`` split into groups ``A`` and ``B``:

* additive separability, ``f = g(A) + h(B)``, holds iff ``f(a, b) + f(a', b') = f(a, b') + f(a', b)``;
* multiplicative separability, ``f = g(A) h(B)``, holds iff ``f(a, b) f(a', b') = f(a, b') f(a', b)``
  (no logarithm, so signs and zeros are allowed); up to a constant, ``f = c + g(A) h(B)``, iff the
  same holds for ``f - c`` (a product that sits in a sum whose other terms are held fixed).

Each test returns a violation: the median over pairs of rows of the identity's residual, relative to
the RMS of ``f`` (squared for the product). It is ~0 when the property holds and is compared by the
caller with the surrogate's own error.
"""
from __future__ import annotations

import itertools
from typing import Callable, Sequence

import numpy as np

__all__ = ["Violation", "irrelevance", "split_violation", "product_offset", "all_splits", "best_split", "symmetry_violation",
           "SYMMETRIES"]

Violation = float
#: Pair symmetries: name -> (new variable of the pair, how to move both so that it stays fixed).
SYMMETRIES = ("difference", "sum", "product", "ratio")
#: Most variables for which every bipartition is tested (511 for ten).
MAX_ALL_PARTITIONS_VARIABLES = 10


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


def _quadruples(f, X, group, n_pairs, seed):
    rng = np.random.default_rng(seed)
    i, j = _pairs(len(X), n_pairs, rng)
    group = list(group)
    P, Q = X[i], X[j]
    PQ, QP = P.copy(), Q.copy()
    PQ[:, group] = Q[:, group]  # (a', b)
    QP[:, group] = P[:, group]  # (a, b')
    return f(P), f(Q), f(PQ), f(QP)


def product_offset(fp, fq, fpq, fqp) -> float:
    """The constant ``c`` for which ``f - c`` is closest to a product: from
    ``(f_ab - c)(f_a'b' - c) = (f_a'b - c)(f_ab' - c)``,
    ``c = (f_ab f_a'b' - f_a'b f_ab') / (f_ab + f_a'b' - f_a'b - f_ab')``, the median over pairs."""
    den = fp + fq - fpq - fqp
    scale = _rms(np.concatenate([fp, fq]))
    ok = np.abs(den) > 1e-3 * scale
    if ok.sum() < 10:
        return 0.0
    return float(np.median((fp * fq - fpq * fqp)[ok] / den[ok]))


def split_violation(f: Callable, X: np.ndarray, group: Sequence[int], kind: str, *, n_pairs: int = 400,
                    seed: int = 0, offset: float = 0.0) -> Violation:
    """Violation of ``f = g(X[:, group]) + h(X[:, rest])`` (``kind="add"``) or of
    ``f - offset = g(X[:, group]) * h(X[:, rest])`` (``kind="mul"``)."""
    if kind not in ("add", "mul"):
        raise ValueError(f"kind must be 'add' or 'mul', got {kind!r}")
    add, mul = _violations(*_quadruples(f, X, group, n_pairs, seed), offset=offset)
    return add if kind == "add" else mul


def _violations(fp, fq, fpq, fqp, offset: float = 0.0) -> tuple[float, float]:
    """``(sum violation, product violation of f - offset)`` of one set of quadruples."""
    add = float(np.median(np.abs(fp + fq - fpq - fqp)) / _rms(np.concatenate([fp, fq])))
    fp, fq, fpq, fqp = fp - offset, fq - offset, fpq - offset, fqp - offset
    return add, float(np.median(np.abs(fp * fq - fpq * fqp)) / _rms(np.concatenate([fp, fq])) ** 2)


def all_splits(f: Callable, X: np.ndarray, variables: Sequence[int], *, n_pairs: int = 400, seed: int = 0,
               offset: bool = True) -> dict:
    """The best bipartition of ``variables`` (columns of ``X``) for each kind of split, as
    ``{kind: (group, violation, offset)}`` with kinds ``"add"``, ``"mul"`` (a plain product) and, when
    ``offset``, ``"mul_offset"``: ``f = c + g h`` (a product inside a sum whose other terms are held
    fixed), ``c`` estimated by :func:`product_offset` on other pairs of rows. One set of function
    evaluations per partition serves all kinds. ``{}`` for fewer than two variables. Partitions:
    ``2**(d-1) - 1`` for ``d`` variables, up to :data:`MAX_ALL_PARTITIONS_VARIABLES`; beyond, the
    groups of one or two variables against the rest."""
    variables = list(variables)
    if len(variables) < 2:
        return {}
    first, rest = variables[0], variables[1:]
    if len(variables) <= MAX_ALL_PARTITIONS_VARIABLES:
        groups = [(first,) + combo for size in range(len(rest)) for combo in itertools.combinations(rest, size)]
    else:  # one or two variables against the rest
        groups = [(v,) for v in variables] + list(itertools.combinations(variables, 2))
    fp, fq, fpq, fqp = _batched_quadruples(f, X, groups, n_pairs, seed)
    if offset:
        offset_quadruples = _batched_quadruples(f, X, groups, n_pairs, seed + 1)
    kinds = ("add", "mul", "mul_offset") if offset else ("add", "mul")
    best = {kind: ((), float("inf"), 0.0) for kind in kinds}
    for k, group in enumerate(groups):
        found = dict(zip(("add", "mul"), _violations(fp, fq, fpq[k], fqp[k])))
        c = 0.0
        if offset:
            op, oq, opq, oqp = offset_quadruples
            c = product_offset(op, oq, opq[k], oqp[k])
            found["mul_offset"] = _violations(fp, fq, fpq[k], fqp[k], offset=c)[1]
        for kind in kinds:
            if found[kind] < best[kind][1]:
                best[kind] = (group, found[kind], c if kind == "mul_offset" else 0.0)
    return best


def _batched_quadruples(f, X, groups, n_pairs, seed):
    """:func:`_quadruples` for every group at once: ``f(P)``, ``f(Q)`` ``(m,)`` are shared, the
    exchanged rows of all groups go through ``f`` in one call (``(n_groups, m)`` each); a surrogate
    answers one large call much faster than many small ones."""
    rng = np.random.default_rng(seed)
    i, j = _pairs(len(X), n_pairs, rng)
    P, Q = X[i], X[j]
    PQ = np.repeat(P[None], len(groups), axis=0)
    QP = np.repeat(Q[None], len(groups), axis=0)
    for k, group in enumerate(groups):
        PQ[k][:, list(group)] = Q[:, list(group)]
        QP[k][:, list(group)] = P[:, list(group)]
    exchanged = f(np.concatenate([PQ.reshape(-1, X.shape[1]), QP.reshape(-1, X.shape[1])]))
    fpq, fqp = exchanged.reshape(2, len(groups), len(i))
    return f(P), f(Q), fpq, fqp


def best_split(f: Callable, X: np.ndarray, variables: Sequence[int], kind: str, *, n_pairs: int = 400,
               seed: int = 0) -> tuple[tuple[int, ...], Violation, float]:
    """The bipartition of ``variables`` with the smallest violation of ``kind``, as ``(group,
    violation, offset)``; for ``"mul"`` the product may hold up to a constant ``offset`` (see
    :func:`all_splits`), used when it lowers the violation. ``((), inf, 0)`` for fewer than two
    variables."""
    if kind not in ("add", "mul"):
        raise ValueError(f"kind must be 'add' or 'mul', got {kind!r}")
    found = all_splits(f, X, variables, n_pairs=n_pairs, seed=seed, offset=kind == "mul")
    if not found:
        return ((), float("inf"), 0.0)
    return min((found[k] for k in found if k.startswith(kind)), key=lambda t: t[1])


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
    with np.errstate(all="ignore"):
        fp, fq = f(P), f(Q)
    ok = np.isfinite(fp) & np.isfinite(fq)  # a move may leave the function's domain
    if ok.sum() < 10:
        return float("inf")
    return float(np.median(np.abs(fp[ok] - fq[ok])) / _rms(fp[ok]))
