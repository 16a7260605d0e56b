"""Benchmark data sets: the AI Feynman equations (with the LIES subset), SRBench's results and its
target noise model (:mod:`.noise`, :mod:`.srbench_noise`);
MNIST, LHC jets and SVHN "1" vs "7" for SymbolNet (:mod:`.mnist`, :mod:`.lhc`, :mod:`.svhn`)."""
from .feynman import (
    UnknownEquationError,
    all_equations,
    feynman_name_from_srbench,
    get_feynman_equation,
    lies_subset,
    load_feynman_table,
    srbench_results,
)
from .feynman_equation import FeynmanEquation
from .feynman_files import FEYNMAN_TABLE_PATH, SRBENCH_BY_NOISE_PATH, SRBENCH_GROUNDTRUTH_PATH
from .noise import add_target_noise
from .srbench_noise import srbench_rates_by_noise
from .classification import ClassificationData
from .lhc import load_lhc_jets
from .mnist import load_mnist
from .svhn import load_svhn_1_vs_7

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
    "SRBENCH_BY_NOISE_PATH",
    "add_target_noise",
    "srbench_rates_by_noise",
    "ClassificationData",
    "load_mnist",
    "load_lhc_jets",
    "load_svhn_1_vs_7",
]
