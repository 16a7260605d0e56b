"""The shape of the package (issue: one result type, a CLI package, modules of one job each):
the import contracts of ``.importlinter`` hold, a broken one is caught, no module grows past 500 lines,
no private name is imported across modules, and ``python -m keras_symbolic`` works."""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "keras_symbolic"
MAX_LINES = 500


def _lint(config: Path) -> subprocess.CompletedProcess:
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)


def test_import_contracts_hold():
    pytest.importorskip("importlinter")
    run = _lint(ROOT / ".importlinter")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_import_contracts_catch_an_upward_import_and_a_cycle(tmp_path):
    """The same contracts on a copy of the package with one bad import: ``results`` (below the
    pipelines) importing a pipeline breaks the layers contract and makes a sibling cycle."""
    pytest.importorskip("importlinter")
    copy = tmp_path / "keras_symbolic"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    with open(copy / "results" / "plots.py", "a") as f:
        f.write("\nfrom keras_symbolic.pipelines import evaluate  # noqa\n")
    config = tmp_path / ".importlinter"
    config.write_text((ROOT / ".importlinter").read_text())
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename=sys.argv[2], no_cache=True, no_logo=True))")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(config)], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "keras_symbolic.results.plots -> keras_symbolic.pipelines.evaluate" in run.stdout
    assert "0 kept, 2 broken" in run.stdout


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_private_name_imported_across_modules():
    crossing = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras_symbolic"):
                crossing += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert not crossing, "private names imported across modules:\n" + "\n".join(crossing)


def test_python_dash_m_runs_the_command_line():
    run = subprocess.run([sys.executable, "-m", "keras_symbolic", "fit", "--feynman", "NO.SUCH"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.startswith("error: no AI Feynman equation named 'NO.SUCH'")
    assert "Traceback" not in run.stderr
