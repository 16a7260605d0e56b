"""How noisy is a table? An estimate of the noise standard deviation ``sigma`` from the rows alone.

A smooth ``f`` is locally quadratic. Around a row ``x_q`` its ``k`` nearest neighbours (inputs
standardised) are fitted by least squares as ``y ~ c + g . u + u^T H u`` with ``u = x - x_q`` (``p =
(d + 1)(d + 2) / 2`` coefficients, ``k = max(2 p, p + 12)``); the row's own value then differs from the
local prediction ``c`` by its noise, the local fit's error, and what the third derivatives show over the
neighbourhood:

    (y_q - c)**2 / (1 + [(A^T A)^-1]_00)  ~  sigma**2 chi2_1  (+ a cubic bias on curved rows)

with ``A (k, p)`` the local design and ``[(A^T A)^-1]_00`` the variance of ``c`` per unit of
``sigma**2``. The bias is not spread evenly: a few rows where ``f`` bends hard carry most of it. So the
estimate is the *median* of the corrected squared residuals over ``median(chi2_1) = 0.4549``, which
those rows barely move. This is the idea of the Gamma test (Stefansson, Koncar and Jones, 1997) with a
local quadratic fit in place of the plain neighbour difference.

Where a quadratic needs more rows than the table has (``n < 2 k + 2``) or more coefficients than are
sensible (``d > 10``), a local *linear* fit is used at two sizes ``k`` and ``2 k`` (``k = max(4 d + 8,
12)``); its curvature bias grows as ``r**4``, ``r**2`` the mean squared distance to a neighbour, and

    sigma**2 = (v_1 r_2**2 - v_2 r_1**2) / (r_2**2 - r_1**2)

is the mean squared residual extrapolated to a neighbourhood of size zero (clipped to ``[0, v_1]``).

Measured by ``benchmarks/noise_floor_accuracy.py`` (2026-12-06) on the 100 AI Feynman equations and the
67 formulas of ``benchmarks/dev_formulas.py``: within a factor 2 of ``sigma`` on 75 % and 79 % of them at
0.1 % noise (the linear extrapolation: 36 % and 39 %, it read curvature as noise), 97 % at 1 %, all at
10 %; on clean rows a median of 0.015 % of ``RMS(y)``. With less noise than ``f``'s third derivatives
show, the estimate is that resolution instead: an upper bound, not ``sigma``.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["noise_floor", "NOISY"]

#: A relative noise floor (of RMS(y)) above which the data are clearly noisy: the estimate is then the
#: noise, not the curvature bias that bounds it on clean tables of several variables.
NOISY = 0.02
#: Most columns a local quadratic is fitted on (66 coefficients); beyond, the local linear fit.
QUADRATIC_MAX_COLUMNS = 10
#: The median of a chi-squared variable of one degree of freedom.
CHI2_1_MEDIAN = 0.45493642311957


def _linear_design(offsets: np.ndarray) -> np.ndarray:
    """``(m, k, d + 1)``: ``[1, u]`` of the offsets ``u (m, k, d)``."""
    return np.concatenate([np.ones(offsets.shape[:2] + (1,)), offsets], axis=2)


def _quadratic_design(offsets: np.ndarray) -> np.ndarray:
    """``(m, k, p)``: ``[1, u, u_i u_j (i <= j)]`` of the offsets ``u (m, k, d)``."""
    i, j = np.triu_indices(offsets.shape[2])
    return np.concatenate([_linear_design(offsets), offsets[..., i] * offsets[..., j]], axis=2)


def _local_residuals(Z: np.ndarray, y: np.ndarray, rows: np.ndarray, k: int, design) -> tuple[np.ndarray, float]:
    """``(residuals (m,), r2)``: the squared residuals of ``y[rows]`` against local fits (``design`` of
    the offsets) on their ``k`` nearest neighbours, each divided by ``1 + var(c)/sigma**2``, and the
    mean squared distance to those neighbours."""
    from sklearn.neighbors import NearestNeighbors

    _, near = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z[rows])
    near = near[:, 1:]  # the row itself is its own nearest neighbour
    offsets = Z[near] - Z[rows][:, None, :]  # (m, k, d)
    A = design(offsets)  # (m, k, p)
    gram = np.matmul(A.transpose(0, 2, 1), A)
    rhs = np.matmul(A.transpose(0, 2, 1), y[near][..., None])
    # the SVD: repeated rows (a grid of doses) make ``gram`` singular; numpy's batched ``hermitian=True``
    # path is two orders of magnitude slower on a stack of small matrices
    inverse = np.linalg.pinv(gram)
    centre = (inverse @ rhs)[:, 0, 0]
    variance_factor = 1.0 + np.maximum(inverse[:, 0, 0], 0.0)
    return (y[rows] - centre) ** 2 / variance_factor, float(np.mean(np.sum(offsets**2, axis=2)))


def _linear_extrapolated(Z: np.ndarray, y: np.ndarray, rows: np.ndarray, k: int) -> float:
    """The linear fits' mean squared residual at sizes ``k`` and ``2 k``, extrapolated to size 0."""
    v1, r1 = _local_residuals(Z, y, rows, k, _linear_design)
    v2, r2 = _local_residuals(Z, y, rows, 2 * k, _linear_design)
    v1, v2 = float(np.mean(v1)), float(np.mean(v2))
    if r2 <= r1:
        return v1
    return float(np.clip((v1 * r2**2 - v2 * r1**2) / (r2**2 - r1**2), 0.0, v1))


def noise_floor(X, y, *, max_rows: int = 2000, seed: int = 0, quadratic: bool = True) -> float:
    """The estimated noise standard deviation of ``y (n,)`` over ``X (n, d)``, in ``y``'s units (see
    the module); NaN when there are too few rows even for the linear fits (fewer than ``2 k + 2`` with
    ``k = max(4 d + 8, 12)``), 0.0 when ``y`` is constant. At most ``max_rows`` query rows: a second or
    two on 10 000 rows of 9 variables. ``quadratic=False`` forces the local linear extrapolation (the
    estimate before 2026-12-06; ``benchmarks/noise_floor_accuracy.py`` compares the two)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    n, d = X.shape
    k_linear = max(4 * d + 8, 12)
    if n < 2 * k_linear + 2:
        return float("nan")
    if not np.std(y) > 0:
        return 0.0
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - X.mean(axis=0)) / scale
    rows = np.random.default_rng(seed).choice(n, min(n, max_rows), replace=False)
    p = (d + 1) * (d + 2) // 2
    k = max(2 * p, p + 12)
    # thousands of small SVDs: BLAS threads only contend for them (minutes instead of seconds on a
    # loaded machine)
    with threadpool_limits(limits=1):
        if quadratic and d <= QUADRATIC_MAX_COLUMNS and n >= 2 * k + 2:
            residuals, _ = _local_residuals(Z, y, rows, k, _quadratic_design)
            return float(np.sqrt(np.median(residuals) / CHI2_1_MEDIAN))
        return float(np.sqrt(_linear_extrapolated(Z, y, rows, k_linear)))
