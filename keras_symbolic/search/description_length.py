"""One selection rule for every candidate formula: a two-part description length, in bits.

``DL(f) = L(data | f) + L(f)``:

* ``L(data | f) = n/2 * log2(max(MSE_f, floor))`` on the ``n`` rows the formula is judged on (held-out
  rows), up to a constant that is the same for every candidate. ``floor = (rel_floor * RMS(y))**2``
  stands for float round-off: below it two formulas fit equally well.
* ``L(f) = nodes * log2(alphabet) + sum over constants of L(c)``: each node of the expression tree
  costs ``log2`` of the number of symbols it could have been (operators, variables), and each
  constant what it takes to write it down: an integer or a small fraction ``p/q`` costs
  ``log2(1 + |p|) + log2(q) + 1`` bits (``pi`` as a factor one bit more, ``pi**k`` another
  ``log2(1 + |k|)``), a fitted float
  ``float_bits = 1/2 * log2(n)`` plus its magnitude, as in the minimum-description-length
  derivation of BIC.

On noise-free data the exact formula fits to round-off, so its data term is tiny and wins by far;
under noise every candidate near the truth hits the noise floor, ``MSE ~ sigma**2``, and the model
term decides: the simplest formula and the simplest constants win (``2.50033 -> 5/2`` costs almost no
data bits and saves ``float_bits``). The same rule judges selection, rounding and snapping.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.complexity import expression_complexity

__all__ = ["constant_bits", "model_bits", "data_bits", "description_length", "REL_FLOOR"]

#: Relative RMS error below which two formulas count as equally exact (float64 round-off and the
#: accumulated error of evaluating a formula).
REL_FLOOR = 1e-9
#: Operators a node could be, beside the variables (+, *, pow, exp, log, sin, cos, ...).
N_OPERATORS = 12


def constant_bits(value, n_rows: int) -> float:
    """Bits to write the constant ``value`` (see the module docstring)."""
    value = sp.nsimplify(value) if isinstance(value, (int, float)) else value
    if isinstance(value, sp.Integer):
        return math.log2(1 + abs(int(value))) + 1.0
    if isinstance(value, sp.Rational):
        return math.log2(1 + abs(int(value.p))) + math.log2(int(value.q)) + 1.0
    if value in (sp.pi, sp.E):
        return 3.0
    try:
        x = float(value)
    except TypeError:
        return 0.5 * math.log2(max(n_rows, 2)) + 8.0
    if not math.isfinite(x):
        return float("inf")
    magnitude = math.log2(1 + abs(math.log2(abs(x)))) if x != 0 else 0.0
    return 0.5 * math.log2(max(n_rows, 2)) + magnitude + 1.0


def model_bits(expr: sp.Expr, n_variables: int, n_rows: int) -> float:
    """``L(f)``: the tree's nodes and its constants (rationals cheap, floats ``~ 1/2 log2 n``)."""
    expr = sp.sympify(expr)
    # a power of pi is one constant (written as cheaply as pi and its exponent), not three nodes
    pi_powers = [p for p in expr.atoms(sp.Pow) if p.base is sp.pi and p.exp.is_Integer]
    bits = sum(constant_bits(sp.pi, n_rows) + math.log2(1 + abs(int(p.exp))) for p in pi_powers)
    expr = expr.xreplace({p: sp.pi for p in pi_powers})
    nodes = expression_complexity(expr)
    bits += nodes * math.log2(N_OPERATORS + max(n_variables, 1))
    for atom in expr.atoms(sp.Number):
        if atom in (sp.S.One, sp.S.NegativeOne, sp.S.Half):
            continue
        bits += constant_bits(atom, n_rows)
    return bits


def data_bits(y, pred, rel_floor: float = REL_FLOOR, weights=None) -> float:
    """``L(data | f) = n/2 log2(max(MSE, floor))``; ``inf`` for a prediction that is not finite. With
    row ``weights (n,)`` the MSE and RMS(y) are weighted means (a row of weight 2 counts as two rows;
    the weights are scaled to mean 1, so ``n`` stays the number of rows)."""
    y = np.asarray(y, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    if pred.shape != y.shape:
        pred = np.broadcast_to(pred, y.shape)
    if not np.all(np.isfinite(pred)):
        return float("inf")
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / (float(np.mean(w)) or 1.0)
    rms = float(np.sqrt(np.mean(w * y**2))) or 1.0
    with np.errstate(over="ignore"):  # a finite but huge prediction: an infinite MSE, an infinite length
        mse = float(np.mean(w * (y - pred) ** 2))
    return 0.5 * len(y) * math.log2(max(mse, (rel_floor * rms) ** 2))


def description_length(expr: sp.Expr, y, pred, n_variables: int, rel_floor: float = REL_FLOOR,
                       weights=None) -> float:
    """``DL = L(data | f) + L(f)`` of formula ``expr`` whose values on the judging rows are ``pred``
    (optionally with row ``weights``, see :func:`data_bits`)."""
    return data_bits(y, pred, rel_floor, weights) + model_bits(expr, n_variables, len(np.asarray(y)))


def simple_fraction(x: float, max_denominator: int = 12) -> sp.Rational:
    """The nearest fraction with a denominator of at most ``max_denominator``."""
    f = Fraction(float(x)).limit_denominator(max_denominator)
    return sp.Rational(f.numerator, f.denominator)


__all__ += ["simple_fraction"]
