"""Is a found formula a *symbolic solution* of a ground truth? (LIES paper, SRBench.)

Definition (SPEC 1.10, LIES paper, SRBench): a found formula :math:`\\hat f` solves the truth
:math:`f` when

* the difference :math:`f - \\hat f` simplifies to a constant, **or**
* the ratio :math:`f / \\hat f` simplifies to a non-zero constant,

and :math:`\\hat f` itself is not a constant. Two rules are offered:

``rule="paper"``
    the definition as is, on the raw found formula (float constants kept).
``rule="srbench"``
    SRBench's variant: first every float constant ``c`` of the *found* formula with
    :math:`|c| < 10^{-4}` becomes 0 and every other one is rounded to 3 decimals (as SRBench's
    ``round_floats`` in ``get_symbolic_model``; here rounded to the exact decimal, a
    :class:`~sympy.Rational`, not to a 3-digit binary ``Float``;
    :func:`~keras_symbolic.symbolic.float_constants.round_constants_srbench`), then the same test.

Variables are matched **by name**: a found formula over plain ``Symbol("m")`` is compared with a truth
over ``Symbol("m", positive=True)`` after re-creating its symbols with the truth's assumptions
(strings are parsed by :func:`~keras_symbolic.symbolic.parsing.parse_expression`).

How it is decided (cheap first, every SymPy call bounded):

1. *Normalise floats* (:func:`~keras_symbolic.symbolic.float_constants.normalize_floats`). A float
   that equals, to double precision, a fraction p/q with q <= 16 becomes that :class:`~sympy.Rational`
   (``x**2.0 -> x**2``, ``x**0.5 -> sqrt(x)``, ``0.5*m -> m/2``). This is exact at double precision,
   so ``x**1.99`` stays ``x**1.99`` and is *not* ``x**2``.
2. *Numeric screen* (:mod:`keras_symbolic.symbolic.numeric_screen`). Truth and found are evaluated
   (NumPy, float64) on ``n_points`` random points of the variables' box. For :math:`d = f - \\hat f`
   the spread is
   :math:`s_d = \\operatorname{spread}(d) / \\max(|f|, |\\hat f|)`, for :math:`r = f/\\hat f` it is
   :math:`s_r = \\operatorname{spread}(r) / |\\operatorname{median}(r)|`. If the robust spread (90th
   percentile of the deviation from the median) exceeds ``1e-6`` for both, the answer is ``False``
   without any SymPy work (``method="numeric"``): a function that is not constant on the box is not
   constant.
3. *Symbolic confirmation*, within ``timeout`` seconds in all
   (:func:`keras_symbolic.symbolic.limits.time_limit`): the difference (ratio) is constant when, after
   ``simplify``, it has no free symbol, or when every partial derivative
   :math:`\\partial_v (f - \\hat f)` (for the ratio the numerator
   :math:`\\partial_v f \\cdot \\hat f - f \\cdot \\partial_v \\hat f`) simplifies to 0. Float residues of
   double arithmetic (``0.1*x + 0.2*x - 0.3*x = 5.6e-17*x``) are chopped: floats below
   :math:`10^{-12} \\max(1, \\max|c|)`, c the found formula's float constants, count as 0.
   If SymPy finishes without reaching a constant the answer is ``False`` (``method="symbolic"``),
   even when the numbers look constant: the definition says *simplifies to*.

Timeouts (the decision taken here): SymPy running out of time is no evidence either way. With
``on_timeout="numeric"`` (default) a timed-out check is accepted when the numbers are constant to
``rtol = 1e-9`` relative spread on **every** sampled point (max deviation, not a percentile; at least
half of the points must be usable); the result
is flagged ``method="numeric"`` so that such cases can be counted apart (a random-point identity test
at 1e-9 on 128 points is strong evidence; a false positive needs a term below 1e-9 of the formula's
size on the whole box). Otherwise (weaker numeric evidence, or ``on_timeout="reject"``) the answer is
``False`` with ``method="timeout"``. Under the strict reading of the paper's rule (symbolic
confirmation required for ``True``), pass ``on_timeout="reject"``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Mapping

import sympy as sp

from .float_constants import normalize_floats, round_constants_srbench
from .limits import SymbolicTimeout, time_limit
from .numeric_screen import REJECT_SPREAD, numeric_screen
from .parsing import parse_expression

__all__ = [
    "SolutionCheck",
    "check_symbolic_solution",
    "is_symbolic_solution",
]

Rule = Literal["paper", "srbench"]
Kind = Literal["difference", "ratio"]
Method = Literal["symbolic", "numeric", "timeout"]

RULES = ("paper", "srbench")
CHOP_RELATIVE = 1e-12
"""Floats below this times max(1, max |found constant|) are rounding residue (see module docs)."""


@dataclass(frozen=True)
class SolutionCheck:
    """Outcome of :func:`check_symbolic_solution`.

    Attributes:
        is_solution: the verdict.
        rule: ``"paper"`` or ``"srbench"``.
        kind: ``"difference"`` (``truth - found`` constant) or ``"ratio"`` (``truth / found`` a non-zero
            constant) when ``is_solution``; ``None`` otherwise.
        constant: value of that difference or ratio (float) when ``is_solution``, else ``None``.
        method: how the verdict was reached: ``"symbolic"`` (SymPy proof, or SymPy finished without
            finding a constant), ``"numeric"`` (numeric screen rejected it, or a symbolic timeout was
            accepted on numeric evidence), ``"timeout"`` (SymPy timed out and the numbers did not
            suffice: ``False``).
        detail: one human-readable line on why.
    """

    is_solution: bool
    rule: str
    kind: Kind | None
    constant: float | None
    method: Method
    detail: str = ""

    def __bool__(self) -> bool:
        return self.is_solution


def _chop(expr: sp.Expr, tol: float) -> sp.Expr:
    small = {f: sp.Integer(0) for f in expr.atoms(sp.Float) if abs(float(f)) < tol}
    return expr.xreplace(small) if small else expr


def _truth_and_context(truth, variables):
    """(truth expression, name -> Symbol, name -> (low, high)) from the arguments."""
    ranges: dict[str, tuple[float, float]] = {}
    declared: dict[str, sp.Symbol] = {}
    # Duck-typed benchmark equation (e.g. keras_symbolic.datasets.FeynmanEquation).
    if hasattr(truth, "sympy_expr") and hasattr(truth, "ranges") and hasattr(truth, "variables"):
        ranges.update({name: (float(lo), float(hi)) for name, (lo, hi) in zip(truth.variables, truth.ranges)})
        truth = truth.sympy_expr
    if isinstance(variables, Mapping):
        for key, bounds in variables.items():
            name = key.name if isinstance(key, sp.Symbol) else str(key)
            try:
                low, high = (float(b) for b in bounds)
            except (TypeError, ValueError):
                raise ValueError(f"range of {name!r} must be a (low, high) pair, got {bounds!r}") from None
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise ValueError(f"range of {name!r} must be finite with low <= high, got {bounds!r}")
            ranges[name] = (low, high)
            # what the range says of the variable: log(K/n) = log(K) - log(n) needs K, n > 0, and a
            # range that reaches zero or below must not let sqrt(x**2) become x
            declared[name] = key if isinstance(key, sp.Symbol) else sp.Symbol(name, **(
                {"positive": True} if low > 0 else {"real": True}))
    elif variables is not None:
        if isinstance(variables, (str, sp.Basic)):
            raise TypeError("variables must be a sequence of names/Symbols or a name -> (low, high) mapping")
        for item in variables:
            symbol = item if isinstance(item, sp.Symbol) else sp.Symbol(str(item), positive=True)
            declared[symbol.name] = symbol
    if isinstance(truth, str):
        truth_expr = parse_expression(truth, declared)
    else:
        truth_expr = sp.sympify(truth)
    symbols = dict(declared)
    symbols.update({s.name: s for s in truth_expr.free_symbols})  # the truth's own assumptions win
    return truth_expr, symbols, ranges


def _bind_found(found, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    expr = parse_expression(found, symbols) if isinstance(found, str) else sp.sympify(found)
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in symbols)
    if unknown:
        raise ValueError(
            f"found formula uses variable(s) {unknown} that are neither in the truth nor in `variables` "
            f"(known: {sorted(symbols)}); variables are matched by name"
        )
    return expr.xreplace({s: symbols[s.name] for s in expr.free_symbols if s != symbols[s.name]})


def _simplify(expr: sp.Expr) -> sp.Expr:
    """``sympy.simplify``, and when that leaves variables and the expression has hyperbolic functions,
    ``simplify`` of it rewritten in exponentials (``(tanh(u/2) + 1)/2 - 1/(1 + exp(-u))`` is 0 only
    there). A module-level hook so that tests can slow it down."""
    simplified = sp.simplify(expr)
    if simplified.free_symbols and expr.has(sp.tanh, sp.sinh, sp.cosh, sp.coth, sp.sech, sp.csch):
        rewritten = sp.simplify(expr.rewrite(sp.exp))
        if not rewritten.free_symbols or rewritten == 0:
            return rewritten
    return simplified


def _constant_value(expr: sp.Expr) -> float | None:
    try:
        value = complex(sp.N(expr))
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(value.real) and abs(value.imag) <= 1e-12 * max(1.0, abs(value.real))):
        return None
    return value.real


def _prove_constant(truth, found, kind: Kind, chop_tol: float, point: Mapping) -> tuple[float | None, str]:
    """Constant value of ``truth - found`` / ``truth / found`` if SymPy proves it constant.

    Returns ``(value, how)``; value ``None`` when not proven (SymPy finished without a constant).
    Raises SymbolicTimeout through the caller's time limit.
    """
    expr = truth - found if kind == "difference" else truth / found
    expr = _chop(expr, chop_tol)
    if not expr.free_symbols:
        return _constant_value(expr), "evaluates to a constant"
    simplified = _chop(_simplify(expr), chop_tol)
    if not simplified.free_symbols:
        return _constant_value(simplified), "simplifies to a constant"
    for v in sorted(expr.free_symbols, key=lambda s: s.name):
        if kind == "difference":
            derivative = sp.diff(truth, v) - sp.diff(found, v)
        else:  # d(t/f)/dv = (t' f - t f') / f**2: constant iff the numerator vanishes
            derivative = sp.diff(truth, v) * found - truth * sp.diff(found, v)
        derivative = _chop(sp.expand(derivative), chop_tol)
        if derivative != 0:
            derivative = _chop(_simplify(derivative), chop_tol)
        if derivative != 0:
            return None, f"derivative w.r.t. {v.name} does not simplify to 0"
    # Constant: its value at any point of the domain (a sampled point where both sides are finite).
    return _constant_value(expr.xreplace(point)), "every partial derivative simplifies to 0"


def check_symbolic_solution(
    found: str | sp.Expr,
    truth: Any,
    variables: Mapping[str, tuple[float, float]] | Iterable[str | sp.Symbol] | None = None,
    rule: Rule = "paper",
    timeout: float | None = 5.0,
    *,
    on_timeout: Literal["numeric", "reject"] = "numeric",
    n_points: int = 128,
    seed: int = 0,
    rtol: float = 1e-9,
) -> SolutionCheck:
    """Decide whether ``found`` is a symbolic solution of ``truth`` (see the module docstring).

    Args:
        found: the discovered formula, a string or SymPy expression; its variables are matched to the
            truth's by name (plain Symbols are re-created with the truth's assumptions).
        truth: the ground truth: a SymPy expression, a string, or an object with ``sympy_expr``,
            ``variables`` and ``ranges`` (e.g. :class:`keras_symbolic.datasets.FeynmanEquation`, whose
            ranges are then used for the numeric screen).
        variables: optional names (or Symbols) the formulas may use, or a mapping ``name -> (low, high)``
            giving sampling ranges; missing ranges default to ``(1, 5)``. Names in a string ``truth``
            are parsed as variables (so ``lambda``, ``gamma``, ``E`` work).
        rule: ``"paper"`` or ``"srbench"`` (round found constants first: ``|c| < 1e-4 -> 0``, 3 decimals).
        timeout: seconds for all SymPy work of this call (``None``: unbounded).
        on_timeout: ``"numeric"``: on a SymPy timeout, accept when the numeric spread is <= ``rtol`` on
            every point (flagged ``method="numeric"``); ``"reject"``: a timeout is ``False``.
        n_points: random points of the numeric screen.
        seed: seed of those points (``numpy.random.default_rng``).
        rtol: relative spread that counts as numerically constant.

    Returns:
        A :class:`SolutionCheck`.

    Raises:
        ValueError: unknown ``rule``/``on_timeout``, unparsable strings, or ``found`` using a variable
            the truth does not know.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if on_timeout not in ("numeric", "reject"):
        raise ValueError(f"on_timeout must be 'numeric' or 'reject', got {on_timeout!r}")
    truth_expr, symbols, ranges = _truth_and_context(truth, variables)
    found_expr = _bind_found(found, symbols)
    if rule == "srbench":
        found_expr = round_constants_srbench(found_expr)
    found_expr = normalize_floats(found_expr)
    truth_expr = normalize_floats(truth_expr)

    def result(ok, kind, constant, method, detail):
        return SolutionCheck(bool(ok), rule, kind if ok else None, constant if ok else None, method, detail)

    if not found_expr.free_symbols:
        return result(False, None, None, "symbolic", f"found formula is the constant {found_expr}")

    used = {s.name: s for s in (truth_expr.free_symbols | found_expr.free_symbols)}
    numeric, point = numeric_screen(truth_expr, found_expr, used, ranges, n_points, seed)
    # A kind stays a candidate when the numbers allow it or say nothing (no usable point).
    kinds: list[Kind] = [k for k in ("difference", "ratio")
                         if numeric[k].n_valid == 0 or numeric[k].robust <= REJECT_SPREAD]
    if not kinds:
        spreads = ", ".join(f"{k} {numeric[k].robust:.3g}" for k in ("difference", "ratio"))
        return result(False, None, None, "numeric", f"not constant on the sampled box (relative spread: {spreads})")

    float_scale = max([1.0] + [abs(float(c)) for c in found_expr.atoms(sp.Float)])
    chop_tol = CHOP_RELATIVE * float_scale
    reasons = []
    try:
        with time_limit(timeout):
            for kind in kinds:
                value, how = _prove_constant(truth_expr, found_expr, kind, chop_tol, point)
                if value is None and how.startswith("every") and math.isfinite(numeric[kind].center):
                    value = numeric[kind].center  # proven constant; value not computable at `point`
                if value is not None and (kind == "difference" or value != 0.0):
                    return result(True, kind, value, "symbolic", f"{kind}: {how}")
                reasons.append(f"{kind}: {how}" if value is None else f"{kind}: constant is {value}")
    except SymbolicTimeout:
        numerically_constant = [k for k in kinds
                                if numeric[k].strict <= rtol and 2 * numeric[k].n_valid >= n_points]
        if on_timeout == "numeric" and numerically_constant:
            kind = numerically_constant[0]
            return result(True, kind, numeric[kind].center, "numeric",
                          f"SymPy timed out after {timeout} s; {kind} constant to "
                          f"{numeric[kind].strict:.2g} relative on {numeric[kind].n_valid} points")
        spreads = ", ".join(f"{k} {numeric[k].strict:.3g}" for k in kinds)
        return result(False, None, None, "timeout",
                      f"SymPy timed out after {timeout} s; numeric spread ({spreads}) "
                      + ("not below rtol" if on_timeout == "numeric" else "not used (on_timeout='reject')"))
    return result(False, None, None, "symbolic", "; ".join(reasons))


def is_symbolic_solution(
    found: str | sp.Expr,
    truth: Any,
    variables: Mapping[str, tuple[float, float]] | Iterable[str | sp.Symbol] | None = None,
    rule: Rule = "paper",
    timeout: float | None = 5.0,
    **kwargs: Any,
) -> bool:
    """``True`` when ``found`` is a symbolic solution of ``truth``: :func:`check_symbolic_solution`'s verdict.

    Example:
        >>> is_symbolic_solution("0.5*m*v**2", "m*v**2/2", ["m", "v"])
        True
        >>> is_symbolic_solution("1.00004*x + 0.00003", "x", ["x"], rule="srbench")
        True
    """
    return check_symbolic_solution(found, truth, variables, rule, timeout, **kwargs).is_solution
