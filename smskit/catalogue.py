"""The error-code catalogue: every code this endpoint can answer, read from ``smskit/data/``.

Plain dataclasses, no pandas, so ``import smskit`` stays light (tables: ``teaching.frames``).
Our explanations exist in English (``cause``) and Chinese (``cause_zh``); the ``*_in(lang)``
methods pick the edition of the kit's current language (:mod:`smskit.i18n`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from smskit import i18n
from smskit._data import load_json
from smskit.platform_codes import PlatformCode


@dataclass(frozen=True)
class ErrorCode:
    """One code the platform can answer, with what it means and what to do about it."""

    code: int
    #: The platform's message, verbatim (Chinese).
    zh: str
    #: Our English translation.
    en: str
    #: What the caller should do next; a key of :func:`categories`.
    category: str
    #: ``"page"`` if the endpoint's own page lists it, ``"platform"`` if it comes from the
    #: platform's wider code list.
    source: str
    #: Why the platform answers this code, in English; ``cause_zh`` in Chinese.
    cause: str
    cause_zh: str
    #: What to do about it, in English; ``remedy_zh`` in Chinese.
    remedy: str
    remedy_zh: str
    #: True when nothing was handed to the SMS provider, so sending again cannot duplicate.
    retry_safe: bool

    @property
    def is_success(self) -> bool:
        return self.code == PlatformCode.SUCCESS

    def cause_in(self, lang: str | None = None) -> str:
        """The cause in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.cause, zh=self.cause_zh, lang=lang)

    def remedy_in(self, lang: str | None = None) -> str:
        """The remedy in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.remedy, zh=self.remedy_zh, lang=lang)


@dataclass(frozen=True)
class Category:
    """A group of codes that call for the same next step."""

    key: str
    en: str
    zh: str
    next_step: str
    next_step_zh: str

    def name_in(self, lang: str | None = None) -> str:
        """The category's name in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.en, zh=self.zh, lang=lang)

    def next_step_in(self, lang: str | None = None) -> str:
        """The next step in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.next_step, zh=self.next_step_zh, lang=lang)


@cache
def _codes() -> dict[int, ErrorCode]:
    rows = load_json("error_codes.json")["codes"]
    return {row["code"]: ErrorCode(**row) for row in rows}


@cache
def _categories() -> dict[str, Category]:
    raw = load_json("error_codes.json")["categories"]
    return {key: Category(key=key, **value) for key, value in raw.items()}


def all_codes() -> tuple[ErrorCode, ...]:
    """Every catalogued code, page codes first, in the page's order."""
    return tuple(_codes().values())


def lookup(code: int) -> ErrorCode | None:
    """The entry for ``code``, or ``None`` if the catalogue does not know it."""
    return _codes().get(code)


def categories() -> Mapping[str, Category]:
    """Categories by key, e.g. ``"slow_down"``."""
    return _categories()


def search(text: str, codes: Iterable[ErrorCode] | None = None) -> list[ErrorCode]:
    """Codes whose number, Chinese or English message, cause or remedy contains ``text``.

    Case-insensitive for English; Chinese matches as typed.
    """
    needle = text.strip().casefold()
    pool = all_codes() if codes is None else tuple(codes)
    if not needle:
        return list(pool)
    return [
        entry
        for entry in pool
        if needle in " ".join(
            (str(entry.code), entry.zh, entry.en, entry.cause, entry.remedy)
        ).casefold()
    ]

