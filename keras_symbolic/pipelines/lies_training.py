"""Training of the LIES network: weak ADMM (with restarts), oversampling, strong ADMM (SPEC 1).

    (X, y) -> SpaceTransform -> train / validation split (:func:`split_data`)
           -> weak ADMM phase from ``restarts`` initialisations, the most promising kept
           -> Algorithm 1 (oversample the worst cell, weak ADMM again, keep if the mean cell error falls)
           -> strong ADMM phase                                  (:func:`train_network`)

Training runs in network space (``Z (N, n)``, ``Y (N, 1)``); a non-finite loss restarts the whole
schedule from a fresh seed, up to ``max_restarts`` times (then :class:`TrainingDivergedError`). The
result is plain data (:class:`TrainedNetwork`), so it can be cached.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule, PhaseConfig
from keras_symbolic.symbolic.pruning import prune_weights
from keras_symbolic.symbolic.transform import SpaceTransform

__all__ = ["TrainingDivergedError", "DataSplit", "split_data", "TrainedNetwork", "new_network", "train_network"]


class TrainingDivergedError(RuntimeError):
    """Training produced a non-finite loss on every restart."""


class _NonFiniteLoss(Exception):
    pass


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


def _train_phase(model, Z, Y, phase: PhaseConfig, schedule: LIESSchedule, label: str, progress, extra_callbacks=()) -> dict:
    import keras

    from keras_symbolic.callbacks.admm import ADMMCallback

    _compile(model, phase, schedule, len(Z))
    callbacks = [ADMMCallback(phase.rho, phase.lambda_for(model.n_inputs), phase.l1_alpha), keras.callbacks.TerminateOnNaN()]
    callbacks += progress.keras_callbacks(label, phase.epochs) + list(extra_callbacks)
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
    """Algorithm 1 with :class:`~keras_symbolic.callbacks.OversamplingScheduler`: one check of the weak
    network, then one weak round (a fresh ``compile`` each, the scheduler checking at its end) while
    it runs. Returns the accepted training set ``(X, y, Z, Y)`` and the scheduler's log."""
    from keras_symbolic.callbacks.oversampling import OversamplingScheduler
    from keras_symbolic.callbacks.row_dataset import RowDataset

    over, phase = config.oversampling, config.schedule.weak_oversampled
    scheduler = OversamplingScheduler(
        RowDataset(Z, Y, batch_size=config.schedule.batch_size), every=phase.epochs, rows=(X, y), sampler=sampler,
        encode=lambda X_new, y_new: (transform.transform_X(X_new), transform.transform_y(y_new)),
        decode=transform.inverse_y, bins=over.bins, fraction=over.fraction, max_iter=over.max_iter,
        min_rows_per_cell=over.min_rows_per_cell, seed=rng,
    )
    scheduler.check(model)
    while not scheduler.finished:
        t = scheduler.iteration
        history[f"weak_oversampled_{t}"] = _train_phase(
            model, scheduler.dataset.x, scheduler.dataset.y, phase, config.schedule, f"weak (oversampled {t})",
            progress, [scheduler],
        )
    return (scheduler.rows_X, scheduler.rows_y, scheduler.dataset.x, scheduler.dataset.y), scheduler.log


def new_network(n_inputs: int, seed: int, config: LIESConfig):
    """A fresh LIES network for ``n_inputs`` inputs, built as ``config`` says (units, output bias, ...)."""
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
        model = new_network(n_inputs, seed, config)
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


@dataclass
class DataSplit:
    """The run's data in both spaces, split into training and validation rows, and its RNG."""

    transform: SpaceTransform
    rng: np.random.Generator
    X_tr: np.ndarray
    y_tr: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    Z_tr: np.ndarray
    Y_tr: np.ndarray


def split_data(X, y, names, config: LIESConfig) -> DataSplit:
    """Fit the data <-> network space transform and hold out ``validation_fraction`` of the rows
    (none below 50 rows); the permutation is the run's first draw from its RNG (seed ``config.seed``)."""
    transform = SpaceTransform.fit(X, y, names, log_space=config.log_space, scale_inputs=config.scale_inputs)
    rng = np.random.default_rng(config.seed)
    perm = rng.permutation(len(X))
    n_val = int(round(config.validation_fraction * len(X))) if len(X) >= 50 else 0
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    X_tr, y_tr = X[train_idx], y[train_idx]
    return DataSplit(transform, rng, X_tr, y_tr, X[val_idx], y[val_idx], transform.transform_X(X_tr), transform.transform_y(y_tr))


@dataclass
class TrainedNetwork:
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


def train_network(split: DataSplit, config: LIESConfig, sampler, progress):
    """Weak ADMM (with restarts), oversampling, strong ADMM; fresh starts after a non-finite loss.

    Returns ``(model, TrainedNetwork)``.
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
    trained = TrainedNetwork(
        weights=[np.asarray(w) for w in model.get_weights()], history=history, seconds=seconds, oversampling=over_log,
        attempts=attempts, restarts=restart_log, train_rows=len(data[0]), rng_state=rng.bit_generator.state,
    )
    return model, trained
