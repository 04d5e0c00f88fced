"""What a Chinese reader sees at run time is Chinese too (issue 21): the stored outputs of the
Chinese notebook editions hold few English-only sentences, and none in an exercise.

A line of stored output (stream text, ``text/plain``, the text of ``text/html`` without its
styles) counts as an English-only sentence when it has no Chinese character and, once code is
set aside, still has two or more English words. Set aside: URLs and paths, identifiers
(``snake_case``, ``camelCase``, ``kebab-case``, dotted or with digits, ``name=value``),
upper-case names (``HTTP``, ``SMSKIT_LANG``), quoted dictionary keys, ``True``, ``False``
and ``None``, the catalogue's English column (each code's English message and category
name, shown on purpose beside the platform's Chinese), data that carries both editions (an
``'en':`` key), and listings of source code (a snippet printed as it is).
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "notebooks" / "zh"
EDITIONS = sorted(p for p in ZH.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
IDS = [path.relative_to(ZH).with_suffix("").as_posix() for path in EDITIONS]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Pieces of a line that are code, not words.
CODE = [re.compile(pattern) for pattern in (
    r"\S+://\S+",                                  # URLs
    r"(?<!\w)/[\w./?=&%-]+",                       # paths
    r"'[^']*'\s*:|\"[^\"]*\"\s*:",                 # quoted dictionary keys
    r"\b\w+=\S*",                                  # keyword arguments, query parameters
    r"\b[a-z0-9]+(-[a-z0-9]+)+\b",                  # kebab-case ids (user-domain-missing)
    r"\b\w*(_|\d|[a-z][A-Z]|\.\w)\w*(\.\w+)*\b",   # snake_case, digits, camelCase, dotted
    r"\b[A-Z][A-Z0-9-]+\b",                        # HTTP, SMSKIT_LANG, SHA-256
    r"\b(True|False|None)\b",
)]
WORD = re.compile(r"\b[A-Za-z]{2,}\b")
SOURCE_LISTING = re.compile(r"^(import |from \S+ import |def |#!/|package |public class )",
                            re.MULTILINE)


@cache
def catalogue_english() -> tuple[str, ...]:
    """The catalogue's English column: messages and category names, longest first."""
    data = json.loads((ROOT / "smskit" / "data" / "error_codes.json").read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "en" and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return tuple(sorted(found, key=len, reverse=True))


def output_lines(notebook: dict[str, Any]) -> list[str]:
    """Every non-empty line of the stored outputs, as a reader sees it."""
    lines = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            data = output.get("data", {})
            if "text" in output:
                text = "".join(output["text"])
            elif "text/html" in data:
                page = re.sub(r"<style.*?</style>", "", "".join(data["text/html"]), flags=re.S)
                text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
            else:
                text = "".join(data.get("text/plain", ""))
            if SOURCE_LISTING.search(text):
                continue  # a source file printed as it is: code
            lines += [line for line in text.splitlines() if line.strip()]
    return lines


def english_sentence(line: str) -> bool:
    if CJK.search(line) or re.search(r"['\"]en['\"]\s*:", line):
        return False
    for english in catalogue_english():
        line = line.replace(english, " ")
    for pattern in CODE:
        line = pattern.sub(" ", line)
    return len(WORD.findall(line)) >= 2


def english_lines(path: Path) -> tuple[list[str], int]:
    lines = output_lines(json.loads(path.read_text(encoding="utf-8")))
    return [line for line in lines if english_sentence(line)], len(lines)


def test_the_measure_sees_what_the_review_saw() -> None:
    for english in ("{'ok': True, 'status': 'ok', 'reason': 'the code is valid and is now used'}",
                    "rate policy: at most 1 per phone and codeType per 60 s",
                    "No SMSKIT_* credentials in this environment: the live call below is skipped.",
                    "sandbox running: False", "A correctly signed request from the demo domain"):
        assert english_sentence(english), english
    for code in ("Sandbox(http://127.0.0.1:PORT, clock=FixedClock(1795867200000), "
                 "demo_domain='sandbox-demo')", "POST /v2/sms/enduserapi/v2/sendPhoneSmsCode",
                 "Phone number format is incorrect", " 'userDomain': 'sandbox-demo'}",
                 "沙箱仍在运行： False", "  'title': {'en': 'The signed userDomainSecret carries "
                 "whitespace', 'zh': '…'},", "user-domain-missing"):
        assert not english_sentence(code), code


def test_few_english_sentences_in_the_chinese_editions() -> None:
    found, total = [], 0
    for path in EDITIONS:
        english, count = english_lines(path)
        found += [f"{path.relative_to(ZH)}: {line}" for line in english]
        total += count
    assert total > 1000
    assert len(found) <= 0.02 * total, "\n".join(found)


@pytest.mark.parametrize("path", [p for p in EDITIONS if "exercises" in p.parts],
                         ids=[i for i in IDS if i.startswith("exercises")])
def test_no_english_sentence_in_an_exercise(path: Path) -> None:
    assert english_lines(path)[0] == []
