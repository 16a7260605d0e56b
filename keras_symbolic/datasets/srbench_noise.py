"""SRBench's published symbolic solution rates at each target noise level (the paper's, not the website's).

The SRBench paper (La Cava et al., NeurIPS 2021 Datasets and Benchmarks) reports, per method and
target noise level ``sigma`` in {0, 0.001, 0.01, 0.1} (noise ``N(0, (sigma * RMS(y_train))^2)`` on
the training targets, :mod:`keras_symbolic.datasets.noise`), the symbolic solution rate over the
ground-truth problems: the **Feynman and Strogatz problems together (130)**, 10 runs each. These are
the rates to set beside a noisy sweep; the per-equation website export
(:func:`keras_symbolic.datasets.srbench_results`) disagrees with the paper at noise > 0 and is used
at noise 0 only. The packaged file (:data:`~keras_symbolic.datasets.feynman_files.SRBENCH_BY_NOISE_PATH`)
adds uDSR (read off a plot, +-1) and PhySO (uses units; Feynman only, 116 problems), each row with
its source and how it was read.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Optional

import numpy as np

from .feynman_files import SRBENCH_BY_NOISE_PATH

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SRBENCH_NOISE_LEVELS", "srbench_rates_by_noise"]

#: The target noise levels of the SRBench paper.
SRBENCH_NOISE_LEVELS = (0.0, 0.001, 0.01, 0.1)


@functools.lru_cache(maxsize=1)
def _frame() -> "pd.DataFrame":
    import pandas as pd

    frame = pd.read_csv(SRBENCH_BY_NOISE_PATH)
    # The file writes "same" (or "same (noise0.010)": the same place, that level's file) for the source
    # of the row above: spell it out.
    sources, last = [], ""
    for source in frame["source"].astype(str):
        if source.startswith("same"):
            rest = source[len("same"):].strip().strip("()")
            source = f"{last} [{rest}]" if rest else last
        else:
            last = source
        sources.append(source)
    frame["source"] = sources
    frame["target_noise"] = frame["target_noise"].astype(float)
    frame["symbolic_solution_rate_pct"] = frame["symbolic_solution_rate_pct"].astype(float)
    return frame


def srbench_rates_by_noise(noise: Optional[float] = None) -> "pd.DataFrame":
    """The SRBench paper's symbolic solution rates per method and noise level (a new DataFrame).

    Columns: ``algorithm``, ``problems`` (e.g. ``"feynman+strogatz (130)"``), ``target_noise``,
    ``symbolic_solution_rate_pct``, ``source``, ``how_read`` (``"read"`` from a table, or
    ``"read off a plot (+-1)"``).

    Args:
        noise: keep this level only (one of :data:`SRBENCH_NOISE_LEVELS`); ``None`` keeps all.

    Raises:
        ValueError: a level the paper does not have.
    """
    frame = _frame()
    if noise is None:
        return frame.copy()
    mask = np.isclose(frame["target_noise"].to_numpy(dtype=np.float64), float(noise), rtol=0, atol=1e-12)
    if not mask.any():
        raise ValueError(f"the SRBench paper has no rates at noise {noise!r}; its levels: {list(SRBENCH_NOISE_LEVELS)}")
    return frame[mask].reset_index(drop=True).copy()
