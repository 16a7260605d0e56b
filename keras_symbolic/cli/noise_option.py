"""``--noise SIGMA``: SRBench's target noise level, shared by ``fit --feynman`` and ``bench feynman``.

The training targets become ``y + N(0, (SIGMA * RMS(y_train))^2)``
(:func:`keras_symbolic.datasets.noise.add_target_noise`); the test rows stay clean. The value is read
as text and checked here, so a bad one is a one-line ``error:`` with exit code 2 like every other
input error (argparse's own type errors print the usage first).
"""
from __future__ import annotations

import argparse

from keras_symbolic.cli.errors import CLIError

__all__ = ["add_noise_argument", "noise_level", "noise_levels"]


def add_noise_argument(parser: argparse.ArgumentParser, what: str = "the training rows") -> None:
    """Add ``--noise SIGMA`` (default 0) to ``parser``."""
    parser.add_argument("--noise", default=0.0, metavar="SIGMA",
                        help=f"SRBench's target noise on {what}: y + N(0, SIGMA * RMS(y)); the test R^2 and "
                             "the symbolic check use clean rows (SRBench's levels: 0.001, 0.01, 0.1; default 0)")


def noise_level(args) -> float:
    """The checked ``--noise`` value of ``args``; :class:`CLIError` unless it is a finite number >= 0."""
    from keras_symbolic.datasets.noise import check_noise_level

    raw = getattr(args, "noise", 0.0)
    try:
        return check_noise_level(raw)
    except ValueError:
        raise CLIError(f"--noise must be a finite number >= 0 (SRBench's levels: 0.001, 0.01, 0.1), got {raw!r}") from None


def noise_levels(args) -> list[float]:
    """The checked levels of a comma-separated ``--noise`` (``0,0.001,0.01,0.1``); :class:`CLIError`
    unless each is a finite number >= 0."""
    from keras_symbolic.datasets.noise import check_noise_level

    raw = str(getattr(args, "noise", 0.0))
    try:
        levels = [check_noise_level(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise CLIError(f"--noise must be a finite number >= 0, or several separated by commas (SRBench's "
                       f"levels: 0,0.001,0.01,0.1), got {raw!r}") from None
    if not levels:
        raise CLIError(f"--noise: give at least one level, got {raw!r}")
    return levels
