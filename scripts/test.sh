#!/usr/bin/env bash
# The test suite: everything under TensorFlow (the default backend), then the layer/model tests
# marked `backend` again under JAX. Long reproduction runs are marked `slow` and left out here;
# run them with: python -m pytest -m slow
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3
KERAS_BACKEND=tensorflow python -m pytest -q -m "not slow" "$@"
KERAS_BACKEND=jax python -m pytest -q -m "backend and not slow" "$@"
