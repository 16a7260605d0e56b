#!/usr/bin/env bash
# Everything the test suite needs, idempotent: the package with its test, jax, bench and fpga extras,
# then the compressed-NN baselines' legacy Keras stack (the `baselines` extra) for
# tests/test_baseline_qp.py. tf_keras and tensorflow-model-optimization are installed without their
# dependencies: tf_keras declares `tensorflow`, which pip would install on top of tensorflow-cpu
# (same module, other build); their remaining dependencies are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
python -m pip install -q -e ".[test,jax,bench,fpga]"
python -m pip install -q --no-deps "tf_keras>=2.21,<2.22" "tensorflow-model-optimization>=0.8.1,<0.9" "qkeras==0.9.0"
python -m pip install -q "pyparsing>=3" "dm-tree>=0.1.8" "six" "networkx>=2.1" "pyparser" "keras-tuner>=1.0.1"
