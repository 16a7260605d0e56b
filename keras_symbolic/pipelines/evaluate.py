"""One LIES fit with its evaluation, as a :class:`~keras_symbolic.results.fit_result.FitResult`: on a
Feynman equation (fresh train/test rows, symbolic check) or on a user's table (train/test split).
Shared by the command line, the estimators and the benchmark harness, so every path reports the same
fields. :func:`feynman_rows` and :func:`solution_check` serve every method.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Optional

import numpy as np

from keras_symbolic.pipelines.lies import LIESResult, run_lies
from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.results.fit_result import FitResult
from keras_symbolic.results.metrics import safe_r2
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.transform import DataError, validate_xy

__all__ = ["feynman_sampler", "feynman_rows", "solution_check", "lies_fit_result", "fit_feynman", "fit_table"]

#: Second entropy word of the data streams: ``SeedSequence([seed, DATA_STREAM]).spawn(2)`` gives the
#: training and the test rows of a Feynman equation, the same for every method.
DATA_STREAM = 20250610


def feynman_sampler(equation):
    """Oversampling sampler ``(n, low, high, rng) -> (X, y)`` drawing from the equation's generator."""

    def sample(n, low, high, rng):
        return equation.sample_in_box(n, low, high, seed=rng)

    return sample


def feynman_rows(equation, seed: int, samples: int, test_samples: int = 10_000):
    """``(X_train, y_train, X_test, y_test)`` of a Feynman equation: ``samples`` training rows and
    ``test_samples`` test rows from two independent streams of ``seed``, so every method sees the same rows."""
    from keras_symbolic.datasets import get_feynman_equation

    if isinstance(equation, str):
        equation = get_feynman_equation(equation)
    streams = np.random.SeedSequence([int(seed), DATA_STREAM]).spawn(2)
    X_tr, y_tr = equation.sample(int(samples), seed=np.random.default_rng(streams[0]))
    X_te, y_te = equation.sample(int(test_samples), seed=np.random.default_rng(streams[1]))
    return X_tr, y_tr, X_te, y_te


def solution_check(expr, equation, timeout: float = 10.0) -> dict:
    """The truth fields of a record: ``equation``, ``truth``, ``symbolic_solution`` (the paper's rule),
    ``symbolic_solution_srbench`` (SRBench's rule) and ``solution_check`` (both checks in full)."""
    from keras_symbolic.symbolic.equivalence import check_symbolic_solution

    ranges = dict(zip(equation.variables, equation.ranges))
    checks = {rule: check_symbolic_solution(expr, equation.sympy_expr, ranges, rule=rule, timeout=timeout)
              for rule in ("paper", "srbench")}
    return {
        "equation": equation.name,
        "truth": equation.formula,
        "symbolic_solution": bool(checks["paper"].is_solution),
        "symbolic_solution_srbench": bool(checks["srbench"].is_solution),
        "solution_check": {rule: dict(vars(c)) for rule, c in checks.items()},
    }


def lies_fit_result(result: LIESResult, X_tr, y_tr, X_te=None, y_te=None, seconds: float = float("nan"),
                    seed: int = 0, truth: Optional[dict] = None, data: Optional[dict] = None) -> FitResult:
    """The :class:`FitResult` of a LIES run: R^2 of the chosen formula on the training and test rows
    (without test rows, ``r2_test`` is ``None``), the candidate table, the parity series and the LIES
    details (rows, attempts, restarts, cache, oversampling log, pruning reports)."""
    f = to_callable(result.expression, result.variables)
    pred_tr = f(X_tr)
    metrics = {"r2_train": safe_r2(y_tr, pred_tr), "r2_test": None}
    predictions = {"train": (y_tr, pred_tr)}
    if X_te is not None:
        pred_te = f(X_te)
        metrics["r2_test"] = safe_r2(y_te, pred_te)
        predictions["test"] = (y_te, pred_te)
    details = {
        "train_rows": result.train_rows,
        "attempts": result.attempts,
        "restarts": result.extra.get("restarts", []),
        **{k: result.extra[k] for k in ("network_cache", "cached_training_seconds") if k in result.extra},
        "oversampling": result.oversampling,
        "pruning": result.pruning,
    }
    return FitResult(
        method="lies",
        expressions=[result.expression],
        variables=list(result.variables),
        metrics=metrics,
        candidates=result.equations,
        truth=truth,
        wall_seconds=seconds,
        phase_seconds=result.phase_seconds,
        details=details,
        seed=int(seed),
        data=data,
        config=result.config.to_dict(),
        model=result.model,
        predictions=predictions,
        native=result,
    )


def fit_feynman(
    name: str,
    seed: int = 0,
    samples: Optional[int] = None,
    test_samples: int = 10_000,
    config: Optional[LIESConfig] = None,
    verbose: int = 1,
    solution_timeout: float = 10.0,
    network_cache=None,
) -> FitResult:
    """Fit a LIES formula to AI Feynman equation ``name`` and score it.

    Training rows: ``samples`` (default the schedule's ``n_rows``, 10k as in the authors' code), drawn
    with ``seed``; test rows: ``test_samples`` fresh rows from an independent stream
    (:func:`feynman_rows`). The truth fields hold ``symbolic_solution`` (paper rule) and
    ``symbolic_solution_srbench`` (SRBench's rule). ``network_cache`` is passed to
    :func:`~keras_symbolic.pipelines.lies.run_lies`.
    """
    from keras_symbolic.datasets import get_feynman_equation

    equation = get_feynman_equation(name)
    config = replace(config or LIESConfig(), seed=int(seed))
    n_train = int(samples or config.schedule.n_rows)
    X_tr, y_tr, X_te, y_te = feynman_rows(equation, seed, n_train, test_samples)
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, list(equation.variables), sampler=feynman_sampler(equation), verbose=verbose,
                      network_cache=network_cache)
    seconds = time.perf_counter() - start
    truth = solution_check(result.expression, equation, solution_timeout)
    return lies_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed, truth=truth)


def fit_table(
    X,
    y,
    feature_names,
    seed: int = 0,
    test_size: float = 0.2,
    config: Optional[LIESConfig] = None,
    verbose: int = 1,
) -> FitResult:
    """Fit a LIES formula to a table, holding out ``test_size`` of the rows for the test R^2."""
    from sklearn.model_selection import train_test_split

    X, y, names = validate_xy(X, y, feature_names)
    if not 0 < test_size < 1:
        raise DataError(f"test size must be in (0, 1), got {test_size}")
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=int(seed))
    config = replace(config or LIESConfig(), seed=int(seed))
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, names, verbose=verbose)
    seconds = time.perf_counter() - start
    return lies_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed)
