"""A smooth neural surrogate of a table: a Keras MLP that the discovery engine asks structural questions
(which variables matter, separability, symmetries) at points that are not rows of the table.

``s(x) = mu_y + sigma_y * MLP((x - mu_x) / sigma_x)``, tanh hidden layers (smooth, so the tests on
pairs of points see the function, not kinks), trained with Adam on the squared error of the
standardised target, the learning rate halved on plateaus, the best weights on held-out rows kept, and
training stopped at a wall-clock budget. Its relative error on those held-out rows,
``error = RMS(s - y) / RMS(y)``, tells the tests how small a violation counts as zero.

Shapes: ``X (n_rows, n_variables)``, ``y (n_rows,)``; ``s(X)`` is ``(n_rows,)``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np

__all__ = ["Surrogate", "fit_surrogate"]


class _HeldOutLoss(keras.callbacks.Callback):
    """Write ``val_loss``, the mean squared error on the held-out rows, into each epoch's logs by one
    direct call of the model (listed first, so the callbacks after it read it). ``fit``'s own
    ``validation_data`` costs about 70 ms an epoch under TensorFlow (an evaluation loop is set up each
    time), more than the epoch's training on a small table."""

    def __init__(self, Z: np.ndarray, t: np.ndarray):
        super().__init__()
        self.Z, self.t = Z, t

    def on_epoch_end(self, epoch, logs=None):
        pred = keras.ops.convert_to_numpy(self.model(self.Z, training=False))[:, 0]
        if logs is not None:
            logs["val_loss"] = float(np.mean((pred.astype(np.float64) - self.t) ** 2))


class _TimeBudget(keras.callbacks.Callback):
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True


@dataclass
class Surrogate:
    """A trained surrogate: call it on ``X (n, d)`` for ``(n,)`` predictions in the table's units."""

    model: keras.Model
    x_mean: np.ndarray
    x_std: np.ndarray
    y_mean: float
    y_std: float
    error: float
    epochs: int
    seconds: float

    def __call__(self, X) -> np.ndarray:
        Z = ((np.asarray(X, dtype=np.float64) - self.x_mean) / self.x_std).astype("float32")
        # a direct call: the decomposition asks many small questions, and predict() costs a
        # data-adapter set-up per call (tens of milliseconds under TensorFlow)
        out = np.concatenate([keras.ops.convert_to_numpy(self.model(Z[i: i + 65536], training=False))[:, 0]
                              for i in range(0, max(len(Z), 1), 65536)]) if len(Z) else np.zeros(0)
        return self.y_mean + self.y_std * out.astype(np.float64)


def fit_surrogate(X, y, *, seed: int = 0, hidden=(128, 128, 64, 64), epochs: int = 2000, batch_size: int = 64,
                  learning_rate: float = 3e-3, max_seconds: float = 300.0, validation_fraction: float = 0.15) -> Surrogate:
    """Train a :class:`Surrogate` on ``X (n, d)``, ``y (n,)`` for at most ``epochs`` (early stopping may
    end it sooner); ``max_seconds`` of wall clock is a safety net only."""
    start = time.perf_counter()
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    n_val = max(1, int(validation_fraction * len(y)))
    val, train = order[:n_val], order[n_val:]
    x_mean, x_std = X[train].mean(axis=0), X[train].std(axis=0)
    x_std[x_std == 0] = 1.0
    y_mean, y_std = float(y[train].mean()), float(y[train].std()) or 1.0
    Z = ((X - x_mean) / x_std).astype("float32")
    t = ((y - y_mean) / y_std).astype("float32")
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((X.shape[1],))] + [keras.layers.Dense(u, activation="tanh") for u in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", steps_per_execution=16)
    history = model.fit(
        Z[train], t[train], epochs=epochs, batch_size=batch_size, verbose=0,
        callbacks=[_HeldOutLoss(Z[val], t[val].astype(np.float64)),
                   keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=10, min_lr=1e-5),
                   keras.callbacks.EarlyStopping(patience=40, restore_best_weights=True),
                   _TimeBudget(max_seconds)],
    )
    surrogate = Surrogate(model, x_mean, x_std, y_mean, y_std, float("nan"), len(history.history["loss"]), 0.0)
    pred = surrogate(X[val])
    surrogate.error = float(np.sqrt(np.mean((pred - y[val]) ** 2)) / max(np.sqrt(np.mean(y[val] ** 2)), 1e-300))
    surrogate.seconds = time.perf_counter() - start
    return surrogate
