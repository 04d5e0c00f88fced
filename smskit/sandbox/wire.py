"""HTTP-level rules of the sandbox: server limits, strict query parsing, transport errors.

These are not the platform's API rules (those are in :mod:`smskit.sandbox.platform`) but
what happens before a request reaches the endpoint: a target that is not ASCII, a query with
a broken percent-escape, bytes that are not UTF-8, a parameter sent twice, a body that is too
big. Each becomes an :class:`HttpProblem`, answered as JSON shaped like the platform's
envelope, ``{"code": <HTTP status>, "msg": <reason phrase>, "data": null, "extMsg": <what is
wrong and how to fix it>}``, never as an HTML error page and never as a 500.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from smskit import i18n
from smskit.errors import InputError
from smskit.request import decode_query
from smskit.sandbox.policy import policy_value

_NOT_PRINTABLE = re.compile(r"[^\x21-\x7e]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_ABSOLUTE = re.compile(r"//(?P<authority>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#.*)?")
_REG_NAME = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
_PORT = re.compile(r"[0-9]{0,5}")
_MAX_PORT = 65535
_SHOWN = 60  # characters of a bad value quoted back in an error


@dataclass(frozen=True, kw_only=True)
class ServerLimits:
    """Bounds that keep slow, idle or oversized clients from pinning the server's threads."""

    max_connections: int = field(default_factory=lambda: _server_value("max_connections"))
    #: Time for a whole request (line, headers, body) to arrive, counted from when the
    #: server starts waiting for it; also bounds how long an idle kept-alive connection stays.
    request_timeout_ms: int = field(default_factory=lambda: _server_value("request_timeout_ms"))
    max_request_line_bytes: int = field(
        default_factory=lambda: _server_value("max_request_line_bytes"))
    max_body_bytes: int = field(default_factory=lambda: _server_value("max_body_bytes"))

    def __post_init__(self) -> None:
        for name in ("max_connections", "request_timeout_ms", "max_request_line_bytes",
                     "max_body_bytes"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"ServerLimits.{name} must be an int >= 1, not {value!r}")


def _server_value(name: str) -> int:
    value: int = policy_value("server", name)
    return value


@dataclass(frozen=True)
class Request:
    """What the HTTP layer hands to the routes: method, path, raw query, body."""

    method: str
    path: str
    query: str
    body: bytes = b""
    content_type: str | None = None
    #: The ``Authorization`` header field, for the classroom's guarded views.
    authorization: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Response:
    """What the routes hand back: an HTTP status and the JSON object to send, or a text of
    another ``content_type`` (a CSV export) with its own header fields."""

    status: int
    payload: dict[str, Any]
    text: str | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    #: ``payload`` as sent (:func:`json_body`), when encoded ahead (:meth:`constant`).
    encoded: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def constant(cls, status: int, payload: dict[str, Any]) -> Response:
        """A JSON answer sent over and over (the success envelope): encoded once, here."""
        return cls(status, payload, encoded=json_body(payload))

    def body(self) -> bytes:
        """The bytes of a JSON answer (``text`` is None)."""
        return self.encoded if self.encoded is not None else json_body(self.payload)


#: Made once: ``json.dumps`` with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_body(payload: dict[str, Any]) -> bytes:
    """A JSON answer's bytes: compact, UTF-8 (Chinese texts as themselves, not escaped)."""
    return _ENCODER.encode(payload).encode("utf-8")


class HttpProblem(Exception):
    """A request refused at the HTTP level, with the JSON envelope that explains it."""

    def __init__(self, status: int, detail: i18n.Message, *, close: bool = False,
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.status = status
        #: What was wrong: a keyed text (written in the sandbox's language) or plain text.
        self.detail = detail
        #: Close the connection afterwards (the rest of the request cannot be trusted).
        self.close = close
        self.headers = headers
        super().__init__(f"{status}: {i18n.render(detail, 'en')}")

    def envelope(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON answer, its ``extMsg`` in ``lang`` (default: the kit's language)."""
        return transport_envelope(self.status, i18n.render(self.detail, lang))


def transport_envelope(status: int, detail: str) -> dict[str, Any]:
    """``{"code": status, "msg": reason phrase, "data": null, "extMsg": detail}``."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return {"code": status, "msg": phrase, "data": None, "extMsg": detail}


def split_target(target: str) -> tuple[str, str]:
    """``(path, raw query)`` of a request target, refusing what no URL may contain.

    ``target`` is the request line's second word, decoded byte-for-byte as Latin-1, so a
    raw non-ASCII byte shows up as a character above U+007F. Origin form (``/path?query``)
    and absolute form (``http://host[:port]/path?query``, RFC 9112 3.2.2) are accepted; an
    absolute form with another scheme or a malformed authority is a 400.
    """
    outside = _NOT_PRINTABLE.search(target)
    if outside is not None:
        raise HttpProblem(400, i18n.text("sandbox.wire.target_byte",
                                         byte=f"0x{ord(outside.group()):02x}",
                                         position=outside.start()), close=True)
    if target.startswith("/"):
        path, _, rest = target.partition("?")
        query, _, _fragment = rest.partition("#")
        return path, query
    scheme = _SCHEME.match(target)
    if scheme is None:
        raise HttpProblem(400, i18n.text("sandbox.wire.target_slash", target=_show(target)),
                          close=True)
    if scheme.group(1).lower() not in ("http", "https"):
        raise HttpProblem(400, i18n.text("sandbox.wire.target_scheme", target=_show(target),
                                         scheme=repr(scheme.group(1))), close=True)
    parts = _ABSOLUTE.fullmatch(target, scheme.end())
    if parts is None:
        raise HttpProblem(400, i18n.text("sandbox.wire.target_no_host", target=_show(target)),
                          close=True)
    problem = _authority_problem(parts.group("authority"))
    if problem is not None:
        raise HttpProblem(400, i18n.text("sandbox.wire.target_authority", target=_show(target),
                                         problem=problem), close=True)
    return parts.group("path") or "/", parts.group("query") or ""


def _authority_problem(authority: str) -> i18n.Text | None:
    """What is wrong with an http URL's ``host[:port]``, or ``None`` (RFC 3986 3.2)."""
    if "@" in authority:
        return i18n.text("sandbox.wire.authority.userinfo")
    if authority.startswith("["):
        literal, bracket, port = authority[1:].partition("]")
        if not bracket:
            return i18n.text("sandbox.wire.authority.bracket")
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return i18n.text("sandbox.wire.authority.bracket_host")
        if port and not port.startswith(":"):
            return i18n.text("sandbox.wire.authority.after_bracket")
        port = port[1:]
    else:
        host, _, port = authority.partition(":")
        if not _REG_NAME.fullmatch(host):
            return i18n.text("sandbox.wire.authority.host")
    if not _PORT.fullmatch(port) or (port and int(port) > _MAX_PORT):
        return i18n.text("sandbox.wire.authority.port", port=_show(port), most=_MAX_PORT)
    return None


def parse_query(query: str) -> dict[str, str]:
    """Decode ``a=1&b=2`` strictly (:func:`smskit.request.decode_query`), each name present and
    at most once. Raises :class:`HttpProblem` (400) naming the parameter.
    """
    try:
        pairs = decode_query(query)
    except InputError as error:
        raise HttpProblem(400, error.problems[0].rule_text) from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if not name:
            part = next(p for p in query.split("&") if p and not p.partition("=")[0])
            raise HttpProblem(400, i18n.text("sandbox.wire.query_no_name", part=_show(part)))
        if name in params:
            raise HttpProblem(400, i18n.text("sandbox.wire.query_twice", name=repr(name)))
        params[name] = value
    return params


def _show(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")
