"""The discovery engine's open-ended stages: the expression search on a table (or on a piece of one),
its trigger, and the baselines every answer is measured against (the operator filter is the engine's,
:func:`keras_symbolic.pipelines.auto.run_auto`).

* :func:`search_candidates`: :func:`~keras_symbolic.search.expression_search.search_expressions` on the
  training rows with a fixed evaluation budget (a share of the user's time budget turned into
  evaluations before the run), its front ranked by description length on the held-out rows, the most
  promising polished like every other candidate (solver ``"search"``).
* :func:`baseline_candidates`: the training mean (``"constant"``) and ordinary least squares on the raw
  columns (``"linear"``, scikit-learn), so the table always says what a formula gains over them.
* :func:`needs_search`: whether the best candidate so far leaves structure in its residuals
  (:func:`~keras_symbolic.search.lack_of_fit.residual_structure`), i.e. is above the noise floor; on
  tables of fewer than :data:`SMALL_TABLE` training rows always (the test has little power there).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from keras_symbolic.search.expression_search import SearchOutcome, evaluations_for, search_expressions
from keras_symbolic.search.lack_of_fit import STRUCTURE_THRESHOLD, residual_structure
from keras_symbolic.search.operators import operator_tiers
from keras_symbolic.search.direct_solvers import Candidate, polish, score
from keras_symbolic.symbolic.evaluation import to_callable

__all__ = ["search_candidates", "baseline_candidates", "needs_search", "raw_search_front"]

#: A search is cut at this many times its share of the time budget (only on a much slower machine).
GUARD_FACTOR = 3.0
#: Below this many training rows the search always runs when nothing is exact.
SMALL_TABLE = 1000
#: Independent runs per operator tier.
RESTARTS = 2
#: Front members polished per search (ranked by description length before polishing; the most
#: accurate one is always among them).
POLISH_TOP = 6


def raw_search_front(X, y, symbols, *, operators, seed: int, seconds: float, wall_guard: float,
                     max_length: int = 25) -> SearchOutcome:
    """The search's front on all of ``(X, y)`` with the evaluations ``seconds`` buys, split evenly over
    :data:`RESTARTS` independent runs (own seeds) per operator tier
    (:func:`~keras_symbolic.search.operators.operator_tiers`: the core grammar, then the whole allowed
    set); the fronts are merged. Independent shorter runs: a run that converges on a local optimum
    (``cos(z) cos(x y)`` for ``cos(x y + z)``) does not take the whole budget with it."""
    runs = [tier for tier in operator_tiers(operators) for _ in range(RESTARTS)]
    merged = SearchOutcome()
    for k, tier in enumerate(runs):
        part = search_expressions(X, y, symbols, operators=tier, seed=seed + 7919 * k,
                                  evaluations=evaluations_for(seconds / len(runs), len(y)),
                                  max_length=max_length, wall_guard=wall_guard / len(runs))
        merged.expressions += [e for e in part.expressions if e not in merged.expressions]
        merged.evaluations += part.evaluations
        merged.generations += part.generations
        merged.seconds += part.seconds
        merged.guard_hit = merged.guard_hit or part.guard_hit
    return merged


def _promising(front, X, y, symbols, keep: int, rel_floor: float) -> list:
    scored = []
    for expr in front:
        dl, r2 = score(expr, X, y, symbols, rel_floor)
        if np.isfinite(dl):
            scored.append((dl, -r2, expr))
    by_dl = sorted(scored, key=lambda t: t[0])[:keep]
    most_accurate = min(scored, key=lambda t: t[1]) if scored else None
    chosen = [e for _, _, e in by_dl]
    if most_accurate is not None and most_accurate[2] not in chosen:
        chosen.append(most_accurate[2])
    return chosen


def search_candidates(X, y, symbols, train, val, *, operators, seed: int, seconds: float,
                      rel_floor: float, progress=None, label: str = "search") -> tuple[list[Candidate], dict]:
    """Search the training rows with the work ``seconds`` buys (cut at :data:`GUARD_FACTOR` times them
    of wall clock), polish the most promising front members, score them on ``val``. Returns the
    candidates and a log entry (evaluations, generations, seconds, whether the guard cut it)."""
    outcome = raw_search_front(X[train], y[train], symbols, operators=operators, seed=seed, seconds=seconds,
                               wall_guard=GUARD_FACTOR * seconds)
    out = []
    for expr in _promising(outcome.expressions, X[val], y[val], symbols, POLISH_TOP, rel_floor):
        cand = polish(expr, X, y, symbols, train, val, rel_floor=rel_floor)
        if cand is not None:
            cand.solver = label
            out.append(cand)
    entry = {"stage": label, "evaluations": outcome.evaluations, "generations": outcome.generations,
             "front": len(outcome.expressions), "seconds": round(outcome.seconds, 2),
             "guard_hit": outcome.guard_hit}
    if progress is not None:
        best = min(out, key=lambda c: c.dl).expression if out else "-"
        progress.message(f"  {label}: {outcome.evaluations} evaluations, {outcome.generations} generations, "
                         f"front of {len(outcome.expressions)}{' (stopped by the time guard)' if outcome.guard_hit else ''}"
                         f"; best {best}")
    return out, entry


def baseline_candidates(X, y, symbols, train, val, rel_floor: float) -> list[Candidate]:
    """The training mean and a least-squares linear model of the raw columns, scored on ``val``."""
    from sklearn.linear_model import LinearRegression

    mean = sp.Float(float(np.mean(y[train])))
    dl, r2 = score(mean, X[val], y[val], symbols, rel_floor)
    out = [Candidate(mean, "constant", dl, r2)]
    fit = LinearRegression().fit(X[train], y[train])
    linear = sp.Float(float(fit.intercept_)) + sum(sp.Float(float(c)) * s for c, s in zip(fit.coef_, symbols))
    cand = polish(linear, X, y, symbols, train, val, rel_floor=rel_floor)
    if cand is not None:
        cand.solver = "linear"
        out.append(cand)
    return out


def needs_search(best: Candidate | None, X, y, symbols, train, val) -> tuple[bool, float]:
    """``(True, structure)`` when ``best`` leaves structure in its residuals, when there is no best, or
    when the table has fewer than :data:`SMALL_TABLE` training rows (a neighbour test has little power
    there: on 283 rows of 10 columns it found 1 % structure beside a formula that linear regression
    beats)."""
    if best is None or len(train) < SMALL_TABLE:
        return True, float("nan")
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(to_callable(best.expression, symbols)(X), y.shape)
    if not np.all(np.isfinite(pred)):
        return True, float("nan")
    structure, _ = residual_structure(X, y - pred, train, val)
    return structure > STRUCTURE_THRESHOLD, structure
