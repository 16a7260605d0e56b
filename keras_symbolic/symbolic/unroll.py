"""Unroll a trained SymbolNet into one SymPy expression per output (SPEC 2.3). NumPy + SymPy only.

Input: plain arrays, as returned by ``SymbolNet.symbolic_arrays()`` (this module uses no Keras):

* ``input_active``: bool per input feature (``False`` = pruned input, the variable is dropped);
* ``layers``: one dict per symbolic layer, in order, with ``kernel`` ``(n, u+2b)`` and ``bias``
  ``(u+2b,)`` already masked (pruned entries exactly 0), ``num_unary``, ``num_binary``, and
  ``unary_operators`` / ``binary_operators`` (operator name per unit after operator pruning:
  ``identity`` / ``add`` for pruned units). Unit layout as in ``SymbolicLayer``: ``z[:u]`` unary
  arguments, ``z[u:u+b]`` first and ``z[u+b:]`` second binary arguments.

The expressions keep the network's constants exactly (the float32 weights as float64 SymPy
Floats): nothing is rounded while unrolling (the authors' code rounds to 2 significant figures at
every layer, which changes the function). Round for display only, with :func:`display_expression`.

Speed: each pre-activation is one sum of only its non-zero terms (indices found with NumPy), and the
tree is built without SymPy's automatic evaluation, whose assumption queries take seconds per
operation on sums of hundreds of terms; nothing calls ``expand``/``simplify``. The tree still has
SymPy's canonical shape where it matters for the complexity count (numbers folded, sums and products
flattened, one coefficient per term, like terms merged, a number distributed over a sum), so an
unpruned 784-input network unrolls in about a second. Arguments that are numbers (e.g. after
pruning) are evaluated to numbers. The only difference from evaluated SymPy: no sign is pulled out
of function arguments (``sin(-x)`` stays as is) and ``exp(a)*exp(b)`` is not merged.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.ops.symbolnet_ops import get_binary_operator, get_unary_operator
from keras_symbolic.symbolic.complexity import expression_complexity

__all__ = [
    "variable_symbols",
    "unroll_symbolnet",
    "display_expression",
    "evaluate_expressions",
    "expressions_complexity",
]


def variable_symbols(n_inputs: int, names: Sequence[str] | None = None) -> list[sp.Symbol]:
    """SymPy symbols ``x0 .. x{n-1}`` (or ``names``).

    Plain symbols, without ``real=True``: assumptions make every SymPy operation on large sums
    query them term by term, and the values are real anyway.
    """
    if names is None:
        names = [f"x{i}" for i in range(n_inputs)]
    if len(names) != n_inputs:
        raise ValueError(f"Got {len(names)} variable names for {n_inputs} inputs.")
    return [sp.Symbol(str(n)) for n in names]


def _terms(e: sp.Expr, scale: float = 1.0):
    """Yield ``(coefficient, rest)`` of the terms of ``scale * e`` (``rest is None`` for numbers).

    Nested sums are flattened and a leading numeric factor of a product becomes the coefficient,
    i.e. the distribution of a number over a sum that SymPy's own ``Mul`` performs.
    """
    if not e.free_symbols:
        yield scale * float(e), None
    elif e.is_Add:
        for arg in e.args:
            yield from _terms(arg, scale)
    elif e.is_Mul and e.args[0].is_Number:
        rest = e.args[1:]
        yield scale * float(e.args[0]), (rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False))
    else:
        yield scale, e


def _term(c: float, rest: sp.Expr) -> sp.Expr:
    factors = rest.args if rest.is_Mul else (rest,)
    return sp.Mul(sp.Float(c), *factors, evaluate=False)


def _linear(kernel: np.ndarray, bias: np.ndarray, h: list[sp.Expr]) -> list[sp.Expr]:
    """``z_j = sum_i kernel[i, j] h_i + bias_j`` over the non-zero weights only.

    Built without SymPy's automatic evaluation (whose assumption queries cost seconds on sums of
    hundreds of terms) but in the same canonical shape: numbers folded into one constant, sums
    flattened, like terms merged, one numeric coefficient per term.
    """
    parts = [list(_terms(e)) for e in h]
    out = []
    for j in range(kernel.shape[1]):
        const = float(bias[j])
        acc: dict[sp.Expr, float] = {}
        for i in np.flatnonzero(kernel[:, j]):
            w = float(kernel[i, j])
            for c, rest in parts[i]:
                if rest is None:
                    const += w * c
                else:
                    acc[rest] = acc.get(rest, 0.0) + w * c
        terms = [_term(c, rest) for rest, c in acc.items() if c != 0.0]
        if const != 0.0:
            terms.append(sp.Float(const))
        out.append(sp.Integer(0) if not terms else terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False))
    return out


def _flat(node: sp.Expr) -> sp.Expr:
    """Flatten a product or sum whose arguments are products or sums of the same kind (top level)."""
    if not (node.is_Mul or node.is_Add):
        return node
    args = []
    for arg in node.args:
        args.extend(arg.args if arg.func is node.func else (arg,))
    if node.is_Mul:
        numbers = [a for a in args if a.is_Number]
        if len(numbers) > 1 or (numbers and args[0] is not numbers[0]):
            coeff = float(np.prod([float(a) for a in numbers]))
            args = [sp.Float(coeff)] + [a for a in args if not a.is_Number]
    return node.func(*args, evaluate=False) if len(args) > 1 else args[0]


def _apply(op, *args: sp.Expr) -> sp.Expr:
    """``op`` on SymPy arguments: a number when every argument is a number, else an unevaluated
    node (same reason as in :func:`_linear`)."""
    if op.is_trivial and op.arity == 1:
        return args[0]
    if not any(a.free_symbols for a in args):
        with np.errstate(all="ignore"):
            return sp.Float(float(op.numpy(*(float(a) for a in args))))
    with sp.evaluate(False):
        return _flat(op.sympy(*args))


def unroll_symbolnet(
    input_active: Iterable[bool] | None,
    layers: Sequence[Mapping],
    variable_names: Sequence[str] | None = None,
    n_inputs: int | None = None,
) -> list[sp.Expr]:
    """One SymPy expression per network output, exactly the function the network computes.

    Args:
        input_active: bool per input (``None``: all inputs kept).
        layers: per-layer dicts (see module docstring); the last one is the output layer.
        variable_names: names of the inputs (default ``x0 .. x{n-1}``).
        n_inputs: number of inputs (default: rows of the first kernel).

    Returns:
        ``[expr_0, ..., expr_{n_outputs-1}]``.
    """
    if not layers:
        raise ValueError("unroll_symbolnet needs at least one layer.")
    n_inputs = int(np.asarray(layers[0]["kernel"]).shape[0]) if n_inputs is None else int(n_inputs)
    symbols = variable_symbols(n_inputs, variable_names)
    active = np.ones(n_inputs, bool) if input_active is None else np.asarray(input_active, dtype=bool)
    if active.shape != (n_inputs,):
        raise ValueError(f"input_active has shape {active.shape}, expected ({n_inputs},).")
    h: list[sp.Expr] = [s if a else sp.Integer(0) for s, a in zip(symbols, active)]
    for k, layer in enumerate(layers):
        kernel = np.asarray(layer["kernel"], dtype=np.float64)
        bias = np.asarray(layer["bias"], dtype=np.float64)
        u, b = int(layer["num_unary"]), int(layer["num_binary"])
        if kernel.shape != (len(h), u + 2 * b) or bias.shape != (u + 2 * b,):
            raise ValueError(
                f"Layer {k}: kernel {kernel.shape} / bias {bias.shape} do not match {len(h)} inputs "
                f"and {u} unary + {b} binary units."
            )
        z = _linear(kernel, bias, h)
        unary = [get_unary_operator(n) for n in layer["unary_operators"]]
        binary = [get_binary_operator(n) for n in layer["binary_operators"]]
        if len(unary) != u or len(binary) != b:
            raise ValueError(f"Layer {k}: operator lists do not match {u} unary / {b} binary units.")
        h = [_apply(op, z[i]) for i, op in enumerate(unary)]
        h += [_apply(op, z[u + j], z[u + b + j]) for j, op in enumerate(binary)]
    return h


def display_expression(expr: sp.Expr, significant: int = 3) -> sp.Expr:
    """``expr`` with every Float rounded to ``significant`` significant digits, for display only."""
    if significant is None:
        return expr
    repl = {f: sp.Float(f"{float(f):.{int(significant)}g}") for f in expr.atoms(sp.Float)}
    with sp.evaluate(False):
        return expr.xreplace(repl)


def _numpy_printer():
    """lambdify's NumPy printer without term ordering (sorting the terms of a sum of thousands of
    terms is most of the printing time, and the order does not matter for evaluation)."""
    from sympy.printing.numpy import NumPyPrinter

    return NumPyPrinter(
        {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "order": "none"}
    )


def evaluate_expressions(
    expressions: Sequence[sp.Expr], X: np.ndarray, variable_names: Sequence[str] | None = None
) -> np.ndarray:
    """Evaluate the expressions on the rows of ``X`` with ``sympy.lambdify`` (NumPy).

    Returns:
        ``(n_rows, n_expressions)`` float64 array.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (rows, features), got shape {X.shape}.")
    column = {s: i for i, s in enumerate(variable_symbols(X.shape[1], variable_names))}
    out = np.empty((X.shape[0], len(expressions)), dtype=np.float64)
    for k, expr in enumerate(expressions):
        missing = sorted(str(s) for s in expr.free_symbols if s not in column)
        if missing:
            raise ValueError(f"Expression {k} uses variables {missing} that are not columns of X.")
        used = sorted(expr.free_symbols, key=column.__getitem__)
        fn = sp.lambdify(used, expr, modules="numpy", printer=_numpy_printer())
        cols = [X[:, column[s]] for s in used]
        out[:, k] = np.broadcast_to(np.asarray(fn(*cols), dtype=np.float64), (X.shape[0],))
    return out


def expressions_complexity(expressions: Sequence[sp.Expr]) -> list[int]:
    """Complexity (tree nodes, SPEC 2.3) of each expression."""
    return [expression_complexity(e) for e in expressions]
