"""The SymbolNet experiments (paper IV-V): which models a scan trains, and what one run does.

``keras-symbolic bench symbolnet`` (:mod:`keras_symbolic.cli.bench_symbolnet`) builds the task list
with :func:`symbolnet_tasks` and hands it to :func:`keras_symbolic.bench.runner.run_tasks` (the
runner shared with the Feynman benchmark: JSONL store, resumable, one process per run, ``--jobs``,
Dask) with the target :func:`run_task` (``TARGET``).

The scan. By default trial ``t`` draws one configuration from the paper's ranges (Section IV-C,
:data:`PAPER_RANGES`) with ``numpy.random.default_rng([seed + t, method])`` and trains it with seed
``seed + t``:

* ``num_unary`` / ``num_binary``: integers, uniform in the range (the same for every layer);
  ``n_layers``: uniform among the listed counts;
* SymbolNet's target sparsities: ``1 - alpha`` log-uniform between ``1 - hi`` and ``1 - lo`` (so a
  range like [0.7, 0.999] is covered evenly in "fraction kept", where the complexity changes);
* EQL's ``reg_lambda`` and ``threshold``: log-uniform in their ranges.

A grid file (YAML or JSON) replaces the defaults::

    common: {epochs: 120, batch_size: 256}     # any SymbolNetConfig / EQLConfig field, both methods
    ranges:                                     # redraw from other ranges (--trials draws) ...
      symbolnet: {num_unary: [10, 20], weight: [0.98, 0.999]}
      eql: {reg_lambda: [1.0e-5, 1.0e-3]}
    symbolnet:                                  # ... or list configurations (each run --trials times)
      - {layers: [[20, 5]], targets: {weight: 0.99, input: 0.95, unary: 0.4, binary: 0.4}}
    eql:
      - {layers: [[20, 5]], reg_lambda: 1.0e-4, threshold: 1.0e-2}

A method with a configuration list runs those (trial ``t`` = seed ``seed + t``); otherwise it draws
from its ranges (the defaults updated by ``ranges``). ``common`` and ``--epochs`` apply to all.

One run (:func:`run_task`) loads the data set (:func:`load_dataset`), trains, unrolls the network to one
SymPy expression per output and scores the network on the test rows. Its JSON line holds: ``score``
(test accuracy; ROC AUC for the one-output SVHN task) and ``score_name``, ``accuracy``, ``auc_macro``
and ``auc_per_class``, ``complexity`` (mean over outputs) and ``complexities``, ``sparsities``
reached, ``expressions`` (constants rounded to 6 significant digits to keep the file small; omitted
past :data:`MAX_STORED_NODES` nodes in all, or ``$KERAS_SYMBOLIC_MAX_STORED_NODES``),
``fit_seconds``, ``wall_seconds``, ``seed``, the full ``config`` and the data description.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from keras_symbolic.bench.tasks import Task, make_key

__all__ = [
    "DATASETS",
    "METHODS",
    "TARGET",
    "PAPER_RANGES",
    "PAPER_POINTS",
    "TRAINING",
    "MAX_STORED_NODES",
    "SymbolNetBench",
    "load_grid",
    "draw_config",
    "symbolnet_tasks",
    "load_dataset",
    "run_task",
]

DATASETS = ("mnist", "lhc", "svhn")
METHODS = ("symbolnet", "eql")
TARGET = "keras_symbolic.bench.symbolnet:run_task"
MAX_STORED_NODES = 20_000
_METHOD_STREAM = {"symbolnet": 1, "eql": 2}

#: Scan ranges of the paper's Section IV-C (per data set), plus EQL's (IV-B).
PAPER_RANGES: dict[str, dict[str, Any]] = {
    "lhc": {
        "n_layers": [1, 2], "num_unary": [2, 30], "num_binary": [2, 30],
        "unary": ["sin", "cos", "exp", "gauss", "sinh", "cosh", "tanh"], "binary": ["add", "mul"],
        "weight": [0.6, 0.99], "input": [0.4, 0.9], "unary_target": [0.2, 0.5], "binary_target": [0.2, 0.5],
    },
    "mnist": {
        "n_layers": [1, 2], "num_unary": [2, 20], "num_binary": [2, 20],
        "unary": ["sin", "cos", "gauss", "tanh"], "binary": ["mul"],
        "weight": [0.7, 0.999], "input": [0.6, 0.99], "unary_target": [0.2, 0.5], "binary_target": [0.2, 0.5],
    },
    "svhn": {
        "n_layers": [1], "num_unary": [2, 20], "num_binary": [2, 10],
        "unary": ["sin", "cos", "gauss", "tanh"], "binary": ["mul"],
        "weight": [0.8, 0.999], "input": [0.8, 0.999], "unary_target": [0.2, 0.5], "binary_target": [0.2, 0.5],
    },
}
#: EQL's scan (paper IV-B: lambda and the hard threshold over 1e-4 .. 1e-1). With the penalty summed
#: over parameters, lambda >= 1e-3 prunes a 784-input network to nothing on MNIST, so the default
#: lambda range is 1e-5 .. 1e-3 (see BENCHMARKS.md); the threshold keeps the paper's range.
EQL_RANGES: dict[str, Any] = {"reg_lambda": [1e-5, 1e-3], "threshold": [1e-4, 1e-1]}

#: Training settings per data set (authors' code / paper Fig. 7), shared by both methods.
#: ``steps_per_execution`` 16 only cuts per-step overhead (same updates; BENCHMARKS.md: 0.27 -> 0.23 s/epoch).
TRAINING: dict[str, dict[str, Any]] = {
    "mnist": {"epochs": 180, "batch_size": 256, "learning_rate": 0.005, "steps_per_execution": 16},
    "lhc": {"epochs": 200, "batch_size": 1024, "learning_rate": 0.0015, "steps_per_execution": 16},
    "svhn": {"epochs": 180, "batch_size": 256, "learning_rate": 0.005, "steps_per_execution": 16},
}

#: Published points (score, mean complexity) to mark on the Pareto plots.
PAPER_POINTS: dict[str, list[dict]] = {
    "mnist": [
        {"label": "paper text: 90% at ~300", "complexity": 300.0, "score": 0.90},
        {"label": "paper Table II: 80% at 90", "complexity": 90.0, "score": 0.80},
        {"label": "authors' notebook: 84.8% at 142.7", "complexity": 142.7, "score": 0.848},
    ],
    "lhc": [{"label": "paper Table I: 71% at 16", "complexity": 16.0, "score": 0.71}],
    "svhn": [{"label": "paper Table III: AUC 0.875 at 122", "complexity": 122.0, "score": 0.875}],
}


# ----------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------
def load_dataset(name: str, path: Optional[str] = None, n_train: Optional[int] = None,
                 n_test: Optional[int] = None, download: bool = True):
    """The :class:`~keras_symbolic.datasets.classification.ClassificationData` of ``name``, cut to
    the first ``n_train`` / ``n_test`` rows when given (quick runs, tests)."""
    from keras_symbolic.datasets import load_lhc_jets, load_mnist, load_svhn_1_vs_7

    if name == "mnist":
        data = load_mnist(path, download=download)
    elif name == "lhc":
        data = load_lhc_jets(path, download=download)
    elif name == "svhn":
        data = load_svhn_1_vs_7(path, download=download)
    else:
        raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    return data.subset(n_train, n_test)


# ----------------------------------------------------------------------------------------------
# Grid and configurations
# ----------------------------------------------------------------------------------------------
def load_grid(path: str | os.PathLike) -> dict:
    """Read a grid file (``.yaml``/``.yml`` or ``.json``); see the module docstring for its keys."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        grid = yaml.safe_load(text) or {}
    else:
        grid = json.loads(text)
    if not isinstance(grid, dict):
        raise ValueError(f"{path}: a grid file holds a mapping (common, ranges, symbolnet, eql), got {type(grid).__name__}")
    unknown = set(grid) - {"common", "ranges", *METHODS}
    if unknown:
        raise ValueError(f"{path}: unknown grid key(s) {sorted(unknown)}; expected common, ranges, symbolnet, eql")
    for method in METHODS:
        if method in grid and not isinstance(grid[method], list):
            raise ValueError(f"{path}: '{method}' must be a list of configurations")
    return grid


def _log_uniform(rng, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi)))) if hi > lo else float(lo)


def _target(rng, lo: float, hi: float) -> float:
    """``alpha`` with ``1 - alpha`` log-uniform in ``[1 - hi, 1 - lo]`` (rounded to 4 digits)."""
    return round(1.0 - _log_uniform(rng, 1.0 - hi, 1.0 - lo), 4)


def draw_config(method: str, ranges: Mapping[str, Any], draw_seed: int) -> dict:
    """One configuration (a dict of ``SymbolNetConfig`` / ``EQLConfig`` fields) drawn from ``ranges``.

    Deterministic in ``(method, draw_seed)``.
    """
    rng = np.random.default_rng([int(draw_seed), _METHOD_STREAM[method]])
    n_layers = int(rng.choice(list(ranges["n_layers"])))
    u = int(rng.integers(ranges["num_unary"][0], ranges["num_unary"][1] + 1))
    b = int(rng.integers(ranges["num_binary"][0], ranges["num_binary"][1] + 1))
    config = {"layers": [[u, b]] * n_layers, "unary": list(ranges["unary"]), "binary": list(ranges["binary"])}
    if method == "symbolnet":
        config["targets"] = {
            "weight": _target(rng, *ranges["weight"]), "input": _target(rng, *ranges["input"]),
            "unary": round(float(rng.uniform(*ranges["unary_target"])), 4),
            "binary": round(float(rng.uniform(*ranges["binary_target"])), 4),
        }
    else:
        config["reg_lambda"] = float(f"{_log_uniform(rng, *ranges['reg_lambda']):.3g}")
        config["threshold"] = float(f"{_log_uniform(rng, *ranges['threshold']):.3g}")
    return config


def _digest(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True).encode("utf-8")).hexdigest()[:8]


@dataclass
class SymbolNetBench:
    """Everything that defines a SymbolNet/EQL scan (the CLI fills it from its options).

    Attributes:
        dataset: ``"mnist"``, ``"lhc"`` or ``"svhn"``.
        methods: any of ``"symbolnet"``, ``"eql"``.
        trials: draws from the ranges per method (or repeats of each listed configuration).
        seed: base seed (trial ``t``: seed ``seed + t``).
        grid: a parsed grid file (see :func:`load_grid`), or ``{}`` for the paper's ranges.
        epochs: override of every run's epochs.
        data_path: local data file or folder (default: each loader's own search).
        n_train, n_test: use only the first rows (quick runs, tests); ``None``: all.
        deadline: per-run wall-clock limit in seconds (the runner kills a run past it).
    """

    dataset: str
    methods: Sequence[str] = ("symbolnet",)
    trials: int = 10
    seed: int = 0
    grid: Mapping[str, Any] = field(default_factory=dict)
    epochs: Optional[int] = None
    data_path: Optional[str] = None
    n_train: Optional[int] = None
    n_test: Optional[int] = None
    deadline: Optional[float] = None

    def validate(self) -> None:
        """Raise ``ValueError`` (one readable line) for an impossible setting."""
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown data set {self.dataset!r}; choose from {', '.join(DATASETS)}")
        unknown = sorted(set(self.methods) - set(METHODS))
        if unknown or not self.methods:
            raise ValueError(f"unknown method(s) {unknown or '(none given)'}; choose from {', '.join(METHODS)}")
        if self.trials < 1:
            raise ValueError(f"trials must be >= 1, got {self.trials}")
        if self.epochs is not None and self.epochs < 3:
            raise ValueError(f"epochs must be >= 3 (EQL runs three phases), got {self.epochs}")
        for name in ("n_train", "n_test"):
            value = getattr(self, name)
            if value is not None and value < 2:
                raise ValueError(f"{name} must be >= 2, got {value}")
        for config in self.configs():  # builds each config once: bad fields fail here, not in a run
            _make_config(config["method"], config["config"])

    def ranges(self, method: str) -> dict:
        ranges = dict(PAPER_RANGES[self.dataset])
        if method == "eql":
            ranges.update(EQL_RANGES)
        override = dict((self.grid.get("ranges") or {}).get(method) or {})
        unknown = set(override) - set(ranges)
        if unknown:
            raise ValueError(f"unknown {method} range(s) {sorted(unknown)}; known: {', '.join(sorted(ranges))}")
        ranges.update(override)
        return ranges

    def configs(self) -> list[dict]:
        """``[{"method", "trial", "seed", "config"}, ...]``: every run of the scan, trial-major."""
        operators = {k: list(PAPER_RANGES[self.dataset][k]) for k in ("unary", "binary")}
        common = {**operators, **TRAINING[self.dataset], **(self.grid.get("common") or {})}
        if self.epochs is not None:
            common["epochs"] = int(self.epochs)
        out = []
        for trial in range(self.trials):
            seed = int(self.seed) + trial
            for method in self.methods:
                listed = self.grid.get(method)
                bases = [dict(c) for c in listed] if listed else [draw_config(method, self.ranges(method), seed)]
                for base in bases:
                    config = {**common, **base, "seed": seed}
                    out.append({"method": method, "trial": trial, "seed": seed, "config": config})
        return out


def _make_config(method: str, config: Mapping[str, Any]):
    from keras_symbolic.pipelines.eql import EQLConfig
    from keras_symbolic.pipelines.symbolnet import SymbolNetConfig

    cls = SymbolNetConfig if method == "symbolnet" else EQLConfig
    try:
        return cls(**dict(config))
    except TypeError as exc:
        raise ValueError(f"invalid {method} configuration {dict(config)}: {exc}") from None


def symbolnet_tasks(bench: SymbolNetBench) -> list[Task]:
    """The scan's tasks (trial-major, then method). The key names data set, method, trial, seed and a
    digest of the configuration and data options, so a changed setting is a new run."""
    bench.validate()
    data = {"path": bench.data_path, "n_train": bench.n_train, "n_test": bench.n_test}
    tasks = []
    for run in bench.configs():
        config = _make_config(run["method"], run["config"]).to_dict()
        config_id = _digest({"config": config, "data": data})
        spec = {"benchmark": "symbolnet", "dataset": bench.dataset, "method": run["method"], "trial": run["trial"],
                "seed": run["seed"], "config": config, "config_id": config_id, "data": data}
        key = make_key("symbolnet", bench.dataset, run["method"], trial=run["trial"], seed=run["seed"],
                       config=config_id)
        tasks.append(Task(key, spec))
    return tasks


# ----------------------------------------------------------------------------------------------
# One run (executed in the run's own process)
# ----------------------------------------------------------------------------------------------
def classification_scores(y_true: np.ndarray, scores: np.ndarray) -> dict:
    """Accuracy and ROC AUC from network outputs (scikit-learn metrics).

    Args:
        y_true: ``(n, k)`` one-hot targets, or ``(n, 1)`` 0/1 targets for a binary task.
        scores: ``(n, k)`` network outputs.

    Returns:
        ``accuracy`` (argmax; threshold 0.5 for one output), ``auc_per_class`` (one-vs-rest, ``None``
        where a class is absent), ``auc_macro`` (mean of the defined ones).
    """
    from sklearn.metrics import roc_auc_score

    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=np.float64)
    scores = np.where(np.isfinite(scores), scores, 0.0)
    if y_true.shape[1] == 1:
        labels = (y_true[:, 0] > 0.5).astype(int)
        accuracy = float(np.mean((scores[:, 0] > 0.5).astype(int) == labels))
    else:
        labels = np.argmax(y_true, axis=1)
        accuracy = float(np.mean(np.argmax(scores, axis=1) == labels))
    aucs = []
    for k in range(y_true.shape[1]):
        column = (y_true[:, k] > 0.5).astype(int)
        aucs.append(float(roc_auc_score(column, scores[:, k])) if 0 < column.sum() < len(column) else None)
    defined = [a for a in aucs if a is not None]
    return {"accuracy": accuracy, "auc_per_class": aucs, "auc_macro": float(np.mean(defined)) if defined else None}


def run_task(spec: Mapping) -> dict:
    """Train one model of the scan and score it (the runner calls this in the run's own process)."""
    start = time.perf_counter()
    from keras_symbolic import __version__

    data_opts = spec.get("data") or {}
    data = load_dataset(spec["dataset"], data_opts.get("path"), data_opts.get("n_train"), data_opts.get("n_test"))
    config = _make_config(spec["method"], spec["config"])
    if spec["method"] == "symbolnet":
        from keras_symbolic.pipelines.symbolnet import train_symbolnet

        result = train_symbolnet(data.x_train, data.y_train, config, task="classification")
    else:
        from keras_symbolic.pipelines.eql import train_eql

        result = train_eql(data.x_train, data.y_train, config, task="classification")
    outputs = np.asarray(result.model.predict(data.x_test, batch_size=4096, verbose=0))
    metrics = classification_scores(data.y_test, outputs)
    before = getattr(result, "before_finetune", None)
    if before is not None:  # the sparse model before fine-tuning: the paper's method alone
        sparse_outputs = np.asarray(before["model"].predict(data.x_test, batch_size=4096, verbose=0))
        before = {**classification_scores(data.y_test, sparse_outputs),
                  "complexity": float(np.mean(before["complexities"])),
                  "complexities": [int(c) for c in before["complexities"]],
                  "sparsities": {k: float(v) for k, v in before["sparsities"].items()}}
    binary = data.binary
    score_name = "auc" if binary else "accuracy"
    score = metrics["auc_per_class"][0] if binary else metrics["accuracy"]
    import keras

    last = {k: v[-1] for k, v in result.history.items() if v and k != "phase"}
    from keras_symbolic.results.fit_result import FitResult
    from keras_symbolic.symbolic.unroll import display_expression

    limit = int(os.environ.get("KERAS_SYMBOLIC_MAX_STORED_NODES", MAX_STORED_NODES))
    stored = sum(result.complexities) <= limit  # huge formulas are not stored: no need to round them
    fit = FitResult(
        method=spec["method"],
        expressions=[display_expression(e, 6) if stored else e for e in result.expressions],
        variables=[f"x{i}" for i in range(data.x_train.shape[1])],
        metrics={"score": score, "score_name": score_name, **metrics},
        task="classification",
        outputs=[f"class {k}" for k in range(len(result.expressions))],
        per_output=True,
        complexities=[int(c) for c in result.complexities],
        wall_seconds=time.perf_counter() - start,
        details={
            "sparsities": {k: float(v) for k, v in result.sparsities.items()},
            "targets": dict(result.config.get("targets") or {}) or None,
            "frozen": getattr(result, "frozen", None),
            "before_finetune": before,
            "final_epoch": last, "fit_seconds": result.fit_seconds,
            "data_info": data.describe(),
            "context": {"package_version": __version__, "keras_backend": keras.backend.backend(),
                        "python": platform.python_version(), "pid": os.getpid()},
        },
        seed=spec.get("seed"),
        config=spec["config"],
    )
    return fit.to_record(max_stored_nodes=limit)
