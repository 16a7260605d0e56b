"""The AI Feynman benchmark's data files shipped with the package: where they are, what they hold.

Data shipped with the package (``keras_symbolic/datasets/data``):

* ``FeynmanEquations.csv``: the Feynman Symbolic Regression Database table (Udrescu & Tegmark, 2020):
  formula, variable names and uniform sampling ranges. Its ``# variables`` column is wrong for
  I.18.12, I.18.14, I.38.12, II.37.1, III.10.19 and III.19.51; variables are counted from the
  ``v*_name`` columns here.
* ``srbench_feynman_groundtruth.csv``: SRBench 2021 ground-truth results for the Feynman problems, from
  ``cavalab/srbench`` ``docs/csv/groundtruth.csv`` (a **GPL-3.0** repository; this file is a data
  extract of it): per method, dataset and noise level, the symbolic solution rate (%),
  ``accuracy_solution`` (test R^2 > 0.999) and ``rmse_test``. Its ``target_noise > 0`` rows (the
  project website's export) disagree with the SRBench paper (AI Feynman 1.5 % at 0.001 there, about
  32 % in the paper): use them at noise 0 only.
* ``srbench_ground_truth_by_noise_paper.csv``: the SRBench paper's own symbolic solution rates per
  target noise level (0, 0.001, 0.01, 0.1) and method, over the Feynman and Strogatz problems
  together (130), read from ``cavalab/srbench`` ``postprocessing/groundtruth_results.ipynb``; with
  uDSR (read off a plot in ``dso-org/deep-symbolic-optimization``, +-1) and PhySO (uses units; the
  Feynman problems only, 116; ``WassimTenachi/PhySO`` benchmark results). Each row names its source
  and how it was read. Loaded by :func:`keras_symbolic.datasets.srbench_noise.srbench_rates_by_noise`.
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path

__all__ = ["DATA_DIR", "FEYNMAN_TABLE_PATH", "SRBENCH_GROUNDTRUTH_PATH", "SRBENCH_BY_NOISE_PATH",
           "srbench_dataset_names"]

DATA_DIR = Path(__file__).resolve().parent / "data"
FEYNMAN_TABLE_PATH = DATA_DIR / "FeynmanEquations.csv"
SRBENCH_GROUNDTRUTH_PATH = DATA_DIR / "srbench_feynman_groundtruth.csv"
SRBENCH_BY_NOISE_PATH = DATA_DIR / "srbench_ground_truth_by_noise_paper.csv"


@functools.lru_cache(maxsize=1)
def srbench_dataset_names() -> frozenset[str]:
    """The SRBench dataset names (``feynman_I_12_1``, ...) that the packaged SRBench results have."""
    with open(SRBENCH_GROUNDTRUTH_PATH, newline="", encoding="utf-8") as handle:
        return frozenset(row["dataset"] for row in csv.DictReader(handle))
