"""Progress output for long pipelines: one line per phase, with a tqdm bar over its epochs."""
from __future__ import annotations

import sys
import time

__all__ = ["PhaseProgress"]


class PhaseProgress:
    """Reports phases of a run.

    ``verbose=0``: silent. ``1``: a tqdm bar per training phase (epochs, loss) and one line per
    finished phase with its wall time. ``2``: Keras's own per-epoch lines as well.
    """

    def __init__(self, verbose: int = 1, stream=None):
        self.verbose = int(verbose)
        self.stream = stream or sys.stderr
        self._t0 = time.perf_counter()
        self._phase_start = self._t0

    def keras_callbacks(self, label: str, epochs: int) -> list:
        self._phase_start = time.perf_counter()
        if self.verbose < 1:
            return []
        from tqdm.keras import TqdmCallback

        return [
            TqdmCallback(
                epochs=epochs, verbose=0, file=self.stream, desc=f"{label:>22}", leave=False, dynamic_ncols=True,
                bar_format="{desc}: {n_fmt}/{total_fmt} epochs |{bar}| {elapsed}{postfix}",
            )
        ]

    def phase_done(self, label: str, detail: str = ""):
        now = time.perf_counter()
        if self.verbose >= 1:
            print(f"[{now - self._t0:7.1f}s] {label}: {detail} ({now - self._phase_start:.1f}s)", file=self.stream, flush=True)
        self._phase_start = now

    def message(self, text: str):
        if self.verbose >= 1:
            print(text, file=self.stream, flush=True)
