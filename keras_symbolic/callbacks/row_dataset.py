"""A ``keras.utils.PyDataset`` over in-memory arrays that can grow while ``fit`` runs.

:class:`~keras_symbolic.callbacks.oversampling.OversamplingScheduler` adds rows to it between epochs.
Keras fixes the number of steps of an epoch when ``fit`` starts, and the TensorFlow backend fixes the
batch shape from the first batches, so the dataset serves rows as a *stream*: batch ``i`` of an epoch
holds the next ``batch_size`` row indices of a sequence of shuffled passes over all current rows::

    stream = perm_1(rows) ++ perm_2(rows) ++ ...          (perm = identity when shuffle=False)
    batch i of epoch e = stream[o_e + i B : o_e + (i + 1) B],    o_{e+1} = o_e + steps B

Every batch has ``B = batch_size`` rows (so no retracing), and over the epochs every row is served
(about) equally often; after rows are added (or removed) the not-yet-served part of the stream is redrawn
over the new rows, from the next epoch on. An epoch is ``steps = ceil(rows / B)`` batches, counted
when ``fit`` starts, so after rows are added an epoch covers the first ``steps B`` of the stream.
"""
from __future__ import annotations

import math

import keras
import numpy as np

__all__ = ["RowDataset"]


class RowDataset(keras.utils.PyDataset):
    """Arrays ``x (N, ...)``, ``y (N, ...)`` served in batches of ``batch_size`` rows; rows can be
    appended and removed between epochs (see the module docstring).

    Args:
        x: inputs, shape ``(N, ...)``.
        y: targets, shape ``(N, ...)``.
        batch_size: rows per batch (every batch is full).
        shuffle: serve each pass over the rows in a new random order.
        seed: seed of the shuffling (int or ``numpy.random.Generator``).
        **kwargs: ``keras.utils.PyDataset`` arguments (``workers``, ...).

    Attributes:
        served: number of batches read so far (lets a callback check that ``fit`` reads this dataset).
    """

    def __init__(self, x, y, batch_size: int = 32, shuffle: bool = True, seed=None, **kwargs):
        super().__init__(**kwargs)
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim < 1 or len(x) != len(y) or len(x) == 0:
            raise ValueError(f"x and y need the same, non-zero number of rows; got shapes {x.shape} and {y.shape}.")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer, got {batch_size!r}.")
        self.x, self.y = x, y
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.served = 0
        self._epoch_stop = 0
        self._stream = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def _extend(self, needed: int) -> None:
        passes = [self._stream]
        total = len(self._stream)
        while total < needed:
            order = self.rng.permutation(len(self.x)) if self.shuffle else np.arange(len(self.x))
            passes.append(order)
            total += len(order)
        self._stream = np.concatenate(passes)

    def __getitem__(self, index: int):
        stop = (int(index) + 1) * self.batch_size
        if stop > len(self._stream):
            self._extend(stop)
        rows = self._stream[stop - self.batch_size : stop]
        self.served += 1
        self._epoch_stop = max(self._epoch_stop, stop)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self) -> None:
        """Drop the served part of the stream: the next epoch starts where this one ended."""
        self._stream = self._stream[self._epoch_stop :]
        self._epoch_stop = 0

    # ---------------------------------------------------------------------------------------------
    def _restart_stream(self) -> None:
        self._stream = np.zeros(0, dtype=np.int64)
        self._epoch_stop = 0

    def append(self, x, y) -> None:
        """Add rows (served from the next epoch on)."""
        x, y = np.asarray(x), np.asarray(y)
        if len(x) != len(y) or x.shape[1:] != self.x.shape[1:] or y.shape[1:] != self.y.shape[1:]:
            raise ValueError(f"new rows of shapes {x.shape}, {y.shape} do not match {self.x.shape}, {self.y.shape}.")
        self.x, self.y = np.concatenate([self.x, x]), np.concatenate([self.y, y])
        self._restart_stream()

    def truncate(self, n_rows: int) -> None:
        """Keep the first ``n_rows`` rows (undo appends)."""
        if not 0 < n_rows <= len(self.x):
            raise ValueError(f"cannot keep {n_rows} of {len(self.x)} rows.")
        self.x, self.y = self.x[:n_rows], self.y[:n_rows]
        self._restart_stream()
