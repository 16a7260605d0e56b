"""``keras-symbolic fit ... --method symbolnet``: SymbolNet from the command line.

    keras-symbolic fit DATA.csv --target COLUMN --method symbolnet [--task regression|classification]
        [--targets weight=0.9,input=0.75,unary=0.6,binary=0.4] [--unary sin,cos,exp,gauss --binary mul]
        [--layers 2 --units 20,20 [--binary-units 5,5]] [--epochs 100 --batch-size 256 --learning-rate 0.005]
    keras-symbolic fit --feynman NAME --method symbolnet [--samples N] ...

:mod:`keras_symbolic.cli` reads the CSV (or names the Feynman equation) and hands over to
:func:`run_symbolnet_fit` / :func:`run_symbolnet_feynman`; :func:`add_symbolnet_arguments` adds the
options below to its ``fit`` sub-parser.

Network shape. ``--layers L`` hidden symbolic layers; ``--units`` the number of *unary* units per
layer (one value for every layer, or one per layer; ``--units 20,20`` alone means two layers);
``--binary-units`` the number of binary units per layer, same format, by default ``max(1, units // 4)``
(the authors' MNIST run: 20 unary + 5 binary units). The paper's LHC run (u = b = 20, two layers) is
``--layers 2 --units 20 --binary-units 20``.

Inputs are used as given (no standardisation), so the formulas are in the CSV's own columns; scale
the columns first when their ranges are large (``exp`` can overflow otherwise).

The result folder (``--out DIR``, written atomically by :func:`keras_symbolic.reporting.write_result_folder`):

* ``result.json``: ``method`` ``"symbolnet"``, ``task``, ``expressions`` (exact, one per output),
  ``expression`` (the single one, or all joined with ``"; "``), ``latex`` (one per output, constants
  rounded to 3 significant digits for display), ``outputs`` (what each output predicts),
  ``complexities`` and their mean ``complexity``; regression: ``r2_train``/``r2_test``; classification:
  ``classes``, ``accuracy_train``/``accuracy_test``, ``roc_auc_train``/``roc_auc_test`` (one-vs-rest,
  per class) and their macro means; ``sparsities`` reached and ``targets``; ``symbolic_solution``
  (``null`` for a CSV, the paper-rule verdict for ``--feynman``); ``wall_seconds``, ``fit_seconds``,
  ``seed``, ``data`` (rows, features, target), ``config`` (the full :class:`SymbolNetConfig`).
  Every metric is computed from the unrolled formulas (they match the network to float32 round-off).
* ``pareto.csv``: SymbolNet gives one formula per output, so one row per output: ``output``,
  ``complexity``, ``loss`` (test MSE of that output), then ``r2`` (test) and ``r2_train`` for regression,
  or ``class``, ``accuracy`` (test, that output thresholded at 0.5 against its 0/1 target: the overall
  accuracy for two classes) and ``roc_auc`` (test) for classification; and ``expression``.
* ``parity.png`` (regression) or ``roc.png`` (classification: test ROC curve per class),
  ``training_curves.png`` (:func:`keras_symbolic.symbolnet_plots.plot_training_curves`),
  ``history.csv`` (per-epoch loss terms, thresholds and sparsities) and ``model.keras``.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from keras_symbolic.cli.errors import CLIError

__all__ = [
    "add_symbolnet_arguments",
    "run_symbolnet_fit",
    "run_symbolnet_feynman",
    "reject_symbolnet_options",
    "symbolnet_parser",
    "fit_subparser",
    "DEFAULTS",
    "MAX_CLASSES",
]

#: Effective defaults of the options (argparse keeps ``None``, so a given option can be told apart).
DEFAULTS = {
    "task": "regression",
    "unary": ("sin", "cos", "exp", "gauss"),
    "binary": ("mul",),
    "layers": 1,
    "units": 20,
    "epochs": 100,
    "batch_size": 256,
    "learning_rate": 0.005,
    "feynman_samples": 10_000,
}
#: A classification target with more distinct values than this is rejected (likely a regression target).
MAX_CLASSES = 50
#: Printed formulas longer than this are cut (the full ones are in result.json).
PRINT_LIMIT = 300
_SOLUTION_TIMEOUT = 10.0
_LIES_ONLY = {  # option -> (attribute, value when not given)
    "--schedule": ("schedule", "reference"),
    "--epochs-scale": ("epochs_scale", 1.0),
    "--restarts": ("restarts", None),
    "--ablate": ("ablate", ""),
    "--linear-space": ("linear_space", False),
}



# ------------------------------------------------------------------------------------------------
# Parser
# ------------------------------------------------------------------------------------------------
def add_symbolnet_arguments(fit_parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the SymbolNet options to the ``fit`` sub-parser (a no-op if they are already there).

    All are optional and default to ``None``; :func:`run_symbolnet_fit` applies :data:`DEFAULTS`.
    """
    if "--task" in fit_parser._option_string_actions:
        return fit_parser
    g = fit_parser.add_argument_group("SymbolNet options (--method symbolnet)")
    g.add_argument("--task", choices=["regression", "classification"],
                   help="regression (default) or classification (integer class labels in the target column)")
    g.add_argument("--targets", metavar="TYPE=S,...",
                   help="target sparsities, e.g. weight=0.9,input=0.75,unary=0.6,binary=0.4 "
                        "(types: weight, input, unary, binary; values in [0, 1); missing types keep the "
                        "model's defaults weight 0.9, input 0, unary 0.4, binary 0.4)")
    g.add_argument("--unary", metavar="OPS", help="unary operators, cycled over the unary units (default sin,cos,exp,gauss)")
    g.add_argument("--binary", metavar="OPS", help="binary operators, cycled over the binary units (default mul)")
    g.add_argument("--layers", type=int, metavar="N", help="number of hidden symbolic layers (default 1)")
    g.add_argument("--units", metavar="U[,U...]",
                   help="unary units per layer: one value for all layers or one per layer (default 20)")
    g.add_argument("--binary-units", metavar="B[,B...]",
                   help="binary units per layer, same format (default max(1, units // 4))")
    g.add_argument("--epochs", type=int, metavar="N", help="training epochs (default 100)")
    g.add_argument("--batch-size", type=int, metavar="N", help="batch size (default 256)")
    g.add_argument("--learning-rate", type=float, metavar="LR", help="Adam learning rate (default 0.005)")
    return fit_parser


_SYMBOLNET_ONLY = ("task", "targets", "unary", "binary", "layers", "units", "binary_units", "epochs", "batch_size",
                   "learning_rate")


def reject_symbolnet_options(args) -> None:
    """For ``--method lies``: raise ``CLIError`` if a SymbolNet option was given (it would be ignored)."""
    for name in _SYMBOLNET_ONLY:
        if getattr(args, name, None) is not None:
            raise CLIError(f"--{name.replace('_', '-')} applies to --method symbolnet only")


def fit_subparser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``fit`` sub-parser of a parser made by :func:`keras_symbolic.cli.build_parser`."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and "fit" in action.choices:
            return action.choices["fit"]
    raise LookupError("the parser has no 'fit' sub-command")


def symbolnet_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with the ``fit`` arguments that :func:`run_symbolnet_fit` reads (tests,
    scripts): ``data``, ``--target``, ``--feynman``, ``--samples``, ``--test-samples``, ``--test-size``,
    ``--method``, ``--out``, ``--seed``, ``--quiet``, ``--verbose`` and the SymbolNet options."""
    p = argparse.ArgumentParser(prog="keras-symbolic fit")
    p.add_argument("data", nargs="?", type=Path)
    p.add_argument("--target")
    p.add_argument("--feynman", metavar="NAME")
    p.add_argument("--samples", type=int)
    p.add_argument("--test-samples", type=int, default=10_000)
    p.add_argument("--test-size", type=float, default=0.2)
    p.add_argument("--method", choices=["lies", "symbolnet"], default="symbolnet")
    p.add_argument("--out", type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--verbose", action="store_true")
    return add_symbolnet_arguments(p)


# ------------------------------------------------------------------------------------------------
# Option parsing and validation (CLIError, one line)
# ------------------------------------------------------------------------------------------------
def _operators(text, option: str, arity: int) -> tuple:
    from keras_symbolic.ops.symbolnet_ops import BINARY_OPERATORS, UNARY_OPERATORS, canonical_operator_name

    own, other = (UNARY_OPERATORS, BINARY_OPERATORS) if arity == 1 else (BINARY_OPERATORS, UNARY_OPERATORS)
    names = [n.strip() for n in str(text).split(",")]
    if not any(names):
        raise CLIError(f"{option} needs at least one operator name; choices: {', '.join(sorted(own))}")
    out = []
    for name in names:
        if not name:
            raise CLIError(f"{option} has an empty operator name in {text!r}")
        key = canonical_operator_name(name)
        if key in own:
            out.append(key)
            continue
        hint = f" ('{name}' is a {'binary' if arity == 1 else 'unary'} operator)" if key in other else ""
        raise CLIError(f"unknown {'unary' if arity == 1 else 'binary'} operator '{name}' in {option}{hint}; "
                     f"choices: {', '.join(sorted(own))}")
    return tuple(out)


def _targets(text):
    from keras_symbolic.models.symbolnet import PRUNING_TYPES

    if text is None:
        return None
    out = {}
    for item in str(text).split(","):
        item = item.strip()
        if not item:
            continue
        kind, sep, value = (s.strip() for s in item.partition("="))
        if not sep or not kind or not value:
            raise CLIError(f"--targets expects TYPE=VALUE pairs such as weight=0.9,input=0.75; got '{item}'")
        if kind not in PRUNING_TYPES:
            raise CLIError(f"unknown pruning type '{kind}' in --targets; choices: {', '.join(PRUNING_TYPES)}")
        if kind in out:
            raise CLIError(f"--targets gives '{kind}' twice")
        try:
            number = float(value)
        except ValueError:
            raise CLIError(f"--targets value of '{kind}' is not a number: '{value}'") from None
        if not 0.0 <= number < 1.0:
            raise CLIError(f"--targets value of '{kind}' must be in [0, 1), got {value}")
        out[kind] = number
    if not out:
        raise CLIError("--targets is empty; give TYPE=VALUE pairs such as weight=0.9,input=0.75")
    return out


def _counts(text, option: str) -> list[int] | None:
    if text is None:
        return None
    values = []
    for item in str(text).split(","):
        try:
            values.append(int(item.strip()))
        except ValueError:
            raise CLIError(f"{option} expects whole numbers separated by commas, got '{text}'") from None
    if any(v < 0 for v in values):
        raise CLIError(f"{option} values must be >= 0, got '{text}'")
    return values


def _per_layer(values, n_layers: int, option: str) -> list[int]:
    if len(values) == 1:
        return values * n_layers
    if len(values) != n_layers:
        raise CLIError(f"{option} gives {len(values)} values for {n_layers} layer(s) (--layers); "
                     "give one value for every layer or one per layer")
    return list(values)


def _network(args) -> list[tuple[int, int]]:
    """``[(num_unary, num_binary), ...]`` from ``--layers``, ``--units``, ``--binary-units``."""
    units = _counts(getattr(args, "units", None), "--units")
    binary_units = _counts(getattr(args, "binary_units", None), "--binary-units")
    n_layers = getattr(args, "layers", None)
    if n_layers is None:
        given = [len(v) for v in (units, binary_units) if v is not None and len(v) > 1]
        n_layers = given[0] if given else DEFAULTS["layers"]
    if n_layers < 1:
        raise CLIError(f"--layers must be at least 1, got {n_layers}")
    u = _per_layer(units if units is not None else [DEFAULTS["units"]], n_layers, "--units")
    b = _per_layer(binary_units, n_layers, "--binary-units") if binary_units is not None else [max(1, v // 4) for v in u]
    for k, (nu, nb) in enumerate(zip(u, b)):
        if nu + nb == 0:
            raise CLIError(f"layer {k + 1} has no units (--units and --binary-units are both 0)")
    return list(zip(u, b))


def _positive(args, name: str, option: str, kind=int):
    value = getattr(args, name, None)
    value = DEFAULTS[name] if value is None else value
    if not (math.isfinite(value) and value > 0):
        raise CLIError(f"{option} must be positive, got {value}")
    return kind(value)


def _check_not_lies_options(args):
    for option, (attr, unset) in _LIES_ONLY.items():
        if getattr(args, attr, unset) != unset:
            raise CLIError(f"{option} applies to --method lies only")


def _settings(args) -> dict:
    """Validated estimator arguments and run settings from ``args`` (raises CLIError)."""
    _check_not_lies_options(args)
    task = getattr(args, "task", None) or DEFAULTS["task"]
    unary = _operators(args.unary, "--unary", 1) if getattr(args, "unary", None) is not None else DEFAULTS["unary"]
    binary = _operators(args.binary, "--binary", 2) if getattr(args, "binary", None) is not None else DEFAULTS["binary"]
    layers = _network(args)
    return {
        "task": task,
        "estimator": dict(
            layers=tuple(layers),
            unary=unary,
            binary=binary,
            targets=_targets(getattr(args, "targets", None)),
            epochs=_positive(args, "epochs", "--epochs"),
            batch_size=_positive(args, "batch_size", "--batch-size"),
            learning_rate=_positive(args, "learning_rate", "--learning-rate", float),
            seed=int(args.seed),
        ),
    }


def _class_labels(y, target: str) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    fractional = np.flatnonzero(y != np.round(y))
    if fractional.size:
        row = int(fractional[0])
        raise CLIError(f"--task classification needs integer class labels, but target '{target}' has "
                     f"{fractional.size} non-integer value(s) (row {row}: {y[row]!r})")
    labels = y.astype(np.int64)
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2:
        raise CLIError(f"--task classification needs at least 2 classes, target '{target}' has {len(classes)}")
    if len(classes) > MAX_CLASSES:
        raise CLIError(f"target '{target}' has {len(classes)} distinct values, more than the {MAX_CLASSES} classes "
                     "allowed (use --task regression for a numeric target)")
    rare = classes[counts < 2]
    if rare.size:
        raise CLIError(f"class {rare[0]} of target '{target}' has only 1 row; every class needs at least 2 "
                     "(one for training, one for testing)")
    return labels


def _split(X, y, test_size: float, seed: int, stratify: bool):
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise CLIError(f"--test-size must be in (0, 1), got {test_size}")
    try:
        return train_test_split(X, y, test_size=test_size, random_state=int(seed), stratify=y if stratify else None)
    except ValueError as exc:
        raise CLIError(f"cannot split {len(y)} rows with --test-size {test_size}: {str(exc).splitlines()[0]}") from None


# ------------------------------------------------------------------------------------------------
# Metrics, tables, plots
# ------------------------------------------------------------------------------------------------
def _formula_outputs(est, X) -> np.ndarray:
    """Unrolled formulas on ``X``: ``(n_rows, n_outputs)``."""
    with np.errstate(all="ignore"):
        out = np.asarray(est._raw_symbolic(X), dtype=np.float64)
    return out


def _classification_metrics(est, raw: np.ndarray, labels: np.ndarray) -> dict:
    from sklearn.metrics import accuracy_score, roc_auc_score

    raw1 = raw[:, 0] if raw.shape[1] == 1 else raw
    predicted = est._labels_from_raw(np.nan_to_num(raw1, nan=0.0, posinf=1e300, neginf=-1e300))
    scores = _class_scores(raw)
    aucs = {}
    for k, label in enumerate(est.classes_):
        positive = labels == label
        ok = np.isfinite(scores[:, k])
        if positive.all() or not positive.any() or not ok.all():
            aucs[int(label)] = float("nan")
        else:
            aucs[int(label)] = float(roc_auc_score(positive, scores[:, k]))
    good = [v for v in aucs.values() if math.isfinite(v)]
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "roc_auc": aucs,
        "roc_auc_macro": float(np.mean(good)) if good else float("nan"),
    }


def _class_scores(raw: np.ndarray) -> np.ndarray:
    """One score column per class (two classes: ``-output`` and ``output``)."""
    return np.column_stack([-raw[:, 0], raw[:, 0]]) if raw.shape[1] == 1 else raw


def _roc_writer(classes, y_test, raw_test):
    def write(path):
        from matplotlib.figure import Figure
        from sklearn.metrics import roc_curve

        fig = Figure(figsize=(5.4, 5), layout="constrained")
        ax = fig.subplots()
        scores = _class_scores(raw_test)
        for k, label in enumerate(classes):
            positive = y_test == label
            ok = np.isfinite(scores[:, k])
            if positive.all() or not positive.any() or not ok.any():
                continue
            fpr, tpr, _ = roc_curve(positive[ok], scores[ok, k])
            auc = float(np.trapezoid(tpr, fpr)) if hasattr(np, "trapezoid") else float(np.trapz(tpr, fpr))
            ax.plot(fpr, tpr, lw=1.5, label=f"class {label} (AUC {auc:.3f})")
        ax.plot([0, 1], [0, 1], "k--", lw=1)
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC per class (test rows, formulas)",
               xlim=(0, 1), ylim=(0, 1.01))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=7 if len(classes) > 8 else 8)
        fig.savefig(path, dpi=120)

    return write


def _history_writer(history: dict):
    def write(path):
        import pandas as pd

        n = max((len(v) for v in history.values()), default=0)
        table = {"epoch": np.arange(1, n + 1)}
        for key, values in history.items():
            table[key] = list(values) + [float("nan")] * (n - len(values))
        pd.DataFrame(table).to_csv(path, index=False)

    return write


def _curves_writer(est, title: str):
    def write(path):
        from keras_symbolic.symbolnet_plots import plot_training_curves

        plot_training_curves(est, path=path, title=title)

    return write


def _short(text: str, limit: int = PRINT_LIMIT) -> tuple[str, bool]:
    return (text, False) if len(text) <= limit else (text[: limit - 3] + "...", True)


def _fmt(value, digits: int = 6) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


# ------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------
def _fit_and_report(args, settings, X_tr, y_tr, X_te, y_te, names, data_info, truth=None) -> int:
    """Train, score, print and write; ``truth`` (a FeynmanEquation) adds the symbolic check."""
    import pandas as pd
    import sympy as sp

    from keras_symbolic.estimators.symbolnet import SymbolNetClassifier, SymbolNetRegressor
    from keras_symbolic.pipelines.lies import safe_r2
    from keras_symbolic.reporting import write_result_folder
    from keras_symbolic.symbolic.unroll import display_expression

    task = settings["task"]
    quiet, verbose = bool(getattr(args, "quiet", False)), bool(getattr(args, "verbose", False))
    cls = SymbolNetClassifier if task == "classification" else SymbolNetRegressor
    est = cls(**settings["estimator"], variable_names=list(names), verbose=2 if verbose else 0)
    if not quiet:
        shape = " + ".join(f"{u}u/{b}b" for u, b in settings["estimator"]["layers"])
        print(f"SymbolNet {task}: {settings['estimator']['epochs']} epochs on {len(y_tr)} rows, "
              f"{len(names)} inputs, layers {shape}" + ("" if verbose else " (--verbose: per-epoch lines)"),
              file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        est.fit(X_tr, y_tr)
    except FloatingPointError as exc:
        from keras_symbolic.cli.errors import EXIT_FAILED

        print(f"error: {exc} Nothing written.", file=sys.stderr)
        return EXIT_FAILED
    seconds = time.perf_counter() - start

    exprs = list(est.expressions_)
    raw_tr, raw_te = _formula_outputs(est, X_tr), _formula_outputs(est, X_te)
    record = {
        "method": "symbolnet",
        "task": task,
        "expression": str(exprs[0]) if len(exprs) == 1 else "; ".join(str(e) for e in exprs),
        "expressions": [str(e) for e in exprs],
        "latex": [sp.latex(display_expression(e, 3)) for e in exprs],
        "complexity": float(est.complexity_),
        "complexities": [int(c) for c in est.complexities_],
    }
    rows = []
    if task == "regression":
        pred_tr, pred_te = raw_tr[:, 0], raw_te[:, 0]
        record["outputs"] = [data_info.get("target") or "y"]
        record["r2_train"], record["r2_test"] = safe_r2(y_tr, pred_tr), safe_r2(y_te, pred_te)
        rows.append({
            "output": record["outputs"][0],
            "complexity": record["complexities"][0],
            "loss": float(np.mean((pred_te - y_te) ** 2)) if np.all(np.isfinite(pred_te)) else float("inf"),
            "r2": record["r2_test"],
            "r2_train": record["r2_train"],
            "expression": record["expressions"][0],
        })
    else:
        classes = [int(c) for c in est.classes_]
        out_classes = classes[1:] if len(classes) == 2 else classes
        record["classes"] = classes
        record["outputs"] = [f"class {c}" for c in out_classes]
        m_tr, m_te = _classification_metrics(est, raw_tr, y_tr), _classification_metrics(est, raw_te, y_te)
        record.update(
            accuracy_train=m_tr["accuracy"], accuracy_test=m_te["accuracy"],
            roc_auc_train=m_tr["roc_auc"], roc_auc_test=m_te["roc_auc"],
            roc_auc_macro_train=m_tr["roc_auc_macro"], roc_auc_macro_test=m_te["roc_auc_macro"],
        )
        for k, c in enumerate(out_classes):
            target01 = (y_te == c).astype(np.float64)
            out = raw_te[:, k]
            ok = bool(np.all(np.isfinite(out)))
            rows.append({
                "output": record["outputs"][k],
                "class": c,
                "complexity": record["complexities"][k],
                "loss": float(np.mean((out - target01) ** 2)) if ok else float("inf"),
                "accuracy": float(np.mean((out > 0.5) == (target01 > 0.5))),
                "roc_auc": m_te["roc_auc"][c],
                "expression": record["expressions"][k],
            })
    record["symbolic_solution"] = None
    record["symbolic_solution_srbench"] = None
    if truth is not None:
        from keras_symbolic.symbolic.equivalence import check_symbolic_solution

        ranges = dict(zip(truth.variables, truth.ranges))
        checks = {rule: check_symbolic_solution(exprs[0], truth.sympy_expr, ranges, rule=rule, timeout=_SOLUTION_TIMEOUT)
                  for rule in ("paper", "srbench")}
        record.update(
            equation=truth.name,
            truth=truth.formula,
            symbolic_solution=bool(checks["paper"].is_solution),
            symbolic_solution_srbench=bool(checks["srbench"].is_solution),
            solution_check={rule: dict(vars(c)) for rule, c in checks.items()},
        )
    record.update(
        sparsities=dict(est.sparsities_),
        targets=dict(est.config_["targets"]),
        wall_seconds=seconds,
        fit_seconds=float(est.fit_seconds_),
        epochs_run=len(est.history_.get("loss", [])),
        seed=int(args.seed),
        data={**data_info, "features": list(names), "train_rows": int(len(y_tr)), "test_rows": int(len(y_te))},
        config=dict(est.config_),
        backend=os.environ.get("KERAS_BACKEND", "tensorflow"),
    )

    # -- print -----------------------------------------------------------------------------------
    truncated = 0
    shown = [str(display_expression(e, 3)) for e in exprs]
    if len(exprs) == 1:
        text, cut = _short(shown[0])
        truncated += cut
        print(f"formula     : {text}")
    else:
        print("formulas    : one per output (constants to 3 significant digits)")
        width = max(len(o) for o in record["outputs"])
        for label, s in zip(record["outputs"], shown):
            text, cut = _short(s)
            truncated += cut
            print(f"  {label:<{width}} : {text}")
    if truncated:
        where = "result.json" if args.out else "result.json (pass --out DIR to save it)"
        print(f"note        : {truncated} formula(s) cut to {PRINT_LIMIT} characters; the full expressions are in {where}")
    if task == "regression":
        print(f"R^2 train   : {_fmt(record['r2_train'])}")
        print(f"R^2 test    : {_fmt(record['r2_test'])}")
    else:
        print(f"accuracy    : train {_fmt(record['accuracy_train'], 4)}  test {_fmt(record['accuracy_test'], 4)}")
        per_class = ", ".join(f"{c}: {_fmt(v, 3)}" for c, v in record["roc_auc_test"].items())
        print(f"ROC AUC test: {per_class} (macro {_fmt(record['roc_auc_macro_test'], 3)})")
    if len(exprs) == 1:
        print(f"complexity  : {record['complexities'][0]}")
    else:
        print(f"complexity  : {record['complexity']:.2f} (mean over {len(exprs)} outputs: "
              f"{', '.join(map(str, record['complexities']))})")
    print("sparsity    : " + ", ".join(f"{k} {v:.2f} (target {record['targets'].get(k, 0):.2f})"
                                       for k, v in record["sparsities"].items()))
    if truth is not None:
        print(f"truth       : {record['truth']}")
        print(f"symbolic solution: {'yes' if record['symbolic_solution'] else 'no'} "
              f"(SRBench rule: {'yes' if record['symbolic_solution_srbench'] else 'no'})")
    print(f"wall time   : {seconds:.1f} s  (backend {record['backend']})")

    # -- write -------------------------------------------------------------------------------------
    if args.out:
        extra = {
            "training_curves.png": _curves_writer(est, f"SymbolNet {task}: mean complexity {record['complexity']:.1f}"),
            "history.csv": _history_writer(est.history_),
        }
        parity = None
        if task == "regression":
            parity = {"train": (y_tr, raw_tr[:, 0]), "test": (y_te, raw_te[:, 0])}
        else:
            extra["roc.png"] = _roc_writer(est.classes_, y_te, raw_te)
        write_result_folder(args.out, record, equations=pd.DataFrame(rows), parity=parity, model=est.model_,
                            extra_files=extra)
        print(f"result folder: {args.out}")
    return 0


def run_symbolnet_fit(args, X, y, feature_names) -> int:
    """``fit DATA.csv --method symbolnet``: validate the options, split, fit, print, write.

    Args:
        args: parsed ``fit`` arguments (see :func:`symbolnet_parser`).
        X, y, feature_names: the table from ``cli._read_csv``.

    Returns:
        The exit code (0, or 1 when training diverged). Bad input raises ``CLIError`` before anything
        is trained or written.
    """
    from keras_symbolic.symbolic.transform import DataError, validate_xy

    settings = _settings(args)
    target = getattr(args, "target", None) or "y"
    try:
        X, y, names = validate_xy(X, y, feature_names)
    except DataError as exc:
        raise CLIError(str(exc)) from None
    classification = settings["task"] == "classification"
    if classification:
        y = _class_labels(y, target)
    X_tr, X_te, y_tr, y_te = _split(X, y, float(args.test_size), args.seed, stratify=classification)
    data = getattr(args, "data", None)
    info = {"source": str(data) if data is not None else None, "target": target, "test_size": float(args.test_size)}
    return _fit_and_report(args, settings, X_tr, y_tr, X_te, y_te, names, info)


def run_symbolnet_feynman(args) -> int:
    """``fit --feynman NAME --method symbolnet``: fresh train (``--samples``, default 10000) and test
    (``--test-samples``) rows drawn as for LIES, then the paper's symbolic-solution check of the formula."""
    from keras_symbolic.datasets import UnknownEquationError, get_feynman_equation
    from keras_symbolic.symbolic.transform import DataError, validate_xy

    settings = _settings(args)
    if settings["task"] != "regression":
        raise CLIError("--task classification cannot be used with --feynman (its equations are regression targets)")
    samples = getattr(args, "samples", None) or DEFAULTS["feynman_samples"]
    if samples < 10:
        raise CLIError(f"--samples must be at least 10, got {samples}")
    test_samples = int(getattr(args, "test_samples", 10_000))
    if test_samples < 1:
        raise CLIError(f"--test-samples must be at least 1, got {test_samples}")
    try:
        equation = get_feynman_equation(args.feynman)
    except UnknownEquationError as exc:
        raise CLIError(str(exc)) from None
    streams = np.random.SeedSequence([int(args.seed), 20250610]).spawn(2)  # the same rows as LIES's fit_feynman
    X_tr, y_tr = equation.sample(int(samples), seed=np.random.default_rng(streams[0]))
    X_te, y_te = equation.sample(test_samples, seed=np.random.default_rng(streams[1]))
    names = list(equation.variables)
    try:
        validate_xy(X_tr, y_tr, names)
        validate_xy(X_te, y_te, names, min_rows=1)
    except DataError as exc:
        raise CLIError(f"{equation.name}: {exc}") from None
    info = {"source": f"feynman:{equation.name}", "target": "y", "samples": int(samples), "test_samples": test_samples}
    return _fit_and_report(args, settings, X_tr, y_tr, X_te, y_te, names, info, truth=equation)
