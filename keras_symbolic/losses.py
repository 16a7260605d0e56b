"""Losses."""
from __future__ import annotations

import keras
from keras import ops

__all__ = ["exp_abs_loss", "exp_abs_loss_sum"]


@keras.saving.register_keras_serializable(package="keras_symbolic")
def exp_abs_loss(y_true, y_pred):
    """LIES exponential loss (paper eq. 10), per sample: ``exp(|y_hat - y|)``.

    In log space ``|y_hat - y|`` is the log of the ratio of prediction and target, so the loss is an
    MAE-like penalty on the relative error. Shapes: ``(batch, 1)`` -> ``(batch,)``.
    """
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.exp(ops.abs(y_pred - y_true)), axis=-1)


@keras.saving.register_keras_serializable(package="keras_symbolic")
def exp_abs_loss_sum(y_true, y_pred):
    """Sum over the ``K`` prediction columns of :func:`exp_abs_loss`: ``sum_k exp(|y_hat_k - y|)``.

    For an ensemble of independent members (``y_pred`` of shape ``(batch, K)``, ``y_true`` of shape
    ``(batch, 1)``): after the batch mean it is the sum of the members' own losses.
    """
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.sum(ops.exp(ops.abs(y_pred - y_true)), axis=-1)
