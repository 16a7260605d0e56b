"""NumPy mirror of the LIES network: forward pass and exact per-sample output gradients.

Pure NumPy (float64), no Keras: used for gradient-based pruning (paper Theorem 2, per sample) and to
cross-check formula extraction. Notation as in :mod:`keras_symbolic.models.lies`:

    F_0 = [z, 1],  h_k = F_{k-1} @ W_k,  a_k = act(h_k),  o_k = s_k * a_k,  F_k = [F_{k-1}, o_k],
    O = F_L @ w_out + b.

Backward, per sample (``G`` is ``dO/dF_L``, shape ``(N, D)``): ``G = w_out``; for ``k = L..1`` with
``o_k`` occupying columns ``c_k`` of ``F``: ``dO/ds_k = G[:, c_k] * a_k``,
``dO/dh_k = G[:, c_k] * s_k * act'(h_k)``, ``dO/dW_k = F_{k-1}[:, :, None] * dO/dh_k[:, None, :]`` and
``G[:, :d_{k-1}] += dO/dh_k @ W_k^T`` (layer ``k`` reads the prefix ``F_{k-1}`` of ``F``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["LIESWeights"]


@dataclass
class LIESWeights:
    """Effective (masked) weights of a LIES network, float64.

    Attributes:
        kernels: ``W_k``, shape ``(n + 1 + U(k-1), U)`` for ``k = 1..L``.
        bridges: ``s_k``, shape ``(U,)``.
        output_kernel: ``w_out``, shape ``(n + 1 + U L,)``.
        output_bias: ``b`` (0 when the network has no output bias).
        units: activation of each unit (``identity``, ``exp``, ``sin``, ``log``).
    """

    kernels: list
    bridges: list
    output_kernel: np.ndarray
    output_bias: float = 0.0
    units: tuple = ("identity", "exp", "sin", "log")
    log_cutoff: float = 5e-3
    exp_cutoff: float = 4.0
    meta: dict = field(default_factory=dict)

    @property
    def n_inputs(self) -> int:
        return self.kernels[0].shape[0] - 1

    @property
    def n_layers(self) -> int:
        return len(self.kernels)

    def copy(self) -> "LIESWeights":
        return replace(
            self,
            kernels=[k.copy() for k in self.kernels],
            bridges=[b.copy() for b in self.bridges],
            output_kernel=self.output_kernel.copy(),
            meta=dict(self.meta),
        )

    # Flat view: every scalar weight addressed as (array index, flat position).
    def arrays(self) -> list:
        """All weight arrays in a fixed order: ``W_1, s_1, ..., W_L, s_L, w_out`` (views, not copies)."""
        out = []
        for kernel, bridge in zip(self.kernels, self.bridges):
            out += [kernel, bridge]
        return out + [self.output_kernel]

    def n_nonzero(self) -> int:
        return int(sum(np.count_nonzero(a) for a in self.arrays()))

    # ------------------------------------------------------------------ forward / backward
    def _activate(self, h: np.ndarray):
        a = np.empty_like(h)
        da = np.empty_like(h)
        for j, name in enumerate(self.units):
            hj = h[:, j]
            if name == "identity":
                a[:, j], da[:, j] = hj, 1.0
            elif name == "exp":
                clipped = np.minimum(hj, self.exp_cutoff)
                a[:, j] = np.exp(clipped)
                da[:, j] = np.where(hj < self.exp_cutoff, a[:, j], 0.0)
            elif name == "sin":
                a[:, j], da[:, j] = np.sin(hj), np.cos(hj)
            elif name == "log":
                clipped = np.maximum(hj, self.log_cutoff)
                a[:, j] = np.log(clipped)
                da[:, j] = np.where(hj > self.log_cutoff, 1.0 / clipped, 0.0)
            else:  # pragma: no cover - guarded by the layer
                raise ValueError(f"unknown LIES unit {name!r}")
        return a, da

    def forward(self, z: np.ndarray, return_cache: bool = False):
        """Network output ``O`` for inputs ``z`` of shape ``(N, n)`` (already in network space)."""
        z = np.asarray(z, dtype=np.float64)
        if z.ndim != 2 or z.shape[1] != self.n_inputs:
            raise ValueError(f"expected inputs of shape (N, {self.n_inputs}), got {z.shape}")
        features = np.concatenate([z, np.ones((z.shape[0], 1))], axis=1)
        cache = []
        for kernel, bridge in zip(self.kernels, self.bridges):
            h = features @ kernel
            a, da = self._activate(h)
            cache.append((features.shape[1], a, da))
            features = np.concatenate([features, a * bridge], axis=1)
        out = features @ self.output_kernel + self.output_bias
        return (out, features, cache) if return_cache else out

    def output_gradients(self, z: np.ndarray) -> list:
        """Per-sample ``dO/dw`` for every array of :meth:`arrays`, each of shape ``(N, *array.shape)``."""
        _, features, cache = self.forward(z, return_cache=True)
        n_samples = features.shape[0]
        grad_features = np.broadcast_to(self.output_kernel, features.shape).copy()
        grads_kernels, grads_bridges = [None] * self.n_layers, [None] * self.n_layers
        width = len(self.units)
        for k in reversed(range(self.n_layers)):
            d_in, a, da = cache[k]
            g_out = grad_features[:, d_in : d_in + width]
            grads_bridges[k] = g_out * a
            g_h = g_out * self.bridges[k] * da
            prefix = features[:, :d_in]
            grads_kernels[k] = prefix[:, :, None] * g_h[:, None, :]
            grad_features[:, :d_in] += g_h @ self.kernels[k].T
        grads = []
        for gk, gb in zip(grads_kernels, grads_bridges):
            grads += [gk, gb]
        grads.append(features.reshape(n_samples, -1))
        return grads
