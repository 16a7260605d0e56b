#!/usr/bin/env bash
# The test suite: everything under TensorFlow (the default backend), then the layer/model tests
# marked `backend` again under JAX. Long reproduction runs are marked `slow` and left out here;
# run them with: python -m pytest -m slow
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3
# First run on a machine set up with the README's install command: add the FPGA and legacy-Keras
# test dependencies (hls4ml, QKeras, TFMOT, nbclient) so that no test is skipped for lack of them.
# The package itself must be installed too (checked from outside the checkout): the bench runs,
# the legacy-Keras baseline and the notebook import it in processes of their own.
if ! python -c "import hls4ml, qkeras, tensorflow_model_optimization, tf_keras, nbclient, importlinter" >/dev/null 2>&1 \
        || ! (cd / && python -c "import keras_symbolic") >/dev/null 2>&1; then
    echo "installing the test extras (scripts/install_test_extras.sh) ..."
    bash scripts/install_test_extras.sh
fi
KERAS_BACKEND=tensorflow python -m pytest -q -m "not slow" "$@"
KERAS_BACKEND=jax python -m pytest -q -m "backend and not slow" "$@"
