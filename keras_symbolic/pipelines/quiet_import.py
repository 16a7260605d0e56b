"""TensorFlow's start-up lines kept off the console.

TensorFlow's C++ start-up lines (absl's "All log messages before absl::InitializeLog() ...", oneDNN's
notice) ignore ``TF_CPP_MIN_LOG_LEVEL``, and Keras imports TensorFlow lazily (for its data adapters)
even under the JAX backend, in the middle of a fit. :func:`import_keras_quietly` imports both once,
up front, with file descriptor 2 silenced; later imports find them loaded and print nothing. The
command line and the estimators call it before any Keras work.
"""
from __future__ import annotations

import os
import sys

__all__ = ["import_keras_quietly"]


def import_keras_quietly() -> None:
    """Import Keras, and TensorFlow when installed, with stderr silenced at the descriptor level (C++
    writes there directly); a no-op once TensorFlow is loaded. An import error of Keras is re-raised
    with stderr back."""
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401

            try:
                import tensorflow  # noqa: F401
            except ImportError:
                pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)
