"""One fit of the discovery engine (``method="auto"``) with its evaluation, as a
:class:`~keras_symbolic.results.fit_result.FitResult`: on a Feynman equation (the same rows, noise and
symbolic check as every method, :func:`~keras_symbolic.pipelines.evaluate.feynman_rows`) or on a
user's table (train/test split, safe symbols for the column names).
"""
from __future__ import annotations

import sys
import time
from dataclasses import replace
from functools import partial
from typing import Optional

import numpy as np

from keras_symbolic.pipelines.auto import AutoConfig, AutoResult, run_auto
from keras_symbolic.pipelines.evaluate import feynman_rows, solution_check
from keras_symbolic.results.fit_result import FitResult
from keras_symbolic.results.metrics import regression_scores
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.transform import (AUTO_MIN_ROWS, MAX_AUTO_FEATURES, DataError, check_sample_weight,
                                              validate_xy)

__all__ = ["auto_fit_result", "front_records", "linear_notes", "plot_front", "fit_feynman_auto", "fit_table_auto", "FEYNMAN_ROWS"]

#: Training rows drawn for a Feynman equation (as LIES's default schedule).
FEYNMAN_ROWS = 10_000


def auto_fit_result(result: AutoResult, X_tr, y_tr, X_te=None, y_te=None, *, seconds: float, seed: int,
                    truth: Optional[dict] = None, data: Optional[dict] = None) -> FitResult:
    """The :class:`FitResult` of an engine run: R^2 on the training and test rows, the candidate table
    (solver, complexity, description length, R^2 on held-out rows), the decomposition log."""
    metrics, predictions = regression_scores(to_callable(result.expression, result.variables), X_tr, y_tr, X_te, y_te)
    chosen = result.equations[result.equations["chosen"]]
    return FitResult(
        method="auto",
        expressions=[result.expression],
        variables=list(result.variables),
        metrics=metrics,
        candidates=result.equations,
        truth=truth,
        wall_seconds=seconds,
        phase_seconds=result.phase_seconds,
        details={"solver": str(chosen["solver"].iloc[0]) if len(chosen) else None,
                 "choice_rule": result.rule,
                 "noise_floor": result.noise_floor,
                 "validation": result.validation or "held-out split",
                 "pareto": front_records(result.equations),
                 "notes": linear_notes(result.equations),
                 "decomposition": result.decomposition},
        seed=int(seed),
        data=data,
        config=result.config.to_dict(),
        model=result.model,
        predictions=predictions,
        native=result,
        files={"pareto.png": partial(plot_front, table=result.equations)},
    )


def plot_front(path, table) -> None:
    """``pareto.png`` of a candidate table (:func:`~keras_symbolic.results.plots.pareto_plot`)."""
    from keras_symbolic.results.plots import pareto_plot

    pareto_plot(path, table["complexity"], table["r2"], table.get("pareto", table["chosen"]), table["chosen"])


def front_records(table) -> list[dict]:
    """The Pareto front of a candidate table as records (complexity, held-out R^2, solver, formula,
    chosen), simplest first; the chosen formula is always among them (the description length can prefer
    a formula with simpler constants to the most accurate one of the same size)."""
    keep = (table["pareto"] | table["chosen"]) if "pareto" in table else table["chosen"]
    front = table[keep].sort_values(["complexity", "r2"], ascending=[True, False])
    return [{"complexity": int(r.complexity), "r2": float(r.r2), "solver": str(r.solver),
             "expression": str(r.expression), "chosen": bool(r.chosen)} for r in front.itertuples()]


def linear_notes(table) -> list[str]:
    """A note when least squares on the raw columns predicts at least as well as the chosen formula on
    the rows the engine judged both on (its held-out rows or its cross-validation: the front's R^2, not
    the test rows of ``fit``); the user should know a plain linear model is as good."""
    linear = table[table["solver"] == "linear"]
    chosen = table[table["chosen"]]
    if linear.empty or chosen.empty or chosen["solver"].iloc[0] == "linear":
        return []
    r_lin, r_chosen = float(linear["r2"].iloc[0]), float(chosen["r2"].iloc[0])
    if r_lin >= r_chosen:
        return [f"linear regression predicts as well as the chosen formula where the engine judged them "
                f"(the front's R^2 {r_lin:.4f} against {r_chosen:.4f}): {linear['expression'].iloc[0]}"]
    return []


def fit_feynman_auto(name: str, seed: int = 0, samples: Optional[int] = None, test_samples: int = 10_000,
                     config: Optional[AutoConfig] = None, verbose: int = 1, solution_timeout: float = 10.0,
                     noise: float = 0.0) -> FitResult:
    """The engine on AI Feynman equation ``name``: ``samples`` training rows (default
    :data:`FEYNMAN_ROWS`) with SRBench's target ``noise``, clean test rows, the symbolic check."""
    from keras_symbolic.datasets import get_feynman_equation
    from keras_symbolic.datasets.noise import check_noise_level

    equation = get_feynman_equation(name)
    noise = check_noise_level(noise)
    config = replace(config or AutoConfig(), seed=int(seed))
    X_tr, y_tr, X_te, y_te = feynman_rows(equation, seed, int(samples or FEYNMAN_ROWS), test_samples, noise=noise)
    start = time.perf_counter()
    result = run_auto(X_tr, y_tr, list(equation.variables), config, verbose=verbose)
    seconds = time.perf_counter() - start
    truth = solution_check(result.expression, equation, solution_timeout)
    fit = auto_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed, truth=truth)
    fit.details["noise"] = noise
    return fit


#: Tables of fewer rows keep every row for the engine (no test split): its leave-one-out judges.
NO_TEST_BELOW = 20


def fit_table_auto(X, y, feature_names, seed: int = 0, test_size: float = 0.2, config: Optional[AutoConfig] = None,
                   verbose: int = 1, sample_weight=None) -> FitResult:
    """The engine on a table, holding out ``test_size`` of the rows for the test R^2 (none below
    :data:`NO_TEST_BELOW` rows; at least :data:`AUTO_MIN_ROWS` rows); any signs and zeros are ordinary
    input; column names get safe symbols where needed; ``sample_weight (n,)`` the
    rows' weights (the engine's fits and scores; the test R^2 is unweighted)."""
    from sklearn.model_selection import train_test_split

    from keras_symbolic.symbolic.names import safe_names

    X, y, names = validate_xy(X, y, feature_names, min_rows=AUTO_MIN_ROWS, max_features=MAX_AUTO_FEATURES)
    if not 0 < test_size < 1:
        raise DataError(f"test size must be in (0, 1), got {test_size}")
    name_map = safe_names(names)
    weights = check_sample_weight(sample_weight, len(y))
    rows = np.arange(len(y))
    if len(y) < NO_TEST_BELOW:
        if verbose:
            print(f"note: only {len(y)} rows: none held out for a test R^2; the engine judges its formulas by "
                  "leave-one-out on all of them", file=sys.stderr, flush=True)
        X_tr, X_te, y_tr, y_te, rows_tr = X, None, y, None, rows
    else:
        X_tr, X_te, y_tr, y_te, rows_tr, _ = train_test_split(X, y, rows, test_size=test_size,
                                                              random_state=int(seed))
    config = replace(config or AutoConfig(), seed=int(seed))
    start = time.perf_counter()
    result = run_auto(X_tr, y_tr, list(name_map.safe), config, verbose=verbose,
                      sample_weight=None if weights is None else weights[rows_tr])
    seconds = time.perf_counter() - start
    fit = auto_fit_result(result, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=seed)
    fit.symbols = name_map.mapping
    return fit
