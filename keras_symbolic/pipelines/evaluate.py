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
from keras_symbolic.results.metrics import regression_scores
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.transform import MAX_LIES_FEATURES, DataError, validate_xy

__all__ = ["feynman_sampler", "feynman_rows", "solution_check", "lies_fit_result", "fit_feynman", "fit_table"]

#: Second entropy word of the data streams: ``SeedSequence([seed, DATA_STREAM]).spawn(3)`` gives the
#: training rows, the test rows and the training noise of a Feynman equation, the same for every
#: method (the first two are those of ``spawn(2)``: adding the noise stream changed no clean row).
DATA_STREAM = 20250610


def feynman_sampler(equation, noise: float = 0.0, rms: float = 0.0):
    """Oversampling sampler ``(n, low, high, rng) -> (X, y)`` drawing from the equation's generator.

    With ``noise > 0`` the drawn targets get SRBench's target noise at the training rows' scale
    (``N(0, (noise * rms)^2)``, :func:`~keras_symbolic.datasets.noise.add_target_noise`), so that
    oversampled rows are as noisy as the training rows they join."""
    from keras_symbolic.datasets.noise import add_target_noise

    def sample(n, low, high, rng):
        X, y = equation.sample_in_box(n, low, high, seed=rng)
        return X, add_target_noise(y, noise, rng, rms=rms)

    return sample


def feynman_rows(equation, seed: int, samples: int, test_samples: int = 10_000, noise: float = 0.0):
    """``(X_train, y_train, X_test, y_test)`` of a Feynman equation: ``samples`` training rows and
    ``test_samples`` test rows from two independent streams of ``seed``, so every method sees the same rows.

    ``noise``: SRBench's target noise level ``sigma``; the training targets become
    ``y + N(0, (sigma * RMS(y_train))^2)`` (:func:`~keras_symbolic.datasets.noise.add_target_noise`),
    drawn from a third stream of ``seed``; the test rows stay clean. At 0 the rows are those drawn
    without noise, bit for bit."""
    from keras_symbolic.datasets import get_feynman_equation
    from keras_symbolic.datasets.noise import add_target_noise

    if isinstance(equation, str):
        equation = get_feynman_equation(equation)
    streams = np.random.SeedSequence([int(seed), DATA_STREAM]).spawn(3)
    X_tr, y_tr = equation.sample(int(samples), seed=np.random.default_rng(streams[0]))
    X_te, y_te = equation.sample(int(test_samples), seed=np.random.default_rng(streams[1]))
    y_tr = add_target_noise(y_tr, noise, np.random.default_rng(streams[2]))
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
    details (rows, attempts, restarts, cache, notes, oversampling log, pruning reports)."""
    metrics, predictions = regression_scores(to_callable(result.expression, result.variables), X_tr, y_tr, X_te, y_te)
    details = {
        "train_rows": result.train_rows,
        "attempts": result.attempts,
        "restarts": result.extra.get("restarts", []),
        **{k: result.extra[k] for k in ("network_cache", "cached_training_seconds", "notes") if k in result.extra},
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
    noise: float = 0.0,
) -> FitResult:
    """Fit a LIES formula to AI Feynman equation ``name`` and score it.

    Training rows: ``samples`` (default the schedule's ``n_rows``, 10k as in the authors' code), drawn
    with ``seed``; test rows: ``test_samples`` fresh rows from an independent stream
    (:func:`feynman_rows`). ``noise``: SRBench's target noise level on the training rows (and on the
    oversampled ones, at the training rows' scale); the test R^2 and the symbolic check use clean
    rows; the record's ``noise`` field keeps the level. The truth fields hold ``symbolic_solution``
    (paper rule) and ``symbolic_solution_srbench`` (SRBench's rule). ``network_cache`` is passed to
    :func:`~keras_symbolic.pipelines.lies.run_lies`.
    """
    from keras_symbolic.datasets import get_feynman_equation
    from keras_symbolic.datasets.noise import check_noise_level, target_rms

    equation = get_feynman_equation(name)
    noise = check_noise_level(noise)
    config = replace(config or LIESConfig(), seed=int(seed))
    n_train = int(samples or config.schedule.n_rows)
    X_tr, y_tr, X_te, y_te = feynman_rows(equation, seed, n_train, test_samples, noise=noise)
    sampler = feynman_sampler(equation, noise, target_rms(equation.evaluate(X_tr)) if noise else 0.0)
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, list(equation.variables), sampler=sampler, verbose=verbose,
                      network_cache=network_cache)
    seconds = time.perf_counter() - start
    truth = solution_check(result.expression, equation, solution_timeout)
    fit = lies_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed, truth=truth)
    fit.details["noise"] = noise
    return fit


def fit_table(
    X,
    y,
    feature_names,
    seed: int = 0,
    test_size: float = 0.2,
    config: Optional[LIESConfig] = None,
    verbose: int = 1,
) -> FitResult:
    """Fit a LIES formula to a table, holding out ``test_size`` of the rows for the test R^2.

    Column names that would not read back in a formula get safe symbols
    (:func:`~keras_symbolic.symbolic.names.safe_names`); the result's ``symbols`` keeps the mapping."""
    from sklearn.model_selection import train_test_split

    from keras_symbolic.symbolic.names import safe_names

    X, y, names = validate_xy(X, y, feature_names, max_features=MAX_LIES_FEATURES)
    name_map = safe_names(names)
    if not 0 < test_size < 1:
        raise DataError(f"test size must be in (0, 1), got {test_size}")
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=int(seed))
    config = replace(config or LIESConfig(), seed=int(seed))
    start = time.perf_counter()
    result = run_lies(X_tr, y_tr, config, list(name_map.safe), verbose=verbose)
    seconds = time.perf_counter() - start
    fit = lies_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed)
    fit.symbols = name_map.mapping
    return fit
