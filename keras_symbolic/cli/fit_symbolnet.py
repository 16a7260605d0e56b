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

The result folder (``--out DIR``, written atomically by :func:`keras_symbolic.results.writer.write_result_folder`
from the :class:`~keras_symbolic.results.fit_result.FitResult` of
:func:`keras_symbolic.estimators.symbolnet_result.symbolnet_fit_result`):

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
  ``training_curves.png`` (:func:`keras_symbolic.results.training_curves.plot_training_curves`),
  ``history.csv`` (per-epoch loss terms, thresholds and sparsities) and ``model.keras``.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from keras_symbolic.cli.errors import CLIError
from keras_symbolic.cli.output import finish

__all__ = [
    "add_symbolnet_arguments",
    "run_symbolnet_fit",
    "run_symbolnet_split",
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
    from keras_symbolic.models.adaptive_sparsity import PRUNING_TYPES

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
# The run
# ------------------------------------------------------------------------------------------------
def _fit(args, settings, X_tr, y_tr, X_te, y_te, names, data_info, truth_of=None):
    """Train and score; returns the :class:`~keras_symbolic.results.fit_result.FitResult`; training that
    diverged raises ``CLIError`` (one line that says what to try). ``truth_of(expression)`` gives the truth fields."""
    from keras_symbolic.estimators.symbolnet import SymbolNetClassifier, SymbolNetRegressor
    from keras_symbolic.estimators.symbolnet_result import symbolnet_fit_result

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
        raise CLIError(f"{str(exc).strip()} Try another --seed or a smaller learning rate; nothing written.") from None
    seconds = time.perf_counter() - start
    truth = truth_of(est.expressions_[0]) if truth_of is not None else None
    return symbolnet_fit_result(est, X_tr, y_tr, X_te, y_te, seconds=seconds, seed=int(args.seed), data=data_info,
                                truth=truth, target=data_info.get("target") or "y")


def run_symbolnet_split(args, X_tr, y_tr, X_te, y_te, names, data_info: dict) -> int:
    """Fit on rows already split into training and test rows (e.g. a data set's own split), print and
    write as ``fit`` does; returns the exit code."""
    return finish(_fit(args, _settings(args), X_tr, y_tr, X_te, y_te, names, data_info), args.out)


def run_symbolnet_fit(args, X, y, feature_names) -> int:
    """``fit DATA.csv --method symbolnet``: validate the options, split, fit, print, write.

    Args:
        args: parsed ``fit`` arguments (see :func:`symbolnet_parser`).
        X, y, feature_names: the table from :func:`keras_symbolic.cli.fit.load_table`; names that would
            not read back in a formula get safe symbols (the result's ``symbols`` keeps the mapping).

    Returns:
        The exit code 0. Bad input, and training that diverged, raise ``CLIError``; nothing is written.
    """
    from keras_symbolic.symbolic.names import safe_names
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
    name_map = safe_names(names)
    result = _fit(args, settings, X_tr, y_tr, X_te, y_te, list(name_map.safe), info)
    result.symbols = name_map.mapping
    return finish(result, args.out)


def run_symbolnet_feynman(args) -> int:
    """``fit --feynman NAME --method symbolnet``: fresh train (``--samples``, default 10000) and test
    (``--test-samples``) rows drawn as for LIES, then the paper's symbolic-solution check of the formula."""
    from keras_symbolic.datasets import UnknownEquationError, get_feynman_equation
    from keras_symbolic.pipelines.evaluate import feynman_rows, solution_check
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
    X_tr, y_tr, X_te, y_te = feynman_rows(equation, args.seed, samples, test_samples)  # the rows LIES sees
    names = list(equation.variables)
    try:
        validate_xy(X_tr, y_tr, names)
        validate_xy(X_te, y_te, names, min_rows=1)
    except DataError as exc:
        raise CLIError(f"{equation.name}: {exc}") from None
    info = {"source": f"feynman:{equation.name}", "target": "y", "samples": int(samples), "test_samples": test_samples}
    result = _fit(args, settings, X_tr, y_tr, X_te, y_te, names, info,
                  truth_of=lambda expr: solution_check(expr, equation, _SOLUTION_TIMEOUT))
    return finish(result, args.out)
