"""The engine's optional denoising step (``AutoConfig.denoise``, ``fit --denoise``; PySR's ``denoise``).

On clearly noisy rows (a relative noise floor ``n`` of at least
:data:`~keras_symbolic.search.noise_floor.NOISY`), the stages fit their formulas to a smooth estimate of
the function in place of the raw targets: the decomposition's surrogate ``s`` (a Keras MLP with early
stopping on rows of its own, :mod:`~keras_symbolic.models.surrogate`), trained once on the training
rows and then shared with the decomposition:

    y_fit[train] = s(X[train]),    y_fit[val] = y[val].

The held-out rows stay raw, so every candidate is still judged, and the answer chosen, on measured
values only. The surrogate's error against the function (its held-out error less the noise,
:func:`~keras_symbolic.pipelines.auto_tolerances.function_error`) is the noise level of ``y_fit``; the
search's stop at the floor uses it.

Skipped, with a reason in the log and the progress output, on rows that are not clearly noisy (nothing
to remove) and on tables judged by cross-validation (fewer than 2000 rows: every formula is refitted on
all raw rows there, and a surrogate of a few hundred rows is no better an estimate than the rows).

Shapes: ``X (n, d)``, ``y (n,)``, ``train`` an index array into the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from keras_symbolic.models.surrogate import Surrogate, fit_surrogate
from keras_symbolic.pipelines.auto_tolerances import function_error
from keras_symbolic.search.noise_floor import NOISY

__all__ = ["Denoised", "denoised_target", "train_surrogate"]


@dataclass(frozen=True)
class Denoised:
    """What :func:`denoised_target` produced: the targets the stages fit (``y (n,)``), the surrogate that
    made them (``None`` when skipped, then ``y`` is the raw target) and the relative noise level left
    in the training rows (``noise``: the floor when skipped)."""

    y: np.ndarray
    surrogate: Optional[Surrogate]
    noise: float


def train_surrogate(X, y, train, config) -> Surrogate:
    """The engine's surrogate on the training rows, with ``config``'s seed, epochs and safety net (one
    definition for the decomposition and the denoising step, so both see the same network)."""
    return fit_surrogate(X[train], y[train], seed=config.seed, max_seconds=config.surrogate_seconds,
                         epochs=config.surrogate_epoch_budget)


def denoised_target(X, y, train, noise: float, config, log: list, progress, scheme: Optional[str]) -> Denoised:
    """``y`` with its training rows replaced by the surrogate's values, when ``config.denoise`` asks and
    the rows are clearly noisy (relative floor ``noise``) and judged on a held-out split (``scheme`` is
    ``None``); else ``y`` itself. Appends what it did to ``log``."""
    if not config.denoise:
        return Denoised(y, None, noise)
    reason = None
    if noise < NOISY:
        reason = f"the noise floor ({noise:.2%} of RMS(y)) is below {NOISY:.0%}: nothing to remove"
    elif scheme is not None:
        reason = f"{len(y)} rows are judged by {scheme} cross-validation on the raw rows"
    if reason is not None:
        log.append({"denoise": "skipped", "reason": reason})
        progress.message(f"denoise: skipped, {reason}")
        return Denoised(y, None, noise)
    surrogate = train_surrogate(X, y, train, config)
    out = np.array(y, dtype=np.float64, copy=True)
    out[train] = surrogate(X[train])
    left = function_error(surrogate.error, noise)
    log.append({"denoise": True, "surrogate_error": surrogate.error, "denoised_noise": left,
                "surrogate_epochs": surrogate.epochs})
    progress.message(f"denoise: the stages fit the surrogate's values on {len(train)} training rows "
                     f"(about {left:.2%} of RMS(y) from the function, against a noise floor of {noise:.2%}); "
                     f"the held-out rows stay raw")
    return Denoised(out, surrogate, left)
