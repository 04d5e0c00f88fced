"""``smskit codes [CODE]``: the error-code catalogue, or everything about one code."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from smskit import catalogue
from smskit.errors import InputError, Problem

_MAX_DIGITS = 9


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="one code to explain, e.g. 5058")
    parser.add_argument("--category", choices=sorted(catalogue.categories()),
                        help="only codes of this category")
    parser.add_argument("--search", metavar="TEXT", help="match Chinese or English text")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    if args.code is not None:
        return _explain(args.code, as_json=args.json)
    entries = catalogue.search(args.search or "")
    if args.category:
        entries = [entry for entry in entries if entry.category == args.category]
    if args.json:
        print(json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(f"{entry.code:>5}  {entry.category:<26}  {entry.zh}  ({entry.en})")
    return 0


def _explain(code_text: str, *, as_json: bool) -> int:
    if not code_text.isascii() or not code_text.isdigit():
        raise InputError([Problem("code", "must be a number, e.g. 5058")])
    # Codes have four digits; int() of thousands of digits would raise ValueError.
    entry = catalogue.lookup(int(code_text)) if len(code_text) <= _MAX_DIGITS else None
    if entry is None:
        shown = code_text if len(code_text) <= _MAX_DIGITS else code_text[:_MAX_DIGITS] + "..."
        raise InputError([Problem("code", f"{shown} is not in the catalogue",
                                  hint="run `smskit codes` for the list")])
    if as_json:
        print(json.dumps(asdict(entry), ensure_ascii=False, indent=2))
        return 0
    category = catalogue.categories()[entry.category]
    print(f"{entry.code} {entry.zh}")
    print(f"     {entry.en}")
    print(f"Category:   {category.en} ({category.zh}). {category.next_step}")
    print(f"Source:     {'this endpoint page' if entry.source == 'page' else 'platform code list'}")
    print(f"Cause:      {entry.cause}")
    print(f"Remedy:     {entry.remedy}")
    print(f"Retry safe: {'yes' if entry.retry_safe else 'no'}")
    return 0
