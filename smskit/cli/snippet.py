"""``smskit snippet [--lang L]``: signing-and-sending code in other languages.

Without ``--lang`` it lists the languages and how each snippet runs; with it, it prints the
snippet's source alone, so ``smskit snippet --lang go > send_sms_code.go`` gives a runnable file.
"""

from __future__ import annotations

import argparse

from smskit import i18n, snippets


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", metavar="LANG",
                        help=i18n.t("cli.snippet.lang",
                                    languages=", ".join(snippets.languages())))
    parser.epilog = i18n.t("cli.snippet.epilog")


def run(args: argparse.Namespace) -> int:
    if args.lang is not None:
        print(snippets.snippet(args.lang).code(), end="")
        return 0
    for item in snippets.all_snippets():
        print(f"{item.language:<7} {item.title:<22} {item.file_name:<18} {item.send_command()}")
    print(i18n.t("cli.snippet.footer", sign=snippets.SIGN_ARGUMENTS))
    return 0
