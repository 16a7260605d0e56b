"""Reproduction and comparison harness (``keras-symbolic bench ...``).

* :mod:`keras_symbolic.bench.runner`: the generic, resumable sweep runner (tasks with stable keys,
  JSONL result store, local processes or a Dask cluster, per-run deadlines).
* :mod:`keras_symbolic.bench.feynman`: the AI Feynman sweep (subsets, seeds, one run per task).
* :mod:`keras_symbolic.bench.peers`: pyoperon and gplearn as live peers on the same data.
* :mod:`keras_symbolic.bench.summary`: tables (Markdown, CSV) and plots, SRBench side by side, the
  LIES ablation table.

Modules import their heavy dependencies (Keras, Dask, the peers) only when used.
"""
from keras_symbolic.bench.result_store import ResultStore, read_records
from keras_symbolic.bench.runner import run_tasks
from keras_symbolic.bench.tasks import Task, make_key

__all__ = ["Task", "ResultStore", "make_key", "read_records", "run_tasks"]
