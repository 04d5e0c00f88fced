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

from smskit import i18n
from smskit.errors import InputError, SmskitError

#: Subcommand name -> (module, one-line help).
COMMANDS = {
    "sign": ("smskit.cli.sign", "print the signature of a request (secret from the environment)"),
    "example": ("smskit.cli.example", "reproduce the page's worked signature example"),
    "codes": ("smskit.cli.codes", "list the error-code catalogue, or explain one code"),
    "sandbox": ("smskit.cli.sandbox", "run the local sandbox platform on loopback"),
    "send": ("smskit.cli.send", "send a verification code (to the sandbox or the platform)"),
    "check": ("smskit.cli.check", "diagnose a signature: right, or which mistake made it"),
    "snippet": ("smskit.cli.snippet", "signing code in Java, Go, Node, shell, Python and PHP"),
    "cheatsheet": ("smskit.cli.cheatsheet", "print the one-page A4 cheat sheet as HTML"),
    "classroom": ("smskit.cli.classroom", "run one sandbox for a class: a domain per trainee"),
}

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

#: What ``smskit --help`` opens with: for users, not for the kit's developers.
DESCRIPTION = """\
Sign, check and send the platform's "send phone SMS verification code" request
(发送手机短信验证码, POST /v2/sms/enduserapi/v2/sendPhoneSmsCode), explain its error codes
(错误码), and run a local sandbox to try it without sending real SMS."""
EPILOG = """\
examples / 示例:
  smskit send --sandbox --phone 13800138000 --code-type 2
      send a code to an embedded sandbox and show what it delivered
  SMSKIT_USER_DOMAIN_SECRET=... smskit sign --phone 13800138000 --code-type 3 \\
      --random 76a6L647F02CAoN9 --ts 1744773894369 --explain
      print the signature (签名) and each signed segment, the secret masked

Bad input exits 2, an API or network failure 1. `smskit COMMAND --help` for each command."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang en|zh`` for a command whose texts exist in both editions; its ``run`` wraps
    itself in ``i18n.using_language(args.lang)``."""
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=i18n.t("cli.lang.help"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="smskit", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        import_module(module_name).configure(sub)
        sub.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``smskit`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # argparse (3.11) turns `--port=--` into an empty list instead of the text "--"; no
    # option here takes a list, so a list is always that.
    for name, value in vars(args).items():
        if isinstance(value, list):
            parser.error(f"argument --{name.replace('_', '-')}: expected one value, not '--'")
    try:
        status: int = import_module(args._module).run(args)
    except InputError as error:
        print(f"smskit {args.command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SmskitError as error:
        print(f"smskit {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"smskit {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `smskit codes | head`: the reader left; not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
