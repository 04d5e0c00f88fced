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
own two editions (the error-code catalogue's causes, remedies and next steps) holds
them as one :class:`Editions`. Standard library only: ``import smskit`` stays light.
"""

from __future__ import annotations

import math
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


def language_chosen(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the reader chose a language: :func:`set_language` (or ``--lang``), a valid
    ``SMSKIT_LANG``, or a Chinese locale. A text the kit writes in both languages when
    nothing was chosen is written in :func:`language` alone when this is true."""
    env = os.environ if environ is None else environ
    return (_chosen is not None
            or env.get(LANGUAGE_VARIABLE, "").strip().lower() in LANGUAGES
            or environment_language(env) == "zh")


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
    the kit's code, which the tests find. ``lang`` cannot be a placeholder's name. Values
    that carry their own editions (:class:`Text`, :class:`Editions`, :class:`Duration`) are
    written in the same language.
    """
    edition = language() if lang is None else as_language(lang)
    filled = {name: value.render(edition) if isinstance(value, Text | Editions | Duration)
              else value for name, value in values.items()}
    return messages()[key][edition].format_map(filled)


def pick(*, en: str, zh: str, lang: str | None = None) -> str:
    """Of two editions held by some data, the one in ``lang`` (default: :func:`language`)."""
    edition = language() if lang is None else as_language(lang)
    return zh if edition == "zh" else en


@dataclass(frozen=True)
class Editions:
    """One text in both languages, carried by data (a code type's name, an exercise's hint):
    the kit's one bilingual text type, the Chinese in the platform's terms."""

    en: str
    zh: str

    def render(self, lang: str | None = None) -> str:
        return pick(en=self.en, zh=self.zh, lang=lang)

    def __str__(self) -> str:
        return self.render()

    def fill(self, **values: object) -> Editions:
        """Replace ``{name}`` in both editions (an :class:`Editions` value fills each with its
        own edition); other braces stay as written."""
        en, zh = self.en, self.zh
        for name, value in values.items():
            key = f"{{{name}}}"
            if isinstance(value, Editions):
                en, zh = en.replace(key, value.en), zh.replace(key, value.zh)
            else:
                en, zh = en.replace(key, str(value)), zh.replace(key, str(value))
        return Editions(en=en, zh=zh)

    def lines(self, language: str | None = None) -> list[str]:
        """As shown in ``language`` (``"zh"``, ``"en"``, or ``"both"``, Chinese first); by
        default :func:`display_language`."""
        chosen = language or display_language()
        if chosen in LANGUAGES:
            return [self.render(chosen)]
        return [self.zh] if self.zh == self.en else [self.zh, self.en]

    def short(self, language: str | None = None) -> str:
        """On one line: ``"通过 / passed"`` when both editions are shown."""
        return " / ".join(self.lines(language))


def display_language() -> str:
    """The reader's language when they chose one (:func:`language_chosen`), else ``"both"``:
    what a text shown in both editions when nothing was chosen is shown in."""
    return language() if language_chosen() else "both"


def chinese_duration(ms: int, *, round_up: bool = False) -> str:
    """A duration as a Chinese reader says it: ``300000`` -> ``"5 分钟"``, ``90000`` ->
    ``"1 分 30 秒"``, ``3600000`` -> ``"1 小时"``, ``1500`` -> ``"1.5 秒"``, ``250`` ->
    ``"250 毫秒"``.

    Whole seconds from 10 s on; ``round_up`` (a wait) rounds up to a whole second, so 1 ms
    left reads ``"1 秒"``, never ``"0.1 秒"``. Negative values get ``-``.
    """
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    if round_up:
        seconds = float(math.ceil(ms / 1000))
    elif ms < 1000:
        return f"{sign}{ms} 毫秒"
    elif ms < 10_000:
        seconds = round(ms / 1000, 1)
    else:
        seconds = float(round(ms / 1000))
    if seconds < 60:
        return f"{sign}{seconds:g} 秒"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} 小时"] if hours else []
    if minutes:
        parts.append(f"{minutes} 分钟" if not secs else f"{minutes} 分")
    if secs:
        parts.append(f"{secs} 秒")
    return sign + " ".join(parts)


@dataclass(frozen=True)
class Duration:
    """A duration filled into a text: English as given (``"60 s"``, ``"4 min 59.999 s"``),
    Chinese as :func:`chinese_duration` says it (``"1 分钟"``)."""

    ms: int
    en: str
    round_up: bool = False

    def render(self, lang: str | None = None) -> str:
        edition = language() if lang is None else as_language(lang)
        return self.en if edition == "en" else chinese_duration(self.ms, round_up=self.round_up)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Text:
    """A keyed text not yet written: rendered in the language current when it is read.

    A :class:`~smskit.errors.Problem` holds its rule and hint as ``Text``, so one finding
    reads in English or Chinese, whichever the reader has chosen (a widget's toggle).
    Values that are themselves ``Text``, :class:`Editions` or :class:`Duration` are rendered
    in the same language (by :func:`t`).
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, **dict(self.values))

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
