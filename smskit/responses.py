"""The one dispatcher: an HTTP response becomes a :class:`SendResult` or a typed error.

Order of judgement, first match wins:

1. Not the envelope at all (a redirect, an empty body, HTML, invalid JSON, JSON that is not
   an object, no ``code``, a ``code`` that is not an integer, a body too large to be the
   envelope): :class:`~smskit.errors.ResponseFormatError` with the HTTP status and a short
   excerpt. A proxy's 502 page lands here.
2. Success. The platform documents ``{"code": 200, "msg": "", "data": null, "extMsg": null}``.
   The page's response example shows ``"code": 0``, which docs/platform.md identifies as a template
   the page generator prints on every page. Decision: ``0`` is treated as success too, because
   raising would invite a retry that sends a second SMS; the result keeps ``code == 0``
   (see :attr:`SendResult.template_code`) and a warning is logged. A success code under a
   non-2xx HTTP status is contradictory and becomes a ResponseFormatError.
3. A catalogued code: the ``CATEGORY_ERRORS`` class of its category, carrying the envelope as
   received and the catalogue entry (both messages, cause, remedy, retry-safety).
   Timestamp trouble (5145) is a :class:`~smskit.errors.ClockSkewError` with the clock offset
   measured from the response's ``Date`` header; so is 5420 when that offset is outside the
   10-minute window, because then the clock, not the secret, is the likely cause.
4. Any other code: the base :class:`~smskit.errors.ApiError`.

Pure functions of the response's status, headers and bytes: no network, no ``requests``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smskit import i18n, skew
from smskit.catalogue import ErrorCode, lookup
from smskit.errors import (
    CATEGORY_ERRORS,
    ApiError,
    ClockSkewError,
    ResponseFormatError,
    outcome_dict,
)
from smskit.i18n import Editions
from smskit.platform_codes import PlatformCode
from smskit.request import SmsCodeRequest
from smskit.validation import CLOCK_WINDOW_MS

#: The page's response-example code (a page-generator template); accepted as success.
TEMPLATE_CODE = 0
SUCCESS_CODES = frozenset({PlatformCode.SUCCESS, TEMPLATE_CODE})
TEMPLATE_NOTE = ("the server answered the page template's code 0 instead of the documented "
                 "200; treated as success")
#: The envelope is a few hundred bytes; anything beyond this is not it and is not read.
MAX_BODY_BYTES = 64 * 1024
#: How much of a strange body an error shows.
EXCERPT_CHARS = 200

CLOCK_REMEDY = i18n.t("responses.clock_remedy", "en")

_log = logging.getLogger("smskit.client")


@dataclass(frozen=True)
class RawResponse:
    """What came back over HTTP, before interpretation."""

    status: int
    headers: Mapping[str, str]
    #: The body, at most :data:`MAX_BODY_BYTES` (+1 to detect more).
    body: bytes
    #: True when the body was longer than :data:`MAX_BODY_BYTES` and was not read further.
    truncated: bool = False
    #: Wall time between sending and the end of the body, in ms.
    elapsed_ms: int = 0
    #: The client's clock just before sending and just after receiving (epoch ms).
    local_sent_ms: int | None = None
    local_received_ms: int | None = None

    @property
    def clock_skew_ms(self) -> int | None:
        """Local clock minus the server's ``Date``, or ``None`` without ``Date`` or clock."""
        if self.local_sent_ms is None:
            return None
        return skew.skew_from_headers(self.headers, self.local_sent_ms, self.local_received_ms)

    @property
    def server_date(self) -> datetime | None:
        return skew.parse_http_date(skew.header(self.headers, "Date"))


@dataclass(frozen=True)
class Envelope:
    """The platform's ``{code, msg, data, extMsg}``."""

    code: int
    msg: str
    data: Any
    ext_msg: str | None


@dataclass(frozen=True)
class SendResult:
    """A successful send: the envelope's fields and the request that was sent (no secret)."""

    #: ``200`` as documented, or ``0`` if the server used the page template's code.
    code: int
    #: The envelope's ``msg`` as received.
    msg: str
    data: Any
    ext_msg: str | None
    http_status: int
    #: The request sent: its seven parameters including the signature, never the secret.
    request: SmsCodeRequest | None
    #: Wall time from sending to the end of the response body.
    elapsed_ms: int
    #: The response's ``Date`` header (one-second resolution), if it had one.
    server_date: datetime | None = None
    #: Local clock minus server clock in ms, estimated from ``Date`` (about ±0.5 s).
    clock_skew_ms: int | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """True: a result is only returned for a success code (errors are raised)."""
        return self.code in SUCCESS_CODES

    @property
    def template_code(self) -> bool:
        """True when the server answered the page template's ``code: 0`` instead of 200."""
        return self.code == TEMPLATE_CODE

    @property
    def entry(self) -> ErrorCode | None:
        """The catalogue's success entry (its Chinese and English message, remedy)."""
        return lookup(PlatformCode.SUCCESS)

    @property
    def msg_en(self) -> str | None:
        entry = self.entry
        return entry.en if entry else None

    def as_dict(self) -> dict[str, Any]:
        """The success as plain data (JSON-ready, never the secret), in the shape of
        :meth:`smskit.errors.SendError.as_dict`; cause and remedy in the kit's language."""
        entry = self.entry
        return outcome_dict(
            outcome="sent", ok=self.ok, code=self.code, msg=self.msg,
            msg_zh=entry.zh if entry else None, msg_en=self.msg_en, ext_msg=self.ext_msg,
            data=self.data, category=entry.category if entry else None,
            cause=entry.cause.render() if entry else None,
            remedy=entry.remedy.render() if entry else None, retry_safe=False,
            http_status=self.http_status, clock_skew_ms=self.clock_skew_ms,
            elapsed_ms=self.elapsed_ms, request=self.request,
            detail=TEMPLATE_NOTE if self.template_code else None)


def interpret(
    raw: RawResponse,
    *,
    request: SmsCodeRequest | None = None,
    logger: logging.Logger | None = None,
) -> SendResult:
    """Return the :class:`SendResult` of a success; raise the typed error for anything else."""
    envelope = parse_envelope(raw, request=request)
    if envelope.code in SUCCESS_CODES:
        if not 200 <= raw.status < 300:
            raise ResponseFormatError(
                f"success code {envelope.code} under HTTP status {raw.status}: contradictory",
                http_status=raw.status, excerpt=excerpt(raw.body), request=request,
            )
        if envelope.code == TEMPLATE_CODE:
            (logger or _log).warning("%s (see smskit.responses)", TEMPLATE_NOTE)
        return SendResult(
            code=envelope.code, msg=envelope.msg, data=envelope.data, ext_msg=envelope.ext_msg,
            http_status=raw.status, request=request, elapsed_ms=raw.elapsed_ms,
            server_date=raw.server_date, clock_skew_ms=raw.clock_skew_ms,
        )
    raise error_for(envelope, http_status=raw.status, request=request,
                    clock_skew_ms=raw.clock_skew_ms)


def error_for(
    envelope: Envelope,
    *,
    http_status: int | None = None,
    request: SmsCodeRequest | None = None,
    clock_skew_ms: int | None = None,
) -> ApiError:
    """The typed error for a non-success envelope (returned, not raised)."""
    entry = lookup(envelope.code)
    fields: dict[str, Any] = {
        "code": envelope.code, "msg": envelope.msg, "ext_msg": envelope.ext_msg,
        "data": envelope.data, "http_status": http_status, "request": request,
    }
    if entry is None or entry.category not in CATEGORY_ERRORS:
        return ApiError(**fields, entry=entry)
    skew_outside_window = clock_skew_ms is not None and abs(clock_skew_ms) > CLOCK_WINDOW_MS
    if envelope.code == PlatformCode.TIMESTAMP_FORMAT or (
        envelope.code == PlatformCode.SIGNATURE_FAILED and skew_outside_window
    ):
        if skew_outside_window and clock_skew_ms is not None:
            entry = _clock_entry(entry, clock_skew_ms)
        return ClockSkewError(**fields, entry=entry, clock_skew_ms=clock_skew_ms)
    return CATEGORY_ERRORS[entry.category](**fields, entry=entry)


def parse_envelope(raw: RawResponse, *, request: SmsCodeRequest | None = None) -> Envelope:
    """The envelope in ``raw``; :class:`ResponseFormatError` when the body is not one."""

    def refuse(reason: str) -> ResponseFormatError:
        return ResponseFormatError(reason, http_status=raw.status, excerpt=excerpt(raw.body),
                                   request=request)

    content_type = skew.header(raw.headers, "Content-Type") or "no Content-Type"
    if 300 <= raw.status < 400:
        location = skew.header(raw.headers, "Location") or "nowhere"
        raise refuse(f"redirected to {location}; check the base URL (scheme, host, path)")
    if raw.truncated:
        raise refuse(f"body longer than {MAX_BODY_BYTES} bytes ({content_type}); "
                     "not the platform's envelope")
    if not raw.body.strip():
        raise refuse("empty body")
    try:
        parsed = json.loads(raw.body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise refuse(f"body is not UTF-8 text ({content_type})") from None
    except (ValueError, RecursionError):
        raise refuse(f"body is not JSON ({content_type})") from None
    if not isinstance(parsed, dict):
        raise refuse(f"JSON {type(parsed).__name__} where an object {{code, msg, ...}} "
                     "was expected")
    if "code" not in parsed:
        raise refuse("JSON object without 'code'")
    code = parsed["code"]
    if type(code) is not int:
        raise refuse(f"'code' is {type(code).__name__} {code!r}, not an integer")
    return Envelope(code=code, msg=_text(parsed.get("msg")) or "", data=parsed.get("data"),
                    ext_msg=_text(parsed.get("extMsg")))


def excerpt(body: bytes, limit: int = EXCERPT_CHARS) -> str:
    """The start of a body as text, at most ``limit`` characters, marked when cut."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    return text if len(text) <= limit and len(body) <= limit * 4 else text[:limit] + "…"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _clock_entry(entry: ErrorCode, clock_skew_ms: int) -> ErrorCode:
    """The catalogue entry with cause and remedy (both editions) pointing at the measured
    clock offset."""
    cause = {lang: i18n.t("responses.clock_cause", lang, code=entry.code,
                          offset=skew.describe(clock_skew_ms, lang),
                          catalogue_cause=entry.cause.render(lang))
             for lang in i18n.LANGUAGES}
    remedy = Editions(en=CLOCK_REMEDY, zh=i18n.t("responses.clock_remedy", "zh"))
    return dataclasses.replace(entry, cause=Editions(**cause), remedy=remedy)
