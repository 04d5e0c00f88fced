"""The error-code catalogue: every code this endpoint can answer, read from ``smskit/data/``.

Plain dataclasses, no pandas, so ``import smskit`` stays light (tables: ``teaching.frames``).
Our explanations (cause, remedy, next step) are :class:`~smskit.i18n.Editions`, the kit's one
bilingual text type: ``entry.cause.render(lang)`` is one edition, ``str(entry.cause)`` the kit's
current language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from smskit import i18n
from smskit._data import load_json
from smskit.i18n import Editions
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
    #: Why the platform answers this code, in English and Chinese.
    cause: Editions
    #: What to do about it, in English and Chinese.
    remedy: Editions
    #: True when nothing was handed to the SMS provider, so sending again cannot duplicate.
    retry_safe: bool

    @property
    def is_success(self) -> bool:
        return self.code == PlatformCode.SUCCESS


@dataclass(frozen=True)
class Category:
    """A group of codes that call for the same next step."""

    key: str
    en: str
    zh: str
    #: What a caller who meets a code of this category does next.
    next_step: Editions

    def name_in(self, lang: str | None = None) -> str:
        """The category's name in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.en, zh=self.zh, lang=lang)


@cache
def _codes() -> dict[int, ErrorCode]:
    rows = load_json("error_codes.json")["codes"]
    return {row["code"]: ErrorCode(**row | {"cause": Editions(**row["cause"]),
                                            "remedy": Editions(**row["remedy"])})
            for row in rows}


@cache
def _categories() -> dict[str, Category]:
    raw = load_json("error_codes.json")["categories"]
    return {key: Category(key=key, **value | {"next_step": Editions(**value["next_step"])})
            for key, value in raw.items()}


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
    """Codes whose number, Chinese or English message, or English cause or remedy contains
    ``text``.

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
            (str(entry.code), entry.zh, entry.en, entry.cause.en, entry.remedy.en)
        ).casefold()
    ]

