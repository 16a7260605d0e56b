"""Stage 3 of the simplification (LIES paper III-E, III-F): final rounding of constants, refit, tidy.

Every float constant ``c`` gets the candidates ``round(c, decimals)`` and ``1 / round(1/c, decimals)``,
as exact SymPy ``Rational``s (never ``round(sympy.Float, 1)``, which keeps the binary precision:
``0.8 -> 0.796875``), each accepted by the gradient test of :mod:`keras_symbolic.symbolic.rounding`;
exponents are constants like any other, so ``x**1.9999 -> x**2`` and ``x**0.50001 -> sqrt(x)``. Then
the still-free floats are refitted (:mod:`keras_symbolic.symbolic.coefficient_fit`) and a bounded
``sympy.simplify`` tidies the result (:mod:`keras_symbolic.symbolic.tidy`).
"""
from __future__ import annotations

import math
import time

import sympy as sp

from keras_symbolic.symbolic.coefficient_fit import fit_coefficients
from keras_symbolic.symbolic.rounding import gradient_rounding
from keras_symbolic.symbolic.tidy import bounded_simplify, tidy_constants

__all__ = ["round_final"]


_MAX_RECIPROCAL = 100.0


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
    constant at a time (see :func:`~keras_symbolic.symbolic.rounding.round_to_zero`).

    Then, when ``refit`` and ``y`` is given and something was rounded, the constants still free are
    refitted by :func:`~keras_symbolic.symbolic.coefficient_fit.fit_coefficients` (the rounded ones
    fixed): this recovers the fit lost by the roundings (e.g. the prefactor once the exponents
    snapped to integers). Finally a bounded :func:`~keras_symbolic.symbolic.tidy.bounded_simplify`.

    Returns:
        ``(expr, info)`` with ``info = {rounding, refit, simplify, unsimplified, seconds}`` (the
        sub-reports of each step and the expression before ``simplify``).
    """
    t0 = time.perf_counter()

    def propose(c):
        return _rounding_proposals(c, decimals, reciprocal)

    out, r_info = gradient_rounding(expr, X, variables, propose=propose, threshold=threshold,
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
