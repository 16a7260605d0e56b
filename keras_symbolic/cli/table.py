"""Reading a user's table for ``fit``: :func:`read_table` (any delimiter, BOM, CRLF, quoted and
thousands-separated numbers; the columns to use; rows with missing cells) and :func:`sample_rows` (a cap
on the rows a method trains on).

Every problem raises :class:`~keras_symbolic.cli.errors.CLIError` with one line that names it and, where
the user can, says what to pass instead: a missing, empty or binary file, a header without rows,
duplicate or empty column names, rows of the wrong width, a column of text (``--drop`` it), a missing
cell (``--drop-missing`` leaves its rows out), a missing target. Only the columns a fit uses are
checked: the target, the weights and the features (``--features``, or every other column but those of
``--drop``). The numeric checks every method shares (inf, too few rows, shapes) follow in
:func:`keras_symbolic.symbolic.transform.validate_xy`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from keras_symbolic.cli.errors import CLIError

__all__ = ["Table", "read_table", "parse_sep", "sample_rows", "MAX_ROWS"]

#: Rows a table is sampled down to before fitting (uniformly, with the run's seed).
MAX_ROWS = 20_000
#: Bytes of the file the delimiter is sniffed from.
_SNIFF_BYTES = 64_000
_SEPS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t", "whitespace": r"\s+", "space": r"\s+", "|": "|"}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$")
_MISSING = {"", "nan", "na", "n/a", "null", "none", "-"}
_SEP_WORDS = {",": "comma", ";": "semicolon", "\t": "tab", r"\s+": "whitespace", "|": "bar"}


@dataclass
class Table:
    """A table read by :func:`read_table`: feature matrix, target, names, and notes for the user."""

    X: np.ndarray
    y: np.ndarray
    names: list
    target: str
    sep: str
    notes: list = field(default_factory=list)
    weights: np.ndarray | None = None


def parse_sep(text: str | None) -> str | None:
    """The delimiter of ``--sep`` (``,``, ``;``, ``tab``, ``whitespace``, ``|``); ``None`` to sniff."""
    if text is None:
        return None
    if text not in _SEPS:
        raise CLIError(f"--sep must be one of {', '.join(repr(k) for k in (',', ';', 'tab', 'whitespace', '|'))}, got {text!r}")
    return _SEPS[text]


def _text_of(path: Path) -> str:
    if not path.exists():
        raise CLIError(f"data file not found: {path}")
    if not path.is_file():
        raise CLIError(f"data path is not a file: {path}")
    raw = path.read_bytes()
    if b"\x00" in raw[:_SNIFF_BYTES]:
        raise CLIError(f"{path.name} is not a text table (it contains binary bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CLIError(f"{path.name} is empty")
    return text


def _sniff(text: str) -> str:
    sample = "\n".join(line for line in text[:_SNIFF_BYTES].split("\n")[:50] if line.strip())
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    header = sample.split("\n", 1)[0]
    return r"\s+" if len(header.split()) > 1 else ","


def _to_number(column) -> tuple[np.ndarray, tuple | None]:
    """The numbers of one column (NaN where a cell is missing), and ``None`` or, when a cell is not a
    number, ``(first such row, its text, whether most cells are words)``: a label column, not a number
    with a typo."""
    import pandas as pd

    cells = column.fillna("").astype(str).str.strip().str.strip("'\"").str.strip()
    cells = cells.where(~cells.str.match(_THOUSANDS), cells.str.replace(",", "", regex=False))
    cells = cells.where(~cells.str.lower().isin(_MISSING), None)
    values = pd.to_numeric(cells, errors="coerce")
    bad = values.isna() & cells.notna()
    if not bad.any():
        return values.to_numpy(dtype=np.float64), None
    row = int(bad.to_numpy().argmax())
    return values.to_numpy(dtype=np.float64), (row, cells.iloc[row], bool(bad.sum() > cells.notna().sum() / 2))


def _numbers(body, names: list, roles: dict) -> dict:
    """``name -> values`` of the used columns (``roles``: name -> ``"feature"``, ``"target"`` or
    ``"weights"``), or one :class:`CLIError` that names every column with text in it and what to pass."""
    columns, bad = {}, {}
    for name, role in roles.items():
        columns[name], problem = _to_number(body[names.index(name)])
        if problem is not None:
            bad[name] = problem
    if not bad:
        return columns

    def where(name):
        row, cell, text = bad[name]
        return f"{'holds text' if text else 'has a cell that is not a number'} (row {row}: {cell!r})"

    other = [n for n in bad if roles[n] != "feature"]
    if other:
        name = other[0]
        fix = f"a numeric {roles[name]} column is needed" if bad[name][2] else "fix the cell"
        raise CLIError(f"column '{name}' is not numeric: it {where(name)}; {fix}")
    if len(bad) == 1:
        name = next(iter(bad))
        fix = "leave it out" if bad[name][2] else "fix the cell, or leave the column out"
        raise CLIError(f"column '{name}' is not numeric: it {where(name)}; {fix} with --drop '{name}' "
                       "(or choose the features with --features)")
    listed = "; ".join(f"'{n}' {where(n)}" for n in bad)
    raise CLIError(f"{len(bad)} columns are not numeric: {listed}; leave them out with --drop '{','.join(bad)}' "
                   "(or choose the features with --features)")


def _column_list(text: str | None, option: str, names: list, path: Path) -> list:
    """The column names of ``--features`` / ``--drop`` (comma-separated), each checked against ``names``."""
    if text is None:
        return []
    wanted = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    unknown = [c for c in wanted if c not in names]
    if unknown:
        raise CLIError(f"{option}: no column {', '.join(repr(c) for c in unknown)} in {path.name}; "
                       f"columns are: {', '.join(names)}")
    return wanted


def _leave_out_missing(columns: dict, drop_missing: bool, notes: list) -> dict:
    """``columns`` (name -> values, NaN where a cell is missing) without the rows that miss a cell, when
    ``drop_missing`` (a note counts them); otherwise a :class:`CLIError` that names every column with a
    missing cell (an empty column as empty: ``--drop`` it)."""
    missing = {n: np.isnan(v) for n, v in columns.items()}
    rows = np.any(np.column_stack(list(missing.values())), axis=1)
    if not rows.any():
        return columns
    empty = [n for n, m in missing.items() if m.all()]
    if empty:
        raise CLIError(f"column '{empty[0]}' is empty (no number in any row); leave it out with --drop '{empty[0]}'")
    counts = {n: int(m.sum()) for n, m in missing.items() if m.any()}
    if not drop_missing:
        if len(counts) == 1:
            name, count = next(iter(counts.items()))
            what = (f"column '{name}' has {count} missing value{'' if count == 1 else 's'}, first at row "
                    f"{int(missing[name].argmax())}")
        else:
            what = f"{len(counts)} columns have missing values ({', '.join(f'{n}: {c}' for n, c in counts.items())})"
        raise CLIError(f"{what}; {int(rows.sum())} of {len(rows)} rows miss a value: leave them out with "
                       "--drop-missing")
    notes.append(f"rows: left out {int(rows.sum())} of {len(rows)} with a missing value "
                 f"({', '.join(f'{n}: {c}' for n, c in counts.items())})")
    return {n: v[~rows] for n, v in columns.items()}


def read_table(path: Path, target: str | None = None, sep: str | None = None, weights: str | None = None,
               features: str | None = None, drop: str | None = None, drop_missing: bool = False) -> Table:
    """Read ``path`` (header row, then one row per sample) into a :class:`Table`.

    ``sep`` is a delimiter from :func:`parse_sep` (``None``: sniffed among ``,`` ``;`` tab ``|`` and
    whitespace). ``target`` defaults to the last column (a note says so). ``weights`` names a column
    of per-row weights (not a feature; finite and >= 0). ``features`` (comma-separated names) are the
    feature columns, by default every other column but those of ``drop`` (comma-separated); columns
    not used are not read as numbers. ``drop_missing``: leave out the rows with a missing cell in a
    used column (a note counts them) rather than refuse the table. Bad input raises :class:`CLIError`.
    """
    import pandas as pd

    path = Path(path)
    text = _text_of(path)
    sniffed = sep is None
    sep = _sniff(text) if sniffed else sep
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=True)
    except Exception as exc:  # pandas raises many types for malformed files
        raise CLIError(f"cannot read {path.name} as a table ({_SEP_WORDS.get(sep, sep)}-separated): "
                       f"{str(exc).splitlines()[0]}") from None
    names = [str(v).strip() if isinstance(v, str) else "" for v in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = range(len(names))
    notes = []
    while names and names[-1] == "" and body[len(names) - 1].replace("", np.nan).isna().all():
        body = body.drop(columns=len(names) - 1)  # a delimiter at the end of every line
        names.pop()
    empty = [i + 1 for i, n in enumerate(names) if n == ""]
    if empty:
        raise CLIError(f"column {empty[0]} of {path.name} has no name in the header row; name it or remove it")
    seen, dupes = set(), []
    for n in names:
        if n in seen and n not in dupes:
            dupes.append(n)
        seen.add(n)
    if dupes:
        raise CLIError(f"{path.name} has duplicate column names: {', '.join(repr(d) for d in dupes)}; rename them")
    if len(body) == 0:
        raise CLIError(f"{path.name} has a header row but no data rows")
    if len(names) < 2:
        how = f"; its delimiter was read as {_SEP_WORDS.get(sep, sep)}, pass --sep if that is wrong" if sniffed else ""
        raise CLIError(f"{path.name} has only one column ({names[0]!r}), so no feature columns besides a target{how}")
    if target is None:
        target = names[-1]
        notes.append(f"target: the last column '{target}' (pass --target to choose another)")
    if target not in names:
        how = f" (delimiter read as {_SEP_WORDS.get(sep, sep)}; pass --sep if that is wrong)" if sniffed else ""
        raise CLIError(f"target column '{target}' not in {path.name}; columns are: {', '.join(names)}{how}")
    if weights is not None and (weights not in names or weights == target):
        raise CLIError(f"weights column '{weights}' not in {path.name} (besides the target); columns are: {', '.join(names)}")
    chosen = _column_list(features, "--features", names, path)
    dropped = _column_list(drop, "--drop", names, path)
    if chosen and dropped:
        raise CLIError("give --features or --drop, not both")
    clash = [c for c in chosen + dropped if c in (target, weights)]
    if clash:
        raise CLIError(f"--features/--drop name the {'target' if clash[0] == target else 'weights'} column "
                       f"'{clash[0]}', which is never a feature")
    features = chosen or [n for n in names if n not in (target, weights) and n not in dropped]
    if not features:
        raise CLIError(f"{path.name} has no feature columns besides the target and the weights")
    roles = {**{n: "feature" for n in features}, target: "target", **({weights: "weights"} if weights else {})}
    columns = _leave_out_missing(_numbers(body, names, roles), drop_missing, notes)
    w = None
    if weights is not None:
        from keras_symbolic.symbolic.transform import DataError, check_sample_weight

        w = columns[weights]
        try:
            check_sample_weight(w, len(w))  # the estimators' one check of weights
        except DataError:
            raise CLIError(f"weights column '{weights}' must hold finite numbers >= 0, not all zero") from None
    X = np.column_stack([columns[n] for n in features])
    return Table(X=X, y=columns[target], names=features, target=target, sep=sep, notes=notes, weights=w)


def sample_rows(table: Table, seed: int, max_rows: int = MAX_ROWS) -> Table:
    """``table`` with at most ``max_rows`` rows, drawn uniformly with ``seed``; a note says so."""
    n = len(table.y)
    if n <= max_rows:
        return table
    keep = np.sort(np.random.default_rng(seed).choice(n, size=max_rows, replace=False))
    note = f"rows: {n} in the file; fitting on {max_rows} drawn at random (seed {seed}), enough for the method (LIES trains on about 10 000)"
    return Table(X=table.X[keep], y=table.y[keep], names=table.names, target=table.target, sep=table.sep,
                 notes=table.notes + [note], weights=None if table.weights is None else table.weights[keep])
