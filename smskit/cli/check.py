"""``smskit check``: diagnose a request's signature (the secret comes from the environment).

Give what was sent as a URL (``--url``), a curl command (``--curl``), ``-`` to read either from
standard input (a multi-line curl too), or the fields one by one with ``--signature``. Exit
status 0: the signature is right and the platform would accept the fields; 1: the signature is
wrong, or right on a request the platform would refuse (the headline names the code it would
answer); 2: unusable input. Both languages unless one is chosen (``--lang``, ``SMSKIT_LANG``,
a Chinese locale).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from smskit import environment, i18n
from smskit.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, add_language_option
from smskit.doctor import Diagnosis, diagnose
from smskit.doctor.sent import MAX_INPUT_CHARS, SentRequest
from smskit.errors import InputError, Problem

#: Field options: (option, API parameter name).
FIELD_OPTIONS = (("--phone", "phone"), ("--code-type", "codeType"), ("--random", "random"),
                 ("--ts", "ts"), ("--signature", "signature"),
                 ("--international-code", "internationalCode"), ("--user-domain", "userDomain"))


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", metavar="-",
                        help=i18n.t("cli.check.source"))
    parser.add_argument("--url", help=i18n.t("cli.check.url"))
    parser.add_argument("--curl", help=i18n.t("cli.check.curl"))
    for option, name in FIELD_OPTIONS:
        parser.add_argument(option, dest=name, metavar="TEXT", help=i18n.t(
            "cli.check.field", name=name) + (i18n.t("cli.check.default_code")
                                             if name == "internationalCode" else ""))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.check.json"))
    add_language_option(parser)
    parser.epilog = i18n.t("cli.check.epilog", name=environment.SECRET_VAR)


def run(args: argparse.Namespace) -> int:
    with i18n.using_language(args.lang):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        diagnosis = diagnose(_sent(args), secret=_secret())
    except InputError as error:
        if not args.json:
            raise
        print(json.dumps({"ok": False, "error": "InputError",
                          "problems": [_problem_json(p) for p in error.problems]},
                         ensure_ascii=False, indent=2))
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(diagnosis.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(_summary(diagnosis))
    return EXIT_OK if diagnosis.ok else EXIT_FAILED


def _sent(args: argparse.Namespace) -> str | SentRequest:
    fields = {name: getattr(args, name) for _, name in FIELD_OPTIONS
              if getattr(args, name) is not None}
    given = [text for text in (args.source and "-", args.url and "--url",
                               args.curl and "--curl", fields and "--signature ...") if text]
    if len(given) != 1:
        rule = (i18n.text("cli.check.needs_one") if not given else i18n.text(
            "cli.check.one_input", given=i18n.t("cli.check.and").join(given)))
        raise InputError([Problem("request", rule)])
    if fields:  # as `smskit send` does, 86 unless told: prefix mistakes need the code
        return SentRequest.from_mapping({"internationalCode": "86", **fields})
    if args.source is not None:
        if args.source != "-":
            raise InputError([Problem("request", i18n.text("cli.check.dash",
                                                           given=repr(args.source[:40])),
                                      hint=i18n.text("cli.check.dash_hint"))])
        return _stdin_text()
    text: str = args.url if args.url is not None else args.curl
    return text


def _stdin_text() -> str:
    data = sys.stdin.buffer.read(4 * MAX_INPUT_CHARS + 1)
    if len(data) > 4 * MAX_INPUT_CHARS:
        raise InputError([Problem("request", i18n.text("cli.check.too_long"))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem("request", i18n.text("cli.check.not_utf_eight"))]) from None


def _secret() -> str:
    secret = environment.read(environment.SECRET_VAR)
    if secret is None:
        raise InputError([Problem("userDomainSecret", i18n.text("validation.required"),
                                  hint=i18n.text("cli.check.secret_hint",
                                                 name=environment.SECRET_VAR))])
    return secret


def _summary(diagnosis: Diagnosis) -> str:
    """The diagnosis in the language the reader chose (``--lang``, ``SMSKIT_LANG``, a Chinese
    locale); in both, Chinese first, when nothing chose one."""
    if i18n.language_chosen():
        return diagnosis.summary(i18n.language())
    return f"{diagnosis.summary('zh')}\n\n{diagnosis.summary('en')}"


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"field": problem.field, "rule": problem.rule, "code": problem.code,
            "hint": problem.hint, "message": problem.describe()}
