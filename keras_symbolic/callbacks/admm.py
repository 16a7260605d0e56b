"""ADMM dual updates as a Keras callback (LIES paper eq. 5-9; SPEC 1.4)."""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

__all__ = ["ADMMCallback", "soft_threshold"]


def soft_threshold(v: np.ndarray, threshold: float) -> np.ndarray:
    """Proximal operator of ``threshold * |.|_1`` (paper eq. 8): ``sign(v) * max(|v| - t, 0)``."""
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


class ADMMCallback(keras.callbacks.Callback):
    """Drives ADMM sparsity for a :class:`~keras_symbolic.models.regularized.SparseRegularizedModel`.

    At the start of training (one call of ``fit`` = one training phase) it sets the phase's
    ``rho``, ``lambda`` and L1 ``alpha`` on the model and resets ``Z = W``, ``U = 0``. After every
    ``update_every`` epochs (authors' code: every epoch) it performs the dual steps

        Z <- soft_threshold(W + U, lambda / rho),     U <- U + W - Z.

    The W-step (eq. 6) is ordinary gradient descent on the loss plus ``rho/2 ||W - Z + U||^2``, which
    the model adds in ``compute_loss``. The fraction of zeros of ``Z`` is logged as ``admm_zero_frac``.

    Naming trap: the paper's ``lambda`` (ADMM sparsity) is the authors' ``alpha``; the paper's ``alpha``
    (L1) is the authors' ``l1_lambda``. Here: ``lam`` and ``l1_alpha`` as in the paper.

    Args:
        rho: ADMM penalty ``rho`` (> 0).
        lam: ADMM sparsity weight ``lambda`` (>= 0).
        l1_alpha: L1 weight ``alpha`` (>= 0), or ``None`` to leave the model's value unchanged.
        reset: reset ``Z = W, U = 0`` at the start of ``fit``.
        update_every: epochs between dual updates.
    """

    def __init__(self, rho: float, lam: float, l1_alpha: float | None = None, reset: bool = True, update_every: int = 1):
        super().__init__()
        if not rho > 0:
            raise ValueError(f"`rho` must be > 0, got {rho!r}")
        if lam < 0 or (l1_alpha is not None and l1_alpha < 0):
            raise ValueError(f"`lam` and `l1_alpha` must be >= 0, got {lam!r}, {l1_alpha!r}")
        if int(update_every) < 1:
            raise ValueError(f"`update_every` must be >= 1, got {update_every!r}")
        self.rho, self.lam, self.l1_alpha = float(rho), float(lam), l1_alpha
        self.reset, self.update_every = bool(reset), int(update_every)

    def _check_model(self):
        if not hasattr(self.model, "admm_triplets"):
            raise TypeError(
                "ADMMCallback needs a model with ADMM state (a keras_symbolic SparseRegularizedModel such as "
                f"LIESNetwork); got {type(self.model).__name__}"
            )

    def on_train_begin(self, logs=None):
        self._check_model()
        self.model.admm_rho.assign(self.rho)
        self.model.admm_lambda.assign(self.lam)
        if self.l1_alpha is not None:
            self.model.l1_alpha.assign(float(self.l1_alpha))
        if self.reset:
            for w, m, z, u in self.model.admm_triplets():
                z.assign(ops.convert_to_numpy(w) * ops.convert_to_numpy(m))
                u.assign(np.zeros(u.shape, dtype="float32"))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.update_every:
            return
        zeros = total = 0
        for w, m, z, u in self.model.admm_triplets():
            mask = ops.convert_to_numpy(m)
            w_eff = ops.convert_to_numpy(w) * mask
            u_old = ops.convert_to_numpy(u)
            z_new = soft_threshold(w_eff + u_old, self.lam / self.rho) * mask
            z.assign(z_new)
            u.assign(u_old + w_eff - z_new)
            zeros += int((z_new == 0).sum())
            total += z_new.size
        if logs is not None:
            logs["admm_zero_frac"] = zeros / max(total, 1)
