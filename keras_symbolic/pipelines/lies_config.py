"""Configuration of a LIES run: the ADMM phases and schedule, and every switch of the pipeline.

Small frozen dataclasses: :class:`LIESConfig` holds a :class:`LIESSchedule` (weak, oversampled-weak
and strong :class:`PhaseConfig`), an :class:`OversamplingConfig` and a :class:`SimplifyConfig`. The
schedule defaults are the authors' code values (``LIESSchedule.paper()`` gives the paper's); two
defaults depart from that code, measured in BENCHMARKS.md: raw ``ln|x|`` inputs
(``scale_inputs=False``) and 3 weak-phase starts (``restarts=3``). Each switch of the paper's
ablation (Table I) is one field (see :meth:`LIESConfig.ablate` and :data:`ABLATIONS`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Optional

from keras_symbolic.pipelines.oversampling import OversamplingConfig
from keras_symbolic.symbolic.simplify import SimplifyConfig

#: LIESConfig fields that only act after training: runs that differ only in these share one trained
#: network (the network cache of :mod:`~keras_symbolic.pipelines.lies_cache`, the bench's ablations).
POST_TRAINING_FIELDS = ("gradient_pruning", "extra_pruning_thresholds", "selection_tolerance", "selection_gain",
                        "selection_max_extra", "max_formula_nodes", "large_formula_nodes", "simplify")

__all__ = ["ABLATIONS", "POST_TRAINING_FIELDS", "strong_lambda", "PhaseConfig", "LIESSchedule", "LIESConfig"]

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
        large_formula_nodes: extracted formulas larger than this (a barely pruned network) also skip
            the structure search and the formula with cut-offs, whose costs grow with the tree; only
            their output weights are refitted and a note says what to try (see
            :func:`~keras_symbolic.pipelines.lies_candidates.large_formula_rows`). Measured (seed 0):
            Feynman I.14.3 and I.12.1 extract 11 and 8 nodes, I.34.8 554 (the structure search still
            takes it to 7); the largest extraction in the recorded Feynman runs had 14 034 nodes
            (symbolic steps 47 s); issue 12's 6-column mixed-sign table 259 928 (369 550 with a
            schedule 50 times shorter), whose symbolic steps took 250-300 s before this limit.
        selection_tolerance: the chosen formula is the simplest whose validation R^2 is within this of
            the best candidate's.
        selection_gain, selection_max_extra: ... unless a candidate's validation error ``1 - R^2`` is
            below ``selection_gain`` times the chosen one's and its complexity at most
            ``selection_max_extra`` above it: then the simplest such candidate is chosen (see
            :func:`~keras_symbolic.pipelines.selection.select_equation`).
        restarts: initialisations tried for the first weak phase (see
            :func:`~keras_symbolic.pipelines.lies_training._weak_with_restarts`);
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
    large_formula_nodes: int = 20_000
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
