"""Evaluate a SymPy formula on a data matrix with NumPy: symbols bound to columns, finite rows, subsamples.

A formula ``f(x_1, ..., x_d)`` is evaluated on ``X`` of shape ``(N, d)`` with column ``j`` bound to the
``j``-th variable (Symbols or names, matched by name: :func:`resolve_variables`). Evaluation never
fails on the numbers: floating-point warnings are silenced and the result is always a new float64
vector of shape ``(N,)`` (constants broadcast; a complex value becomes ``nan`` unless
``|Im| <= 1e-12 (1 + |Re|)``: :func:`as_vector`). :func:`prepare_data` keeps the rows where ``X``
(and ``y``) are finite; :func:`subsample` picks a fixed random subset of the rows beyond a cap.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp

__all__ = ["relative_rmse", "resolve_variables", "as_vector", "lambdify_numpy", "to_callable", "prepare_data", "subsample"]


def resolve_variables(expr, variables) -> list[sp.Symbol]:
    """Symbols of ``expr`` in the column order of ``variables`` (Symbols or names, matched by name)."""
    if variables is None:
        raise ValueError("`variables` is required: the Symbols (or names) of the columns of X, in order")
    if isinstance(variables, (str, sp.Symbol)):
        variables = [variables]
    free = sorted(sp.sympify(expr).free_symbols, key=lambda s: s.name)
    by_name: dict[str, sp.Symbol] = {}
    for s in free:
        if s.name in by_name and by_name[s.name] != s:
            raise ValueError(f"expression has two different symbols named {s.name!r}")
        by_name[s.name] = s
    out, names = [], []
    for v in variables:
        name = v if isinstance(v, str) else getattr(v, "name", None)
        if name is None:
            raise TypeError(f"variables must be SymPy Symbols or names, got {v!r}")
        if name in names:
            raise ValueError(f"variable {name!r} given twice")
        names.append(name)
        if name in by_name:
            out.append(by_name[name])
        elif isinstance(v, sp.Symbol):
            out.append(v)
        else:
            out.append(sp.Symbol(name, real=True))
    missing = sorted(set(by_name) - set(names))
    if missing:
        raise ValueError(f"expression uses symbols that are not columns of X: {missing}")
    return out


def as_vector(out, n: int) -> np.ndarray:
    """Lambdified output -> float64 array of shape ``(n,)`` (constants broadcast, complex -> nan
    unless the imaginary part is negligible)."""
    arr = np.asarray(out)
    if np.iscomplexobj(arr):
        real = np.real(arr)
        ok = np.abs(np.imag(arr)) <= 1e-12 * (1.0 + np.abs(real))
        arr = np.where(ok, real, np.nan)
    try:
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):  # object arrays of SymPy numbers etc.
        arr = np.array([complex(v).real if complex(v).imag == 0 else np.nan for v in arr.ravel()],
                       dtype=np.float64).reshape(arr.shape)
    if arr.size == 1:
        return np.full(n, float(arr.reshape(-1)[0]))
    if arr.size == n:
        return np.array(arr.reshape(n), dtype=np.float64)
    return np.array(np.broadcast_to(arr, (n,)), dtype=np.float64)


def lambdify_numpy(args, expr, cse: bool = False):
    """``sympy.lambdify`` of ``expr`` with the Symbols ``args`` as positional arguments, NumPy backend.

    ``cse=True`` computes each repeated sub-tree once: much faster to compile (and run) for the huge
    formulas of a barely pruned network, whose trees repeat each unit's sub-formula many times (6x
    faster on issue 12's 369 550-node formula); off by default, so small formulas evaluate exactly
    as written."""
    return sp.lambdify(list(args), expr, modules="numpy", cse=cse)


def to_callable(expr, variables, cse: bool = False) -> Callable[[np.ndarray], np.ndarray]:
    """``f(X) -> y``: NumPy evaluation of ``expr`` with column ``j`` of ``X`` bound to ``variables[j]``.

    ``cse``: see :func:`lambdify_numpy`.

    Safe: floating-point warnings are silenced (``np.errstate``), the result is always a new float64
    array of shape ``(N,)`` (constants broadcast to ``N``; complex values become ``nan``, and so do
    the values of a formula holding an ``AccumBounds``, such as ``sin(oo)``, which no printer writes).
    """
    expr = sp.sympify(expr)
    if expr.atoms(sp.AccumBounds):
        expr = expr.xreplace({bounds: sp.nan for bounds in expr.atoms(sp.AccumBounds)})
    symbols = resolve_variables(expr, variables)
    fn = lambdify_numpy(symbols, expr, cse=cse)
    d = len(symbols)

    def f(X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1) if d == 1 else X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(f"X must have shape (N, {d}), got {X.shape}")
        with np.errstate(all="ignore"):
            return as_vector(fn(*X.T), X.shape[0])

    f.expr = expr
    f.variables = symbols
    return f


def predict_or_nan(expr, X, variables) -> np.ndarray:
    """``expr`` on the rows ``X (N, d)`` as :func:`to_callable` evaluates it, shape ``(N,)``; all ``nan``
    when NumPy cannot evaluate it at all (a function it lacks, an object it cannot convert)."""
    try:
        return to_callable(expr, variables)(X)
    except Exception:  # noqa: BLE001 - lambdify and NumPy raise many kinds; none of them is a prediction
        return np.full(np.asarray(X).shape[0], np.nan)


def prepare_data(X, y, d: int):
    """Float64 ``X`` (N, d) and ``y`` (N,) (or None), restricted to rows where both are finite."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1) if d == 1 else X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"X must have shape (N, {d}) to match the variables, got {X.shape}")
    ok = np.all(np.isfinite(X), axis=1)
    if y is not None:
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        ok &= np.isfinite(y)
        y = y[ok]
    return X[ok], y


def subsample(n: int, cap: int | None, seed: int) -> np.ndarray | slice:
    """Rows to use: all (``slice(None)``) when ``cap`` is ``None`` or ``n <= cap``, else ``cap``
    distinct row indices drawn with ``seed``, sorted."""
    if cap is None or n <= cap:
        return slice(None)
    return np.sort(np.random.default_rng(seed).choice(n, size=int(cap), replace=False))


def relative_rmse(expr, variables, X, y) -> float:
    """``RMS(f(X) - y) / RMS(y)`` of the formula ``expr``; ``inf`` where it is not finite."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(to_callable(expr, variables)(X), y.shape)
    if not np.all(np.isfinite(pred)):
        return float("inf")
    return float(np.sqrt(np.mean((pred - y) ** 2)) / max(np.sqrt(np.mean(y**2)), 1e-300))
