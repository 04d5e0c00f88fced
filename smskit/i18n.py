"""The kit's language: one switch (English or Chinese) and one lookup for its own texts.

The design follows gettext/Babel and JupyterLab's language packs: texts are data, not
strings scattered in code. Every text the kit writes has a key (``"codes.explain.cause"``)
in ``smskit/data/messages.json``, which holds both editions side by side, so a change to one is
seen next to the other::

    "codes.explain.cause": {"en": "Cause:      {cause}", "zh": "原因：      {cause}"}

Placeholders are named (``{field}``, ``{code}``; ``str.format`` syntax, ``{{`` for a
literal brace), never positional, so a translation may put them in any order. A module
uses a text by its key: ``i18n.t("codes.explain.cause", cause=...)``. Keys are grouped by
the module that owns them (``codes.*`` for ``smskit codes``); adding a text means adding
its key with both editions to ``smskit/data/messages.json``. tests/test_i18n.py holds every key
to both editions with the same placeholders, every ``i18n.t("...")`` in smskit/ to an
existing key and every key to a use; tests/test_glossary.py holds the Chinese edition to
the platform's terms (``smskit/data/glossary.json``).

Which language: the first of

1. :func:`set_language` (a notebook: ``smskit.set_language("zh")``), or, for a block,
   :func:`using_language`; the CLI's ``--lang`` uses the latter;
2. the ``SMSKIT_LANG`` environment variable (``zh`` or ``en``);
3. the POSIX locale variables, first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
   ``zh…`` (``zh_CN.UTF-8``, ``zh_TW``) means Chinese;
4. English.

The choice is process-wide, like :func:`locale.setlocale`. The platform's own Chinese
messages (``msg``) are facts and stay verbatim in every language. Data that carries its
own two editions (the error-code catalogue's ``cause``/``cause_zh``) is chosen with
:func:`pick`. Standard library only: ``import smskit`` stays light.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Literal, TypeAlias

from smskit._data import load_json

Language = Literal["en", "zh"]
#: The kit's languages; English first because it is the fallback.
LANGUAGES: tuple[Language, ...] = ("en", "zh")
#: The environment variable that chooses the language (``zh`` or ``en``).
LANGUAGE_VARIABLE = "SMSKIT_LANG"
#: POSIX locale variables, in the order that decides the messages' language.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: Language | None = None


def as_language(value: str) -> Language:
    """``value`` as a language code, or a ValueError naming the accepted ones."""
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {value!r}")
    return code


def environment_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language the environment asks for: ``SMSKIT_LANG``, else the locale, else English.

    An ``SMSKIT_LANG`` that is neither ``zh`` nor ``en`` is ignored, like a locale the
    system does not know, so a typo never stops the kit.
    """
    env = os.environ if environ is None else environ
    requested = env.get(LANGUAGE_VARIABLE, "").strip().lower()
    if requested in LANGUAGES:
        return requested
    locale_name = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), "")
    return "zh" if locale_name.lower().startswith("zh") else "en"


def chosen_language() -> Language | None:
    """The language :func:`set_language` or :func:`using_language` chose; ``None`` if neither."""
    return _chosen


def language() -> Language:
    """The language the kit writes in now."""
    return _chosen if _chosen is not None else environment_language()


def other_language(lang: str | None = None) -> Language:
    """The edition that is not ``lang`` (default: the kit's language), for a text shown in both."""
    edition = language() if lang is None else as_language(lang)
    return "en" if edition == "zh" else "zh"


def set_language(lang: str | None) -> None:
    """Write in ``lang`` (``"zh"`` or ``"en"``) from now on; ``None`` returns to the
    environment's choice."""
    global _chosen
    _chosen = None if lang is None else as_language(lang)


@contextmanager
def using_language(lang: str | None) -> Iterator[Language]:
    """Write in ``lang`` inside the ``with`` block, then return to the previous choice.

    ``None`` keeps the current language (a command's ``--lang`` left out).
    """
    global _chosen
    previous = _chosen
    if lang is not None:
        _chosen = as_language(lang)
    try:
        yield language()
    finally:
        _chosen = previous


@cache
def messages() -> Mapping[str, Mapping[str, str]]:
    """Every key with its editions, from ``smskit/data/messages.json`` (read once)."""
    table: dict[str, dict[str, str]] = load_json("messages.json")["messages"]
    return table


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """The text ``key`` in ``lang`` (default: :func:`language`), placeholders filled.

    An unknown key or a missing placeholder value raises KeyError: both are mistakes in
    the kit's code, which the tests find. ``lang`` cannot be a placeholder's name.
    """
    edition = language() if lang is None else as_language(lang)
    return messages()[key][edition].format_map(values)


def pick(*, en: str, zh: str, lang: str | None = None) -> str:
    """Of two editions held by some data, the one in ``lang`` (default: :func:`language`)."""
    edition = language() if lang is None else as_language(lang)
    return zh if edition == "zh" else en


@dataclass(frozen=True)
class Editions:
    """A value that carries its own two editions (a code type's name), filled into a text."""

    en: str
    zh: str

    def render(self, lang: str | None = None) -> str:
        return pick(en=self.en, zh=self.zh, lang=lang)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Text:
    """A keyed text not yet written: rendered in the language current when it is read.

    A :class:`~smskit.errors.Problem` holds its rule and hint as ``Text``, so one finding
    reads in English or Chinese, whichever the reader has chosen (a widget's toggle).
    Values that are themselves ``Text`` or :class:`Editions` are rendered in the same language.
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str | None = None) -> str:
        edition = language() if lang is None else as_language(lang)
        filled = {name: value.render(edition) if isinstance(value, Text | Editions) else value
                  for name, value in self.values}
        return t(self.key, edition, **filled)

    def __str__(self) -> str:
        return self.render()


#: A kit text: keyed (both editions) or a plain string (the same in every language).
Message: TypeAlias = str | Text


def text(key: str, /, **values: object) -> Text:
    """The text ``key`` with its placeholder values, written when it is read (see :class:`Text`)."""
    return Text(key, tuple(values.items()))


def render(message: Message, lang: str | None = None) -> str:
    """``message`` written in ``lang`` (default: :func:`language`); a plain string as it is."""
    return message if isinstance(message, str) else message.render(lang)


# -- times as people read them (UTC always, so stored outputs do not depend on the machine) --
def utc_text(ms: int) -> str:
    """``1795867200000`` -> ``"2026-11-28 12:00:00.000 UTC"`` (millisecond precision)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{ms % 1000:03d} UTC"


def duration_text(ms: int) -> str:
    """``299999`` -> ``"4 min 59.999 s"``; ``60000`` -> ``"1 min"``; negative values get ``-``."""
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    minutes, rest = divmod(ms, 60_000)
    seconds = f"{rest / 1000:.3f}".rstrip("0").rstrip(".") + " s" if rest else ""
    parts = [f"{minutes} min"] if minutes else []
    if seconds or not parts:
        parts.append(seconds or "0 s")
    return sign + " ".join(parts)


def seconds_text(ms: int) -> str:
    """``60000`` -> ``"60 s"``, ``1500`` -> ``"1.5 s"``: a policy's window in whole seconds."""
    return f"{ms / 1000:g} s"
