"""Stage 2 of the simplification (LIES paper III-F): least-squares fit of the float constants, structure fixed.

With the template ``f(x; c)`` of :func:`~keras_symbolic.symbolic.parameters.parametrize` (Integers
and Rationals stay fixed), :func:`fit_coefficients` solves::

    min_c  sum_i (f(x_i; c) - y_i)**2

on the raw data with ``scipy.optimize.least_squares`` from the current values, with the analytic
Jacobian ``df/dc_j``. The work is bounded by ``max_nfev`` evaluations *and* a wall-clock limit; the
input comes back unchanged when the fit fails, times out, or does not lower the MSE.

That fit does not scale to the huge formula of a barely pruned network: every float occurrence of
the tree is a parameter (125 610 of them in issue 12's 369 550-node formula) and each needs its own
derivative. :func:`fit_term_weights` is the fit that stays cheap at any size: only the weights of the
top-level terms (the network's output layer), by one linear least-squares solve.

Cross-validation refits one template on every fold, so the compiled template and its derivatives are
kept (:func:`_compiled`, an LRU cache on the template): compiling them costs far more than a fit on a few
dozen rows.
"""
from __future__ import annotations

import functools
import math
import time

import numpy as np
import sympy as sp

from keras_symbolic.symbolic.evaluation import (
    as_vector,
    lambdify_numpy,
    prepare_data,
    resolve_variables,
    subsample,
    to_callable,
)
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.symbolic.parameters import CompiledTemplate, bind_parameters, parametrize

__all__ = ["fit_coefficients", "fit_term_weights"]


class _FitTimeout(SymbolicTimeout):
    pass


@functools.lru_cache(maxsize=256)
def _compiled(template, params: tuple, symbols: tuple, analytic: bool):
    """The template compiled to NumPy and, when ``analytic``, its derivatives ``df/dc_j`` (``None`` when
    SymPy cannot give them: finite differences then)."""
    model = CompiledTemplate(template, list(params), list(symbols))
    grads = None
    if analytic:
        try:
            grads = [model.derivative(j) for j in range(len(params))]
        except SymbolicTimeout:
            raise
        except Exception:  # noqa: BLE001 - fall back to finite differences
            grads = None
    return model, grads


def fit_coefficients(expr, X, y, variables, *, max_nfev: int = 1000, timeout: float | None = 20.0,
                     method: str = "trf", max_samples: int | None = 20000, analytic_jacobian: bool = True,
                     keep_best_on_timeout: bool = False, seed: int = 0, sample_weight=None):
    """Least-squares fit of every float constant of ``expr`` on the raw data, structure fixed.

    ``scipy.optimize.least_squares`` (``x_scale="jac"``) from the current values, with an analytic
    Jacobian (``sympy.diff`` of the template, lambdified; finite differences if that fails). The
    work is bounded twice: ``max_nfev`` evaluations, and ``timeout`` seconds of wall clock, enforced
    both by :func:`limits.time_limit` and by a deadline check inside the residual and Jacobian
    callbacks (MINPACK's ``lm`` runs in compiled code between callbacks). Non-finite residuals are
    replaced by a large finite penalty, so the solver is steered away from poles and domain edges.

    Integers and Rationals of ``expr`` stay fixed (see
    :func:`~keras_symbolic.symbolic.parameters.parametrize`). The fitted expression is kept only if
    it is finite and its MSE is not worse than the input's; otherwise (and on timeout or error) the
    input expression is returned unchanged and ``info`` says why.

    Args:
        max_samples: rows used (fixed random subsample beyond that; ``None``: all).
        method: ``"trf"`` (default), ``"lm"`` (needs ``N >= #constants``) or ``"dogbox"``.
        keep_best_on_timeout: on timeout, return the best constants seen so far (if they beat the
            input) instead of the input; ``success`` stays ``False``.
        sample_weight: ``(N,)`` non-negative row weights: the fit minimises ``sum w r**2`` (each
            residual times ``sqrt(w)``); costs are then weighted means.

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

    symbols = resolve_variables(expr, variables)
    root_w = None
    if sample_weight is not None:
        root_w = np.sqrt(np.asarray(sample_weight, dtype=np.float64).reshape(-1))
        finite = np.all(np.isfinite(np.asarray(X, dtype=np.float64).reshape(len(root_w), -1)), axis=1)
        root_w = root_w[finite & np.isfinite(np.asarray(y, dtype=np.float64).reshape(-1))]
    X, y = prepare_data(X, y, len(symbols))
    if y is None:
        raise ValueError("fit_coefficients needs targets y")
    template, params, p0 = parametrize(expr)
    info["n_params"] = len(params)
    if X.shape[0] == 0:
        return done(expr, "no finite rows in the data: input kept")
    rows = subsample(X.shape[0], max_samples, seed)
    Xs, ys = X[rows], y[rows]
    ws = np.ones(len(ys)) if root_w is None else root_w[rows] / max(float(np.sqrt(np.mean(root_w[rows] ** 2))), 1e-300)
    cols = list(Xs.T)
    n = ys.shape[0]
    if not params:
        with np.errstate(all="ignore"):
            pred = to_callable(expr, symbols)(Xs)
        info["cost_before"] = info["cost_after"] = float(np.mean((ws * (pred - ys)) ** 2))
        return done(expr, "no float constants to fit", success=True)
    if method == "lm" and n < len(params):
        method = "trf"

    deadline = None if timeout is None or timeout <= 0 else t0 + float(timeout)
    big = 1e8 * max(1.0, float(np.max(np.abs(ys))))
    state = {"nfev": 0, "best_cost": math.inf, "best_p": p0.copy()}

    try:
        with time_limit(timeout):
            model, grads = _compiled(template, tuple(params), tuple(symbols), bool(analytic_jacobian))

            def raw_residual(p):
                return ws * (model.value(cols, p) - ys)

            def residual(p):
                if deadline is not None and time.perf_counter() > deadline:
                    raise _FitTimeout("coefficient fit exceeded its time limit")
                state["nfev"] += 1
                r = raw_residual(p)
                r = np.where(np.isfinite(r), np.clip(r, -big, big), big)
                with np.errstate(over="ignore"):
                    cost = float(np.mean(r * r))
                if cost < state["best_cost"]:
                    state["best_cost"], state["best_p"] = cost, np.array(p, dtype=float)
                return r

            r0 = raw_residual(p0)
            with np.errstate(over="ignore"):  # residuals near 1e150 square to inf: no finite cost
                cost_before = float(np.mean(r0 * r0)) if np.all(np.isfinite(r0)) else math.inf
            info["cost_before"] = cost_before

            jac = "2-point"
            if grads is not None:
                def jac(p):  # noqa: F811
                    if deadline is not None and time.perf_counter() > deadline:
                        raise _FitTimeout("coefficient fit exceeded its time limit")
                    with np.errstate(all="ignore"):
                        J = ws[:, None] * np.column_stack([as_vector(g(*cols, *p), n) for g in grads])
                    return np.where(np.isfinite(J), J, 0.0)

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
    with np.errstate(over="ignore"):
        cost_after = float(np.mean(r1 * r1)) if np.all(np.isfinite(r1)) else math.inf
    info["cost_after"] = cost_after
    if not math.isfinite(cost_after):
        return done(expr, "fitted formula is not finite on the data: input kept")
    if cost_after > info["cost_before"] * (1 + 1e-12):
        return done(expr, "fit did not improve the MSE: input kept")
    return done(bind_parameters(template, params, p), str(result.message), success=True)


def fit_term_weights(expr, X, y, variables, *, timeout: float | None = 20.0, max_samples: int | None = 20000,
                     seed: int = 0):
    """Refit ``expr = sum_k T_k`` as ``c + sum_k w_k T_k``: the weights of its top-level terms, by linear
    least squares on the raw data; terms that are not finite on every row get weight 0 (they drop out).

    Cheap at any size, for formulas far too large for :func:`fit_coefficients`: the terms are compiled
    once with their repeated sub-trees shared (``lambdify(cse=True)``), evaluated once, and one
    ``numpy.linalg.lstsq`` solves for the weights; compiling and evaluating are bounded by ``timeout``
    (:func:`~keras_symbolic.symbolic.limits.time_limit`). Inner constants keep their values. The refit
    is kept only if it is finite and its MSE is below the input's (``inf`` when the input is not finite
    on every row); otherwise, and on timeout or error, the input comes back and ``info`` says why.

    Returns:
        ``(expr, info)`` with ``info = {success, n_terms, kept_terms, cost_before, cost_after, seconds,
        message}``; ``cost_*`` are mean squared errors on the rows used.
    """
    t0 = time.perf_counter()
    expr = sp.sympify(expr)
    terms = list(sp.Add.make_args(expr))
    info = {"success": False, "n_terms": len(terms), "kept_terms": 0, "cost_before": math.nan,
            "cost_after": math.nan, "seconds": 0.0, "message": ""}

    def done(result, message, success=False):
        info.update(message=message, success=success, seconds=time.perf_counter() - t0)
        return result, info

    symbols = resolve_variables(expr, variables)
    X, y = prepare_data(X, y, len(symbols))
    if y is None or X.shape[0] == 0:
        return done(expr, "no finite rows with targets: input kept")
    rows = subsample(X.shape[0], max_samples, seed)
    X, y = X[rows], y[rows]
    try:
        with time_limit(timeout):
            fn = lambdify_numpy(symbols, terms, cse=True)
            with np.errstate(all="ignore"):
                columns = np.column_stack([as_vector(v, len(y)) for v in fn(*X.T)])
    except SymbolicTimeout:
        return done(expr, f"timeout after {time.perf_counter() - t0:.3g} s (limit {timeout:g} s): input kept")
    except Exception as exc:  # noqa: BLE001 - a formula NumPy cannot evaluate keeps the input
        return done(expr, f"terms not evaluable ({type(exc).__name__}: {exc}): input kept")
    with np.errstate(all="ignore"):
        before = columns.sum(axis=1) - y
        info["cost_before"] = float(np.mean(before * before)) if np.all(np.isfinite(before)) else math.inf
        finite = np.all(np.isfinite(columns), axis=0) & (np.max(np.abs(columns), axis=0, initial=0.0) < 1e150)
        A = np.column_stack([np.ones(len(y)), columns[:, finite]])
        weights, *_ = np.linalg.lstsq(A, y, rcond=None)
        after = A @ weights - y
        cost_after = float(np.mean(after * after))
    if not (np.all(np.isfinite(weights)) and math.isfinite(cost_after)):
        return done(expr, "least squares gave non-finite weights: input kept")
    info["cost_after"] = cost_after
    if not cost_after < info["cost_before"]:
        return done(expr, "refit did not lower the MSE: input kept")
    kept = [t for t, keep in zip(terms, finite) if keep]
    info["kept_terms"] = len(kept)
    refit = sp.Float(float(weights[0])) + sp.Add(*[sp.Float(float(w)) * t for w, t in zip(weights[1:], kept)])
    return done(refit, f"{len(kept)} of {len(terms)} terms kept", success=True)
