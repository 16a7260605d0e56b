"""What the two symbolic networks (SymbolNet, EQL) share: the checks of their constructor arguments,
the normalised hidden-layer specifications, and the error term ``L_err``.

``L_err`` is the compiled loss when ``compile`` got one; otherwise ``error_loss``: the MSE (mean over
outputs, or with ``error_reduction="sum"`` the sum, i.e. ``n_outputs`` times the mean) or a
cross-entropy on logits.
"""
from __future__ import annotations

from typing import Mapping

import keras
import numpy as np

__all__ = ["ERROR_LOSSES", "check_network_arguments", "normalize_hidden_layers", "error_loss_function", "ErrorLossMixin"]

ERROR_LOSSES = ("mse", "categorical_crossentropy", "binary_crossentropy")


def check_network_arguments(n_inputs, n_outputs, error_loss: str, error_reduction: str) -> None:
    """Raise ``ValueError`` with a precise message for a bad size, error loss or reduction."""
    for value, name in ((n_inputs, "n_inputs"), (n_outputs, "n_outputs")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
    if error_loss not in ERROR_LOSSES:
        raise ValueError(f"`error_loss` must be one of {ERROR_LOSSES}, got {error_loss!r}.")
    if error_reduction not in ("mean", "sum"):
        raise ValueError(f"`error_reduction` must be 'mean' or 'sum', got {error_reduction!r}.")


def normalize_hidden_layers(hidden_layers, allowed: set, layer_class: str) -> list[dict]:
    """``hidden_layers`` (a dict, or a list of dicts of ``layer_class`` arguments; ``None``: none) as
    a list of dicts with operator names as lists; unknown keys or a missing ``num_unary`` raise."""
    if hidden_layers is None:
        return []
    if isinstance(hidden_layers, Mapping):
        hidden_layers = [hidden_layers]
    out = []
    for i, spec in enumerate(hidden_layers):
        if not isinstance(spec, Mapping):
            raise ValueError(f"hidden_layers[{i}] must be a dict of {layer_class} arguments "
                             f"({', '.join(sorted(allowed))}), got {spec!r}.")
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"hidden_layers[{i}] has unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}.")
        if "num_unary" not in spec:
            raise ValueError(f"hidden_layers[{i}] needs 'num_unary'.")
        spec = dict(spec)
        for key in ("unary_operators", "binary_operators"):
            if key in spec:
                spec[key] = [spec[key]] if isinstance(spec[key], str) else list(spec[key])
        out.append(spec)
    return out


def error_loss_function(error_loss: str) -> keras.losses.Loss:
    """The Keras loss of ``error_loss`` (one of :data:`ERROR_LOSSES`; cross-entropies on logits)."""
    return {
        "mse": keras.losses.MeanSquaredError,
        "categorical_crossentropy": lambda: keras.losses.CategoricalCrossentropy(from_logits=True),
        "binary_crossentropy": lambda: keras.losses.BinaryCrossentropy(from_logits=True),
    }[error_loss]()


class ErrorLossMixin:
    """``compute_error_loss`` for a ``keras.Model`` whose constructor sets ``error_loss``,
    ``error_reduction``, ``n_outputs`` and ``_error_fn = error_loss_function(error_loss)``."""

    def compute_error_loss(self, y, y_pred, sample_weight=None):
        """``L_err`` (the compiled loss if ``compile`` got one, else ``error_loss``)."""
        if self._compile_loss is not None:
            return self._compile_loss(y, y_pred, sample_weight)
        loss = self._error_fn(y, y_pred, sample_weight=sample_weight)
        if self.error_loss == "mse" and self.error_reduction == "sum":
            loss = loss * float(self.n_outputs)
        return loss
