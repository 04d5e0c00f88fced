"""Every Chinese text of the kit uses the platform's own terms (smskit/data/glossary.json).

The texts checked: every string with Chinese characters in ``smskit/data/*.json`` (the
platform's verbatim messages included, so the glossary cannot contradict the platform), and
every line with Chinese characters in ``README.zh-CN.md``, the Chinese notebooks' text
(``notebooks/zh/text/``), the docs (``docs/``, the Chinese guides and the site's table of
contents) and the kit's sources and scripts (:data:`CHECKED_FILES`). A later
text that writes 用户域名 for userDomain or 区号 for internationalCode fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = json.loads((ROOT / "smskit/data/glossary.json").read_text(encoding="utf-8"))
TERMS = GLOSSARY["terms"]
CJK = re.compile(r"[\u4e00-\u9fff]")
SEED_PAGE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_1b3d0ca74e55235a.txt"


def strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string inside a parsed JSON value, with its path."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}[{index}]")


#: Text files whose Chinese lines are checked, beside smskit/data/: the Chinese notebooks'
#: text, the Chinese docs and the site's table of contents, the Chinese README, the kit's
#: sources (texts written in code) and the scripts. Left out: tests, which name the
#: alternatives to prove they are refused, and English docs (docs/platform.md quotes the
#: platform's guide verbatim, 用户域密码 included).
CHECKED_FILES = ("notebooks/zh/text/**/*.md", "docs/zh/**/*.md", "docs/**/*.zh-CN.md",
                 "docs/toc.json", "README.zh-CN.md", "smskit/**/*.py", "scripts/**/*.py",
                 "hub/**/*.py")


def chinese_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "smskit" / "data").rglob("*.json")):
        if path.name == "glossary.json":  # it lists the alternatives to avoid
            continue
        parsed = json.loads(path.read_text(encoding="utf-8"))
        texts += [(where, text) for where, text in strings(parsed, f"{path.name}:")
                  if CJK.search(text)]
    names = sorted({path.relative_to(ROOT).as_posix() for pattern in CHECKED_FILES
                    for path in ROOT.glob(pattern)})
    for name in names:
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            if CJK.search(line):
                texts.append((f"{name}:{number}", line))
    return texts


def test_the_texts_checked_include_every_edition() -> None:
    places = {where.split(":")[0] for where, _ in chinese_texts()}
    assert {"messages.json", "error_codes.json", "worked_example.json", "exercises.json",
            "signature_mistakes.json", "README.zh-CN.md", "notebooks/zh/text/02-signature.md",
            "notebooks/zh/text/exercises/2-sending.md", "docs/zh/command-line.md",
            "docs/toc.json", "docs/zh/trainer-guide.md"} <= places


@pytest.mark.parametrize("term", TERMS, ids=[term["zh"] for term in TERMS])
def test_no_chinese_text_uses_a_stray_alternative(term: dict[str, Any]) -> None:
    found = [(where, avoid) for where, text in chinese_texts() for avoid in term["avoid"]
             if avoid in text]
    assert found == [], f"use {term['zh']} ({term['en']})"


def test_glossary_is_consistent() -> None:
    preferred = [term["zh"] for term in TERMS]
    assert len(set(preferred)) == len(preferred)
    for term in TERMS:
        assert term["avoid"] and CJK.search(term["zh"])
        assert term.get("page") is None or term["zh"] in term["page"]
        # An alternative must never forbid a preferred term itself.
        assert not any(avoid in zh for avoid in term["avoid"] for zh in preferred), term["zh"]


def test_the_platforms_terms_are_used_by_its_own_messages() -> None:
    codes = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))
    messages = " ".join(row["zh"] for row in codes["codes"])
    for zh in ("用户域", "签名", "国际代码", "手机号码", "时间戳", "验证码", "短信", "已停用",
               "短信账号", "短信模板"):
        assert zh in messages and any(term["zh"] == zh or zh in term["zh"] for term in TERMS)


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the provider's page is not beside this clone")
def test_page_quotes_are_verbatim() -> None:
    page = SEED_PAGE.read_text(encoding="utf-8")
    for term in TERMS:
        if "page" in term:
            assert term["page"] in page, term["zh"]
