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

from smskit import environment, i18n, regions
from smskit.cli import EXIT_FAILED, EXIT_OK
from smskit.codetypes import CodeType
from smskit.errors import ApiError, SendError
from smskit.i18n import utc_text
from smskit.responses import TEMPLATE_NOTE


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phone", required=True, help=i18n.t("cli.option.phone"))
    parser.add_argument("--code-type", required=True,
                        help=i18n.t("errors.separator").join(
                            i18n.t("cli.send.code_type", value=member.value, name=i18n.pick(
                                en=f"{member.en} ({member.zh})", zh=member.zh))
                            for member in CodeType))
    parser.add_argument("--international-code", default="86",
                        help=i18n.t("cli.send.international_code"))
    parser.add_argument("--allow-unverified-phone", action="store_true",
                        help=i18n.t("cli.send.allow_unverified"))
    parser.add_argument("--sandbox", action="store_true",
                        help=i18n.t("cli.send.sandbox"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.send.json"))
    parser.epilog = i18n.t("cli.send.epilog", base_url=environment.BASE_URL_VAR,
                           names=", ".join(regions.regions()),
                           user_domain=environment.USER_DOMAIN_VAR, secret=environment.SECRET_VAR)


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
    print(i18n.t("cli.send.sent", code=result.code, zh=entry.zh, en=entry.en,
                 status=result.http_status, elapsed=result.elapsed_ms))
    if result.template_code:
        print(i18n.t("cli.send.note", note=TEMPLATE_NOTE))
    print(i18n.t("cli.send.to", international_code=request.international_code,
                 phone=request.phone, label=CodeType(request.code_type).label))
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
            lines.append(i18n.t("cli.send.catalogue", zh=error.entry.zh))
        lines.append(i18n.t("cli.send.english",
                            en=error.msg_en or i18n.t("cli.send.not_in_catalogue")))
        if error.ext_msg:
            lines.append(f"  extMsg:     {error.ext_msg}")
        if error.clock_skew_ms is not None:
            lines.append(i18n.t("cli.send.clock_skew", ms=error.clock_skew_ms))
        if error.cause:
            lines.append(i18n.t("cli.send.cause", cause=error.cause))
        lines.append(i18n.t("cli.send.remedy",
                            remedy=error.remedy or i18n.t("cli.send.see_docs")))
    else:
        lines.append(f"smskit send: {name}: {error}")
    safe = i18n.t("common.yes") if error.retry_safe else i18n.t("cli.send.retry_unsafe")
    lines.append(i18n.t("cli.send.retry_safe", answer=safe))
    print("\n".join(lines), file=sys.stderr)


def _delivery_fields(delivery: Any) -> dict[str, Any]:
    return {"phone": delivery.phone, "internationalCode": delivery.international_code,
            "code": delivery.code, "expiresAtMs": delivery.expires_at_ms}


def _describe_delivery(delivery: Any) -> str:
    if delivery is None:
        return i18n.t("cli.send.nothing_delivered")
    return i18n.t("cli.send.delivered", code=delivery.code,
                  international_code=delivery.international_code, phone=delivery.phone,
                  until=utc_text(delivery.expires_at_ms))
