"""Data for the baselines, prepared in the parent process (Keras 3 side) and handed to the legacy
child as one ``.npz``: ``X_train``, ``y_train``, ``X_test``, ``y_test`` (integer labels ``(n,)``),
``classes`` (names), and the image shape for the CNNs.

* ``mnist``: :func:`keras_symbolic.datasets.mnist.load_mnist` when that module is present, else the
  Keras-layout ``.npz`` read directly (``--data``, ``$KERAS_SYMBOLIC_MNIST`` or the shared copy);
  never downloaded here. Images ``(28, 28, 1)`` in ``[0, 1]``.
* ``lhc``: ``keras_symbolic.datasets.lhc.load_lhc_jets`` (16 standardised features, 5 classes).
* ``svhn``: ``keras_symbolic.datasets.svhn.load_svhn_1_vs_7`` (images ``(32, 32, 3)``, 2 classes).
* any name with ``--data FILE.npz`` holding the four arrays above (2-D ``X`` for a DNN, 4-D for a CNN).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import numpy as np

__all__ = ["DATASETS", "IMAGE_SHAPES", "BaselineDataError", "load_baseline_data", "save_for_child"]

DATASETS = ("mnist", "lhc", "svhn")
IMAGE_SHAPES = {"mnist": (28, 28, 1), "svhn": (32, 32, 3)}


class BaselineDataError(ValueError):
    """The data set cannot be loaded here (one line for the user)."""


def _labels(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1).astype(np.int64)
    return y.reshape(len(y)).round().astype(np.int64)


def _shared_mnist() -> Optional[Path]:
    env = os.environ.get("KERAS_SYMBOLIC_MNIST")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    for c in (repo.parent / "shared" / "data" / "mnist" / "mnist.npz", Path.cwd().parent / "shared" / "data" / "mnist" / "mnist.npz"):
        if c.is_file():
            return c
    return None


def _mnist(path: Optional[Path]):
    try:
        from keras_symbolic.datasets.mnist import load_mnist
    except ImportError:
        load_mnist = None
    if load_mnist is not None:
        try:
            d = load_mnist(path, download=False)
        except (FileNotFoundError, ValueError, OSError) as exc:
            raise BaselineDataError(f"MNIST: {exc}") from None
        return d.x_train, _labels(d.y_train), d.x_test, _labels(d.y_test), [str(c) for c in d.classes]
    path = path or _shared_mnist()
    if path is None or not Path(path).is_file():
        raise BaselineDataError("MNIST: no local mnist.npz (give --data PATH or set KERAS_SYMBOLIC_MNIST)")
    with np.load(path) as z:
        xtr, ytr, xte, yte = (np.asarray(z[k]) for k in ("x_train", "y_train", "x_test", "y_test"))
    scale = lambda x: (x.reshape(len(x), -1) / 255.0).astype("float32")  # noqa: E731
    return scale(xtr), ytr.astype(np.int64), scale(xte), yte.astype(np.int64), [str(i) for i in range(10)]


def _from_loader(name: str, path: Optional[Path]):
    try:
        if name == "lhc":
            from keras_symbolic.datasets.lhc import load_lhc_jets as loader
        else:
            from keras_symbolic.datasets.svhn import load_svhn_1_vs_7 as loader
    except ImportError:
        raise BaselineDataError(f"no {name} loader in this installation: give --data FILE.npz with X_train, y_train, "
                                "X_test, y_test") from None
    try:
        d = loader(path, download=False) if path is not None else loader(download=False)
    except TypeError:
        d = loader(path) if path is not None else loader()
    except Exception as exc:  # loaders raise FileNotFoundError, ValueError, network errors ...
        raise BaselineDataError(f"{name}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return d.x_train, _labels(d.y_train), d.x_test, _labels(d.y_test), [str(c) for c in d.classes]


def load_baseline_data(name: str, path: Optional[Path] = None):
    """``(X_train, y_train, X_test, y_test, classes, image_shape)`` for data set ``name``.

    ``X`` are float32 ``(n, features)``; ``image_shape`` is ``None`` for a DNN (LHC) or the CNN's
    ``(H, W, C)``. A ``path`` ending in ``.npz`` with ``X_train`` is read as it is.
    """
    if path is not None and Path(path).suffix == ".npz":
        with np.load(path) as z:
            if "X_train" in z.files:
                Xtr, Xte = np.asarray(z["X_train"], np.float32), np.asarray(z["X_test"], np.float32)
                shape = tuple(Xtr.shape[1:]) if Xtr.ndim == 4 else None
                classes = [str(c) for c in z["classes"]] if "classes" in z.files else None
                ytr, yte = _labels(z["y_train"]), _labels(z["y_test"])
                classes = classes or [str(c) for c in range(int(max(ytr.max(), yte.max())) + 1)]
                return (Xtr.reshape(len(Xtr), -1), ytr, Xte.reshape(len(Xte), -1), yte, classes, shape)
    if name == "mnist":
        parts = _mnist(path)
    elif name in ("lhc", "svhn"):
        parts = _from_loader(name, path)
    else:
        raise BaselineDataError(f"unknown data set '{name}' (choices: {', '.join(DATASETS)}, or --data FILE.npz)")
    return (*parts, IMAGE_SHAPES.get(name))


def save_for_child(path: Path, X_train, y_train, X_test, y_test, classes, image_shape) -> Path:
    """Write the arrays the legacy child reads."""
    np.savez(path, X_train=np.asarray(X_train, np.float32), y_train=np.asarray(y_train, np.int64),
             X_test=np.asarray(X_test, np.float32), y_test=np.asarray(y_test, np.int64),
             classes=np.asarray([str(c) for c in classes]),
             image_shape=np.asarray(image_shape if image_shape else [], dtype=np.int64))
    return path
