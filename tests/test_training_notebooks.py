"""The exercise notebooks: built from their one source, clean, and honest about their checks.

The trainees' edition must show every check as "not attempted yet" (it runs under nbval as
stored); the solutions edition must pass every check, which proves each exercise solvable
and each check willing to accept a right answer. nbval re-runs both (``pytest notebooks/``).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from smskit._data import load_json

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "notebooks" / "exercises"
TRAINEE = sorted(EXERCISES.glob("*.ipynb"))
SOLUTIONS = sorted((EXERCISES / "solutions").glob("*.ipynb"))
ALL = TRAINEE + SOLUTIONS
_CHECK = re.compile(r'^check\("(E\d)"')


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(path: Path) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return cells


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _checks(path: Path) -> dict[str, str]:
    """Exercise id -> the text output of its check cell."""
    found = {}
    for cell in _cells(path):
        match = _CHECK.match(_text(cell["source"])) if cell["cell_type"] == "code" else None
        if match:
            [output] = cell["outputs"]
            found[match.group(1)] = _text(output["data"]["text/plain"])
    return found


def test_both_editions_exist_for_each_source() -> None:
    names = sorted(p.stem for p in (EXERCISES / "source").glob("*.py"))
    assert names == [p.stem for p in TRAINEE] == [p.stem for p in SOLUTIONS]
    assert len(names) == 3


def test_built_notebooks_match_their_source() -> None:
    assert _script("exercises").drift() == [], "run: python scripts/exercises.py build"


def test_source_marks_split_the_editions() -> None:
    tool = _script("exercises")
    cells = tool.parse("# %% [markdown]\n# # Title\n# %%\nshared = 1\n"
                       "# %% exercise\nanswer = ...\n# %% solution\nanswer = 42\n")
    trainee = tool.edition_cells(cells, "exercise")
    solution = tool.edition_cells(cells, "solution")
    assert [_text(c["source"]) for c in trainee] == ["# Title", "shared = 1", "answer = ..."]
    assert [_text(c["source"]) for c in solution] == ["# Title", "shared = 1", "answer = 42"]
    assert trainee[2]["metadata"] == {"tags": ["exercise"]}
    with pytest.raises(ValueError, match="unknown cell mark"):
        tool.parse("# %% solutoin\nx = 1\n")


def test_every_exercise_is_checked_in_both_editions() -> None:
    ids = [row["id"] for row in load_json("exercises.json")["exercises"]]
    assert sorted(i for p in TRAINEE for i in _checks(p)) == ids
    assert sorted(i for p in SOLUTIONS for i in _checks(p)) == ids


@pytest.mark.parametrize("path", TRAINEE, ids=lambda p: p.name)
def test_trainee_edition_is_stored_not_attempted(path: Path) -> None:
    for exercise_id, output in _checks(path).items():
        assert output.startswith(f"{exercise_id} … 未作答 / not attempted yet"), output


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_edition_passes_every_check(path: Path) -> None:
    for exercise_id, output in _checks(path).items():
        assert output.startswith(f"{exercise_id} ✓ 通过 / passed (第 1 次 / attempt 1)"), output


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(EXERCISES)))
def test_stored_clean_executed_and_quiet(path: Path) -> None:
    tool = _script("notebooks")
    assert tool.cleaned(tool.read(path)) == tool.read(path)
    code = [cell for cell in _cells(path) if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error" and output.get("name") != "stderr"


def _secrets() -> list[str]:
    found = [row["secret"] for row in load_json("sandbox_domains.json")["domains"]]
    for row in load_json("exercises.json")["exercises"]:
        inputs = row.get("inputs", {})
        found += [inputs[k]["secret"] if k == "base" else inputs[k]
                  for k in ("secret", "base") if k in inputs]
    return found


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(EXERCISES)))
def test_no_secret_is_stored(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    secrets = _secrets()
    assert len(secrets) >= 3
    for secret in secrets:
        assert secret not in text


def test_the_notebook_tool_finds_the_subfolders() -> None:
    found = _script("notebooks").notebook_paths([])
    assert set(ALL) <= set(found)


def test_verify_runs_a_notebook_and_names_the_cells_that_differ(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trainer guide's check (no pytest needed): a stored output changed by hand is found,
    the untouched cells of the same notebook are not."""
    stored = json.loads((EXERCISES / "3-debugging.ipynb").read_text(encoding="utf-8"))
    check_cell = next(c for c in stored["cells"] if _text(c["source"]).startswith('check("E7"'))
    check_cell["outputs"][0]["data"]["text/plain"] = ["E7 ✓ 通过 / passed"]
    copy = tmp_path / "3-debugging.ipynb"
    copy.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("SMSKIT_CLASSROOM_URL", "http://127.0.0.1:9")  # ignored by verify
    assert _script("exercises").verify([copy]) == [f"{copy}: {check_cell['id']}"]


@pytest.mark.parametrize("path", [EXERCISES / "1-signing.ipynb",
                                  ROOT / "notebooks" / "zh" / "exercises" / "1-signing.ipynb"],
                         ids=["en", "zh"])
def test_no_stored_output_gives_e2s_answer_away(path: Path) -> None:
    """E3's printed refusals come before E2 is checked: E2's ts (2026-11-28T12:00:00Z in
    milliseconds) and its code type (login, 2) must not be in any output of the notebook."""
    text = "".join(json.dumps(cell.get("outputs", []), ensure_ascii=False)
                   for cell in _cells(path))
    assert "1795771800" in text and "CodeType.REGISTER" in text  # E3's own hints are shown
    for answer in ("1795867200000", "1795867200 ", "CodeType.LOGIN", "code type 2", "短信类型 2"):
        assert answer not in text, answer
