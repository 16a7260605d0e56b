"""Issue 12: the size guard of the LIES candidates (``LIESConfig.large_formula_nodes``).

A barely pruned network extracts to a tree exponential in its depth (369 550 nodes on the 6-column
mixed-sign table of ``tests/test_awkward_inputs.py``), on which the symbolic steps ran for more than
400 s. Here a synthetic formula of that kind (a small DAG whose tree is huge) goes through the guarded
path in seconds: scored once, its output weights refitted, no structure search, and a note.
"""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp

from keras_symbolic.pipelines import lies_candidates
from keras_symbolic.pipelines.lies_candidates import extracted_candidates, large_formula_note, with_structure_search
from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.symbolic.coefficient_fit import fit_term_weights
from keras_symbolic.symbolic.complexity import expression_complexity

x0, x1 = sp.symbols("x0 x1", real=True)
RNG = np.random.default_rng(0)
X = RNG.uniform(1, 2, (300, 2))
Y = 2 * X[:, 0] + 3 * X[:, 1]


def dense_tree(levels: int = 12) -> sp.Expr:
    """A bounded term whose tree roughly doubles per level while its DAG grows by a few nodes, like a
    dense LIES network (every unit reads every unit of the layer below)."""
    h = sp.Float(0.3) * x0 + sp.Float(0.2) * x1
    for k in range(levels):
        h = sp.sin(sp.Float(0.5) * h + sp.Float(0.1 * k)) + sp.Float(0.4) * sp.cos(sp.Float(0.7) * h)
    return h


def test_fit_term_weights_refits_the_output_layer_and_drops_non_finite_terms():
    huge = dense_tree()
    expr = sp.Float(1.5) * x0 + sp.Float(1.0) * x1 + sp.Float(0.01) * huge + sp.Float(0.1) * sp.log(x0 - 5)
    refit, info = fit_term_weights(expr, X, Y, [x0, x1], timeout=30)
    # 0.01*huge distributes over huge's two top-level terms: 5 terms, the logarithm's drops
    assert info["success"] and info["n_terms"] == 5 and info["kept_terms"] == 4, info
    assert info["cost_before"] == np.inf and info["cost_after"] < 1e-20
    assert not refit.has(sp.log)  # the term that is not finite on the data dropped out
    pred = sp.lambdify([x0, x1], refit, "numpy", cse=True)(*X.T)
    np.testing.assert_allclose(pred, Y, rtol=1e-8)


def test_a_huge_formula_takes_the_guarded_path_quickly(monkeypatch):
    expr = sp.Float(1.9) * x0 + sp.Float(3.1) * x1 + sp.Float(0.01) * dense_tree(13)
    size = expression_complexity(expr)
    assert size > 100_000  # issue 12's formula had 369 550 nodes; this one's DAG has about 130 distinct sub-trees
    config = LIESConfig()
    X_fit, y_fit, X_sel, y_sel = X[:240], Y[:240], X[240:], Y[240:]

    def no_search(*args, **kwargs):
        raise AssertionError("the structure search must not run on a formula above large_formula_nodes")

    monkeypatch.setattr(lies_candidates, "structure_search", no_search)
    start = time.perf_counter()
    # The guarded path needs neither the pruned weights nor the transform (no formula with cut-offs).
    table = extracted_candidates([(0.01, expr)], [(0.01, None)], None, None, [x0, x1], X_fit, y_fit, X_sel, y_sel,
                                 config)
    assert list(table["stage"]) == ["extracted", "extracted_refit"]
    assert all("not simplified" in n and "large_formula_nodes=20000" in n for n in table["note"])
    assert table.loc[0, "complexity"] == size and table.loc[1, "r2"] > 0.999999
    chosen = int(table.index[0])  # start the search from the huge formula: it is skipped
    assert with_structure_search(table, chosen, X_fit, y_fit, X_sel, y_sel, [x0, x1],
                                 replace(config, large_formula_nodes=10)) is table
    assert time.perf_counter() - start < 60  # about 5 s on 2 shared cores; the old path took minutes

    note = large_formula_note(table, [{"threshold": 0.01, "nonzero_before": 595, "nonzero_after": 567}], config)
    assert note.startswith("the network stayed dense (pruning kept 567 of 595 weights) and its formula has")
    assert f"{size} nodes" in note and "--method auto" in note and "--epochs-scale" not in note
    short = replace(config, schedule=config.schedule.scaled(0.02))  # a shortened schedule: then also that advice
    assert "the full schedule (a larger --epochs-scale)" in large_formula_note(table, [], short)
    assert large_formula_note(table, [], replace(config, large_formula_nodes=10 ** 9)) is None


def test_coefficient_fit_ablation_keeps_the_formula_as_extracted():
    expr = sp.Float(1.9) * x0 + sp.Float(0.01) * dense_tree()
    config = replace(LIESConfig(), large_formula_nodes=1000).ablate("coefficient_fit")
    table = extracted_candidates([(None, expr)], [(None, None)], None, None, [x0, x1], X, Y, X, Y, config)
    assert list(table["stage"]) == ["extracted"]


@pytest.mark.parametrize("size,large", [(200, False), (20_000, False), (20_001, True)])
def test_the_limit_is_strict(size, large):
    config = LIESConfig()
    import pandas as pd

    table = pd.DataFrame({"stage": ["extracted"], "complexity": [size], "pruning_threshold": [0.01]})
    assert (large_formula_note(table, [{"threshold": 0.01, "nonzero_before": 9, "nonzero_after": 8}], config)
            is not None) == large
