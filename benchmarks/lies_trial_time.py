"""Wall time of complete LIES trials (all phases at the SPEC 1.5 data sizes, post-processing included).

    KERAS_BACKEND=tensorflow python benchmarks/lies_trial_time.py --equation I.14.3 --trials 5
    KERAS_BACKEND=jax        python benchmarks/lies_trial_time.py --equation I.14.3 --trials 5

Prints one JSON line per trial (seed, wall seconds, per-phase seconds, formula, symbolic solution) and
then the medians, so the figures in BENCHMARKS.md can be reproduced. Trials use seeds 0..N-1.
"""
import argparse
import json
import os
import platform
import statistics
import time

from keras_symbolic.pipelines.evaluate import fit_feynman
from keras_symbolic.pipelines.lies_config import LIESConfig


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--equation", default="I.14.3")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    args = parser.parse_args()
    walls, phases = [], {}
    for seed in range(args.first_seed, args.first_seed + args.trials):
        start = time.perf_counter()
        record = fit_feynman(args.equation, seed=seed, config=LIESConfig(), verbose=0).to_record()
        wall = time.perf_counter() - start
        walls.append(wall)
        for k, v in record["phase_seconds"].items():
            phases.setdefault(k, []).append(v)
        print(json.dumps({"seed": seed, "wall_seconds": round(wall, 2),
                          "phase_seconds": {k: round(v, 2) for k, v in record["phase_seconds"].items()},
                          "expression": record["expression"], "symbolic_solution": record["symbolic_solution"]}), flush=True)
    print(json.dumps({
        "equation": args.equation, "backend": os.environ.get("KERAS_BACKEND", "tensorflow"), "trials": args.trials,
        "median_wall_seconds": round(statistics.median(walls), 2),
        "min_wall_seconds": round(min(walls), 2), "max_wall_seconds": round(max(walls), 2),
        "median_phase_seconds": {k: round(statistics.median(v), 2) for k, v in phases.items()},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }), flush=True)


if __name__ == "__main__":
    main()
