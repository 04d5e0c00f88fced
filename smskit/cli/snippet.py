"""``smskit snippet [--lang L]``: signing-and-sending code in other languages.

Without ``--lang`` it lists the languages and how each snippet runs; with it, it prints the
snippet's source alone, so ``smskit snippet --lang go > send_sms_code.go`` gives a runnable file.
"""

from __future__ import annotations

import argparse

from smskit import snippets


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", metavar="LANG",
                        help="print this language's snippet: " + ", ".join(snippets.languages()))
    parser.epilog = ("Each snippet reads SMSKIT_BASE_URL (a URL), SMSKIT_USER_DOMAIN and "
                     "SMSKIT_USER_DOMAIN_SECRET from the environment.")


def run(args: argparse.Namespace) -> int:
    if args.lang is not None:
        print(snippets.snippet(args.lang).code(), end="")
        return 0
    for item in snippets.all_snippets():
        print(f"{item.language:<7} {item.title:<22} {item.file_name:<18} {item.send_command()}")
    print("Print one with `smskit snippet --lang LANG`; "
          f"`{snippets.SIGN_ARGUMENTS}` prints only the signature.")
    return 0
