"""``smskit sign``: print a request's signature; the secret comes from the environment."""

from __future__ import annotations

import argparse
import sys

from smskit import environment, i18n
from smskit.errors import InputError
from smskit.signing import sign, signed_segments
from smskit.validation import signing_problems


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phone", required=True, help=i18n.t("cli.option.phone"))
    parser.add_argument("--code-type", required=True, help=i18n.t("cli.sign.code_type"))
    parser.add_argument("--random", required=True, help=i18n.t("cli.sign.random"))
    parser.add_argument("--ts", required=True, help=i18n.t("cli.sign.ts"))
    parser.add_argument("--explain", action="store_true", help=i18n.t("cli.sign.explain"))
    parser.epilog = i18n.t("cli.secret_epilog", name=environment.SECRET_VAR)


def run(args: argparse.Namespace) -> int:
    secret = environment.read(environment.SECRET_VAR)
    # The rules build_request applies to the signed values (the secret's whitespace and
    # control characters included), without the clock window or the phonenumbers judgement,
    # so historical examples like the page's can be signed too.
    problems = signing_problems(phone=args.phone, code_type=args.code_type,
                                random=args.random, ts=args.ts, secret=secret,
                                allow_unverified_phone=True)
    if problems or secret is None:
        raise InputError(problems)
    fields = {"phone": args.phone, "code_type": args.code_type, "random": args.random,
              "ts": args.ts, "secret": secret}
    signature = sign(**fields)
    if args.explain:
        signed_string = i18n.t("cli.sign.signed_string")
        width = max(len(name) for name in (signed_string, "userDomainSecret"))
        segments = signed_segments(**fields)
        for segment in segments:
            print(f"{segment.field:<{width}}  {segment.shown}", file=sys.stderr)
        joined = "".join(segment.shown for segment in segments)
        print(f"{signed_string:<{width}}  {joined}", file=sys.stderr)
        print(f"{'SHA-256 (hex)':<{width}}  {signature}", file=sys.stderr)
    print(signature)
    return 0

