"""``smskit codes [CODE]``: the error-code catalogue, or everything about one code.

The list shows both messages whatever the language, the category in the kit's language
(its key in English, for ``--category``); one code's explanation (category,
cause, remedy) is in the kit's language (``--lang``, ``SMSKIT_LANG``, the locale).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from smskit import catalogue, i18n
from smskit.cli import add_language_option
from smskit.errors import InputError, Problem

_MAX_DIGITS = 9


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help=i18n.t("cli.codes.code"))
    parser.add_argument("--category", choices=sorted(catalogue.categories()),
                        help=i18n.t("cli.codes.category"))
    parser.add_argument("--search", metavar="TEXT", help=i18n.t("cli.codes.search"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.codes.json"))
    add_language_option(parser)


def run(args: argparse.Namespace) -> int:
    with i18n.using_language(args.lang):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.code is not None:
        return _explain(args.code, as_json=args.json)
    entries = catalogue.search(args.search or "")
    if args.category:
        entries = [entry for entry in entries if entry.category == args.category]
    if args.json:
        print(json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(i18n.t("codes.row", code=f"{entry.code:>5}", category=_category(entry.category),
                     zh=entry.zh, en=entry.en))
    return 0


def _category(key: str) -> str:
    """The category column: its key in English (what ``--category`` takes), its name in
    Chinese, padded to the same width on screen (a Chinese character takes two columns)."""
    if i18n.language() == "en":
        return f"{key:<26}"
    name = catalogue.categories()[key].name_in()
    return name + " " * max(0, 18 - 2 * len(name))


def _explain(code_text: str, *, as_json: bool) -> int:
    if not code_text.isascii() or not code_text.isdigit():
        raise InputError([Problem("code", i18n.t("codes.error.not_a_number"))])
    # Codes have four digits; int() of thousands of digits would raise ValueError.
    entry = catalogue.lookup(int(code_text)) if len(code_text) <= _MAX_DIGITS else None
    if entry is None:
        shown = code_text if len(code_text) <= _MAX_DIGITS else code_text[:_MAX_DIGITS] + "..."
        raise InputError([Problem("code", i18n.t("codes.error.unknown", code=shown),
                                  hint=i18n.t("codes.error.unknown_hint"))])
    if as_json:
        print(json.dumps(asdict(entry), ensure_ascii=False, indent=2))
        return 0
    category = catalogue.categories()[entry.category]
    other = i18n.other_language()
    print(f"{entry.code} {entry.zh}")
    print(f"     {entry.en}")
    print(i18n.t("codes.explain.category", name=category.name_in(),
                 other_name=category.name_in(other), next_step=category.next_step.render()))
    print(i18n.t("codes.explain.source", source=i18n.t(f"codes.source.{entry.source}")))
    print(i18n.t("codes.explain.cause", cause=entry.cause.render()))
    print(i18n.t("codes.explain.remedy", remedy=entry.remedy.render()))
    print(i18n.t("codes.explain.retry_safe",
                 answer=i18n.t("common.yes" if entry.retry_safe else "common.no")))
    return 0
