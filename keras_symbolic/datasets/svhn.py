"""SVHN digits "1" vs "7" for SymbolNet (SPEC 2.4): 32x32x3 images in [0, 1] flattened to 3072
columns ``x0 .. x3071`` (height, width, channel order), one output: 0 for a "1", 1 for a "7".

Sources, first match wins:

1. ``cache_dir/svhn_1_vs_7.npz``: the filtered rows saved by an earlier call (a few MB instead of
   the 400 MB of the full files);
2. ``path`` (or ``$KERAS_SYMBOLIC_SVHN``): a folder with the official cropped-digit files
   ``train_32x32.mat`` and ``test_32x32.mat`` (``X (32, 32, 3, n) uint8``, ``y (n, 1)`` with labels
   1..10, 10 standing for the digit 0), read with ``scipy.io.loadmat``;
3. ``source="tfds"``: TensorFlow Datasets ``svhn_cropped`` (labels 0..9), with its own cache;
4. the official files downloaded with ``keras.utils.get_file`` into ``cache_dir`` (needs internet,
   which the project's machines do not have; ``download=False`` forbids it).

The project's machines have neither internet nor a copy of SVHN: the loader is tested on small
``.mat`` files of the official layout written with ``scipy.io.savemat``
(``tests/test_symbolnet_datasets.py``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import numpy as np

from keras_symbolic.datasets.classification import ClassificationData

__all__ = ["ENV_VAR", "URLS", "CACHE_NAME", "load_svhn_1_vs_7", "read_svhn_mat", "select_1_vs_7"]

ENV_VAR = "KERAS_SYMBOLIC_SVHN"
URLS = {
    "train": "http://ufldl.stanford.edu/housenumbers/train_32x32.mat",
    "test": "http://ufldl.stanford.edu/housenumbers/test_32x32.mat",
}
CACHE_NAME = "svhn_1_vs_7.npz"
DIGITS = (1, 7)


def default_cache_dir() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "svhn"


def read_svhn_mat(path: str | os.PathLike):
    """``(images (n, 32, 32, 3) uint8, digits (n,) int)`` from an official ``*_32x32.mat`` file
    (label 10 becomes the digit 0)."""
    from scipy.io import loadmat

    data = loadmat(os.fspath(path))
    X, y = np.asarray(data["X"]), np.asarray(data["y"]).astype(np.int64).ravel()
    if X.ndim != 4 or X.shape[:3] != (32, 32, 3) or X.shape[3] != len(y):
        raise ValueError(f"{path}: expected X of shape (32, 32, 3, n) and y (n, 1), got {X.shape} and {y.shape}")
    return np.moveaxis(X, -1, 0), np.where(y == 10, 0, y)


def select_1_vs_7(images: np.ndarray, digits: np.ndarray):
    """Rows showing a 1 or a 7: ``(x (m, 3072) float32 in [0, 1], y (m, 1) float32)``, 7 -> 1."""
    keep = np.isin(digits, DIGITS)
    x = images[keep].reshape(int(keep.sum()), -1).astype("float32") / 255.0
    y = (digits[keep] == DIGITS[1]).astype("float32")[:, None]
    return x, y


def _from_mat(folder: Path, download: bool, cache_dir: Path):
    arrays = {}
    for split, url in URLS.items():
        local = folder / f"{split}_32x32.mat" if folder is not None else None
        if local is None or not local.is_file():
            if not download:
                raise FileNotFoundError(f"SVHN file {split}_32x32.mat not found in {folder} and download=False")
            import keras

            local = Path(keras.utils.get_file(f"{split}_32x32.mat", url, cache_dir=str(cache_dir),
                                              cache_subdir="."))
        arrays[split] = select_1_vs_7(*read_svhn_mat(local))
    return arrays, str(folder) if folder is not None else "ufldl.stanford.edu (official .mat files)"


def _from_tfds(data_dir: Optional[str], download: bool):
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise ImportError("source='tfds' needs tensorflow-datasets: pip install 'keras-symbolic[datasets]'") from None
    arrays = {}
    for split in ("train", "test"):
        images, digits = tfds.as_numpy(tfds.load("svhn_cropped", split=split, batch_size=-1, as_supervised=True,
                                                 data_dir=data_dir, download=download))
        arrays[split] = select_1_vs_7(np.asarray(images), np.asarray(digits).astype(np.int64))
    return arrays, "tfds:svhn_cropped"


def load_svhn_1_vs_7(
    path: Optional[str | os.PathLike] = None,
    cache_dir: Optional[str | os.PathLike] = None,
    source: str = "auto",
    download: bool = True,
) -> ClassificationData:
    """SVHN "1" (label 0) vs "7" (label 1), as in the paper (see the module docstring for sources).

    Args:
        path: folder with ``train_32x32.mat`` and ``test_32x32.mat`` (default ``$KERAS_SYMBOLIC_SVHN``).
        cache_dir: where the filtered rows are cached (and the ``.mat`` files downloaded); default
            ``~/.keras/datasets/svhn``.
        source: ``"auto"`` (cache, then ``.mat`` files), ``"mat"`` or ``"tfds"``.
        download: allow a download when nothing local is found.

    Returns:
        ``ClassificationData`` with ``x (n, 3072)`` in [0, 1] and ``y (n, 1)`` in {0, 1}
        (about 13.9k train and 5.1k test rows for the full SVHN train/test files).
    """
    if source not in ("auto", "mat", "tfds"):
        raise ValueError(f"source must be 'auto', 'mat' or 'tfds', got {source!r}")
    cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    cache = cache_dir / CACHE_NAME
    if source == "auto" and cache.is_file():
        with np.load(cache) as data:
            arrays = {s: (data[f"x_{s}"], data[f"y_{s}"]) for s in ("train", "test")}
            origin = str(data["source"]) if "source" in data.files else str(cache)
    else:
        folder = path if path is not None else (os.environ.get(ENV_VAR) or None)
        if source == "tfds":
            arrays, origin = _from_tfds(None if path is None else os.fspath(path), download)
        else:
            arrays, origin = _from_mat(Path(folder).expanduser() if folder is not None else None, download, cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + ".tmp.npz")
        np.savez_compressed(tmp, source=np.array(origin), **{f"{k}_{s}": v for s, (x, y) in arrays.items()
                                                              for k, v in (("x", x), ("y", y))})
        os.replace(tmp, cache)
    (x_train, y_train), (x_test, y_test) = arrays["train"], arrays["test"]
    return ClassificationData("svhn", x_train.astype("float32"), y_train.astype("float32"),
                              x_test.astype("float32"), y_test.astype("float32"), classes=["1", "7"],
                              source=origin, notes={"cache": str(cache)})
