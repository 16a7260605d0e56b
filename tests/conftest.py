"""Test configuration: TensorFlow is the default backend; CI reruns ``-m backend`` under JAX."""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (present on developer machines and in CI)."""
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    return SHARED
