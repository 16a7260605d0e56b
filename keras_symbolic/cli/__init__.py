"""The ``keras-symbolic`` command line: one module per command.

=====================  ==========================================================
module                 command
=====================  ==========================================================
``main``               the parser and the dispatch (``keras-symbolic ...``)
``fit``                ``fit DATA.csv | --feynman NAME`` (every method)
``fit_symbolnet``      the SymbolNet options of ``fit``
``bench``              ``bench feynman | summary``
``bench_symbolnet``    ``bench symbolnet``
``hls``                ``hls RESULT_DIR | --expr TEXT``
``baseline``           ``baseline qp``
``errors``             :class:`CLIError` and the exit codes
=====================  ==========================================================

Modules import downward only: ``main`` imports the commands, the commands import ``errors`` and the
layers below the command line, never ``main``.
"""
from keras_symbolic.cli.errors import EXIT_BAD_INPUT, EXIT_FAILED, CLIError
from keras_symbolic.cli.main import build_parser, main

__all__ = ["main", "build_parser", "CLIError", "EXIT_BAD_INPUT", "EXIT_FAILED"]
