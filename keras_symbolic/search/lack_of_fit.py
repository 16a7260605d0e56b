"""Is a formula at the noise floor, or is there structure left in its residuals?

A lack-of-fit test that needs no noise level: a k-nearest-neighbour regression (scikit-learn) of the
residuals ``r = y - f(X)`` on the standardised inputs is fitted on the training rows and scored on the
held-out rows. If ``f`` is the law and the rest is noise, neighbours say nothing about a row's residual
(held-out R^2 ~ -1/k); if ``f`` misses a smooth part of the function, neighbours share it (R^2 > 0).

``structure = R^2`` of that prediction, and the residual RMS it cannot explain estimates the noise:
``noise ~ RMS(r_val - knn(r_val))  * sqrt(k / (k + 1))`` (a k-neighbour mean adds ``sigma**2 / k`` of
its own).
"""
from __future__ import annotations

import numpy as np

__all__ = ["residual_structure", "STRUCTURE_THRESHOLD"]

#: Held-out R^2 of the neighbours' prediction of the residuals above which they hold structure.
STRUCTURE_THRESHOLD = 0.02


def residual_structure(X, residual, train, val, k: int = 10, max_rows: int = 5000) -> tuple[float, float]:
    """``(structure, noise)`` of ``residual (n,)`` over ``X (n, d)``: the held-out R^2 with which
    ``k`` nearest training neighbours predict a held-out row's residual, and the residual RMS they leave
    (see the module). Rows beyond ``max_rows`` (training) are not used: the test costs milliseconds."""
    from sklearn.neighbors import KNeighborsRegressor

    X = np.asarray(X, dtype=np.float64)
    r = np.asarray(residual, dtype=np.float64)
    train, val = np.asarray(train)[:max_rows], np.asarray(val)[:max_rows]
    scale = X[train].std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - X[train].mean(axis=0)) / scale
    knn = KNeighborsRegressor(n_neighbors=min(k, len(train))).fit(Z[train], r[train])
    pred = knn.predict(Z[val])
    total = float(np.sum((r[val] - r[val].mean()) ** 2))
    left = float(np.sum((r[val] - pred) ** 2))
    structure = 1.0 - left / total if total > 0 else 0.0
    noise = float(np.sqrt(left / max(len(val), 1) * k / (k + 1)))
    return structure, noise
