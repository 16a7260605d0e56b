"""Milliseconds per training step of a LIES network, by dispatch strategy (overhead vs. arithmetic).

    KERAS_BACKEND=tensorflow python benchmarks/lies_step_time.py
    KERAS_BACKEND=jax        python benchmarks/lies_step_time.py

For each (jit_compile, steps_per_execution): one warm-up epoch (tracing/compilation), then 5 timed
epochs of 79 steps (10k rows, batch 128) of a 3-input LIES network with the ADMM callback.
"""
import time

import keras
import numpy as np

from keras_symbolic.callbacks import ADMMCallback
from keras_symbolic.losses import exp_abs_loss
from keras_symbolic.models import build_lies_network

X = np.random.default_rng(0).random((10000, 3)).astype("float32")
y = X.sum(1, keepdims=True)
for jit in (False, True):
    for spe in (1, 16, 79):
        model = build_lies_network(3, seed=0)
        model.compile(optimizer=keras.optimizers.RMSprop(1.5e-2, rho=0.99, epsilon=1e-8), loss=exp_abs_loss,
                      jit_compile=jit, steps_per_execution=spe)
        fit = dict(batch_size=128, verbose=0, shuffle=False, callbacks=[ADMMCallback(0.9, 5e-4, 0.05)])
        start = time.perf_counter()
        model.fit(X, y, epochs=1, **fit)
        warm = time.perf_counter() - start
        start = time.perf_counter()
        model.fit(X, y, epochs=5, **fit)
        per_step = (time.perf_counter() - start) / (5 * 79) * 1000
        print(f"{keras.backend.backend()} jit_compile={jit} steps_per_execution={spe}: "
              f"first epoch {warm:.2f} s, then {per_step:.2f} ms/step", flush=True)
