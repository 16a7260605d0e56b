"""LHC jet tagging (hls4ml) for SymbolNet (SPEC 2.4): 16 standardised features, 5 one-hot classes.

Source: OpenML ``hls4ml_lhc_jets_hlf`` (about 830k jets; 16 high-level features and the
``class`` column with values g, q, t, w, z), read with scikit-learn's ``fetch_openml``, which keeps a
cache under ``data_home`` (default ``~/scikit_learn_data``): after one download with internet, later
calls read the cache and need no network. Or a local table with the same columns:

* ``.csv`` / ``.csv.gz`` (pandas), ``.parquet`` (pandas + pyarrow), ``.arff`` (the format OpenML
  serves, read with ``scipy.io.arff``), or ``.npz`` with arrays ``X (n, 16)`` and ``y (n,)``
  (class names or integer labels);
* the class column is ``class`` (or the last column).

Preprocessing, as in the authors' code: classes encoded in sorted order (``LabelEncoder``: g, q, t,
w, z) and one-hot; a 50/50 ``train_test_split`` with ``random_state=42``; ``StandardScaler`` fitted on
the training half and applied to both; then the first 100k rows of each half (``n_train`` /
``n_test``).

The project's machines have no internet and no copy of this table: the loader is tested on small
tables of the same columns and formats (``tests/test_symbolnet_datasets.py``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from keras_symbolic.datasets.classification import ClassificationData, one_hot

__all__ = ["OPENML_NAME", "FEATURES", "ENV_VAR", "load_lhc_jets", "read_lhc_table", "prepare_lhc"]

OPENML_NAME = "hls4ml_lhc_jets_hlf"
ENV_VAR = "KERAS_SYMBOLIC_LHC"
FEATURES = (
    "zlogz", "c1_b0_mmdt", "c1_b1_mmdt", "c1_b2_mmdt", "c2_b1_mmdt", "c2_b2_mmdt", "d2_b1_mmdt",
    "d2_b2_mmdt", "d2_a1_b1_mmdt", "d2_a1_b2_mmdt", "m2_b1_mmdt", "m2_b2_mmdt", "n2_b1_mmdt",
    "n2_b2_mmdt", "mass_mmdt", "multiplicity",
)
TARGET = "class"


def _split_frame(frame: pd.DataFrame, where: str):
    column = TARGET if TARGET in frame.columns else frame.columns[-1]
    X = frame.drop(columns=[column])
    y = frame[column]
    if isinstance(y.dtype, pd.CategoricalDtype) or y.dtype == object:
        y = y.astype(str).str.strip().str.strip("'\"")
    if X.shape[1] != len(FEATURES):
        raise ValueError(f"{where}: expected {len(FEATURES)} feature columns and '{TARGET}', got {list(frame.columns)}")
    return X, y


def read_lhc_table(path: str | os.PathLike):
    """``(X DataFrame (n, 16), y Series)`` from a local table (see the module docstring for formats)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"LHC jets table {path} does not exist")
    name = path.name.lower()
    if name.endswith(".npz"):
        with np.load(path, allow_pickle=False) as data:
            X = pd.DataFrame(np.asarray(data["X"], dtype="float64"), columns=list(FEATURES))
            return X, pd.Series(np.asarray(data["y"]), name=TARGET)
    if name.endswith(".arff"):
        from scipy.io import arff

        records, _ = arff.loadarff(path)
        frame = pd.DataFrame(records)
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(lambda v: v.decode() if isinstance(v, bytes) else v)
        return _split_frame(frame, str(path))
    if name.endswith(".parquet"):
        return _split_frame(pd.read_parquet(path), str(path))
    if name.endswith((".csv", ".csv.gz")):
        return _split_frame(pd.read_csv(path), str(path))
    raise ValueError(f"{path}: unknown LHC table format (use .csv, .csv.gz, .parquet, .arff or .npz)")


def _fetch_openml(data_home: Optional[str | os.PathLike], download: bool):
    from sklearn.datasets import fetch_openml

    try:
        bunch = fetch_openml(OPENML_NAME, version=1, as_frame=True, data_home=data_home, parser="auto",
                             download_if_missing=download)
    except OSError as exc:
        raise OSError(f"cannot read OpenML '{OPENML_NAME}' from the cache under {data_home or '~/scikit_learn_data'} "
                      f"and cannot download it ({exc}); give a local table with path=...") from None
    y = bunch.target.astype(str)
    return bunch.data, y


def prepare_lhc(X, y, n_train: Optional[int] = 100_000, n_test: Optional[int] = 100_000, seed: int = 42):
    """The authors' preprocessing: label-encode + one-hot, 50/50 split (``seed``), standardise with
    the training half's statistics, keep the first ``n_train`` / ``n_test`` rows of each half.

    Returns:
        ``(x_train, y_train, x_test, y_test, classes)``; arrays float32, targets one-hot.
    """
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelEncoder, StandardScaler

    X = np.asarray(X, dtype="float64")
    encoder = LabelEncoder()
    labels = encoder.fit_transform(np.asarray(y).astype(str))
    classes = [str(c) for c in encoder.classes_]
    Y = one_hot(labels, len(classes))
    x_train, x_test, y_train, y_test = train_test_split(X, Y, test_size=0.5, random_state=seed)
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    x_train, y_train = x_train[:n_train], y_train[:n_train]
    x_test, y_test = x_test[:n_test], y_test[:n_test]
    return x_train.astype("float32"), y_train, x_test.astype("float32"), y_test, classes


def load_lhc_jets(
    path: Optional[str | os.PathLike] = None,
    data_home: Optional[str | os.PathLike] = None,
    n_train: Optional[int] = 100_000,
    n_test: Optional[int] = 100_000,
    seed: int = 42,
    download: bool = True,
) -> ClassificationData:
    """The LHC jet-tagging data, preprocessed as the authors did (see the module docstring).

    Args:
        path: a local table (``.csv``, ``.parquet``, ``.arff``, ``.npz``); default
            ``$KERAS_SYMBOLIC_LHC``, else OpenML through ``fetch_openml``.
        data_home: scikit-learn's cache folder for ``fetch_openml``.
        n_train, n_test: rows kept from each half (``None``: all, about 415k each).
        seed: ``random_state`` of the 50/50 split (authors: 42).
        download: let ``fetch_openml`` download when its cache is empty.

    Returns:
        ``ClassificationData`` with ``x (n, 16)`` standardised features and ``y (n, 5)`` one-hot
        targets over the classes ``g, q, t, w, z``.
    """
    path = path if path is not None else (os.environ.get(ENV_VAR) or None)
    if path is not None:
        X, y = read_lhc_table(path)
        source = str(path)
    else:
        X, y = _fetch_openml(data_home, download)
        source = f"openml:{OPENML_NAME}"
    names = [str(c) for c in X.columns] if hasattr(X, "columns") else list(FEATURES)
    x_train, y_train, x_test, y_test, classes = prepare_lhc(X, y, n_train, n_test, seed)
    return ClassificationData("lhc", x_train, y_train, x_test, y_test, classes, feature_names=names, source=source,
                              notes={"split_seed": seed})
