"""The catalogue of named signing mistakes: points of the grammar with their own texts.

Each mistake of ``smskit/data/signature_mistakes.json`` names the points of the grammar
(:mod:`smskit.doctor.grammar`) it stands for (``"points"``: transforms joined by ``+``,
alternatives by ``|``). When the search finds a point, the first mistake that holds it
gives the explanation; a point that no mistake holds is explained by its transforms' own
texts (:func:`composed`), so the doctor names mistakes nobody catalogued.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from smskit import i18n
from smskit._data import load_json
from smskit.doctor.grammar import DATA_FILE, Lang, points
from smskit.doctor.search import MAX_TRANSFORMS, Found
from smskit.i18n import Editions

LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass(frozen=True)
class Mistake:
    """A mistake: what it is, why it fails and how to fix it, in Chinese and English."""

    id: str
    title: Editions
    explanation: Editions
    fix: Editions
    #: Ids of the named mistakes (or, for one nobody catalogued, the transforms) it combines.
    combines: tuple[str, ...] = ()
    #: The grammar's transforms of the point found (empty for the catalogue's entry itself).
    transforms: tuple[str, ...] = ()
    #: Whether the catalogue names it (``False``: found by composing transforms).
    catalogued: bool = True



@dataclass(frozen=True)
class Check:
    """A check worth doing by hand when no point of the grammar explains a signature."""

    id: str
    zh: str
    en: str

    def text(self, lang: Lang = "en") -> str:
        return self.zh if lang == "zh" else self.en


@cache
def mistakes() -> tuple[Mistake, ...]:
    """Every named mistake, in data order (the first that holds a point names it)."""
    return tuple(_mistake(row) for row in load_json(DATA_FILE)["mistakes"])


@cache
def checks() -> tuple[Check, ...]:
    """The checks to do by hand when nothing explains a signature."""
    return tuple(Check(**row) for row in load_json(DATA_FILE)["checks"])


@cache
def catalogue() -> Mapping[frozenset[str], Mistake]:
    """Each named point -> the first mistake that holds it."""
    table: dict[frozenset[str], Mistake] = {}
    by_id = {mistake.id: mistake for mistake in mistakes()}
    for row in load_json(DATA_FILE)["mistakes"]:
        for expression in row["points"]:
            for point in points(expression):
                table.setdefault(point, by_id[row["id"]])
    return table


@cache
def longer_points() -> tuple[frozenset[str], ...]:
    """The named points of more transforms than the search composes, in data order."""
    return tuple(point for point in catalogue() if len(point) > MAX_TRANSFORMS)


def explain(found: Found, values: Mapping[str, str]) -> Mistake:
    """The mistake that the point found stands for: named, or composed of its transforms."""
    ids = tuple(transform.id for transform in found.transforms)
    named = catalogue().get(found.key)
    if named is not None:
        return replace(named, transforms=ids)
    return composed(found, values)


def composed(found: Found, values: Mapping[str, str]) -> Mistake:
    """A mistake nobody catalogued, told by its transforms' own texts in both languages."""
    texts: dict[str, list[str]] = {"title_zh": [], "title_en": [], "fix_zh": [], "fix_en": []}
    for transform in found.transforms:
        step = next((s for s in found.steps if s.transform is transform), None)
        fill = {"choice": step.label if step else "",
                "sent": values.get(step.field, "") if step and step.field else "",
                "signed": step.shown or "" if step else ""}
        for lang in LANGS:
            texts[f"title_{lang}"].append(transform.title(lang, **fill))
            texts[f"fix_{lang}"].append(transform.fix(lang, **fill))
    ids = tuple(transform.id for transform in found.transforms)
    explanation = {lang: i18n.t("doctor.composed", lang, transforms=" + ".join(ids))
                   for lang in LANGS}
    return Mistake(id="+".join(ids),
                   title=Editions(en="; ".join(texts["title_en"]), zh="；".join(texts["title_zh"])),
                   explanation=Editions(en=explanation["en"], zh=explanation["zh"]),
                   fix=Editions(en=" ".join(texts["fix_en"]), zh="".join(texts["fix_zh"])),
                   combines=ids, transforms=ids, catalogued=False)


def _mistake(row: Mapping[str, Any]) -> Mistake:
    def editions(name: str) -> Editions:
        return Editions(en=row[f"{name}_en"], zh=row[f"{name}_zh"])

    return Mistake(id=row["id"], title=editions("title"), explanation=editions("explanation"),
                   fix=editions("fix"), combines=tuple(row.get("combines", ())))
