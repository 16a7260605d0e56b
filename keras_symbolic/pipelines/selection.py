"""Choice of one formula from a table of candidates: the simplest whose R^2 is near the best.

The table has one row per candidate with at least the columns ``complexity`` and ``r2`` (validation
R^2, ``-inf`` where not finite); :func:`select_equation` returns the chosen row's index label.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["select_equation"]


def select_equation(equations: pd.DataFrame, tolerance: float = 1e-3, gain: float | None = None,
                    max_extra: int = 10) -> int:
    """Index of the simplest candidate whose R^2 is within ``tolerance`` of the best finite R^2.

    With ``gain``: if some candidates' error ``1 - R^2`` is below ``gain`` times the error of that
    choice (so at least ``1/gain`` times more accurate) and their complexity at most ``max_extra``
    above it, the simplest of them is chosen instead. On noise-free data a formula with the right
    structure fits to round-off while an approximation of the same size stops at 1 - R^2 ~ 1e-3 - 1e-5,
    which the plain tolerance cannot tell apart; on noisy data no candidate beats the noise floor by
    that factor and the rule stays silent.
    """
    finite = equations[np.isfinite(equations["r2"].astype(float))]
    if finite.empty:
        return int(equations.index[-1])
    best = finite["r2"].max()
    def simplest(frame) -> int:
        return int(frame.sort_values(["complexity", "r2"], ascending=[True, False]).index[0])

    chosen = simplest(finite[finite["r2"] >= best - tolerance])
    if gain is None:
        return chosen
    error = 1.0 - float(finite.loc[chosen, "r2"])
    better = finite[(1.0 - finite["r2"].astype(float) < gain * error)
                    & (finite["complexity"] <= finite.loc[chosen, "complexity"] + max_extra)]
    return chosen if better.empty else simplest(better)
