"""Benchmark data sets: the AI Feynman equations (with the LIES subset) and SRBench's results."""
from .feynman import (
    FEYNMAN_TABLE_PATH,
    SRBENCH_GROUNDTRUTH_PATH,
    FeynmanEquation,
    UnknownEquationError,
    all_equations,
    feynman_name_from_srbench,
    get_feynman_equation,
    lies_subset,
    load_feynman_table,
    srbench_results,
)

__all__ = [
    "FeynmanEquation",
    "UnknownEquationError",
    "load_feynman_table",
    "get_feynman_equation",
    "all_equations",
    "lies_subset",
    "srbench_results",
    "feynman_name_from_srbench",
    "FEYNMAN_TABLE_PATH",
    "SRBENCH_GROUNDTRUTH_PATH",
]
