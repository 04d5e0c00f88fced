"""The notebooks as committed: clean, executed, quiet, and free of secrets.

nbval (run by the same pytest command) re-executes them and compares outputs; these tests
check what nbval does not: that nothing volatile is stored, that every code cell was stored
with its outputs, that nbval markers say why, and that no secret is in the files.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from smskit._data import load_json

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MARKERS = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP"}
#: The onboarding notebooks, in reading order (issue 5).
ONBOARDING = ("01-quickstart.ipynb", "02-signature.ipynb", "03-request-builder.ipynb",
              "04-error-codes.ipynb", "05-code-lifecycle.ipynb", "06-going-live.ipynb",
              "07-your-backend.ipynb")
#: Notebooks are narrative with short calls into smskit; a longer cell is logic that belongs
#: in the library.
MAX_CODE_LINES = 12


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "scripts/notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(path: Path) -> list[dict[str, Any]]:
    return [c for c in _load(path)["cells"] if c["cell_type"] == "code"]


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def test_the_notebooks_exist() -> None:
    names = [path.name for path in NOTEBOOKS]
    assert len([n for n in names if n[:2].isdigit()]) >= 6, names


def test_the_numbered_notebooks_are_exactly_the_onboarding_ones() -> None:
    numbered = tuple(path.name for path in NOTEBOOKS if path.name[:2].isdigit())
    assert numbered == ONBOARDING


@pytest.mark.parametrize("name", ONBOARDING)
def test_onboarding_notebook_opens_with_a_title(name: str) -> None:
    first = _load(ROOT / "notebooks" / name)["cells"][0]
    assert first["cell_type"] == "markdown"
    assert _source(first).startswith("# "), "start with an H1 title, then the purpose"


@pytest.mark.parametrize("name", ONBOARDING)
def test_onboarding_code_cells_are_short(name: str) -> None:
    for cell in _code_cells(ROOT / "notebooks" / name):
        assert len(_source(cell).splitlines()) <= MAX_CODE_LINES, _source(cell)


def test_cleaning_merges_adjacent_streams_of_one_name_only() -> None:
    def stream(name: str, text: Any) -> dict[str, Any]:
        return {"output_type": "stream", "name": name, "text": text}

    result = {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {},
              "execution_count": 1}
    stored_result = {**result, "data": {"text/plain": ["1"]}}
    notebook = {"metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {},
                                           "execution_count": 1, "outputs": [
        stream("stdout", ["a\n", "b"]), stream("stdout", "c\n"), stream("stderr", "e\n"),
        stream("stdout", "d\n"), result]}]}
    once = _tool().cleaned(notebook)
    assert once["cells"][0]["outputs"] == [
        stream("stdout", ["a\n", "bc\n"]), stream("stderr", ["e\n"]), stream("stdout", ["d\n"]),
        stored_result]
    assert _tool().cleaned(once) == once


def test_cleaning_stores_sanitized_text() -> None:
    output = {"output_type": "stream", "name": "stdout",
              "text": "curl http://127.0.0.1:40123/x\n<obj at 0x7f3a2b>\n"}
    notebook = {"metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {},
                                           "execution_count": 1, "outputs": [output]}]}
    [stored] = _tool().cleaned(notebook)["cells"][0]["outputs"]
    assert stored["text"] == ["curl http://127.0.0.1:PORT/x\n", "<obj at 0xADDRESS>\n"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path: Path) -> None:
    assert _tool().cleaned(_load(path)) == _load(path), (
        f"run: python scripts/notebooks.py clean {path.relative_to(ROOT)}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_was_stored_executed(path: Path) -> None:
    counts = [cell["execution_count"] for cell in _code_cells(path)]
    assert None not in counts, "store outputs: python scripts/notebooks.py execute"
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom in one run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_quiet_and_error_free(path: Path) -> None:
    for cell in _code_cells(path):
        for output in cell["outputs"]:
            assert output.get("name") != "stderr", _source(cell)
            if output["output_type"] == "error":
                assert "NBVAL_RAISES_EXCEPTION" in _source(cell) or "raises-exception" in \
                    cell["metadata"].get("tags", []), _source(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_markers_say_why(path: Path) -> None:
    for cell in _code_cells(path):
        lines = [line.strip() for line in _source(cell).splitlines()]
        for index, line in enumerate(lines):
            if line.lstrip("#").strip() in MARKERS:
                reason = lines[index + 1] if index + 1 < len(lines) else ""
                assert reason.startswith("#") and len(reason) > 12, (
                    f"{line} needs a comment line after it saying why: {_source(cell)!r}")


def _sandbox_secrets() -> list[str]:
    try:
        domains = load_json("sandbox_domains.json")
    except FileNotFoundError:
        return []
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if "secret" in key.lower() and isinstance(value, str) and len(value) >= 8:
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(domains)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_sandbox_secret_is_stored(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in _sandbox_secrets():
        assert secret not in text
