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
import tokenize
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "notebooks" / "zh"
EDITIONS = sorted(p for p in ZH.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
IDS = [path.relative_to(ZH).with_suffix("").as_posix() for path in EDITIONS]
CJK = re.compile(r"[\u4e00-\u9fff]")
SETUP = 'import smskit\n\nsmskit.set_language("zh")'


def code_tokens(source: str) -> list[tuple[int, str]]:
    """Python tokens of a cell, string literals and comments left out."""
    lines = iter(source.splitlines(keepends=True))
    words = {tokenize.STRING, tokenize.COMMENT, *(getattr(tokenize, name) for name in (
        "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name))}
    return [(token.type, token.string) for token in
            tokenize.generate_tokens(lambda: next(lines, "")) if token.type not in words]


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
    # and the trainer's solutions, beside them as in English
    solutions = sorted(p.name for p in (ROOT / "notebooks/exercises/solutions").glob("*.ipynb"))
    assert solutions == trainees
    assert sorted(p.name for p in (ZH / "exercises/solutions").glob("*.ipynb")) == solutions


def test_the_solutions_share_the_trainees_translation() -> None:
    """A markdown cell the solutions share with the trainees' edition reads the same in both
    Chinese editions; the solutions' own cells are translated in their own file."""
    for trainees in sorted((ZH / "exercises").glob("*.ipynb")):
        theirs = {c["source"] for c in cells(trainees) if c["cell_type"] == "markdown"}
        solved = [c["source"] for c in cells(ZH / "exercises/solutions" / trainees.name)
                  if c["cell_type"] == "markdown"]
        assert solved[0].startswith("# 练习") and "参考答案" in solved[0]
        assert sum(text in theirs for text in solved) >= len(solved) - 2
        assert all(CJK.search(text) for text in solved)


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
        if theirs["cell_type"] == "code":  # only strings and comments may be translated
            assert code_tokens(mine["source"]) == code_tokens(theirs["source"])
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


def _editions() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import editions
    finally:
        sys.path.pop(0)
    return editions


def test_a_code_section_translates_strings_and_comments_only() -> None:
    editions = _editions()
    source = 'print("sent:", when)  # the time it was sent\nx = "sent:"\n'
    pairs = [('"sent:"', '"发送时间："'), ("# the time it was sent", "# 发送的时间")]
    assert editions.translated_code("n", "cell-01", source, pairs) == (
        'print("发送时间：", when)  # 发送的时间\nx = "发送时间："\n')
    with pytest.raises(editions.StaleTranslation, match="no longer in the English"):
        editions.translated_code("n", "cell-01", source, [('"valid until:"', '"有效期至："')])
    with pytest.raises(editions.StaleTranslation, match="changes code"):
        editions.translated_code("n", "cell-01", source, [("print(", "len(")])
    with pytest.raises(editions.StaleTranslation, match="changes code"):
        editions.translated_code("n", "cell-01", source, [('"sent:", when', '"sent:", 1')])


def test_the_chinese_editions_carry_chinese_print_labels() -> None:
    quickstart = cells(ZH / "01-quickstart.ipynb")
    source = "".join(cell["source"] for cell in quickstart if cell["cell_type"] == "code")
    assert 'print("sandbox running:"' not in source and "print(\"沙箱" in source
