"""The examples run (quick settings)."""
import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name", ["lies_quickstart.py", "lies_keras_api.py", "discovery_engine_quickstart.py"])
def test_example_runs(name, monkeypatch, capsys):
    monkeypatch.setenv("QUICK", "1")
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert "formula" in capsys.readouterr().out
