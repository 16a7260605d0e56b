"""How close is the noise-floor estimate to the true noise? Feynman equations and the development formulas.

    python benchmarks/noise_floor_accuracy.py --tables dev --out benchmarks/results/noise-floor-dev.jsonl
    python benchmarks/noise_floor_accuracy.py --tables feynman --out benchmarks/results/noise-floor-feynman.jsonl
    python benchmarks/noise_floor_accuracy.py --summary benchmarks/results/noise-floor-dev.jsonl

For each table (``dev``: the 67 formulas of ``dev_formulas.py``'s dev and general sets, 4 500 rows;
``feynman``: the 100 AI Feynman equations, 9 000 training rows of seed 0) and SRBench noise level (0,
0.001, 0.01, 0.1 of RMS(y)), one JSON line with the shipped estimate
(:func:`keras_symbolic.search.noise_floor.noise_floor`, a local quadratic fit's median residual) and the
local linear fit extrapolated to size 0 (the estimate before 2026-12-06), both as fractions of
RMS(y). The summary gives, per level, the share within a factor 2 of the truth and the median ratio.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

LEVELS = (0.0, 0.001, 0.01, 0.1)


def _tables(which: str):
    if which == "feynman":
        from keras_symbolic.datasets.feynman import all_equations
        from keras_symbolic.pipelines.evaluate import feynman_rows

        for eq in all_equations():
            X, y, _, _ = feynman_rows(eq, 0, 9000, test_samples=10)
            yield eq.name, X, y
    else:
        import dev_formulas

        for name in list(dev_formulas.DEV_SET) + list(dev_formulas.GENERAL_SET):
            X, y, _, _ = dev_formulas.rows(name, 4500, 0)
            yield name, X, y


def measure(which: str, out: Path) -> None:
    from keras_symbolic.datasets.noise import add_target_noise
    from keras_symbolic.search.noise_floor import noise_floor

    with out.open("w") as f:
        for name, X, y in _tables(which):
            for level in LEVELS:
                noisy = add_target_noise(y, level, np.random.default_rng(7)) if level else y
                rms = float(np.sqrt(np.mean(noisy**2)))
                record = {"tables": which, "name": name, "columns": X.shape[1], "noise": level,
                          "quadratic_median": noise_floor(X, noisy) / rms,
                          "linear_extrapolated": noise_floor(X, noisy, quadratic=False) / rms}
                f.write(json.dumps(record) + "\n")
            print(name, flush=True)


def summary(path: Path) -> str:
    import pandas as pd

    runs = pd.read_json(path, lines=True)
    lines = []
    for estimate in ("quadratic_median", "linear_extrapolated"):
        for level, group in runs.groupby("noise"):
            if level == 0:
                lines.append({"estimate": estimate, "noise": level, "tables": len(group),
                              "within x2": "-", "median ratio": "-",
                              "median (clean)": f"{group[estimate].median():.5f}",
                              "reads >= 2 % (NOISY)": int((group[estimate] >= 0.02).sum())})
                continue
            ratio = group[estimate] / level
            lines.append({"estimate": estimate, "noise": level, "tables": len(group),
                          "within x2": f"{np.mean((ratio >= 0.5) & (ratio <= 2)):.0%}",
                          "median ratio": f"{ratio.median():.2f}", "median (clean)": "-",
                          "reads >= 2 % (NOISY)": int((group[estimate] >= 0.02).sum())})
    return pd.DataFrame(lines).to_markdown(index=False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tables", choices=["dev", "feynman"], default="dev")
    p.add_argument("--out", type=Path)
    p.add_argument("--summary", type=Path, help="print the table of a finished file and stop")
    args = p.parse_args(argv)
    if args.summary:
        print(summary(args.summary))
        return 0
    out = args.out or Path(f"benchmarks/results/noise-floor-{args.tables}.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    measure(args.tables, out)
    print(summary(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
