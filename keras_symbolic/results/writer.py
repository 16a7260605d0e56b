"""The one writer of result folders: ``result.json``, ``pareto.csv``, plots (PNG), ``model.keras``.

A folder is written into a temporary sibling first and moved into place only when complete, so an
error, a Ctrl-C or a kill never leaves a half-written result (at worst a hidden ``.NAME.*`` sibling).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from keras_symbolic.results.fit_result import FitResult
from keras_symbolic.results.json_values import json_safe
from keras_symbolic.results.plots import parity_plot

__all__ = ["write_result_folder", "RESULT_FILE", "CANDIDATES_FILE"]

RESULT_FILE = "result.json"
CANDIDATES_FILE = "pareto.csv"


def write_result_folder(out_dir, result: FitResult) -> Path:
    """Write ``result`` into the folder ``out_dir`` (replaced as a whole if it exists); return its path.

    Files: ``result.json`` (:meth:`FitResult.to_record`), ``pareto.csv`` (the candidate table),
    ``parity.png`` (when the result has predictions), ``model.keras`` (when it has a model), and the
    result's own further files (:attr:`FitResult.files`).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        _write_files(tmp, result)
        _move_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _write_files(folder: Path, result: FitResult) -> None:
    record = json_safe(result.to_record())
    (folder / RESULT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if result.candidates is not None:
        table = result.candidates.copy()
        if "expression" in table:
            table["expression"] = table["expression"].astype(str)
        table.to_csv(folder / CANDIDATES_FILE, index=False)
    if result.predictions:
        parity_plot(folder / "parity.png", result.predictions, title=str(record.get("expression") or ""))
    if result.model is not None:
        result.model.save(folder / "model.keras")
    for name, writer in result.files.items():
        writer(folder / name)


def _move_into_place(tmp: Path, out_dir: Path) -> None:
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
        os.replace(out_dir, old / "previous")
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out_dir)
