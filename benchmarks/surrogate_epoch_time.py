"""Milliseconds per epoch of the decomposition's surrogate: its held-out loss by one direct model call
per epoch (``fit_surrogate``, as shipped) against ``model.fit(validation_data=...)`` (what it used
before 2026-12-07), on the same 800-row, 3-column table, interleaved.

    KERAS_BACKEND=tensorflow python benchmarks/surrogate_epoch_time.py
    KERAS_BACKEND=jax        python benchmarks/surrogate_epoch_time.py

Each round trains both for 150 epochs with early stopping off (a noise-free target, so patience is
never reached and both run every epoch); five rounds, then the medians and their ratio. The errors of
the two are printed too: the held-out loss is the same number either way, so they train alike.
"""
import statistics
import time

import keras
import numpy as np

from keras_symbolic.models.surrogate import fit_surrogate

EPOCHS, ROUNDS = 150, 5
rng = np.random.default_rng(0)
X = rng.uniform(0.1, 5, (800, 3))
y = X[:, 0] * X[:, 1] / (1 + X[:, 2])


def with_validation_data() -> tuple[float, int]:
    """The surrogate's training as it was: the same network, data and callbacks, with ``validation_data``."""
    order = np.random.default_rng(0).permutation(len(y))
    val, train = order[:120], order[120:]
    Z = ((X - X[train].mean(0)) / X[train].std(0)).astype("float32")
    t = ((y - y[train].mean()) / y[train].std()).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,))] + [keras.layers.Dense(u, activation="tanh")
                                                    for u in (128, 128, 64, 64)] + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse", steps_per_execution=16)
    callbacks = [keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=10, min_lr=1e-5),
                 keras.callbacks.EarlyStopping(patience=EPOCHS, restore_best_weights=True)]
    history = model.fit(Z[train], t[train], validation_data=(Z[val], t[val]), epochs=EPOCHS, batch_size=64,
                        verbose=0, callbacks=callbacks)
    return float(np.sqrt(min(history.history["val_loss"]))), len(history.history["loss"])


old, new = [], []
for round_ in range(ROUNDS):
    start = time.perf_counter()
    err_old, n_old = with_validation_data()
    old.append((time.perf_counter() - start) / n_old * 1000)
    start = time.perf_counter()
    surrogate = fit_surrogate(X, y, epochs=EPOCHS, max_seconds=1e9)
    new.append((time.perf_counter() - start) / surrogate.epochs * 1000)
    print(f"round {round_}: validation_data {old[-1]:.0f} ms/epoch ({n_old} epochs, held-out RMS {err_old:.4f} sd); "
          f"direct call {new[-1]:.0f} ms/epoch ({surrogate.epochs} epochs, relative error {surrogate.error:.4f})",
          flush=True)
print(f"{keras.backend.backend()}: median {statistics.median(old):.0f} -> {statistics.median(new):.0f} ms/epoch, "
      f"ratio {statistics.median(old) / statistics.median(new):.2f}")
