"""``smskit cheatsheet --lang zh|en``: the one-page printable cheat sheet as HTML on stdout."""

from __future__ import annotations

import argparse
import sys

from smskit import i18n
from smskit.training.cheatsheet import LANGUAGES, render


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="zh",
                        help=i18n.t("cli.cheatsheet.lang"))
    parser.epilog = i18n.t("cli.cheatsheet.epilog")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render(args.lang))
    return 0
