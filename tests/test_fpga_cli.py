"""``keras-symbolic hls`` and ``keras-symbolic baseline``: error paths (one line, exit code 2) and a
result folder round trip; the commands stay lazy (``fit`` does not import hls4ml)."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from keras_symbolic.cli import main


@pytest.fixture()
def table(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 3))
    path = tmp_path / "d.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": np.sin(X[:, 0]) + X[:, 1]}).to_csv(path, index=False)
    return path


def _run(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


@pytest.mark.parametrize("argv, message", [
    ([], "either RESULT_DIR or --expr"),
    (["--expr", "sin(x0)"], "--expr needs --data"),
    (["--expr", "sin(x0)", "--data", "missing.csv"], "data file not found"),
    (["--expr", "sin(x0)", "--data", "{table}", "--precision", "float32"], "--precision"),
    (["--expr", "sin(x0)", "--data", "{table}", "--precision", "ap_fixed<8,0>"], "integer bit"),
    (["--expr", "sin(q)", "--data", "{table}", "--target", "y"], "x0, x1, ..."),
    (["--expr", "sin(x0", "--data", "{table}"], "cannot parse"),
    (["--expr", "x7", "--data", "{table}", "--target", "y"], "use x7"),
    (["--expr", "sin(a)", "--data", "{table}", "--target", "nope"], "target column 'nope'"),
    (["--expr", "sin(a)", "--data", "{table}", "--max-table-size", "1000"], "power of two"),
    (["{missing_dir}"], "not a result folder"),
])
def test_hls_bad_input_is_one_line_and_exit_2(capsys, tmp_path, table, argv, message):
    argv = [a.format(table=table, missing_dir=tmp_path / "nothing") for a in argv]
    code, err = _run(capsys, "hls", *argv)
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0], err


def test_hls_result_folder_with_its_own_names_and_no_expression(capsys, tmp_path, table):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "result.json").write_text(json.dumps({"method": "lies"}))
    code, err = _run(capsys, "hls", str(empty), "--data", str(table))
    assert code == 2 and "no expression" in err[0]


def test_hls_result_folder_maps_names_and_writes_projects(capsys, tmp_path, table):
    pytest.importorskip("hls4ml")
    result = tmp_path / "fit"
    result.mkdir()
    record = {"method": "symbolnet", "task": "regression", "expressions": ["sin(b) + a*c"],
              "data": {"source": str(table), "target": "y", "features": ["a", "b", "c"]}}
    (result / "result.json").write_text(json.dumps(record))
    code = main(["hls", str(result), "--precision", "ap_fixed<16,6>", "--no-compile", "--quiet"])
    assert code == 0
    report = json.loads((result / "hls" / "report.json").read_text())
    assert report["n_inputs"] == 3 and report["precisions"][0]["lookup_tables"][0]["function"] == "sin"
    assert json.loads((result / "hls" / "expressions.json").read_text())["expressions_indexed"] == ["x0*x2 + sin(x1)"]
    assert (result / "hls" / "ap_fixed_16_6" / "build_prj.tcl").is_file()
    assert "written (not compiled)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["qp", "--dataset", "mnist", "--epochs", "0"], "--epochs"),
    (["qp", "--dataset", "mnist", "--sparsity", "1.5"], "--sparsity"),
    (["qp", "--dataset", "imagenet"], "unknown data set"),
    (["qp", "--dataset", "mnist", "--input-precision", "int8"], "--input-precision"),
    (["qp", "--dataset", "mnist", "--data", "/no/such/file.npz"], "data not found"),
])
def test_baseline_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, err = _run(capsys, "baseline", *argv)
    assert code == 2 and len(err) == 1 and message in err[0], err


def test_fit_and_hls_parsers_do_not_import_hls4ml_or_the_legacy_stack():
    code = (
        "import sys\n"
        "from keras_symbolic.cli import build_parser\n"
        "build_parser().parse_args(['hls', '--expr', 'x0'])\n"
        "bad = [m for m in ('hls4ml', 'tf_keras', 'qkeras', 'tensorflow_model_optimization') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
