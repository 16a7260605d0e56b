"""One AI Feynman equation: :class:`FeynmanEquation`, its formula, sampling and sign analyses.

Sampling follows AI Feynman and SRBench: each variable :math:`x_j \\sim U(\\mathrm{low}_j, \\mathrm{high}_j)`
independently, :math:`y = f(x)`. The trigonometric and sign analyses over the sampling box decide
the LIES subset (:func:`keras_symbolic.datasets.feynman.lies_subset`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Callable, Sequence

import numpy as np
import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction, InverseHyperbolicFunction
from sympy.functions.elementary.trigonometric import InverseTrigonometricFunction, TrigonometricFunction

from ..symbolic.parsing import parse_expression
from .feynman_files import srbench_dataset_names

__all__ = ["FeynmanEquation", "TRIG_CLASSES"]

TRIG_CLASSES = (TrigonometricFunction, InverseTrigonometricFunction, HyperbolicFunction,
                InverseHyperbolicFunction)
"""Function classes that count as "trigonometric": sin..sec, their inverses, and the hyperbolic ones."""

# SRBench (PMLB) names a dataset "feynman_" + the AI Feynman filename with "." -> "_". One filename of
# the table lost a trailing zero (the original file is I.15.10; the CSV stored it as a number).
_SRBENCH_RENAMES = {"I.15.1": "feynman_I_15_10"}
_BOX_GRID_POINTS = 4096  # about this many grid points (endpoints included) ...
_BOX_RANDOM_POINTS = 20000  # ... plus this many uniform points, for the sign analyses of the box


@dataclass(frozen=True)
class FeynmanEquation:
    """One row of the AI Feynman table.

    Attributes:
        name: the table's filename, e.g. ``"I.12.1"``.
        number: the table's ``Number`` column.
        output: name of the target quantity, e.g. ``"F"``.
        formula: the formula string as in the table, e.g. ``"mu*Nn"``.
        variables: variable names, in table order (counted from the ``v*_name`` columns).
        ranges: ``(low, high)`` sampling range of each variable.
        declared_n_variables: the table's ``# variables`` column (wrong for 6 rows; informative only).
    """

    name: str
    number: int
    output: str
    formula: str
    variables: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    declared_n_variables: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if len(self.variables) != len(self.ranges):
            raise ValueError(f"{self.name}: {len(self.variables)} variables but {len(self.ranges)} ranges")
        for var, (low, high) in zip(self.variables, self.ranges):
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise ValueError(f"{self.name}: bad range ({low}, {high}) for variable {var!r}")

    # -- symbolic ----------------------------------------------------------------------------
    @property
    def n_variables(self) -> int:
        """Number of variables (from the names, not the table's ``# variables`` column)."""
        return len(self.variables)

    @cached_property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """``Symbol(name, positive=True)`` for each variable, in table order."""
        return tuple(sp.Symbol(name, positive=True) for name in self.variables)

    @cached_property
    def sympy_expr(self) -> sp.Expr:
        """The formula as a SymPy expression over :attr:`symbols` (``pi`` is the constant)."""
        expr = parse_expression(self.formula, dict(zip(self.variables, self.symbols)))
        stray = expr.free_symbols - set(self.symbols)
        if stray:
            raise ValueError(f"{self.name}: formula {self.formula!r} uses undeclared names {sorted(map(str, stray))}")
        return expr

    @cached_property
    def function(self) -> Callable[..., np.ndarray]:
        """``f(x_1, ..., x_d)`` compiled with :func:`sympy.lambdify` (NumPy)."""
        return sp.lambdify(self.symbols, self.sympy_expr, modules="numpy")

    @property
    def srbench_name(self) -> str:
        """SRBench / PMLB dataset name, e.g. ``"feynman_I_12_1"`` (``I.15.1`` is ``feynman_I_15_10``)."""
        return _SRBENCH_RENAMES.get(self.name, "feynman_" + self.name.replace(".", "_"))

    @property
    def in_srbench(self) -> bool:
        """Whether the packaged SRBench results have this equation (False for I.26.2, I.30.5, II.11.17)."""
        return self.srbench_name in srbench_dataset_names()

    # -- data --------------------------------------------------------------------------------
    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """``y = f(X)`` for ``X`` of shape ``(n, d)``, as float64 of shape ``(n,)``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_variables:
            raise ValueError(f"{self.name}: X must have shape (n, {self.n_variables}) "
                             f"(columns {list(self.variables)}), got {X.shape}")
        with np.errstate(all="ignore"):
            y = np.asarray(self.function(*X.T), dtype=np.float64)
        return np.broadcast_to(y, (X.shape[0],)).copy()

    def sample(self, n: int, seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` rows, each variable uniform in its table range.

        Args:
            n: number of rows.
            seed: seed (or Generator) for :func:`numpy.random.default_rng`; same seed, same data.

        Returns:
            ``(X, y)``: ``X`` float64 ``(n, d)`` with columns in :attr:`variables` order, ``y`` ``(n,)``.
        """
        low, high = (np.array(b, dtype=np.float64) for b in zip(*self.ranges))
        return self._draw(n, low, high, seed)

    def sample_in_box(self, n: int, low: Sequence[float], high: Sequence[float],
                      seed: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` rows uniformly inside the sub-box ``[low, high]`` of the sampling ranges.

        Used by oversampling (LIES Algorithm 1) to add points in the worst cell.

        Raises:
            ValueError: wrong lengths, ``low > high``, or a box that leaves the table ranges.
        """
        low_a = np.asarray(low, dtype=np.float64).reshape(-1)
        high_a = np.asarray(high, dtype=np.float64).reshape(-1)
        d = self.n_variables
        if low_a.shape != (d,) or high_a.shape != (d,):
            raise ValueError(f"{self.name}: low and high need {d} values ({list(self.variables)}), "
                             f"got {low_a.size} and {high_a.size}")
        for j, var in enumerate(self.variables):
            lo, hi = self.ranges[j]
            tol = 1e-12 * max(1.0, abs(lo), abs(hi))
            if not low_a[j] <= high_a[j]:
                raise ValueError(f"{self.name}: box for {var!r} has low {low_a[j]} > high {high_a[j]}")
            if low_a[j] < lo - tol or high_a[j] > hi + tol:
                raise ValueError(f"{self.name}: box [{low_a[j]}, {high_a[j]}] for {var!r} leaves its range [{lo}, {hi}]")
        return self._draw(n, low_a, high_a, seed)

    def _draw(self, n, low, high, seed):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        rng = np.random.default_rng(seed)
        X = rng.uniform(low, high, size=(int(n), self.n_variables))
        return X, self.evaluate(X)

    # -- trigonometric analysis (for the LIES subset) ----------------------------------------
    @cached_property
    def trig_calls(self) -> tuple[sp.Expr, ...]:
        """The trigonometric / hyperbolic function applications of the formula (sorted by string)."""
        return tuple(sorted(self.sympy_expr.atoms(*TRIG_CLASSES), key=str))

    @property
    def is_trigonometric(self) -> bool:
        """Whether the formula has sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, ..."""
        return bool(self.trig_calls)

    @cached_property
    def _box(self) -> list[np.ndarray]:
        """Deterministic dense points of the sampling box: a grid with the endpoints (so the box's
        faces and corners are in) plus uniform points (seed 0)."""
        d = self.n_variables
        per_axis = max(3, int(round(_BOX_GRID_POINTS ** (1.0 / d)))) if d else 1
        axes = [np.linspace(lo, hi, per_axis) for lo, hi in self.ranges]
        grid = np.meshgrid(*axes, indexing="ij")
        rng = np.random.default_rng(0)
        return [np.concatenate([g.reshape(-1), rng.uniform(lo, hi, _BOX_RANDOM_POINTS)])
                for g, (lo, hi) in zip(grid, self.ranges)]

    def _box_min(self, expr: sp.Expr) -> float:
        fn = sp.lambdify(self.symbols, expr, modules="numpy")
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(fn(*self._box), dtype=np.complex128), self._box[0].shape)
        real = values.real[np.isfinite(values.real) & (np.abs(values.imag) <= 1e-12)]
        return float(real.min()) if real.size else math.nan

    @cached_property
    def trig_argument_min(self) -> float:
        """Smallest value, over the sampling box, of any argument of a trigonometric function (inf if none)."""
        return min((self._box_min(arg) for call in self.trig_calls for arg in call.args), default=math.inf)

    @cached_property
    def trig_value_min(self) -> float:
        """Smallest value, over the sampling box, of any trigonometric function of the formula (inf if none)."""
        return min((self._box_min(call) for call in self.trig_calls), default=math.inf)

    @property
    def has_possibly_negative_trig_argument(self) -> bool:
        """Some trigonometric function has an argument that is <= 0 somewhere in the box (boundary included)."""
        return self.trig_argument_min <= 0.0

    @property
    def has_possibly_negative_trig_value(self) -> bool:
        """Some trigonometric function takes a negative value somewhere in the box (its log is undefined)."""
        return self.trig_value_min < 0.0

    @cached_property
    def output_min(self) -> float:
        """Smallest target value over the sampling box (dense points, boundary included)."""
        return self._box_min(self.sympy_expr)

    @property
    def is_log_space_compatible(self) -> bool:
        """Every variable range is strictly positive (``low > 0``) and the target is nowhere negative on
        the box, so the log transform of every column, target included (LIES: ``log(v + 1e-10)``), is
        defined on every sample. A target that touches 0 only on a null set (I.8.14, a distance) passes."""
        return all(lo > 0 for lo, _ in self.ranges) and self.output_min >= 0.0

    def __getstate__(self) -> dict:
        """Pickle the fields only (the cached lambdified function does not pickle; it is rebuilt)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __repr__(self) -> str:
        return f"FeynmanEquation({self.name}: {self.output} = {self.formula}, variables={self.variables})"
