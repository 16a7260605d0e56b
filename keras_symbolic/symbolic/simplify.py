"""Post-processing of an extracted formula: rounding to zero, coefficient fit, final rounding.

SPEC 1.9 / LIES paper III-E and III-F. The input is a SymPy expression ``f(x)`` in real Symbols (one
per column of the raw, linear-space data ``X``), full of float constants, e.g.
``3.1*exp(0.49*log(x1) + 1.02*log(x2)) + 0.003*sin(...)``. The chain is

1. :func:`round_to_zero`: every constant ``c`` with ``|c| < max_abs`` (0.05) is set to 0 when the
   first-order estimate of the change of ``f`` (paper Theorem 2, derivative taken at the rounded
   value ``r``), ``max_x |df/dc (c = r, x)| * |c - r|``, is below ``threshold`` (0.1);
2. :func:`fit_coefficients`: the structure is fixed and every remaining float constant is fitted by
   least squares on the raw data (``scipy.optimize.least_squares``), bounded by ``max_nfev`` *and* a
   wall-clock limit;
3. :func:`round_final`: every constant is rounded to ``decimals`` (1) decimals, or to the reciprocal
   of a one-decimal number (``0.3333 -> 1/3``), when the same gradient test says the change is
   negligible, as an exact SymPy ``Rational`` (never ``round(sympy.Float, 1)``, which keeps the binary
   precision: ``0.8 -> 0.796875``); exponents are constants like any other, so ``x**1.9999 -> x**2``
   and ``x**0.50001 -> sqrt(x)``; then the still-free floats are refitted and a bounded
   ``sympy.simplify`` tidies the result.

:func:`simplify_formula` runs the chain under a :class:`SimplifyConfig` and returns every
intermediate :class:`Candidate` (expression, complexity, MSE, R^2, seconds).

Decisions (see the function docstrings for details):

* Constants = ``sympy.Float`` atoms only. Integers and Rationals (``x**2``, ``-x`` = ``-1*x``,
  ``x/3``) are structure, never parameters (the reference code's regex turned ``x**2`` into a free
  parameter). Each occurrence of a float is its own parameter, even when two floats are equal.
* Rounding tests are applied greedily, one constant at a time (the most negligible first), each
  re-checked at the current values after the previous roundings; ``greedy=False`` applies every test
  at the original values simultaneously (the paper's literal reading). Greedy is the default: two
  constants that are each negligible alone (two halves of one term) are not both removed blindly.
* Thresholds are absolute on ``f`` (paper); ``relative=True`` multiplies them by ``std(y)`` (or
  ``std(f)`` when no ``y`` is given).
* A derivative that is not finite on a row where ``f`` is finite means "do not round".
* Every stage is bounded in time (``limits.time_limit`` + deadline checks in the least-squares
  callback); on a timeout a rounding stage keeps the roundings already accepted (each one passed its
  own test), the coefficient fit keeps its input.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit

__all__ = [
    "Candidate",
    "SimplifyConfig",
    "parametrize",
    "bind_parameters",
    "to_callable",
    "round_to_zero",
    "fit_coefficients",
    "round_final",
    "bounded_simplify",
    "simplify_formula",
    "tidy_constants",
    "snap_constants",
]


# --------------------------------------------------------------------------------------------------
# Configuration and results
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SimplifyConfig:
    """Switches, thresholds and time bounds of :func:`simplify_formula`.

    Defaults are the paper's (III-E, III-F): zero threshold 0.1 on constants ``|c| < 0.05``, final
    threshold 0.1 at one decimal.

    Attributes:
        rounding: run the gradient rounding to zero (paper ablation module 3).
        coefficient_fit: run the least-squares coefficient optimisation (paper ablation module 4);
            also gates the refit after final rounding.
        final_rounding: run the final rounding to one decimal (+ simplify).
        zero_threshold: threshold of the rounding-to-zero test (absolute on ``f`` unless ``relative``).
        zero_max_abs: only constants with ``|c| < zero_max_abs`` are tried for rounding to zero.
        final_threshold: threshold of the final rounding test.
        decimals: decimals of the final rounding.
        reciprocal: also try ``1 / round(1/c, decimals)`` in the final rounding.
        relative: thresholds relative to ``std(y)`` instead of absolute.
        greedy: one constant at a time, re-checked after each change (else all at once).
        criterion: ``"gradient"`` (paper: first-order estimate), ``"exact"`` (the actual
            ``max |f(r) - f(c)|``), or ``"both"``.
        max_samples: rows used by the rounding tests (a fixed random subsample beyond that).
        fit_max_samples: rows used by the coefficient fit (``None``: all).
        fit_method: ``least_squares`` method (``"trf"``, ``"lm"`` or ``"dogbox"``).
        fit_max_nfev: function-evaluation cap of the fit.
        refit_after_rounding: after the final rounding, refit the constants still free.
        simplify: run the bounded ``sympy.simplify`` at the end of the final rounding.
        simplify_max_nodes: skip ``simplify`` when the expression has more tree nodes than this.
        snap: after the final rounding, snap near-zero constants to 0 and near-integers to integers
            when the data say it costs nothing (:func:`snap_constants`); not part of the paper.
        snap_tolerance: largest allowed drop of R^2 per snapped constant.
        structure_search: after selection, collapse sub-trees and exponents the data do not need
            (:func:`~keras_symbolic.symbolic.structure_search.structure_search`); not part of the
            paper. Run by :func:`~keras_symbolic.pipelines.lies.run_lies` on the chosen formula, not
            by :func:`simplify_formula`.
        search_tolerance: largest allowed drop of R^2 over the whole structure search.
        search_timeout: wall-clock bound of one structure search, in seconds.
        sum_factor: after selection, also fit ``C prod x_i**a_i (1 + k u)**p`` over the chosen
            formula's variables (:func:`~keras_symbolic.symbolic.sum_factor.sum_factor_search`): the
            sums (``1 - v**2/c**2``, ``1 + chi``, ``gamma - 1``) that the log-space network can only
            approximate; not part of the paper. Run by :func:`~keras_symbolic.pipelines.lies.run_lies`.
        sum_factor_timeout: wall-clock bound of that search, in seconds.
        zero_timeout, fit_timeout, final_timeout, simplify_timeout, snap_timeout: wall-clock bounds
            in seconds.
        seed: seed of the row subsampling.
    """

    rounding: bool = True
    coefficient_fit: bool = True
    final_rounding: bool = True
    zero_threshold: float = 0.1
    zero_max_abs: float = 0.05
    final_threshold: float = 0.1
    decimals: int = 1
    reciprocal: bool = True
    relative: bool = False
    greedy: bool = True
    criterion: str = "gradient"
    max_samples: int = 2000
    fit_max_samples: int | None = 20000
    fit_method: str = "trf"
    fit_max_nfev: int = 1000
    refit_after_rounding: bool = True
    simplify: bool = True
    simplify_max_nodes: int = 400
    snap: bool = True
    snap_tolerance: float = 1e-6
    snap_timeout: float = 5.0
    structure_search: bool = True
    search_tolerance: float = 1e-5
    search_timeout: float = 30.0
    sum_factor: bool = True
    sum_factor_timeout: float = 10.0
    zero_timeout: float = 30.0
    fit_timeout: float = 20.0
    final_timeout: float = 30.0
    simplify_timeout: float = 10.0
    seed: int = 0


@dataclass(frozen=True)
class Candidate:
    """One stage's formula with its scores on the data given to :func:`simplify_formula`.

    Attributes:
        stage: ``"extracted"``, ``"round_to_zero"``, ``"coefficient_fit"`` or ``"final_rounding"``.
        expression: the SymPy expression after that stage.
        complexity: number of nodes (:func:`expression_complexity`).
        loss: mean squared error on the finite rows of the data (``inf`` if the formula is not finite
            on some of them).
        r2: coefficient of determination on the same rows.
        seconds: wall time of that stage.
        info: the stage's report (see each stage function).
    """

    stage: str
    expression: sp.Expr
    complexity: int
    loss: float
    r2: float
    seconds: float
    info: dict = field(default_factory=dict, compare=False)


# --------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------
def parametrize(expr, prefix: str = "c") -> tuple[sp.Expr, list[sp.Symbol], np.ndarray]:
    """Replace every float constant of ``expr`` by its own parameter symbol.

    Only ``sympy.Float`` atoms become parameters; Integers and Rationals (integer exponents,
    ``-x == -1*x``, ``x/3``) and named constants (``pi``) are structure. Each occurrence is its own
    parameter, even when two floats have the same value. Parameters are real Symbols ``c0, c1, ...``
    (in SymPy's traversal order); the prefix gets leading underscores if ``expr`` already has a free
    symbol named like one.

    Returns:
        ``(template, params, values)``; ``bind_parameters(template, params, values)`` gives back
        ``expr`` (same floats).
    """
    expr = sp.sympify(expr)
    taken = {s.name for s in expr.free_symbols}
    while any(n.startswith(prefix) and n[len(prefix):].isdigit() for n in taken):
        prefix = "_" + prefix
    params: list[sp.Symbol] = []
    values: list[float] = []

    def visit(node):
        if isinstance(node, sp.Float):
            value = float(node)
            if not math.isfinite(value):
                return node
            symbol = sp.Symbol(f"{prefix}{len(params)}", real=True)
            params.append(symbol)
            values.append(value)
            return symbol
        if not node.args or node.is_Atom:
            return node
        new_args = tuple(visit(a) if isinstance(a, sp.Basic) else a for a in node.args)
        if all(a is b for a, b in zip(new_args, node.args)):
            return node
        return node.func(*new_args)

    template = visit(expr)
    return template, params, np.asarray(values, dtype=float)


def bind_parameters(template, params: Sequence[sp.Symbol], values) -> sp.Expr:
    """Substitute parameter values: floats become ``sympy.Float``; SymPy numbers (exact Rationals)
    are used as they are."""
    mapping = {}
    for p, v in zip(params, values):
        mapping[p] = v if isinstance(v, sp.Basic) else sp.Float(float(v))
    return sp.sympify(template).xreplace(mapping)


# --------------------------------------------------------------------------------------------------
# Numerics
# --------------------------------------------------------------------------------------------------
def _resolve_variables(expr, variables) -> list[sp.Symbol]:
    """Symbols of ``expr`` in the column order of ``variables`` (Symbols or names, matched by name)."""
    if variables is None:
        raise ValueError("`variables` is required: the Symbols (or names) of the columns of X, in order")
    if isinstance(variables, (str, sp.Symbol)):
        variables = [variables]
    free = sorted(sp.sympify(expr).free_symbols, key=lambda s: s.name)
    by_name: dict[str, sp.Symbol] = {}
    for s in free:
        if s.name in by_name and by_name[s.name] != s:
            raise ValueError(f"expression has two different symbols named {s.name!r}")
        by_name[s.name] = s
    out, names = [], []
    for v in variables:
        name = v if isinstance(v, str) else getattr(v, "name", None)
        if name is None:
            raise TypeError(f"variables must be SymPy Symbols or names, got {v!r}")
        if name in names:
            raise ValueError(f"variable {name!r} given twice")
        names.append(name)
        if name in by_name:
            out.append(by_name[name])
        elif isinstance(v, sp.Symbol):
            out.append(v)
        else:
            out.append(sp.Symbol(name, real=True))
    missing = sorted(set(by_name) - set(names))
    if missing:
        raise ValueError(f"expression uses symbols that are not columns of X: {missing}")
    return out


def _as_vector(out, n: int) -> np.ndarray:
    """Lambdified output -> float64 array of shape ``(n,)`` (constants broadcast, complex -> nan
    unless the imaginary part is negligible)."""
    arr = np.asarray(out)
    if np.iscomplexobj(arr):
        real = np.real(arr)
        ok = np.abs(np.imag(arr)) <= 1e-12 * (1.0 + np.abs(real))
        arr = np.where(ok, real, np.nan)
    try:
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):  # object arrays of SymPy numbers etc.
        arr = np.array([complex(v).real if complex(v).imag == 0 else np.nan for v in arr.ravel()],
                       dtype=np.float64).reshape(arr.shape)
    if arr.size == 1:
        return np.full(n, float(arr.reshape(-1)[0]))
    if arr.size == n:
        return np.array(arr.reshape(n), dtype=np.float64)
    return np.array(np.broadcast_to(arr, (n,)), dtype=np.float64)


def _lambdify(args, expr):
    return sp.lambdify(list(args), expr, modules="numpy")


def to_callable(expr, variables) -> Callable[[np.ndarray], np.ndarray]:
    """``f(X) -> y``: NumPy evaluation of ``expr`` with column ``j`` of ``X`` bound to ``variables[j]``.

    Safe: floating-point warnings are silenced (``np.errstate``), the result is always a new float64
    array of shape ``(N,)`` (constants broadcast to ``N``; complex values become ``nan``).
    """
    expr = sp.sympify(expr)
    symbols = _resolve_variables(expr, variables)
    fn = _lambdify(symbols, expr)
    d = len(symbols)

    def f(X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1) if d == 1 else X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(f"X must have shape (N, {d}), got {X.shape}")
        with np.errstate(all="ignore"):
            return _as_vector(fn(*X.T), X.shape[0])

    f.expr = expr
    f.variables = symbols
    return f


def _prepare_data(X, y, d: int):
    """Float64 ``X`` (N, d) and ``y`` (N,) (or None), restricted to rows where both are finite."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1) if d == 1 else X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"X must have shape (N, {d}) to match the variables, got {X.shape}")
    ok = np.all(np.isfinite(X), axis=1)
    if y is not None:
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        ok &= np.isfinite(y)
        y = y[ok]
    return X[ok], y


def _subsample(n: int, cap: int | None, seed: int) -> np.ndarray | slice:
    if cap is None or n <= cap:
        return slice(None)
    return np.sort(np.random.default_rng(seed).choice(n, size=int(cap), replace=False))


class _Compiled:
    """A parametrised template compiled to NumPy, with lazily built derivatives."""

    def __init__(self, template, params, variables):
        self.template = template
        self.params = list(params)
        self.args = list(variables) + self.params
        self.fn = _lambdify(self.args, template)
        self._grads: dict[int, Callable] = {}

    def value(self, cols, p) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _as_vector(self.fn(*cols, *p), len(cols[0]) if cols else 1)

    def grad(self, j: int, cols, p) -> np.ndarray:
        if j not in self._grads:
            self._grads[j] = _lambdify(self.args, sp.diff(self.template, self.params[j]))
        with np.errstate(all="ignore"):
            return _as_vector(self._grads[j](*cols, *p), len(cols[0]) if cols else 1)


def _threshold_scale(relative: bool, y, f_values) -> float:
    if not relative:
        return 1.0
    for ref in (y, f_values):
        if ref is None:
            continue
        ref = np.asarray(ref)[np.isfinite(ref)]
        if ref.size:
            s = float(np.std(ref)) or float(np.max(np.abs(ref)))
            if s > 0 and math.isfinite(s):
                return s
    return 1.0


def _denominator(r: sp.Rational) -> int:
    return int(sp.Rational(r).q)


_MAX_RECIPROCAL = 100.0


def _is_plain(r) -> bool:
    """A terminating decimal (denominator of only 2s and 5s) or a unit fraction ``+-1/n``."""
    d = _denominator(r)
    for f in (2, 5):
        while d % f == 0:
            d //= f
    return d == 1 or abs(int(sp.Rational(r).p)) == 1


def _rounding_proposals(c: float, decimals: int, reciprocal: bool) -> list[sp.Rational]:
    """Exact candidates for the final rounding of ``c``: ``c`` to ``decimals`` decimals and the
    reciprocal of ``1/c`` to ``decimals`` decimals, as SymPy Rationals (exact: ``0.8 -> 4/5``).

    The reciprocal is only proposed for ``|1/c| <= 100`` (``1/(4 pi) -> 1/12.6`` yes, but not
    ``1.9e-18 -> 1/5.3e17``: such a constant should become 0 or stay a float).
    """
    if not math.isfinite(c):
        return []
    scale = 10 ** int(decimals)
    out = [sp.Rational(int(round(c * scale)), scale)]
    if reciprocal and c != 0.0 and abs(c) * _MAX_RECIPROCAL >= 1.0:
        inv = 1.0 / c
        if math.isfinite(inv):
            q = sp.Rational(int(round(inv * scale)), scale)
            if q != 0:
                out.append(1 / q)
    unique = []
    for r in out:
        if r not in unique:
            unique.append(r)
    return unique


def _gradient_rounding(expr, X, variables, *, propose, threshold, relative, y, greedy, criterion,
                       max_samples, timeout, seed, stage):
    """Shared engine of :func:`round_to_zero` and :func:`round_final`.

    ``propose(c) -> list of exact SymPy numbers`` gives the rounded values to try for a constant.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    info = {"stage": stage, "n_constants": 0, "n_tested": 0, "n_rounded": 0, "rounded": [],
            "timed_out": False, "message": "", "seconds": 0.0}
    if criterion not in ("gradient", "exact", "both"):
        raise ValueError(f"criterion must be 'gradient', 'exact' or 'both', got {criterion!r}")
    symbols = _resolve_variables(expr, variables)
    X, y = _prepare_data(X, y, len(symbols))
    template, params, values = parametrize(expr)
    info["n_constants"] = len(params)
    if not params:
        info["message"] = "no float constants"
        info["seconds"] = time.perf_counter() - t0
        return expr, info
    if X.shape[0] == 0:
        info["message"] = "no finite rows in the data: nothing rounded"
        info["seconds"] = time.perf_counter() - t0
        return expr, info

    rows = _subsample(X.shape[0], max_samples, seed)
    Xs = X[rows]
    cols = list(Xs.T)
    accepted: dict[int, sp.Basic] = {}
    try:
        with time_limit(timeout):
            model = _Compiled(template, params, symbols)
            current = values.copy()
            f_cur = model.value(cols, current)
            finite = np.isfinite(f_cur)
            if not finite.any():
                info["message"] = "formula is not finite on any sample row: nothing rounded"
                raise _Stop
            tau = threshold * _threshold_scale(relative, y, f_cur[finite])
            info["threshold"] = tau

            def change(j, r, p, f_p):
                """Estimated max change of f on the finite rows when p[j] -> r (inf = not allowed)."""
                trial = p.copy()
                trial[j] = float(r)
                delta = abs(p[j] - float(r))
                est = 0.0
                if criterion in ("gradient", "both"):
                    g = model.grad(j, cols, trial)[finite]
                    if not np.all(np.isfinite(g)):
                        return math.inf
                    est = float(np.max(np.abs(g))) * delta
                f_r = model.value(cols, trial)[finite]
                if not np.all(np.isfinite(f_r)):
                    return math.inf
                if criterion in ("exact", "both"):
                    est = max(est, float(np.max(np.abs(f_r - f_p[finite]))))
                return est

            def best(j, p, f_p):
                """Passing proposal of the simplest kind, then closest to the constant, then smaller change.

                Kinds: a ``decimals``-decimal value or ``1/n`` (rank 0) beats the reciprocal of a
                non-integer (``1/3.1 = 10/31``, rank 1), so ``0.31 -> 3/10`` when both pass.
                """
                choice = None
                for r in propose(float(values[j])):
                    est = change(j, r, p, f_p)
                    if est < tau:
                        rank = 0 if _is_plain(r) else 1
                        key = (rank, abs(float(values[j]) - float(r)), _denominator(r), est)
                        if choice is None or key < choice[0]:
                            choice = (key, r, est)
                return choice

            candidates = [j for j in range(len(params)) if propose(float(values[j]))]
            info["n_tested"] = len(candidates)
            first = {}
            for j in candidates:
                first[j] = best(j, current, f_cur)
            if greedy:
                # Most negligible first; those failing now are re-tried last (a removed term can make
                # its inner constants irrelevant).
                order = sorted(candidates, key=lambda j: first[j][2] if first[j] is not None else math.inf)
                for j in order:
                    choice = best(j, current, f_cur)  # re-check at the current values
                    if choice is None:
                        continue
                    accepted[j] = choice[1]
                    current[j] = float(choice[1])
                    f_cur = model.value(cols, current)
            else:
                for j in candidates:
                    if first[j] is not None:
                        accepted[j] = first[j][1]
    except _Stop:
        pass
    except SymbolicTimeout:
        info["timed_out"] = True
        info["message"] = f"time limit of {timeout:g} s reached: kept the {len(accepted)} rounding(s) accepted so far"

    final_values = [accepted.get(j, sp.Float(float(values[j]))) for j in range(len(params))]
    out = bind_parameters(template, params, final_values)
    info["n_rounded"] = len(accepted)
    info["rounded"] = [(float(values[j]), accepted[j]) for j in sorted(accepted)]
    info["seconds"] = time.perf_counter() - t0
    return out, info


class _Stop(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# Stage 1: rounding to zero
# --------------------------------------------------------------------------------------------------
def round_to_zero(expr, X, y=None, variables=None, *, threshold: float = 0.1, max_abs: float = 0.05,
                  relative: bool = False, greedy: bool = True, criterion: str = "gradient",
                  max_samples: int = 2000, timeout: float | None = 30.0, seed: int = 0):
    """Set to 0 every small float constant whose removal changes ``f`` negligibly (SPEC 1.9 step 1).

    For each constant ``c`` with ``|c| < max_abs`` the change of ``f`` from ``c -> 0`` is estimated as
    ``max_x |df/dc (c = 0, x)| * |c|`` (paper Theorem 2 with the derivative at the rounded value),
    over the rows of ``X`` (at most ``max_samples``, a fixed random subsample) where ``f`` is finite;
    below ``threshold`` the constant becomes 0. A non-finite derivative (``log(0)``, ...) or a
    non-finite ``f`` after the change means "keep the constant".

    Args:
        expr: SymPy expression in the Symbols ``variables``.
        X: raw data, shape ``(N, d)``; rows with non-finite values are ignored.
        y: targets; only used for ``relative=True`` (scale ``std(y)``).
        variables: Symbols (or names) of the columns of ``X``, in order (required).
        threshold: absolute bound on the change of ``f`` (paper: 0.1); times ``std(y)`` if
            ``relative``.
        max_abs: only constants with ``|c| < max_abs`` are tried (paper: 0.05).
        greedy: test one constant at a time, most negligible first, re-checking each at the current
            values (default); ``False``: every test at the original values, all applied at once.
        criterion: ``"gradient"`` (paper), ``"exact"`` (true ``max |f(0) - f(c)|``) or ``"both"``.
        timeout: wall-clock bound in seconds; on timeout the roundings accepted so far are kept.

    Returns:
        ``(expr, info)``; ``info`` has ``n_constants``, ``n_tested``, ``n_rounded``, ``rounded``
        (``[(old value, new value)]``), ``timed_out``, ``message``, ``seconds``.
    """

    def propose(c):
        return [sp.Integer(0)] if abs(c) < max_abs and c != 0.0 else []

    return _gradient_rounding(expr, X, variables, propose=propose, threshold=threshold, relative=relative,
                              y=y, greedy=greedy, criterion=criterion, max_samples=max_samples,
                              timeout=timeout, seed=seed, stage="round_to_zero")


# --------------------------------------------------------------------------------------------------
# Stage 2: coefficient fit
# --------------------------------------------------------------------------------------------------
class _FitTimeout(SymbolicTimeout):
    pass


def fit_coefficients(expr, X, y, variables, *, max_nfev: int = 1000, timeout: float | None = 20.0,
                     method: str = "trf", max_samples: int | None = 20000, analytic_jacobian: bool = True,
                     keep_best_on_timeout: bool = False, seed: int = 0):
    """Least-squares fit of every float constant of ``expr`` on the raw data, structure fixed.

    ``scipy.optimize.least_squares`` (``x_scale="jac"``) from the current values, with an analytic
    Jacobian (``sympy.diff`` of the template, lambdified; finite differences if that fails). The
    work is bounded twice: ``max_nfev`` evaluations, and ``timeout`` seconds of wall clock, enforced
    both by :func:`limits.time_limit` and by a deadline check inside the residual and Jacobian
    callbacks (MINPACK's ``lm`` runs in compiled code between callbacks). Non-finite residuals are
    replaced by a large finite penalty, so the solver is steered away from poles and domain edges.

    Integers and Rationals of ``expr`` stay fixed (see :func:`parametrize`). The fitted expression
    is kept only if it is finite and its MSE is not worse than the input's; otherwise (and on
    timeout or error) the input expression is returned unchanged and ``info`` says why.

    Args:
        max_samples: rows used (fixed random subsample beyond that; ``None``: all).
        method: ``"trf"`` (default), ``"lm"`` (needs ``N >= #constants``) or ``"dogbox"``.
        keep_best_on_timeout: on timeout, return the best constants seen so far (if they beat the
            input) instead of the input; ``success`` stays ``False``.

    Returns:
        ``(expr, info)`` with ``info = {success, nfev, n_params, cost_before, cost_after, seconds,
        message}``; ``cost_*`` are mean squared errors on the fitted rows.
    """
    from scipy.optimize import least_squares

    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    info = {"success": False, "nfev": 0, "n_params": 0, "cost_before": math.nan, "cost_after": math.nan,
            "seconds": 0.0, "message": ""}

    def done(result, message, success=False):
        info["message"] = message
        info["success"] = success
        info["seconds"] = time.perf_counter() - t0
        return result, info

    symbols = _resolve_variables(expr, variables)
    X, y = _prepare_data(X, y, len(symbols))
    if y is None:
        raise ValueError("fit_coefficients needs targets y")
    template, params, p0 = parametrize(expr)
    info["n_params"] = len(params)
    if X.shape[0] == 0:
        return done(expr, "no finite rows in the data: input kept")
    rows = _subsample(X.shape[0], max_samples, seed)
    Xs, ys = X[rows], y[rows]
    cols = list(Xs.T)
    n = ys.shape[0]
    if not params:
        with np.errstate(all="ignore"):
            pred = to_callable(expr, symbols)(Xs)
        info["cost_before"] = info["cost_after"] = float(np.mean((pred - ys) ** 2))
        return done(expr, "no float constants to fit", success=True)
    if method == "lm" and n < len(params):
        method = "trf"

    deadline = None if timeout is None or timeout <= 0 else t0 + float(timeout)
    big = 1e8 * max(1.0, float(np.max(np.abs(ys))))
    state = {"nfev": 0, "best_cost": math.inf, "best_p": p0.copy()}

    try:
        with time_limit(timeout):
            model = _Compiled(template, params, symbols)

            def raw_residual(p):
                return model.value(cols, p) - ys

            def residual(p):
                if deadline is not None and time.perf_counter() > deadline:
                    raise _FitTimeout("coefficient fit exceeded its time limit")
                state["nfev"] += 1
                r = raw_residual(p)
                r = np.where(np.isfinite(r), np.clip(r, -big, big), big)
                cost = float(np.mean(r * r))
                if cost < state["best_cost"]:
                    state["best_cost"], state["best_p"] = cost, np.array(p, dtype=float)
                return r

            r0 = raw_residual(p0)
            cost_before = float(np.mean(r0 * r0)) if np.all(np.isfinite(r0)) else math.inf
            info["cost_before"] = cost_before

            jac = "2-point"
            if analytic_jacobian:
                try:
                    grads = [_lambdify(model.args, sp.diff(template, p)) for p in params]

                    def jac(p):  # noqa: F811
                        if deadline is not None and time.perf_counter() > deadline:
                            raise _FitTimeout("coefficient fit exceeded its time limit")
                        with np.errstate(all="ignore"):
                            J = np.column_stack([_as_vector(g(*cols, *p), n) for g in grads])
                        return np.where(np.isfinite(J), J, 0.0)
                except SymbolicTimeout:
                    raise
                except Exception:  # noqa: BLE001 - fall back to finite differences
                    jac = "2-point"

            with np.errstate(all="ignore"):
                result = least_squares(residual, p0, jac=jac, method=method, x_scale="jac",
                                       max_nfev=int(max_nfev))
    except SymbolicTimeout:
        info["nfev"] = state["nfev"]
        info["best_cost_seen"] = state["best_cost"]
        message = f"timeout after {time.perf_counter() - t0:.3g} s (limit {timeout:g} s)"
        before = info["cost_before"]
        if keep_best_on_timeout and math.isfinite(state["best_cost"]) and not state["best_cost"] >= before:
            info["cost_after"] = state["best_cost"]
            return done(bind_parameters(template, params, state["best_p"]), message + ": best constants seen kept")
        return done(expr, message + ": input kept")
    except Exception as exc:  # noqa: BLE001 - any numerical failure keeps the input
        info["nfev"] = state["nfev"]
        return done(expr, f"fit failed ({type(exc).__name__}: {exc}): input kept")

    info["nfev"] = int(result.nfev)
    p = np.asarray(result.x, dtype=float)
    if not np.all(np.isfinite(p)):
        return done(expr, "fit returned non-finite constants: input kept")
    r1 = raw_residual(p)
    cost_after = float(np.mean(r1 * r1)) if np.all(np.isfinite(r1)) else math.inf
    info["cost_after"] = cost_after
    if not math.isfinite(cost_after):
        return done(expr, "fitted formula is not finite on the data: input kept")
    if cost_after > info["cost_before"] * (1 + 1e-12):
        return done(expr, "fit did not improve the MSE: input kept")
    return done(bind_parameters(template, params, p), str(result.message), success=True)


# --------------------------------------------------------------------------------------------------
# Stage 3: final rounding + simplify
# --------------------------------------------------------------------------------------------------
def bounded_simplify(expr, X=None, variables=None, *, timeout: float | None = 10.0, max_nodes: int = 400,
                     rtol: float = 1e-6):
    """``sympy.simplify`` within ``timeout`` seconds, skipped above ``max_nodes`` tree nodes.

    The simplified form is kept only when it is not larger (node count) and, if ``X`` is given,
    numerically equal to the input on the finite rows (relative tolerance ``rtol``), which guards
    against assumption-dependent rewrites. Otherwise the input comes back.

    Returns:
        ``(expr, info)`` with ``info = {applied, message, seconds}``.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    info = {"applied": False, "message": "", "seconds": 0.0}
    size = expression_complexity(expr)
    if size > max_nodes:
        info["message"] = f"skipped: {size} nodes > {max_nodes}"
    else:
        try:
            with time_limit(timeout):
                candidate = sp.simplify(expr)
                ok = expression_complexity(candidate) <= size
                if ok and X is not None and variables is not None:
                    symbols = _resolve_variables(expr, variables)
                    Xc, _ = _prepare_data(X, None, len(symbols))
                    Xc = Xc[_subsample(Xc.shape[0], 2000, 0)]
                    a = to_callable(expr, symbols)(Xc)
                    b = to_callable(candidate, symbols)(Xc)
                    fa = np.isfinite(a)
                    ok = bool(np.array_equal(fa, np.isfinite(b))) and bool(
                        np.all(np.abs(a[fa] - b[fa]) <= rtol * (1.0 + np.abs(a[fa]))))
                if ok:
                    expr = candidate
                    info["applied"] = True
                    info["message"] = "simplified"
                else:
                    info["message"] = "simplify result rejected (larger or numerically different)"
        except SymbolicTimeout:
            info["message"] = f"simplify timed out after {timeout:g} s: input kept"
        except Exception as exc:  # noqa: BLE001
            info["message"] = f"simplify failed ({type(exc).__name__}): input kept"
    info["seconds"] = time.perf_counter() - t0
    return expr, info


def round_final(expr, X, variables, *, y=None, threshold: float = 0.1, decimals: int = 1,
                reciprocal: bool = True, relative: bool = False, greedy: bool = True,
                criterion: str = "gradient", max_samples: int = 2000, timeout: float | None = 30.0,
                refit: bool = True, fit_max_nfev: int = 1000, fit_timeout: float | None = 20.0,
                fit_method: str = "trf", simplify: bool = True, simplify_timeout: float | None = 10.0,
                simplify_max_nodes: int = 400, seed: int = 0):
    """Round constants to ``decimals`` decimals (or to reciprocals) when negligible, then simplify.

    For every float constant ``c`` the candidates are ``round(c, decimals)`` and, if ``reciprocal``,
    ``1 / round(1/c, decimals)``, built as exact SymPy Rationals (``0.8 -> 4/5``, ``0.3333 -> 1/3``).
    A candidate ``r`` is accepted when ``max_x |df/dc (c = r, x)| * |c - r| < threshold`` (paper
    III-E). Among the passing candidates a plain ``decimals``-decimal value or ``1/n`` is preferred to the
    reciprocal of a non-integer, then the one closest to ``c`` wins (ties: smaller denominator):
    ``0.3333 -> 1/3`` rather than ``3/10``, ``0.7 -> 7/10`` rather than ``1/1.4 = 5/7``, ``0.31 -> 3/10``
    rather than ``1/3.2``. Exponents are constants like any
    other, so ``x**1.9999 -> x**2`` and ``x**0.50001 -> sqrt(x)`` when negligible. Greedy, one
    constant at a time (see :func:`round_to_zero`).

    Then, when ``refit`` and ``y`` is given and something was rounded, the constants still free are
    refitted by :func:`fit_coefficients` (the rounded ones fixed): this recovers the fit lost by the
    roundings (e.g. the prefactor once the exponents snapped to integers). Finally a bounded
    :func:`bounded_simplify`.

    Returns:
        ``(expr, info)`` with ``info = {rounding, refit, simplify, unsimplified, seconds}`` (the
        sub-reports of each step and the expression before ``simplify``).
    """
    t0 = time.perf_counter()

    def propose(c):
        return _rounding_proposals(c, decimals, reciprocal)

    out, r_info = _gradient_rounding(expr, X, variables, propose=propose, threshold=threshold,
                                     relative=relative, y=y, greedy=greedy, criterion=criterion,
                                     max_samples=max_samples, timeout=timeout, seed=seed,
                                     stage="final_rounding")
    info = {"rounding": r_info, "refit": None, "simplify": None}
    if refit and y is not None and r_info["n_rounded"] > 0 and out.atoms(sp.Float):
        out, info["refit"] = fit_coefficients(out, X, y, variables, max_nfev=fit_max_nfev,
                                              timeout=fit_timeout, method=fit_method, seed=seed)
    out = tidy_constants(out)
    info["unsimplified"] = out
    if simplify:
        out, info["simplify"] = bounded_simplify(out, X, variables, timeout=simplify_timeout,
                                                 max_nodes=simplify_max_nodes)
        out = tidy_constants(out)
    info["seconds"] = time.perf_counter() - t0
    return out, info


def tidy_constants(expr):
    """Cosmetic, value-preserving clean-up of constants.

    * a float that is an integer (``1.0``, ``2.0``) becomes that Integer (so ``1.0*x -> x``);
    * in a product with a Float factor, the numeric factors merge into one Float
      (``0.7316*exp(5/16)*x -> 0.99997*x``), so a formula shows one constant where there is one.
    """
    expr = sp.sympify(expr)
    ints = {f: sp.Integer(int(f)) for f in expr.atoms(sp.Float) if float(f).is_integer() and abs(float(f)) < 1e15}
    if ints:
        expr = expr.xreplace(ints)

    def merge(mul):
        numbers = [a for a in mul.args if a.is_number]
        if len(numbers) < 2 or not any(a.is_Float for a in numbers):
            return mul  # exact factors (5/63, sqrt(2)*pi) stay exact
        value = complex(sp.N(sp.Mul(*numbers), 15))
        if value.imag != 0 or not math.isfinite(value.real):
            return mul
        return sp.Mul(sp.Float(value.real, 15), *[a for a in mul.args if not a.is_number])

    return expr.replace(lambda e: e.is_Mul, merge)


# --------------------------------------------------------------------------------------------------
# The chain
# --------------------------------------------------------------------------------------------------
def _scores(expr, X, y, symbols) -> tuple[float, float]:
    """(MSE, R^2) of ``expr`` on ``X, y`` (already finite); ``(inf, -inf)`` if not finite somewhere."""
    if y is None or y.shape[0] == 0:
        return math.nan, math.nan
    try:
        pred = to_callable(expr, symbols)(X)
    except Exception:  # noqa: BLE001
        return math.inf, -math.inf
    if not np.all(np.isfinite(pred)):
        return math.inf, -math.inf
    with np.errstate(all="ignore"):
        ss_res = float(np.sum((y - pred) ** 2))
        ss_tot = float(np.sum((y - np.mean(y)) ** 2))
    mse = ss_res / y.shape[0]
    if not math.isfinite(mse):
        return math.inf, -math.inf
    if ss_tot == 0.0:
        return mse, 1.0 if ss_res == 0.0 else 0.0
    return mse, 1.0 - ss_res / ss_tot


def simplify_formula(expr, X, y, variables, config: SimplifyConfig | None = None) -> list[Candidate]:
    """Run rounding to zero -> coefficient fit -> final rounding and return every stage's candidate.

    Each stage can be switched off in ``config`` (paper ablations: ``rounding=False``,
    ``coefficient_fit=False``); a stage that fails unexpectedly keeps its input and records the
    error in its ``info``. The last candidate is the final formula; the first (``"extracted"``) is
    the input. Losses and R^2 are on the finite rows of ``X, y`` (all of them, not the subsamples).
    """
    config = config or SimplifyConfig()
    expr = sp.sympify(expr)
    symbols = _resolve_variables(expr, variables)
    Xc, yc = _prepare_data(X, y, len(symbols))
    candidates: list[Candidate] = []

    def record(stage, e, seconds, info):
        loss, r2 = _scores(e, Xc, yc, symbols)
        candidates.append(Candidate(stage, e, expression_complexity(e), loss, r2, seconds, info))

    record("extracted", expr, 0.0, {})
    current = expr
    stages = []
    if config.rounding:
        stages.append(("round_to_zero", lambda e: round_to_zero(
            e, Xc, yc, symbols, threshold=config.zero_threshold, max_abs=config.zero_max_abs,
            relative=config.relative, greedy=config.greedy, criterion=config.criterion,
            max_samples=config.max_samples, timeout=config.zero_timeout, seed=config.seed)))
    if config.coefficient_fit:
        stages.append(("coefficient_fit", lambda e: fit_coefficients(
            e, Xc, yc, symbols, max_nfev=config.fit_max_nfev, timeout=config.fit_timeout,
            method=config.fit_method, max_samples=config.fit_max_samples, seed=config.seed)))
    if config.final_rounding:
        stages.append(("final_rounding", lambda e: round_final(
            e, Xc, symbols, y=yc, threshold=config.final_threshold, decimals=config.decimals,
            reciprocal=config.reciprocal, relative=config.relative, greedy=config.greedy,
            criterion=config.criterion, max_samples=config.max_samples, timeout=config.final_timeout,
            refit=config.coefficient_fit and config.refit_after_rounding,
            fit_max_nfev=config.fit_max_nfev, fit_timeout=config.fit_timeout,
            fit_method=config.fit_method, simplify=config.simplify,
            simplify_timeout=config.simplify_timeout, simplify_max_nodes=config.simplify_max_nodes,
            seed=config.seed)))
    if config.snap:
        stages.append(("snap", lambda e: snap_constants(
            e, Xc, yc, symbols, tolerance=config.snap_tolerance, timeout=config.snap_timeout,
            max_samples=config.max_samples, seed=config.seed)))
    for name, run in stages:
        t0 = time.perf_counter()
        try:
            new, info = run(current)
        except Exception as exc:  # noqa: BLE001 - a stage never breaks the chain
            new, info = current, {"error": f"{type(exc).__name__}: {exc}"}
        current = new
        record(name, current, time.perf_counter() - t0, info)
    return candidates


def snap_constants(expr, X, y, variables, *, tolerance: float = 1e-6, timeout: float | None = 5.0,
                   max_samples: int | None = 2000, seed: int = 0):
    """Snap float constants that are nearly 0 or nearly an integer, when the data agree.

    For each float constant ``c`` (smallest ``|c|`` first, then closest to an integer), the candidate
    is ``0`` when ``|c| < 1e-3``, else ``round(c)`` when ``|c - round(c)| < 1e-3``. It is kept when
    the formula's R^2 on the data drops by less than ``tolerance`` (measured exactly, not by a
    first-order estimate), so ``q**1.0000025 -> q`` and ``+ 3e-6*sin(x)`` disappear while a real
    small coefficient stays. This complements the paper's absolute-threshold test, which cannot
    judge constants whose derivative is large. Greedy, bounded by ``timeout``. Finally, when it lifts
    R^2 by more than ``tolerance``, one overall scale ``c = <f, y> / <f, f>`` multiplies the formula:
    rounding can leave no free constant to absorb its errors, and a constant factor never changes
    whether a formula is a symbolic solution.

    Returns ``(expr, info)`` with the snapped constants in ``info["snapped"]`` (and ``info["scale"]``).
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    symbols = _resolve_variables(expr, variables)
    info = {"snapped": [], "message": ""}
    if y is None:
        info["message"] = "no targets"
        return expr, info
    X, y = _prepare_data(X, y, len(symbols))
    rows = _subsample(len(y), max_samples, seed)
    X, y = X[rows], y[rows]
    template, params, values = parametrize(expr)
    proposals = []
    for j, c in enumerate(values):
        if abs(c) < 1e-3:
            proposals.append((abs(c), j, sp.Integer(0)))
        elif abs(c - round(c)) < 1e-3:
            proposals.append((abs(c - round(c)), j, sp.Integer(int(round(c)))))
    ss_tot = float(np.sum((y - y.mean()) ** 2)) or 1.0
    current = list(values)

    def r2(vals):
        pred = to_callable(bind_parameters(template, params, vals), symbols)(X)
        if not np.all(np.isfinite(pred)):
            return -math.inf
        return 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot

    try:
        with time_limit(timeout):
            best = r2(current)
            for _, j, target in sorted(proposals, key=lambda t: t[0]):
                trial = list(current)
                trial[j] = target
                score = r2(trial)
                if score >= best - tolerance:
                    info["snapped"].append((float(values[j]), str(target)))
                    current, best = trial, score
    except SymbolicTimeout:
        info["message"] = "timed out; snaps accepted so far kept"
    out = bind_parameters(template, params, current)
    # Rounding can leave no free constant to absorb its small errors (every constant became a
    # Rational): fit one overall scale, in closed form, when that lifts R^2.
    pred = to_callable(out, symbols)(X)
    if np.all(np.isfinite(pred)) and float(pred @ pred) > 0:
        scale = float(pred @ y) / float(pred @ pred)
        r2_now = 1.0 - float(np.sum((y - pred) ** 2)) / ss_tot
        r2_scaled = 1.0 - float(np.sum((y - scale * pred) ** 2)) / ss_tot
        if math.isfinite(scale) and scale != 0 and r2_scaled > r2_now + tolerance:
            out = sp.Float(scale, 15) * out
            info["scale"] = scale
    out = tidy_constants(out)
    info["seconds"] = time.perf_counter() - t0
    return out, info
