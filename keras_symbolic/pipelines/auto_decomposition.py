"""The recursive decomposition of the discovery engine (AI Feynman's recursion, with a Keras surrogate).

A *piece* is the surrogate ``s`` seen as a function of some variables ``V`` with the others held at an
anchor row ``x0``: ``g_V(z) = s(x0 with x0[V] = z)``. For a piece:

1. variables of ``V`` that move ``g_V`` less than the threshold are dropped;
2. the direct solvers run on ``(rows[:, V], g_V(rows[:, V]))``; the simplest candidate as accurate as
   the surrogate itself (``piece_factor * error``) solves the piece (a finer fit only fits the
   surrogate's own errors), a few more are kept (one per structure), and with them the simplest at the
   surrogate's error itself (a right form that only the finer floor tells from simpler ones); the
   splits below are tried beside it, and when it has more than 20 nodes
   (at a noisy tolerance a polynomial stands in for ``tanh(x - 2 y)``) so is the inner-function test;
3. otherwise the best bipartition ``V = A | B`` is sought for a product, a sum, a sum of ``g_V**2`` and
   of ``1/g_V`` (AI Feynman's transforms of the target: ``sqrt(x**2 + y**2)``, ``1/(1/a + 1/b)``)
   (:func:`~keras_symbolic.search.separability.all_splits`), and the one with the smallest violation
   under the threshold is taken; a product up to a constant ``c`` only when none of those holds or it
   violates four times less (its extra fitted number always fits a little better, not that much). The
   split piece is
   ``g_V = c + (g_A - c)(g_B - c) / (g(x0) - c)`` (``c = 0`` for a plain product) or
   ``g_V = T^-1(T g_A + T g_B - T g(x0))`` (``T`` the identity, square or reciprocal), and
   ``g_A``, ``g_B`` are pieces again (depth + 1); else, if the piece is a function ``F(g)`` of one
   combination ``g`` of its variables, their products and squares (the surrogate's gradients are
   parallel to ``grad g``: :func:`~keras_symbolic.search.inner_function.inner_function`), ``F`` is
   solved as a one-variable table ``(g, piece)`` and accepted at the piece tolerance; else, if the piece
   depends on a pair only through ``x_i - x_j``, ``x_i + x_j``, ``x_i x_j`` or ``x_i / x_j``, ``x_j`` is
   held at the anchor, the piece solved without it, and ``x_i`` rewritten as that combination;
4. failing all that, the open-ended expression search runs on the piece (one to three variables,
   :mod:`~keras_symbolic.pipelines.auto_search`); else the best direct candidate stands for it.

Before the recursion, :func:`~keras_symbolic.pipelines.auto_group.group_candidates` tries the whole
table as a power law times a function of one monomial; a candidate exact on the held-out rows ends it, and
so does a compact one with its constants rounded that leaves only noise in its residuals (on noisy rows
nothing is exact).
The split threshold and the piece tolerance follow the surrogate's error
(:mod:`~keras_symbolic.pipelines.auto_tolerances`). When the noise floor explains most of that error
(1 % noise, say), a split or symmetry whose violation passes the loose threshold but not the strict one
is *ambiguous*: the piece is solved both ways and the raw rows judge (:func:`_also_strict`). The
reassembled formula only has the right *structure*: its constants come from the surrogate, so they are
fitted jointly on the raw rows (:mod:`~keras_symbolic.pipelines.auto_reassembly`: the simplest pairs of
the top split's candidates, and the others that a quick fit on the raw rows scores best). Every test and
every solved piece is logged
(``log``: a list of dicts) for the result folder and the progress output.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from keras_symbolic.pipelines.auto_denoise import train_surrogate
from keras_symbolic.pipelines.auto_group import group_at_noise, group_candidates
from keras_symbolic.pipelines.auto_search import COMPACT, search_candidates
from keras_symbolic.pipelines.auto_tolerances import function_error, tolerances
from keras_symbolic.search.operators import parse_operators
from keras_symbolic.search.description_length import description_length
from keras_symbolic.search.inner_function import inner_function
from keras_symbolic.pipelines.auto_reassembly import distinct_structures, reassemble, screened_structures, structure_key
from keras_symbolic.search.direct_solvers import solve_direct
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import relative_rmse, to_callable
from keras_symbolic.search.separability import SYMMETRIES, all_splits, irrelevance, symmetry_violation

__all__ = ["decompose", "tolerances", "function_error", "MAX_PIECE_ROWS"]

#: Rows on which a piece is evaluated and solved.
MAX_PIECE_ROWS = 3000
#: Most variables of a piece the expression search is run on (a wider piece is the whole-table
#: search's job).
MAX_SEARCH_PIECE_VARIABLES = 3


class _Piece:
    """The surrogate as a function of the columns ``V`` with the others at the anchor row."""

    def __init__(self, surrogate, anchor: np.ndarray):
        self.surrogate, self.anchor = surrogate, anchor

    def rows(self, Z: np.ndarray, columns) -> np.ndarray:
        full = np.repeat(self.anchor[None, :], len(Z), axis=0)
        full[:, list(columns)] = Z
        return full

    def values(self, Z: np.ndarray, columns) -> np.ndarray:
        return self.surrogate(self.rows(Z, columns))


def _piece_dl(expr, syms, Z, values, floor: float) -> float:
    """Description length of ``expr`` on a piece's rows, errors below ``floor`` (relative) not counted."""
    with np.errstate(all="ignore"):
        pred = np.broadcast_to(to_callable(expr, syms)(Z), values.shape)
    return description_length(expr, values, pred, len(syms), rel_floor=floor)


def _relevant(f, full_rows, columns, tolerance, depth) -> list:
    return [c for c in columns if irrelevance(f, full_rows, c, seed=depth) > tolerance]


def _combine(kind: str, left: list, right: list, at_anchor: float, offset: float, keep: int) -> list:
    """The pieces' candidates put together, simplest pairs first: ``g_A + g_B - g(x0)`` for a sum;
    for a product up to ``c = offset``, ``c + (g_A - c)(g_B - c) / (g(x0) - c)``."""
    if kind == "mul" and at_anchor == offset:
        return []
    pairs = sorted(((i + j, i, j) for i in range(len(left)) for j in range(len(right))))[:keep]
    if kind == "add":
        return [left[i] + right[j] - sp.Float(at_anchor) for _, i, j in pairs]
    c = sp.Float(offset) if offset else sp.S.Zero
    return [c + (left[i] - c) * (right[j] - c) / sp.Float(at_anchor - offset) for _, i, j in pairs]


def _symmetry(piece: _Piece, full_rows, relevant, symbols, tol):
    """``(violation, kind, i, j)`` of the clearest pair symmetry below the split threshold, or ``None``.
    Holding ``x_j`` at the anchor, the piece is then solved in ``x_i`` alone and ``x_i`` is rewritten
    as the combination (``x_i - x_j + x_j0`` for a difference, ...)."""
    best = None
    for i, j in itertools.permutations(relevant, 2):
        for kind in SYMMETRIES:
            if kind in ("difference", "sum", "product") and i > j:
                continue  # symmetric in i, j: one order is enough
            v = symmetry_violation(piece.surrogate, full_rows, i, j, kind)
            if v <= tol.split and (best is None or v < best[0]):
                best = (v, kind, i, j)
    return best


#: Transforms of a piece tried for a sum split: name -> (forward on arrays, inverse on an expression of
#: the transformed piece, is it usable on these values?). ``log`` is not needed: a sum of ``log f`` is
#: a product of ``f``, which the product test already sees.
PIECE_TRANSFORMS = {
    "square": (np.square, lambda e, sign: sign * sp.sqrt(e), lambda v: bool(np.all(v > 0) or np.all(v < 0))),
    "reciprocal": (np.reciprocal, lambda e, sign: 1 / e,
                   lambda v: bool(np.min(np.abs(v)) > 0.05 * np.sqrt(np.mean(v**2)))),
}


def _split_options(piece: _Piece, full_rows, relevant, depth) -> list:
    """Every split the piece could take, as ``(is a product up to a constant, violation, kind,
    transform, group, offset)``: a product and a sum of the piece itself, and a sum of each usable
    :data:`PIECE_TRANSFORMS` of it."""
    f = piece.surrogate
    found = all_splits(f, full_rows, relevant, seed=depth)
    options = [(kind == "mul_offset", violation, kind[:3], None, group, offset)
               for kind, (group, violation, offset) in found.items()]
    values = f(full_rows)
    for name, (forward, _, usable) in PIECE_TRANSFORMS.items():
        if usable(values):
            group, violation, _ = all_splits(lambda X, forward=forward: forward(f(X)), full_rows, relevant,
                                             seed=depth, offset=False)["add"]
            options.append((False, violation, "add", name, group, 0.0))
    return options


#: A product up to a constant is taken over the plain splits under the threshold only when its violation
#: is below this share of theirs: its extra fitted number buys a little, not a factor of four.
OFFSET_MARGIN = 0.25


def _clearest(options: list, clean: float):
    """The split to take among ``options`` under the threshold (see :func:`_split_options`): the plain one
    (product, sum, sum of a transform) with the smallest violation, unless that violation is above
    ``clean`` (``split_floor``) and a product up to a constant violates it far less
    (:data:`OFFSET_MARGIN`): ``1 + a b / c`` is such a product, and a loose threshold (a surrogate of
    1 % error allows 0.13) would otherwise let a false sum win at 0.12 against its 0.0016."""
    plain = [o for o in options if not o[0]]
    offset = [o for o in options if o[0]]
    best = min(plain, key=lambda o: o[1]) if plain else None
    if offset and (best is None or (best[1] > clean and min(o[1] for o in offset) < OFFSET_MARGIN * best[1])):
        return min(offset, key=lambda o: o[1])
    return best


def _split(piece: _Piece, R, relevant, option, symbols, depth, tol, config, log, progress, width: int) -> list:
    """Solve both parts of the split ``option`` (see :func:`_split_options`) and put at most ``width`` of
    their pairs together."""
    _, violation, kind, transform, group, offset = option
    rest = [c for c in relevant if c not in group]
    groups = [[str(symbols[c]) for c in group], [str(symbols[c]) for c in rest]]
    name = ("product" if kind == "mul" else "sum") + (f" of the {transform}" if transform else "")
    log.append({"depth": depth, "variables": [str(symbols[c]) for c in relevant],
                "test": kind if transform is None else f"{kind} of {transform}", "violation": violation,
                "threshold": tol.split, "groups": groups, "offset": offset})
    progress.message(f"{'  ' * depth}{name} split: {{{', '.join(groups[0])}}} | {{{', '.join(groups[1])}}} "
                     f"(violation {violation:.2g} <= {tol.split:.2g})")
    split_piece = piece
    if transform is not None:
        forward = PIECE_TRANSFORMS[transform][0]
        split_piece = _Piece(lambda X, f=piece.surrogate: forward(f(X)), piece.anchor)
    left = _solve_piece(split_piece, R, list(group), symbols, depth + 1, tol, config, log, progress)
    right = _solve_piece(split_piece, R, rest, symbols, depth + 1, tol, config, log, progress)
    at_anchor = float(split_piece.surrogate(piece.anchor[None, :])[0])
    combined = _combine(kind, left, right, at_anchor, offset, width)
    if transform is None:
        return combined
    sign = 1 if float(piece.surrogate(piece.anchor[None, :])[0]) > 0 else -1
    return [PIECE_TRANSFORMS[transform][1](e, sign) for e in combined]


def _solve_piece(piece: _Piece, R: np.ndarray, columns: list, symbols, depth: int, tol, config, log: list,
                 progress, width: int | None = None) -> list:
    """Candidate formulas (structures; at most ``width``, ``tol.keep`` by default, simplest first) for the
    piece ``columns``; its own pieces keep ``tol.keep`` each."""
    width = width or tol.keep
    full_rows = piece.rows(R[:, columns], columns)
    f = piece.surrogate
    relevant = _relevant(f, full_rows, columns, tol.piece, depth)
    dropped = [str(symbols[c]) for c in columns if c not in relevant]
    if dropped:
        log.append({"depth": depth, "variables": [str(symbols[c]) for c in columns], "test": "irrelevant",
                    "dropped": dropped})
    if not relevant:
        return [sp.Float(float(np.median(piece.values(R[:, columns], columns))))]
    Z = R[:, relevant]
    values = piece.values(Z, relevant)
    syms = [symbols[c] for c in relevant]
    names = ", ".join(map(str, syms))
    cut = int(0.75 * len(values))
    train, val = np.arange(cut), np.arange(cut, len(values))
    direct = solve_direct(Z, values, syms, train, val, max_terms=config.max_terms, rel_floor=tol.piece, measured=False)
    errors = [relative_rmse(c.expression, syms, Z[val], values[val]) for c in direct]
    solved = []
    if direct and min(errors) <= tol.piece:
        # ranked by description length with the piece tolerance as the floor: fits finer than the
        # surrogate gain nothing (they only fit its errors), so among the accurate ones the simplest
        # win; the raw rows decide between the kept ones once the pieces are put back together. Beside
        # them, the simplest at the surrogate's own error (a third of the tolerance): a Hill curve
        # that fits to 0.3 % ranks below three simple forms 2-3 % off under the looser floor
        floor = tol.piece
        ranked = sorted(direct, key=lambda c: _piece_dl(c.expression, syms, Z[val], values[val], floor))
        solved = distinct_structures([c.expression for c in ranked])[: tol.keep]
        finer = min(direct, key=lambda c: _piece_dl(c.expression, syms, Z[val], values[val],
                                                   floor / config.piece_factor))
        solved += distinct_structures([finer.expression], {structure_key(e) for e in solved})
        log.append({"depth": depth, "variables": [str(s) for s in syms], "solved_by": ranked[0].solver,
                    "expressions": [str(e) for e in solved]})
        progress.message(f"{'  ' * depth}piece {names}: {ranked[0].solver} -> {ranked[0].expression}")
    if depth < config.max_depth and len(relevant) >= 2:
        # the clearest split of the piece, of its square or of its reciprocal; a product up to a
        # constant (one more fitted number, so it always fits a little better) only when none holds.
        # Tried even when a direct candidate is as accurate as the surrogate: a flexible sum of many
        # terms can be, and the raw rows then judge both
        options = [o for o in _split_options(piece, full_rows, relevant, depth) if o[1] <= tol.split]
        if options:
            clearest = _clearest(options, config.split_floor)
            combined = _split(piece, R, relevant, clearest, symbols, depth, tol, config, log, progress, width)
            combined = _also_strict(combined, clearest[1], piece, R, columns, symbols, depth, tol, config, log,
                                    progress, width)
            if combined or solved:
                return _interleave(combined, solved, width)
        if solved and expression_complexity(solved[0]) <= COMPACT:
            return solved
        # a large accepted fit is what a flexible sum of many terms does at a loose (noisy) tolerance, a
        # polynomial standing in for tanh(x - 2 y): the inner function may still give the compact form
        composed = _inner_piece(piece, Z, values, relevant, syms, train, val, depth, tol, config, log, progress)
        if composed or solved:
            return _interleave(composed, solved, width)
        found = _symmetry(piece, full_rows, relevant, symbols, tol)
        if found is not None:
            violation, kind, i, j = found
            log.append({"depth": depth, "variables": [str(s) for s in syms], "test": f"symmetry {kind}",
                        "pair": [str(symbols[i]), str(symbols[j])], "violation": violation, "threshold": tol.split})
            progress.message(f"{'  ' * depth}symmetry: depends on {symbols[i]}, {symbols[j]} only through their "
                             f"{kind} (violation {violation:.2g} <= {tol.split:.2g})")
            inner = _solve_piece(piece, R, [c for c in relevant if c != j], symbols, depth + 1, tol, config, log,
                                 progress)
            xi, xj, aj = symbols[i], symbols[j], sp.Float(piece.anchor[j])
            moved = {"difference": xi - xj + aj, "sum": xi + xj - aj, "product": xi * xj / aj,
                     "ratio": xi / xj * aj}[kind]
            rewritten = [e.xreplace({xi: moved}) for e in inner]
            rewritten = _also_strict(rewritten, violation, piece, R, columns, symbols, depth, tol, config, log,
                                     progress, width)
            if rewritten:
                return rewritten
    if solved:
        return solved
    found = _search_piece(Z, values, syms, train, val, depth, tol, config, log, progress)
    if found:
        return found
    fallback = sorted(direct, key=lambda c: c.dl)[:2]
    if fallback:
        log.append({"depth": depth, "variables": [str(s) for s in syms], "approximated_by": fallback[0].solver,
                    "expression": str(fallback[0].expression)})
    return [c.expression for c in fallback]


#: The inner-function test's thresholds (:func:`~keras_symbolic.search.inner_function.inner_function`):
#: a set holds below ``max(2 x split threshold, 0.03)``, or twice the smallest violation on its path,
#: and never above 0.05. A true inner function leaves the surrogate's derivative error (0.002-0.03 on
#: smooth tables); functions that are not one reach 0.04-0.08 (``x**y + 1``, ``x tan(y/2)``, whose level
#: lines a quadratic of four terms follows closely) or far more. What passes is confirmed by solving
#: ``F`` to the piece tolerance.
INNER_VIOLATION_BOUNDS = (0.03, 0.05)
_T = sp.Symbol("t_inner")


def _inner_piece(piece: _Piece, Z, values, relevant, syms, train, val, depth, tol, config, log, progress) -> list:
    """The piece as ``F(g)``, ``g`` one combination of its variables, their products and squares
    (:func:`~keras_symbolic.search.inner_function.inner_function`), ``F`` solved as a one-variable table
    ``(g(Z), values)`` by the direct solvers, then by the expression search; the candidates as accurate
    as the surrogate, simplest first; ``[]`` when there is no such ``g`` or no ``F`` is accurate."""
    low, high = INNER_VIOLATION_BOUNDS
    found = inner_function(lambda rows: piece.values(rows, relevant), Z, max_violation=high,
                           base=max(2 * tol.split, low), seed=depth)
    if found is None:
        return []
    inner = found.expression(syms)
    names = ", ".join(map(str, syms))
    log.append({"depth": depth, "variables": [str(s) for s in syms], "test": "inner function",
                "violation": found.violation, "inner": str(inner)})
    progress.message(f"{'  ' * depth}inner function: {names} enter through g = {inner} "
                     f"(violation {found.violation:.2g})")
    t = found.values(Z)[:, None]
    outer = [c.expression for c in solve_direct(t, values, [_T], train, val, max_terms=config.max_terms,
                                                  rel_floor=tol.piece, measured=False)]
    if not any(relative_rmse(e, [_T], t[val], values[val]) <= tol.piece for e in outer):
        outer += _search_piece(t, values, [_T], train, val, depth, tol, config, log, progress)
    composed = [e.xreplace({_T: inner}) for e in outer]
    good = [e for e in composed if relative_rmse(e, syms, Z[val], values[val]) <= tol.piece]
    ranked = sorted(good, key=lambda e: _piece_dl(e, syms, Z[val], values[val], tol.piece))[: tol.keep]
    if ranked:
        log.append({"depth": depth, "variables": [str(s) for s in syms], "solved_by": "inner function",
                    "expressions": [str(e) for e in ranked]})
        progress.message(f"{'  ' * depth}piece {names}: inner function -> {ranked[0]}")
    return ranked


def _also_strict(found: list, violation: float, piece: _Piece, R, columns, symbols, depth, tol, config, log,
                 progress, width: int) -> list:
    """``found`` (from a split or symmetry of ``violation``) interleaved with the piece solved under
    ``tol.strict`` when the violation is ambiguous: above the strict threshold, below the loose one.
    The raw rows then judge both. The strict path has no strict path of its own, so one piece is solved
    at most ``max_depth + 1`` ways."""
    if tol.strict is None or violation <= tol.strict.split:
        return found
    names = [str(symbols[c]) for c in columns]
    log.append({"depth": depth, "variables": names, "test": "ambiguous", "violation": violation,
                "strict_threshold": tol.strict.split, "strict_piece_tolerance": tol.strict.piece})
    progress.message(f"{'  ' * depth}ambiguous (violation {violation:.2g} > {tol.strict.split:.2g}): "
                     f"{', '.join(names)} also solved under the strict threshold")
    strict = _solve_piece(piece, R, columns, symbols, depth, tol.strict, config, log, progress, width)
    return _interleave(found, strict, width)


def _search_piece(Z, values, syms, train, val, depth, tol, config, log, progress) -> list:
    """The expression search on a piece the catalogue did not solve (one to three variables): the
    candidates as accurate as the surrogate, simplest first; ``[]`` when none is."""
    if not config.search or len(syms) > MAX_SEARCH_PIECE_VARIABLES:
        return []
    share = config.piece_search_share * config.time_budget
    found, entry = search_candidates(Z, values, syms, train, val, operators=parse_operators(config.operators),
                                     seed=config.seed + depth, seconds=share, rel_floor=tol.piece, label="search")
    good = [c for c in found if relative_rmse(c.expression, syms, Z[val], values[val]) <= tol.piece]
    ranked = sorted(good, key=lambda c: _piece_dl(c.expression, syms, Z[val], values[val], tol.piece))
    entry.update({"depth": depth, "variables": [str(s) for s in syms],
                  "expressions": [str(c.expression) for c in ranked[: tol.keep]]})
    log.append(entry)
    if ranked:
        progress.message(f"{'  ' * depth}piece {', '.join(map(str, syms))}: search -> {ranked[0].expression}")
    return [c.expression for c in ranked[: tol.keep]]


def _interleave(first: list, second: list, keep: int) -> list:
    """``first[0], second[0], first[1], ...``, at most ``keep``."""
    out = [e for pair in itertools.zip_longest(first, second) for e in pair if e is not None]
    return out[:keep]


def _anchor(rows: np.ndarray, surrogate) -> np.ndarray:
    """The row the other variables are held at: among the tenth of the rows nearest the median (in
    standard deviations), the one where ``|s|`` is largest, so that no factor of a product is near
    one of its zeros there (a piece would then be all surrogate error)."""
    distance = np.sum(((rows - np.median(rows, axis=0)) / (rows.std(axis=0) + 1e-300)) ** 2, axis=1)
    near = np.argsort(distance)[: max(1, len(rows) // 10)]
    return rows[near[int(np.argmax(np.abs(surrogate(rows[near]))))]].copy()


def decompose(X, y, symbols, train, val, config, log: list, progress, noise: float = 0.0, weights=None,
              surrogate=None) -> list:
    """Fit the surrogate on the training rows (or take ``surrogate``, already fitted there by the
    denoising step), decompose it recursively, and return the reassembled candidates with their
    constants fitted on the rows ``y`` (polished like any candidate). ``noise`` is the table's relative
    noise floor (of RMS(y)), for the tolerances and the one-group test, taken as at most the
    surrogate's relative held-out error; ``weights`` the rows' weights (the surrogate and the
    tests are unweighted: they look for the function's shape; the reassembled formulas are polished
    with them)."""
    if surrogate is None:
        surrogate = train_surrogate(X, y, train, config)
    if noise > surrogate.error:
        # held-out rows cannot be predicted better than their noise: a floor above the surrogate's error
        # is curvature the neighbours read as noise (a sine of several variables over wide ranges)
        progress.message(f"noise floor {noise:.2%} is above the surrogate's held-out error "
                         f"{surrogate.error:.2%}: the tests take the noise as at most that")
        log.append({"noise_capped_at_surrogate_error": surrogate.error, "noise_floor": noise})
        noise = surrogate.error
    tol = tolerances(config, surrogate.error, noise)
    log.append({"surrogate_error": surrogate.error,
                "surrogate_function_error": function_error(surrogate.error, noise),
                "surrogate_epochs": surrogate.epochs, "surrogate_seconds": surrogate.seconds,
                "split_threshold": tol.split, "piece_tolerance": tol.piece,
                "strict_split_threshold": tol.strict and tol.strict.split,
                "strict_piece_tolerance": tol.strict and tol.strict.piece})
    progress.phase_done("surrogate", f"relative error {surrogate.error:.2g} after {surrogate.epochs} epochs")
    out = group_candidates(surrogate, X, y, symbols, train, val, config, log, progress, noise=noise,
                           weights=weights)
    if any(c.r2 >= 1 - config.exact_tolerance**2 for c in out):
        return out
    if group_at_noise(out, X, y, symbols, train, val, log, progress):
        return out
    rows = X[train][:MAX_PIECE_ROWS]
    anchor = _anchor(rows, surrogate)
    # every pair of the top split's candidates (not only the simplest ``keep``): the raw rows screen them
    structures = _solve_piece(_Piece(surrogate, anchor), rows, list(range(X.shape[1])), symbols, 0, tol,
                              config, log, progress, width=tol.keep**2)
    structures = screened_structures(structures, tol.keep, X, y, symbols, train, val, weights)
    screened = max(0, len(structures) - tol.keep)
    progress.message(f"reassembly: {len(structures)} structures refitted on the raw rows"
                     + (f" ({screened} of them screened in by a quick fit)" if screened else ""))
    exact_r2 = 1 - config.exact_tolerance**2
    out += reassemble(structures, X, y, symbols, train, val, exact_r2, weights, term_refits=tol.keep)
    if out:
        done = out[-1] if out[-1].r2 >= exact_r2 else min(out, key=lambda c: c.dl)
        progress.phase_done("decomposition", str(done.expression))
    return out
