"""The discovery engine's reduction to one dimensionless group: when the surrogate has the form
``f = x**b g(u)`` with ``u = x**a`` a single monomial
(:func:`~keras_symbolic.search.monomial_group.monomial_group`), the table becomes a problem in one
variable, ``y / x**b`` against ``u``, solved on the raw rows by the direct solvers (the one-variable
forms, the term library, the rational solver); each solution ``x**b g(x**a)`` is then polished on the
raw rows like any candidate. Both orientations of the group (``u`` and ``1/u``) are tried: ``g`` may be
simple in one and not in the other (``tanh(u)`` against ``tanh(1/u)``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from keras_symbolic.pipelines.auto_search import needs_search
from keras_symbolic.search.direct_solvers import polish, solve_direct
from keras_symbolic.search.monomial_group import monomial_group

__all__ = ["group_candidates", "group_at_noise", "MAX_OUTERS"]

#: Most choices of ``b`` (each a different split of the power law between ``x**b`` and ``g``) solved.
MAX_OUTERS = 2
#: One-variable candidates of each solve put back together and polished on the raw rows.
KEEP = 3

_U = sp.Symbol("u_group", positive=True)


def group_candidates(surrogate, X, y, symbols, train, val, config, log: list, progress,
                     noise: float = 0.0, weights=None) -> list:
    """Candidates ``x**b g(x**a)`` when the surrogate has one dimensionless group, else ``[]``;
    ``noise`` is the relative noise floor the test allows for (the noise-free test is tried next when
    that one finds no group), ``weights`` the rows' weights in the final polish."""
    group = monomial_group(surrogate, X[train], y[train], noise=noise, seed=config.seed)
    if group is None and noise > 0:
        # the floor may be the curvature the neighbours see, not noise (clean rows of several variables):
        # the noise-free test, stricter on real noise (no residual is excused, no sign may flip), gets its turn
        group = monomial_group(surrogate, X[train], y[train], noise=0.0, seed=config.seed)
    if group is None:
        return []
    u_expr = group.monomial(symbols, group.inner)
    log.append({"depth": 0, "variables": [str(s) for s in symbols], "test": "one monomial group",
                "violation": group.violation, "confidence": group.confidence, "group": str(u_expr),
                "outer": [str(group.monomial(symbols, b)) for b in group.outers]})
    # the violation is the residual's excess over the noise floor: 0 says "within the floor", which on clean
    # rows is an upper bound (the curvature the neighbours see), not that the group is exact
    fit = "its residual within the noise floor" if group.violation == 0 else f"violation {group.violation:.2g}"
    progress.message(f"one group: f = x**b g(u), u = {u_expr} ({fit}, judged on {group.confidence:.0%} of the rows)")
    # the choices of b with the fewest and smallest powers first
    outers = sorted(group.outers, key=lambda b: (sum(q != 0 for q in b), sum(abs(q) for q in b)))[:MAX_OUTERS]
    out = []
    for outer in outers:
        v = y / group.values(X, outer)
        outer_expr = group.monomial(symbols, outer)
        for orientation in (1, -1):
            inner = [orientation * q for q in group.inner]
            u = group.values(X, inner)[:, None]
            solved = solve_direct(u, v, [_U], train, val, max_terms=config.max_terms)
            back = {_U: group.monomial(symbols, inner)}
            for cand in solved[:KEEP]:
                expr = outer_expr * cand.expression.xreplace(back)
                polished = polish(expr, X, y, symbols, train, val, weights=weights)
                if polished is not None:
                    polished.solver = f"group ({cand.solver})"
                    out.append(polished)
    if out:
        best = min(out, key=lambda c: c.dl)
        log.append({"depth": 0, "variables": [str(s) for s in symbols], "solved_by": best.solver,
                    "expressions": [str(best.expression)]})
        progress.phase_done("group", str(best.expression))
    return out


def group_at_noise(found: list, X, y, symbols, train, val, log: list, progress) -> bool:
    """Whether the simplest of the one-group candidates ``found`` (by description length) is compact, has
    no float left (every constant rounded to a simple number) and leaves only noise in its residuals
    (:func:`~keras_symbolic.pipelines.auto_search.needs_search`: no neighbour structure on the held-out
    rows); logged when it does. On noisy rows nothing is exact, so this is the decomposition's stop in
    place of exactness: its pieces could only fit the same noise. On clean rows a formula that is not
    exact leaves smooth, hence structured, residuals: it never fires."""
    if not found:
        return False
    best = min(found, key=lambda c: c.dl)
    if sp.sympify(best.expression).atoms(sp.Float):
        return False  # a constant not yet simple: the pieces may give its exact value (II.24.17's pi**2)
    run, structure = needs_search(best, X, y, symbols, train, val)
    if run:
        return False
    log.append({"stage": "decomposition", "stopped_at_noise": str(best.expression),
                "residual_structure": structure})
    progress.phase_done("decomposition", f"{best.expression} leaves only noise "
                        f"(neighbours explain {max(structure, 0):.1%} of its residuals): stopped")
    return True
