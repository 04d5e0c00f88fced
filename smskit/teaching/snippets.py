"""Signing-and-sending code in other languages, shipped as data (``smskit/data/snippets/``).

Backend developers implement this call in Java, Go, Node.js, PHP, shell or Python; each
snippet is one small file using its language's standard library, and every one is compiled and
run against the sandbox by the tests. This module lists them and reads their text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smskit._data import data_dir, load_json
from smskit.errors import InputError, Problem

#: The arguments of each snippet's two modes, as shown in run instructions.
SEND_ARGUMENTS = "send PHONE CODETYPE [INTERNATIONALCODE]"
SIGN_ARGUMENTS = "sign PHONE CODETYPE RANDOM TS"
_SHOWN_CHARS = 24  # of an unknown language name, in the error


@dataclass(frozen=True)
class Snippet:
    """One language's reference implementation and how to run it."""

    #: Short name used by ``smskit snippet LANGUAGE``, e.g. ``"java"``.
    language: str
    #: Other names accepted for it, e.g. ``"js"`` for ``"node"``.
    aliases: tuple[str, ...]
    #: Display name with the minimum version, e.g. ``"Java 17+"``.
    title: str
    #: Path under ``smskit/data/snippets/``, e.g. ``"java/SendSmsCode.java"``.
    file: str
    #: The command that runs the file from its own folder, without the mode's arguments.
    command: tuple[str, ...]
    #: What it uses from the language's library, ``{"en": ..., "zh": ...}``.
    uses: dict[str, str]

    @property
    def file_name(self) -> str:
        return Path(self.file).name

    @property
    def path(self) -> Path:
        """Where the file is on disk (in the checkout or the installed package)."""
        return data_dir() / "snippets" / self.file

    def code(self) -> str:
        """The snippet's source text."""
        return self.path.read_text(encoding="utf-8")

    def send_command(self) -> str:
        """How to send one code, e.g. ``java SendSmsCode.java send PHONE CODETYPE [...]``."""
        return f"{' '.join(self.command)} {SEND_ARGUMENTS}"


def all_snippets() -> list[Snippet]:
    """Every snippet, in the order they are presented."""
    return [_from_row(row) for row in load_json("snippets/index.json")["snippets"]]


def languages() -> list[str]:
    """The language names ``snippet()`` accepts (aliases aside)."""
    return [item.language for item in all_snippets()]


def snippet(language: str) -> Snippet:
    """The snippet for ``language`` (a name or alias, any case); InputError names the choices."""
    wanted = language.strip().casefold()
    for item in all_snippets():
        if wanted == item.language or wanted in item.aliases:
            return item
    shown = language if len(language) <= _SHOWN_CHARS else language[:_SHOWN_CHARS] + "..."
    raise InputError([Problem("language", f"no snippet for {shown!r}; choose one of: "
                              + ", ".join(languages()))])


def _from_row(row: dict[str, Any]) -> Snippet:
    return Snippet(language=row["language"], aliases=tuple(row["aliases"]), title=row["title"],
                   file=row["file"], command=tuple(row["command"]), uses=dict(row["uses"]))
