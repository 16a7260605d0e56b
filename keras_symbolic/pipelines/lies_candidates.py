"""The candidate table of a LIES run: one row per formula found, scored on the selection rows.

Columns: ``pruning_threshold, stage, complexity, loss`` (MSE) ``, r2`` (on the selection rows
``X_sel (M, n), y_sel (M,)``), ``train_r2`` (on the fitting rows ``X_fit, y_fit``), ``expression``,
``note``. :func:`score_formula` gives a formula's ``(R^2, MSE)``; :func:`extracted_candidates` gives the rows of every extracted structure (its simplification
stages, and the formula with the network's Log/Exp cut-offs where they are active);
:func:`with_structure_search` and :func:`with_sum_factor` add the rows found from a chosen candidate.

Size guard (issue 12). A barely pruned network (short schedules, structureless or mixed-sign data with
several columns) extracts to a tree exponential in its depth: 369 550 nodes for 567 weights on a
6-column mixed-sign table in linear space, where the steps below ran for 250-300 s. Above
``LIESConfig.large_formula_nodes`` (20 000) an extracted formula takes :func:`large_formula_rows`
(compiled once with shared sub-trees, its output weights refitted by
:func:`~keras_symbolic.symbolic.coefficient_fit.fit_term_weights`, both bounded in time); the formula
with cut-offs and a structure search from it are skipped (the search may still start from the refit,
which drops the terms that are not finite and is often small), and :func:`large_formula_note` says
what to try.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from keras_symbolic.pipelines.lies_config import LIESConfig, LIESSchedule
from keras_symbolic.results.metrics import safe_r2
from keras_symbolic.symbolic.coefficient_fit import fit_term_weights
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.evaluation import to_callable
from keras_symbolic.symbolic.limits import SymbolicTimeout, time_limit
from keras_symbolic.symbolic.lies_extract import network_expression
from keras_symbolic.symbolic.simplify import simplify_formula
from keras_symbolic.symbolic.structure_search import structure_search
from keras_symbolic.symbolic.sum_factor import sum_factor_search
from keras_symbolic.symbolic.tidy import tidy_constants

__all__ = ["score_formula", "extracted_candidates", "large_formula_rows", "large_formula_note", "candidate_row",
           "with_structure_search", "with_sum_factor"]


def score_formula(expr, symbols, X, y):
    """``(R^2, MSE)`` of a formula on ``X, y`` (``(-inf, inf)`` if it is not finite everywhere)."""
    return _scores(to_callable(expr, symbols)(X), y)


def _scores(pred, y):
    r2 = safe_r2(y, pred)
    return r2, (float(np.mean((pred - y) ** 2)) if np.isfinite(r2) else float("inf"))


def extracted_candidates(raw_expressions, structures, transform, inputs, symbols, X_fit, y_fit, X_sel, y_sel,
                         config: LIESConfig) -> pd.DataFrame:
    """Candidate rows of the extracted formulas, one structure per pruning threshold.

    Args:
        raw_expressions: ``[(threshold, formula), ...]``, the extracted formula of each structure.
        structures: ``[(threshold, pruned LIESWeights), ...]``, in the same order.
        transform: the run's :class:`~keras_symbolic.symbolic.transform.SpaceTransform`.
        inputs: the network-space input expressions of ``symbols``.
        config: ``max_formula_nodes``, ``simplify`` and ``selection_tolerance`` act here.

    A structure whose formula repeats an earlier one is skipped; one larger than
    ``max_formula_nodes`` gives its extracted formula only (not simplified); one larger than
    ``large_formula_nodes`` the rows of :func:`large_formula_rows`.
    """
    rows = []
    seen = set()
    for (thr, expr), (_, pruned) in zip(raw_expressions, structures):
        if expr in seen:  # structural equality (hash cached per node): cheap even for a huge tree
            continue
        seen.add(expr)
        size = expression_complexity(expr)
        first_row = len(rows)  # this structure's "extracted" candidate: the clamp-free formula
        if size > config.large_formula_nodes:
            rows += large_formula_rows(expr, size, thr, symbols, X_fit, y_fit, X_sel, y_sel, config)
            continue
        if size > config.max_formula_nodes:
            # The paper's "out of time" case: too large for the symbolic steps to be worth running.
            r2, loss = score_formula(expr, symbols, X_sel, y_sel)
            rows.append(dict(pruning_threshold=thr, stage="extracted", complexity=size, loss=loss, r2=r2,
                             train_r2=score_formula(expr, symbols, X_fit, y_fit)[0], expression=expr,
                             note=f"{size} nodes > max_formula_nodes={config.max_formula_nodes}: not simplified"))
        else:
            for cand in simplify_formula(expr, X_fit, y_fit, symbols, config.simplify):
                r2, loss = score_formula(cand.expression, symbols, X_sel, y_sel)
                rows.append(dict(pruning_threshold=thr, stage=cand.stage, complexity=cand.complexity, loss=loss,
                                 r2=r2, train_r2=cand.r2, expression=cand.expression, note=""))
        # Where the network leaves the Log/Exp domain (clamps active), the clamp-free formula is not
        # the network's function: offer the exact mirror, cut-offs written as Max/Min, as well.
        net_pred = transform.inverse_y(pruned.forward(transform.transform_X(X_sel).astype(np.float64)))
        if not rows[first_row]["r2"] >= safe_r2(y_sel, net_pred) - config.selection_tolerance:
            exact = transform.output_expression(network_expression(pruned, inputs, with_cutoffs=True))
            r2, loss = score_formula(exact, symbols, X_sel, y_sel)
            rows.append(dict(pruning_threshold=thr, stage="extracted_with_cutoffs", complexity=expression_complexity(exact),
                             loss=loss, r2=r2, train_r2=score_formula(exact, symbols, X_fit, y_fit)[0], expression=exact,
                             note="the network's Log/Exp cut-offs are active on the data"))
    return pd.DataFrame(rows)


def large_formula_rows(expr, size: int, pruning_threshold, symbols, X_fit, y_fit, X_sel, y_sel,
                       config: LIESConfig) -> list:
    """Candidate rows of an extracted formula larger than ``config.large_formula_nodes``: the formula
    itself and, unless the coefficient fit is ablated, its output weights refitted
    (:func:`~keras_symbolic.symbolic.coefficient_fit.fit_term_weights`, stage ``"extracted_refit"``).

    Compiling (with shared sub-trees, ``cse=True``: 1.4 s instead of 8.5 s at 369 550 nodes) and the
    refit are each bounded by ``config.simplify.fit_timeout`` (a formula that cannot be compiled in
    time scores ``-inf``); the rest is a walk over the tree. Skipped, because they grow faster than the
    tree or rebuild it many times: the simplification chain (``sympy.simplify``, roundings, a fit of every float) and the
    formula with cut-offs (27 s to build at 369 550 nodes); :func:`with_structure_search` skips such
    starts too. Both notes say "not simplified", as for ``max_formula_nodes``.
    """
    limit = config.simplify.fit_timeout
    note = f"{size} nodes > large_formula_nodes={config.large_formula_nodes}: not simplified"

    def row(stage, e, complexity, note_text):
        try:
            with time_limit(limit):
                f = to_callable(e, symbols, cse=True)
                (r2, loss), train_r2 = _scores(f(X_sel), y_sel), _scores(f(X_fit), y_fit)[0]
        except SymbolicTimeout:
            r2, loss, train_r2 = -np.inf, np.inf, -np.inf
        return dict(pruning_threshold=pruning_threshold, stage=stage, complexity=complexity, loss=loss, r2=r2,
                    train_r2=train_r2, expression=e, note=note_text)

    rows = [row("extracted", expr, size, note)]
    if config.simplify.coefficient_fit:
        refit, info = fit_term_weights(expr, X_fit, y_fit, symbols, timeout=limit, seed=config.simplify.seed)
        if info["success"]:
            rows.append(row("extracted_refit", refit, expression_complexity(refit),
                            f"{note}; output weights refitted ({info['message']})"))
    return rows


def large_formula_note(equations: pd.DataFrame, pruning: list, config: LIESConfig) -> str | None:
    """The user's note when an extracted formula was larger than ``config.large_formula_nodes``
    (``None`` otherwise): the network stayed dense, what was skipped, and what to try.

    ``pruning``: the run's pruning reports (``threshold``, ``nonzero_before``, ``nonzero_after``)."""
    large = equations[(equations["stage"] == "extracted") & (equations["complexity"] > config.large_formula_nodes)]
    if large.empty:
        return None
    row = large.iloc[0]
    report = next((p for p in pruning if p.get("threshold") == row["pruning_threshold"]), pruning[0] if pruning else {})
    kept = (f"pruning kept {report['nonzero_after']} of {report['nonzero_before']} weights"
            if "nonzero_after" in report else "pruning was off")
    # A longer schedule is advice only for a shortened one: on issue 12's table twice the default
    # epochs still kept 569 of 595 weights, while --method auto finds its formula in seconds.
    epochs = lambda s: s.weak.epochs + s.weak_oversampled.epochs + s.strong.epochs  # noqa: E731
    longer = "the full schedule (a larger --epochs-scale), " if epochs(config.schedule) < epochs(LIESSchedule()) else ""
    return (f"the network stayed dense ({kept}) and its formula has {int(row['complexity'])} nodes "
            f"(more than large_formula_nodes={config.large_formula_nodes}): too large to simplify, so only its "
            f"output weights were refitted and the searches went on from that refit; for a better formula try "
            f"--method auto (the discovery engine), {longer}or fewer columns")


def candidate_row(expr, stage: str, pruning_threshold, symbols, X_sel, y_sel, train_r2: float, note: str) -> dict:
    """One row of the candidate table for a formula found after selection (scored on ``X_sel``)."""
    r2, loss = score_formula(expr, symbols, X_sel, y_sel)
    return dict(pruning_threshold=pruning_threshold, stage=stage, complexity=expression_complexity(expr), loss=loss,
                r2=r2, train_r2=train_r2, expression=expr, note=note)


def with_structure_search(equations: pd.DataFrame, chosen: int, X_fit, y_fit, X_sel, y_sel, symbols,
                          config: LIESConfig) -> pd.DataFrame:
    """Add the structure search's result (:mod:`keras_symbolic.symbolic.structure_search`) started
    from the chosen candidate and from the best-R^2 one, as rows of stage ``"structure_search"``;
    not from a start larger than ``config.large_formula_nodes`` (its proposals, re-fits and clean-up
    each rebuild the whole tree: 177 s on issue 12's 369 550-node formula, 30 s of them in the
    time-limited search)."""
    cfg = config.simplify
    finite = equations[np.isfinite(equations["r2"].astype(float))]
    starts = [chosen] + ([int(finite["r2"].astype(float).idxmax())] if not finite.empty else [])
    new_rows = []
    for idx in dict.fromkeys(starts):  # unique, chosen first
        start = equations.loc[idx]
        if not np.isfinite(float(start["r2"])) or not 3 < start["complexity"] <= config.large_formula_nodes:
            continue  # too large: see large_formula_rows
        found, info = structure_search(start["expression"], X_fit, y_fit, symbols, tolerance=cfg.search_tolerance,
                                       timeout=cfg.search_timeout, seed=cfg.seed)
        if not info["accepted"]:
            continue
        new_rows.append(candidate_row(found, "structure_search", start["pruning_threshold"], symbols, X_sel, y_sel,
                                      info["r2_end"], f"from candidate {idx}: {len(info['accepted'])} changes"))
    return pd.concat([equations, pd.DataFrame(new_rows)], ignore_index=True) if new_rows else equations


def with_sum_factor(equations: pd.DataFrame, chosen: int, X_fit, y_fit, X_sel, y_sel, symbols,
                    config: LIESConfig) -> pd.DataFrame:
    """Add the formulas of :func:`~keras_symbolic.symbolic.sum_factor.sum_factor_search` over the
    chosen candidate's variables, as rows of stage ``"sum_factor"``."""
    start = equations.loc[chosen]
    found, _ = sum_factor_search(start["expression"], X_fit, y_fit, symbols,
                                 timeout=config.simplify.sum_factor_timeout, seed=config.simplify.seed)
    rows = []
    for what, expr in found:
        expr = tidy_constants(expr)
        rows.append(candidate_row(expr, "sum_factor", start["pruning_threshold"], symbols, X_sel, y_sel,
                                  score_formula(expr, symbols, X_fit, y_fit)[0], f"from candidate {chosen}: {what}"))
    return pd.concat([equations, pd.DataFrame(rows)], ignore_index=True) if rows else equations
