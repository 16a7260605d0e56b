"""The one result type of every method: :class:`FitResult`.

LIES, SymbolNet, EQL and the peers each end in a ``FitResult``: the formulas (one per output) with the
names of the columns they read, the scores, the candidate table, the phase times and the full
configuration. One writer (:func:`keras_symbolic.results.writer.write_result_folder`), one console
printer (:func:`keras_symbolic.results.printer.print_result`) and one record (:meth:`FitResult.to_record`,
the ``result.json`` content and the bench's JSON line) read it, so a new method only has to produce one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import sympy as sp

__all__ = ["FitResult"]


@dataclass
class FitResult:
    """A finished fit of any method.

    Attributes:
        method: ``"lies"``, ``"symbolnet"``, ``"eql"``, ``"operon"``, ...
        expressions: the chosen formulas, one per output (SymPy, in the symbols of ``variables``).
        variables: the column symbols the formulas read, in the column order of ``X``.
        symbols: ``{symbol name: column name}`` when the columns have names of their own (see
            :mod:`keras_symbolic.symbolic.names`): the formulas use the safe symbol names, so their text
            reads back with :func:`sympy.parse_expr`; LaTeX uses the column names. ``None``: the
            symbols are the column names.
        metrics: scores, flat (``r2_train``, ``r2_test``; or ``accuracy_train``, ``roc_auc_test``, ...).
        task: ``"regression"`` or ``"classification"``.
        outputs: what each output predicts (the target's name, or ``"class 3"``).
        per_output: the method gives one formula per output (SymbolNet, EQL): the record then has the
            lists ``expressions``, ``latex``, ``complexities`` beside their joined/mean forms.
        complexities: node counts per formula as the method counts them (default: SymPy node count of
            :func:`~keras_symbolic.symbolic.complexity.expression_complexity`).
        display_digits: significant digits of the constants on screen and in LaTeX (``None``: exact).
        candidates: the candidate table (``pandas.DataFrame``, one row per formula; ``chosen`` marks the
            selected one), written as ``pareto.csv``.
        truth: for a known equation: ``equation``, ``truth``, ``symbolic_solution`` (paper rule),
            ``symbolic_solution_srbench`` and ``solution_check``; ``None`` for a user's table.
        wall_seconds: seconds of the whole fit.
        phase_seconds: seconds per phase.
        details: further method-specific record fields (JSON-able), in record order.
        seed: the run's seed.
        data: where the rows came from (source, target, row counts, ...), or ``None``.
        config: the full configuration as a JSON-able dict.
        model: the trained Keras model (saved as ``model.keras``; not part of the record).
        predictions: ``{label: (y_true, y_pred)}`` for the parity plot (regression).
        files: further result-folder files, ``{file name: writer(path)}`` (plots, histories).
        native: the method's own result object (``LIESResult``, ``SymbolNetResult``, ...).
    """

    method: str
    expressions: list
    variables: list
    metrics: dict = field(default_factory=dict)
    task: str = "regression"
    outputs: Optional[list] = None
    per_output: bool = False
    complexities: Optional[list] = None
    display_digits: Optional[int] = None
    candidates: Any = None
    truth: Optional[dict] = None
    wall_seconds: float = float("nan")
    phase_seconds: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    seed: Optional[int] = None
    data: Optional[dict] = None
    config: dict = field(default_factory=dict)
    model: Any = None
    predictions: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    native: Any = None
    symbols: Optional[dict] = None

    def __post_init__(self):
        if not self.expressions:
            raise ValueError("a FitResult needs at least one expression")
        self.expressions = [sp.sympify(e) for e in self.expressions]
        if self.complexities is None:
            from keras_symbolic.symbolic.complexity import expression_complexity

            self.complexities = [expression_complexity(e) for e in self.expressions]

    # ------------------------------------------------------------------------------------------ views
    @property
    def expression(self) -> sp.Expr:
        """The first (for one output, the only) formula."""
        return self.expressions[0]

    @property
    def complexity(self):
        """The formula's node count; the mean over outputs when the method gives one per output."""
        if self.per_output:
            return float(np.mean(self.complexities))
        return self.complexities[0]

    def display(self) -> list:
        """The formulas as shown on screen and in LaTeX: constants to ``display_digits`` digits."""
        if self.display_digits is None:
            return list(self.expressions)
        from keras_symbolic.symbolic.unroll import display_expression

        return [display_expression(e, self.display_digits) for e in self.expressions]

    def latex(self) -> list[str]:
        """LaTeX of :meth:`display` in the column names (:attr:`symbols`), one string per output."""
        if not self.symbols:
            return [sp.latex(e) for e in self.display()]
        from keras_symbolic.symbolic.names import NameMap

        names = NameMap.from_dict(self.symbols)
        return [names.latex(e) for e in self.display()]

    def predict(self, X) -> np.ndarray:
        """Evaluate the formulas on ``X (n_rows, n_variables)``: shape ``(n_rows,)`` for one output,
        ``(n_rows, n_outputs)`` otherwise."""
        from keras_symbolic.symbolic.evaluation import to_callable

        X = np.asarray(X, dtype=np.float64)
        with np.errstate(all="ignore"):
            columns = [np.broadcast_to(to_callable(e, self.variables)(X), (len(X),)) for e in self.expressions]
        return columns[0] if len(columns) == 1 else np.column_stack(columns)

    # ----------------------------------------------------------------------------------------- record
    def to_record(self, max_stored_nodes: Optional[int] = None) -> dict:
        """The JSON-able record: ``result.json`` and the bench's JSON line.

        Fields in order: ``method`` (and ``task`` for per-output methods), the formulas (``expression``,
        ``latex``, ``complexity``; per-output methods add ``expressions``, ``complexities`` and
        ``outputs``, with ``latex`` a list), ``symbols`` (``{symbol: column name}``, when the result
        has them), the metrics, the truth fields (``symbolic_solution`` is
        ``null`` without a known equation), ``wall_seconds``, ``phase_seconds``, the details, ``seed``,
        ``data``, ``config``. With ``max_stored_nodes``, formulas whose node counts sum past it are
        stored as ``null`` (huge unrolled classifiers).
        """
        record: dict = {"method": self.method}
        store = max_stored_nodes is None or sum(self.complexities) <= max_stored_nodes
        texts = [str(e) for e in self.expressions] if store else None
        if self.per_output:
            record["task"] = self.task
            record["expression"] = None if texts is None else (texts[0] if len(texts) == 1 else "; ".join(texts))
            record["expressions"] = texts
            record["latex"] = self.latex() if store else None
            record["complexity"] = self.complexity
            record["complexities"] = [int(c) for c in self.complexities]
            record["outputs"] = list(self.outputs or [])
        else:
            record["expression"] = None if texts is None else texts[0]
            record["latex"] = self.latex()[0] if store else None
            record["complexity"] = self.complexity
        if self.symbols is not None:
            record["symbols"] = dict(self.symbols)
        record.update(self.metrics)
        record.update(self.truth or {"symbolic_solution": None, "symbolic_solution_srbench": None})
        record["wall_seconds"] = self.wall_seconds
        if self.phase_seconds:
            record["phase_seconds"] = dict(self.phase_seconds)
        record.update(self.details)
        record["seed"] = self.seed
        if self.data is not None:
            record["data"] = dict(self.data)
        record["config"] = self.config
        return record
