"""SymbolNet recipe: one training phase with adaptive dynamic pruning, then unrolling (paper III-D).

    config = SymbolNetConfig(layers=((20, 5),), targets={"input": 0.95, "weight": 0.99}, epochs=180)
    result = train_symbolnet(X, Y_onehot, config, task="classification")
    result.expressions, result.complexities, result.sparsities, result.history

Optional fine-tuning (``finetune_epochs > 0``; our addition, not the paper's method): the last
``finetune_epochs`` of the ``epochs`` budget train :meth:`SymbolNet.frozen_copy
<keras_symbolic.models.symbolnet.SymbolNet.frozen_copy>` of the sparse model -- every mask
(weights, inputs, operators) fixed, no regulariser, a fresh optimizer at ``finetune_learning_rate``
-- so only the surviving weights move: the complexity stays that of the sparse model and the error
can only be fitted better at that complexity. ``result.before_finetune`` keeps the sparse model,
its expressions and complexities (the paper's method stopped at ``epochs - finetune_epochs``).

The estimators (:mod:`keras_symbolic.estimators.symbolnet`) are thin wrappers around
:func:`train_symbolnet`. Every run is seeded (``keras.utils.set_random_seed``) and records its full
configuration (:meth:`SymbolNetConfig.to_dict`).
"""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, Mapping, Optional, Sequence

import keras
import numpy as np
import sympy as sp

from keras_symbolic.callbacks.sparsity_guard import SparsityGuard
from keras_symbolic.models.adaptive_sparsity import DEFAULT_TARGETS, normalize_targets
from keras_symbolic.models.network_arguments import ERROR_LOSSES
from keras_symbolic.models.symbolnet import SymbolNet
from keras_symbolic.models.symbolnet_builder import build_symbolnet
from keras_symbolic.symbolic.unroll import expressions_complexity, unroll_symbolnet

__all__ = ["SymbolNetConfig", "SymbolNetResult", "train_symbolnet", "unroll_model", "TASKS"]

TASKS = ("regression", "classification")


@dataclasses.dataclass
class SymbolNetConfig:
    """Everything that defines a SymbolNet run.

    Attributes:
        layers: one ``(num_unary, num_binary)`` pair per hidden symbolic layer.
        unary: unary operator names (cycled over the unary units of every layer).
        binary: binary operator names (cycled over the binary units of every layer).
        targets: target sparsity per pruning type (``weight``, ``input``, ``unary``, ``binary``);
            missing types take :data:`~keras_symbolic.models.symbolnet.DEFAULT_TARGETS`.
        decay_rate: ``d`` of the decay factor (paper: 0.01).
        kappa: slope of the straight-through estimator (paper: 5).
        error_loss: ``"mse"`` (paper, also for classification) or a cross-entropy (classification).
        error_reduction: ``"mean"`` (paper) or ``"sum"`` over outputs (authors' code) for MSE.
        input_pruning: whether inputs carry thresholds.
        optimizer: Keras optimizer name (``"adam"``, ...).
        learning_rate: optimizer learning rate.
        batch_size: batch size.
        epochs: number of epochs.
        validation_split: fraction of rows held out by ``fit`` for ``val_*`` logs.
        shuffle: shuffle rows every epoch.
        seed: seed of ``keras.utils.set_random_seed`` (Python, NumPy and backend RNGs).
        jit_compile: passed to ``compile`` (``"auto"``, ``True``, ``False``).
        steps_per_execution: passed to ``compile``.
        sparsity_guard: cap every type's sparsity at its target + ``guard_tolerance`` with
            :class:`~keras_symbolic.callbacks.sparsity_guard.SparsityGuard` (not in the paper: it
            stops the lockstep overshoot of items the error does not defend). ``False`` is the
            paper's method alone.
        guard_tolerance: overshoot the guard allows, as a fraction of a type's items.
        finetune_epochs: epochs, out of ``epochs``, of the fine-tuning phase (not in the paper):
            ``epochs - finetune_epochs`` epochs of sparse training, then every mask fixed and only
            the surviving weights trained on the error loss. ``0`` (default): the paper's method.
        finetune_learning_rate: learning rate of the fine-tuning phase's fresh optimizer
            (``None``: ``learning_rate``).
        finetune_error_loss: error loss of the fine-tuning phase (``None``: ``error_loss``); e.g.
            ``"categorical_crossentropy"`` fine-tunes an MSE-trained classifier's outputs as logits
            (the argmax, hence the accuracy, is read the same way; the structure is unchanged).
    """

    layers: Sequence[Sequence[int]] = ((12, 4),)
    unary: Sequence[str] = ("identity", "sin", "cos", "exp", "gauss", "square")
    binary: Sequence[str] = ("mul",)
    targets: Mapping[str, float] = dataclasses.field(default_factory=lambda: dict(DEFAULT_TARGETS))
    decay_rate: float = 0.01
    kappa: float = 5.0
    error_loss: str = "mse"
    error_reduction: str = "mean"
    input_pruning: bool = True
    optimizer: str = "adam"
    learning_rate: float = 0.005
    batch_size: int = 128
    epochs: int = 100
    validation_split: float = 0.0
    shuffle: bool = True
    seed: int = 0
    jit_compile: Any = "auto"
    steps_per_execution: int = 1
    sparsity_guard: bool = True
    guard_tolerance: float = 0.05
    finetune_epochs: int = 0
    finetune_learning_rate: Optional[float] = None
    finetune_error_loss: Optional[str] = None

    def __post_init__(self):
        self.targets = normalize_targets(self.targets)
        self.layers = tuple(tuple(int(v) for v in pair) for pair in self.layers)
        for i, pair in enumerate(self.layers):
            if len(pair) != 2:
                raise ValueError(f"layers[{i}] must be a (num_unary, num_binary) pair, got {pair!r}.")
        self.unary = (self.unary,) if isinstance(self.unary, str) else tuple(self.unary)
        self.binary = (self.binary,) if isinstance(self.binary, str) else tuple(self.binary)
        for name in ("batch_size", "epochs", "steps_per_execution"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
        if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
            raise ValueError(f"`learning_rate` must be positive, got {self.learning_rate!r}.")
        ft = self.finetune_epochs
        if isinstance(ft, bool) or not isinstance(ft, (int, np.integer)) or not 0 <= ft < self.epochs:
            raise ValueError(f"`finetune_epochs` must be an integer in [0, epochs), got {ft!r} (epochs={self.epochs}).")
        lr = self.finetune_learning_rate
        if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0):
            raise ValueError(f"`finetune_learning_rate` must be positive or None, got {lr!r}.")
        if self.finetune_error_loss is not None and self.finetune_error_loss not in ERROR_LOSSES:
            raise ValueError(f"`finetune_error_loss` must be None or one of {ERROR_LOSSES}, got {self.finetune_error_loss!r}.")
        if not 0.0 <= float(self.guard_tolerance) < 1.0:
            raise ValueError(f"`guard_tolerance` must be in [0, 1), got {self.guard_tolerance!r}.")
        if not 0.0 <= float(self.validation_split) < 1.0:
            raise ValueError(f"`validation_split` must be in [0, 1), got {self.validation_split!r}.")

    def to_dict(self) -> dict:
        """JSON-friendly dict of the whole configuration."""
        out = dataclasses.asdict(self)
        out["layers"] = [list(p) for p in self.layers]
        out["unary"], out["binary"] = list(self.unary), list(self.binary)
        return out


@dataclasses.dataclass
class SymbolNetResult:
    """Outcome of :func:`train_symbolnet`."""

    model: SymbolNet
    history: dict
    expressions: list
    complexities: list
    sparsities: dict
    config: dict
    task: str
    fit_seconds: float
    before_finetune: Optional[dict] = None

    @property
    def complexity(self) -> float:
        """Mean complexity over outputs (SPEC 2.3)."""
        return float(np.mean(self.complexities))


def unroll_model(model: SymbolNet, variable_names: Sequence[str] | None = None) -> list[sp.Expr]:
    """One exact SymPy expression per output of a (trained) :class:`SymbolNet`."""
    arrays = model.symbolic_arrays()
    return unroll_symbolnet(arrays["input_active"], arrays["layers"], variable_names, n_inputs=arrays["n_inputs"])


def training_metrics(task: str, n_outputs: int, error_loss: str) -> list:
    """The Keras metrics logged while training: accuracy for classification (a 0 or 0.5 threshold for
    one output, arg-max otherwise), none for regression."""
    if task != "classification":
        return []
    if n_outputs == 1:
        threshold = 0.0 if error_loss.endswith("crossentropy") else 0.5
        return [keras.metrics.BinaryAccuracy(name="accuracy", threshold=threshold)]
    return [keras.metrics.CategoricalAccuracy(name="accuracy")]


def prepare_training(X, y, task: str, seed: int):
    """Check ``task``, cast ``X (n, d)`` and ``y (n,)|(n, k)`` to float32 ``(n, d), (n, k)`` and seed
    every RNG (``keras.utils.set_random_seed``); shared by the SymbolNet and EQL recipes."""
    if task not in TASKS:
        raise ValueError(f"`task` must be one of {TASKS}, got {task!r}.")
    X = np.asarray(X, dtype="float32")
    y = np.asarray(y, dtype="float32")
    if y.ndim == 1:
        y = y[:, None]
    keras.utils.set_random_seed(int(seed))
    return X, y


def train_symbolnet(
    X,
    y,
    config: SymbolNetConfig | None = None,
    task: str = "regression",
    verbose: int | str = 0,
    sample_weight=None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    variable_names: Sequence[str] | None = None,
) -> SymbolNetResult:
    """Build, train and unroll a SymbolNet.

    Args:
        X: ``(n_rows, n_features)`` float array (already validated by the caller).
        y: ``(n_rows, n_outputs)`` targets (one-hot or 0/1 for classification).
        config: :class:`SymbolNetConfig` (default: all defaults).
        task: ``"regression"`` or ``"classification"`` (adds an ``accuracy`` metric).
        verbose: Keras ``fit`` verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        sample_weight: optional per-row weights.
        callbacks: extra Keras callbacks.
        variable_names: names of the input variables in the expressions (default ``x0 ..``).

    Returns:
        :class:`SymbolNetResult`.

    Raises:
        FloatingPointError: the loss became NaN/inf (training is stopped at that batch).
    """
    config = SymbolNetConfig() if config is None else config
    X, y = prepare_training(X, y, task, config.seed)
    model = build_symbolnet(
        X.shape[1],
        y.shape[1],
        layers=config.layers,
        unary=config.unary,
        binary=config.binary,
        targets=config.targets,
        decay_rate=config.decay_rate,
        kappa=config.kappa,
        error_loss=config.error_loss,
        error_reduction=config.error_reduction,
        input_pruning=config.input_pruning,
    )
    def compile_(net, learning_rate):
        optimizer = keras.optimizers.get({"class_name": config.optimizer, "config": {"learning_rate": learning_rate}})
        net.compile(optimizer=optimizer, metrics=training_metrics(task, y.shape[1], net.error_loss),
                    jit_compile=config.jit_compile, steps_per_execution=config.steps_per_execution)

    def fit_(net, epochs, extra, phase):
        h = net.fit(X, y, sample_weight=sample_weight, batch_size=config.batch_size, epochs=epochs,
                    validation_split=config.validation_split, shuffle=config.shuffle, verbose=verbose,
                    callbacks=[keras.callbacks.TerminateOnNaN(), *extra, *callbacks])
        for key, values in h.history.items():
            hist.setdefault(key, []).extend(float(v) for v in values)
        if config.finetune_epochs:
            hist.setdefault("phase", []).extend([phase] * len(next(iter(h.history.values()), [])))

    def check_finite():
        if not all(math.isfinite(v) for v in hist.get("loss") or [0.0]):
            raise FloatingPointError(
                "SymbolNet training diverged (non-finite loss or outputs). Scale the inputs (e.g. standardise), "
                "lower the learning rate, or drop unbounded operators (exp, sinh, cosh, cube, pow)."
            )

    hist: dict[str, list] = {}
    compile_(model, config.learning_rate)
    guard = [SparsityGuard(tolerance=config.guard_tolerance)] if config.sparsity_guard else []
    start = time.perf_counter()
    fit_(model, config.epochs - config.finetune_epochs, guard, 1)
    before = None
    if config.finetune_epochs:
        check_finite()
        sparse_model, model = model, model.frozen_copy(error_loss=config.finetune_error_loss)
        compile_(model, config.finetune_learning_rate or config.learning_rate)
        fit_(model, config.finetune_epochs, [], 2)
        model.apply_masks()
    fit_seconds = time.perf_counter() - start
    check_finite()
    if config.finetune_epochs:
        sparse_expressions = unroll_model(sparse_model, variable_names)
        before = {"model": sparse_model, "expressions": sparse_expressions,
                  "complexities": expressions_complexity(sparse_expressions), "sparsities": sparse_model.sparsities()}
    expressions = unroll_model(model, variable_names)
    return SymbolNetResult(
        model=model,
        history=hist,
        expressions=expressions,
        complexities=expressions_complexity(expressions),
        sparsities=model.sparsities(),
        config=config.to_dict(),
        task=task,
        fit_seconds=fit_seconds,
        before_finetune=before,
    )
