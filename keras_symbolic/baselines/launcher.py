"""Start the legacy-Keras baseline child (:mod:`keras_symbolic.baselines._legacy_qp`) from the core package.

The parent loads the data (Keras-3 side loaders, :mod:`keras_symbolic.baselines.data`), writes it to
``OUT/data.npz``, and runs ``python -m keras_symbolic.baselines._legacy_qp`` with
``TF_USE_LEGACY_KERAS=1`` in its environment; the child's output streams through. The parent never
imports tf_keras, qkeras or tensorflow_model_optimization.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional, Sequence

__all__ = ["LEGACY_MODULE", "missing_legacy_packages", "child_command", "child_environment", "run_qp_baseline"]

LEGACY_MODULE = "keras_symbolic.baselines._legacy_qp"
_LEGACY_PACKAGES = {"tf_keras": "tf_keras", "qkeras": "qkeras", "tensorflow_model_optimization": "tensorflow-model-optimization",
                    "pyparsing": "pyparsing", "hls4ml": "hls4ml"}


def missing_legacy_packages() -> list[str]:
    """Distributions the child needs that are not installed (checked without importing them)."""
    return [dist for module, dist in _LEGACY_PACKAGES.items() if importlib.util.find_spec(module) is None]


def child_environment(base: Optional[dict] = None) -> dict:
    """The child's environment: ``TF_USE_LEGACY_KERAS=1`` (legacy Keras before TensorFlow loads),
    quiet TensorFlow, and this package importable."""
    env = dict(os.environ if base is None else base)
    env["TF_USE_LEGACY_KERAS"] = "1"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def child_command(data: Path, out: Path, dataset: str, options: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", LEGACY_MODULE, "--data", str(data), "--out", str(out), "--dataset", dataset, *options]


def run_qp_baseline(dataset: str, out: Path, options: Sequence[str] = (), data_path: Optional[Path] = None,
                    quiet: bool = False) -> tuple[int, Optional[dict]]:
    """Load ``dataset``, run the child, return ``(exit code, report or None)``.

    Raises:
        keras_symbolic.baselines.data.BaselineDataError: the data set cannot be loaded here.
    """
    from keras_symbolic.baselines.data import load_baseline_data, save_for_child

    parts = load_baseline_data(dataset, data_path)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data_file = save_for_child(out / "data.npz", *parts)
    try:
        proc = subprocess.run(child_command(data_file, out, dataset, options), env=child_environment(),
                              stdout=subprocess.DEVNULL if quiet else None)
    finally:
        data_file.unlink(missing_ok=True)
    report_path = out / "report.json"
    report = json.loads(report_path.read_text()) if proc.returncode == 0 and report_path.is_file() else None
    return proc.returncode, report
