"""Acceptance runs of the LIES issue (full schedule, about a minute each): ``pytest -m slow``."""
import json

import pytest

from keras_symbolic.cli import main


@pytest.mark.slow
@pytest.mark.parametrize("equation", ["I.12.1", "I.14.3"])
def test_feynman_equation_is_recovered(equation, tmp_path, capsys):
    out = tmp_path / equation
    assert main(["fit", "--feynman", equation, "--method", "lies", "--seed", "0", "--out", str(out), "--quiet"]) == 0
    record = json.loads((out / "result.json").read_text())
    assert record["symbolic_solution"] is True, record["expression"]
    assert record["r2_test"] > 0.999
