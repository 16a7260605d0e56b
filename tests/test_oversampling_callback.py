"""OversamplingScheduler (LIES Algorithm 1 as a callback) in a user-built model's own ``fit``."""
import keras
import numpy as np
import pytest

from keras_symbolic.callbacks import OversamplingScheduler, RowDataset


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2)).astype("float32")
    y = (np.sin(3 * X[:, 0]) + X[:, 1] ** 2).astype("float32")[:, None]
    return X, y


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def test_row_dataset_serves_full_batches_and_grows():
    X, y = _data(100)
    data = RowDataset(X, y, batch_size=32, seed=0)
    assert len(data) == 4 and all(len(data[i][0]) == 32 for i in range(4))
    data.on_epoch_end()
    seen = np.concatenate([data[i][1] for i in range(4)])
    assert len(seen) == 128
    data.append(X[:10], y[:10])
    assert len(data.x) == 110 and len(data) == 4
    data.truncate(100)
    assert len(data.x) == 100
    with pytest.raises(ValueError):
        data.append(X[:3, :1], y[:3])


def test_misuse_errors():
    X, y = _data(100)
    with pytest.raises(TypeError, match="RowDataset"):
        OversamplingScheduler([X, y])
    with pytest.raises(ValueError, match="rows"):
        OversamplingScheduler((X, y), encode=lambda a, b: (a, b))
    model = _model()
    scheduler = OversamplingScheduler((X, y), every=1, min_rows_per_cell=10, seed=0)
    with pytest.raises(RuntimeError, match="scheduler.dataset"):  # trained on arrays it cannot grow
        model.fit(X, y, epochs=3, verbose=0, callbacks=[scheduler])


@pytest.mark.backend
def test_scheduler_in_user_fit_logs_and_saves(tmp_path):
    X, y = _data()
    model = _model()
    data = RowDataset(X, y, batch_size=32, seed=0)
    scheduler = OversamplingScheduler(data, every=2, max_iter=2, min_rows_per_cell=20, seed=0)
    hist = model.fit(data, epochs=6, verbose=0, callbacks=[scheduler])
    assert len(hist.history["oversampled_rows"]) == 6 and len(hist.history["mean_cell_error"]) == 6
    assert np.isnan(hist.history["mean_cell_error"][0]) and np.isfinite(hist.history["mean_cell_error"][1])
    log = scheduler.log
    assert log[0]["iteration"] == 0 and log[0]["cells"] == scheduler.grid.n_cells
    assert log[1]["iteration"] == 1 and log[1]["source"] == "resampled rows" and "accepted" in log[1]
    n_added = round(0.3 * len(X))
    kept = sum(1 for e in log[1:] if e.get("accepted"))
    on_trial = 0 if scheduler.finished else n_added
    assert len(data.x) == len(X) + kept * n_added + on_trial == len(X) + hist.history["oversampled_rows"][-1]
    path = tmp_path / "model.keras"
    model.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_array_equal(model.predict(X, verbose=0), again.predict(X, verbose=0))


@pytest.mark.backend
def test_rejected_round_restores_weights_and_rows():
    X, y = _data(300)
    model = _model()
    model.fit(X, y, epochs=3, verbose=0)

    def sampler(n, low, high, rng):  # points with a wrong target: training on them hurts
        Xs = rng.uniform(low, high, (n, 2)).astype("float32")
        return Xs, np.full((n, 1), 50.0, "float32")

    data = RowDataset(X, y, batch_size=32, seed=0)
    scheduler = OversamplingScheduler(data, every=2, sampler=sampler, min_rows_per_cell=20, seed=1, stop_training=True)
    scheduler.check(model)  # check 0 now; the first round then runs in fit
    before = [w.copy() for w in model.get_weights()]
    hist = model.fit(data, epochs=10, verbose=0, callbacks=[scheduler])
    assert scheduler.finished and scheduler.log[1]["source"] == "sampler" and scheduler.log[1]["accepted"] is False
    assert len(hist.history["loss"]) == 2  # stop_training ends fit with the algorithm
    assert len(data.x) == len(X)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
