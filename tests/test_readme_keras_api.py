"""The README's "Keras API" snippets run as written, in order, in one namespace."""
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def keras_api_snippets() -> list[str]:
    text = README.read_text()
    section = text.split("\n## Keras API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.backend
def test_readme_keras_api_snippets_run():
    snippets = keras_api_snippets()
    assert len(snippets) == 4
    namespace: dict = {}
    for code in snippets:
        exec(compile(code, str(README), "exec"), namespace)
    assert namespace["history"].history["oversampled_rows"]
    assert set(namespace["sparse"].sparsities()) == {"weight", "input", "unary", "binary"}
