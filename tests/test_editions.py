"""The Chinese notebooks are built from the English ones: same code, translated text, current.

scripts/editions.py builds ``notebooks/zh/NAME.ipynb`` from ``notebooks/NAME.ipynb`` and
``notebooks/zh/text/NAME.md``. These tests hold each pair to identical code cells (the one
language-setup cell aside), every markdown cell translated, and each stored edition to what
the build makes of the current sources.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "notebooks" / "zh"
EDITIONS = sorted(ZH.rglob("*.ipynb"))
IDS = [path.relative_to(ZH).with_suffix("").as_posix() for path in EDITIONS]
CJK = re.compile(r"[\u4e00-\u9fff]")
SETUP = 'import smskit\n\nsmskit.set_language("zh")'


def cells(path: Path) -> list[dict[str, Any]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [{**cell, "source": "".join(cell["source"])} for cell in notebook["cells"]]


def test_the_widget_notebooks_have_a_chinese_edition() -> None:
    names = {path.name for path in EDITIONS}
    assert {"02-signature.ipynb", "03-request-builder.ipynb", "04-error-codes.ipynb"} <= names


def test_the_exercise_notebooks_have_a_chinese_edition() -> None:
    trainees = sorted(p.name for p in (ROOT / "notebooks" / "exercises").glob("*.ipynb"))
    assert len(trainees) == 3
    assert sorted(p.name for p in (ZH / "exercises").glob("*.ipynb")) == trainees


@pytest.mark.parametrize("chinese", EDITIONS, ids=IDS)
def test_code_cells_are_the_english_ones(chinese: Path) -> None:
    english = cells(ROOT / "notebooks" / chinese.relative_to(ZH))
    translated = cells(chinese)
    setup = [cell for cell in translated if "language-setup" in cell["metadata"].get("tags", ())]
    assert len(setup) == 1 and setup[0]["source"].startswith(SETUP)
    first_code = next(cell for cell in translated if cell["cell_type"] == "code")
    assert first_code is setup[0]  # the language is chosen before any kit code runs
    rest = [cell for cell in translated if cell is not setup[0]]
    assert [c["cell_type"] for c in rest] == [c["cell_type"] for c in english]
    for mine, theirs in zip(rest, english, strict=True):
        if theirs["cell_type"] == "code":
            assert mine["source"] == theirs["source"]
        else:
            assert CJK.search(mine["source"]), theirs["source"][:60]


@pytest.mark.parametrize("chinese", EDITIONS, ids=IDS)
def test_kit_output_in_the_chinese_edition_is_chinese(chinese: Path) -> None:
    """Stored outputs were made with the kit speaking Chinese: no English kit label in them."""
    outputs = " ".join(
        "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/html", ""))
        + "".join(output.get("data", {}).get("text/plain", ""))
        for cell in cells(chinese) if cell["cell_type"] == "code" for output in cell["outputs"])
    for english in (". Hint: ", "A snapshot of the widget", "Signature explorer",
                    "Request builder", "No request sent yet", "not attempted yet",
                    "with your answer"):
        assert english not in outputs


def test_every_edition_is_built_from_its_current_sources() -> None:
    done = subprocess.run([sys.executable, "scripts/editions.py", "check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_a_changed_english_cell_makes_its_translation_stale(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import editions
    finally:
        sys.path.pop(0)
    name = EDITIONS[0].stem
    notebook = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    markdown = next(cell for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    markdown["source"] = ["# changed\n"]
    (tmp_path / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / "zh" / "text").mkdir(parents=True)
    text = (editions.TEXT_DIR / f"{name}.md").read_text(encoding="utf-8")
    (tmp_path / "zh" / "text" / f"{name}.md").write_text(text, encoding="utf-8")
    original = (editions.NOTEBOOK_DIR, editions.TEXT_DIR)
    editions.NOTEBOOK_DIR, editions.TEXT_DIR = tmp_path, tmp_path / "zh" / "text"
    try:
        with pytest.raises(editions.StaleTranslation, match=markdown["id"]):
            editions.built(name)
    finally:
        editions.NOTEBOOK_DIR, editions.TEXT_DIR = original
