"""A Keras model base whose ``compute_loss`` adds the ADMM and L1 sparsity terms (LIES paper eq. 11-12).

For every prunable weight tensor ``W`` (with its pruning mask ``M``; the model uses ``W * M``) the model
keeps two non-trainable tensors of the same shape, the ADMM auxiliary ``Z`` and scaled dual ``U``, and
adds to the training loss

* ADMM: ``rho/2 * sum_W ||W*M - Z + U||_2^2`` (paper, default), or ``rho/2 * sum_W ||W*M - Z + U||_2``
  (authors' code, ``admm_norm="unsquared"``; written as ``sqrt(s + eps^2)`` so the gradient is finite at
  ``W == Z``, which happens on the first batch of every phase);
* L1: ``alpha * sum_W |W*M|``.

``rho``, ``lambda`` and ``alpha`` are non-trainable scalar variables, so a callback
(:class:`keras_symbolic.callbacks.ADMMCallback`) can change them between phases and update ``Z``/``U``
once per epoch without recompiling. Subclasses implement :meth:`prunable_weights` and call
:meth:`build_regularizers` at the end of ``build``.
"""
from __future__ import annotations

import keras
from keras import ops

__all__ = ["SparseRegularizedModel", "ADMM_NORMS"]

ADMM_NORMS = ("squared", "unsquared")
_UNSQUARED_EPS = 1e-12


class SparseRegularizedModel(keras.Model):
    """Base class: ADMM + L1 terms over :meth:`prunable_weights`, added in :meth:`compute_loss`."""

    def __init__(self, admm_norm: str = "squared", **kwargs):
        super().__init__(**kwargs)
        if admm_norm not in ADMM_NORMS:
            raise ValueError(f"`admm_norm` must be one of {ADMM_NORMS}, got {admm_norm!r}")
        self.admm_norm = admm_norm

    def prunable_weights(self) -> list:
        """``[(weight, mask), ...]``: the tensors ADMM, L1 and pruning act on. Subclasses implement it."""
        raise NotImplementedError

    def build_regularizers(self):
        """Create ``rho``, ``lambda``, ``alpha`` and one ``Z``/``U`` per prunable weight."""
        scalar = dict(shape=(), initializer="zeros", trainable=False)
        self.admm_rho = self.add_weight(name="admm_rho", **scalar)
        self.admm_lambda = self.add_weight(name="admm_lambda", **scalar)
        self.l1_alpha = self.add_weight(name="l1_alpha", **scalar)
        self.admm_z, self.admm_u = [], []
        for i, (w, _) in enumerate(self.prunable_weights()):
            self.admm_z.append(self.add_weight(name=f"admm_z_{i}", shape=w.shape, initializer="zeros", trainable=False))
            self.admm_u.append(self.add_weight(name=f"admm_u_{i}", shape=w.shape, initializer="zeros", trainable=False))

    def admm_triplets(self):
        """``[(effective weight W*M, Z, U, mask), ...]`` for the ADMM callback."""
        return [(w, m, z, u) for (w, m), z, u in zip(self.prunable_weights(), self.admm_z, self.admm_u)]

    def penalty_sums(self):
        """Unweighted ``(sum_W ||W*M - Z + U||^(2 or 1), sum_W |W*M|)`` as scalar tensors."""
        admm = 0.0
        l1 = 0.0
        for (w, m), z, u in zip(self.prunable_weights(), self.admm_z, self.admm_u):
            eff = w * m
            sq = ops.sum(ops.square(eff - z + u))
            admm = admm + (sq if self.admm_norm == "squared" else ops.sqrt(sq + _UNSQUARED_EPS**2))
            l1 = l1 + ops.sum(ops.abs(eff))
        return admm, l1

    def sparsity_terms(self):
        """``(admm_term, l1_term)`` as scalar tensors: ``rho/2 * sum ||.||`` and ``alpha * sum |.|``."""
        admm, l1 = self.penalty_sums()
        return 0.5 * self.admm_rho * admm, self.l1_alpha * l1

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        if training:
            admm, l1 = self.sparsity_terms()
            loss = loss + admm + l1
        return loss

    def get_config(self):
        config = super().get_config()
        config["admm_norm"] = self.admm_norm
        return config
