"""``smskit cheatsheet --lang zh|en``: the one-page printable cheat sheet as HTML on stdout."""

from __future__ import annotations

import argparse
import sys

from smskit.training.cheatsheet import LANGUAGES, render


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="zh",
                        help="the sheet's language (default zh)")
    parser.epilog = "Print it from a browser (A4, one page): smskit cheatsheet > cheat.html"


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render(args.lang))
    return 0
