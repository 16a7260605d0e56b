"""Build a :class:`~keras_symbolic.models.symbolnet.SymbolNet` from a short description.

``layers=[(num_unary, num_binary), ...]`` and operator lists shared by every hidden layer (or one
list per layer) become the ``hidden_layers`` dicts of :class:`SymbolNet`'s constructor.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from keras_symbolic.models.symbolnet import SymbolNet
from keras_symbolic.ops.symbolnet_ops import DEFAULT_DECAY_RATE, DEFAULT_KAPPA

__all__ = ["build_symbolnet"]


def build_symbolnet(
    n_inputs: int,
    n_outputs: int,
    layers: Sequence = ((20, 5),),
    unary: Sequence = ("sin", "cos", "exp", "gauss"),
    binary: Sequence = ("mul",),
    targets: Mapping[str, float] | None = None,
    decay_rate: float = DEFAULT_DECAY_RATE,
    kappa: float = DEFAULT_KAPPA,
    error_loss: str = "mse",
    error_reduction: str = "mean",
    input_pruning: bool = True,
    name: str = "symbolnet",
) -> SymbolNet:
    """Build a :class:`SymbolNet` from a short description.

    Args:
        n_inputs: number of input features.
        n_outputs: number of outputs.
        layers: one ``(num_unary, num_binary)`` pair per hidden symbolic layer (or a dict of
            :class:`SymbolicLayer` arguments).
        unary: unary operator names used by every hidden layer, or one list per layer.
        binary: binary operator names used by every hidden layer, or one list per layer.
        targets, decay_rate, kappa, error_loss, error_reduction, input_pruning: see :class:`SymbolNet`.
        name: model name.

    Example (the authors' MNIST notebook: 1 layer, 20 unary + 5 binary units)::

        model = build_symbolnet(784, 10, layers=[(20, 5)], unary=["sin", "cos", "exp", "gauss"],
                                binary=["mul"], targets=dict(input=0.95, weight=0.99, unary=0.4,
                                binary=0.4))
        model.compile(optimizer=keras.optimizers.Adam(0.005))
    """
    layers = list(layers)

    def per_layer(ops_, what):
        if isinstance(ops_, str):
            return [[ops_]] * len(layers)
        ops_ = list(ops_)
        if ops_ and all(isinstance(o, str) for o in ops_):
            return [ops_] * len(layers)
        if len(ops_) != len(layers):
            raise ValueError(f"`{what}` gives {len(ops_)} operator lists for {len(layers)} layers.")
        return [[o] if isinstance(o, str) else list(o) for o in ops_]

    unary_per, binary_per = per_layer(unary, "unary"), per_layer(binary, "binary")
    specs = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Mapping):
            spec = dict(layer)
        else:
            try:
                u, b = layer
            except (TypeError, ValueError):
                raise ValueError(f"layers[{i}] must be a (num_unary, num_binary) pair, got {layer!r}.") from None
            spec = {"num_unary": u, "num_binary": b}
        spec.setdefault("unary_operators", unary_per[i])
        spec.setdefault("binary_operators", binary_per[i])
        specs.append(spec)
    return SymbolNet(
        n_inputs,
        n_outputs,
        hidden_layers=specs,
        targets=targets,
        decay_rate=decay_rate,
        kappa=kappa,
        error_loss=error_loss,
        error_reduction=error_reduction,
        input_pruning=input_pruning,
        name=name,
    )
