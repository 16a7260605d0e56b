"""Compressed-NN baselines for the FPGA comparison (SPEC 3, SymbolNet paper Table IV).

QKeras 6-bit quantisation-aware training plus TensorFlow Model Optimization pruning to about 90 %,
converted with hls4ml and C-simulated. QKeras and TFMOT need legacy Keras 2 (``tf_keras``), which
must be selected (``TF_USE_LEGACY_KERAS=1``) before TensorFlow is imported, so all of that runs in a
child process: :mod:`keras_symbolic.baselines._legacy_qp`, started by
:func:`keras_symbolic.baselines.launcher.run_qp_baseline` (``keras-symbolic baseline qp``). Nothing
in the core package imports tf_keras, qkeras or tensorflow_model_optimization.
"""
