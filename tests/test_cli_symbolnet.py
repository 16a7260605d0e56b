"""``keras-symbolic fit ... --method symbolnet`` (keras_symbolic.cli.fit_symbolnet): result folders,
printing and one-line errors. Tiny networks and 2-3 epochs: these check the plumbing, not accuracy."""
import json

import numpy as np
import pandas as pd
import pytest

from keras_symbolic.cli import CLIError, build_parser
from keras_symbolic.cli.fit_symbolnet import (
    MAX_CLASSES,
    add_symbolnet_arguments,
    fit_subparser,
    run_symbolnet_feynman,
    run_symbolnet_fit,
    symbolnet_parser,
)

NAMES = ["a", "b", "c"]
TINY = ["--units", "4", "--binary-units", "2", "--unary", "sin,identity", "--epochs", "3", "--batch-size", "64"]


def _args(*argv):
    return symbolnet_parser().parse_args(["data.csv", "--target", "y", *argv])


@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(300, 3))
    return X, X[:, 0] * X[:, 1] + np.sin(X[:, 2])


@pytest.fixture(scope="module")
def class_data():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(300, 3))
    labels = np.where(X[:, 0] < -0.3, 0, np.where(X[:, 0] + X[:, 1] < 0.5, 1, 2)).astype(float)
    return X, labels


def _nothing_written(tmp_path):
    return not any(tmp_path.iterdir())


def test_regression_writes_result_folder(tmp_path, capsys, regression_data):
    X, y = regression_data
    out = tmp_path / "run"
    args = _args(*TINY, "--targets", "weight=0.5,input=0.2", "--seed", "3", "--out", str(out), "--quiet")
    assert run_symbolnet_fit(args, X, y, NAMES) == 0
    printed = capsys.readouterr().out
    for key in ("formula     :", "R^2 train", "R^2 test", "complexity  :", "sparsity", "wall time", "result folder"):
        assert key in printed, key
    assert {p.name for p in out.iterdir()} == {
        "result.json", "pareto.csv", "parity.png", "training_curves.png", "history.csv", "model.keras"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left

    r = json.loads((out / "result.json").read_text())
    assert r["method"] == "symbolnet" and r["task"] == "regression"
    assert len(r["expressions"]) == len(r["latex"]) == len(r["complexities"]) == 1
    assert r["expression"] == r["expressions"][0] and isinstance(r["latex"][0], str)
    assert r["complexity"] == pytest.approx(np.mean(r["complexities"]))
    assert r["outputs"] == ["y"]
    assert set(r) >= {"r2_train", "r2_test", "wall_seconds", "fit_seconds", "sparsities", "config", "seed"}
    assert r["symbolic_solution"] is None
    assert r["seed"] == 3 and r["epochs_run"] == 3
    assert r["targets"] == {"weight": 0.5, "input": 0.2, "unary": 0.4, "binary": 0.4}
    assert set(r["sparsities"]) == {"weight", "input", "unary", "binary"}
    assert all(0.0 <= v <= 1.0 for v in r["sparsities"].values())
    c = r["config"]
    assert c["layers"] == [[4, 2]] and c["unary"] == ["sin", "identity"] and c["binary"] == ["mul"]
    assert c["epochs"] == 3 and c["batch_size"] == 64 and c["learning_rate"] == 0.005 and c["seed"] == 3
    assert r["data"]["train_rows"] == 240 and r["data"]["test_rows"] == 60 and r["data"]["features"] == NAMES
    import sympy as sp

    assert {s.name for s in sp.sympify(r["expression"]).free_symbols} <= set(NAMES)

    pareto = pd.read_csv(out / "pareto.csv")
    assert list(pareto.columns) == ["output", "complexity", "loss", "r2", "r2_train", "expression"]
    assert len(pareto) == 1 and pareto["complexity"][0] == r["complexities"][0]
    if r["r2_test"] is not None:
        assert pareto["r2"][0] == pytest.approx(r["r2_test"])
    history = pd.read_csv(out / "history.csv")
    assert len(history) == 3 and {"epoch", "loss", "sparsity_weight"} <= set(history.columns)


def test_classification_writes_roc_and_per_class_metrics(tmp_path, capsys, class_data):
    X, labels = class_data
    out = tmp_path / "cls"
    args = _args("--task", "classification", *TINY, "--out", str(out))
    assert run_symbolnet_fit(args, X, labels, NAMES) == 0
    captured = capsys.readouterr()
    assert "SymbolNet classification: 3 epochs on 240 rows" in captured.err  # start line (not --quiet)
    printed = captured.out
    assert "formulas    :" in printed and "class 2" in printed and "accuracy" in printed and "ROC AUC test" in printed
    assert {p.name for p in out.iterdir()} == {
        "result.json", "pareto.csv", "roc.png", "training_curves.png", "history.csv", "model.keras"}
    assert (out / "roc.png").stat().st_size > 1000

    r = json.loads((out / "result.json").read_text())
    assert r["task"] == "classification" and r["classes"] == [0, 1, 2]
    assert r["outputs"] == ["class 0", "class 1", "class 2"]
    assert len(r["expressions"]) == len(r["latex"]) == len(r["complexities"]) == 3
    assert r["expression"] == "; ".join(r["expressions"])
    assert r["complexity"] == pytest.approx(np.mean(r["complexities"]))
    assert 0.0 <= r["accuracy_train"] <= 1.0 and 0.0 <= r["accuracy_test"] <= 1.0
    assert set(r["roc_auc_test"]) == set(r["roc_auc_train"]) == {"0", "1", "2"}
    assert "r2_test" not in r and r["symbolic_solution"] is None
    pareto = pd.read_csv(out / "pareto.csv")
    assert list(pareto.columns) == ["output", "class", "complexity", "loss", "accuracy", "roc_auc", "expression"]
    assert list(pareto["class"]) == [0, 1, 2] and list(pareto["complexity"]) == r["complexities"]


def test_two_classes_give_one_output(tmp_path, capsys, class_data):
    X, _ = class_data
    labels = np.where(X[:, 0] > 0, 7.0, 3.0)
    out = tmp_path / "bin"
    args = _args("--task", "classification", "--units", "2", "--binary-units", "0", "--epochs", "2",
                 "--layers", "1", "--out", str(out), "--quiet")
    assert run_symbolnet_fit(args, X, labels, NAMES) == 0
    r = json.loads((out / "result.json").read_text())
    assert r["classes"] == [3, 7] and r["outputs"] == ["class 7"] and len(r["expressions"]) == 1
    assert set(r["roc_auc_test"]) == {"3", "7"} and "binary" not in r["sparsities"]
    assert r["config"]["layers"] == [[2, 0]]
    assert "formula     :" in capsys.readouterr().out


def test_feynman_checks_symbolic_solution(tmp_path, capsys):
    out = tmp_path / "feyn"
    args = symbolnet_parser().parse_args(["--feynman", "I.12.1", "--samples", "200", "--test-samples", "100",
                                          *TINY[:6], "--epochs", "2", "--out", str(out), "--quiet"])
    assert run_symbolnet_feynman(args) == 0
    printed = capsys.readouterr().out
    assert "truth" in printed and "symbolic solution:" in printed
    r = json.loads((out / "result.json").read_text())
    assert r["equation"] == "I.12.1" and isinstance(r["symbolic_solution"], bool)
    assert isinstance(r["symbolic_solution_srbench"], bool) and set(r["solution_check"]) == {"paper", "srbench"}
    assert r["data"]["train_rows"] == 200 and r["data"]["test_rows"] == 100 and r["data"]["features"] == ["mu", "Nn"]


@pytest.mark.parametrize(
    "argv, y_kind, message",
    [
        (["--unary", "sin,foo"], "reg", "unknown unary operator 'foo' in --unary; choices: cos, cosh, cube, exp"),
        (["--unary", "mul"], "reg", "'mul' is a binary operator"),
        (["--binary", "sin"], "reg", "unknown binary operator 'sin' in --binary ('sin' is a unary operator); choices: add, div, mul, pow"),
        (["--binary", ""], "reg", "--binary needs at least one operator name"),
        (["--targets", "weight=0.9,inputs=0.5"], "reg", "unknown pruning type 'inputs' in --targets; choices: weight, input, unary, binary"),
        (["--targets", "weight:0.9"], "reg", "--targets expects TYPE=VALUE pairs"),
        (["--targets", "weight=1"], "reg", "--targets value of 'weight' must be in [0, 1), got 1"),
        (["--targets", "unary=lots"], "reg", "--targets value of 'unary' is not a number: 'lots'"),
        (["--targets", "input=0.1,input=0.2"], "reg", "--targets gives 'input' twice"),
        (["--layers", "2", "--units", "20,20,20"], "reg", "--units gives 3 values for 2 layer(s)"),
        (["--units", "20,20", "--binary-units", "5,5,5"], "reg", "--binary-units gives 3 values for 2 layer(s)"),
        (["--units", "twenty"], "reg", "--units expects whole numbers"),
        (["--units", "0", "--binary-units", "0"], "reg", "layer 1 has no units"),
        (["--layers", "0"], "reg", "--layers must be at least 1"),
        (["--epochs", "0"], "reg", "--epochs must be positive"),
        (["--learning-rate", "-0.1"], "reg", "--learning-rate must be positive"),
        (["--test-size", "1.5"], "reg", "--test-size must be in (0, 1)"),
        ([], "nan", "column 'b' has 1 non-finite value(s)"),
        (["--task", "classification"], "reg", "needs integer class labels, but target 'y' has"),
        (["--task", "classification"], "many", f"more than the {MAX_CLASSES} classes allowed"),
        (["--task", "classification"], "one", "needs at least 2 classes"),
        (["--task", "classification"], "rare", "class 5 of target 'y' has only 1 row"),
    ],
)
def test_bad_options_raise_one_line_cli_error_and_write_nothing(tmp_path, capsys, regression_data, argv, y_kind, message):
    X, y = regression_data
    X = X.copy()
    if y_kind == "nan":
        X[4, 1] = np.nan
    elif y_kind == "many":
        y = np.arange(len(y), dtype=float)
    elif y_kind == "one":
        y = np.ones(len(y))
    elif y_kind == "rare":
        y = np.r_[np.zeros(len(y) - 1), 5.0]
    args = _args(*argv, "--out", str(tmp_path / "out"))
    with pytest.raises(CLIError) as info:
        run_symbolnet_fit(args, X, y, NAMES)
    text = str(info.value)
    assert message in text and "\n" not in text
    assert _nothing_written(tmp_path) and capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--feynman", "I.12.99"], "I.12.99"),
        (["--feynman", "I.12.1", "--task", "classification"], "cannot be used with --feynman"),
        (["--feynman", "I.12.1", "--samples", "5"], "--samples must be at least 10"),
    ],
)
def test_feynman_errors(tmp_path, argv, message):
    args = symbolnet_parser().parse_args([*argv, "--out", str(tmp_path / "out")])
    with pytest.raises(CLIError, match=message.replace(".", r"\.").replace("(", r"\(")):
        run_symbolnet_feynman(args)
    assert _nothing_written(tmp_path)


def test_options_fit_the_real_fit_parser(tmp_path, regression_data):
    """The options coexist with cli.py's ``fit`` options (--target/--targets, --epochs/--epochs-scale)."""
    parser = build_parser()
    fit = fit_subparser(parser)
    add_symbolnet_arguments(fit)
    add_symbolnet_arguments(fit)  # idempotent (cli.py may already have added them)
    argv = ["fit", "data.csv", "--target", "y", "--task", "classification",
            "--targets", "weight=0.9,input=0.75,unary=0.6,binary=0.4", "--unary", "sin,cos,exp,gauss",
            "--binary", "mul", "--layers", "2", "--units", "20,20", "--epochs", "7", "--batch-size", "32",
            "--learning-rate", "0.01"]
    method = next(a for a in fit._actions if "--method" in a.option_strings)
    if "symbolnet" in method.choices:
        argv += ["--method", "symbolnet"]
    args = parser.parse_args(argv)
    assert (args.target, args.targets, args.task) == ("y", "weight=0.9,input=0.75,unary=0.6,binary=0.4", "classification")
    assert (args.layers, args.units, args.binary_units, args.epochs, args.epochs_scale) == (2, "20,20", None, 7, 1.0)
    assert (args.batch_size, args.learning_rate, args.unary, args.binary) == (32, 0.01, "sin,cos,exp,gauss", "mul")
    # LIES-only options are refused with --method symbolnet, before any training.
    X, y = regression_data
    args = parser.parse_args(["fit", "data.csv", "--target", "y", "--ablate", "rounding"])
    with pytest.raises(CLIError, match="--ablate applies to --method lies only"):
        run_symbolnet_fit(args, X, y, NAMES)


def test_symbolnet_options_are_refused_for_lies():
    from keras_symbolic.cli.fit_symbolnet import reject_symbolnet_options

    reject_symbolnet_options(symbolnet_parser().parse_args(["data.csv", "--target", "y"]))  # nothing given: fine
    with pytest.raises(CLIError, match="--binary-units applies to --method symbolnet only"):
        reject_symbolnet_options(symbolnet_parser().parse_args(["data.csv", "--binary-units", "3"]))
