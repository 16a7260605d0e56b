"""The decomposition's surrogate (``models/surrogate.py``): its held-out loss drives early stopping and
the learning-rate schedule."""
import warnings

import numpy as np


def test_early_stopping_reads_the_held_out_loss_and_stops_on_noise():
    """On a target of pure noise the held-out loss stops improving within a few epochs: early stopping
    (patience 40) must see it and end training far before the epoch limit, with no warning that the
    monitored loss is missing; the reported error is the held-out one (about the noise's size)."""
    from keras_symbolic.models.surrogate import fit_surrogate

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 2))
    y = 1.0 + rng.normal(0, 0.5, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # Keras warns when a callback's monitored quantity is absent
        surrogate = fit_surrogate(X, y, seed=0, epochs=400)
    assert surrogate.epochs < 200, surrogate.epochs
    rms_noise = 0.5 / np.sqrt(1 + 0.25)  # RMS(noise) / RMS(y), y = 1 + N(0, 0.5)
    assert 0.5 * rms_noise < surrogate.error < 1.5 * rms_noise, surrogate.error
