"""``smskit send``: send one verification code, to the platform or to an embedded sandbox.

Credentials come from the environment (``SMSKIT_BASE_URL``, ``SMSKIT_USER_DOMAIN``,
``SMSKIT_USER_DOMAIN_SECRET``), never from arguments. ``--sandbox`` ignores them: it starts a
sandbox on loopback for this one call, sends with its demo domain, and shows what it delivered.
A refusal prints the code, the platform's Chinese message, its English translation and the
remedy, and exits 1 (2 for input the kit refused before sending).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from smskit import environment, regions
from smskit.codetypes import CodeType
from smskit.errors import ApiError, SendError
from smskit.responses import TEMPLATE_NOTE
from smskit.timefmt import utc_text

EXIT_OK, EXIT_FAILED = 0, 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phone", required=True, help="national number, digits only")
    parser.add_argument("--code-type", required=True,
                        help="; ".join(member.label for member in CodeType))
    parser.add_argument("--international-code", default="86",
                        help="country calling code without + (default 86)")
    parser.add_argument("--allow-unverified-phone", action="store_true",
                        help="skip the phonenumbers validity judgement (digits-only still applies)")
    parser.add_argument("--sandbox", action="store_true",
                        help="send to an embedded local sandbox instead (ignores the environment)")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    names = ", ".join(regions.regions())
    parser.epilog = (f"Credentials: ${environment.BASE_URL_VAR} (URL or region: {names}), "
                     f"${environment.USER_DOMAIN_VAR}, ${environment.SECRET_VAR}.")


def run(args: argparse.Namespace) -> int:
    if args.sandbox:
        return _run_in_sandbox(args)
    from smskit.client import SmsClient

    with SmsClient.from_env() as client:
        return _send(client, args)


def _run_in_sandbox(args: argparse.Namespace) -> int:
    from smskit.sandbox import Sandbox

    with Sandbox(port=0) as sandbox, sandbox.client() as client:
        return _send(client, args, sandbox=sandbox)


def _send(client: Any, args: argparse.Namespace, sandbox: Any = None) -> int:
    try:
        result = client.send_code(args.phone, args.code_type, args.international_code,
                                  allow_unverified_phone=args.allow_unverified_phone)
    except SendError as error:
        _report_error(error, as_json=args.json)
        return EXIT_FAILED
    delivery = sandbox.last_delivery(args.phone, args.international_code) if sandbox else None
    if args.json:
        payload = result.as_dict()
        if delivery is not None:
            payload["delivered"] = _delivery_fields(delivery)
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    request = result.request
    entry = result.entry
    print(f"Sent: code {result.code} {entry.zh} ({entry.en}), HTTP {result.http_status}, "
          f"{result.elapsed_ms} ms")
    if result.template_code:
        print(f"Note: {TEMPLATE_NOTE}.")
    print(f"  to          +{request.international_code} {request.phone}, "
          f"codeType {CodeType(request.code_type).label}")
    print(f"  random      {request.random}")
    print(f"  ts          {request.ts}")
    print(f"  signature   {request.signature}")
    if sandbox is not None:
        print(_describe_delivery(delivery))
    return EXIT_OK


def _report_error(error: SendError, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(error.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    name = type(error).__name__
    lines: list[str] = []
    if isinstance(error, ApiError):
        lines.append(f"smskit send: {name}: {error.code} {error.msg or error.msg_zh}")
        if error.entry and error.msg and error.msg != error.entry.zh:
            lines.append(f"  Catalogue:  {error.entry.zh}")
        lines.append(f"  English:    {error.msg_en or '(code not in the catalogue)'}")
        if error.ext_msg:
            lines.append(f"  extMsg:     {error.ext_msg}")
        if error.clock_skew_ms is not None:
            lines.append(f"  Clock skew: {error.clock_skew_ms} ms (local minus server)")
        if error.cause:
            lines.append(f"  Cause:      {error.cause}")
        lines.append(f"  Remedy:     {error.remedy or 'see the platform documentation'}")
    else:
        lines.append(f"smskit send: {name}: {error}")
    safe = "yes" if error.retry_safe else "no (the SMS may have been sent)"
    lines.append(f"  Retry safe: {safe}")
    print("\n".join(lines), file=sys.stderr)


def _delivery_fields(delivery: Any) -> dict[str, Any]:
    return {"phone": delivery.phone, "internationalCode": delivery.international_code,
            "code": delivery.code, "expiresAtMs": delivery.expires_at_ms}


def _describe_delivery(delivery: Any) -> str:
    if delivery is None:
        return "Sandbox delivered nothing to this phone."
    return (f"Sandbox delivered code {delivery.code} to +{delivery.international_code} "
            f"{delivery.phone}, valid until {utc_text(delivery.expires_at_ms)}")
