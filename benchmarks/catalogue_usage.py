"""Which catalogue entries of the discovery engine still solve formulas (issue 20, item 8).

    python benchmarks/catalogue_usage.py benchmarks/results/feynman-search/runs.jsonl \
        [benchmarks/results/general-search.jsonl ...]

Reads bench records (``keras-symbolic bench feynman`` lines, or ``dev_formulas.py`` lines that carry
``solver`` and ``pieces``) and, for every solved run, the solver of the chosen formula and, when that is
the decomposition, the solvers of its pieces. Prints, per solver (a catalogue entry: a target
transform, a one-variable form, the rational or polynomial solver, the power law, ...; or the
search), the number of distinct formulas it took part in solving and which, so that an entry that
served a single formula, or none, is visible.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def solvers_of(record: dict) -> set[str]:
    """The solver of the chosen formula and, through the decomposition, of its pieces."""
    used = {record.get("solver") or "?"}
    pieces = record.get("pieces")
    if pieces is None:
        pieces = [step.get("solved_by") for step in record.get("decomposition") or [] if step.get("solved_by")]
        pieces += ["search" for step in record.get("decomposition") or []
                   if step.get("stage") == "search" and step.get("expressions")]
    if record.get("solver") == "decomposition":
        used |= set(pieces)
    return used


def usage(paths) -> dict[str, set]:
    table = defaultdict(set)
    for path in paths:
        for line in Path(path).read_text().splitlines():
            r = json.loads(line)
            solved = r.get("symbolic_solution_srbench", r.get("solved_srbench"))
            if not solved:
                continue
            name = r.get("equation") or r.get("formula")
            noise = r.get("noise", 0)
            for solver in solvers_of(r):
                table[solver].add(f"{name}" + (f"@{noise}" if noise else ""))
    return table


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="+", type=Path)
    args = p.parse_args(argv)
    table = usage(args.paths)
    print("| solver | formulas solved with it | which (first 6) |")
    print("|---|---:|---|")
    for solver, names in sorted(table.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"| {solver} | {len(names)} | {', '.join(sorted(names)[:6])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
