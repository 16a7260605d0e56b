"""LIES Algorithm 1 in your own ``model.fit``: oversample the badly fitted region of the input box.

Every ``every`` epochs the ``OversamplingScheduler`` scores the model on a grid of cells, adds 30 %
more rows inside the worst cell (here from a sampler of the true function; without one it re-samples
that cell's rows) and keeps the round only if the mean cell error fell. What it did is in the
History (``oversampled_rows``, ``mean_cell_error``) and in ``scheduler.log``.

    python examples/oversampling_keras_api.py          # QUICK=1 for a smoke test
"""
import os

import keras
import numpy as np

from keras_symbolic.callbacks import OversamplingScheduler, RowDataset

quick = bool(os.environ.get("QUICK"))


def truth(X):
    return np.sin(8 * X[:, 0]) * (X[:, 0] > 0.5) + X[:, 1]  # a wiggle in one corner of [0, 1]^2


def sampler(n, low, high, rng):  # fresh points inside the worst cell's box
    X = rng.uniform(low, high, (n, 2)).astype("float32")
    return X, truth(X)


rng = np.random.default_rng(0)
X = rng.uniform(0, 1, (1_000 if quick else 5_000, 2)).astype("float32")
y = truth(X).astype("float32")[:, None]

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(32, activation="tanh"),
                          keras.layers.Dense(32, activation="tanh"), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")

data = RowDataset(X, y, batch_size=64, seed=0)  # a keras.utils.PyDataset the scheduler can grow
scheduler = OversamplingScheduler(data, every=3 if quick else 10, sampler=sampler, bins=4, seed=0)
history = model.fit(data, epochs=9 if quick else 40, verbose=0, callbacks=[scheduler])

print("rows added per epoch:", history.history["oversampled_rows"])
for entry in scheduler.log:
    print("check", entry["iteration"], {k: v for k, v in entry.items() if k in ("mean_cell_error", "cell", "accepted")})
