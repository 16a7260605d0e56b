"""Results of every method: the one result type, its record, its writer and its printer.

* :class:`~keras_symbolic.results.fit_result.FitResult`: what every method returns.
* :func:`~keras_symbolic.results.writer.write_result_folder`: the one writer of result folders.
* :func:`~keras_symbolic.results.printer.print_result`: the one console summary.
* :mod:`~keras_symbolic.results.metrics`, :mod:`~keras_symbolic.results.plots`,
  :mod:`~keras_symbolic.results.training_curves`, :mod:`~keras_symbolic.results.json_values`: what they use.

This package sits below the pipelines (they return ``FitResult``) and above ``symbolic``; it never
imports Keras (a model is saved through its own ``save``).
"""
from keras_symbolic.results.fit_result import FitResult
from keras_symbolic.results.printer import print_result
from keras_symbolic.results.writer import write_result_folder

__all__ = ["FitResult", "print_result", "write_result_folder"]
