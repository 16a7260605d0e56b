"""JSON-able values: NumPy and SymPy scalars, arrays and non-finite floats made plain for ``json.dumps``."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["json_safe"]


def json_safe(value):
    """Convert NumPy/SymPy values (and non-finite floats) into JSON-serialisable ones."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)
