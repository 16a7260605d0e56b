"""MNIST for SymbolNet (SPEC 2.4): 784 inputs in [0, 1], 10 one-hot outputs.

Where the data comes from, first match wins:

1. ``path`` (an ``.npz`` in Keras's layout: ``x_train (60000, 28, 28) uint8``, ``y_train``,
   ``x_test``, ``y_test``);
2. the environment variable ``KERAS_SYMBOLIC_MNIST`` (same format);
3. the project's shared copy, ``../shared/data/mnist/mnist.npz`` beside the repository (or beside
   the current directory);
4. ``keras.datasets.mnist.load_data()`` (downloads once into ``~/.keras/datasets``; needs internet,
   which the project's own machines do not have). ``download=False`` forbids this step.

The shared copy's bytes differ from Keras's download, so Keras's hash check would reject it: it is
loaded by path, never handed to ``keras.datasets``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import numpy as np

from keras_symbolic.datasets.classification import ClassificationData, one_hot

__all__ = ["ENV_VAR", "mnist_path", "load_mnist", "read_mnist_npz"]

ENV_VAR = "KERAS_SYMBOLIC_MNIST"
_SHARED = Path("shared") / "data" / "mnist" / "mnist.npz"


def _candidates() -> list[Path]:
    repo = Path(__file__).resolve().parents[2]
    return [repo.parent / _SHARED, Path.cwd().parent / _SHARED, Path.cwd() / _SHARED]


def mnist_path(path: Optional[str | os.PathLike] = None) -> Optional[Path]:
    """The local ``.npz`` that :func:`load_mnist` would read, or ``None`` (then Keras downloads).

    Raises:
        FileNotFoundError: ``path`` or ``$KERAS_SYMBOLIC_MNIST`` names a missing file.
    """
    for given, what in ((path, "path"), (os.environ.get(ENV_VAR) or None, f"${ENV_VAR}")):
        if given is not None:
            given = Path(given).expanduser()
            if not given.is_file():
                raise FileNotFoundError(f"MNIST file {given} (from {what}) does not exist")
            return given
    for candidate in _candidates():
        if candidate.is_file():
            return candidate
    return None


def read_mnist_npz(path: str | os.PathLike):
    """``(x_train, y_train, x_test, y_test)`` arrays from a Keras-layout ``.npz``."""
    with np.load(path) as data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(f"{path} is not a Keras-layout MNIST file: missing {sorted(missing)}")
        return tuple(np.asarray(data[k]) for k in ("x_train", "y_train", "x_test", "y_test"))


def _prepare(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    scale = 255.0 if x.dtype == np.uint8 or x.max(initial=0) > 1.0 else 1.0
    return (x.reshape(len(x), -1) / scale).astype("float32")


def load_mnist(path: Optional[str | os.PathLike] = None, download: bool = True) -> ClassificationData:
    """MNIST as SymbolNet uses it: images flattened to 784 columns ``x0 .. x783`` scaled to [0, 1]
    (pixel / 255), one-hot labels over the 10 digits.

    Args:
        path: a Keras-layout ``.npz`` (see the module docstring for the search order).
        download: allow ``keras.datasets.mnist.load_data()`` when no local file is found.

    Returns:
        :class:`~keras_symbolic.datasets.classification.ClassificationData` with
        ``x_train (60000, 784)``, ``y_train (60000, 10)``, ``x_test (10000, 784)``, ``y_test (10000, 10)``.
    """
    local = mnist_path(path)
    if local is not None:
        x_train, y_train, x_test, y_test = read_mnist_npz(local)
        source = str(local)
    elif download:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        source = "keras.datasets.mnist"
    else:
        raise FileNotFoundError(f"no local MNIST file (give a path or set ${ENV_VAR}) and download=False")
    return ClassificationData(
        "mnist", _prepare(x_train), one_hot(y_train, 10), _prepare(x_test), one_hot(y_test, 10),
        classes=[str(d) for d in range(10)], source=source,
    )
