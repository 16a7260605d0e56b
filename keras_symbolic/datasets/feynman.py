"""The AI Feynman benchmark: the 100 equations, their sampling, the LIES subset and SRBench's results.

Data shipped with the package (``keras_symbolic/datasets/data``):

* ``FeynmanEquations.csv``: the Feynman Symbolic Regression Database table (Udrescu & Tegmark, 2020):
  formula, variable names and uniform sampling ranges. Its ``# variables`` column is wrong for
  I.18.12, I.18.14, I.38.12, II.37.1, III.10.19 and III.19.51; variables are counted from the
  ``v*_name`` columns here.
* ``srbench_feynman_groundtruth.csv``: SRBench 2021 ground-truth results for the Feynman problems, from
  ``cavalab/srbench`` ``docs/csv/groundtruth.csv`` (a **GPL-3.0** repository; this file is a data
  extract of it): per method, dataset and noise level, the symbolic solution rate (%),
  ``accuracy_solution`` (test R^2 > 0.999) and ``rmse_test``.

Sampling follows AI Feynman and SRBench: each variable :math:`x_j \\sim U(\\mathrm{low}_j, \\mathrm{high}_j)`
independently, :math:`y = f(x)`.
"""
from __future__ import annotations

import csv
import difflib
import functools
import math
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Sequence

import numpy as np
import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction, InverseHyperbolicFunction
from sympy.functions.elementary.trigonometric import InverseTrigonometricFunction, TrigonometricFunction

from ..symbolic.parsing import parse_expression

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FeynmanEquation",
    "UnknownEquationError",
    "load_feynman_table",
    "get_feynman_equation",
    "all_equations",
    "lies_subset",
    "srbench_results",
    "feynman_name_from_srbench",
    "FEYNMAN_TABLE_PATH",
    "SRBENCH_GROUNDTRUTH_PATH",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
FEYNMAN_TABLE_PATH = DATA_DIR / "FeynmanEquations.csv"
SRBENCH_GROUNDTRUTH_PATH = DATA_DIR / "srbench_feynman_groundtruth.csv"

TRIG_CLASSES = (TrigonometricFunction, InverseTrigonometricFunction, HyperbolicFunction,
                InverseHyperbolicFunction)
"""Function classes that count as "trigonometric": sin..sec, their inverses, and the hyperbolic ones."""

# SRBench (PMLB) names a dataset "feynman_" + the AI Feynman filename with "." -> "_". One filename of
# the table lost a trailing zero (the original file is I.15.10; the CSV stored it as a number).
_SRBENCH_RENAMES = {"I.15.1": "feynman_I_15_10"}
_TABLE_ALIASES = {"I.15.10": "I.15.1"}
_BOX_GRID_POINTS = 4096  # about this many grid points (endpoints included) ...
_BOX_RANDOM_POINTS = 20000  # ... plus this many uniform points, for the sign analyses of the box


class UnknownEquationError(KeyError):
    """An equation name that is not in the AI Feynman table (a ``KeyError`` with a readable message)."""

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return str(self.args[0]) if self.args else ""


# ----------------------------------------------------------------------------------------------
# One equation
# ----------------------------------------------------------------------------------------------
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
        return self.srbench_name in _srbench_datasets()

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


# ----------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _table() -> tuple[FeynmanEquation, ...]:
    with open(FEYNMAN_TABLE_PATH, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    equations = []
    for row in rows:
        name = (row.get("Filename") or "").strip()
        if not name:
            continue
        variables, ranges = [], []
        for i in range(1, 11):
            var = (row.get(f"v{i}_name") or "").strip()
            if var:
                variables.append(var)
                ranges.append((float(row[f"v{i}_low"]), float(row[f"v{i}_high"])))
        declared = row.get("# variables", "").strip()
        equations.append(FeynmanEquation(
            name=name,
            number=int(float(row["Number"])),
            output=row["Output"].strip(),
            formula=row["Formula"].strip(),
            variables=tuple(variables),
            ranges=tuple(ranges),
            declared_n_variables=int(float(declared)) if declared else None,
        ))
    return tuple(equations)


def load_feynman_table() -> list[FeynmanEquation]:
    """The 100 AI Feynman equations, in table order (parsed once, cached; a new list each call)."""
    return list(_table())


def all_equations() -> list[FeynmanEquation]:
    """The full benchmark: every equation of the table (same as :func:`load_feynman_table`)."""
    return load_feynman_table()


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, FeynmanEquation]:
    return {eq.name: eq for eq in _table()}


def get_feynman_equation(name: str) -> FeynmanEquation:
    """The equation called ``name``: table name (``"I.12.1"``) or SRBench name (``"feynman_I_12_1"``).

    Raises:
        UnknownEquationError: (a ``KeyError``) for an unknown name, listing the closest names.
    """
    table = _by_name()
    key = str(name).strip()
    if key in table:
        return table[key]
    if key in _TABLE_ALIASES:
        return table[_TABLE_ALIASES[key]]
    from_srbench = feynman_name_from_srbench(key)
    if from_srbench is not None:
        return table[from_srbench]
    close = difflib.get_close_matches(key, list(table), n=5, cutoff=0.5)
    hint = f"; closest: {', '.join(close)}" if close else ""
    raise UnknownEquationError(
        f"no AI Feynman equation named {key!r}{hint} (names look like 'I.12.1' or 'feynman_I_12_1'; "
        f"see load_feynman_table())"
    )


# ----------------------------------------------------------------------------------------------
# The LIES benchmark subset
# ----------------------------------------------------------------------------------------------
TrigRule = Literal["value", "argument", "any", "none"]


def _lies_excluded_by_trig(eq: FeynmanEquation, trig_rule: TrigRule) -> bool:
    if trig_rule == "value":
        return eq.has_possibly_negative_trig_value
    if trig_rule == "argument":
        return eq.has_possibly_negative_trig_argument
    if trig_rule == "any":
        return eq.is_trigonometric
    return False


def lies_subset(
    max_variables: int = 4,
    trig_rule: TrigRule = "value",
    log_space: bool = True,
    variable_count: Literal["names", "column"] = "names",
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[FeynmanEquation]:
    """The LIES paper's benchmark selection, reconstructed from the table: 61 equations by default.

    The paper (Sec. IV-A): "formulae with four or fewer input variables ... We also exclude formulae
    involving trigonometric functions that have negative inputs, as our use of log-space
    transformations can lead to instability"; Sec. V says what breaks: "the logarithm of negative
    outputs of the trigonometric function is currently cut off". It reports 61 equations, no list.

    Default rule (deterministic; "on the box" means on a dense grid of the table's sampling box with
    its faces and corners, about 4096 points, plus 20,000 uniform points, seed 0):

    1. :math:`d \le 4` variables, counted from the names (79 equations). ``variable_count="column"``
       uses the table's ``# variables`` column instead (wrong for 6 rows; the LIES Ref reads it).
    2. ``trig_rule="value"``: no trigonometric function :math:`g` (sin, cos, ..., arcsin, ..., tanh)
       with :math:`g(x) < 0` somewhere on the box: in log space the network needs :math:`\log g`.
       Excludes 14: I.18.12, I.18.14, I.26.2, I.29.16, I.30.3, I.37.4, I.50.26, II.6.11, II.6.15b,
       II.15.4, II.15.5, III.8.54, III.15.12, III.17.37; keeps I.30.5 (``arcsin(lambd/(n*d)) > 0``).
       Alternatives: ``"argument"`` (an argument of :math:`g` is :math:`\le 0` somewhere on the box,
       the literal "negative inputs"; flags only I.18.12, I.26.2, I.29.16), ``"any"`` (no
       trigonometric function at all), ``"none"``.
    3. ``log_space=True``: the log of every column is defined (LIES works on :math:`\log x_j` and
       :math:`\log y`): every range has ``low > 0`` and the target is nowhere negative on the box.
       Excludes 4 more: II.11.27 and II.11.28 (n, alpha in [0, 1]), III.21.20 (target < 0),
       I.15.3t (target < 0 near the corner t = 1, u = 2, x = 5, c = 3: 4e-7 of the box).

    Counts: default 61 (the paper's number). Borderline equations, each of which moves the count by
    one: I.15.3t (negative on only 4e-7 of the box, so a sampled 1M-row data file rarely shows it:
    ``include=["I.15.3t"]`` gives 62, the count SPEC 1.10 quotes); I.30.5 (the only trigonometric
    survivor, and absent from SRBench, which the paper compares on "the same 61"); II.37.1 (3
    variables, 6 in the column: ``variable_count="column"`` gives 60); I.8.14 (a distance, 0 where the
    points coincide). Other readings: ``trig_rule="argument"`` 65 (76 with ``log_space=False``),
    ``trig_rule="any"`` 60.

    Args:
        max_variables: keep equations with at most this many variables.
        trig_rule: ``"value"``, ``"argument"``, ``"any"`` or ``"none"`` (see above).
        log_space: apply rule 3.
        variable_count: ``"names"`` (right) or ``"column"`` (the table's ``# variables``).
        include: names to add whatever the rules say (kept in table order).
        exclude: names to drop whatever the rules say.

    Returns:
        The selected equations, in table order.

    Raises:
        ValueError: unknown ``trig_rule`` or ``variable_count``.
        UnknownEquationError: a name in ``include`` / ``exclude`` that is not in the table.
    """
    if trig_rule not in ("value", "argument", "any", "none"):
        raise ValueError(f"trig_rule must be 'value', 'argument', 'any' or 'none', got {trig_rule!r}")
    if variable_count not in ("names", "column"):
        raise ValueError(f"variable_count must be 'names' or 'column', got {variable_count!r}")
    if isinstance(include, str) or isinstance(exclude, str):
        raise TypeError("include and exclude take sequences of names, not a single string")
    added = {get_feynman_equation(n).name for n in include}
    dropped = {get_feynman_equation(n).name for n in exclude}
    chosen = {eq.name for eq in _lies_subset(int(max_variables), trig_rule, bool(log_space), variable_count)}
    chosen = (chosen | added) - dropped
    return [eq for eq in _table() if eq.name in chosen]


@functools.lru_cache(maxsize=32)
def _lies_subset(max_variables, trig_rule, log_space, variable_count) -> tuple[FeynmanEquation, ...]:
    selected = []
    for eq in _table():
        n = eq.n_variables if variable_count == "names" else (eq.declared_n_variables or eq.n_variables)
        if n > max_variables:
            continue
        if _lies_excluded_by_trig(eq, trig_rule):
            continue
        if log_space and not eq.is_log_space_compatible:
            continue
        selected.append(eq)
    return tuple(selected)


# ----------------------------------------------------------------------------------------------
# SRBench results
# ----------------------------------------------------------------------------------------------
SRBENCH_COLUMNS = ("algorithm", "dataset", "equation", "target_noise", "symbolic_solution_rate_(%)",
                   "accuracy_solution", "rmse_test")


@functools.lru_cache(maxsize=1)
def _srbench_frame() -> "pd.DataFrame":
    import pandas as pd

    frame = pd.read_csv(SRBENCH_GROUNDTRUTH_PATH)
    frame["equation"] = [feynman_name_from_srbench(d) for d in frame["dataset"]]
    return frame[list(SRBENCH_COLUMNS)]


@functools.lru_cache(maxsize=1)
def _srbench_datasets() -> frozenset[str]:
    with open(SRBENCH_GROUNDTRUTH_PATH, newline="", encoding="utf-8") as handle:
        return frozenset(row["dataset"] for row in csv.DictReader(handle))


@functools.lru_cache(maxsize=1)
def _srbench_to_table() -> dict[str, str]:
    return {eq.srbench_name: eq.name for eq in _table()}


def feynman_name_from_srbench(dataset: str) -> str | None:
    """Table name of an SRBench dataset (``"feynman_I_6_2a" -> "I.6.2a"``, ``"feynman_I_15_10" -> "I.15.1"``).

    ``None`` for datasets that are not table equations (SRBench's 20 bonus ``feynman_test_*`` problems).
    """
    return _srbench_to_table().get(str(dataset))


def srbench_results(noise: float | None = 0.0) -> "pd.DataFrame":
    """SRBench 2021 ground-truth results on the Feynman problems (packaged extract, GPL-3.0 origin).

    Args:
        noise: target noise level to keep (0.0, 0.001 or 0.01); ``None`` keeps all.

    Returns:
        A new DataFrame, one row per (algorithm, dataset, noise), with columns ``algorithm``,
        ``dataset`` (e.g. ``feynman_I_6_2a``), ``equation`` (table name, ``None`` for the bonus
        ``feynman_test_*``), ``target_noise``, ``symbolic_solution_rate_(%)``, ``accuracy_solution``
        (fraction of runs with test R^2 > 0.999), ``rmse_test``.

    Raises:
        ValueError: a noise level the file does not have.
    """
    frame = _srbench_frame()
    if noise is None:
        return frame.copy()
    levels = sorted(float(v) for v in frame["target_noise"].unique())
    mask = np.isclose(frame["target_noise"].to_numpy(dtype=np.float64), float(noise), rtol=0, atol=1e-12)
    if not mask.any():
        raise ValueError(f"no SRBench results at noise {noise!r}; available: {levels}")
    return frame[mask].reset_index(drop=True).copy()
