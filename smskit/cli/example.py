"""``smskit example``: recompute the page's worked example and state what it shows, in the
kit's language (``--lang``, ``SMSKIT_LANG``, the locale)."""

from __future__ import annotations

import argparse

from smskit import i18n
from smskit.cli import add_language_option
from smskit.teaching import worked_example


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = i18n.t("example.epilog")
    add_language_option(parser)


def run(args: argparse.Namespace) -> int:
    with i18n.using_language(args.lang):
        return _run()


def _run() -> int:
    example = worked_example.load()
    result = worked_example.reproduce(example)
    print(i18n.t("example.inputs"))
    for name, value in (("phone", example.phone), ("codeType", example.code_type),
                        ("random", example.random), ("ts", example.ts),
                        ("userDomainSecret", example.secret)):
        print(f"  {name:<17} {value}")
    print(i18n.t("example.signed_string", signed_string=result.signed_string))
    print(result.summary())
    print(i18n.pick(en=example.finding["en"], zh=example.finding["zh"]))
    return 0
