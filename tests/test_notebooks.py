"""The example notebooks run top to bottom (nbclient), so they never rot."""
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("name, expected", [
    ("symbolnet_vs_eql_mnist.ipynb", ("symbolnet", "eql")),
    ("formula_methods_vs_peers.ipynb", ("lies", "operon", "gplearn", "SSR")),
])
def test_notebook_runs(name, expected, shared_dir, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    if name == "formula_methods_vs_peers.ipynb":
        pytest.importorskip("pyoperon")
        pytest.importorskip("gplearn")
    monkeypatch.setenv("KERAS_SYMBOLIC_NOTEBOOK_SIZE", "small")  # CI runs the peers notebook at a small size
    monkeypatch.setenv("KERAS_SYMBOLIC_MNIST", str(shared_dir / "data" / "mnist" / "mnist.npz"))
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert all(word in text for word in expected)
