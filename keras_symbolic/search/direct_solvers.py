"""The solvers the discovery engine tries on a table (or on a piece of one) before any decomposition,
each cheap (a second or so) and each returning candidate formulas:

* ``basis``: sparse regression over a term library (:mod:`~keras_symbolic.search.basis_regression`),
  the solver for sums, polynomials and trigonometric sums;
* ``basis of T(y)``: the same on a transform of the target, ``y**2``, ``sqrt(y)``, ``1/y``, ``log(y)``,
  ``exp(y)``, ``sin(y)`` (where defined on every row and invertible there), inverted afterwards:
  ``y = T^-1(sum_k c_k t_k)``; where noise flipped the sign of small values, the transforms that
  stretch them (``1/y``, ``log``, ``sqrt``) are fitted on the rows well above the flips, weighted as
  ``y``'s own errors (:data:`FLIP_WEIGHTS`);
* ``polynomial``: sparse regression over every monomial up to degree five (two or three variables);
* ``rational``: a ratio of two sparse polynomials of degree two, ``N(x)/D(x)``
  (:mod:`~keras_symbolic.search.rational_regression`), for weighted averages, saturation curves,
  Lorentzians, shared denominators;
* ``form ...``: for one variable, small forms with inner constants (``A sin(k x + phi) + C``, ...,
  :mod:`~keras_symbolic.search.one_variable_forms`), and the rational solver on ``y**2``;
* ``season``: for the user's table of one column, a line plus the first harmonics of one period
  (:mod:`~keras_symbolic.search.periodic_forms`), for measurements over time with a season;
* ``power law`` and ``(1 + k u)**p`` factors: ``C prod x_i**a_i`` fitted in log space
  (:func:`~keras_symbolic.symbolic.sum_factor.sum_factor_search`), for one-signed targets of positive
  variables (under noise, on the rows well above the small values it flipped).

Every candidate's constants are then fitted jointly on the training rows (least squares), rounded where
the description length allows (:func:`~keras_symbolic.search.coefficient_rounding.round_coefficients`),
and scored by its description length on the held-out rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from keras_symbolic.search.basis_regression import build_library, polynomial_library, sparse_fit
from keras_symbolic.search.coefficient_rounding import round_coefficients
from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.search.description_length import REL_FLOOR, description_length
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.search.one_variable_forms import fit_one_variable_forms
from keras_symbolic.search.periodic_forms import fit_seasons
from keras_symbolic.search.rational_regression import rational_fit
from keras_symbolic.symbolic.sum_factor import sum_factor_search
from keras_symbolic.symbolic.tidy import without_round_off

__all__ = ["Candidate", "TRANSFORMS", "score", "polish", "simplest_form", "normalised_ratio", "whole_numbers",
           "solve_direct"]

_Y = sp.Symbol("_y")
#: Most variables for pair terms in the basis library (``23 d (d - 1) / 2`` of them).
MAX_PAIR_VARIABLES = 12
#: Formulas larger than this (nodes) are not expanded or factorised (work bounded by size).
MAX_REWRITE_NODES = 300
#: Formulas that are polynomials of a higher degree than this in some generator (``exp(t/10)`` in
#: ``exp(329 t/10)``, ``exp(1/200)`` in ``exp(-15463/200)``) are not factorised: SymPy's factorisation
#: of such a polynomial runs for minutes, and only a clock would stop it.
MAX_FACTOR_DEGREE = 24
#: The polynomial solver: every monomial up to this degree, for two up to this many variables (for one
#: variable its low-order fits would undercut the one-variable forms on a piece's surrogate values).
POLYNOMIAL_DEGREE = 5
MAX_POLYNOMIAL_VARIABLES = 3
#: Most variables for the rational solver (its search is exhaustive over small subsets).
MAX_RATIONAL_VARIABLES = 6
#: A one-signed law under noise: where small values of the table have the other sign (the noise flipped
#: them), the log-space fits run on the rows of the majority sign at least this many times above the
#: largest of them (:func:`_one_signed_rows`).
FLIP_MARGIN = 10.0
#: Target transforms: name -> (forward on arrays, defined on y?, inverse as a SymPy expression of _y).
TRANSFORMS = {
    "y**2": (np.square, lambda y: np.all(y >= 0) or np.all(y <= 0), None),
    "sqrt(y)": (np.sqrt, lambda y: np.all(y >= 0), _Y**2),
    "1/y": (np.reciprocal, lambda y: np.all(y != 0), 1 / _Y),
    "log(y)": (np.log, lambda y: np.all(y > 0), sp.exp(_Y)),
    "log(-y)": (lambda y: np.log(-y), lambda y: np.all(y < 0), -sp.exp(_Y)),
    # the inverses of an outer log or sine: y = log(a + b), y = asin(n sin(t))
    "exp(y)": (np.exp, lambda y: np.ptp(y) < 30 and np.max(y) < 300, sp.log(_Y)),
    "sin(y)": (np.sin, lambda y: np.max(np.abs(y)) <= np.pi / 2, sp.asin(_Y)),
}

#: Transforms that stretch small values, fitted on a table whose small values noise flipped (defined
#: there only on the rows of :func:`_one_signed_rows`), with the row weights ``|y|**p = 1 / T'(y)**2`` up
#: to a constant: to first order an error ``e`` of ``y`` is ``T'(y) e`` of ``T(y)``, so the weighted fit
#: judges rows as ``y``'s own errors would.
FLIP_WEIGHTS = {"sqrt(y)": 1, "1/y": 4, "log(y)": 2, "log(-y)": 2}


@dataclass
class Candidate:
    """A candidate formula with its description length on the held-out rows."""

    expression: sp.Expr
    solver: str
    dl: float = float("inf")
    r2: float = float("nan")


def score(expr, X, y, symbols, rel_floor: float = REL_FLOOR, weights=None) -> tuple[float, float]:
    """``(description length, R^2)`` of ``expr`` on ``(X, y)``, both weighted by ``weights (n,)`` when
    given; ``(inf, -inf)`` when not finite."""
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or expr.atoms(sp.AccumBounds):  # sin(oo): no number
        return float("inf"), float("-inf")
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(to_callable(expr, symbols)(X), y.shape).astype(np.float64)
    if not np.all(np.isfinite(pred)):
        return float("inf"), float("-inf")
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    centre = float(np.average(y, weights=w)) if np.sum(w) > 0 else float(np.mean(y))
    r2 = 1.0 - float(np.sum(w * (y - pred) ** 2)) / max(float(np.sum(w * (y - centre) ** 2)), 1e-300)
    return description_length(expr, y, pred, len(symbols), rel_floor, weights), r2


def polish(expr, X, y, symbols, train, val, *, seconds: float = 30.0, rel_floor: float = REL_FLOOR,
           weights=None) -> Candidate | None:
    """Fit the constants of ``expr`` on the training rows, take its smallest form, round the constants
    (description length on all rows), take its smallest form again, score on the held-out rows.

    Every step is bounded by work, so the same formula comes out on an idle or a loaded machine: the
    fit by its function evaluations (300), the rounding by its counts
    (:func:`~keras_symbolic.search.coefficient_rounding.round_coefficients`), the rewrites by the size of
    the formula (:func:`simplest_form`). ``seconds`` is a safety net per step, far above what the work
    takes: a step out of time keeps the formula it was given and the next still runs. ``None`` when
    the formula cannot be evaluated. ``weights (n,)``: row weights of ``X``'s rows (the user's
    measurement weights) for the fit, the rounding and the score."""

    def part(rows):
        return None if weights is None else np.asarray(weights)[rows]

    def step(run, limit):
        try:
            with time_limit(limit):
                return run()
        except SymbolicTimeout:
            return expr

    try:
        if expr.atoms(sp.Float):
            expr = step(lambda: fit_coefficients(expr, X[train], y[train], symbols, max_nfev=300,
                                                 timeout=seconds / 2, max_samples=4000,
                                                 sample_weight=part(train))[0], seconds)
        # merged first: constants the pieces of a decomposition left redundant (0.227 (4.4 s + ...))
        # become one float each, fewer to round
        expr = step(lambda: simplest_form(expr), seconds / 2)
        # a guard at twice the time: the rounding itself stops at ``seconds`` with what it has
        expr = step(lambda: round_coefficients(expr, X, y, symbols, rel_floor=rel_floor, seconds=seconds,
                                               weights=weights), 2 * seconds)
        expr = step(lambda: simplest_form(expr), seconds / 2)
        expr = without_round_off(expr)  # 9.80999999999992 -> 9.81: what the fit left on a short number
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, KeyError):
        return None  # the formula cannot be evaluated (e.g. a rounding divided by zero)
    dl, r2 = score(expr, X[val], y[val], symbols, rel_floor, part(val))
    return Candidate(expr, "", dl, r2) if np.isfinite(dl) else None


def _exp_of_log_to_power(expr: sp.Expr) -> sp.Expr:
    """``exp(c log(x)) -> x**c`` (the log already requires ``x > 0``, so the two are equal)."""

    def is_exp_of_log(e):
        return isinstance(e, sp.exp) and sum(isinstance(f, sp.log) for f in sp.Mul.make_args(e.args[0])) == 1

    def to_power(e):
        factors = sp.Mul.make_args(e.args[0])
        log = next(f for f in factors if isinstance(f, sp.log))
        return log.args[0] ** sp.Mul(*[f for f in factors if f is not log])

    return expr.replace(is_exp_of_log, to_power)


def _log_of_exp(expr: sp.Expr) -> sp.Expr:
    """``log(exp(u)) -> u``: equal for every real ``u`` (the search composes the two, ``c + log(exp(d))``)."""
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.exp),
                        lambda e: e.args[0].args[0])


def simplest_form(expr: sp.Expr) -> sp.Expr:
    """The smallest of ``expr``, its expansion, factorisation and combined powers (same function, fewer
    nodes: ``(a - c)**2/2 + (a + c)**2/2 -> a**2 + c**2``, ``exp(b*log(a)) -> a**b``), with
    ``log(exp(u))`` read as ``u`` first."""
    from keras_symbolic.symbolic.complexity import expression_complexity

    expr = _log_of_exp(expr)
    forms = [expr]
    if expression_complexity(expr) > MAX_REWRITE_NODES:  # expand/factor can explode; a bound by size
        return whole_numbers(expr)
    for rewrite in (sp.expand, _factor_of_low_degree, _exp_of_log_to_power, normalised_ratio,
                    _combined_exponentials):
        try:
            forms.append(rewrite(expr))
        except (TypeError, ValueError, sp.PolynomialError):
            pass
    best = min(forms, key=expression_complexity)
    return whole_numbers(merged_numbers(best))


def _factor_of_low_degree(expr: sp.Expr) -> sp.Expr:
    """``sp.factor(expr)`` when the numerator and denominator are polynomials of degree at most
    :data:`MAX_FACTOR_DEGREE` in each of their generators, else ``expr`` as it is (a bound by work)."""
    for part in sp.fraction(sp.together(expr)):
        if not part.is_number and max(sp.Poly(part).degree_list()) > MAX_FACTOR_DEGREE:
            return expr
    return sp.factor(expr)


def _combined_exponentials(expr: sp.Expr) -> sp.Expr:
    """``exp(a) exp(b) -> exp(a + b)``, each exponent then factorised: a Gaussian that an expansion
    split, ``4 exp(-15463/200) exp(329 t/10) exp(-7 t**2/2)``, reads ``4 exp(-7 (10 t - 47)**2/200)``."""
    combined = sp.powsimp(expr, combine="exp")
    return combined.replace(lambda e: isinstance(e, sp.exp) and not e.args[0].is_number,
                            lambda e: sp.exp(_factor_of_low_degree(e.args[0])))


def merged_numbers(expr: sp.Expr) -> sp.Expr:
    """A float times other numbers as one float: ``0.0415428 sqrt(579) x -> 0.999616 x`` (a factorisation
    takes ``sqrt(193/12)`` out of a square root beside a fitted float: one constant, not five nodes)."""

    def numbers(e):
        return [a for a in e.args if a.is_number]

    def mergeable(e):
        found = numbers(e) if e.is_Mul else []
        return len(found) > 1 and any(a.atoms(sp.Float) for a in found)

    def merge(e):
        value = sp.Mul(*numbers(e)).evalf()
        if not isinstance(value, sp.Float):  # complex, or not a number after all: left as it is
            return e
        return value * sp.Mul(*[a for a in e.args if not a.is_number])

    return expr.replace(mergeable, merge)


def normalised_ratio(expr: sp.Expr) -> sp.Expr:
    """A ratio ``N/D`` with a common factor taken out: numerator and denominator divided by the
    denominator's constant term (else its first term's coefficient), so ``5034.9/(5034.9 x**2 + 5034.9)``
    reads ``1/(x**2 + 1)`` and its floats round to simple numbers."""
    num, den = sp.fraction(sp.together(expr))
    if den == 1 or not den.is_Add:
        return expr
    terms = sp.Add.make_args(den)
    numbers = [t for t in terms if t.is_Number]
    c = numbers[0] if numbers else terms[0].as_coeff_Mul()[0]
    if c == 0 or not c.is_Number:
        return expr
    return whole_numbers(sp.expand(num / c) / sp.Add(*[t / c for t in terms]))


def whole_numbers(expr: sp.Expr) -> sp.Expr:
    """Floats that are exact numbers up to float round-off as those numbers: whole numbers (``1.0``,
    ``0.9999999999999999`` that a factorisation of exact floats leaves: ``1.0*x -> x``), and simple
    fractions times a power of pi (``0.318309886183791 -> 1/pi``, left when a rounding moved pi into a
    neighbouring constant, so ``0.318309886183791*pi*cos(x)`` reads ``cos(x)``). A small float is never
    read as 0: ``6.6e-77 exp(0.0949 year)`` is a fitted scale (the rounding, which sees the rows, drops a
    term that does not matter)."""
    exact = {}
    for f in expr.atoms(sp.Float):
        x = float(f)
        if not (0 < abs(x) < 1e15):
            continue
        if round(x) != 0 and abs(x - round(x)) <= 1e-12 * max(1.0, abs(x)):
            exact[f] = sp.Integer(round(x))
            continue
        for k in (1, -1, 2, -2):
            r = x / np.pi**k
            q = Fraction(r).limit_denominator(12)
            if abs(r - float(q)) <= 1e-12 * abs(r):
                exact[f] = sp.Rational(q.numerator, q.denominator) * sp.pi**k
                break
    return expr.xreplace(exact) if exact else expr


def _basis(library, y, symbols, train, val, max_terms, rel_floor, weights=None) -> list[sp.Expr]:
    fits = sparse_fit(library, y, train, val, symbols, max_terms=max_terms, rel_floor=rel_floor, weights=weights)
    return [expr for _, expr in fits[:2]]


def _most_promising(raw: list, X, y, symbols, keep: int, rel_floor: float, weights=None) -> list:
    """The best raw candidate of every solver, then the others with the smallest description length
    before polishing, ``keep`` in all (at least one per solver: on a surrogate's slightly bent values
    the simple right formula can rank below flexible ones until the raw rows judge them)."""
    scored = sorted((score(e, X, y, symbols, rel_floor, weights)[0], i) for i, (_, e) in enumerate(raw))
    scored = [(d, i) for d, i in scored if np.isfinite(d)]
    chosen, solvers = [], set()
    for d, i in scored:
        if raw[i][0] not in solvers:
            solvers.add(raw[i][0])
            chosen.append(i)
    chosen += [i for _, i in scored if i not in chosen][: max(0, keep - len(chosen))]
    return [raw[i] for i in sorted(chosen)]


def _one_signed_rows(y, measured: bool = True) -> np.ndarray | None:
    """The rows a log-space fit (power law, ``(1 + k u)**p`` factor, :data:`FLIP_WEIGHTS`) may use: all of
    them when ``y`` has one sign; under noise, where the small values of a one-signed law flip sign, the
    rows of the majority sign at least :data:`FLIP_MARGIN` times the largest flipped value (the noise is a
    few times that, so there it shifts ``log|y|`` by a few per cent at most, not by orders of magnitude);
    ``None`` when fewer than a tenth of the rows are left (a function that changes sign: its values of
    the other sign are not small), and whenever ``y`` changes sign if it is not ``measured``."""
    positive, negative = y > 0, y < 0
    if np.all(positive) or np.all(negative):
        return np.arange(len(y))
    if not measured:
        return None
    major = positive if positive.sum() >= negative.sum() else negative
    rows = np.flatnonzero(major & (np.abs(y) >= FLIP_MARGIN * np.max(np.abs(y[~major]))))
    return rows if len(rows) >= max(10, len(y) // 10) else None


def solve_direct(X, y, symbols, train, val, *, max_terms: int = 6, transforms: bool = True,
                 power_law: bool = True, seconds: float = 20.0, polish_top: int = 6,
                 rel_floor: float = REL_FLOOR, weights=None, measured: bool = True,
                 seasons: bool = False) -> list[Candidate]:
    """Every direct solver on ``X (n, d)``, ``y (n,)``; the ``polish_top`` most promising candidates
    polished and scored (see the module docstring). ``rel_floor``: the relative precision of ``y``
    (round-off for a table; a surrogate's error for its values), below which errors do not count.
    ``weights (n,)``: row weights; the solvers propose formulas unweighted, and the weights enter their
    ranking, constant fits, rounding and scores (:func:`polish`). ``measured``: ``y`` are measurements,
    whose noise may flip the sign of small values (:func:`_one_signed_rows`); ``False`` for a surrogate's
    smooth values, where a sign change is the function's (or the surrogate's error near a zero).
    ``seasons``: on a table of one column, also a trend with a season
    (:func:`~keras_symbolic.search.periodic_forms.fit_seasons`, at most four), each polished and as
    fitted, beside the others (the user's table; not a surrogate's piece)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    # once: the transforms share it; pairs and triples only where their number stays moderate
    library = build_library(X, symbols, pairs=len(symbols) <= MAX_PAIR_VARIABLES, triples=len(symbols) <= 6)
    raw: list[tuple[str, sp.Expr]] = [("basis", e) for e in _basis(library, y, symbols, train, val, max_terms, rel_floor)]
    signed = _one_signed_rows(y, measured)
    if transforms:
        for name, (forward, defined, inverse) in TRANSFORMS.items():
            w = None
            if name in FLIP_WEIGHTS and signed is not None and signed.size < len(y):
                if not defined(y[signed]):
                    continue
                # noise flipped small values of a one-signed table: the fit on the rows well above them,
                # weighted as y's own errors (a row's weight 0 elsewhere: its transform is noise or undefined)
                w = np.zeros(len(y))
                w[signed] = (np.abs(y[signed]) / np.max(np.abs(y[signed]))) ** FLIP_WEIGHTS[name]
            elif not defined(y):
                continue
            with np.errstate(all="ignore"):
                t = forward(np.where(w == 0, y[signed[0]], y)) if w is not None else forward(y)
            if not np.all(np.isfinite(t)) or np.ptp(t) == 0:
                continue
            sign = -1 if name == "y**2" and np.all(y <= 0) else 1
            for e in _basis(library, t, symbols, train, val, max(2, max_terms - 2), rel_floor, w):
                back = sign * sp.sqrt(e) if inverse is None else inverse.xreplace({_Y: e})
                raw.append((f"basis of {name}", back))
    if 2 <= X.shape[1] <= MAX_POLYNOMIAL_VARIABLES:  # one variable: the term library's powers cover it
        poly = polynomial_library(X, symbols, POLYNOMIAL_DEGREE)
        raw += [("polynomial", e) for e in _basis(poly, y, symbols, train, val, max_terms + 2, rel_floor)]
    if X.shape[1] <= MAX_RATIONAL_VARIABLES:
        raw += [("rational", e) for _, e in rational_fit(X, y, symbols, train, val, rel_floor=rel_floor)[:4]]
    if X.shape[1] == 1:
        # the best five forms: the Hill form can rank among the first four and must not push out a form
        # that fits almost as well (a saturating exponential beside a Hill curve)
        raw += [(f"form {name}", e) for name, e in fit_one_variable_forms(X[train, 0], y[train], symbols[0])[:5]]
        if transforms and (np.all(y > 0) or np.all(y < 0)):  # a root of a ratio: sqrt((1 + x)/(1 - x))
            sign = int(np.sign(y[0]))
            raw += [("rational of y**2", sign * sp.sqrt(e))
                    for _, e in rational_fit(X, y**2, symbols, train, val, rel_floor=rel_floor)[:2]]
    if power_law and signed is not None:
        used = [i for i in range(X.shape[1]) if np.all(X[:, i] > 0)]
        if used:
            start = sp.Mul(*[symbols[i] for i in used])
            found, _ = sum_factor_search(start, X[signed], y[signed], symbols, timeout=min(10.0, seconds / 2))
            raw += [("power law" if d == "power law" else "(1 + k u)**p factor", e) for d, e in found]
    val_weights = None if weights is None else np.asarray(weights)[val]
    promising = _most_promising(raw, X[val], y[val], symbols, polish_top, rel_floor, val_weights)
    out = []
    if seasons and X.shape[1] == 1:  # beside the others, not in their place: a season is a measured table's
        found = fit_seasons(X[train, 0], y[train], symbols[0])
        promising += found
        # and as fitted: the rounding's zeros, judged by the description length against RMS(y), drop a
        # harmonic's sine or cosine on a few dozen noisy rows far from 0 and fix the season's phase
        for _, expr in found:
            out.append(Candidate(expr, "season", *score(expr, X[val], y[val], symbols, rel_floor, val_weights)))
    for solver, expr in promising:
        cand = polish(expr, X, y, symbols, train, val, rel_floor=rel_floor, weights=weights)
        if cand is not None:
            cand.solver = solver
            out.append(cand)
    return sorted(out, key=lambda c: c.dl)
