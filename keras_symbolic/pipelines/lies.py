"""The LIES recipe end to end (LIES paper Fig. 3; SPEC 1): :func:`run_lies` and its :class:`LIESResult`.

    data -> log space -> weak ADMM -> oversampling (Algorithm 1, weak ADMM again) -> strong ADMM
         -> gradient-based pruning + node pruning -> extraction -> rounding to zero
         -> coefficient fit -> final rounding -> candidate formulas (the Pareto table)
         -> (ours) structure search and sum-factor search from the chosen formula -> selection

This module runs the steps in order and times them; each step lives in its own module:
configuration in :mod:`~keras_symbolic.pipelines.lies_config` (:class:`LIESConfig`), training in
:mod:`~keras_symbolic.pipelines.lies_training`, the trained-network cache in
:mod:`~keras_symbolic.pipelines.lies_cache`, the candidate table in
:mod:`~keras_symbolic.pipelines.lies_candidates` and the choice among candidates in
:mod:`~keras_symbolic.pipelines.selection`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.pipelines.lies_cache import train_cached
from keras_symbolic.pipelines.lies_candidates import (
    extracted_candidates,
    large_formula_note,
    with_structure_search,
    with_sum_factor,
)
from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.pipelines.lies_training import split_data, train_network
from keras_symbolic.pipelines.oversampling import Sampler
from keras_symbolic.pipelines.selection import select_equation
from keras_symbolic.symbolic.lies_extract import network_expression
from keras_symbolic.symbolic.pruning import prune_weights
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.transform import SpaceTransform, validate_xy

__all__ = ["LIESResult", "run_lies"]


@dataclass
class LIESResult:
    """Everything a LIES run produced.

    Attributes:
        expression: the chosen formula (SymPy, in the column symbols).
        equations: every candidate formula: ``pruning_threshold, stage, complexity, loss, r2`` (on the
            validation rows), ``expression``; ``chosen`` marks the selected row.
        variables: the column symbols.
        transform: the fitted data <-> network space transform.
        model: the trained, pruned Keras model (pruned weights masked to zero).
        history: per phase, the Keras ``History.history`` dict.
        phase_seconds: wall seconds per phase (``train_weak``, ``oversampling``, ``train_strong``,
            ``pruning``, ``extraction``, ``simplification``).
        oversampling: log of Algorithm 1 (cells chosen, errors, accepted or not).
        pruning: pruning reports per threshold.
        attempts: training attempts used (more than 1 after non-finite losses).
        config: the full configuration.
        extra: ``restarts``, ``network_cache``, and ``notes``: what the user should know about this
            run (a barely pruned network, :func:`~keras_symbolic.pipelines.lies_candidates.large_formula_note`).
    """

    expression: sp.Expr
    equations: pd.DataFrame
    variables: list
    transform: SpaceTransform
    model: object
    history: dict
    phase_seconds: dict
    oversampling: list
    pruning: list
    attempts: int
    config: LIESConfig
    train_rows: int = 0
    extra: dict = field(default_factory=dict)

    def predict(self, X) -> np.ndarray:
        return to_callable(self.expression, self.variables)(np.asarray(X, dtype=np.float64))



def run_lies(
    X,
    y,
    config: LIESConfig | None = None,
    feature_names: Sequence[str] | None = None,
    sampler: Optional[Sampler] = None,
    verbose: int = 1,
    progress=None,
    network_cache=None,
) -> LIESResult:
    """Run the whole LIES pipeline on ``X (N, n)``, ``y (N,)``.

    Args:
        config: a :class:`LIESConfig` (default: the authors' schedule, with this project's two
            measured departures: raw ``ln|x|`` inputs and 3 weak-phase starts).
        feature_names: column names (default ``x0, x1, ...``); they name the formula's symbols.
        sampler: draws fresh points inside a box, for oversampling a known equation; without it the
            worst cell's rows are re-sampled.
        verbose: 0 silent, 1 one line per phase with a progress bar, 2 also Keras's per-epoch lines.
        progress: a :class:`~keras_symbolic.pipelines.progress.PhaseProgress` (overrides ``verbose``).
        network_cache: a folder or a ``joblib.Memory``: the trained network (before pruning) is
            stored there and reused by any later run on the same data with the same training
            settings (:data:`~keras_symbolic.pipelines.lies_config.POST_TRAINING_FIELDS` may differ), the same Keras backend and the same
            training code. A reused network makes post-training ablations cheap and compares them on
            one network. ``sampler`` is assumed to be fixed by the data (as for a Feynman equation)
            and is not part of the key. ``result.extra["network_cache"]`` says ``"hit"`` or ``"miss"``.

    Raises:
        DataError: bad input (non-finite, wrong shapes, too few rows, mixed signs in log space).
        ~keras_symbolic.pipelines.lies_training.TrainingDivergedError: every restart ended in a non-finite loss.
    """
    from keras_symbolic.pipelines.progress import PhaseProgress

    config = config or LIESConfig()
    progress = progress or PhaseProgress(verbose)
    X, y, names = validate_xy(X, y, feature_names)
    split = split_data(X, y, names, config)
    transform, rng = split.transform, split.rng
    X_tr, y_tr, X_val, y_val, Z_tr = split.X_tr, split.y_tr, split.X_val, split.y_val, split.Z_tr
    n_val = len(X_val)
    extra = {}
    if network_cache is None:
        model, trained = train_network(split, config, sampler, progress)
    else:
        model, trained, extra["network_cache"] = train_cached(network_cache, X, y, names, config, sampler, progress)
        rng.bit_generator.state = trained.rng_state
    if extra.get("network_cache") == "hit":
        seconds = {"train_from_cache": trained.load_seconds}
        extra["cached_training_seconds"] = dict(trained.seconds)
    else:
        seconds = dict(trained.seconds)
    history, over_log, attempts = trained.history, trained.oversampling, trained.attempts
    train_rows = trained.train_rows
    extra["restarts"] = trained.restarts

    # ---- pruning and extraction, one candidate structure per pruning threshold
    t0 = time.perf_counter()
    weights = model.to_numpy_weights()
    z_prune = Z_tr[rng.choice(len(Z_tr), size=min(config.pruning_samples, len(Z_tr)), replace=False)].astype(np.float64)
    thresholds = [config.pruning_threshold] + [t for t in config.extra_pruning_thresholds if t != config.pruning_threshold]
    structures, pruning_log = [], []
    for threshold in thresholds if config.gradient_pruning else [None]:
        if threshold is None:
            pruned = weights
            pruning_log.append({"threshold": None, "nonzero_before": weights.n_nonzero(), "nonzero_after": weights.n_nonzero()})
        else:
            pruned, report = prune_weights(weights, z_prune, threshold, config.pruning_criterion)
            pruning_log.append(report.as_dict())
        structures.append((threshold, pruned))
    model.apply_masks(structures[0][1])
    seconds["pruning"] = time.perf_counter() - t0
    progress.phase_done("pruning", ", ".join(f"tau={p.get('threshold')}: {p['nonzero_before']}->{p['nonzero_after']} weights" for p in pruning_log))

    t0 = time.perf_counter()
    symbols = transform.symbols()
    inputs = transform.input_expressions(symbols)
    raw_expressions = [(thr, transform.output_expression(network_expression(p, inputs))) for thr, p in structures]
    seconds["extraction"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    X_fit, y_fit = X_tr, y_tr
    X_sel, y_sel = (X_val, y_val) if n_val else (X_tr, y_tr)
    equations = extracted_candidates(raw_expressions, structures, transform, inputs, symbols, X_fit, y_fit, X_sel, y_sel,
                                     config)
    note = large_formula_note(equations, pruning_log, config)
    if note:  # a barely pruned network: said at once, and kept for the result's summary
        extra["notes"] = [note]
        progress.message(f"note: {note}")

    def choose(table):
        return select_equation(table, config.selection_tolerance, config.selection_gain, config.selection_max_extra)

    chosen = choose(equations)
    if config.simplify.structure_search:
        equations = with_structure_search(equations, chosen, X_fit, y_fit, X_sel, y_sel, symbols, config)
        chosen = choose(equations)
    if config.simplify.sum_factor:
        equations = with_sum_factor(equations, chosen, X_fit, y_fit, X_sel, y_sel, symbols, config)
        chosen = choose(equations)
    equations["chosen"] = equations.index == chosen
    seconds["simplification"] = time.perf_counter() - t0
    expression = equations.loc[chosen, "expression"]
    shown = str(expression)
    progress.phase_done("simplification", f"{len(equations)} candidates; chosen: {shown if len(shown) <= 100 else shown[:97] + '...'}")
    return LIESResult(
        expression=expression, equations=equations, variables=symbols, transform=transform, model=model,
        history=history, phase_seconds=seconds, oversampling=over_log, pruning=pruning_log, attempts=attempts,
        config=config, train_rows=train_rows, extra=extra,
    )
