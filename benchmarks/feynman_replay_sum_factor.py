"""Replay the sum-factor search and the selection-gain rule on the chosen formulas of a finished sweep.

An estimate, not a run: for every full-pipeline record of one trial in RESULTS/runs.jsonl, the stored
chosen formula becomes the only network candidate; the sum-factor search runs from it on fresh rows
of the equation (9000 to fit, 1000 to select), the new selection picks a formula, and the paper's
rule checks it. Prints one line per equation and the counts before and after.

    python benchmarks/feynman_replay_sum_factor.py benchmarks/results/feynman-v3-lies/runs.jsonl 0
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import sympy as sp

from keras_symbolic.datasets import get_feynman_equation
from keras_symbolic.pipelines.lies_candidates import score_formula
from keras_symbolic.pipelines.lies_config import LIESConfig
from keras_symbolic.pipelines.selection import select_equation
from keras_symbolic.symbolic.complexity import expression_complexity
from keras_symbolic.symbolic.equivalence import check_symbolic_solution
from keras_symbolic.symbolic.sum_factor import sum_factor_search
from keras_symbolic.symbolic.tidy import tidy_constants


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", help="a runs.jsonl of keras-symbolic bench feynman")
    parser.add_argument("trial", type=int)
    args = parser.parse_args()
    config = LIESConfig()
    before = after = 0
    gained, lost = [], []
    for line in open(args.runs):
        r = json.loads(line)
        if r["trial"] != args.trial or r.get("ablation", "none") != "none" or r.get("outcome") != "ok" or r["method"] != "lies":
            continue
        eq = get_feynman_equation(r["equation"])
        syms = [sp.Symbol(v) for v in eq.variables]
        X, y = eq.sample(10000, seed=np.random.default_rng(100 + args.trial))
        X_fit, y_fit, X_sel, y_sel = X[:9000], y[:9000], X[9000:], y[9000:]
        expr = sp.sympify(r["expression"], locals=dict(zip(eq.variables, syms)))
        table = [dict(complexity=expression_complexity(expr), r2=score_formula(expr, syms, X_sel, y_sel)[0], expression=expr)]
        t0 = time.perf_counter()
        for _, found in sum_factor_search(expr, X_fit, y_fit, syms, timeout=config.simplify.sum_factor_timeout)[0]:
            found = tidy_constants(found)
            table.append(dict(complexity=expression_complexity(found), r2=score_formula(found, syms, X_sel, y_sel)[0], expression=found))
        table = pd.DataFrame(table)
        chosen = select_equation(table, config.selection_tolerance, config.selection_gain, config.selection_max_extra)
        was = bool(r["symbolic_solution"])
        now = was if chosen == 0 else check_symbolic_solution(
            table.loc[chosen, "expression"], eq.sympy_expr, dict(zip(eq.variables, eq.ranges)), rule="paper", timeout=10).is_solution
        before, after = before + was, after + now
        (gained if now and not was else lost if was and not now else []).append(r["equation"])
        print(f"{r['equation']:10s} before={was} after={now} {time.perf_counter() - t0:.1f}s {str(table.loc[chosen, 'expression'])[:90]}", flush=True)
    print(f"trial {args.trial}: solved before {before}, after {after}; gained {gained}; lost {lost}")


if __name__ == "__main__":
    main()
