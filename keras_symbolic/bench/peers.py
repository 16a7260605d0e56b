"""Live peers for side-by-side runs: pyoperon and gplearn on the same rows, budget and scoring as LIES.

Each peer is fitted on the training rows of the run (:func:`keras_symbolic.bench.feynman.feynman_data`,
the same rows LIES sees for that equation and seed), converted to a SymPy expression over the
equation's own variables (by name, with the table's positive symbols) and scored like LIES: R^2 on
the held-out rows, the symbolic-solution check under the paper's rule and SRBench's
(:func:`keras_symbolic.symbolic.equivalence.check_symbolic_solution`, same timeout), complexity as
SymPy tree nodes (:func:`keras_symbolic.symbolic.complexity.expression_complexity`).

Budgets: ``evaluations`` (default 500k, SRBench's budget) split into ``population`` x generations,
and a wall-clock ``time_budget`` (from ``--deadline``, see
:func:`keras_symbolic.bench.feynman.peer_time_budget`) after which the search stops by itself and
returns its best model (operon: ``max_time``; gplearn: generation by generation with ``warm_start``).

Conversions:

* **pyoperon**: ``get_model_string(model, precision=17, names=placeholders)`` is parsed with ``^``
  as power and operon's functions (``square``, ``cube``, ``aq(a, b) = a / sqrt(1 + b^2)``,
  ``logabs``, ``sqrtabs``, ...). Operon fits float32 constants; they are kept as printed.
* **gplearn**: the program's prefix list is folded into SymPy. gplearn's protected operators
  become their plain forms: ``div(a, b) -> a/b`` (gplearn returns 1 where ``|b| <= 0.001``),
  ``inv(a) -> 1/a`` (0 where ``|a| <= 0.001``), ``log(a) -> log(|a|)`` (0 where ``|a| <= 0.001``),
  ``sqrt(a) -> sqrt(|a|)``. They differ only inside those tiny bands, so the record's ``r2_test`` is
  gplearn's own ``predict`` and ``r2_test_expression`` that of the SymPy form.
"""
from __future__ import annotations

import math
import time
from typing import Any, Mapping, Optional, Sequence

import numpy as np
import sympy as sp

from keras_symbolic.search.operon_conversion import operon_to_sympy, placeholders

__all__ = [
    "PEERS",
    "OPERON_DEFAULTS",
    "GPLEARN_DEFAULTS",
    "check_peer_options",
    "operon_to_sympy",
    "gplearn_to_sympy",
    "fit_operon",
    "fit_gplearn",
    "run_peer",
]

PEERS = ("operon", "gplearn")
OPERON_DEFAULTS = {
    "allowed_symbols": "add,sub,mul,div,exp,log,sqrt,sin,cos,constant,variable",
    "max_length": 50,
    "tournament_size": 5,
    "n_threads": 1,
}
"""pyoperon ``SymbolicRegressor`` settings besides population, budget and seed (SRBench-like; the
operator set matches the Feynman formulas and LIES's units)."""
GPLEARN_DEFAULTS = {
    "function_set": ("add", "sub", "mul", "div", "sqrt", "log", "sin", "cos"),
    "tournament_size": 20,
    "parsimony_coefficient": 0.001,
    "n_jobs": 1,
}
"""gplearn ``SymbolicRegressor`` settings besides population, generations and seed."""


def check_peer_options(method: str, options: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` if ``method`` is not installed or ``options`` are not its parameters."""
    if method not in PEERS:
        raise ValueError(f"unknown peer {method!r}; choose from {', '.join(PEERS)}")
    try:
        estimator = _estimator_class(method)
    except ImportError:
        package = "pyoperon" if method == "operon" else "gplearn"
        raise ValueError(f"--method {method} needs the {package} package: pip install {package}") from None
    allowed = set(estimator().get_params())
    if method == "gplearn":
        allowed.discard("generations")
    unknown = sorted(set(options or {}) - allowed)
    if unknown:
        # Options for the other peer are fine: one --peer-option list serves a multi-peer sweep.
        other = set()
        for name in PEERS:
            if name != method:
                try:
                    other |= set(_estimator_class(name)().get_params())
                except ImportError:
                    pass
        truly = [u for u in unknown if u not in other]
        if truly:
            raise ValueError(f"unknown {method} option(s) {truly}; it takes: {', '.join(sorted(allowed))}")


def _estimator_class(method: str):
    if method == "operon":
        from pyoperon.sklearn import SymbolicRegressor
    else:
        from gplearn.genetic import SymbolicRegressor
    return SymbolicRegressor


def _own_options(method: str, options: Mapping[str, Any]) -> dict:
    allowed = set(_estimator_class(method)().get_params())
    return {k: v for k, v in (options or {}).items() if k in allowed}


# ----------------------------------------------------------------------------------------------
# Conversions
# ----------------------------------------------------------------------------------------------
_GPLEARN = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / b),
    "sqrt": (1, lambda a: sp.sqrt(sp.Abs(a))),
    "log": (1, lambda a: sp.log(sp.Abs(a))),
    "abs": (1, sp.Abs),
    "neg": (1, lambda a: -a),
    "inv": (1, lambda a: 1 / a),
    "max": (2, sp.Max),
    "min": (2, sp.Min),
    "sin": (1, sp.sin),
    "cos": (1, sp.cos),
    "tan": (1, sp.tan),
    "sig": (1, lambda a: 1 / (1 + sp.exp(-a))),
}


def gplearn_to_sympy(program: Sequence, symbols: Sequence[sp.Symbol]) -> sp.Expr:
    """SymPy expression of a gplearn program (its prefix list: function objects with ``name`` and
    ``arity`` or ``(name, arity)`` pairs, ``int`` feature indices, ``float`` constants)."""
    def node(item):
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            return ("var", int(item))
        if isinstance(item, (float, np.floating)):
            return ("const", float(item))
        if isinstance(item, tuple) and len(item) == 2:
            return ("fn", str(item[0]), int(item[1]))
        name = getattr(item, "name", None)
        if name is None:
            raise ValueError(f"unknown gplearn program item {item!r}")
        return ("fn", str(name), int(item.arity))

    stack: list = []  # [(name, arity, [args])]
    result = None
    items = list(program)
    if not items:
        raise ValueError("empty gplearn program")
    for item in items:
        kind = node(item)
        if kind[0] == "fn":
            name, arity = kind[1], kind[2]
            if name not in _GPLEARN:
                raise ValueError(f"gplearn function {name!r} has no SymPy form; known: {', '.join(_GPLEARN)}")
            if _GPLEARN[name][0] != arity:
                raise ValueError(f"gplearn function {name!r} with arity {arity}, expected {_GPLEARN[name][0]}")
            stack.append((name, arity, []))
            continue
        if kind[0] == "var":
            if not 0 <= kind[1] < len(symbols):
                raise ValueError(f"gplearn program uses feature X{kind[1]}, but there are {len(symbols)}")
            value = symbols[kind[1]]
        else:
            value = sp.Float(kind[1])
        while True:
            if not stack:
                if result is not None:
                    raise ValueError("malformed gplearn program: more than one root")
                result = value
                break
            stack[-1][2].append(value)
            name, arity, args = stack[-1]
            if len(args) < arity:
                break
            stack.pop()
            value = _GPLEARN[name][1](*args)
    if stack or result is None:
        raise ValueError("malformed gplearn program: missing arguments")
    return sp.sympify(result)


# ----------------------------------------------------------------------------------------------
# Fitting
# ----------------------------------------------------------------------------------------------
def fit_operon(X, y, n_vars: int, seed: int, population: int, evaluations: int,
               time_budget: Optional[float], options: Mapping[str, Any]) -> dict:
    """Fit pyoperon; return the estimator, its model string (placeholder names) and the settings."""
    from pyoperon.sklearn import SymbolicRegressor

    params = dict(OPERON_DEFAULTS)
    params.update(population_size=int(population), max_evaluations=int(evaluations),
                  generations=max(1, int(evaluations)), random_state=int(seed))
    if time_budget is not None:  # pyoperon >= 0.5 calls it max_time, older releases time_limit
        known = set(SymbolicRegressor().get_params())
        params["max_time" if "max_time" in known else "time_limit"] = max(1, int(math.floor(time_budget)))
    params.update(_own_options("operon", options))
    estimator = SymbolicRegressor(**params)
    estimator.fit(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64))
    text = estimator.get_model_string(estimator.model_, 17, names=placeholders(n_vars))
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    return {"estimator": estimator, "text": text, "settings": settings, "generations_run": None}


def fit_gplearn(X, y, seed: int, population: int, evaluations: int, time_budget: Optional[float],
                options: Mapping[str, Any]) -> dict:
    """Fit gplearn one generation at a time (``warm_start``) until the evaluation budget, the time
    budget, or a perfect fit (training MAE/MSE below 1e-12 of ``mean |y|``)."""
    from gplearn.genetic import SymbolicRegressor

    generations = max(1, int(evaluations) // int(population))
    scale = float(np.mean(np.abs(y))) or 1.0
    params = dict(GPLEARN_DEFAULTS)
    params.update(population_size=int(population), random_state=int(seed), stopping_criteria=1e-12 * scale,
                  warm_start=True)
    params.update(_own_options("gplearn", options))
    params["warm_start"] = True
    estimator = SymbolicRegressor(generations=1, **params)
    start = time.perf_counter()
    done = 0
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    while done < generations:
        estimator.set_params(generations=done + 1)
        estimator.fit(X, y)
        done += 1
        best = estimator.run_details_["best_fitness"][-1]
        if best <= params["stopping_criteria"]:
            break
        if time_budget is not None and time.perf_counter() - start >= time_budget:
            break
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    settings["generations"] = generations
    return {"estimator": estimator, "program": list(estimator._program.program), "text": str(estimator._program),
            "settings": settings, "generations_run": done}


def run_peer(method: str, equation, X_tr, y_tr, X_te, y_te, *, seed: int, population: int = 1000,
             evaluations: int = 500_000, options: Optional[Mapping[str, Any]] = None,
             time_budget: Optional[float] = None, solution_timeout: float = 10.0) -> dict:
    """Fit a peer on ``(X_tr, y_tr)``, convert, score; the record has LIES's record fields.

    Args:
        method: ``"operon"`` or ``"gplearn"``.
        equation: a :class:`~keras_symbolic.datasets.FeynmanEquation` or its name.
        seed: the estimator's ``random_state``.
        population, evaluations: population size and evaluation budget.
        options: extra estimator keyword arguments (the other peer's are ignored).
        time_budget: seconds after which the search stops itself (``None``: no limit).
        solution_timeout: SymPy seconds per symbolic check.
    """
    from keras_symbolic.datasets import get_feynman_equation
    from keras_symbolic.pipelines.evaluate import solution_check
    from keras_symbolic.results.fit_result import FitResult
    from keras_symbolic.results.metrics import safe_r2
    from keras_symbolic.symbolic.evaluation import to_callable

    if method not in PEERS:
        raise ValueError(f"unknown peer {method!r}; choose from {', '.join(PEERS)}")
    if isinstance(equation, str):
        equation = get_feynman_equation(equation)
    symbols = list(equation.symbols)
    phases = {}
    start = time.perf_counter()
    if method == "operon":
        fitted = fit_operon(X_tr, y_tr, equation.n_variables, seed, population, evaluations, time_budget, options or {})
    else:
        fitted = fit_gplearn(X_tr, y_tr, seed, population, evaluations, time_budget, options or {})
    phases["fit"] = time.perf_counter() - start
    fit_seconds = phases["fit"]
    t = time.perf_counter()
    if method == "operon":
        expr = operon_to_sympy(fitted["text"], symbols)
    else:
        expr = gplearn_to_sympy(fitted["program"], symbols)
    phases["conversion"] = time.perf_counter() - t
    estimator = fitted["estimator"]
    t = time.perf_counter()
    with np.errstate(all="ignore"):
        pred_tr = np.asarray(estimator.predict(X_tr), dtype=np.float64).reshape(-1)
        pred_te = np.asarray(estimator.predict(X_te), dtype=np.float64).reshape(-1)
    f = to_callable(expr, symbols)
    truth = solution_check(expr, equation, solution_timeout)
    phases["scoring"] = time.perf_counter() - t
    result = FitResult(
        method=method,
        expressions=[expr],
        variables=symbols,
        metrics={"r2_train": safe_r2(y_tr, pred_tr), "r2_test": safe_r2(y_te, pred_te),
                 "r2_test_expression": safe_r2(y_te, f(X_te))},
        truth=truth,
        wall_seconds=fit_seconds,
        phase_seconds=phases,
        details={"model_string": fitted["text"], "train_rows": int(len(y_tr)), "time_budget": time_budget,
                 "generations_run": fitted["generations_run"]},
        seed=int(seed),
        config=fitted["settings"],
    )
    return result.to_record()
