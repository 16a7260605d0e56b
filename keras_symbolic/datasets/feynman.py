"""The AI Feynman benchmark's table: the 100 equations by name, the LIES subset and SRBench's results.

The equations are read from the packaged table (:mod:`keras_symbolic.datasets.feynman_files`) into
:class:`~keras_symbolic.datasets.feynman_equation.FeynmanEquation` objects, found by table or SRBench
name (:func:`get_feynman_equation`); :func:`lies_subset` reconstructs the LIES paper's selection;
:func:`srbench_results` gives SRBench 2021's published results on the same equations.
"""
from __future__ import annotations

import csv
import difflib
import functools
from typing import TYPE_CHECKING, Literal, Sequence

import numpy as np

from .feynman_equation import FeynmanEquation
from .feynman_files import FEYNMAN_TABLE_PATH, SRBENCH_GROUNDTRUTH_PATH

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "UnknownEquationError",
    "load_feynman_table",
    "get_feynman_equation",
    "all_equations",
    "lies_subset",
    "srbench_results",
    "feynman_name_from_srbench",
]

# One filename of the table lost a trailing zero (the original file is I.15.10; the CSV stored it as a
# number): the original name finds it too.
_TABLE_ALIASES = {"I.15.10": "I.15.1"}


class UnknownEquationError(KeyError):
    """An equation name that is not in the AI Feynman table (a ``KeyError`` with a readable message)."""

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return str(self.args[0]) if self.args else ""


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
        noise: target noise level to keep (0.0, 0.001 or 0.01); ``None`` keeps all. The rows at noise
            > 0 (the project website's export) disagree with the SRBench paper: compare at noise 0
            only, and use :func:`~keras_symbolic.datasets.srbench_noise.srbench_rates_by_noise` (the
            paper's rates) at the other levels.

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
