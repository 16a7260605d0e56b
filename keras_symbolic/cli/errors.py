"""Errors and exit codes of the ``keras-symbolic`` command line.

Every command raises :class:`CLIError` for bad input; :func:`keras_symbolic.cli.main.main` prints it as
one ``error: ...`` line and returns :data:`EXIT_BAD_INPUT`. This module imports nothing of the package,
so every command module can import it without a circle.
"""
from __future__ import annotations

__all__ = ["CLIError", "EXIT_OK", "EXIT_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERRUPTED"]

EXIT_OK = 0
#: The run itself failed (e.g. training diverged after every restart); nothing was written.
EXIT_FAILED = 1
#: Bad input or options: one ``error:`` line, nothing trained or written.
EXIT_BAD_INPUT = 2
#: Ctrl-C.
EXIT_INTERRUPTED = 130


class CLIError(Exception):
    """A user-facing error: printed as one line, exit code :data:`EXIT_BAD_INPUT`."""
