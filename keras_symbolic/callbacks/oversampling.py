"""Oversampling of badly fitted regions as a Keras callback (LIES paper Algorithm 1; SPEC 1.6).

Every ``every`` epochs the scheduler scores the model on the cell grid of
:class:`~keras_symbolic.callbacks.cell_grid.CellGrid` (``k`` equal-width bins per input, lowered
until a cell holds ``min_rows_per_cell`` rows on average) laid over the training rows ``X (N, n)``::

    e_c = 1 - R^2 of the model on the rows of cell c        (cells with < 5 rows skipped)
    E   = mean_c e_c                                         (mean cell error)

Check 0 records ``E_0``. Each later check ``t`` compares with the last accepted value: if
``E_t < E_{t-1}`` the round is accepted, otherwise the weights and rows from before the round are
restored and the algorithm ends. While it runs (at most ``max_iter`` rounds), each check then adds
``round(fraction N)`` rows inside the worst cell ``argmax_c e_c``: drawn by ``sampler`` when one is
given, else re-sampled with replacement from the rows in that cell (a re-weighting of the region).

The rows live in a :class:`~keras_symbolic.callbacks.row_dataset.RowDataset` that ``fit`` trains on.
The grid may live in another space than the model (the LIES pipeline: data space vs log space):
``encode(X, y) -> (Z, Y)`` maps grid rows to model rows and ``decode(y_pred) -> y`` maps model
outputs back; both default to the identity.

Logged every epoch (so in ``History``): ``oversampled_rows`` (rows added and kept or on trial) and
``mean_cell_error`` (last measured ``E``; NaN before check 0). The full record of each check (cell,
box, error, source, accepted) is :attr:`OversamplingScheduler.log`.
"""
from __future__ import annotations

from typing import Callable, Optional

import keras
import numpy as np

from keras_symbolic.callbacks.cell_grid import CellGrid, Sampler, oversample_rows
from keras_symbolic.callbacks.row_dataset import RowDataset

__all__ = ["OversamplingScheduler"]


def _identity_encode(X, y):
    return X, y


@keras.saving.register_keras_serializable(package="keras_symbolic")
class OversamplingScheduler(keras.callbacks.Callback):
    """Algorithm 1 of the LIES paper in any ``model.fit`` (see the module docstring for the maths).

    Usage::

        data = RowDataset(x, y, batch_size=64)
        scheduler = OversamplingScheduler(data, every=10)
        model.fit(data, epochs=50, callbacks=[scheduler])

    Args:
        dataset: the :class:`RowDataset` that ``fit`` trains on (rows are added to it), or a tuple
            ``(x, y)`` of arrays, wrapped as ``RowDataset(x, y, batch_size)`` (``scheduler.dataset``).
        every: epochs between checks (the length of one retraining round).
        rows: training rows ``(X (N, n), y (N,))`` in the grid's space (default: the dataset's rows;
            required with ``encode``). The grid is laid over them, the cell errors are measured on
            them, and without a sampler the worst cell's rows are re-sampled from them (with the
            rows added so far).
        sampler: ``sampler(n, low, high, rng) -> (X (n, d), y (n,))`` drawing new points inside
            the box ``[low, high]`` (grid space), e.g. from a known equation.
        encode: ``encode(X, y) -> (Z, Y)`` grid rows to model rows; a ``ValueError`` rejects the
            new points and ends the algorithm.
        decode: ``decode(y_pred (N,)) -> y (N,)`` model outputs to the grid's target space.
        bins, fraction, max_iter, min_rows_per_cell: Algorithm 1 settings (paper: 8, 0.3, 2).
        batch_size: batch size when ``dataset`` is a tuple of arrays.
        seed: int or ``numpy.random.Generator`` for the new points.
        stop_training: end ``fit`` when the algorithm ends (default: keep training on the kept rows).

    Attributes:
        log: one dict per check (``iteration``, ``mean_cell_error``, ``cell``, ``low``, ``high``,
            ``error``, ``source``, ``accepted``, ``reason``).
        finished: whether the algorithm has ended.
        iteration: the current round (0 before the first addition).
    """

    def __init__(
        self,
        dataset,
        every: int = 10,
        rows: Optional[tuple] = None,
        sampler: Optional[Sampler] = None,
        encode: Optional[Callable] = None,
        decode: Optional[Callable] = None,
        bins: int = 8,
        fraction: float = 0.3,
        max_iter: int = 2,
        min_rows_per_cell: int = 30,
        batch_size: int = 32,
        seed=None,
        stop_training: bool = False,
    ):
        super().__init__()
        if isinstance(dataset, tuple) and len(dataset) == 2:
            dataset = RowDataset(dataset[0], dataset[1], batch_size=batch_size, seed=seed)
        if not isinstance(dataset, RowDataset):
            raise TypeError(
                "OversamplingScheduler adds rows to the data `fit` trains on, so it needs a "
                "keras_symbolic.callbacks.RowDataset (or a tuple (x, y) of arrays to wrap in one); "
                f"got {type(dataset).__name__}. Wrap your arrays: RowDataset(x, y, batch_size)."
            )
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"`every` must be a positive integer, got {every!r}.")
        if bins < 1 or max_iter < 0 or not 0 < fraction <= 10 or min_rows_per_cell < 2:
            raise ValueError(
                f"invalid Algorithm 1 settings: bins={bins!r}, fraction={fraction!r}, max_iter={max_iter!r}, "
                f"min_rows_per_cell={min_rows_per_cell!r}"
            )
        if rows is None and encode is not None:
            raise ValueError("`encode` maps grid rows to model rows, so `rows` (the grid-space rows) must be given.")
        self.dataset = dataset
        self.every = int(every)
        self.sampler = sampler
        self.encode = encode or _identity_encode
        self.decode = decode
        self.bins, self.fraction, self.max_iter = int(bins), float(fraction), int(max_iter)
        self.min_rows_per_cell = int(min_rows_per_cell)
        self.seed = seed
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.stop_training = bool(stop_training)
        X, y = (dataset.x, dataset.y) if rows is None else rows
        self._X, self._y = np.asarray(X), np.asarray(y).reshape(len(X))
        self._Z = dataset.x if rows is None else self.encode(self._X, self._y)[0]
        self.rows_X, self.rows_y = self._X, self._y
        self.grid = CellGrid(self._X, self.bins, self.min_rows_per_cell)
        self.log: list[dict] = []
        self.finished = self.max_iter == 0
        self.iteration = 0
        self._error = float("nan")
        self._errors = None
        self._pending = None
        self._served_at_begin = 0

    # ---------------------------------------------------------------------------------------------
    def mean_cell_error(self, model) -> tuple[float, np.ndarray]:
        """``(E, e (n_cells,))`` of ``model`` on the training rows (``E = inf`` when no cell scores)."""
        pred = np.asarray(model.predict(self._Z, batch_size=4096, verbose=0), dtype=np.float64)
        if pred.ndim != 2 or pred.shape[1] != 1:
            raise ValueError(f"OversamplingScheduler scores one output per row; the model gives shape {pred.shape}.")
        pred = pred[:, 0] if self.decode is None else self.decode(pred[:, 0])
        errors = self.grid.cell_errors(self._X, self._y, pred)
        return (float(np.nanmean(errors)) if np.isfinite(errors).any() else float("inf")), errors

    def _finish(self):
        self.finished = True
        if self.stop_training and self.model is not None:
            self.model.stop_training = True

    def _add_rows(self, model) -> None:
        """Round ``t + 1``: new rows in the worst cell (or the end of the algorithm)."""
        t = self.iteration + 1
        n_new = max(1, int(round(self.fraction * len(self._X))))
        X_new, y_new, info = oversample_rows(self.grid, self._errors, self.rows_X, self.rows_y, n_new, self.rng, self.sampler)
        if X_new is None:
            self.log.append({"iteration": t, **info, "accepted": False})
            return self._finish()
        y_new = y_new.reshape(len(X_new))
        try:
            Z_new, Y_new = self.encode(X_new, y_new)
        except ValueError as exc:
            self.log.append({"iteration": t, **info, "accepted": False, "reason": f"new points rejected: {exc}"})
            return self._finish()
        self.iteration = t
        self._pending = (info, model.get_weights(), len(self.rows_X))
        self.rows_X, self.rows_y = np.concatenate([self.rows_X, X_new]), np.concatenate([self.rows_y, y_new])
        data = self.dataset
        data.append(np.asarray(Z_new, data.x.dtype), np.asarray(Y_new, data.y.dtype).reshape((-1,) + data.y.shape[1:]))

    def check(self, model=None) -> None:
        """One check of Algorithm 1 now: measure, accept or undo the last round, add the next rows.

        Called every ``every`` epochs by :meth:`on_epoch_end`; a caller that trains in separate
        ``fit`` calls (the LIES pipeline) calls it once after the first phase.
        """
        model = model if model is not None else self.model
        if self.finished:
            return
        error, errors = self.mean_cell_error(model)
        if self._pending is None:
            self.log.append(
                {"iteration": 0, "mean_cell_error": error, "bins_per_axis": self.grid.bins, "cells": self.grid.n_cells}
            )
        else:
            info, weights, n_rows = self._pending
            self._pending = None
            accepted = error < self._error
            self.log.append({"iteration": self.iteration, **info, "mean_cell_error": error, "accepted": accepted})
            if not accepted:
                model.set_weights(weights)
                self.rows_X, self.rows_y = self.rows_X[:n_rows], self.rows_y[:n_rows]
                self.dataset.truncate(n_rows)
                return self._finish()
        self._error, self._errors = error, errors
        if self.iteration >= self.max_iter:
            return self._finish()
        self._add_rows(model)

    # ---------------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._served_at_begin = self.dataset.served

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        if (epoch + 1) % self.every == 0 and not self.finished:
            if not np.isfinite(logs.get("loss", 0.0)):
                self.log.append({"iteration": self.iteration, "accepted": False, "reason": "non-finite loss"})
                self._finish()
            else:
                self.check()
                more_epochs = epoch + 1 < self.params.get("epochs", epoch + 1) and not self.model.stop_training
                if self._pending is not None and more_epochs and self.dataset.served == self._served_at_begin:
                    raise RuntimeError(
                        "OversamplingScheduler added rows to its dataset, but this fit does not train on it: "
                        "pass `scheduler.dataset` (a RowDataset) to model.fit instead of arrays."
                    )
        logs["oversampled_rows"] = len(self.rows_X) - len(self._X)
        logs["mean_cell_error"] = self._error

    def get_config(self):
        """The settings (not the dataset nor the callables): ``from_config(dict(config, dataset=data))``."""
        seed = self.seed if isinstance(self.seed, (int, type(None))) else None
        return {
            "every": self.every, "bins": self.bins, "fraction": self.fraction, "max_iter": self.max_iter,
            "min_rows_per_cell": self.min_rows_per_cell, "batch_size": self.dataset.batch_size, "seed": seed,
            "stop_training": self.stop_training,
        }
