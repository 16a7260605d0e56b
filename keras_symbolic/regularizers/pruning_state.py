"""The pruning state of any model made of the package's layers, by pruning type.

Walks a model (functional, Sequential, subclassed, nested) for the layers that carry thresholds:
:class:`~keras_symbolic.layers.threshold.InputMask` (type ``input``) and
:class:`~keras_symbolic.layers.symbolic.SymbolicLayer` / ``EQLLayer`` (types ``weight``, ``unary``,
``binary``, through their ``pruning_groups()`` / ``pruning_variables()``). Items keep the order of
the layers in the model.
"""
from __future__ import annotations

from keras_symbolic.layers.threshold import InputMask

__all__ = ["prunable_layers", "pruning_groups", "pruning_variables"]


def prunable_layers(model) -> list:
    """The layers of ``model`` with pruning thresholds, in order (depth first)."""
    found = []
    for layer in getattr(model, "layers", ()):
        if isinstance(layer, InputMask) or hasattr(layer, "pruning_groups"):
            found.append(layer)
        elif hasattr(layer, "layers"):
            found.extend(prunable_layers(layer))
    return found


def pruning_groups(layers) -> dict[str, list[tuple]]:
    """``{type: [(thresholds, pruned 0/1 tensor), ...]}`` of ``layers`` (tensors, for the loss)."""
    groups: dict[str, list[tuple]] = {}
    for layer in layers:
        items = {"input": [(layer.threshold, layer.pruned())]} if isinstance(layer, InputMask) else layer.pruning_groups()
        for kind, pairs in items.items():
            groups.setdefault(kind, []).extend(pairs)
    return groups


def pruning_variables(layers) -> dict[str, list[tuple]]:
    """``{type: [(threshold_variable, values_variable_or_None), ...]}`` of ``layers`` (for
    :class:`~keras_symbolic.callbacks.sparsity_guard.SparsityGuard`): weight items are pruned when
    ``|w| <= t``, input and operator items (``None``) when ``t >= 1``."""
    out: dict[str, list[tuple]] = {}
    for layer in layers:
        items = {"input": [(layer.threshold, None)]} if isinstance(layer, InputMask) else layer.pruning_variables()
        for kind, pairs in items.items():
            out.setdefault(kind, []).extend(pairs)
    return out
