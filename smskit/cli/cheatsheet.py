"""``smskit cheatsheet [--lang zh|en]``: the one-page printable cheat sheet as HTML on stdout,
in the kit's language like every command's output."""

from __future__ import annotations

import argparse
import sys

from smskit import i18n
from smskit.cli import add_language_option
from smskit.training.cheatsheet import render


def configure(parser: argparse.ArgumentParser) -> None:
    add_language_option(parser)
    parser.epilog = i18n.t("cli.cheatsheet.epilog")


def run(args: argparse.Namespace) -> int:
    with i18n.using_language(args.lang) as language:
        sys.stdout.write(render(language))
    return 0
