"""One LIES fit with its evaluation: on a Feynman equation (fresh train/test samples, symbolic check)
or on a user's table (train/test split). Shared by the command line, the estimator docs and the
benchmark harness, so every path reports the same fields.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import sympy as sp

from keras_symbolic.pipelines.lies import LIESConfig, LIESResult, run_lies, safe_r2
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import to_callable

__all__ = ["FitOutcome", "feynman_sampler", "fit_feynman", "fit_table", "safe_r2"]


@dataclass
class FitOutcome:
    """A finished fit: the ``result.json`` record, the pipeline result and the data it saw."""

    record: dict
    result: LIESResult
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def feynman_sampler(equation):
    """Oversampling sampler ``(n, low, high, rng) -> (X, y)`` drawing from the equation's generator."""

    def sample(n, low, high, rng):
        return equation.sample_in_box(n, low, high, seed=rng)

    return sample


def _record(method, result: LIESResult, X_tr, y_tr, X_te, y_te, seconds, seed, extra) -> dict:
    expr = result.expression
    f = to_callable(expr, result.variables)
    return {
        "method": method,
        "expression": str(expr),
        "latex": sp.latex(expr),
        "complexity": expression_complexity(expr),
        "r2_train": safe_r2(y_tr, f(X_tr)),
        "r2_test": safe_r2(y_te, f(X_te)),
        **extra,
        "wall_seconds": seconds,
        "phase_seconds": result.phase_seconds,
        "train_rows": result.train_rows,
        "attempts": result.attempts,
        "restarts": result.extra.get("restarts", []),
        **{k: result.extra[k] for k in ("network_cache", "cached_training_seconds") if k in result.extra},
        "oversampling": result.oversampling,
        "pruning": result.pruning,
        "seed": seed,
        "config": result.config.to_dict(),
    }


def fit_feynman(
    name: str,
    seed: int = 0,
    samples: Optional[int] = None,
    test_samples: int = 10_000,
    config: Optional[LIESConfig] = None,
    verbose: int = 1,
    solution_timeout: float = 10.0,
    network_cache=None,
) -> FitOutcome:
    """Fit a LIES formula to AI Feynman equation ``name`` and score it.

    Training rows: ``samples`` (default the schedule's ``n_rows``, 10k as in the authors' code), drawn
    with ``seed``; test rows: ``test_samples`` fresh rows from an independent stream. The record has
    ``symbolic_solution`` (paper rule) and ``symbolic_solution_srbench`` (SRBench's rule).
    ``network_cache`` is passed to :func:`~keras_symbolic.pipelines.lies.run_lies`.
    """
    from keras_symbolic.datasets import get_feynman_equation
    from keras_symbolic.symbolic.equivalence import check_symbolic_solution

    equation = get_feynman_equation(name)
    config = replace(config or LIESConfig(), seed=int(seed))
    n_train = int(samples or config.schedule.n_rows)
    streams = np.random.SeedSequence([int(seed), 20250610]).spawn(2)
    X_tr, y_tr = equation.sample(n_train, seed=np.random.default_rng(streams[0]))
    X_te, y_te = equation.sample(int(test_samples), seed=np.random.default_rng(streams[1]))
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, list(equation.variables), sampler=feynman_sampler(equation), verbose=verbose,
                      network_cache=network_cache)
    seconds = time.perf_counter() - start
    ranges = dict(zip(equation.variables, equation.ranges))
    checks = {}
    for rule in ("paper", "srbench"):
        check = check_symbolic_solution(result.expression, equation.sympy_expr, ranges, rule=rule, timeout=solution_timeout)
        checks[rule] = check
    extra = {
        "equation": equation.name,
        "truth": equation.formula,
        "symbolic_solution": bool(checks["paper"].is_solution),
        "symbolic_solution_srbench": bool(checks["srbench"].is_solution),
        "solution_check": {rule: dict(vars(c)) for rule, c in checks.items()},
    }
    record = _record("lies", result, X_tr, y_tr, X_te, y_te, seconds, seed, extra)
    return FitOutcome(record, result, X_tr, y_tr, X_te, y_te)


def fit_table(
    X,
    y,
    feature_names,
    seed: int = 0,
    test_size: float = 0.2,
    config: Optional[LIESConfig] = None,
    verbose: int = 1,
) -> FitOutcome:
    """Fit a LIES formula to a table, holding out ``test_size`` of the rows for the test R^2."""
    from sklearn.model_selection import train_test_split

    from keras_symbolic.symbolic.transform import DataError, validate_xy

    X, y, names = validate_xy(X, y, feature_names)
    if not 0 < test_size < 1:
        raise DataError(f"test size must be in (0, 1), got {test_size}")
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=int(seed))
    config = replace(config or LIESConfig(), seed=int(seed))
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, names, verbose=verbose)
    seconds = time.perf_counter() - start
    extra = {"symbolic_solution": None, "symbolic_solution_srbench": None}
    record = _record("lies", result, X_tr, y_tr, X_te, y_te, seconds, seed, extra)
    return FitOutcome(record, result, X_tr, y_tr, X_te, y_te)
