"""Which path and method does what: the API endpoint and the sandbox-only extras.

The platform's one endpoint, ``POST /v2/sms/enduserapi/v2/sendPhoneSmsCode``, reads its
parameters from the query string (docs/platform.md) and answers the platform's envelope.

Sandbox-only extras live under ``/_sandbox/``, a prefix the platform's ``/v2/...`` API
cannot be mistaken for. They answer plain JSON objects (errors: the transport envelope):

- ``GET /_sandbox/health``: status, server time, demo domain, domains, rate policy.
- ``GET /_sandbox/outbox[?phone=&internationalCode=&userDomain=]``: delivered codes.
- ``POST /_sandbox/verify`` with a JSON body ``{"phone", "codeType", "code",
  "internationalCode"?, "userDomain"?}``: ``{"ok", "status", "reason"}``; consumes the code.
- ``POST /_sandbox/faults`` with ``{"userDomain"?, "phone"?, "count"?}``: the next matching
  sends answer 5059.
- clock, reset, domains and ``openapi.json``: :mod:`smskit.sandbox.control`.
- ``GET /_sandbox/requests[?userDomain=&phone=&since=&limit=]``: the request log
  (:mod:`smskit.sandbox.requestlog`), oldest first; ``since`` is epoch ms on the sandbox's
  clock, ``limit`` keeps the newest.
- ``GET /``: this list.

A mode of the sandbox adds its own routes and a guard in front of every
route through the one extension point, :class:`~smskit.sandbox.extension.SandboxExtension`.

``HEAD`` is accepted wherever ``GET`` is. Every answered request is recorded in the request
log: the endpoint with the check that decided it, the extras as ``sandbox_<name>``, refusals
at the HTTP level (told by the server's ``refused`` hook) as ``http_<status>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from smskit import i18n
from smskit.clock import Clock
from smskit.codetypes import CodeType
from smskit.errors import InputError
from smskit.fields import parse_code_type
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH, QUERY_ORDER
from smskit.sandbox.domains import DomainTable
from smskit.sandbox.extension import Handler, RouteTable, SandboxExtension
from smskit.sandbox.platform import Platform, error_envelope, success_envelope
from smskit.sandbox.requestlog import HTTP_CHECK_PREFIX, RequestLog
from smskit.sandbox.state import SandboxState
from smskit.sandbox.wire import HttpProblem, Request, Response, parse_query
from smskit.signing import has_utf8

PREFIX = "/_sandbox"
_MAX_FAULTS = 1000
_REQUEST_FILTERS = ("userDomain", "phone", "since", "limit")
_DIGITS = frozenset("0123456789")
_MAX_FILTER_DIGITS = 15  # epoch ms for the next 30,000 years; keeps int() cheap
_OUTBOX_FILTERS = ("phone", "internationalCode", "userDomain")
#: How much of a refused value an answer repeats: enough to recognise it, bounded output.
_MOST_SHOWN = 150
_QUERY_NAMES = frozenset(QUERY_ORDER)
#: The answer to every delivered send: the platform's success envelope, encoded once.
_DELIVERED = Response.constant(200, success_envelope())

__all__ = ["JSON_TYPE_NAMES", "PREFIX", "Handler", "Router", "code_type_of", "json_object",
           "names", "only_fields", "shown", "text_field"]


class Router:
    """Dispatch a :class:`Request` to the endpoint or an extra; 404 and 405 as JSON."""

    def __init__(self, *, platform: Platform, state: SandboxState, domains: DomainTable,
                 clock: Clock, log: RequestLog, extension: SandboxExtension | None = None) -> None:
        self.platform = platform
        #: A mode's routes and guard (the one extension point), or ``None``.
        self.extension = extension
        self.state = state
        self.domains = domains
        self.clock = clock
        self.log = log
        self.routes: RouteTable = {
            ENDPOINT_PATH: {"POST": (self.send_phone_sms_code,
                                     "the API: parameters in the query string")},
            "/": {"GET": (self.index, "this list")},
            f"{PREFIX}/health": {"GET": (self.health, "status, time, domains, policy")},
            f"{PREFIX}/outbox": {"GET": (self.outbox, "delivered codes "
                                         "(?phone=&internationalCode=&userDomain=)")},
            f"{PREFIX}/verify": {"POST": (self.verify, "JSON {phone, codeType, code, "
                                          "internationalCode?, userDomain?}")},
            f"{PREFIX}/faults": {"POST": (self.faults, "JSON {userDomain?, phone?, count?}: "
                                          "next sends answer 5059")},
            f"{PREFIX}/requests": {"GET": (self.requests, "the request log "
                                           "(?userDomain=&phone=&since=&limit=)")},
        }
        if extension is not None:
            self.routes.update(extension.routes())

    def handle(self, request: Request) -> Response:
        if self.extension is not None:
            self.extension.guard(request)
        methods = self.routes.get(request.path)
        if methods is None:
            raise HttpProblem(404, self._not_found(request.path))
        method = "GET" if request.method == "HEAD" else request.method
        if method not in methods:
            allowed = sorted(methods) + (["HEAD"] if "GET" in methods else [])
            lang = self.platform.lang
            detail = i18n.t("sandbox.http.method", lang, path=request.path,
                            allowed=", ".join(allowed), method=request.method)
            if request.path == ENDPOINT_PATH:
                detail += i18n.t("sandbox.http.method_endpoint", lang)
            raise HttpProblem(405, detail, headers=(("Allow", ", ".join(allowed)),))
        handler, _ = methods[method]
        response = handler(request)
        if request.path != ENDPOINT_PATH:  # the endpoint records its own, with its check
            check = "sandbox_" + (request.path.rsplit("/", 1)[-1] or "index")
            self.log.record(method=request.method, path=request.path,
                            params=_lenient_query(request.query), status=response.status,
                            code=None, check=check)
        return response

    def refused(self, request: Request, problem: HttpProblem) -> None:
        """Record a request refused at the HTTP level (the server's ``refused`` hook)."""
        self.log.record(method=request.method, path=request.path,
                        params=_lenient_query(request.query), status=problem.status,
                        code=problem.status, check=f"{HTTP_CHECK_PREFIX}{problem.status}",
                        api=request.path == ENDPOINT_PATH)

    def internal_error(self, error: BaseException) -> Response:
        """The answer to a request the sandbox failed on: a 5000 envelope naming the bug."""
        detail = i18n.t("sandbox.http.internal_error", self.platform.lang,
                        kind=type(error).__name__)
        return Response(200, error_envelope(PlatformCode.SERVICE_ERROR, detail))

    def _not_found(self, path: str) -> str:
        near = [known for known in self.routes
                if known != "/" and (known.lower() == path.rstrip("/").lower())]
        lang = self.platform.lang
        hint = i18n.t("sandbox.http.did_you_mean", lang, path=near[0]) if near else ""
        listing = "; ".join(f"{'/'.join(sorted(m))} {p}" for p, m in self.routes.items())
        return i18n.t("sandbox.http.not_found", lang, path=shown(path), hint=hint,
                      listing=listing)

    # -- the API ---------------------------------------------------------------------------

    def send_phone_sms_code(self, request: Request) -> Response:
        if not request.query and request.body:
            kind = request.content_type or "no Content-Type"
            raise HttpProblem(400, i18n.t(
                "sandbox.http.body_not_query", self.platform.lang, size=len(request.body),
                kind=kind, path=ENDPOINT_PATH))
        params = parse_query(request.query)
        ignored = ([] if params.keys() <= _QUERY_NAMES
                   else [name for name in params if name not in _QUERY_NAMES])
        answer = self.platform.send_phone_sms_code(params, ignored_params=ignored,
                                                   body_ignored=bool(request.body))
        self.log.record(method=request.method, path=request.path, params=params, status=200,
                        code=answer.code, check=answer.check, diagnosis=answer.diagnosis,
                        api=True)
        if answer.code == PlatformCode.SUCCESS:
            return _DELIVERED
        return Response(200, answer.envelope())

    # -- sandbox extras --------------------------------------------------------------------

    def index(self, request: Request) -> Response:
        return Response(200, {
            "service": "smskit sandbox",
            "paths": {f"{method} {path}": about for path, methods in self.routes.items()
                      for method, (_, about) in methods.items()},
        })

    def health(self, request: Request) -> Response:
        return Response(200, {
            "status": "ok",
            "service": "smskit sandbox",
            "nowMs": self.clock.now_ms(),
            "endpoint": f"POST {ENDPOINT_PATH}",
            "demoDomain": self.domains.demo_domain,
            "domains": [{"name": d.name, "status": d.status, "description": d.description}
                        for d in self.domains],
            "ratePolicy": self.state.policy.describe(self.platform.lang),
            "pendingFailures": self.state.pending_failures(),
        })

    def outbox(self, request: Request) -> Response:
        filters = _filters(request, _OUTBOX_FILTERS)
        now = self.clock.now_ms()
        rows = [delivery.as_dict(now)
                for delivery in self.state.outbox(filters.get("userDomain"))]
        rows = [row for row in rows if all(row[key] == value for key, value in filters.items())]
        return Response(200, {"nowMs": now, "deliveries": rows})

    def verify(self, request: Request) -> Response:
        body = json_object(request.body)
        only_fields(body, {"phone", "codeType", "code", "internationalCode", "userDomain"})
        phone = text_field(body, "phone", required=True)
        code = body.get("code")
        if not isinstance(code, str):
            raise HttpProblem(400, i18n.text("sandbox.extra.verify_code"))
        code_type = code_type_of(body.get("codeType"))
        result = self.state.verify(
            user_domain=text_field(body, "userDomain") or self.domains.demo_domain,
            international_code=text_field(body, "internationalCode") or "86",
            phone=phone or "", code_type=code_type, code=code)
        return Response(200, result.as_dict(self.platform.lang))

    def faults(self, request: Request) -> Response:
        body = json_object(request.body)
        only_fields(body, {"userDomain", "phone", "count"})
        count = body.get("count", 1)
        if type(count) is not int or not 1 <= count <= _MAX_FAULTS:
            raise HttpProblem(400, i18n.text("sandbox.extra.fault_count", most=_MAX_FAULTS,
                                             value=shown(count)))
        user_domain, phone = text_field(body, "userDomain"), text_field(body, "phone")
        self.state.inject_failure(user_domain=user_domain, phone=phone, count=count)
        return Response(200, {"status": "armed", "userDomain": user_domain, "phone": phone,
                              "count": count, "answer": PlatformCode.SEND_FAILED})

    def requests(self, request: Request) -> Response:
        filters = _filters(request, _REQUEST_FILTERS)
        for name in ("userDomain", "phone"):
            if name in filters and not filters[name]:
                raise HttpProblem(400, i18n.text("sandbox.extra.filter_empty", name=name))
        records = self.log.records(user_domain=filters.get("userDomain"),
                                   phone=filters.get("phone"),
                                   since_ms=_count(filters, "since"),
                                   limit=_count(filters, "limit"))
        return Response(200, {"nowMs": self.clock.now_ms(), "maxRecords": self.log.limit,
                              "requests": [record.as_dict() for record in records]})


def _count(filters: Mapping[str, str], name: str) -> int | None:
    """A filter that is a whole number (``since``: epoch ms, ``limit``: how many)."""
    text = filters.get(name)
    if text is None:
        return None
    if not text or len(text) > _MAX_FILTER_DIGITS or not _DIGITS.issuperset(text):
        raise HttpProblem(400, i18n.text("sandbox.extra.filter_number", name=name,
                                         most=_MAX_FILTER_DIGITS, value=shown(text[:40])))
    return int(text)


def _lenient_query(query: str) -> dict[str, str]:
    """The query's parameters for the log, or none when the query is not decodable."""
    try:
        return parse_query(query)
    except HttpProblem:
        return {}


#: How deep a JSON body may nest: the routes read plain values and lists of them.
_MOST_NESTED = 32
#: The Python types of decoded JSON, by JSON's names for them (what a refusal says).
JSON_TYPE_NAMES: dict[type, str] = {dict: "object", list: "array", str: "string",
                                    bool: "boolean", int: "integer", float: "number",
                                    type(None): "null"}


def _too_deep() -> HttpProblem:
    return HttpProblem(400, i18n.text("sandbox.json.too_deep", most=_MOST_NESTED))


def _nests_deeper(value: Any, most: int) -> bool:
    """Whether ``value`` holds lists or objects more than ``most`` levels deep (walked with
    a stack of its own: a deep value must not exhaust Python's)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (list, dict)):
            if depth > most:
                return True
            pending.extend((child, depth + 1)
                           for child in (item.values() if isinstance(item, dict) else item))
    return False


def shown(value: Any) -> str:
    """A refused value (of a JSON body, a query, a path) as an answer repeats it: in JSON,
    whatever the client's language (``true``, ``null``, ``"x"``; what JSON cannot write, from
    a Python caller, as its ``repr`` in a string), cut after :data:`_MOST_SHOWN` characters
    (marked ``…``) so a huge value never makes a huge answer."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    if not has_utf8(text):  # a lone surrogate ("\ud800") stays escaped: the answer is UTF-8
        text = json.dumps(value, default=repr)
    return text if len(text) <= _MOST_SHOWN else text[:_MOST_SHOWN] + "…"


def names(items: Iterable[str]) -> i18n.Editions:
    """Field or filter names as a list in each language: ``a, b`` and ``a、b``."""
    items = tuple(items)
    return i18n.Editions(en=", ".join(items), zh="、".join(items))


def json_object(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what it is instead."""
    if not body:
        raise HttpProblem(400, i18n.text("sandbox.json.empty"))
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise HttpProblem(400, i18n.text("sandbox.json.not_unicode")) from None
    except json.JSONDecodeError as error:
        raise HttpProblem(400, i18n.text("sandbox.json.invalid", reason=error.msg,
                                         line=error.lineno, column=error.colno,
                                         position=error.pos)) from None
    except RecursionError:  # deeper than the parser goes
        raise _too_deep() from None
    except ValueError as error:  # an integer too long to convert
        raise HttpProblem(400, i18n.text("sandbox.json.unreadable", reason=str(error))) from None
    if _nests_deeper(value, _MOST_NESTED):  # nothing the routes read nests; it could not be shown
        raise _too_deep()
    if not isinstance(value, dict):
        raise HttpProblem(400, i18n.text("sandbox.json.not_object",
                                         kind=JSON_TYPE_NAMES[type(value)]))
    return value


def only_fields(body: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse a body with a field not in ``allowed``, naming it and the allowed ones."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise HttpProblem(400, i18n.text("sandbox.json.unknown_fields", unknown=shown(unknown),
                                         allowed=names(sorted(allowed))))


def text_field(body: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """The non-empty JSON string ``name`` of ``body`` (``None`` when left out and optional)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise HttpProblem(400, i18n.text("sandbox.json.not_text", name=name, value=shown(value)))
    if not has_utf8(value):  # JSON may spell a lone surrogate ("\ud800"): cannot be echoed
        raise HttpProblem(400, i18n.text("sandbox.json.no_unicode_form", name=name,
                                         value=shown(value)))
    return value


def _filters(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """A listing's query filters (the outbox's or the request log's), each one it knows: 400
    naming the others and the allowed ones."""
    filters = parse_query(request.query)
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        outbox = allowed is _OUTBOX_FILTERS
        raise HttpProblem(400, i18n.text(
            "sandbox.extra.outbox_filters" if outbox else "sandbox.extra.log_filters",
            unknown=shown(unknown), allowed=names(allowed)))
    return filters


def code_type_of(value: Any) -> int:
    """``codeType`` of a JSON body, as a number or digit text, judged by :mod:`smskit.fields`."""
    try:
        code_type = parse_code_type(value)
    except InputError:
        code_type = None
    if code_type is None or code_type not in set(CodeType):
        raise HttpProblem(400, i18n.text("sandbox.json.code_type", value=shown(value)))
    return code_type
