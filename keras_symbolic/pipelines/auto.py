"""The discovery engine (``method="auto"``): direct solvers, a neural surrogate and a recursive
decomposition, LIES for products, and one description-length rule over every candidate.

1. **Direct solvers** on the table (:func:`~keras_symbolic.search.direct_solvers.solve_direct`):
   sparse regression over a term library (also of ``y**2``, ``sqrt y``, ``1/y``, ``log y``), the power
   law and ``(1 + k u)**p`` factors. A candidate that fits the held-out rows to round-off ends the run.
2. **Surrogate and decomposition** (:mod:`~keras_symbolic.pipelines.auto_decomposition`): a Keras MLP
   fitted to the rows proposes one dimensionless group, ``f = x**b g(x**a)``
   (:mod:`~keras_symbolic.pipelines.auto_group`: the rows become a table of one variable), and answers
   the tests of :mod:`~keras_symbolic.search.separability`; the function
   is split into sums and products of functions of fewer variables, recursively, each piece solved by
   the direct solvers on the surrogate's values; the reassembled formula's constants are fitted
   jointly on the raw rows.
3. **LIES** (:func:`~keras_symbolic.pipelines.lies.run_lies`) when the table allows log space (one
   sign per column), nothing fits to round-off yet, the table has the rows to train its network and
   the leading formula leaves structure in its residuals (beside one at the noise it could only fit the
   noise): the best tool for products and powers.
4. **The open-ended search** (:mod:`~keras_symbolic.pipelines.auto_search`) when nothing is exact: its
   whole share of the budget when the best formula so far leaves structure in its residuals or is
   large, a third of it when a compact formula already leaves only noise (a simpler one may fit as
   well); the training mean and a linear model join every table.
5. **Judging on small tables**: below 2000 rows every formula of the table is judged by
   cross-validation on all rows, leave-one-out below 30 (:mod:`~keras_symbolic.pipelines.auto_validation`),
   and its constants are refitted on all rows.
6. **Selection** (:mod:`~keras_symbolic.pipelines.auto_choice`) over the table and its Pareto front:
   the smallest description length on the held-out rows
   (:mod:`~keras_symbolic.search.description_length`) when its formula is exact or as accurate as the
   best within one standard error of the paired per-row errors, else the one-standard-error rule on the
   front, confirmed on rows no stage fitted; when nothing is exact, least squares answers unless a
   formula is clearly better; never a constant, nor a formula worse than the mean, when a formula
   beats the mean.

Before any stage, the noise level of the rows is estimated from local linear fits
(:func:`~keras_symbolic.search.noise_floor.noise_floor`), printed and recorded: the one-group test
allows for it, the split tests take the surrogate's error less the noise, and on clearly noisy rows (a
floor of at least 2 % of RMS(y)) a compact formula that reaches it shortens or ends the open-ended
search. With ``denoise`` the stages fit, on such rows, the surrogate's values in place of the raw
training targets (:mod:`~keras_symbolic.pipelines.auto_denoise`); the held-out rows stay raw.

Any signs, zeros and noisy rows are ordinary input: each solver only runs where it is defined.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Optional

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.pipelines.auto_decomposition import decompose
from keras_symbolic.pipelines.auto_denoise import denoised_target
from keras_symbolic.pipelines.auto_search import MAX_LENGTH, baseline_candidates, needs_search, table_search
from keras_symbolic.pipelines.auto_choice import choose, finite_beyond, pareto_front, smooth_between
from keras_symbolic.pipelines.auto_validation import cross_validated, held_out_errors, validation_scheme
from keras_symbolic.pipelines.progress import PhaseProgress
from keras_symbolic.search.operators import parse_operators
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.search.direct_solvers import Candidate, polish, solve_direct, whole_numbers
from keras_symbolic.search.description_length import REL_FLOOR
from keras_symbolic.search.noise_floor import NOISY, noise_floor
from keras_symbolic.search.scale_factor import scale_factor_candidates
from keras_symbolic.symbolic.evaluation import relative_rmse
from keras_symbolic.symbolic.transform import check_sample_weight

__all__ = ["AutoConfig", "AutoResult", "run_auto", "choose", "pareto_front"]


#: Default ``time_budget`` in seconds (the scale of every stage's work: the search's evaluations, the
#: surrogate's epochs, LIES's schedule).
DEFAULT_TIME_BUDGET = 60.0


@dataclass(frozen=True)
class AutoConfig:
    """Settings of the discovery engine.

    Attributes:
        seed: seed of the split, the surrogate and LIES.
        validation_fraction: rows held out to judge candidates (description length).
        max_terms: most terms of a sparse-regression candidate.
        exact_tolerance: relative RMS error on the held-out rows under which a candidate counts as
            exact: the run stops there.
        decomposition: use the surrogate and the recursive decomposition.
        surrogate_epochs: most epochs of the surrogate's training (early stopping on its own held-out
            rows may end it sooner): the work that bounds it, so the run does not depend on the load.
        surrogate_seconds: a safety net in wall-clock seconds for that training, far above what the
            epochs take on the reference machine (only a machine many times slower reaches it).
        max_depth: depth of the decomposition's recursion.
        split_factor: a split holds when its violation is below ``split_factor`` times the surrogate's
            relative error (plus ``split_floor``).
        split_floor: see ``split_factor``.
        max_split_threshold: the split threshold never exceeds this violation: a surrogate whose error
            would allow more (8 % error: 0.82) cannot tell a structure from none, and its splits are
            refused. The largest violation of a split accepted on any solved AI Feynman run (all
            sweeps to 2026-12-06, 1109 splits) was 0.094.
        noisy_split_factor: ``split_factor`` on clearly noisy rows, where the surrogate's error is
            taken less the noise (:func:`~keras_symbolic.pipelines.auto_tolerances.function_error`).
        piece_factor: a piece is solved by the simplest candidate whose relative error on the
            surrogate's values is below ``piece_factor`` times the surrogate's error.
        keep_per_piece: candidates kept per piece (simplest first); their combinations are refitted
            on the raw rows and judged there, so an imprecise surrogate need not pick the one.
        lies: run LIES when the table allows log space and no candidate is exact yet.
        lies_epochs_scale: epochs scale of that LIES run.
        operators: the operators a formula may use (:func:`~keras_symbolic.search.operators.parse_operators`;
            ``""`` is every one): the search draws only on them and every candidate using another is
            dropped from the table.
        search: run the open-ended expression search (on the table when no candidate reaches the noise
            floor, and on pieces of the decomposition the catalogue does not solve).
        time_budget: the run's work in seconds of the reference machine. The open-ended search's shares
            (``search_share`` for the table, ``piece_search_share`` per piece) are turned into fixed
            evaluation counts before a search starts, so the same seed gives the same formula at any
            load; three times a share is a guard that cuts a search only on a machine that is several
            times slower (the log then says ``guard_hit``). The other stages scale with it too
            (:attr:`work_scale`): the surrogate's epochs, and LIES's schedule below the default.
        search_share: share of ``time_budget`` for the search on the whole table.
        piece_search_share: share of ``time_budget`` for the search on one piece.
        search_max_length: the largest tree (pyoperon nodes) the search on the whole table may grow
            (:data:`~keras_symbolic.pipelines.auto_search.MAX_LENGTH`).
        denoise: on clearly noisy rows judged on a held-out split, the stages fit the surrogate's values
            on the training rows in place of the raw targets; the held-out rows stay raw
            (:mod:`~keras_symbolic.pipelines.auto_denoise`).
    """

    seed: int = 0
    validation_fraction: float = 0.2
    max_terms: int = 6
    exact_tolerance: float = 1e-6
    decomposition: bool = True
    surrogate_seconds: float = 300.0
    surrogate_epochs: int = 1000
    max_depth: int = 3
    split_factor: float = 10.0
    split_floor: float = 1e-3
    max_split_threshold: float = 0.25
    noisy_split_factor: float = 3.0
    piece_factor: float = 3.0
    keep_per_piece: int = 4
    lies: bool = True
    lies_epochs_scale: float = 1.0
    operators: str = ""
    search: bool = True
    time_budget: float = DEFAULT_TIME_BUDGET
    search_share: float = 0.5
    piece_search_share: float = 0.1
    search_max_length: int = MAX_LENGTH
    denoise: bool = False

    def __post_init__(self):
        parse_operators(self.operators)  # a ValueError naming an unknown operator, before any work
        if not (np.isfinite(self.time_budget) and self.time_budget > 0):
            raise ValueError(f"time_budget must be a positive number of seconds, got {self.time_budget!r}")

    @property
    def work_scale(self) -> float:
        """``time_budget`` against the default 60 s: the surrogate's epochs scale with it (at least a
        fifth, at most three times), LIES's schedule shrinks with a smaller budget (never grows)."""
        return self.time_budget / DEFAULT_TIME_BUDGET

    @property
    def surrogate_epoch_budget(self) -> int:
        return int(np.clip(round(self.surrogate_epochs * self.work_scale), self.surrogate_epochs // 5,
                           3 * self.surrogate_epochs))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AutoResult:
    """What the engine produced: the chosen formula, every candidate, the decomposition it found."""

    expression: sp.Expr
    equations: pd.DataFrame
    variables: list
    decomposition: list = field(default_factory=list)
    phase_seconds: dict = field(default_factory=dict)
    config: AutoConfig = field(default_factory=AutoConfig)
    model: object = None
    rule: str = "description length"
    noise_floor: Optional[float] = None
    validation: Optional[str] = None


def _lies_candidates(X, y, names, symbols, train, val, config: AutoConfig, verbose: int,
                     weights=None) -> tuple[list, object]:
    from keras_symbolic.pipelines.lies import run_lies
    from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule

    schedule = LIESSchedule()
    scale = config.lies_epochs_scale * min(1.0, config.work_scale)
    if scale != 1.0:
        schedule = schedule.scaled(scale)
    lies = run_lies(X[train], y[train], replace(LIESConfig(), schedule=schedule, seed=config.seed), names,
                    verbose=max(0, verbose - 1))
    cand = polish(lies.expression.xreplace(dict(zip(lies.variables, symbols))), X, y, symbols, train, val,
                  weights=weights)
    if cand is None:
        return [], lies.model
    cand.solver = "lies"
    return [cand], lies.model


def _log_space_ok(X, y) -> bool:
    return (np.all(y > 0) or np.all(y < 0)) and all(np.all(X[:, i] > 0) or np.all(X[:, i] < 0) for i in range(X.shape[1]))


#: Fewest training rows for the decomposition: its surrogate network needs some rows to learn from.
DECOMPOSITION_MIN_ROWS = 50

#: Fewest training rows for the LIES stage: its schedule trains a network on ~10 000 rows, and on a few
#: hundred it spends minutes for no formula (a 442-row table: 256 s).
LIES_MIN_ROWS = 1000

#: A column (or the target) whose largest magnitude is beyond ``10**±DECIMAL_LIMIT`` is divided by a
#: power of ten before the solvers see it (values near 1e150 would overflow their squares).
DECIMAL_LIMIT = 4


def _decimal_exponent(v: np.ndarray) -> int:
    """``k`` with ``max |v| ~ 10**k`` when that is beyond :data:`DECIMAL_LIMIT`, else 0."""
    top = float(np.max(np.abs(v))) if len(v) else 0.0
    k = int(np.floor(np.log10(top))) if np.isfinite(top) and top > 0 else 0
    return k if abs(k) > DECIMAL_LIMIT else 0


def _unscaled(expr: sp.Expr, symbols, x_exponents, y_exponent: int) -> sp.Expr:
    """The formula in the table's units: ``10**k_y f(x_1 / 10**k_1, ...)``, with exact powers of ten
    (``10**150 (a/10**75)(b/10**75)`` is ``a*b`` again)."""
    ten = sp.Integer(10)
    inner = expr.xreplace({s: s * ten ** (-k) for s, k in zip(symbols, x_exponents) if k})
    return ten**y_exponent * inner


def run_auto(X, y, names, config: Optional[AutoConfig] = None, verbose: int = 1, sample_weight=None) -> AutoResult:
    """Discover a formula for ``y (n,)`` from ``X (n, d)`` with columns ``names`` (see the module).
    Columns and a target of extreme magnitude are scaled by powers of ten inside and the formulas
    scaled back exactly; the progress lines and the decomposition log speak of the scaled values (a
    line says so).

    ``sample_weight (n,)``: the rows' weights (e.g. ``1 / sigma_i**2`` of measurement errors). Every
    constant fit minimises the weighted squared error, and every score (description length, R^2 on the
    held-out rows, the baselines) is weighted; the stages that only propose a formula's shape (the
    solvers' libraries, the surrogate and its tests, LIES's network, the expression search) read the
    rows unweighted."""
    config = config or AutoConfig()
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    weights = check_sample_weight(sample_weight, len(y))
    symbols = [sp.Symbol(str(n)) for n in names]
    x_exponents = [_decimal_exponent(X[:, i]) for i in range(X.shape[1])]
    y_exponent = _decimal_exponent(y)
    if not any(x_exponents) and not y_exponent:
        return _run_auto(X, y, names, symbols, config, verbose, weights)
    scaled = [f"{n}/10**{k}" for n, k in zip(names, x_exponents) if k]
    scaled += [f"the target/10**{y_exponent}"] if y_exponent else []
    PhaseProgress(verbose).message(f"columns of extreme magnitude are worked on scaled ({', '.join(scaled)}): the "
                                   "formulas in the lines below are in those units; the answer and its front are "
                                   "in the table's")
    result = _run_auto(X / 10.0 ** np.array(x_exponents, dtype=float), y / 10.0**y_exponent, names, symbols,
                       config, verbose, weights)
    result.equations["expression"] = [_unscaled(e, symbols, x_exponents, y_exponent)
                                      for e in result.equations["expression"]]
    result.expression = _unscaled(result.expression, symbols, x_exponents, y_exponent)
    return result


def _run_auto(X, y, names, symbols, config: AutoConfig, verbose: int, weights=None) -> AutoResult:
    progress = PhaseProgress(verbose)
    ops = parse_operators(config.operators)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(y))
    n_val = max(2, int(config.validation_fraction * len(y)))
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    seconds, log = {}, []
    scheme = validation_scheme(len(y))
    if scheme == "leave-one-out":  # too few rows to hold any out: the stages see all, leave-one-out judges
        train = val = np.arange(len(y))
    if scheme is not None:
        log.append({"validation": scheme, "rows": len(y)})
        progress.message(f"only {len(y)} rows: every formula is judged by {scheme} cross-validation"
                         + (" (estimates from so few rows are rough)" if scheme == "leave-one-out" else ""))
    start = time.perf_counter()

    def left() -> str:
        return f"{max(0.0, config.time_budget - (time.perf_counter() - start)):.0f} s of {config.time_budget:.0f} s left"

    rms = float(np.sqrt(np.mean(y[train] ** 2))) or 1.0
    floor = noise_floor(X[train], y[train], seed=config.seed) / rms
    estimated = None if np.isnan(floor) else floor
    log.append({"noise_floor": estimated})
    if estimated is None:
        progress.message(f"noise floor: not estimated, {len(train)} rows are too few")
        floor = 0.0
    else:
        progress.message(f"noise floor ~ {floor:.2%} of RMS(y)" + (
            "" if floor >= NOISY else " (at most: on clean rows this is the curvature the neighbours see)"))
    # the rows the stages fit: the raw targets, or the surrogate's values on the training rows (denoise)
    t0 = time.perf_counter()
    den = denoised_target(X, y, train, floor, config, log, progress, scheme)
    y_fit = den.y  # equal to y on the held-out rows, which judge every formula
    if den.surrogate is not None:
        seconds["denoise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    candidates = solve_direct(X, y_fit, symbols, train, val, max_terms=config.max_terms, weights=weights,
                              seasons=True)
    candidates += baseline_candidates(X, y, symbols, train, val, REL_FLOOR, weights)
    seconds["direct"] = time.perf_counter() - t0

    def allowed(found: list[Candidate]) -> list[Candidate]:  # what --operators lets the answer use
        return [c for c in found if ops.allows(c.expression)]

    best = _best(allowed(candidates))
    lead = _leading(allowed(candidates))
    progress.phase_done("direct solvers", f"{len(candidates)} candidates, best {lead.expression if lead else '-'}; {left()}")

    def exact() -> bool:
        return best is not None and relative_rmse(best.expression, symbols, X[val], y[val]) <= config.exact_tolerance

    if config.decomposition and not exact() and X.shape[1] >= 2 and len(train) < DECOMPOSITION_MIN_ROWS:
        log.append({"stage": "decomposition", "skipped": f"{len(train)} training rows"})
        scaled = scale_factor_candidates(X, y_fit, symbols, train, val, rel_floor=REL_FLOOR, weights=weights)
        candidates += scaled
        progress.message(f"decomposition: skipped, {len(train)} rows are too few to train its surrogate "
                         f"(it needs {DECOMPOSITION_MIN_ROWS})"
                         + (f"; one column as a scale factor: {len(scaled)} candidates" if X.shape[1] == 2 else ""))
        best = _best(allowed(candidates))
    elif config.decomposition and not exact() and X.shape[1] >= 2:
        t0 = time.perf_counter()
        found = decompose(X, y_fit, symbols, train, val, config, log, progress, noise=floor, weights=weights,
                          surrogate=den.surrogate)
        candidates += found
        seconds["decomposition"] = time.perf_counter() - t0
        best = _best(allowed(candidates))
    model = None
    skip = config.lies and not exact() and _log_space_ok(X, y_fit) and _lies_skipped(
        _leading(allowed(candidates)), X, y_fit, symbols, train, val)
    if skip:
        log.append({"stage": "lies", "skipped": skip})
        progress.message(f"lies: skipped, {skip}")
    elif config.lies and not exact() and _log_space_ok(X, y_fit):
        t0 = time.perf_counter()
        found, model = _lies_candidates(X, y_fit, list(names), symbols, train, val, config, verbose, weights)
        candidates += found
        seconds["lies"] = time.perf_counter() - t0
        progress.phase_done("lies", f"{', '.join(str(c.expression) for c in found) or 'no formula'}; {left()}")
        best = _best(allowed(candidates))
    if config.search and not exact():
        t0 = time.perf_counter()
        found, entry = table_search(_leading(allowed(candidates)), X, y_fit, symbols, train, val, operators=ops,
                                    seed=config.seed, seconds=config.search_share * config.time_budget,
                                    noise=floor, train_noise=den.noise, weights=weights, progress=progress,
                                    max_length=config.search_max_length)
        log.append(entry)
        candidates += found
        seconds["search"] = time.perf_counter() - t0
        progress.phase_done("search", f"{len(found)} candidates; {left()}")
    kept = allowed(candidates)
    if len(kept) < len(candidates):
        log.append({"operators": str(ops), "dropped": len(candidates) - len(kept)})
    if not kept:
        raise RuntimeError("no solver produced a formula that can be evaluated on these rows")
    table = _table(kept)
    fresh = finite = None  # the judged rows no stage fitted (see auto_choice): all the held-out rows
    if scheme is None:
        errors = held_out_errors(table, X[val], y[val], symbols, None if weights is None else weights[val])
    else:
        t0 = time.perf_counter()
        table, errors = cross_validated(table, X, y, symbols, weights=weights, seed=config.seed)
        table["pareto"] = pareto_front(table)
        fresh = np.array([], dtype=int) if scheme == "leave-one-out" else val
        finite = finite_beyond(table, X, symbols, seed=config.seed) & smooth_between(table, X, symbols)
        seconds["validation"] = time.perf_counter() - t0
    chosen, rule = choose(table, exact=True, n_val=errors.shape[1])  # the description length's pick
    if relative_rmse(table.loc[chosen, "expression"], symbols, X[val], y[val]) > config.exact_tolerance:
        chosen, rule = choose(table, exact=False, n_val=errors.shape[1], errors=errors, fresh=fresh,
                              finite=finite)
    table["chosen"] = table.index == chosen
    log.append({"choice": rule})
    return AutoResult(table.loc[chosen, "expression"], table, symbols, log, seconds, config, model, rule, estimated,
                      scheme)


def _lies_skipped(lead: Optional[Candidate], X, y, symbols, train, val) -> str:
    """Why the LIES stage cannot help on these rows, or ``""`` when it may: too few training rows for its
    network, or a compact leading formula ``lead`` that already leaves only noise in its residuals
    (:func:`~keras_symbolic.pipelines.auto_search.needs_search`). LIES proposes one product-shaped
    formula; beside a formula at the noise it could only fit the same noise, and the search that follows
    still looks for a simpler one."""
    if len(train) < LIES_MIN_ROWS:
        return f"{len(train)} training rows are too few to train its network (it needs about {LIES_MIN_ROWS})"
    run, structure = needs_search(lead, X, y, symbols, train, val)
    if run:
        return ""
    return f"{lead.expression} already leaves only noise (neighbours explain {max(structure, 0):.1%} of its residuals)"


def _best(candidates: list[Candidate]) -> Optional[Candidate]:
    return min(candidates, key=lambda c: c.dl) if candidates else None


def _leading(candidates: list[Candidate]) -> Optional[Candidate]:
    """The candidate :func:`choose` would answer with at the noise floor: the smallest description
    length among formulas that beat the mean on the held-out rows (else among all)."""
    useful = [c for c in candidates if c.r2 > 0 and sp.sympify(c.expression).free_symbols]
    return _best(useful or candidates)


def _table(candidates: list[Candidate]) -> pd.DataFrame:
    """One row per distinct formula: solver, complexity, description length and R^2 (held-out rows),
    expression; ``pareto`` marks the front (:func:`pareto_front`)."""
    rows, seen = [], set()
    for c in sorted(candidates, key=lambda c: c.dl):
        c.expression = whole_numbers(c.expression)  # 1.0*x -> x
        key = sp.srepr(c.expression)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"solver": c.solver, "complexity": expression_complexity(c.expression),
                     "description_length": c.dl, "r2": c.r2, "expression": c.expression})
    table = pd.DataFrame(rows)
    table["pareto"] = pareto_front(table)
    return table
