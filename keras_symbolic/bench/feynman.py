"""The AI Feynman benchmark: which runs a sweep has, and what one run does.

``keras-symbolic bench feynman`` (see :mod:`keras_symbolic.cli.bench`) builds the task list with
:func:`feynman_tasks` and hands it to :func:`keras_symbolic.bench.runner.run_tasks` with the target
:func:`run_task` (``TARGET``).

Subsets (:func:`resolve_equations`): ``lies`` is :func:`keras_symbolic.datasets.lies_subset`, the LIES
paper's selection rule reconstructed from the table (<= 4 variables counted from the names, no
trigonometric function that can be negative on the sampling box, every column log-compatible): **61
equations**, the paper's count. SPEC 1.10 quotes 62 from its own reconstruction; the difference is
one borderline equation, I.15.3t, whose target is negative only near one corner of the box (4e-7 of
its volume), so a sampled data file rarely shows it. We keep the rule as written (61); add it with
``--subset lies,I.15.3t`` (62; in Python ``lies_subset(include=["I.15.3t"])``). ``all`` is the 100
equations. Any comma-separated mix of ``lies``, ``all`` and names (``I.12.1`` or ``feynman_I_12_1``)
works; equations outside the paper's rule (trigonometric, negative, 5+ variables) are run and scored
like any other, never skipped: a method that cannot handle one fails it honestly.

Seeds: trial ``t`` (0-based) of every equation and method runs with ``seed = base_seed + t``
(``--seed``, default 0). The seed fixes the training and test rows (two independent streams,
``SeedSequence([seed, 20250610]).spawn(2)``, exactly as :func:`keras_symbolic.pipelines.evaluate.fit_feynman`)
and the method's own randomness (LIES initialisation and sampling, pyoperon's and gplearn's
``random_state``). So every method, and every ablation, of trial ``t`` sees the same rows (paired
comparisons), and a LIES run is reproduced alone by
``keras-symbolic fit --feynman NAME --seed SEED --samples N``.

Noise (``--noise SIGMA``, :attr:`FeynmanBench.noise`): SRBench's target noise on the training rows
only, ``y + N(0, (SIGMA * RMS(y_train))^2)`` (:func:`keras_symbolic.datasets.noise.add_target_noise`),
drawn from a third stream of the seed, so the clean rows are those of a noise-0 run and every method
sees the same noisy rows; the test R^2 and the symbolic check use clean rows. The level is in every
record (``noise``) and, above 0, in the run's key (``.../noise=0.01``): sweeps at several levels share
one results folder without colliding, and noise-0 keys are those of runs made before the option.
``--noise 0,0.001,0.01,0.1`` runs SRBench's four levels in one sweep, one level after the other.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import platform
import time
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Optional, Sequence


from keras_symbolic.bench.tasks import Task, make_key

__all__ = [
    "METHODS",
    "TARGET",
    "FeynmanBench",
    "resolve_equations",
    "trial_seed",
    "feynman_data",
    "feynman_tasks",
    "lies_config",
    "ablation_label",
    "parse_options",
    "peer_time_budget",
    "run_task",
]

METHODS = ("lies", "auto", "operon", "gplearn")
#: Methods of this package (the others are peers with a search budget).
OWN_METHODS = ("lies", "auto")
TARGET = "keras_symbolic.bench.feynman:run_task"


# ----------------------------------------------------------------------------------------------
# Equations, seeds, data
# ----------------------------------------------------------------------------------------------
def resolve_equations(subset: str | Sequence[str]) -> list:
    """Equations of ``subset``: ``"lies"``, ``"all"``, names, or a comma-separated mix (table order).

    Raises:
        keras_symbolic.datasets.UnknownEquationError: naming every unknown name (with close matches).
        ValueError: an empty selection.
    """
    from keras_symbolic.datasets import UnknownEquationError, all_equations, get_feynman_equation, lies_subset

    items = subset.split(",") if isinstance(subset, str) else list(subset)
    items = [str(i).strip() for i in items if str(i).strip()]
    if not items:
        raise ValueError("empty equation selection: give 'lies', 'all' or equation names")
    chosen, errors = set(), []
    for item in items:
        if item.lower() == "lies":
            chosen.update(eq.name for eq in lies_subset())
        elif item.lower() == "all":
            chosen.update(eq.name for eq in all_equations())
        else:
            try:
                chosen.add(get_feynman_equation(item).name)
            except UnknownEquationError as exc:
                errors.append(str(exc))
    if errors:
        raise UnknownEquationError("; ".join(errors))
    return [eq for eq in all_equations() if eq.name in chosen]


def trial_seed(trial: int, base_seed: int = 0) -> int:
    """Seed of trial ``trial``: ``base_seed + trial`` (the same for every equation and method)."""
    if trial < 0:
        raise ValueError(f"trial must be >= 0, got {trial}")
    return int(base_seed) + int(trial)


def feynman_data(equation, seed: int, samples: int, test_samples: int = 10_000, noise: float = 0.0):
    """``(X_train, y_train, X_test, y_test)`` drawn exactly as ``fit_feynman(name, seed, samples,
    test_samples, noise=noise)`` draws them (:func:`~keras_symbolic.pipelines.evaluate.feynman_rows`),
    so peers and LIES see identical rows (noisy training targets at ``noise > 0``, clean test rows)."""
    from keras_symbolic.pipelines.evaluate import feynman_rows

    return feynman_rows(equation, seed, samples, test_samples, noise=noise)


# ----------------------------------------------------------------------------------------------
# Options and configurations
# ----------------------------------------------------------------------------------------------
def parse_options(items: Sequence[str]) -> dict:
    """``["a.b=1", "c=true"] -> {"a.b": 1, "c": True}``; values are JSON when they parse, else strings."""
    out = {}
    for item in items or ():
        key, sep, raw = str(item).partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"option {item!r} must look like KEY=VALUE")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        out[key] = value
    return out


def auto_config(options: Mapping[str, Any]):
    """The engine's ``AutoConfig`` with ``options`` (field -> value) applied; ``ValueError`` naming the
    known fields for an unknown one."""
    from dataclasses import fields, replace

    from keras_symbolic.pipelines.auto import AutoConfig

    known = {f.name for f in fields(AutoConfig)} - {"seed"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"unknown auto option(s) {', '.join(unknown)}: AutoConfig has {', '.join(sorted(known))}")
    return replace(AutoConfig(), **dict(options))


def _set_dotted(tree: dict, dotted: str, value, where: str) -> None:
    parts = dotted.split(".")
    node = tree
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            known = sorted(node) if isinstance(node, dict) else []
            prefix = ".".join(parts[:i])
            raise ValueError(f"unknown {where} option {dotted!r}"
                             + (f": {prefix or 'top level'} has {', '.join(known)}" if known else ""))
        if i == len(parts) - 1:
            if isinstance(node[part], dict):
                raise ValueError(f"{where} option {dotted!r} is a group; set one of its fields ({', '.join(sorted(node[part]))})")
            node[part] = value
        else:
            node = node[part]


def ablation_label(names: Sequence[str]) -> str:
    """``()`` -> ``"none"``; ``("rounding", "oversampling")`` -> ``"oversampling+rounding"`` (paper order)."""
    from keras_symbolic.pipelines.lies_config import ABLATIONS

    names = [n for n in names if n and n != "none"]
    unknown = sorted(set(names) - set(ABLATIONS))
    if unknown:
        raise ValueError(f"unknown ablation(s) {unknown}; choose from {list(ABLATIONS)}")
    return "+".join(a for a in ABLATIONS if a in names) or "none"


def lies_config(schedule: str = "reference", epochs_scale: float = 1.0, options: Optional[Mapping] = None,
                ablation: str = "none"):
    """The :class:`~keras_symbolic.pipelines.lies.LIESConfig` of a LIES run of the benchmark."""
    from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule

    if not epochs_scale > 0:
        raise ValueError(f"epochs scale must be > 0, got {epochs_scale}")
    sched = LIESSchedule.named(schedule)
    if epochs_scale != 1.0:
        sched = sched.scaled(float(epochs_scale))
    config = replace(LIESConfig(), schedule=sched)
    if options:
        tree = config.to_dict()
        for key, value in options.items():
            _set_dotted(tree, key, value, "LIES")
        try:
            config = LIESConfig.from_dict(tree)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid LIES option(s) {dict(options)}: {exc}") from None
    names = [] if ablation in ("", "none", None) else ablation.split("+")
    return config.ablate(*names)


def _post_training_only(bench: "FeynmanBench", ablation: str) -> bool:
    """Whether ``ablation`` leaves LIES's training settings as the full pipeline's."""
    from keras_symbolic.pipelines.lies_config import POST_TRAINING_FIELDS

    def training(label):
        tree = lies_config(bench.schedule, bench.epochs_scale, bench.lies_options, label).to_dict()
        return {k: v for k, v in tree.items() if k not in POST_TRAINING_FIELDS}

    return ablation != "none" and training(ablation) == training("none")


def peer_time_budget(deadline: Optional[float], solution_timeout: float = 10.0) -> Optional[float]:
    """Seconds a peer may search, so that it stops by itself before ``deadline`` kills it.

    ``deadline`` minus a reserve for data, conversion and the two symbolic checks
    (``min(20 % of deadline, 2 * solution_timeout + 10 s)``); ``None`` without a deadline (the peer
    stops on its evaluation budget).
    """
    if deadline is None:
        return None
    reserve = min(0.2 * deadline, 2 * solution_timeout + 10.0)
    return max(1.0, float(deadline) - reserve)


def _digest(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True).encode("utf-8")).hexdigest()[:8]


# ----------------------------------------------------------------------------------------------
# The sweep
# ----------------------------------------------------------------------------------------------
@dataclass
class FeynmanBench:
    """Everything that defines an AI Feynman sweep (the CLI fills it from its options).

    Attributes:
        equations: table names (see :func:`resolve_equations`).
        methods: any of ``"lies"``, ``"operon"``, ``"gplearn"``.
        trials: trials per equation and method (trial indices ``0 .. trials-1``).
        seed: base seed (trial ``t`` uses ``seed + t``).
        samples: training rows; ``None``: the LIES schedule's ``n_rows`` (10k reference, 100k paper).
        test_samples: held-out rows for the test R^2.
        ablations: LIES ablation labels to run (``"none"`` is the full pipeline); peers ignore them.
        schedule: ``"reference"`` or ``"paper"``.
        epochs_scale: multiply every LIES phase's epochs (quick runs, tests).
        lies_options: dotted ``LIESConfig`` overrides, e.g. ``{"max_formula_nodes": 100}``.
        peer_population, peer_evaluations: population size and evaluation budget of the peers
            (SRBench's budget: 500k evaluations).
        peer_options: extra keyword arguments of the peers' estimators, e.g. ``{"max_length": 30}``.
        auto_options: ``AutoConfig`` fields of the engine (``method="auto"``), e.g. ``{"denoise": True}``.
        deadline: per-run wall-clock limit (seconds) enforced by the runner.
        solution_timeout: SymPy seconds per symbolic-solution check (as in ``fit_feynman``).
        noise: SRBench's target noise level on the training rows (``>= 0``; 0.001, 0.01 and 0.1 in
            SRBench's paper), or a sequence of levels: the sweep then runs one level after the other
            (every run of a level before the next level's); see the module docstring.
        network_cache: folder where LIES runs store their trained networks (``run_lies``'s
            ``network_cache``), so runs that differ only after training (the rounding, coefficient
            fit and gradient pruning ablations) reuse the full run's network; ``None``: no cache. With
            ``--scheduler`` it must be a folder every worker can reach.
    """

    equations: Sequence[str]
    methods: Sequence[str] = ("lies",)
    trials: int = 1
    seed: int = 0
    samples: Optional[int] = None
    test_samples: int = 10_000
    ablations: Sequence[str] = ("none",)
    schedule: str = "reference"
    epochs_scale: float = 1.0
    lies_options: Mapping[str, Any] = field(default_factory=dict)
    peer_population: int = 1000
    peer_evaluations: int = 500_000
    peer_options: Mapping[str, Any] = field(default_factory=dict)
    auto_options: Mapping[str, Any] = field(default_factory=dict)
    deadline: Optional[float] = None
    solution_timeout: float = 10.0
    network_cache: Optional[str] = None
    noise: float | Sequence[float] = 0.0

    @property
    def noise_levels(self) -> tuple:
        """The noise levels of the sweep, in the order given, each once."""
        levels = self.noise if isinstance(self.noise, (list, tuple)) else (self.noise,)
        return tuple(dict.fromkeys(float(v) for v in levels))

    def validate(self) -> None:
        """Raise ``ValueError`` (one readable line) for an impossible setting."""
        from keras_symbolic.datasets.noise import check_noise_level

        levels = self.noise if isinstance(self.noise, (list, tuple)) else (self.noise,)
        if not levels:
            raise ValueError("noise: give at least one level")
        for level in levels:
            check_noise_level(level)
        unknown = sorted(set(self.methods) - set(METHODS))
        if unknown or not self.methods:
            raise ValueError(f"unknown method(s) {unknown or '(none given)'}; choose from {', '.join(METHODS)}")
        if self.trials < 1:
            raise ValueError(f"trials must be >= 1, got {self.trials}")
        if self.samples is not None and self.samples < 10:
            raise ValueError(f"samples must be at least 10, got {self.samples}")
        if self.test_samples < 10:
            raise ValueError(f"test samples must be at least 10, got {self.test_samples}")
        if self.deadline is not None and not self.deadline > 0:
            raise ValueError(f"deadline must be > 0 seconds, got {self.deadline}")
        if self.peer_population < 2 or self.peer_evaluations < self.peer_population:
            raise ValueError("peer population must be >= 2 and peer evaluations >= population, got "
                             f"{self.peer_population} and {self.peer_evaluations}")
        if "lies" in self.methods:
            for ablation in self.ablations:
                lies_config(self.schedule, self.epochs_scale, self.lies_options, ablation)  # raises if bad
        if "auto" in self.methods:
            auto_config(self.auto_options)  # raises if bad
        from keras_symbolic.bench.peers import check_peer_options

        for method in self.methods:
            if method not in OWN_METHODS:
                check_peer_options(method, self.peer_options)

    def n_samples(self) -> int:
        if self.samples is not None:
            return int(self.samples)
        return int(lies_config(self.schedule, 1.0, self.lies_options).schedule.n_rows)


def feynman_tasks(bench: FeynmanBench) -> list[Task]:
    """The sweep's tasks, noise-level-major (a level's runs all come before the next level's), then
    trial (every equation's trial 0 first, so that an early look at the results covers all
    equations), then equation (table order), method, ablation. Within a trial,
    ablations that change only post-training steps come after all the others, so that with a
    network cache they find the full run's trained network already stored."""
    bench.validate()
    samples = bench.n_samples()
    budget = peer_time_budget(bench.deadline, bench.solution_timeout)
    late = {a for a in bench.ablations if "lies" in bench.methods and _post_training_only(bench, a)}

    def ablations_of(method: str, late_group: bool) -> list[str]:
        if method != "lies":
            return [] if late_group else ["none"]
        return [a for a in bench.ablations if (a in late) == late_group]

    tasks = []
    for noise, trial, late_group in itertools.product(bench.noise_levels, range(bench.trials), (False, True)):
        seed = trial_seed(trial, bench.seed)
        for name in bench.equations:
            for method in bench.methods:
                for ablation in ablations_of(method, late_group):
                    if method == "lies":
                        settings = {"schedule": bench.schedule, "epochs_scale": float(bench.epochs_scale),
                                    "lies_options": dict(sorted(bench.lies_options.items()))}
                    elif method == "auto":
                        settings = {"auto": auto_config(bench.auto_options).to_dict()}
                    else:
                        settings = {"population": int(bench.peer_population),
                                    "evaluations": int(bench.peer_evaluations),
                                    "options": dict(sorted(bench.peer_options.items()))}
                    config_id = _digest(settings)
                    spec = {
                        "benchmark": "feynman", "equation": name, "method": method, "trial": trial,
                        "seed": seed, "ablation": ablation, "samples": samples,
                        "test_samples": int(bench.test_samples), "settings": settings,
                        "config_id": config_id, "solution_timeout": float(bench.solution_timeout),
                        "time_budget": budget if method not in OWN_METHODS else None,
                        "network_cache": bench.network_cache if method == "lies" else None,
                        "noise": noise,
                    }
                    key = make_key("feynman", name, method, trial=trial, seed=seed, ablation=ablation,
                                   samples=samples, test=int(bench.test_samples), config=config_id,
                                   **({"noise": noise} if noise > 0 else {}))
                    tasks.append(Task(key, spec))
    return tasks


# ----------------------------------------------------------------------------------------------
# One run (executed in the run's own process)
# ----------------------------------------------------------------------------------------------
def _context() -> dict:
    from keras_symbolic import __version__

    return {"package_version": __version__, "python": platform.python_version(), "pid": os.getpid()}


def _run_lies(spec: Mapping) -> dict:
    from keras_symbolic.pipelines.evaluate import fit_feynman

    settings = spec["settings"]
    config = lies_config(settings["schedule"], settings["epochs_scale"], settings.get("lies_options"),
                         spec["ablation"])
    result = fit_feynman(spec["equation"], int(spec["seed"]), int(spec["samples"]), int(spec["test_samples"]),
                         config, verbose=0, solution_timeout=float(spec["solution_timeout"]),
                         network_cache=spec.get("network_cache"), noise=float(spec.get("noise", 0.0)))
    record = result.to_record()
    equations = result.candidates
    # The paper's "out of time" inside the pipeline: the extracted formula was too large for the
    # symbolic steps (max_formula_nodes), so the chosen formula is a raw extraction.
    notes = equations["note"].astype(str) if "note" in equations else []
    skipped = any("not simplified" in n for n in notes)
    chosen = equations[equations["chosen"]] if "chosen" in equations else equations.iloc[:0]
    raw = bool(len(chosen)) and all(str(s).startswith("extracted") for s in chosen["stage"])
    record["formula_not_simplified"] = bool(skipped and raw)
    record["candidates"] = int(len(equations))
    import keras

    record["keras_backend"] = keras.backend.backend()
    return record


def _run_auto(spec: Mapping) -> dict:
    from dataclasses import replace

    from keras_symbolic.pipelines.auto import AutoConfig
    from keras_symbolic.pipelines.evaluate_auto import fit_feynman_auto

    config = replace(AutoConfig(), **{k: v for k, v in spec["settings"]["auto"].items() if k != "seed"})
    result = fit_feynman_auto(spec["equation"], int(spec["seed"]), int(spec["samples"]), int(spec["test_samples"]),
                              config, verbose=0, solution_timeout=float(spec["solution_timeout"]),
                              noise=float(spec.get("noise", 0.0)))
    record = result.to_record()
    record["candidates"] = int(len(result.candidates))
    import keras

    record["keras_backend"] = keras.backend.backend()
    return record


def run_task(spec: Mapping) -> dict:
    """The runner's target: fit ``spec["method"]`` on ``spec["equation"]`` and score it.

    Returns the run's record: for LIES the fields of ``fit_feynman``'s record (expression, latex,
    complexity, r2_train, r2_test, symbolic_solution (paper rule), symbolic_solution_srbench,
    solution_check, wall_seconds, phase_seconds, ...); for the peers the same fields (see
    :func:`keras_symbolic.bench.peers.score_peer`).
    """
    start = time.perf_counter()
    method = spec["method"]
    if method == "lies":
        record = _run_lies(spec)
    elif method == "auto":
        record = _run_auto(spec)
    elif method in ("operon", "gplearn"):
        from keras_symbolic.bench.peers import run_peer

        X_tr, y_tr, X_te, y_te = feynman_data(spec["equation"], spec["seed"], spec["samples"], spec["test_samples"],
                                              noise=float(spec.get("noise", 0.0)))
        record = run_peer(method, spec["equation"], X_tr, y_tr, X_te, y_te, seed=int(spec["seed"]),
                          population=int(spec["settings"]["population"]),
                          evaluations=int(spec["settings"]["evaluations"]),
                          options=spec["settings"].get("options") or {}, time_budget=spec.get("time_budget"),
                          solution_timeout=float(spec["solution_timeout"]))
    else:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    record["noise"] = float(spec.get("noise", 0.0))
    record.update(_context())
    record["task_seconds"] = time.perf_counter() - start
    for name in ("r2_train", "r2_test"):
        value = record.get(name)
        if isinstance(value, float) and not math.isfinite(value):
            record[name] = None  # JSON has no infinities: a non-finite prediction is stored as null
    return record
