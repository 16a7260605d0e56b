"""Input/target transforms of LIES (SPEC 1.1), with validation and their symbolic inverse.

Log space (default): column ``x_i`` (of one sign ``sigma_i``) becomes ``z_i = ln(sigma_i x_i) / s_i`` with
``s_i = max |ln(sigma_i x_i)|`` (1 when that is ~0), and the target ``y`` (one sign ``sigma_y``) becomes
``ln(sigma_y y)``, unscaled. A network output ``O`` then means ``f = sigma_y exp(O)``: power laws come out
as ``x^a``. Columns inside (0, 1] are safe (no division by a log maximum near 0 and no sign flip).

Linear space (``log_space=False``): ``z_i = x_i / s_i`` with ``s_i = max |x_i|``, target as is, ``f = O``;
the way out for mixed-sign or zero-containing data.

Far scales (values from 1e-150 to 1e150): the network only sees numbers near 1, and the inverse is
exact in the formula. In log space a column whose ``|ln x|`` passes :data:`FAR_LOG` is centred on the
middle ``m_i`` of its log range (``z_i = (ln(sigma_i x_i) - m_i) / s_i``), and a target whose ``|ln y|``
passes it is shifted by the integer ``c`` nearest its mean log (``f = sigma_y exp(O + c)``). In linear
space a target whose largest ``|y|`` lies outside ``[LINEAR_SMALL, LINEAR_LARGE]`` is divided by the
power of ten ``10^k`` nearest it (``f = 10^k O``), and an input column whose largest ``|x|`` lies outside
``[1/LINEAR_FAR, LINEAR_FAR]`` is divided by the power of ten nearest it even when inputs are not
scaled (``scale_inputs=False``): raw values beyond float32's range (~3e38, ~1e-38) would reach the
network as inf or 0. Data inside these bounds is transformed as before.

Errors are :class:`DataError` (a ``ValueError``) with one line that names the problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy as sp

__all__ = ["DataError", "NotNumericError", "SpaceTransform", "validate_xy", "check_sample_weight", "AUTO_MIN_ROWS", "MIN_ROWS", "MAX_LIES_FEATURES", "MAX_AUTO_FEATURES", "FAR_LOG", "LINEAR_SMALL",
           "LINEAR_LARGE", "LINEAR_FAR"]

MIN_ROWS = 10
#: Fewest rows of a table for the discovery engine (``method="auto"``): Kepler's six planets. It
#: judges small tables by leave-one-out.
AUTO_MIN_ROWS = 6
#: Input columns LIES takes at most: its network (and the formula search) grows with every input.
MAX_LIES_FEATURES = 50
#: Input columns the discovery engine takes at most (beyond a dozen its libraries and split tests
#: already narrow themselves: no pair terms, splits of one or two variables).
MAX_AUTO_FEATURES = 50
_TINY_SCALE = 1e-8
#: ``|ln x|`` beyond which a log-space column is centred (and a target shifted): x outside [2e-9, 5e8].
FAR_LOG = 20.0
#: Linear-space targets whose largest ``|y|`` is outside these bounds are scaled by a power of ten.
LINEAR_SMALL, LINEAR_LARGE = 1e-3, 20.0
#: Linear-space input columns whose largest ``|x|`` is outside ``[1/LINEAR_FAR, LINEAR_FAR]`` are always
#: divided by a power of ten (also with ``scale_inputs=False``).
LINEAR_FAR = 1e6


class DataError(ValueError):
    """Input data that keras-symbolic cannot train on; the message names the column/row problem."""


class NotNumericError(DataError, TypeError):
    """Cells that are not numbers (a dict, a string): a :class:`DataError` that is also the ``TypeError``
    scikit-learn's conventions expect."""


def _names(n: int, names: Sequence[str] | None) -> list:
    if names is None:
        return [f"x{i}" for i in range(n)]
    names = [str(v) for v in names]
    if len(names) != n:
        raise DataError(f"{len(names)} feature names given for {n} columns")
    if len(set(names)) != n:
        dupes = sorted({v for v in names if names.count(v) > 1})
        raise DataError(f"feature names must be unique; repeated: {', '.join(repr(d) for d in dupes)}")
    return names


def check_sample_weight(sample_weight, n: int):
    """``sample_weight`` as ``(n,)`` floats scaled to mean 1 (``None`` stays ``None``); a
    :class:`DataError` unless there is one weight per row, every weight is finite and >= 0, and one is
    > 0."""
    if sample_weight is None:
        return None
    try:
        w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError("sample weights must be numbers") from None
    if w.shape != (n,):
        raise DataError(f"sample weights: one per row is needed ({n}), got {w.shape[0]}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise DataError("sample weights must be finite and >= 0, and not all zero")
    return w / float(np.mean(w))


def validate_xy(X, y=None, feature_names=None, min_rows: int = MIN_ROWS, max_features: int | None = None):
    """Check shapes and finiteness; return ``(X float64 (N, n), y float64 (N,) or None, names)``.

    The one check of every table, on the command line and in the estimators (same words): sparse or
    complex data, shapes, unique names, NaN/inf, ``min_rows`` rows, at most ``max_features`` columns."""
    from scipy.sparse import issparse

    if issparse(X) or issparse(y):
        raise DataError("sparse input is not supported: pass a dense array (X.toarray())")
    try:  # as an array first (array-likes without __array_function__ included), then as real numbers
        X = np.asarray(X)
        y = None if y is None else np.asarray(y)
    except (TypeError, ValueError) as exc:
        raise NotNumericError(f"X must be numeric: {exc}") from None
    if np.iscomplexobj(X) or np.iscomplexobj(y):
        raise DataError("Complex data not supported: pass real numbers")
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise NotNumericError(f"X must be numeric: {exc}") from None
    if X.ndim == 1:
        raise DataError(f"X must be 2-D (rows, columns), got a 1-D array of shape {X.shape}; "
                        "Reshape your data with X.reshape(-1, 1)")
    if X.ndim != 2:
        raise DataError(f"X must be 2-D (rows, columns), got shape {X.shape}")
    if X.shape[1] == 0:
        raise DataError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required: no input columns")
    if max_features is not None and X.shape[1] > max_features:
        raise DataError(f"{X.shape[1]} input columns: this method fits at most {max_features} (its network "
                        "and searches grow with every input); choose the columns that matter")
    if X.shape[0] == 0:
        raise DataError(f"the table has no rows (at least {min_rows} are needed)")
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
            raise NotNumericError(f"y must be numeric: {exc}") from None
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
        raise DataError(f"too few rows: {X.shape[0]} sample{'' if X.shape[0] == 1 else 's'} "
                        f"(at least {min_rows} are needed)")
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
    offsets: np.ndarray = None
    target_offset: float = 0.0
    target_scale: float = 1.0

    def __post_init__(self):
        if self.offsets is None and self.scales is not None:
            self.offsets = np.zeros(len(self.scales))

    @classmethod
    def fit(cls, X, y, feature_names=None, log_space: bool = True, scale_inputs: bool = True) -> "SpaceTransform":
        """Fit signs and scales on ``X, y``; ``scale_inputs=False`` keeps ``s_i = 1`` (raw logs)."""
        X, y, names = validate_xy(X, y, feature_names)
        signs = np.array([_sign_of(X[:, i], f"column '{n}'", log_space) for i, n in enumerate(names)])
        target_sign = _sign_of(y, "target", log_space) if y is not None else 1.0
        raw = np.log(X * signs) if log_space else X
        offsets = np.zeros(X.shape[1])
        if log_space:
            far = np.abs(raw).max(axis=0) > FAR_LOG
            offsets = np.where(far, (raw.max(axis=0) + raw.min(axis=0)) / 2, 0.0)
        scales = np.abs(raw - offsets).max(axis=0)
        scales = np.where((scales < _TINY_SCALE) | (not scale_inputs), 1.0, scales)
        if not log_space:
            top = np.abs(raw).max(axis=0)
            far = (top > 0) & ((top > LINEAR_FAR) | (top < 1.0 / LINEAR_FAR))
            scales = np.where(far & (scales == 1.0), 10.0 ** np.round(np.log10(np.where(far, top, 1.0))), scales)
        target_offset, target_scale = 0.0, 1.0
        if y is not None and log_space:
            logs = np.log(y * target_sign)
            target_offset = float(np.round(logs.mean())) if np.abs(logs).max() > FAR_LOG else 0.0
        elif y is not None:
            top = float(np.abs(y).max())
            if top > 0 and not LINEAR_SMALL <= top <= LINEAR_LARGE:
                target_scale = float(10.0 ** np.round(np.log10(top)))
        return cls(log_space=log_space, feature_names=names, signs=signs, scales=scales, target_sign=target_sign,
                   offsets=offsets, target_offset=target_offset, target_scale=target_scale)

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
        return ((raw - self.offsets) / self.scales).astype(np.float32)

    def transform_y(self, y) -> np.ndarray:
        """``(N,)`` targets -> ``(N, 1)`` network targets (float32)."""
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if self.log_space:
            prod = y * self.target_sign
            if (prod <= 0).any():
                raise DataError(f"target must keep one sign (as in training); row {int(np.argmax(prod <= 0))} does not")
            y = np.log(prod) - self.target_offset
        else:
            y = y / self.target_scale
        return y.astype(np.float32)[:, None]

    def inverse_y(self, out) -> np.ndarray:
        """Network outputs -> data-space predictions ``f``."""
        out = np.asarray(out, dtype=np.float64).reshape(-1)
        if not self.log_space:
            return out * self.target_scale
        with np.errstate(over="ignore"):
            return self.target_sign * np.exp(out + self.target_offset)

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
        for s, sign, scale, offset in zip(symbols, self.signs, self.scales, self.offsets):
            base = sp.log(s if sign > 0 else -s) if self.log_space else s
            if offset:
                base = base - sp.Float(float(offset), 15)
            exprs.append(base / sp.Float(float(scale), 15))
        return exprs

    def output_expression(self, network_out: sp.Expr) -> sp.Expr:
        """Data-space formula ``f`` from the network output expression ``O``."""
        if not self.log_space:
            return network_out if self.target_scale == 1.0 else sp.Float(self.target_scale, 15) * network_out
        f = sp.exp(network_out + int(self.target_offset)) if self.target_offset else sp.exp(network_out)
        return -f if self.target_sign < 0 else f

    def to_dict(self) -> dict:
        return {
            "log_space": self.log_space,
            "feature_names": list(self.feature_names),
            "signs": [float(v) for v in self.signs],
            "scales": [float(v) for v in self.scales],
            "target_sign": float(self.target_sign),
            "offsets": [float(v) for v in self.offsets],
            "target_offset": float(self.target_offset),
            "target_scale": float(self.target_scale),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "SpaceTransform":
        return cls(
            log_space=d["log_space"],
            feature_names=list(d["feature_names"]),
            signs=np.asarray(d["signs"], dtype=np.float64),
            scales=np.asarray(d["scales"], dtype=np.float64),
            target_sign=float(d["target_sign"]),
            offsets=np.asarray(d.get("offsets", np.zeros(len(d["scales"]))), dtype=np.float64),
            target_offset=float(d.get("target_offset", 0.0)),
            target_scale=float(d.get("target_scale", 1.0)),
        )
