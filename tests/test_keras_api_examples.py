"""The per-callback examples run (QUICK settings): each a plain model.fit on a user-built model."""
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name, expected", [
    ("oversampling_keras_api.py", "check 1"),
    ("adaptive_sparsity_keras_api.py", "sparsity per type"),
])
def test_callback_example_runs(name, expected, monkeypatch, capsys):
    monkeypatch.setenv("QUICK", "1")
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert expected in capsys.readouterr().out
