"""The LIES recipe end to end (LIES paper Fig. 3; SPEC 1).

    data -> log space -> weak ADMM -> oversampling (Algorithm 1, weak ADMM again) -> strong ADMM
         -> gradient-based pruning + node pruning -> extraction -> rounding to zero
         -> coefficient fit -> final rounding -> candidate formulas (the Pareto table)
         -> (ours) structure search and sum-factor search from the chosen formula -> selection

Configured by small frozen dataclasses (:class:`LIESConfig` holding a :class:`LIESSchedule`, an
:class:`OversamplingConfig` and a :class:`SimplifyConfig`); :func:`run_lies` returns a
:class:`LIESResult`. The schedule defaults are the authors' code values (``LIESSchedule.paper()``
gives the paper's); two defaults depart from that code, measured in BENCHMARKS.md: raw ``ln|x|``
inputs (``scale_inputs=False``) and 3 weak-phase starts (``restarts=3``). Each switch of the paper's ablation (Table I) is one field: ``oversampling.enabled``,
``gradient_pruning``, ``simplify.rounding``, ``simplify.coefficient_fit`` (see :meth:`LIESConfig.ablate`).
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.pipelines.oversampling import CellGrid, OversamplingConfig, Sampler, oversample_rows
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.lies_extract import network_expression
from keras_symbolic.symbolic.pruning import prune_weights
from keras_symbolic.symbolic.simplify import SimplifyConfig, simplify_formula
from keras_symbolic.symbolic.structure_search import structure_search
from keras_symbolic.symbolic.sum_factor import sum_factor_search
from keras_symbolic.symbolic.tidy import tidy_constants
from keras_symbolic.symbolic.transform import DataError, SpaceTransform, validate_xy

__all__ = [
    "PhaseConfig",
    "LIESSchedule",
    "LIESConfig",
    "LIESResult",
    "TrainingDivergedError",
    "run_lies",
    "strong_lambda",
    "select_equation",
    "ABLATIONS",
    "POST_TRAINING_FIELDS",
]

ABLATIONS = ("oversampling", "gradient_pruning", "rounding", "coefficient_fit")


def strong_lambda(n_inputs: int) -> float:
    """Strong-phase ADMM ``lambda = 5 * 10^(1 - n)`` (paper: ``5 * 10^-(n-1)``, the same)."""
    return 5.0 * 10.0 ** (1 - n_inputs)


@dataclass(frozen=True)
class PhaseConfig:
    """One ADMM training phase: epochs, ``rho``, ``lambda`` (``None``: :func:`strong_lambda`), L1
    ``alpha`` and the per-epoch learning-rate decay factor."""

    epochs: int
    rho: float
    lam: Optional[float]
    l1_alpha: float
    lr_decay: float

    def lambda_for(self, n_inputs: int) -> float:
        return strong_lambda(n_inputs) if self.lam is None else self.lam


@dataclass(frozen=True)
class LIESSchedule:
    """Weak/strong ADMM schedule (SPEC 1.5). Defaults: the authors' code; :meth:`paper`: the paper."""

    weak: PhaseConfig = PhaseConfig(20, 0.9, 5e-4, 0.05, 0.9)
    weak_oversampled: PhaseConfig = PhaseConfig(20, 0.1, 5e-4, 0.05, 0.9)
    strong: PhaseConfig = PhaseConfig(30, 0.005, None, 0.01, 0.95)
    learning_rate: float = 1.5e-2
    batch_size: int = 128
    rmsprop_rho: float = 0.99  # PyTorch's RMSprop alpha (Keras's default is 0.9)
    rmsprop_epsilon: float = 1e-8  # PyTorch's default (Keras's is 1e-7)
    shuffle: bool = False  # the authors' code does not shuffle
    n_rows: int = 10_000  # rows drawn for a known equation (paper: 100k)

    @classmethod
    def reference(cls) -> "LIESSchedule":
        """The authors' code values (the default)."""
        return cls()

    @classmethod
    def paper(cls) -> "LIESSchedule":
        """The paper's values: rho 0.5 in both weak phases, no LR decay, 100k rows."""
        ref = cls()
        return cls(
            weak=replace(ref.weak, rho=0.5, lr_decay=1.0),
            weak_oversampled=replace(ref.weak_oversampled, rho=0.5, lr_decay=1.0),
            strong=replace(ref.strong, lr_decay=1.0),
            n_rows=100_000,
        )

    @classmethod
    def named(cls, name: str) -> "LIESSchedule":
        if name not in ("reference", "paper"):
            raise ValueError(f"unknown schedule {name!r}: use 'reference' (authors' code) or 'paper'")
        return getattr(cls, name)()

    def scaled(self, factor: float) -> "LIESSchedule":
        """Same schedule with every phase's epochs multiplied by ``factor`` (at least 1): quick runs."""
        scale = lambda p: replace(p, epochs=max(1, int(round(p.epochs * factor))))  # noqa: E731
        return replace(self, weak=scale(self.weak), weak_oversampled=scale(self.weak_oversampled), strong=scale(self.strong))


@dataclass(frozen=True)
class LIESConfig:
    """Everything that defines a LIES run (recorded in full with every result).

    Attributes:
        schedule: the ADMM phases and optimiser settings.
        oversampling: Algorithm 1 settings (``enabled=False`` to ablate).
        simplify: rounding / coefficient fit / final rounding settings.
        log_space: train in log space (SPEC 1.1); ``False`` for mixed-sign data.
        scale_inputs: divide each network input by its max ``|value|`` (authors' code). Default
            ``False``: raw ``ln|x|``, so a power law's exponents are the weights themselves and L1
            does not favour detours over the exact path (measured: 7/12 vs 3/12 solved trials on six
            Feynman equations, see BENCHMARKS.md).
        units: unit activations of each LIES layer.
        output_bias: extra output bias (authors' code) besides the constant-1 input.
        admm_norm: ``"squared"`` (paper) or ``"unsquared"`` (authors' code).
        domain_weight: weight of the Log/Exp domain loss.
        gradient_pruning: run gradient-based pruning (ablation switch).
        pruning_threshold: ``tau`` of the pruning rule (paper 0.01).
        pruning_criterion: ``"gradient"`` (paper) or ``"exact"``.
        pruning_samples: rows the pruning rule is judged on.
        extra_pruning_thresholds: more thresholds whose formulas join the candidate table.
        max_formula_nodes: extracted formulas larger than this skip the symbolic steps (paper: "out
            of time"); they stay in the candidate table.
        selection_tolerance: the chosen formula is the simplest whose validation R^2 is within this of
            the best candidate's.
        selection_gain, selection_max_extra: ... unless a candidate's validation error ``1 - R^2`` is
            below ``selection_gain`` times the chosen one's and its complexity at most
            ``selection_max_extra`` above it: then the simplest such candidate is chosen (see
            :func:`select_equation`).
        restarts: initialisations tried for the first weak phase (see :func:`_weak_with_restarts`);
            the authors' code uses one.
        restart_error_factor: restarts whose pruned error is within this factor of the best compete
            on sparsity.
        max_restarts: fresh restarts (new seed) after a non-finite loss before giving up.
        validation_fraction: rows held out from training for choosing among candidates.
        seed: seed of everything random in the run.
    """

    schedule: LIESSchedule = LIESSchedule()
    oversampling: OversamplingConfig = OversamplingConfig()
    # Tighter wall-clock bounds than SimplifyConfig's own defaults: a trial must stay well under 2 min.
    simplify: SimplifyConfig = SimplifyConfig(zero_timeout=10.0, fit_timeout=10.0, final_timeout=10.0, simplify_timeout=5.0)
    log_space: bool = True
    scale_inputs: bool = False
    units: tuple = ("identity", "exp", "sin", "log")
    output_bias: bool = False
    admm_norm: str = "squared"
    domain_weight: float = 1.0
    gradient_pruning: bool = True
    pruning_threshold: float = 0.01
    pruning_criterion: str = "gradient"
    pruning_samples: int = 1000
    extra_pruning_thresholds: tuple = ()
    selection_tolerance: float = 1e-3
    selection_gain: float = 1e-3
    selection_max_extra: int = 10
    max_formula_nodes: int = 200
    restarts: int = 3
    restart_error_factor: float = 1.5
    max_restarts: int = 3
    validation_fraction: float = 0.1
    seed: int = 0

    def ablate(self, *names: str) -> "LIESConfig":
        """A copy with the named pipeline modules switched off (paper Table I)."""
        unknown = sorted(set(names) - set(ABLATIONS))
        if unknown:
            raise ValueError(f"unknown ablation(s) {unknown}; choose from {list(ABLATIONS)}")
        cfg = self
        if "oversampling" in names:
            cfg = replace(cfg, oversampling=replace(cfg.oversampling, enabled=False))
        if "gradient_pruning" in names:
            cfg = replace(cfg, gradient_pruning=False)
        if "rounding" in names:
            # our data-checked snapping is a rounding too: off with it, so the ablation stays meaningful
            cfg = replace(cfg, simplify=replace(cfg.simplify, rounding=False, snap=False, structure_search=False,
                                                sum_factor=False))
        if "coefficient_fit" in names:
            cfg = replace(cfg, simplify=replace(cfg.simplify, coefficient_fit=False, structure_search=False,
                                                sum_factor=False))
        return cfg

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "LIESConfig":
        d = dict(d)
        sched = dict(d.pop("schedule", {}))
        for key in ("weak", "weak_oversampled", "strong"):
            if key in sched:
                sched[key] = PhaseConfig(**sched[key])
        d["schedule"] = LIESSchedule(**sched)
        d["oversampling"] = OversamplingConfig(**d.pop("oversampling", {}))
        d["simplify"] = SimplifyConfig(**d.pop("simplify", {}))
        for key in ("units", "extra_pruning_thresholds"):
            if key in d:
                d[key] = tuple(d[key])
        return cls(**d)


class TrainingDivergedError(RuntimeError):
    """Training produced a non-finite loss on every restart."""


class _NonFiniteLoss(Exception):
    pass


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


# ---------------------------------------------------------------------------------------------- training
def _compile(model, phase: PhaseConfig, schedule: LIESSchedule, n_rows: int):
    import keras

    from keras_symbolic.losses import exp_abs_loss, exp_abs_loss_sum

    steps = max(1, math.ceil(n_rows / schedule.batch_size))
    lr = keras.optimizers.schedules.ExponentialDecay(
        schedule.learning_rate, decay_steps=steps, decay_rate=phase.lr_decay, staircase=True
    )
    optimizer = keras.optimizers.RMSprop(lr, rho=schedule.rmsprop_rho, epsilon=schedule.rmsprop_epsilon)
    # One dispatch per epoch: the network is tiny, so per-step overhead is most of the cost (2 CPU
    # cores, TensorFlow: 6.1 -> 2.4 ms/step; JAX, always jitted: 0.8 -> 0.5 ms/step). XLA on
    # TensorFlow saves a little more per step but costs 5-7 s of compilation per phase: off.
    jit = keras.backend.backend() == "jax"
    loss = exp_abs_loss_sum if getattr(model, "n_members", 1) > 1 else exp_abs_loss
    model.compile(optimizer=optimizer, loss=loss, jit_compile=jit, steps_per_execution=steps)


def _train_phase(model, Z, Y, phase: PhaseConfig, schedule: LIESSchedule, label: str, progress) -> dict:
    import keras

    from keras_symbolic.callbacks.admm import ADMMCallback

    _compile(model, phase, schedule, len(Z))
    callbacks = [ADMMCallback(phase.rho, phase.lambda_for(model.n_inputs), phase.l1_alpha), keras.callbacks.TerminateOnNaN()]
    callbacks += progress.keras_callbacks(label, phase.epochs)
    hist = model.fit(
        Z, Y, batch_size=schedule.batch_size, epochs=phase.epochs, shuffle=schedule.shuffle,
        verbose=2 if progress.verbose >= 2 else 0, callbacks=callbacks,
    )
    losses = hist.history.get("loss", [])
    if not losses or not np.all(np.isfinite(losses)) or len(losses) < phase.epochs:
        raise _NonFiniteLoss(label)
    progress.phase_done(label, f"loss {losses[-1]:.5g}")
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}


def _predict(model, Z) -> np.ndarray:
    return np.asarray(model.predict(Z, batch_size=4096, verbose=0), dtype=np.float64)[:, 0]


def _oversample(model, transform, X, y, Z, Y, config: LIESConfig, sampler, rng, progress, history):
    """Algorithm 1. Returns the accepted training set ``(X, y, Z, Y)`` and the log."""
    over = config.oversampling
    grid = CellGrid(X, over.bins, over.min_rows_per_cell)

    def mean_error(m):
        errors = grid.cell_errors(X, y, transform.inverse_y(_predict(m, Z)))
        return (float(np.nanmean(errors)) if np.isfinite(errors).any() else float("inf")), errors

    error, errors = mean_error(model)
    log = [{"iteration": 0, "mean_cell_error": error, "bins_per_axis": grid.bins, "cells": grid.n_cells}]
    data = (X, y, Z, Y)
    for t in range(1, over.max_iter + 1):
        X_new, y_new, info = oversample_rows(grid, errors, data[0], data[1], max(1, int(round(over.fraction * len(X)))), rng, sampler)
        if X_new is None:
            log.append({"iteration": t, **info, "accepted": False})
            break
        try:
            Z_new, Y_new = transform.transform_X(X_new), transform.transform_y(y_new)
        except DataError as exc:
            log.append({"iteration": t, **info, "accepted": False, "reason": f"new points rejected: {exc}"})
            break
        snapshot = model.get_weights()
        candidate = (
            np.concatenate([data[0], X_new]),
            np.concatenate([data[1], y_new]),
            np.concatenate([data[2], Z_new]),
            np.concatenate([data[3], Y_new]),
        )
        history[f"weak_oversampled_{t}"] = _train_phase(
            model, candidate[2], candidate[3], config.schedule.weak_oversampled, config.schedule, f"weak (oversampled {t})", progress
        )
        new_error, new_errors = mean_error(model)
        accepted = new_error < error
        log.append({"iteration": t, **info, "mean_cell_error": new_error, "accepted": accepted})
        if not accepted:
            model.set_weights(snapshot)
            break
        data, error, errors = candidate, new_error, new_errors
    return data, log


def _new_network(n_inputs: int, seed: int, config: LIESConfig):
    from keras_symbolic.models.lies import build_lies_network

    return build_lies_network(
        n_inputs, seed=seed, units=config.units, output_bias=config.output_bias,
        domain_weight=config.domain_weight, admm_norm=config.admm_norm,
    )


def _weak_with_restarts(n_inputs, seed, Z, Y, config: LIESConfig, rng, progress):
    """First weak phase from ``config.restarts`` initialisations; keep the most promising network.

    The starts train together as one :class:`~keras_symbolic.models.lies.LIESEnsemble` (each member
    gets exactly its own gradient; the per-step overhead is paid once). Each member is then pruned
    with the pipeline's rule on a sample of the rows and scored by the mean log-space error
    ``|O - y|`` of the pruned network and its number of surviving weights: among the members whose
    pruned error is within ``restart_error_factor`` of the best, the sparsest wins (ties: lower
    error). One start (the authors' code) trains a plain network and skips the scoring.
    """
    from keras_symbolic.models.lies import build_lies_ensemble

    if config.restarts == 1:
        model = _new_network(n_inputs, seed, config)
        return model, _train_phase(model, Z, Y, config.schedule.weak, config.schedule, "weak", progress), []
    ensemble = build_lies_ensemble(
        n_inputs, config.restarts, seed=seed, units=config.units, output_bias=config.output_bias,
        domain_weight=config.domain_weight, admm_norm=config.admm_norm,
    )
    history = _train_phase(ensemble, Z, Y, config.schedule.weak, config.schedule, f"weak ({config.restarts} starts)", progress)
    sample = rng.choice(len(Z), size=min(config.pruning_samples, len(Z)), replace=False)
    z, target = Z[sample].astype(np.float64), Y[sample, 0].astype(np.float64)
    log = []
    for k, member in enumerate(ensemble.members):
        pruned, _ = prune_weights(member.to_numpy_weights(), z, config.pruning_threshold, config.pruning_criterion)
        error = float(np.mean(np.abs(pruned.forward(z) - target)))
        log.append({"start": k, "pruned_error": error, "nonzero": pruned.n_nonzero(), "kept": False})
    finite = [e for e in log if np.isfinite(e["pruned_error"])]
    if not finite:
        raise _NonFiniteLoss("weak (every start)")
    lowest = min(e["pruned_error"] for e in finite)
    band = [e for e in finite if e["pruned_error"] <= config.restart_error_factor * lowest + 1e-4]
    best = min(band, key=lambda e: (e["nonzero"], e["pruned_error"]))
    best["kept"] = True
    progress.phase_done(
        "starts",
        "; ".join(f"#{e['start'] + 1} error {e['pruned_error']:.4f}, {e['nonzero']} weights" for e in log)
        + f"; kept #{best['start'] + 1}",
    )
    return ensemble.release(best["start"]), history, log


#: :class:`LIESConfig` fields that act only after training (pruning for extraction, simplification,
#: selection). Runs that differ only in these can share one trained network (``network_cache``).
#: ``pruning_threshold``/``pruning_criterion``/``pruning_samples`` are not among them: the weak-phase
#: starts are scored with them.
POST_TRAINING_FIELDS = ("gradient_pruning", "extra_pruning_thresholds", "selection_tolerance", "selection_gain",
                        "selection_max_extra", "max_formula_nodes", "simplify")


@dataclass
class _Split:
    """The run's data in both spaces, split into training and validation rows, and its RNG."""

    transform: SpaceTransform
    rng: np.random.Generator
    X_tr: np.ndarray
    y_tr: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    Z_tr: np.ndarray
    Y_tr: np.ndarray


def _split(X, y, names, config: LIESConfig) -> _Split:
    transform = SpaceTransform.fit(X, y, names, log_space=config.log_space, scale_inputs=config.scale_inputs)
    rng = np.random.default_rng(config.seed)
    perm = rng.permutation(len(X))
    n_val = int(round(config.validation_fraction * len(X))) if len(X) >= 50 else 0
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    X_tr, y_tr = X[train_idx], y[train_idx]
    return _Split(transform, rng, X_tr, y_tr, X[val_idx], y[val_idx], transform.transform_X(X_tr), transform.transform_y(y_tr))


@dataclass
class _TrainedNetwork:
    """What training leaves for the symbolic steps; plain data, so it can be cached.

    ``weights`` is ``model.get_weights()`` of the strong-phase network (before pruning);
    ``rng_state`` is the run's RNG state after training, so a cached run draws the same pruning rows.
    """

    weights: list
    history: dict
    seconds: dict
    oversampling: list
    attempts: int
    restarts: list
    train_rows: int
    rng_state: dict
    load_seconds: float = 0.0


def _train(split: _Split, config: LIESConfig, sampler, progress):
    """Weak ADMM (with restarts), oversampling, strong ADMM; fresh starts after a non-finite loss.

    Returns ``(model, _TrainedNetwork)``.
    """
    n_inputs = split.X_tr.shape[1]
    X_tr, y_tr, Z_tr, Y_tr, rng = split.X_tr, split.y_tr, split.Z_tr, split.Y_tr, split.rng
    seconds = {}
    attempts = 0
    while True:
        attempts += 1
        seed = config.seed + 7919 * (attempts - 1)
        history: dict = {}
        try:
            t0 = time.perf_counter()
            model, history["weak"], restart_log = _weak_with_restarts(n_inputs, seed, Z_tr, Y_tr, config, rng, progress)
            seconds["train_weak"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            data, over_log = (X_tr, y_tr, Z_tr, Y_tr), []
            if config.oversampling.enabled and config.oversampling.max_iter > 0:
                data, over_log = _oversample(model, split.transform, X_tr, y_tr, Z_tr, Y_tr, config, sampler, rng, progress, history)
            seconds["oversampling"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            history["strong"] = _train_phase(model, data[2], data[3], config.schedule.strong, config.schedule, "strong", progress)
            seconds["train_strong"] = time.perf_counter() - t0
            break
        except _NonFiniteLoss as exc:
            progress.message(f"non-finite loss in phase '{exc}' (attempt {attempts}); restarting from a fresh initialisation")
            if attempts > config.max_restarts:
                raise TrainingDivergedError(
                    f"training loss became non-finite in {attempts} attempts (last in phase '{exc}'); "
                    "check the data's scale or try log_space=False"
                ) from None
    trained = _TrainedNetwork(
        weights=[np.asarray(w) for w in model.get_weights()], history=history, seconds=seconds, oversampling=over_log,
        attempts=attempts, restarts=restart_log, train_rows=len(data[0]), rng_state=rng.bit_generator.state,
    )
    return model, trained


#: The modules whose code decides what LIES training produces (see :func:`_training_code_digest`).
_TRAINING_CODE = (
    "layers/lies.py", "layers/masked.py", "models/lies.py", "models/regularized.py", "ops/lies_ops.py",
    "callbacks/admm.py", "losses.py", "pipelines/lies.py", "pipelines/oversampling.py",
    "symbolic/transform.py", "symbolic/pruning.py", "symbolic/lies_numpy.py",
)


def _training_code_digest() -> str:
    """SHA-1 of the package's training code, so a cached network is never reused across code changes
    that could change it (joblib only watches the cached function's own source)."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted(root / name for name in _TRAINING_CODE)
    digest = hashlib.sha1()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _train_for_cache(X, y, names, training_settings, backend, code, keras_version, *, config, sampler, progress):
    """Train as :func:`run_lies` would and return the plain-data result. The key is the data, the
    training settings (``config`` without :data:`POST_TRAINING_FIELDS`), backend, code and Keras
    version; ``config``, ``sampler`` and ``progress`` are not hashed."""
    del training_settings, backend, code, keras_version  # only the cache key
    _, trained = _train(_split(X, y, names, config), config, sampler, progress)
    return trained


def _train_cached(network_cache, X, y, names, config: LIESConfig, sampler, progress):
    """``(model, _TrainedNetwork, "hit" | "miss")`` through ``joblib.Memory``."""
    import joblib
    import keras

    memory = network_cache if isinstance(network_cache, joblib.Memory) else joblib.Memory(str(network_cache), verbose=0)
    cached = memory.cache(_train_for_cache, ignore=["config", "sampler", "progress"])
    settings = {k: v for k, v in config.to_dict().items() if k not in POST_TRAINING_FIELDS}
    args = (X, y, list(names), settings, keras.backend.backend(), _training_code_digest(), keras.__version__)
    kwargs = dict(config=config, sampler=sampler, progress=progress)
    hit = cached.check_call_in_cache(*args, **kwargs)
    t0 = time.perf_counter()
    trained = cached(*args, **kwargs)
    # Rebuilt on a miss too, so both give the same kind of model (a released ensemble member is not).
    model = _new_network(X.shape[1], config.seed, config)
    model.set_weights(trained.weights)
    if hit:
        trained = replace(trained, load_seconds=time.perf_counter() - t0)
        progress.message("trained network reused from the cache")
    return model, trained, "hit" if hit else "miss"


# ---------------------------------------------------------------------------------------------- selection
def _candidate_row(expr, stage: str, pruning_threshold, symbols, X_sel, y_sel, train_r2: float, note: str) -> dict:
    """One row of the candidate table for a formula found after selection (scored on ``X_sel``)."""
    r2, loss = _score(expr, symbols, X_sel, y_sel)
    return dict(pruning_threshold=pruning_threshold, stage=stage, complexity=expression_complexity(expr), loss=loss,
                r2=r2, train_r2=train_r2, expression=expr, note=note)


def _with_structure_search(equations: pd.DataFrame, chosen: int, X_fit, y_fit, X_sel, y_sel, symbols,
                           config: LIESConfig) -> pd.DataFrame:
    """Add the structure search's result (:mod:`keras_symbolic.symbolic.structure_search`) started
    from the chosen candidate and from the best-R^2 one, as rows of stage ``"structure_search"``."""
    cfg = config.simplify
    finite = equations[np.isfinite(equations["r2"].astype(float))]
    starts = [chosen] + ([int(finite["r2"].astype(float).idxmax())] if not finite.empty else [])
    new_rows = []
    for idx in dict.fromkeys(starts):  # unique, chosen first
        start = equations.loc[idx]
        if not np.isfinite(float(start["r2"])) or start["complexity"] <= 3:
            continue
        found, info = structure_search(start["expression"], X_fit, y_fit, symbols, tolerance=cfg.search_tolerance,
                                       timeout=cfg.search_timeout, seed=cfg.seed)
        if not info["accepted"]:
            continue
        new_rows.append(_candidate_row(found, "structure_search", start["pruning_threshold"], symbols, X_sel, y_sel,
                                       info["r2_end"], f"from candidate {idx}: {len(info['accepted'])} changes"))
    return pd.concat([equations, pd.DataFrame(new_rows)], ignore_index=True) if new_rows else equations


def _with_sum_factor(equations: pd.DataFrame, chosen: int, X_fit, y_fit, X_sel, y_sel, symbols,
                     config: LIESConfig) -> pd.DataFrame:
    """Add the formulas of :func:`~keras_symbolic.symbolic.sum_factor.sum_factor_search` over the
    chosen candidate's variables, as rows of stage ``"sum_factor"``."""
    start = equations.loc[chosen]
    found, _ = sum_factor_search(start["expression"], X_fit, y_fit, symbols,
                                 timeout=config.simplify.sum_factor_timeout, seed=config.simplify.seed)
    rows = []
    for what, expr in found:
        expr = tidy_constants(expr)
        rows.append(_candidate_row(expr, "sum_factor", start["pruning_threshold"], symbols, X_sel, y_sel,
                                   _score(expr, symbols, X_fit, y_fit)[0], f"from candidate {chosen}: {what}"))
    return pd.concat([equations, pd.DataFrame(rows)], ignore_index=True) if rows else equations


def select_equation(equations: pd.DataFrame, tolerance: float = 1e-3, gain: float | None = None,
                    max_extra: int = 10) -> int:
    """Index of the simplest candidate whose R^2 is within ``tolerance`` of the best finite R^2.

    With ``gain``: if some candidates' error ``1 - R^2`` is below ``gain`` times the error of that
    choice (so at least ``1/gain`` times more accurate) and their complexity at most ``max_extra``
    above it, the simplest of them is chosen instead. On noise-free data a formula with the right
    structure fits to round-off while an approximation of the same size stops at 1 - R^2 ~ 1e-3 - 1e-5,
    which the plain tolerance cannot tell apart; on noisy data no candidate beats the noise floor by
    that factor and the rule stays silent.
    """
    finite = equations[np.isfinite(equations["r2"].astype(float))]
    if finite.empty:
        return int(equations.index[-1])
    best = finite["r2"].max()
    def simplest(frame) -> int:
        return int(frame.sort_values(["complexity", "r2"], ascending=[True, False]).index[0])

    chosen = simplest(finite[finite["r2"] >= best - tolerance])
    if gain is None:
        return chosen
    error = 1.0 - float(finite.loc[chosen, "r2"])
    better = finite[(1.0 - finite["r2"].astype(float) < gain * error)
                    & (finite["complexity"] <= finite.loc[chosen, "complexity"] + max_extra)]
    return chosen if better.empty else simplest(better)


# ---------------------------------------------------------------------------------------------- entry point
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
            settings (:data:`POST_TRAINING_FIELDS` may differ), the same Keras backend and the same
            training code. A reused network makes post-training ablations cheap and compares them on
            one network. ``sampler`` is assumed to be fixed by the data (as for a Feynman equation)
            and is not part of the key. ``result.extra["network_cache"]`` says ``"hit"`` or ``"miss"``.

    Raises:
        DataError: bad input (non-finite, wrong shapes, too few rows, mixed signs in log space).
        TrainingDivergedError: every restart ended in a non-finite loss.
    """
    from keras_symbolic.pipelines.progress import PhaseProgress

    config = config or LIESConfig()
    progress = progress or PhaseProgress(verbose)
    X, y, names = validate_xy(X, y, feature_names)
    split = _split(X, y, names, config)
    transform, rng = split.transform, split.rng
    X_tr, y_tr, X_val, y_val, Z_tr = split.X_tr, split.y_tr, split.X_val, split.y_val, split.Z_tr
    n_val = len(X_val)
    extra = {}
    if network_cache is None:
        model, trained = _train(split, config, sampler, progress)
    else:
        model, trained, extra["network_cache"] = _train_cached(network_cache, X, y, names, config, sampler, progress)
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
    rows = []
    X_fit, y_fit = X_tr, y_tr
    X_sel, y_sel = (X_val, y_val) if n_val else (X_tr, y_tr)
    seen = set()
    for (thr, expr), (_, pruned) in zip(raw_expressions, structures):
        key = sp.srepr(expr)
        if key in seen:
            continue
        seen.add(key)
        size = expression_complexity(expr)
        first_row = len(rows)  # this structure's "extracted" candidate: the clamp-free formula
        if size > config.max_formula_nodes:
            # The paper's "out of time" case: too large for the symbolic steps to be worth running.
            r2, loss = _score(expr, symbols, X_sel, y_sel)
            rows.append(dict(pruning_threshold=thr, stage="extracted", complexity=size, loss=loss, r2=r2,
                             train_r2=_score(expr, symbols, X_fit, y_fit)[0], expression=expr,
                             note=f"{size} nodes > max_formula_nodes={config.max_formula_nodes}: not simplified"))
        else:
            for cand in simplify_formula(expr, X_fit, y_fit, symbols, config.simplify):
                r2, loss = _score(cand.expression, symbols, X_sel, y_sel)
                rows.append(dict(pruning_threshold=thr, stage=cand.stage, complexity=cand.complexity, loss=loss,
                                 r2=r2, train_r2=cand.r2, expression=cand.expression, note=""))
        # Where the network leaves the Log/Exp domain (clamps active), the clamp-free formula is not
        # the network's function: offer the exact mirror, cut-offs written as Max/Min, as well.
        net_pred = transform.inverse_y(pruned.forward(transform.transform_X(X_sel).astype(np.float64)))
        if not rows[first_row]["r2"] >= safe_r2(y_sel, net_pred) - config.selection_tolerance:
            exact = transform.output_expression(network_expression(pruned, inputs, with_cutoffs=True))
            r2, loss = _score(exact, symbols, X_sel, y_sel)
            rows.append(dict(pruning_threshold=thr, stage="extracted_with_cutoffs", complexity=expression_complexity(exact),
                             loss=loss, r2=r2, train_r2=_score(exact, symbols, X_fit, y_fit)[0], expression=exact,
                             note="the network's Log/Exp cut-offs are active on the data"))
    equations = pd.DataFrame(rows)

    def choose(table):
        return select_equation(table, config.selection_tolerance, config.selection_gain, config.selection_max_extra)

    chosen = choose(equations)
    if config.simplify.structure_search:
        equations = _with_structure_search(equations, chosen, X_fit, y_fit, X_sel, y_sel, symbols, config)
        chosen = choose(equations)
    if config.simplify.sum_factor:
        equations = _with_sum_factor(equations, chosen, X_fit, y_fit, X_sel, y_sel, symbols, config)
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


def safe_r2(y, pred) -> float:
    """R^2, or ``-inf`` when the prediction is not finite everywhere."""
    from sklearn.metrics import r2_score

    pred = np.asarray(pred, dtype=np.float64)
    if pred.shape != np.shape(y) or not np.all(np.isfinite(pred)):
        return float("-inf")
    return float(r2_score(y, pred))


def _score(expr, symbols, X, y):
    """``(R^2, MSE)`` of a formula on ``X, y`` (``(-inf, inf)`` if it is not finite everywhere)."""
    pred = to_callable(expr, symbols)(X)
    r2 = safe_r2(y, pred)
    return r2, (float(np.mean((pred - y) ** 2)) if np.isfinite(r2) else float("inf"))
