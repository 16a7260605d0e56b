"""LIES network -> SymPy expression, mirroring the forward pass exactly (SPEC 1.8).

Given the effective weights (:class:`~keras_symbolic.symbolic.lies_numpy.LIESWeights`) and SymPy
expressions for the network's inputs (e.g. ``log(x_i)/s_i`` in log space), build

    F_0 = [z_1, ..., z_n, 1],  h_kj = sum_i F_i W_k[i, j],  o_kj = s_kj * act_j(h_kj),  O = sum_i F_i w_i + b,

keeping only non-zero weights, so pruned weights and pruned nodes (zero bridge, or no non-zero outgoing
weight) never appear. The cut-offs are not part of the formula by default (the domain loss keeps the
network inside them); ``with_cutoffs=True`` writes them as ``Max``/``Min`` for an exact mirror anywhere.
A unit whose pre-activation is a number is evaluated numerically with its cut-off (``Log`` of a
non-positive constant is ``ln x_l``, never ``log(0)``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.lies_numpy import LIESWeights

__all__ = ["network_expression", "used_units"]


def _number(value: float) -> sp.Float:
    return sp.Float(float(value), 15)


def _linear(features: Sequence[sp.Expr], column: np.ndarray) -> sp.Expr:
    terms = [_number(w) * f for f, w in zip(features, column) if w != 0 and f != 0]
    return sp.Add(*terms)


def _activate(name: str, h: sp.Expr, weights: LIESWeights, with_cutoffs: bool) -> sp.Expr:
    if name == "identity":
        return h
    if name == "sin":
        return sp.sin(h)
    if name == "exp":
        if h.is_number:
            return _number(np.exp(min(float(h), weights.exp_cutoff)))
        return sp.exp(sp.Min(h, _number(weights.exp_cutoff)) if with_cutoffs else h)
    if name == "log":
        if h.is_number:
            return _number(np.log(max(float(h), weights.log_cutoff)))
        return sp.log(sp.Max(h, _number(weights.log_cutoff)) if with_cutoffs else h)
    raise ValueError(f"unknown LIES unit {name!r}")


def used_units(weights: LIESWeights) -> list:
    """Per layer, a boolean array: does unit ``j`` reach the output (non-zero bridge and a live path)?"""
    n_units = len(weights.units)
    live = [np.zeros(n_units, dtype=bool) for _ in weights.kernels]
    # Walk backwards: a unit is live if its bridge is non-zero and it feeds the output or a live unit.
    consumer_in = weights.output_kernel != 0
    needed = consumer_in.copy()
    for k in reversed(range(weights.n_layers)):
        d_in = weights.kernels[k].shape[0]
        cols = slice(d_in, d_in + n_units)
        live[k] = needed[cols] & (weights.bridges[k] != 0)
        feeds = (weights.kernels[k][:, live[k]] != 0).any(axis=1)
        needed = needed.copy()
        needed[:d_in] |= feeds
    return live


def network_expression(weights: LIESWeights, inputs: Sequence[sp.Expr], with_cutoffs: bool = False) -> sp.Expr:
    """The network output ``O`` as a SymPy expression of the given input expressions.

    Args:
        weights: effective weights of the network.
        inputs: ``n`` SymPy expressions, the network-space inputs ``z_i``.
        with_cutoffs: include the Log/Exp clamps as ``Max``/``Min``.
    """
    if len(inputs) != weights.n_inputs:
        raise ValueError(f"expected {weights.n_inputs} input expressions, got {len(inputs)}")
    live = used_units(weights)
    features = [sp.sympify(e) for e in inputs] + [sp.Integer(1)]
    for k, (kernel, bridge) in enumerate(zip(weights.kernels, weights.bridges)):
        outputs = []
        for j, name in enumerate(weights.units):
            if not live[k][j]:
                outputs.append(sp.Integer(0))
                continue
            h = _linear(features, kernel[:, j])
            outputs.append(_number(bridge[j]) * _activate(name, h, weights, with_cutoffs))
        features += outputs
    out = _linear(features, weights.output_kernel)
    if weights.output_bias:
        out = out + _number(weights.output_bias)
    return out
