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
from keras_symbolic.search.description_length import REL_FLOOR
from keras_symbolic.search.lack_of_fit import STRUCTURE_THRESHOLD, residual_structure
from keras_symbolic.search.noise_floor import NOISY
from keras_symbolic.search.operators import operator_tiers
from keras_symbolic.search.direct_solvers import Candidate, polish, score
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import relative_rmse, to_callable

__all__ = ["search_candidates", "baseline_candidates", "needs_search", "raw_search_front", "table_search",
           "MAX_LENGTH"]

#: A search is cut at this many times its share of the time budget (only on a much slower machine).
GUARD_FACTOR = 3.0
#: Below this many training rows the search always runs when nothing is exact.
SMALL_TABLE = 1000
#: A formula of at most this many nodes that leaves only noise ends a grammar's search (a larger one may
#: hide a simpler law at the same error).
COMPACT = 20
#: Share of the search's budget when the best formula already leaves only noise (a search for a simpler
#: formula at the same error, not for a better fit).
NOISE_SEARCH_FRACTION = 1 / 3
#: Independent runs per operator tier.
RESTARTS = 2
#: The largest tree (pyoperon nodes) the search grows unless told otherwise (45 on tables of 30-2000 rows was
#: tried in session 21 and not kept; BENCHMARKS.md).
MAX_LENGTH = 25
#: Front members polished per search (ranked by description length before polishing; the most
#: accurate one is always among them).
POLISH_TOP = 6


def _reaches(expressions, X, y, symbols, rmse: float) -> bool:
    """Whether one of ``expressions`` of at most :data:`COMPACT` nodes predicts ``y`` to an RMS error of
    at most ``rmse``."""
    scale = float(np.sqrt(np.mean(y**2))) or 1.0
    return any(expression_complexity(e) <= COMPACT and relative_rmse(e, symbols, X, y) * scale <= rmse
               for e in expressions)


def raw_search_front(X, y, symbols, *, operators, seed: int, seconds: float, wall_guard: float,
                     max_length: int = MAX_LENGTH, stop_rmse: float = 0.0) -> SearchOutcome:
    """The search's front on all of ``(X, y)`` with the evaluations ``seconds`` buys, split evenly over
    :data:`RESTARTS` independent runs (own seeds) per operator tier
    (:func:`~keras_symbolic.search.operators.operator_tiers`: the core grammar, then the whole allowed
    set); the fronts are merged. Independent shorter runs: a run that converges on a local optimum
    (``cos(z) cos(x y)`` for ``cos(x y + z)``) does not take the whole budget with it. With
    ``stop_rmse > 0`` (the noise floor), a run whose front reaches it on the first 1000 rows ends its
    tier's remaining restarts (``stopped_at_floor``): more search in that grammar could only fit the
    noise. A later tier still runs once: its operators may say at the same error in fewer nodes what
    the core grammar only approximates (``a tanh(b x)`` against seven nested sines at 10 % noise)."""
    tiers = operator_tiers(operators)
    runs = [(t, tier) for t, tier in enumerate(tiers) for _ in range(RESTARTS)]
    merged, done = SearchOutcome(), set()
    for k, (t, tier) in enumerate(runs):
        if t in done:
            continue
        part = search_expressions(X, y, symbols, operators=tier, seed=seed + 7919 * k,
                                  evaluations=evaluations_for(seconds / len(runs), len(y)),
                                  max_length=max_length, wall_guard=wall_guard / len(runs))
        merged.expressions += [e for e in part.expressions if e not in merged.expressions]
        merged.evaluations += part.evaluations
        merged.generations += part.generations
        merged.seconds += part.seconds
        merged.guard_hit = merged.guard_hit or part.guard_hit
        if stop_rmse > 0 and k + 1 < len(runs) and _reaches(part.expressions, X[:1000], y[:1000], symbols, stop_rmse):
            merged.stopped_at_floor = True
            done.add(t)
    return merged


def _promising(front, X, y, symbols, keep: int, rel_floor: float, weights=None) -> list:
    scored = []
    for expr in front:
        dl, r2 = score(expr, X, y, symbols, rel_floor, weights)
        if np.isfinite(dl):
            scored.append((dl, -r2, expr))
    by_dl = sorted(scored, key=lambda t: t[0])[:keep]
    most_accurate = min(scored, key=lambda t: t[1]) if scored else None
    chosen = [e for _, _, e in by_dl]
    if most_accurate is not None and most_accurate[2] not in chosen:
        chosen.append(most_accurate[2])
    return chosen


def search_candidates(X, y, symbols, train, val, *, operators, seed: int, seconds: float,
                      rel_floor: float, progress=None, label: str = "search",
                      stop_rmse: float = 0.0, weights=None, max_length: int = MAX_LENGTH) -> tuple[list[Candidate], dict]:
    """Search the training rows with the work ``seconds`` buys (cut at :data:`GUARD_FACTOR` times them
    of wall clock; ended early by a front member at ``stop_rmse``, see :func:`raw_search_front`), polish
    the most promising front members, score them on ``val``. Returns the candidates and a log entry
    (evaluations, generations, seconds, whether the guard cut it or the noise floor ended it).
    ``weights (n,)``: row weights of the ranking and the polish (pyoperon itself takes none)."""
    outcome = raw_search_front(X[train], y[train], symbols, operators=operators, seed=seed, seconds=seconds,
                               wall_guard=GUARD_FACTOR * seconds, stop_rmse=stop_rmse, max_length=max_length)
    out = []
    for expr in _promising(outcome.expressions, X[val], y[val], symbols, POLISH_TOP, rel_floor,
                           None if weights is None else np.asarray(weights)[val]):
        cand = polish(expr, X, y, symbols, train, val, rel_floor=rel_floor, weights=weights)
        if cand is not None:
            cand.solver = label
            out.append(cand)
    entry = {"stage": label, "evaluations": outcome.evaluations, "generations": outcome.generations,
             "front": len(outcome.expressions), "seconds": round(outcome.seconds, 2),
             "guard_hit": outcome.guard_hit, "stopped_at_floor": outcome.stopped_at_floor}
    if progress is not None:
        best = min(out, key=lambda c: c.dl).expression if out else "-"
        progress.message(f"  {label}: {outcome.evaluations} evaluations, {outcome.generations} generations, "
                         f"front of {len(outcome.expressions)}{' (stopped by the time guard)' if outcome.guard_hit else ''}"
                         f"{' (restarts stopped at the noise floor)' if outcome.stopped_at_floor else ''}"
                         f"; best {best}")
    return out, entry


def baseline_candidates(X, y, symbols, train, val, rel_floor: float, weights=None) -> list[Candidate]:
    """The training mean and a least-squares linear model of the raw columns, as fitted, scored on ``val``
    (both weighted by ``weights (n,)`` when given)."""
    from sklearn.linear_model import LinearRegression

    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    mean = sp.Float(float(np.average(y[train], weights=None if w is None else w[train])))
    dl, r2 = score(mean, X[val], y[val], symbols, rel_floor, None if w is None else w[val])
    out = [Candidate(mean, "constant", dl, r2)]
    fit = LinearRegression().fit(X[train], y[train], sample_weight=None if w is None else w[train])
    linear = sp.Float(float(fit.intercept_)) + sum(sp.Float(float(c)) * s for c, s in zip(fit.coef_, symbols))
    # not polished: least squares is the reference the choice holds other formulas to, and polish may
    # round or drop its terms (on nine rows it dropped the slope and kept the intercept)
    out.append(Candidate(linear, "linear", *score(linear, X[val], y[val], symbols, rel_floor,
                                                   None if w is None else w[val])))
    return out


def needs_search(best: Candidate | None, X, y, symbols, train, val) -> tuple[bool, float]:
    """``(True, structure)`` when ``best`` leaves structure in its residuals, when there is no best,
    when ``best`` is larger than :data:`COMPACT` nodes (on noisy rows a 40-node sum of library terms
    reaches the noise as well as ``exp(-exp(-x))``: only the search can find the simpler one), or when
    the table has fewer than :data:`SMALL_TABLE` training rows (a neighbour test has little power
    there: on 283 rows of 10 columns it found 1 % structure beside a formula that linear regression
    beats)."""
    if best is None or len(train) < SMALL_TABLE or expression_complexity(best.expression) > COMPACT:
        return True, float("nan")
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(to_callable(best.expression, symbols)(X), y.shape)
    if not np.all(np.isfinite(pred)):
        return True, float("nan")
    structure, _ = residual_structure(X, y - pred, train, val)
    return structure > STRUCTURE_THRESHOLD, structure


def table_search(lead: Candidate | None, X, y, symbols, train, val, *, operators, seed: int, seconds: float,
                 noise: float, train_noise: float | None = None, weights=None,
                 progress=None, max_length: int = MAX_LENGTH) -> tuple[list[Candidate], dict]:
    """The engine's search on the whole table, when nothing is exact: :func:`search_candidates` with
    ``seconds`` of work when the leading formula ``lead`` leaves structure (:func:`needs_search`), a
    :data:`NOISE_SEARCH_FRACTION` of it when a compact ``lead`` leaves only noise or, on clearly noisy
    rows (relative noise floor ``noise`` at least :data:`~keras_symbolic.search.noise_floor.NOISY`),
    reaches the floor on the held-out rows: a simpler formula may fit as well (``x tan(y)`` beside a
    rational approximation of ``tan``). On such rows each grammar's search also ends at the floor
    (:func:`raw_search_front`): ``train_noise``
    on the training rows it fits (default ``noise``; less when they are denoised)."""
    rms = float(np.sqrt(np.mean(y[train] ** 2))) or 1.0
    run, structure = needs_search(lead, X, y, symbols, train, val)
    at_floor = noise >= NOISY and lead is not None and _reaches([lead.expression], X[val], y[val], symbols,
                                                                noise * rms)
    short = not run or at_floor
    if short:
        seconds *= NOISE_SEARCH_FRACTION
        reason = "is at the noise floor" if at_floor else (
            f"leaves residuals that look like noise (neighbours explain {max(structure, 0):.1%} of them)")
        if progress is not None:
            progress.message(f"search: {lead.expression} {reason}; a shorter search for a simpler formula")
    found, entry = search_candidates(X, y, symbols, train, val, operators=operators, seed=seed, seconds=seconds,
                                     rel_floor=REL_FLOOR, progress=progress,
                                     stop_rmse=(noise if train_noise is None else train_noise) * rms
                                     if noise >= NOISY else 0.0, weights=weights, max_length=max_length)
    entry.update(residual_structure=structure, short=short, max_length=max_length)
    return found, entry
