"""Reuse of a trained LIES network across runs (``run_lies(..., network_cache=...)``) through joblib.

The key is the data, the training settings (the :class:`LIESConfig` without
:data:`POST_TRAINING_FIELDS`), the Keras backend and version, and a digest of the package's training
code; the cached value is the plain-data :class:`~keras_symbolic.pipelines.lies_training.TrainedNetwork`.
"""
from __future__ import annotations

import time
from dataclasses import replace

from keras_symbolic.pipelines.lies_config import POST_TRAINING_FIELDS, LIESConfig
from keras_symbolic.pipelines.lies_training import new_network, split_data, train_network

__all__ = ["train_cached"]

#: :class:`LIESConfig` fields that act only after training (pruning for extraction, simplification,
#: selection). Runs that differ only in these can share one trained network (``network_cache``).
#: ``pruning_threshold``/``pruning_criterion``/``pruning_samples`` are not among them: the weak-phase
#: starts are scored with them.


#: The modules whose code decides what LIES training produces (see :func:`_training_code_digest`).
_TRAINING_CODE = (
    "layers/lies.py", "layers/masked.py", "models/lies.py", "models/regularized.py", "ops/lies_ops.py",
    "callbacks/admm.py", "losses.py", "pipelines/lies_cache.py", "pipelines/lies_config.py",
    "pipelines/lies_training.py", "pipelines/oversampling.py",
    "symbolic/transform.py", "symbolic/pruning.py", "symbolic/lies_numpy.py",
)


def _training_code_digest() -> str:
    """SHA-1 of the package's training code, so a cached network is never reused across code changes
    that could change it (joblib only watches the cached function's own source)."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted(root / name for name in _TRAINING_CODE)
    digest = hashlib.sha1()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _train_for_cache(X, y, names, training_settings, backend, code, keras_version, *, config, sampler, progress):
    """Train as :func:`~keras_symbolic.pipelines.lies.run_lies` would and return the plain-data result. The key is the data, the
    training settings (``config`` without :data:`POST_TRAINING_FIELDS`), backend, code and Keras
    version; ``config``, ``sampler`` and ``progress`` are not hashed."""
    del training_settings, backend, code, keras_version  # only the cache key
    _, trained = train_network(split_data(X, y, names, config), config, sampler, progress)
    return trained


def train_cached(network_cache, X, y, names, config: LIESConfig, sampler, progress):
    """``(model, TrainedNetwork, "hit" | "miss")`` through ``joblib.Memory`` (``network_cache``: a folder
    or a ``joblib.Memory``); the model is rebuilt from the cached weights."""
    import joblib
    import keras

    memory = network_cache if isinstance(network_cache, joblib.Memory) else joblib.Memory(str(network_cache), verbose=0)
    cached = memory.cache(_train_for_cache, ignore=["config", "sampler", "progress"])
    settings = {k: v for k, v in config.to_dict().items() if k not in POST_TRAINING_FIELDS}
    args = (X, y, list(names), settings, keras.backend.backend(), _training_code_digest(), keras.__version__)
    kwargs = dict(config=config, sampler=sampler, progress=progress)
    hit = cached.check_call_in_cache(*args, **kwargs)
    t0 = time.perf_counter()
    trained = cached(*args, **kwargs)
    # Rebuilt on a miss too, so both give the same kind of model (a released ensemble member is not).
    model = new_network(X.shape[1], config.seed, config)
    model.set_weights(trained.weights)
    if hit:
        trained = replace(trained, load_seconds=time.perf_counter() - t0)
        progress.message("trained network reused from the cache")
    return model, trained, "hit" if hit else "miss"
