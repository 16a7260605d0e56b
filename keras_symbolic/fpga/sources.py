"""Where ``keras-symbolic hls`` gets its formulas and rows.

Formulas: a ``keras-symbolic fit`` result folder (``result.json``: SymbolNet's ``expressions``, one
per output, or LIES's single ``expression``) or an expression given as text. Variable names: the
result's ``data.features`` (SymbolNet), the AI Feynman equation's variables (``--feynman`` runs), or
the data file's columns. They are renamed ``x0 ..`` in that order (hls4ml's convention).

Rows (for the table ranges and the scores): a CSV with a header (feature columns, optionally the
target), or an ``.npz`` with ``X`` [+ ``y``] (one set) or ``X_train``/``X_test`` [+ ``y_train``/``y_test``]
(table ranges from the training rows, scores on the test rows). A ``--feynman`` result without a data
file draws fresh rows from the equation's generator (seeded). SymPy/NumPy/pandas only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from keras_symbolic.fpga.expressions import ExpressionError, parse_expression, to_indexed

__all__ = ["SourceError", "Formulas", "Rows", "load_result_formulas", "formulas_from_text", "load_rows"]


class SourceError(ValueError):
    """Unusable input (missing file, wrong columns, nothing to convert): one line for the user."""


@dataclass
class Formulas:
    """Expressions in ``x0 ..`` (``expressions``), the data's names of those variables, and what
    the result says about the task (``task``, ``classes`` per output, ``target``, ``feynman``)."""

    expressions: list
    variable_names: list
    task: Optional[str] = None
    classes: Optional[list] = None
    target: Optional[str] = None
    feynman: Optional[str] = None
    info: dict = field(default_factory=dict)


@dataclass
class Rows:
    """``X_fit`` sets the table ranges; ``X_eval``/``y_eval`` are simulated and scored."""

    X_fit: np.ndarray
    X_eval: np.ndarray
    y_eval: Optional[np.ndarray]
    source: str


def load_result_formulas(result_dir) -> Formulas:
    """Read ``RESULT_DIR/result.json`` of ``keras-symbolic fit`` (SymbolNet or LIES).

    Raises:
        SourceError: no ``result.json``, no expression in it, or variables that cannot be named.
    """
    path = Path(result_dir) / "result.json"
    if not path.is_file():
        raise SourceError(f"{result_dir} is not a result folder: {path} not found")
    try:
        record = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    texts = record.get("expressions") or ([record["expression"]] if record.get("expression") else [])
    if not texts:
        raise SourceError(f"{path} holds no expression")
    data = record.get("data") or {}
    names = list(data.get("features") or [])
    feynman = record.get("equation") or (str(data.get("source", ""))[len("feynman:"):]
                                         if str(data.get("source", "")).startswith("feynman:") else None)
    if not names and feynman:
        from keras_symbolic.datasets import get_feynman_equation

        names = list(get_feynman_equation(feynman).variables)
    task = record.get("task") or ("regression" if record.get("method") == "lies" else None)
    classes = None
    if task == "classification" and record.get("classes"):
        classes = list(record["classes"])
    try:
        exprs = [parse_expression(t, names) for t in texts]
        if not names:  # LIES on a CSV: the names are whatever the formula uses; columns decide the order later
            names = sorted({s.name for e in exprs for s in e.free_symbols})
            indexed = None
        else:
            indexed = [to_indexed(e, names) for e in exprs]
    except ExpressionError as exc:
        raise SourceError(f"{path}: {exc}") from None
    return Formulas(indexed if indexed is not None else exprs, names, task, classes, data.get("target"), feynman,
                    info={"result": str(path), "method": record.get("method"), "indexed": indexed is not None})


def formulas_from_text(texts: Sequence[str], variable_names: Optional[Sequence[str]] = None) -> Formulas:
    """``--expr`` formulas: in ``x0 ..`` already, or in ``variable_names`` (the data's columns)."""
    names = list(variable_names or [])
    try:
        exprs = [parse_expression(t, names) for t in texts]
    except ExpressionError as exc:
        raise SourceError(str(exc)) from None
    used = {s.name for e in exprs for s in e.free_symbols}
    if names and used <= set(names):
        try:
            return Formulas([to_indexed(e, names) for e in exprs], names, info={"indexed": True})
        except ExpressionError as exc:
            raise SourceError(str(exc)) from None
    bad = sorted(n for n in used if not (n.startswith("x") and n[1:].isdigit()))
    if bad:
        cols = f" or columns of the data ({', '.join(names[:8])}{', ...' if len(names) > 8 else ''})" if names else ""
        raise SourceError(f"expression variables must be x0, x1, ...{cols}; got {', '.join(bad)}")
    n = max((int(s[1:]) for s in used), default=-1) + 1
    return Formulas(exprs, names or [f"x{i}" for i in range(n)], info={"indexed": True})


def _read_csv(path: Path):
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # pandas raises many types for malformed files
        raise SourceError(f"cannot read {path} as CSV: {str(exc).splitlines()[0]}") from None
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise SourceError(f"column '{column}' of {path.name} is not numeric")
    return frame


def load_rows(path, variable_names: Sequence[str], target: Optional[str] = None, max_rows: Optional[int] = None,
              seed: int = 0) -> tuple[Rows, list]:
    """Rows for the formulas' variables from a CSV or ``.npz`` (see the module docstring).

    CSV: the columns named ``variable_names`` (in that order) when present, else all columns but
    ``target`` in file order (then they must be as many as the variables). ``max_rows``: a seeded random
    subset of the scored rows (and of the range rows) when there are more.

    Returns:
        ``(Rows, names)``: ``names`` are the column names of ``x0 ..``.

    Raises:
        SourceError: missing file, wrong columns, or non-finite values.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"data file not found: {path}")
    names = list(variable_names)
    rng = np.random.default_rng(seed)

    def cap(*arrays):
        n = len(arrays[0])
        if max_rows and n > max_rows:
            keep = np.sort(rng.choice(n, max_rows, replace=False))
            return tuple(None if a is None else a[keep] for a in arrays)
        return arrays

    if path.suffix.lower() == ".npz":
        with np.load(path, allow_pickle=False) as z:
            files = set(z.files)
            if {"X_train", "X_test"} <= files:
                X_fit, X_eval = z["X_train"], z["X_test"]
                y_eval = z["y_test"] if "y_test" in files else None
            elif "X" in files:
                X_fit = X_eval = z["X"]
                y_eval = z["y"] if "y" in files else None
            else:
                raise SourceError(f"{path.name} needs arrays X [y] or X_train, X_test [y_train, y_test]; has {sorted(files)}")
        X_fit = np.asarray(X_fit, dtype=np.float64).reshape(len(X_fit), -1)
        X_eval = np.asarray(X_eval, dtype=np.float64).reshape(len(X_eval), -1)
        columns = names if names and len(names) == X_fit.shape[1] else [f"x{i}" for i in range(X_fit.shape[1])]
        if names and len(names) != X_fit.shape[1] and any(not (n[:1] == "x" and n[1:].isdigit()) for n in names):
            raise SourceError(f"{path.name} has {X_fit.shape[1]} columns but the formulas have {len(names)} variables")
        (X_fit,) = cap(X_fit)
        X_eval, y_eval = cap(X_eval, None if y_eval is None else np.asarray(y_eval).ravel())
    else:
        frame = _read_csv(path)
        if target is not None and target not in frame.columns:
            raise SourceError(f"target column '{target}' not in {path.name}; columns are: {', '.join(map(str, frame.columns))}")
        if names and all(n in frame.columns for n in names) and not all(n[:1] == "x" and n[1:].isdigit() for n in names):
            columns = names
        else:
            columns = [c for c in frame.columns if c != target]
            if names and len(columns) < len(names):
                raise SourceError(f"{path.name} has {len(columns)} feature columns but the formulas use {len(names)} variables")
        X = frame[columns].to_numpy(dtype=np.float64)
        y = frame[target].to_numpy() if target is not None else None
        X, y = cap(X, y)
        X_fit, X_eval, y_eval = X, X, y
    for name, arr in (("feature", X_fit), ("feature", X_eval)):
        if not np.all(np.isfinite(arr)):
            raise SourceError(f"{path.name} has non-finite {name} values")
    if len(X_fit) == 0 or len(X_eval) == 0:
        raise SourceError(f"{path.name} has no rows")
    return Rows(X_fit, X_eval, y_eval, str(path)), [str(c) for c in columns]
