"""SymbolNet primitives: the operator library, the straight-through step and the decay factor.

Operator library (SPEC 2.1)
---------------------------
Every operator is written **once**, as a function of a math namespace ``m`` and its argument(s):

    gauss = Operator("gauss", 1, lambda m, x: m.exp(-m.square(x)))

The same definition is evaluated with ``m = keras.ops`` (:func:`keras_math`) inside the layers (any backend),
``m = NUMPY_MATH`` for NumPy evaluation and ``m = SYMPY_MATH`` when the trained network is unrolled
into a SymPy expression, so the network and its formula cannot drift apart.

============  =======  ===============================================================
name          arity    definition
============  =======  ===============================================================
identity      1        ``x``
sin, cos      1        ``sin(x)``, ``cos(x)``
exp           1        ``exp(x)``
gauss         1        ``exp(-x**2)``
sinh, cosh    1        ``sinh(x)``, ``cosh(x)``
tanh          1        ``tanh(x)``
square, cube  1        ``x**2``, ``x**3``
log           1        ``log(0.001 + |x|)``
add (``+``)   2        ``a + b``
mul (``*``)   2        ``a * b``
pow           2        ``(0.001 + |a|)**b``  (see below)
div (``/``)   2        ``a / (0.001 + |b|)``
============  =======  ===============================================================

``pow`` safety: the authors' code uses a plain ``a**b``, which is NaN for a negative base with a
non-integer exponent and infinite (with an infinite gradient) for ``a = 0, b < 0`` -- both happen on
the first steps of training since ``a`` and ``b`` are learned linear maps. Here the base is guarded
the same way as ``log`` and ``div``: ``pow(a, b) = (0.001 + |a|)**b``. It is finite, with finite
gradients in ``a`` and ``b``, for every finite input whose result fits the float range (like
``exp``, it can still overflow for very large ``|b|``), and equals ``a**b`` up to the 0.001 guard for
``a > 0``.

Overflow: ``exp``, ``sinh``, ``cosh``, ``cube`` and ``pow`` are unbounded, as in the paper; nothing
clips them (a clip would change the formula). Keep inputs scaled (the paper standardises them).

Straight-through step (SPEC 2.1)
--------------------------------
Forward ``step(x) = 1[x > 0]`` exactly; backward ``d/dx sigmoid(kappa x)`` with ``kappa = 5``.

Decay factor (paper eq. 1)
--------------------------
``D(s; alpha, d) = exp(1 - (alpha / (alpha - min(s, alpha)))**d)``: 1 at ``s = 0``, exactly 0 for
``s >= alpha``.
"""
from __future__ import annotations

import dataclasses
import functools
from types import SimpleNamespace
from typing import Callable, Mapping

import numpy as np
import sympy as sp

__all__ = [
    "Operator",
    "UNARY_OPERATORS",
    "BINARY_OPERATORS",
    "OPERATOR_ALIASES",
    "keras_math",
    "NUMPY_MATH",
    "SYMPY_MATH",
    "get_operator",
    "get_unary_operator",
    "get_binary_operator",
    "register_operator",
    "canonical_operator_name",
    "ste_step",
    "hard_step",
    "sparsity_decay",
    "DEFAULT_KAPPA",
    "DEFAULT_DECAY_RATE",
]

DEFAULT_KAPPA = 5.0
DEFAULT_DECAY_RATE = 0.01
GUARD = 0.001  # the additive guard of log, div and pow (authors' value)


# --------------------------------------------------------------------------------------------------
# Math namespaces: the few functions the operator definitions use, under one set of names.
# --------------------------------------------------------------------------------------------------
def _namespace(module, **overrides) -> SimpleNamespace:
    names = ("sin", "cos", "exp", "sinh", "cosh", "tanh", "log", "abs", "square", "power")
    fns = {name: getattr(module, name) for name in names if hasattr(module, name)}
    fns.update(overrides)
    return SimpleNamespace(**fns)


@functools.lru_cache(maxsize=None)
def keras_math() -> SimpleNamespace:
    """``keras.ops`` as a math namespace (imported lazily: the SymPy/NumPy side needs no Keras)."""
    from keras import ops

    return _namespace(ops)


#: NumPy (float arrays).
NUMPY_MATH = _namespace(np)


#: SymPy (expressions); ``abs`` is ``Abs``, ``square``/``power`` are ``**``.
SYMPY_MATH = SimpleNamespace(
    sin=sp.sin,
    cos=sp.cos,
    exp=sp.exp,
    sinh=sp.sinh,
    cosh=sp.cosh,
    tanh=sp.tanh,
    log=sp.log,
    abs=sp.Abs,
    square=lambda x: x**2,
    power=lambda a, b: a**b,
)


@dataclasses.dataclass(frozen=True)
class Operator:
    """One operator of the library, defined once for every math namespace.

    Attributes:
        name: canonical name (``"sin"``, ``"mul"``, ...).
        arity: 1 (unary) or 2 (binary).
        fn: ``fn(m, x)`` or ``fn(m, a, b)``, written with the functions of a math namespace ``m``
            (:func:`keras_math`, :data:`NUMPY_MATH`, :data:`SYMPY_MATH`) and Python arithmetic.
        pruned_to: the operator this one becomes when its mask is 0 (``"identity"`` for unary,
            ``"add"`` for binary, SPEC 2.1).
    """

    name: str
    arity: int
    fn: Callable = dataclasses.field(repr=False)

    @property
    def pruned_to(self) -> str:
        return "identity" if self.arity == 1 else "add"

    @property
    def is_trivial(self) -> bool:
        """True for ``identity`` and ``add``: pruning them changes nothing, they carry no mask."""
        return self.name == self.pruned_to

    def keras(self, *args):
        """Apply with ``keras.ops`` (tensors of any backend)."""
        return self.fn(keras_math(), *args)

    def numpy(self, *args):
        """Apply with NumPy."""
        return self.fn(NUMPY_MATH, *args)

    def sympy(self, *args):
        """Apply to SymPy expressions."""
        return self.fn(SYMPY_MATH, *args)


UNARY_OPERATORS: dict[str, Operator] = {}
BINARY_OPERATORS: dict[str, Operator] = {}
#: Accepted spellings of the canonical names (the authors' notebook writes ``'+'``, ``'*'``, ``'/'``).
OPERATOR_ALIASES: dict[str, str] = {
    "+": "add",
    "*": "mul",
    "/": "div",
    "**": "pow",
    "id": "identity",
    "linear": "identity",
    "x^2": "square",
    "x^3": "cube",
}


def register_operator(name: str, arity: int, fn: Callable, *, overwrite: bool = False) -> Operator:
    """Add an operator to the library (also usable for user-defined operators).

    Args:
        name: canonical name, used in layer configs (so a saved model needs the same registration
            before loading).
        arity: 1 or 2.
        fn: ``fn(m, x)`` / ``fn(m, a, b)`` written with a math namespace ``m`` (see :class:`Operator`).
        overwrite: allow replacing an existing operator of that name.

    Returns:
        The registered :class:`Operator`.
    """
    if arity not in (1, 2):
        raise ValueError(f"Operator arity must be 1 or 2, got {arity!r} for {name!r}.")
    if not isinstance(name, str) or not name:
        raise ValueError(f"Operator name must be a non-empty string, got {name!r}.")
    registry = UNARY_OPERATORS if arity == 1 else BINARY_OPERATORS
    if name in registry and not overwrite:
        raise ValueError(f"An operator named {name!r} is already registered; pass overwrite=True.")
    op = Operator(name, arity, fn)
    registry[name] = op
    return op


# Unary.
register_operator("identity", 1, lambda m, x: x)
register_operator("sin", 1, lambda m, x: m.sin(x))
register_operator("cos", 1, lambda m, x: m.cos(x))
register_operator("exp", 1, lambda m, x: m.exp(x))
register_operator("gauss", 1, lambda m, x: m.exp(-m.square(x)))
register_operator("sinh", 1, lambda m, x: m.sinh(x))
register_operator("cosh", 1, lambda m, x: m.cosh(x))
register_operator("tanh", 1, lambda m, x: m.tanh(x))
register_operator("square", 1, lambda m, x: m.square(x))
register_operator("cube", 1, lambda m, x: m.power(x, 3))
register_operator("log", 1, lambda m, x: m.log(GUARD + m.abs(x)))
# Binary.
register_operator("add", 2, lambda m, a, b: a + b)
register_operator("mul", 2, lambda m, a, b: a * b)
register_operator("pow", 2, lambda m, a, b: m.power(GUARD + m.abs(a), b))
register_operator("div", 2, lambda m, a, b: a / (GUARD + m.abs(b)))


def canonical_operator_name(name: str) -> str:
    """The canonical name of ``name`` (resolves aliases such as ``'*'`` -> ``'mul'``)."""
    if not isinstance(name, str):
        raise TypeError(f"Operator names are strings, got {name!r} ({type(name).__name__}).")
    key = name.strip().lower()
    return OPERATOR_ALIASES.get(key, key)


def get_operator(name: str, arity: int | None = None) -> Operator:
    """Look an operator up by name (or alias), optionally checking its arity.

    Raises:
        ValueError: unknown name, or known name with the wrong arity; the message lists the
            available operators.
    """
    key = canonical_operator_name(name)
    if arity not in (None, 1, 2):
        raise ValueError(f"arity must be None, 1 or 2, got {arity!r}.")
    registries: Mapping[int, dict[str, Operator]] = {1: UNARY_OPERATORS, 2: BINARY_OPERATORS}
    if arity is not None and key in registries[arity]:
        return registries[arity][key]
    if arity is None:
        for registry in registries.values():
            if key in registry:
                return registry[key]
    kind = {None: "", 1: "unary ", 2: "binary "}[arity]
    other = None if arity is None else registries[3 - arity].get(key)
    hint = f" ({name!r} is a {'unary' if arity == 2 else 'binary'} operator)" if other is not None else ""
    raise ValueError(
        f"Unknown {kind}operator {name!r}{hint}. Available unary operators: "
        f"{sorted(UNARY_OPERATORS)}; binary operators: {sorted(BINARY_OPERATORS)} "
        f"(aliases: {OPERATOR_ALIASES})."
    )


def get_unary_operator(name: str) -> Operator:
    """Unary operator by name; ``ValueError`` listing the choices if unknown."""
    return get_operator(name, 1)


def get_binary_operator(name: str) -> Operator:
    """Binary operator by name; ``ValueError`` listing the choices if unknown."""
    return get_operator(name, 2)


# --------------------------------------------------------------------------------------------------
# Straight-through step and the decay factor.
# --------------------------------------------------------------------------------------------------
def hard_step(x, dtype=None):
    """``1[x > 0]`` as a float tensor, with no gradient (used to *measure* sparsity)."""
    from keras import ops

    x = ops.convert_to_tensor(x)
    return ops.stop_gradient(ops.cast(ops.greater(x, 0), dtype or x.dtype))


def ste_step(x, kappa: float = DEFAULT_KAPPA):
    """Binary step with the straight-through estimator of SymbolNet.

    Forward: ``theta(x) = 1`` if ``x > 0`` else ``0`` (exactly 0 or 1).
    Backward: ``d theta / dx ~= d sigmoid(kappa x) / dx = kappa s (1 - s)`` with
    ``s = sigmoid(kappa x)`` (paper III-B, ``kappa = 5``).

    Written as ``step(x) + (s - stop_gradient(s))``, the same estimator as SPEC's
    ``s + stop_gradient(step(x) - s)`` but with a forward value that is exactly ``step(x)`` by
    construction (``s - s == 0`` in floating point, whereas ``s + (1 - s)`` need not round to 1).

    Args:
        x: tensor of any shape.
        kappa: slope of the surrogate sigmoid (> 0).

    Returns:
        Tensor of ``x``'s shape and dtype.
    """
    from keras import ops

    x = ops.convert_to_tensor(x)
    s = ops.sigmoid(kappa * x)
    step = ops.cast(ops.greater(x, 0), x.dtype)
    return step + (s - ops.stop_gradient(s))


def sparsity_decay(s, alpha, d: float = DEFAULT_DECAY_RATE):
    """Decay factor ``D(s; alpha, d) = exp(1 - (alpha / (alpha - min(s, alpha)))**d)`` (paper eq. 1).

    ``D = 1`` at ``s = 0``, decreasing in ``s``, and exactly 0 for ``s >= alpha`` (where the
    formula divides by zero: that branch is selected explicitly, never computed). A target
    ``alpha = 0`` gives ``D = 0``: the regulariser is off. ``s`` carries no gradient.

    Args:
        s: sparsity (fraction pruned) in ``[0, 1]``; scalar tensor or float.
        alpha: target sparsity in ``[0, 1]``.
        d: decay rate (paper: 0.01).
    """
    from keras import ops

    s = ops.stop_gradient(ops.convert_to_tensor(s, dtype="float32"))
    alpha = ops.convert_to_tensor(alpha, dtype=s.dtype)
    reached = ops.greater_equal(s, alpha)
    gap = ops.where(reached, ops.ones_like(s), alpha - ops.minimum(s, alpha))
    value = ops.exp(1.0 - ops.power(alpha / gap, d))
    return ops.where(reached, ops.zeros_like(value), value)
