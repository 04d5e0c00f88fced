"""Build the Chinese edition of each notebook from the English one and its translated text.

    python scripts/editions.py execute [NAME ...]   build notebooks/zh/NAME.ipynb, run it, store
                                                    its outputs (all NAMEs with a text file)
    python scripts/editions.py check   [NAME ...]   exit 1 if an edition is stale or missing

One source: the English notebook ``notebooks/NAME.ipynb`` holds the code; the Chinese
markdown is ``notebooks/zh/text/NAME.md``, one section per markdown cell, each opened by
``<!-- cell-NN en:HASH -->`` (the cell's id and the first 12 hex digits of the SHA-256 of its
English text). The Chinese edition is the English notebook with each markdown cell replaced
by its translation and one setup cell, tagged ``language-setup``, before the first code
cell: ``smskit.set_language("zh")``, so that what the kit prints is Chinese too. The code
cells are copied, so the two editions cannot drift; a changed English cell makes its
translation stale (the hash no longer matches) and the build refuses until it is updated.

A code cell may carry its own Chinese print labels and comments: a section opened by
``<!-- cell-NN code -->`` lists, one per line, ``OLD → NEW``, where OLD is an exact piece of
the cell's source (a string literal with its quotes, or a comment) and NEW replaces it. The
build refuses when OLD is no longer in the cell, and when the translated cell differs from the
English one in anything but string literals and comments (compared token by token): the
code stays the same, only what it prints or says to the reader is Chinese.
A NAME may hold a subfolder: ``exercises/1-signing`` is built from
``notebooks/exercises/1-signing.ipynb`` (itself built by scripts/exercises.py) and
``notebooks/zh/text/exercises/1-signing.md`` into ``notebooks/zh/exercises/1-signing.ipynb``.
The trainer's solutions, ``exercises/solutions/1-signing``, take each markdown cell they share
with the trainees' edition (same English text) from that edition's translation; their own
text file holds only the cells of the solutions alone.
Executing uses a throw-away progress file (the exercises' checks save one), never the user's.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import tokenize
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import NOTEBOOK_DIR, cleaned, execute, read, write

EDITION_DIR = NOTEBOOK_DIR / "zh"
TEXT_DIR = EDITION_DIR / "text"
SETUP_TAG = "language-setup"
SOLUTIONS = "solutions"
SETUP_SOURCE = ('import smskit\n\n'
                'smskit.set_language("zh")  # 中文版：工具包输出的说明、提示和错误信息也用中文')
_HEADER = re.compile(r"^<!-- (cell-\d\d) (?:en:([0-9a-f]{12})|(code)) -->\n", re.MULTILINE)
_ARROW = " → "


class StaleTranslation(Exception):
    """A translation that no longer matches its English notebook."""


def source_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of a cell's English text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _text(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _sections(name: str) -> list[tuple[str, str | None, str]]:
    """(cell id, English hash or ``None`` for a code section, body) in file order."""
    text = (TEXT_DIR / f"{name}.md").read_text(encoding="utf-8")
    parts = _HEADER.split(text)
    if parts[0].strip():
        raise StaleTranslation(f"{name}.md: text before the first cell header")
    return [(parts[index], parts[index + 1], parts[index + 3].strip("\n"))
            for index in range(1, len(parts), 4)]


def translations(name: str) -> dict[str, tuple[str, str]]:
    """Cell id -> (English hash, Chinese text) from ``notebooks/zh/text/NAME.md``."""
    return {cell: (hash_, body) for cell, hash_, body in _sections(name) if hash_ is not None}


def shared_translations(name: str) -> dict[str, str]:
    """For a solutions notebook (``exercises/solutions/NAME``): English hash -> Chinese text
    of the trainees' edition (``exercises/NAME``), so a cell the two share is translated once;
    its own file holds only the cells of the solutions alone. Empty for other notebooks."""
    parts = name.split("/")
    if len(parts) < 2 or parts[-2] != SOLUTIONS:
        return {}
    trainees = "/".join([*parts[:-2], parts[-1]])
    return {hash_: text for hash_, text in translations(trainees).values()}


def code_translations(name: str) -> dict[str, list[tuple[str, str]]]:
    """Cell id -> its ``(OLD, NEW)`` replacements from the ``code`` sections."""
    found: dict[str, list[tuple[str, str]]] = {}
    for cell, hash_, body in _sections(name):
        if hash_ is not None:
            continue
        pairs = []
        for line in body.splitlines():
            old, arrow, new = line.partition(_ARROW)
            if not arrow or not old:
                raise StaleTranslation(f"{name}: {cell}: not OLD{_ARROW}NEW: {line!r}")
            pairs.append((old, new))
        found[cell] = pairs
    return found


def _code_tokens(source: str) -> list[tuple[int, str]]:
    """The cell's tokens without string literals and comments (what must not change)."""
    skipped = {tokenize.STRING, tokenize.COMMENT, tokenize.FSTRING_START,
               tokenize.FSTRING_MIDDLE, tokenize.FSTRING_END} if hasattr(
        tokenize, "FSTRING_START") else {tokenize.STRING, tokenize.COMMENT}
    lines = iter(source.splitlines(keepends=True))
    return [(token.type, token.string)
            for token in tokenize.generate_tokens(lambda: next(lines, ""))
            if token.type not in skipped]


def translated_code(name: str, cell_id: str, source: str,
                    pairs: list[tuple[str, str]]) -> str:
    """``source`` with each OLD replaced by NEW; refuses a stale or code-changing pair."""
    text = source
    for old, new in pairs:
        if old not in text:
            raise StaleTranslation(f"{name}: {cell_id}: {old!r} is no longer in the English "
                                   "code cell; update its code section")
        text = text.replace(old, new)
    if _code_tokens(text) != _code_tokens(source):
        raise StaleTranslation(f"{name}: {cell_id}: the code section changes code, not only "
                               "strings and comments")
    return text


def built(name: str) -> dict[str, Any]:
    """The Chinese edition of ``notebooks/NAME.ipynb`` without outputs."""
    english = read(NOTEBOOK_DIR / f"{name}.ipynb")
    chinese = translations(name)
    code = code_translations(name)
    shared = shared_translations(name)
    cells: list[dict[str, Any]] = []
    wanted, coded = set(), set()
    for cell in english["cells"]:
        if cell["cell_type"] == "markdown":
            wanted.add(cell["id"])
            if cell["id"] not in chinese and source_hash(_text(cell)) in shared:
                cells.append({"cell_type": "markdown", "id": cell["id"], "metadata": {},
                              "source": shared[source_hash(_text(cell))].splitlines(
                                  keepends=True)})
                continue
            if cell["id"] not in chinese:
                raise StaleTranslation(f"{name}: {cell['id']} has no translation (add a "
                                       f"section <!-- {cell['id']} en:"
                                       f"{source_hash(_text(cell))} -->)")
            expected_hash, text = chinese[cell["id"]]
            if expected_hash != source_hash(_text(cell)):
                raise StaleTranslation(f"{name}: the English of {cell['id']} changed; update "
                                       f"its translation and its hash ({source_hash(_text(cell))})")
            cells.append({"cell_type": "markdown", "id": cell["id"], "metadata": {},
                          "source": text.splitlines(keepends=True)})
            continue
        if not any(c["cell_type"] == "code" for c in cells):
            cells.append({"cell_type": "code", "id": "setup", "metadata": {"tags": [SETUP_TAG]},
                          "source": SETUP_SOURCE.splitlines(keepends=True), "outputs": [],
                          "execution_count": None})
        if cell["id"] in code:
            coded.add(cell["id"])
            source = translated_code(name, cell["id"], _text(cell), code[cell["id"]])
            cell = {**cell, "source": source.splitlines(keepends=True)}
        cells.append({**cell, "outputs": [], "execution_count": None})
    extra = (set(chinese) - wanted) | (set(code) - coded)
    if extra:
        raise StaleTranslation(f"{name}: translations of cells that are not markdown "
                               f"(or, for a code section, not code): {sorted(extra)}")
    return cleaned({**english, "cells": cells})


def names(args: list[str]) -> list[str]:
    return args or sorted(path.relative_to(TEXT_DIR).with_suffix("").as_posix()
                          for path in TEXT_DIR.rglob("*.md"))


def _without_outputs(notebook: dict[str, Any]) -> dict[str, Any]:
    return {**notebook, "cells": [{**cell, "outputs": [], "execution_count": None}
                                  if cell["cell_type"] == "code" else cell
                                  for cell in notebook["cells"]]}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"execute", "check"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, stale = argv[0], []
    for name in names(argv[1:]):
        path = EDITION_DIR / f"{name}.ipynb"
        try:
            edition = built(name)
        except StaleTranslation as error:
            stale.append(str(error))
            continue
        if command == "check":
            if not path.exists() or _without_outputs(read(path)) != edition:
                stale.append(f"{path} is not built from its source "
                             f"(run: python scripts/editions.py execute {name})")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, edition)
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["SMSKIT_PROGRESS_FILE"] = str(Path(scratch) / "progress.json")
            execute(path)
        print(f"executed {path}")
    for problem in stale:
        print(problem, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
