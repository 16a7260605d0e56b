"""How often one pyoperon run puts the exact formula on its front, per operator set and budget (the
measurement behind the search's settings, BENCHMARKS.md "The search method, chosen by measurement").

    python benchmarks/search_settings.py --only cos_of_product_sum,travelling_wave,morse,sinc \
        --operators "+,-,*,/,sin,cos,exp,log,sqrt" --evaluations 300000 --seeds 1,2
    python benchmarks/search_settings.py --only ... --engine-front --seconds 30   # tiers x restarts, 5000 rows

A front member counts as exact when its R^2 on the rows searched is above 1 - 1e-10.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).parent))
from dev_formulas import rows  # noqa: E402

from keras_symbolic.pipelines.auto_search import raw_search_front  # noqa: E402
from keras_symbolic.search.direct_solvers import score  # noqa: E402
from keras_symbolic.search.expression_search import search_expressions  # noqa: E402
from keras_symbolic.search.operators import parse_operators  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", required=True, help="comma-separated formulas of dev_formulas.py")
    p.add_argument("--operators", default="", help="operator set (default: all)")
    p.add_argument("--evaluations", type=int, default=300_000)
    p.add_argument("--seeds", default="1")
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--engine-front", action="store_true", help="the engine's tiers x restarts instead of one run")
    p.add_argument("--seconds", type=float, default=30.0, help="with --engine-front: the share of the budget")
    args = p.parse_args(argv)
    ops = parse_operators(args.operators)
    for name in args.only.split(","):
        X, y, names, _ = rows(name, args.rows, 0)
        symbols = [sp.Symbol(n) for n in names]
        for seed in [int(s) for s in args.seeds.split(",")]:
            start = time.perf_counter()
            if args.engine_front:
                front = raw_search_front(X, y, symbols, operators=ops, seed=seed, seconds=args.seconds,
                                         wall_guard=3 * args.seconds).expressions
            else:
                front = search_expressions(X, y, symbols, operators=ops, seed=seed, evaluations=args.evaluations,
                                           max_length=25).expressions
            r2 = [score(e, X, y, symbols)[1] for e in front]
            exact = sum(r > 1 - 1e-10 for r in r2)
            print(f"{name:24s} seed {seed}: {time.perf_counter() - start:5.1f} s, front {len(front)}, "
                  f"best R^2 {max(r2):.10f}, exact {exact}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
