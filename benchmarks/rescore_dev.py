"""Re-score a ``dev_formulas.py`` results file with the current symbolic check (the formulas found are
not refitted: only ``solved_paper`` / ``solved_srbench`` are recomputed from the stored expressions).

    python benchmarks/rescore_dev.py IN.jsonl OUT.jsonl
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).parent))
from dev_formulas import _formula  # noqa: E402

from keras_symbolic.symbolic.equivalence import check_symbolic_solution  # noqa: E402


def main(argv=None) -> int:
    src, dst = (Path(a) for a in (argv or sys.argv[1:]))
    out = []
    for line in src.read_text().splitlines():
        r = json.loads(line)
        if r.get("expression"):
            text, box = _formula(r["formula"])
            expr = sp.sympify(r["expression"], locals={v: sp.Symbol(v) for v in box})
            for rule in ("paper", "srbench"):
                r[f"solved_{rule}"] = bool(check_symbolic_solution(expr, text, dict(box), rule=rule,
                                                                   timeout=10).is_solution)
        out.append(json.dumps(r))
    dst.write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
