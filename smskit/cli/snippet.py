"""``smskit snippet [LANGUAGE]``: signing-and-sending code in other languages.

Without a language it lists them and how each snippet runs; with one, it prints the snippet's
source alone, so ``smskit snippet go > send_sms_code.go`` gives a runnable file. ``--lang`` is
the kit's language, as in every command.
"""

from __future__ import annotations

import argparse

from smskit import i18n
from smskit.cli import add_language_option
from smskit.teaching import snippets


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("language", nargs="?", metavar="LANGUAGE",
                        help=i18n.t("cli.snippet.language",
                                    languages=", ".join(snippets.languages())))
    add_language_option(parser)
    parser.epilog = i18n.t("cli.snippet.epilog")


def run(args: argparse.Namespace) -> int:
    if args.language is not None:
        print(snippets.snippet(args.language).code(), end="")
        return 0
    with i18n.using_language(args.lang):
        for item in snippets.all_snippets():
            print(f"{item.language:<7} {item.title:<22} {item.file_name:<18} "
                  f"{item.send_command()}")
        print(i18n.t("cli.snippet.footer", sign=snippets.SIGN_ARGUMENTS))
    return 0
