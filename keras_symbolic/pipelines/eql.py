"""EQL baseline recipe: three training phases, then unrolling (SymbolNet paper IV-B, SPEC 2.5).

    config = EQLConfig(layers=((20, 5),), reg_lambda=1e-3, threshold=1e-2, epochs=100)
    result = train_eql(X, Y_onehot, config, task="classification")
    result.expressions, result.complexities, result.sparsities, result.history

Phases (one ``fit`` call each, the same compiled model and optimizer):

1. ``lambda = 0``: plain regression (``phase_fractions[0]`` of the epochs);
2. ``lambda = reg_lambda``: the L0.5* penalty drives weights towards zero;
3. every weight and bias with ``|w| < threshold`` is set to zero and frozen, ``lambda = 0``,
   fine-tuning of the remaining ones.

The result has the same fields as :class:`~keras_symbolic.pipelines.symbolnet.SymbolNetResult`
(``history`` is the concatenation of the three phases, with a ``phase`` entry per epoch), so the
benchmark treats both methods alike. Seeded by ``keras.utils.set_random_seed(config.seed)``.
"""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, Sequence

import keras
import numpy as np

from keras_symbolic.models.eql import DEFAULT_SMOOTHING, EQLNet, build_eql
from keras_symbolic.pipelines.symbolnet import training_metrics, prepare_training
from keras_symbolic.symbolic.unroll import expressions_complexity, unroll_symbolnet

__all__ = ["EQLConfig", "EQLResult", "train_eql", "unroll_eql"]


@dataclasses.dataclass
class EQLConfig:
    """Everything that defines an EQL run.

    Attributes:
        layers: one ``(num_unary, num_binary)`` pair per hidden layer.
        unary, binary: operator names cycled over the units of every layer.
        reg_lambda: ``lambda`` of phase 2 (paper scan: 1e-4 .. 1e-1).
        threshold: hard pruning threshold before phase 3 (paper scan: 1e-4 .. 1e-1).
        smoothing: ``a`` of L0.5* (paper: 0.01).
        reg_reduction: ``"sum"`` (EQL) or ``"mean"`` over parameters.
        phase_fractions: share of ``epochs`` of each phase (normalised; each phase gets >= 1 epoch).
        error_loss, error_reduction: as for SymbolNet (MSE on one-hot targets in the paper).
        optimizer, learning_rate, batch_size, epochs, shuffle, seed, jit_compile,
        steps_per_execution: training settings.
    """

    layers: Sequence[Sequence[int]] = ((20, 5),)
    unary: Sequence[str] = ("sin", "cos", "gauss", "tanh")
    binary: Sequence[str] = ("mul",)
    reg_lambda: float = 1e-3
    threshold: float = 1e-2
    smoothing: float = DEFAULT_SMOOTHING
    reg_reduction: str = "sum"
    phase_fractions: Sequence[float] = (0.25, 0.5, 0.25)
    error_loss: str = "mse"
    error_reduction: str = "mean"
    optimizer: str = "adam"
    learning_rate: float = 0.005
    batch_size: int = 256
    epochs: int = 100
    shuffle: bool = True
    seed: int = 0
    jit_compile: Any = "auto"
    steps_per_execution: int = 1

    def __post_init__(self):
        self.layers = tuple(tuple(int(v) for v in pair) for pair in self.layers)
        if any(len(pair) != 2 for pair in self.layers):
            raise ValueError(f"layers must be (num_unary, num_binary) pairs, got {self.layers!r}.")
        self.unary = (self.unary,) if isinstance(self.unary, str) else tuple(self.unary)
        self.binary = (self.binary,) if isinstance(self.binary, str) else tuple(self.binary)
        self.phase_fractions = tuple(float(f) for f in self.phase_fractions)
        if len(self.phase_fractions) != 3 or any(f < 0 for f in self.phase_fractions) or sum(self.phase_fractions) <= 0:
            raise ValueError(f"phase_fractions must be three non-negative shares, got {self.phase_fractions!r}.")
        for name in ("reg_lambda", "threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"`{name}` must be a number >= 0, got {value!r}.")
        for name, least in (("batch_size", 1), ("epochs", 3), ("steps_per_execution", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
                raise ValueError(f"`{name}` must be an integer >= {least}, got {value!r}"
                                 + (" (one epoch per phase at least)." if name == "epochs" else "."))

    def phase_epochs(self) -> tuple[int, int, int]:
        """Epochs of the three phases: shares of ``epochs`` rounded, each at least 1, summing to ``epochs``."""
        shares = np.asarray(self.phase_fractions) / sum(self.phase_fractions)
        counts = [max(1, int(round(s * self.epochs))) for s in shares[:2]]
        counts.append(max(1, self.epochs - sum(counts)))
        return tuple(counts)

    def to_dict(self) -> dict:
        """JSON-friendly dict of the whole configuration."""
        out = dataclasses.asdict(self)
        out["layers"] = [list(p) for p in self.layers]
        out["unary"], out["binary"] = list(self.unary), list(self.binary)
        out["phase_fractions"] = list(self.phase_fractions)
        return out


@dataclasses.dataclass
class EQLResult:
    """Outcome of :func:`train_eql` (same fields as ``SymbolNetResult``, plus ``frozen``)."""

    model: EQLNet
    history: dict
    expressions: list
    complexities: list
    sparsities: dict
    config: dict
    task: str
    fit_seconds: float
    frozen: int = 0

    @property
    def complexity(self) -> float:
        """Mean complexity over outputs."""
        return float(np.mean(self.complexities))


def unroll_eql(model: EQLNet, variable_names: Sequence[str] | None = None) -> list:
    """One exact SymPy expression per output of a trained :class:`EQLNet` (zeroed weights dropped)."""
    arrays = model.symbolic_arrays()
    return unroll_symbolnet(arrays["input_active"], arrays["layers"], variable_names, n_inputs=arrays["n_inputs"])


def train_eql(
    X,
    y,
    config: EQLConfig | None = None,
    task: str = "regression",
    verbose: int | str = 0,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    variable_names: Sequence[str] | None = None,
) -> EQLResult:
    """Build an :class:`EQLNet`, train it in three phases, unroll it.

    Args:
        X: ``(n_rows, n_features)`` float array.
        y: ``(n_rows, n_outputs)`` targets (one-hot or 0/1 for classification).
        config: :class:`EQLConfig`.
        task: ``"regression"`` or ``"classification"`` (adds an ``accuracy`` metric).
        verbose: Keras ``fit`` verbosity.
        callbacks: extra Keras callbacks (given to every phase).
        variable_names: names of the inputs in the expressions (default ``x0 ..``).

    Returns:
        :class:`EQLResult`.

    Raises:
        FloatingPointError: the loss became NaN/inf.
    """
    config = EQLConfig() if config is None else config
    X, y = prepare_training(X, y, task, config.seed)
    model = build_eql(X.shape[1], y.shape[1], layers=config.layers, unary=config.unary, binary=config.binary,
                      smoothing=config.smoothing, reg_reduction=config.reg_reduction, error_loss=config.error_loss,
                      error_reduction=config.error_reduction)
    optimizer = keras.optimizers.get({"class_name": config.optimizer, "config": {"learning_rate": config.learning_rate}})
    model.compile(optimizer=optimizer, metrics=training_metrics(task, y.shape[1], config.error_loss),
                  jit_compile=config.jit_compile, steps_per_execution=config.steps_per_execution)
    history: dict[str, list] = {}
    frozen = 0
    start = time.perf_counter()
    for phase, epochs in enumerate(config.phase_epochs(), start=1):
        if phase == 3:
            frozen = model.freeze_small_weights(config.threshold)
        model.set_reg_lambda(config.reg_lambda if phase == 2 else 0.0)
        h = model.fit(X, y, batch_size=config.batch_size, epochs=epochs, shuffle=config.shuffle, verbose=verbose,
                      callbacks=[keras.callbacks.TerminateOnNaN(), *callbacks])
        for key, values in h.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)
        history.setdefault("phase", []).extend([phase] * len(next(iter(h.history.values()), [])))
    # Adam's momentum still moves the frozen variables in phase 3, although they never enter the
    # function (their mask is 0): write the zeros back so the stored weights read as the model.
    model.freeze_small_weights(0.0)
    fit_seconds = time.perf_counter() - start
    if not all(math.isfinite(v) for v in history.get("loss", [0.0])):
        raise FloatingPointError("EQL training diverged (non-finite loss): lower the learning rate or lambda, "
                                 "or drop unbounded operators (exp, sinh, cosh).")
    expressions = unroll_eql(model, variable_names)
    return EQLResult(model=model, history=history, expressions=expressions,
                     complexities=expressions_complexity(expressions), sparsities=model.sparsities(),
                     config=config.to_dict(), task=task, fit_seconds=fit_seconds, frozen=frozen)
