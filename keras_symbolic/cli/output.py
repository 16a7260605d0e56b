"""How every ``fit`` ends on the command line: write the result folder (when ``--out`` is given), then
print the summary, both through the one writer and printer of :mod:`keras_symbolic.results`."""
from __future__ import annotations

from keras_symbolic.cli.errors import EXIT_FAILED, EXIT_OK
from keras_symbolic.results import FitResult, print_result, write_result_folder

__all__ = ["finish"]


def finish(result: FitResult | None, out_dir=None) -> int:
    """Write and print ``result``; return the exit code (``EXIT_FAILED`` when there is no result)."""
    if result is None:
        return EXIT_FAILED
    if out_dir is not None:
        write_result_folder(out_dir, result)
    print_result(result, out_dir=out_dir)
    return EXIT_OK
