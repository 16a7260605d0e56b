"""Input/target transforms of LIES (SPEC 1.1), with validation and their symbolic inverse.

Log space (default): column ``x_i`` (of one sign ``sigma_i``) becomes ``z_i = ln(sigma_i x_i) / s_i`` with
``s_i = max |ln(sigma_i x_i)|`` (1 when that is ~0), and the target ``y`` (one sign ``sigma_y``) becomes
``ln(sigma_y y)``, unscaled. A network output ``O`` then means ``f = sigma_y exp(O)``: power laws come out
as ``x^a``. Columns inside (0, 1] are safe (no division by a log maximum near 0 and no sign flip).

Linear space (``log_space=False``): ``z_i = x_i / s_i`` with ``s_i = max |x_i|``, target as is, ``f = O``;
the way out for mixed-sign or zero-containing data.

Errors are :class:`DataError` (a ``ValueError``) with one line that names the problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy as sp

__all__ = ["DataError", "SpaceTransform", "validate_xy", "MIN_ROWS"]

MIN_ROWS = 10
_TINY_SCALE = 1e-8


class DataError(ValueError):
    """Input data that keras-symbolic cannot train on; the message names the column/row problem."""


def _names(n: int, names: Sequence[str] | None) -> list:
    if names is None:
        return [f"x{i}" for i in range(n)]
    names = [str(v) for v in names]
    if len(names) != n:
        raise DataError(f"{len(names)} feature names given for {n} columns")
    if len(set(names)) != n:
        raise DataError(f"feature names must be unique, got {names}")
    return names


def validate_xy(X, y=None, feature_names=None, min_rows: int = MIN_ROWS):
    """Check shapes and finiteness; return ``(X float64 (N, n), y float64 (N,) or None, names)``."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"X must be numeric: {exc}") from None
    if X.ndim == 1:
        raise DataError(f"X must be 2-D (rows, columns), got a 1-D array of shape {X.shape}; use X.reshape(-1, 1)")
    if X.ndim != 2:
        raise DataError(f"X must be 2-D (rows, columns), got shape {X.shape}")
    if X.shape[1] == 0:
        raise DataError("X has no columns")
    names = _names(X.shape[1], feature_names)
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(
            f"column '{names[col]}' has {int(bad[:, col].sum())} non-finite value(s) (NaN/inf), first at row {row}"
        )
    if y is not None:
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(f"y must be numeric: {exc}") from None
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise DataError(f"y must be 1-D (one target), got shape {y.shape}")
        if y.shape[0] != X.shape[0]:
            raise DataError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        bad_y = ~np.isfinite(y)
        if bad_y.any():
            raise DataError(f"target has {int(bad_y.sum())} non-finite value(s) (NaN/inf), first at row {np.argmax(bad_y)}")
    if X.shape[0] < min_rows:
        raise DataError(f"too few rows: {X.shape[0]} (at least {min_rows} are needed)")
    return X, y, names


def _sign_of(values: np.ndarray, what: str, log_space: bool) -> float:
    if not log_space:
        return 1.0
    if (values > 0).all():
        return 1.0
    if (values < 0).all():
        return -1.0
    n_zero = int((values == 0).sum())
    if n_zero:
        raise DataError(
            f"{what} contains {n_zero} zero value(s): log space needs one strict sign; pass log_space=False"
        )
    raise DataError(
        f"{what} has both signs (min {values.min():.4g}, max {values.max():.4g}): log space needs one sign; "
        "pass log_space=False to train in linear space"
    )


@dataclass
class SpaceTransform:
    """Fitted transform between data space and network space (see module docstring)."""

    log_space: bool = True
    feature_names: list = field(default_factory=list)
    signs: np.ndarray = None
    scales: np.ndarray = None
    target_sign: float = 1.0

    @classmethod
    def fit(cls, X, y, feature_names=None, log_space: bool = True, scale_inputs: bool = True) -> "SpaceTransform":
        """Fit signs and scales on ``X, y``; ``scale_inputs=False`` keeps ``s_i = 1`` (raw logs)."""
        X, y, names = validate_xy(X, y, feature_names)
        signs = np.array([_sign_of(X[:, i], f"column '{n}'", log_space) for i, n in enumerate(names)])
        target_sign = _sign_of(y, "target", log_space) if y is not None else 1.0
        raw = np.log(X * signs) if log_space else X
        scales = np.abs(raw).max(axis=0)
        scales = np.where((scales < _TINY_SCALE) | (not scale_inputs), 1.0, scales)
        return cls(log_space=log_space, feature_names=names, signs=signs, scales=scales, target_sign=target_sign)

    def _check_columns(self, X):
        X, _, _ = validate_xy(X, None, self.feature_names, min_rows=1)
        if self.log_space:
            prod = X * self.signs
            if (prod <= 0).any():
                row, col = np.argwhere(prod <= 0)[0]
                sign = "positive" if self.signs[col] > 0 else "negative"
                raise DataError(
                    f"column '{self.feature_names[col]}' must be {sign} (as in training) but row {row} has {X[row, col]:.4g}"
                )
        return X

    def transform_X(self, X) -> np.ndarray:
        """``(N, n)`` data -> ``(N, n)`` network inputs (float32)."""
        X = self._check_columns(X)
        raw = np.log(X * self.signs) if self.log_space else X
        return (raw / self.scales).astype(np.float32)

    def transform_y(self, y) -> np.ndarray:
        """``(N,)`` targets -> ``(N, 1)`` network targets (float32)."""
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if self.log_space:
            prod = y * self.target_sign
            if (prod <= 0).any():
                raise DataError(f"target must keep one sign (as in training); row {int(np.argmax(prod <= 0))} does not")
            y = np.log(prod)
        return y.astype(np.float32)[:, None]

    def inverse_y(self, out) -> np.ndarray:
        """Network outputs -> data-space predictions ``f``."""
        out = np.asarray(out, dtype=np.float64).reshape(-1)
        if not self.log_space:
            return out
        with np.errstate(over="ignore"):
            return self.target_sign * np.exp(out)

    def symbols(self) -> list:
        """Real SymPy symbols named as the columns (positive/negative when the column has one sign)."""
        out = []
        for name, sign in zip(self.feature_names, self.signs):
            if self.log_space:
                out.append(sp.Symbol(name, positive=True) if sign > 0 else sp.Symbol(name, negative=True))
            else:
                out.append(sp.Symbol(name, real=True))
        return out

    def input_expressions(self, symbols=None) -> list:
        """SymPy expressions of the network inputs ``z_i`` in terms of the column symbols."""
        symbols = symbols or self.symbols()
        exprs = []
        for s, sign, scale in zip(symbols, self.signs, self.scales):
            base = sp.log(s if sign > 0 else -s) if self.log_space else s
            exprs.append(base / sp.Float(float(scale), 15))
        return exprs

    def output_expression(self, network_out: sp.Expr) -> sp.Expr:
        """Data-space formula ``f`` from the network output expression ``O``."""
        if not self.log_space:
            return network_out
        f = sp.exp(network_out)
        return -f if self.target_sign < 0 else f

    def to_dict(self) -> dict:
        return {
            "log_space": self.log_space,
            "feature_names": list(self.feature_names),
            "signs": [float(v) for v in self.signs],
            "scales": [float(v) for v in self.scales],
            "target_sign": float(self.target_sign),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "SpaceTransform":
        return cls(
            log_space=d["log_space"],
            feature_names=list(d["feature_names"]),
            signs=np.asarray(d["signs"], dtype=np.float64),
            scales=np.asarray(d["scales"], dtype=np.float64),
            target_sign=float(d["target_sign"]),
        )
