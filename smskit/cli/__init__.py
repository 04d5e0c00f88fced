"""The ``smskit`` command: one subcommand per module in this package.

Every subcommand module offers ``configure(parser)`` and ``run(args) -> int``. Errors the
user can act on end as one line on stderr and exit status 2 (bad input) or 1 (the API or
network said no); never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from smskit import __version__, i18n
from smskit.errors import InputError, SmskitError
from smskit.request import ENDPOINT_PATH

#: Subcommand name -> module; its one-line help is the text ``cli.command.<name>``.
COMMANDS = {
    "sign": "smskit.cli.sign",
    "example": "smskit.cli.example",
    "codes": "smskit.cli.codes",
    "sandbox": "smskit.cli.sandbox",
    "send": "smskit.cli.send",
    "check": "smskit.cli.check",
    "snippet": "smskit.cli.snippet",
    "cheatsheet": "smskit.cli.cheatsheet",
    "classroom": "smskit.cli.classroom",
}

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130



#: argparse's own words (it marks them for gettext) -> their key, ``cli.argparse.<key>``.
ARGPARSE_WORDS = {
    "usage: ": "usage",
    "positional arguments": "positional",
    "options": "options",
    "show this help message and exit": "help",
    "show program's version number and exit": "version",
    "argument %(argument_name)s: %(message)s": "argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "the following arguments are required: %s": "required",
    "unrecognized arguments: %s": "unrecognized",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "one of the arguments %s is required": "one_required",
    "unexpected option string: %s": "unexpected_option",
    "%(prog)s: error: %(message)s\n": "error",
    "expected %s argument": "expected_n",
    "expected %s arguments": "expected_n",
}


def _argparse_gettext(message: str) -> str:
    """argparse's gettext: its words in the kit's language (English as argparse has them)."""
    key = ARGPARSE_WORDS.get(message)
    return message if key is None or i18n.language() == "en" else i18n.t(f"cli.argparse.{key}")


def _argparse_ngettext(singular: str, plural: str, count: int) -> str:
    return _argparse_gettext(singular if count == 1 else plural)


def install_argparse_translation() -> None:
    """Bind :func:`_argparse_gettext` as argparse's ``_`` and ``ngettext``, as a gettext
    catalogue would: argparse looks both up when it builds a parser and when it writes help
    or an error, so they follow the kit's language then. English is argparse's own text."""
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr, exit status 2; in Chinese its
    section headings end with a full-width colon (argparse appends ``:`` itself)."""

    def format_help(self) -> str:
        text = super().format_help()
        if i18n.language() == "en":
            return text
        for key in ("positional", "options"):
            heading = i18n.t(f"cli.argparse.{key}")
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, i18n.t("cli.error", prog=self.prog, error=message) + "\n")


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang en|zh`` for a command whose texts exist in both editions; its ``run`` wraps
    itself in ``i18n.using_language(args.lang)``."""
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=i18n.t("cli.lang.help"))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser, its help texts in the kit's language (``SMSKIT_LANG=zh smskit --help``).

    ``only``: configure just that subcommand's options (the others keep their one-line help),
    so ``smskit sandbox`` does not import the modules of the cheat sheet or the snippets: a
    test suite starting the sandbox waits for less. argparse's own words follow the kit's
    language too (:func:`install_argparse_translation`).
    """
    install_argparse_translation()
    parser = _Parser(prog="smskit", description=i18n.t(
                         "cli.description", title="发送手机短信验证码", path=ENDPOINT_PATH),
                     epilog=i18n.t("cli.epilog"),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"smskit {__version__}",
                        help=i18n.t("cli.argparse.version"))  # 3.11 does not translate it
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        help_text = i18n.t(f"cli.command.{name}")
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if only in (None, name):
            import_module(module_name).configure(sub)
        sub.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``smskit`` console script; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    # argparse (3.11) turns `--port=--` into an empty list instead of the text "--"; no
    # option here takes a list, so a list is always that.
    for name, value in vars(args).items():
        if isinstance(value, list):
            parser.error(i18n.t("cli.dash_value", option=f"--{name.replace('_', '-')}"))
    try:
        status: int = import_module(args._module).run(args)
    except InputError as error:
        print(i18n.t("cli.error", prog=f"smskit {args.command}", error=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SmskitError as error:
        print(f"smskit {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(i18n.t("cli.interrupted", prog=f"smskit {args.command}"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `smskit codes | head`: the reader left; not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
