"""Post-processing of an extracted formula: the simplification chain and its scored candidates.

SPEC 1.9 / LIES paper III-E and III-F. The input is a SymPy expression ``f(x)`` in real Symbols (one
per column of the raw, linear-space data ``X``), full of float constants, e.g.
``3.1*exp(0.49*log(x1) + 1.02*log(x2)) + 0.003*sin(...)``. :func:`simplify_formula` runs, under a
:class:`SimplifyConfig`,

1. :func:`~keras_symbolic.symbolic.rounding.round_to_zero`: every constant ``c`` with
   ``|c| < max_abs`` (0.05) is set to 0 when the first-order estimate of the change of ``f`` (paper
   Theorem 2, derivative taken at the rounded value ``r``), ``max_x |df/dc (c = r, x)| * |c - r|``,
   is below ``threshold`` (0.1);
2. :func:`~keras_symbolic.symbolic.coefficient_fit.fit_coefficients`: the structure is fixed and
   every remaining float constant is fitted by least squares on the raw data
   (``scipy.optimize.least_squares``), bounded by ``max_nfev`` *and* a wall-clock limit;
3. :func:`~keras_symbolic.symbolic.final_rounding.round_final`: every constant is rounded to
   ``decimals`` (1) decimals, or to the reciprocal of a one-decimal number (``0.3333 -> 1/3``), when
   the same gradient test says the change is negligible, as an exact SymPy ``Rational``; then the
   still-free floats are refitted and a bounded ``sympy.simplify`` tidies the result;
4. :func:`~keras_symbolic.symbolic.snapping.snap_constants` (not in the paper): near-zero and
   near-integer constants snap when the data agree,

and returns every intermediate :class:`Candidate` (expression, complexity, MSE, R^2, seconds).
Constants are ``sympy.Float`` atoms only (:mod:`keras_symbolic.symbolic.parameters`); the rounding
decisions (greedy, absolute thresholds) are in :mod:`keras_symbolic.symbolic.rounding`. Every stage
is bounded in time (:mod:`keras_symbolic.symbolic.limits`); a stage that fails keeps its input.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import prepare_data, resolve_variables, to_callable
from keras_symbolic.symbolic.final_rounding import round_final
from keras_symbolic.symbolic.rounding import round_to_zero
from keras_symbolic.symbolic.snapping import snap_constants

__all__ = ["Candidate", "SimplifyConfig", "simplify_formula"]


@dataclass(frozen=True)
class SimplifyConfig:
    """Switches, thresholds and time bounds of :func:`simplify_formula`.

    Defaults are the paper's (III-E, III-F): zero threshold 0.1 on constants ``|c| < 0.05``, final
    threshold 0.1 at one decimal.

    Attributes:
        rounding: run the gradient rounding to zero (paper ablation module 3).
        coefficient_fit: run the least-squares coefficient optimisation (paper ablation module 4);
            also gates the refit after final rounding.
        final_rounding: run the final rounding to one decimal (+ simplify).
        zero_threshold: threshold of the rounding-to-zero test (absolute on ``f`` unless ``relative``).
        zero_max_abs: only constants with ``|c| < zero_max_abs`` are tried for rounding to zero.
        final_threshold: threshold of the final rounding test.
        decimals: decimals of the final rounding.
        reciprocal: also try ``1 / round(1/c, decimals)`` in the final rounding.
        relative: thresholds relative to ``std(y)`` instead of absolute.
        greedy: one constant at a time, re-checked after each change (else all at once).
        criterion: ``"gradient"`` (paper: first-order estimate), ``"exact"`` (the actual
            ``max |f(r) - f(c)|``), or ``"both"``.
        max_samples: rows used by the rounding tests (a fixed random subsample beyond that).
        fit_max_samples: rows used by the coefficient fit (``None``: all).
        fit_method: ``least_squares`` method (``"trf"``, ``"lm"`` or ``"dogbox"``).
        fit_max_nfev: function-evaluation cap of the fit.
        refit_after_rounding: after the final rounding, refit the constants still free.
        simplify: run the bounded ``sympy.simplify`` at the end of the final rounding.
        simplify_max_nodes: skip ``simplify`` when the expression has more tree nodes than this.
        snap: after the final rounding, snap near-zero constants to 0 and near-integers to integers
            when the data say it costs nothing
            (:func:`~keras_symbolic.symbolic.snapping.snap_constants`); not part of the paper.
        snap_tolerance: largest allowed drop of R^2 per snapped constant.
        structure_search: after selection, collapse sub-trees and exponents the data do not need
            (:func:`~keras_symbolic.symbolic.structure_search.structure_search`); not part of the
            paper. Run by :func:`~keras_symbolic.pipelines.lies.run_lies` on the chosen formula, not
            by :func:`simplify_formula`.
        search_tolerance: largest allowed drop of R^2 over the whole structure search.
        search_timeout: wall-clock bound of one structure search, in seconds.
        sum_factor: after selection, also fit ``C prod x_i**a_i (1 + k u)**p`` over the chosen
            formula's variables (:func:`~keras_symbolic.symbolic.sum_factor.sum_factor_search`): the
            sums (``1 - v**2/c**2``, ``1 + chi``, ``gamma - 1``) that the log-space network can only
            approximate; not part of the paper. Run by :func:`~keras_symbolic.pipelines.lies.run_lies`.
        sum_factor_timeout: wall-clock bound of that search, in seconds.
        zero_timeout, fit_timeout, final_timeout, simplify_timeout, snap_timeout: wall-clock bounds
            in seconds.
        seed: seed of the row subsampling.
    """

    rounding: bool = True
    coefficient_fit: bool = True
    final_rounding: bool = True
    zero_threshold: float = 0.1
    zero_max_abs: float = 0.05
    final_threshold: float = 0.1
    decimals: int = 1
    reciprocal: bool = True
    relative: bool = False
    greedy: bool = True
    criterion: str = "gradient"
    max_samples: int = 2000
    fit_max_samples: int | None = 20000
    fit_method: str = "trf"
    fit_max_nfev: int = 1000
    refit_after_rounding: bool = True
    simplify: bool = True
    simplify_max_nodes: int = 400
    snap: bool = True
    snap_tolerance: float = 1e-6
    snap_timeout: float = 5.0
    structure_search: bool = True
    search_tolerance: float = 1e-5
    search_timeout: float = 30.0
    sum_factor: bool = True
    sum_factor_timeout: float = 10.0
    zero_timeout: float = 30.0
    fit_timeout: float = 20.0
    final_timeout: float = 30.0
    simplify_timeout: float = 10.0
    seed: int = 0


@dataclass(frozen=True)
class Candidate:
    """One stage's formula with its scores on the data given to :func:`simplify_formula`.

    Attributes:
        stage: ``"extracted"``, ``"round_to_zero"``, ``"coefficient_fit"`` or ``"final_rounding"``.
        expression: the SymPy expression after that stage.
        complexity: number of nodes (:func:`~keras_symbolic.symbolic.complexity.expression_complexity`).
        loss: mean squared error on the finite rows of the data (``inf`` if the formula is not finite
            on some of them).
        r2: coefficient of determination on the same rows.
        seconds: wall time of that stage.
        info: the stage's report (see each stage function).
    """

    stage: str
    expression: sp.Expr
    complexity: int
    loss: float
    r2: float
    seconds: float
    info: dict = field(default_factory=dict, compare=False)


def _scores(expr, X, y, symbols) -> tuple[float, float]:
    """(MSE, R^2) of ``expr`` on ``X, y`` (already finite); ``(inf, -inf)`` if not finite somewhere."""
    if y is None or y.shape[0] == 0:
        return math.nan, math.nan
    try:
        pred = to_callable(expr, symbols)(X)
    except Exception:  # noqa: BLE001
        return math.inf, -math.inf
    if not np.all(np.isfinite(pred)):
        return math.inf, -math.inf
    with np.errstate(all="ignore"):
        ss_res = float(np.sum((y - pred) ** 2))
        ss_tot = float(np.sum((y - np.mean(y)) ** 2))
    mse = ss_res / y.shape[0]
    if not math.isfinite(mse):
        return math.inf, -math.inf
    if ss_tot == 0.0:
        return mse, 1.0 if ss_res == 0.0 else 0.0
    return mse, 1.0 - ss_res / ss_tot


def simplify_formula(expr, X, y, variables, config: SimplifyConfig | None = None) -> list[Candidate]:
    """Run rounding to zero -> coefficient fit -> final rounding and return every stage's candidate.

    Each stage can be switched off in ``config`` (paper ablations: ``rounding=False``,
    ``coefficient_fit=False``); a stage that fails unexpectedly keeps its input and records the
    error in its ``info``. The last candidate is the final formula; the first (``"extracted"``) is
    the input. Losses and R^2 are on the finite rows of ``X, y`` (all of them, not the subsamples).
    """
    config = config or SimplifyConfig()
    expr = sp.sympify(expr)
    symbols = resolve_variables(expr, variables)
    Xc, yc = prepare_data(X, y, len(symbols))
    candidates: list[Candidate] = []

    def record(stage, e, seconds, info):
        loss, r2 = _scores(e, Xc, yc, symbols)
        candidates.append(Candidate(stage, e, expression_complexity(e), loss, r2, seconds, info))

    record("extracted", expr, 0.0, {})
    current = expr
    stages = []
    if config.rounding:
        stages.append(("round_to_zero", lambda e: round_to_zero(
            e, Xc, yc, symbols, threshold=config.zero_threshold, max_abs=config.zero_max_abs,
            relative=config.relative, greedy=config.greedy, criterion=config.criterion,
            max_samples=config.max_samples, timeout=config.zero_timeout, seed=config.seed)))
    if config.coefficient_fit:
        stages.append(("coefficient_fit", lambda e: fit_coefficients(
            e, Xc, yc, symbols, max_nfev=config.fit_max_nfev, timeout=config.fit_timeout,
            method=config.fit_method, max_samples=config.fit_max_samples, seed=config.seed)))
    if config.final_rounding:
        stages.append(("final_rounding", lambda e: round_final(
            e, Xc, symbols, y=yc, threshold=config.final_threshold, decimals=config.decimals,
            reciprocal=config.reciprocal, relative=config.relative, greedy=config.greedy,
            criterion=config.criterion, max_samples=config.max_samples, timeout=config.final_timeout,
            refit=config.coefficient_fit and config.refit_after_rounding,
            fit_max_nfev=config.fit_max_nfev, fit_timeout=config.fit_timeout,
            fit_method=config.fit_method, simplify=config.simplify,
            simplify_timeout=config.simplify_timeout, simplify_max_nodes=config.simplify_max_nodes,
            seed=config.seed)))
    if config.snap:
        stages.append(("snap", lambda e: snap_constants(
            e, Xc, yc, symbols, tolerance=config.snap_tolerance, timeout=config.snap_timeout,
            max_samples=config.max_samples, seed=config.seed)))
    for name, run in stages:
        t0 = time.perf_counter()
        try:
            new, info = run(current)
        except Exception as exc:  # noqa: BLE001 - a stage never breaks the chain
            new, info = current, {"error": f"{type(exc).__name__}: {exc}"}
        current = new
        record(name, current, time.perf_counter() - t0, info)
    return candidates
