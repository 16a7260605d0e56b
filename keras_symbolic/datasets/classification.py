"""The container every classification loader returns (MNIST, LHC jets, SVHN "1" vs "7")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

__all__ = ["ClassificationData", "one_hot"]


def one_hot(labels, n_classes: int) -> np.ndarray:
    """``(n,)`` integer labels -> ``(n, n_classes)`` float32 one-hot rows."""
    labels = np.asarray(labels).astype(np.int64).ravel()
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be in [0, {n_classes}), got range [{labels.min()}, {labels.max()}]")
    return np.eye(n_classes, dtype="float32")[labels]


@dataclass
class ClassificationData:
    """A train/test split ready for SymbolNet: float32 inputs and float32 targets.

    Attributes:
        name: data set name (``"mnist"``, ``"lhc"``, ``"svhn"``).
        x_train: ``(n_train, n_features)`` float32.
        y_train: ``(n_train, n_outputs)`` float32: one-hot rows, or ``(n_train, 1)`` 0/1 for a
            binary task with one output (SVHN).
        x_test, y_test: the same for the test rows.
        classes: the name of each class, in label order (``["0", ..., "9"]``, ``["g", "q", ...]``).
        feature_names: one name per input column (``None``: ``x0 .. x{d-1}``).
        source: where the rows came from (a path, ``"openml"``, ``"keras"``, ``"tfds"``).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: Sequence[str]
    feature_names: Optional[Sequence[str]] = None
    source: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.y_train.shape[1])

    @property
    def binary(self) -> bool:
        """One output column with 0/1 targets (e.g. SVHN "1" vs "7")."""
        return self.n_outputs == 1

    def labels(self, split: str = "test") -> np.ndarray:
        """Integer class label of each row of ``split`` (``"train"`` or ``"test"``)."""
        y = self.y_test if split == "test" else self.y_train
        return (y[:, 0] > 0.5).astype(np.int64) if self.binary else np.argmax(y, axis=1)

    def subset(self, n_train: Optional[int] = None, n_test: Optional[int] = None) -> "ClassificationData":
        """The first ``n_train`` training and ``n_test`` test rows (``None``: all), for quick runs."""
        def cut(a, n):
            return a if n is None else a[: int(n)]

        return ClassificationData(self.name, cut(self.x_train, n_train), cut(self.y_train, n_train),
                                  cut(self.x_test, n_test), cut(self.y_test, n_test), list(self.classes),
                                  self.feature_names, self.source, dict(self.notes))

    def describe(self) -> dict:
        """JSON-friendly summary (shapes, classes, source) for result records."""
        return {"name": self.name, "n_train": int(len(self.x_train)), "n_test": int(len(self.x_test)),
                "n_features": self.n_features, "n_outputs": self.n_outputs, "classes": list(self.classes),
                "source": self.source}
