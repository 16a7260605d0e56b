"""An open-ended search over expression trees: genetic programming with pyoperon.

Why pyoperon (measured, BENCHMARKS.md "The open-ended search"): it leads SRBench's black-box track, it is
C++ with a scikit-learn interface, it fits every constant of a tree by Levenberg-Marquardt (linear and
inner ones alike), and with two objectives (``r2``, ``length``; NSGA-II) it returns a whole Pareto front
of trees, from a constant to ``max_length`` nodes. Any composition of the allowed operators is
reachable (a function of a sum or a linear combination, a ratio of trigonometric pieces, ``x**y``).

The search is bounded by work, never by the clock: ``evaluations`` (pyoperon's ``max_evaluations``:
residual and Jacobian evaluations of the constant fits) on at most ``max_rows`` training rows drawn
with the seed, one thread, pyoperon's own ``random_state`` = the seed. The same seed, rows and budget
give the same front on an idle or a loaded machine. ``wall_guard`` (seconds) is a safety net for a
machine so loaded that the work would overrun its share many times; only a run that reaches it can
differ from an idle one, and :attr:`SearchOutcome.guard_hit` says so.

The front's trees come back as SymPy expressions over the caller's symbols
(:mod:`~keras_symbolic.search.operon_conversion`); the engine then polishes (refits, rounds) and judges
them by the same description length as every other candidate.

pyoperon computes in single precision (about 7 digits, ``exp`` overflowing past 88). A column far from
zero against its spread (a calendar year, a boiling point in kelvin: ``|mean| > 20 sd``) then cannot
carry an ``exp(k x)`` or a fine ``sin(k x + p)``, so such a column is searched as ``x - c``, with ``c``
the mean rounded to the spread's decade (``year - 1948``), and the trees come back in ``x`` itself.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from keras_symbolic.search.operators import OperatorSet, parse_operators
from keras_symbolic.search.operon_conversion import operon_to_sympy, placeholders

__all__ = ["SearchOutcome", "search_expressions", "EVALUATIONS_PER_SECOND", "evaluations_for", "column_shifts"]

#: A column whose mean is further from zero than this many standard deviations is searched centred (at
#: most 17 in every synthetic set of the project, 1948 / 7 = 280 for the years 1937-1960).
FAR_FROM_ZERO = 20.0

#: pyoperon evaluations per second on one core of the reference machine (2-core shared box, 1000 rows,
#: trees of up to 25 nodes; measured 20k-35k, BENCHMARKS.md). Only used to turn a share of the user's
#: time budget into a fixed number of evaluations *before* the run, so the result never depends on load.
EVALUATIONS_PER_SECOND = 25_000


def evaluations_for(seconds: float, rows: int, max_rows: int = 1000) -> int:
    """The evaluation budget that takes about ``seconds`` on the reference machine for ``rows`` rows
    (at most ``max_rows`` are used). Deterministic: a function of its arguments only."""
    scale = min(rows, max_rows) / max_rows
    # an evaluation's cost is partly per row, partly per tree (interpretation, the optimiser's set-up):
    # fewer rows buy at most twice the evaluations
    return int(max(5_000, seconds * EVALUATIONS_PER_SECOND / max(scale, 0.5)))


def column_shifts(X) -> np.ndarray:
    """``c (d,)``: per column of ``X (n, d)``, the round number the search subtracts (0 for a column
    within ``FAR_FROM_ZERO`` standard deviations of zero); ``c`` is the mean rounded to the decade of
    the standard deviation, so the formula shows ``x - 1948``, not ``x - 1948.37``."""
    X = np.asarray(X, dtype=np.float64)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    shifts = np.zeros(X.shape[1])
    far = (sd > 0) & (np.abs(mean) > FAR_FROM_ZERO * sd)
    decade = 10.0 ** np.floor(np.log10(np.where(far, sd, 1.0)))
    shifts[far] = np.round(mean[far] / decade[far]) * decade[far]
    return shifts


@dataclass
class SearchOutcome:
    """The front of one search: SymPy expressions (smallest first) and what the search did."""

    expressions: list = field(default_factory=list)
    evaluations: int = 0
    generations: int = 0
    seconds: float = 0.0
    guard_hit: bool = False
    stopped_at_floor: bool = False


def search_expressions(X, y, symbols, *, operators: OperatorSet | str | None = None, seed: int = 0,
                       evaluations: int = 200_000, max_length: int = 25, population_size: int = 500,
                       max_rows: int = 1000, wall_guard: float | None = None) -> SearchOutcome:
    """Search expression trees for ``y (n,)`` over ``X (n, d)`` (columns ``symbols``) with ``operators``.

    Returns the Pareto front (accuracy against length on the rows searched) as SymPy expressions;
    trees that cannot be converted are left out. Raises ``ImportError`` with the install command when
    pyoperon is missing."""
    try:
        from pyoperon.sklearn import SymbolicRegressor
    except ImportError as exc:  # pragma: no cover - a core dependency; the message is for broken installs
        raise ImportError("the expression search needs pyoperon: pip install 'pyoperon>=0.6,<0.7'") from exc
    ops = operators if isinstance(operators, OperatorSet) else parse_operators(operators)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    shifts = column_shifts(X)
    back = {s: s - sp.Float(c) if c != int(c) else s - sp.Integer(int(c)) for s, c in zip(symbols, shifts) if c}
    X = X - shifts
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(y), size=min(max_rows, len(y)), replace=False))
    regressor = SymbolicRegressor(
        allowed_symbols=ops.operon_symbols, objectives=["r2", "length"], max_length=int(max_length),
        max_depth=12, population_size=int(population_size), max_evaluations=int(evaluations),
        generations=10**6, n_threads=1, random_state=int(seed) % (2**31), tournament_size=3,
        optimizer_iterations=10, max_time=None if wall_guard is None else max(1, int(np.ceil(wall_guard))),
    )
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        regressor.fit(X[rows], y[rows])
    seconds = time.perf_counter() - start
    names = placeholders(len(symbols))
    out, seen = [], set()
    for model in sorted(regressor.pareto_front_, key=lambda m: m["length"]):
        try:
            expr = operon_to_sympy(regressor.get_model_string(model["tree"], 17, names), symbols)
        except ValueError:
            continue
        expr = expr.xreplace(back) if back else expr
        if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or sp.srepr(expr) in seen:
            continue
        seen.add(sp.srepr(expr))
        out.append(expr)
    stats = regressor.stats_
    used = int(stats.get("residual_evaluations", 0)) + int(stats.get("jacobian_evaluations", 0))
    return SearchOutcome(out, used, int(stats.get("generations", 0)), seconds,
                         guard_hit=wall_guard is not None and seconds >= wall_guard)
