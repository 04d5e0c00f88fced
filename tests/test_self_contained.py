"""The repository stands on its own: what it cites is in it, and docs/platform.md's code
table says what smskit/data/error_codes.json says."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
#: A cited document: a path-like word ending in .md (README.md, docs/platform.md, ...).
MARKDOWN_CITATION = re.compile(r"(?<![\w/.-])([\w][\w./-]*\.md)\b")
#: Places outside any checkout that documents were once written in.
OUTSIDE_PATHS = re.compile(r"/work/|/tmp/shared|seed/000_")


def _tracked_text_files() -> dict[str, str]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    texts = {}
    for name in filter(None, names):
        if name == THIS_FILE:  # it names what must not be cited
            continue
        try:
            texts[name] = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
    return texts


#: A placeholder in a cited path (``notebooks/zh/text/NAME.md``): a pattern, not one file.
PLACEHOLDER = re.compile(r"\b(?:NAME|NN)\b")


def _exists(cited: str, citing: str) -> bool:
    """The cited file exists (or, for a pattern with a placeholder, at least one file fits)."""
    pattern = PLACEHOLDER.sub("*", cited)
    return any(any(place.glob(pattern)) if pattern != cited else (place / cited).is_file()
               for place in (ROOT, ROOT / Path(citing).parent))


def test_every_cited_markdown_file_is_in_the_repository() -> None:
    missing = sorted(
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(1)}"
        for name, text in _tracked_text_files().items()
        for match in MARKDOWN_CITATION.finditer(text)
        if not _exists(match.group(1), name))
    assert missing == [], "cited but not in the repository:\n" + "\n".join(missing)


def test_nothing_points_outside_the_repository() -> None:
    found = sorted(f"{name}: {match.group(0)}" for name, text in _tracked_text_files().items()
                   for match in OUTSIDE_PATHS.finditer(text))
    assert found == []


def test_the_known_outside_documents_are_not_named() -> None:
    outside = ("PLATFORM" + ".md", "NOTEBOOK-TESTING" + ".md", "STYLE" + ".md")
    found = sorted(f"{name}: {doc}" for name, text in _tracked_text_files().items()
                   for doc in outside if doc in text)
    assert found == []


def _platform_code_table() -> list[dict[str, str]]:
    """Rows of the table under '## Codes' in docs/platform.md, parsed from the markdown."""
    text = (ROOT / "docs" / "platform.md").read_text(encoding="utf-8")
    section = text.split("\n## Codes\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert re.fullmatch(r"\|[-| ]+\|", lines[1].strip()), lines[1]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")),
                     strict=True)) for line in lines[2:]]


def test_the_platform_docs_code_table_matches_the_data() -> None:
    rows = _platform_code_table()
    documented = [(int(row["code"]), row["msg (verbatim)"], row["English (ours)"],
                   row["source"]) for row in rows]
    data = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))
    expected = [(row["code"], row["zh"], row["en"], row["source"]) for row in data["codes"]]
    assert documented == expected


def test_the_platform_docs_state_the_worked_example_computed_independently() -> None:
    import hashlib

    text = (ROOT / "docs" / "platform.md").read_text(encoding="utf-8")
    signed = ("13800138000" + "3" + "76a6L647F02CAoN9" + "1744773894369"
              + "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
    assert f"`{signed}`" in text
    assert hashlib.sha256(signed.encode()).hexdigest() in text
    assert hashlib.sha256(b"").hexdigest() in text  # the page's printed (wrong) value
    # The guide's curl example, signed with the secret it names.
    guide_signed = ("17132136550" + "3" + "76a6L647F02CAoN9" + "1744773894369"
                    + "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22")
    assert hashlib.sha256(guide_signed.encode()).hexdigest() in text
