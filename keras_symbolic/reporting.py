"""Result folders: ``result.json``, the Pareto table (CSV), plots (PNG) and the model (``.keras``).

A folder is written into a temporary sibling first and moved into place only when complete, so an
error or a kill never leaves a half-written result.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Optional

import numpy as np

__all__ = ["write_result_folder", "parity_plot", "json_safe"]


def json_safe(value):
    """Convert NumPy/SymPy values (and non-finite floats) into JSON-serialisable ones."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def parity_plot(path, series: dict, title: str = ""):
    """Predicted vs true, one scatter per named ``(y_true, y_pred)`` pair, with the identity line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 5))
    lo, hi = np.inf, -np.inf
    for label, (y_true, y_pred) in series.items():
        y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
        ok = np.isfinite(y_pred)
        if len(y_true) > 5000:
            keep = np.random.default_rng(0).choice(len(y_true), 5000, replace=False)
            y_true, y_pred, ok = y_true[keep], y_pred[keep], ok[keep]
        ax.scatter(y_true[ok], y_pred[ok], s=4, alpha=0.5, label=label)
        if ok.any():
            lo, hi = min(lo, y_true.min(), y_pred[ok].min()), max(hi, y_true.max(), y_pred[ok].max())
    if np.isfinite(lo):
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel("true")
    ax.set_ylabel("predicted by the formula")
    ax.set_title(title if len(title) < 70 else title[:67] + "...", fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_result_folder(
    out_dir,
    result: dict,
    equations=None,
    parity: Optional[dict] = None,
    model=None,
    extra_files: Optional[dict[str, Callable[[Path], None]]] = None,
) -> Path:
    """Write a result folder atomically and return its path.

    Args:
        out_dir: destination folder (replaced as a whole if it exists).
        result: the ``result.json`` content.
        equations: the candidate table (``pandas.DataFrame``), written as ``pareto.csv``.
        parity: ``{label: (y_true, y_pred)}`` for ``parity.png``.
        model: a Keras model, saved as ``model.keras``.
        extra_files: ``{file name: writer(path)}`` for further files (e.g. training curves).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (tmp / "result.json").write_text(json.dumps(json_safe(result), indent=2) + "\n", encoding="utf-8")
        if equations is not None:
            table = equations.copy()
            if "expression" in table:
                table["expression"] = table["expression"].astype(str)
            table.to_csv(tmp / "pareto.csv", index=False)
        if parity:
            parity_plot(tmp / "parity.png", parity, title=str(result.get("expression", "")))
        if model is not None:
            model.save(tmp / "model.keras")
        for name, writer in (extra_files or {}).items():
            writer(tmp / name)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            os.replace(out_dir, old / "previous")
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
