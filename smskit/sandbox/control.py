"""The test-double controls under ``/_sandbox/``: clock, reset by parts, domains, the contract.

A backend's test suite, in any language, drives the sandbox over HTTP with these:

- ``GET /_sandbox/clock``: the sandbox's time; ``POST /_sandbox/clock`` with one JSON object
  ``{"nowMs"?, "advanceMs"?, "frozen"?}`` sets, moves, freezes or resumes it, so expiry and
  rate windows are tested without sleeping;
- ``POST /_sandbox/reset`` with an optional ``{"parts": [...] | "all"}``: forget the outbox,
  rate history, faults, request log and class progress (the default), or only the parts
  named; ``"clock"`` (only when named, or ``"all"``) puts the clock back as it started;
- ``GET /_sandbox/domains``: the user domains with their sandbox-only secrets (in classroom
  mode without secrets: each trainee has a card);
- ``GET /_sandbox/openapi.json``: the OpenAPI 3.1 document of every route
  (``smskit/data/sandbox_openapi.json``; a test holds it equal to the routes).

Added beside :class:`smskit.sandbox.routes.Router`'s routes by :class:`smskit.sandbox.Sandbox`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from smskit import __version__, i18n
from smskit._data import load_json
from smskit.clock import Clock, FixedClock, OffsetClock
from smskit.platform_codes import PlatformCode
from smskit.sandbox.domains import DomainTable, SmsFault
from smskit.sandbox.routes import PREFIX, Handler, json_object, names, only_fields, shown
from smskit.sandbox.wire import HttpProblem, Request, Response

OPENAPI_FILE = "sandbox_openapi.json"
#: What ``POST /_sandbox/reset`` can forget; the default is every part but the clock.
RESET_PARTS = ("outbox", "rates", "faults", "requests", "progress", "clock")
DEFAULT_RESET = tuple(part for part in RESET_PARTS if part != "clock")
_CLOCK_FIELDS = ("nowMs", "advanceMs", "frozen")
#: Twice the range of 13-digit epoch ms: any sane time, and no overflow in a test's language.
_MAX_MS = 10**13 * 2


def openapi_document() -> dict[str, Any]:
    """The sandbox's OpenAPI 3.1 document, its version set to this kit's."""
    document: dict[str, Any] = dict(load_json(OPENAPI_FILE))
    document["info"] = {**document["info"], "version": __version__}
    return document


def reset_parts(value: Any) -> tuple[str, ...]:
    """The parts a reset names: ``None`` is :data:`DEFAULT_RESET`, ``"all"`` every part."""
    if value is None:
        return DEFAULT_RESET
    if value == "all":
        return RESET_PARTS
    if (not isinstance(value, list) or not value
            or not all(isinstance(part, str) and part in RESET_PARTS for part in value)):
        raise ValueError(i18n.render(_parts_rule(value)))
    return tuple(dict.fromkeys(value))


def _parts_rule(value: Any) -> i18n.Text:
    """What ``parts`` must be, and what was sent instead."""
    return i18n.text("sandbox.control.reset_parts", parts=names(RESET_PARTS), value=shown(value))


def clock_json(clock: Clock) -> dict[str, Any]:
    """What ``/_sandbox/clock`` says about a clock: its time, and whether it runs."""
    now = clock.now_ms()
    if isinstance(clock, OffsetClock):
        return {"nowMs": now, "frozen": clock.frozen, "offsetMs": clock.offset_ms,
                "settable": True}
    return {"nowMs": now, "frozen": isinstance(clock, FixedClock), "offsetMs": None,
            "settable": isinstance(clock, FixedClock)}


class ControlRoutes:
    """Clock, reset, domains and the OpenAPI document, over the sandbox's own pieces."""

    def __init__(self, *, clock: Clock, domains: DomainTable,
                 reset: Callable[[Collection[str]], None], show_secrets: bool) -> None:
        self.clock = clock
        self.domains = domains
        self._reset = reset
        self._show_secrets = show_secrets

    def routes(self) -> dict[str, dict[str, tuple[Handler, str]]]:
        return {
            f"{PREFIX}/clock": {
                "GET": (self.read_clock, "the sandbox's time"),
                "POST": (self.move_clock, "JSON {nowMs?, advanceMs?, frozen?}: set, move, "
                         "freeze or resume the clock")},
            f"{PREFIX}/reset": {"POST": (self.reset, "JSON {parts?}: forget outbox, rate "
                                         "history, faults, request log, progress (or parts)")},
            f"{PREFIX}/domains": {"GET": (self.list_domains, "user domains and their "
                                          "sandbox-only secrets")},
            f"{PREFIX}/openapi.json": {"GET": (self.openapi, "this API as OpenAPI 3.1")},
        }

    def read_clock(self, request: Request) -> Response:
        return Response(200, clock_json(self.clock))

    def move_clock(self, request: Request) -> Response:
        body = json_object(request.body)
        unknown = sorted(set(body) - set(_CLOCK_FIELDS))
        if unknown or not body:
            raise HttpProblem(400, i18n.text("sandbox.control.clock_fields",
                                             fields=names(_CLOCK_FIELDS), unknown=shown(unknown)))
        now, step, frozen = body.get("nowMs"), body.get("advanceMs"), body.get("frozen")
        if not _whole_ms(now, least=0):
            raise HttpProblem(400, i18n.text("sandbox.control.now_ms", value=shown(now)))
        if not _whole_ms(step, least=-_MAX_MS):
            raise HttpProblem(400, i18n.text("sandbox.control.advance_ms", value=shown(step)))
        if frozen is not None and type(frozen) is not bool:
            raise HttpProblem(400, i18n.text("sandbox.control.frozen", value=shown(frozen)))
        clock = self.clock
        if not isinstance(clock, OffsetClock | FixedClock):
            raise HttpProblem(409, i18n.text("sandbox.control.clock_immovable",
                                             kind=type(clock).__name__))
        if frozen is False and not isinstance(clock, OffsetClock):
            raise HttpProblem(409, i18n.text("sandbox.control.clock_fixed"))
        if frozen is True and isinstance(clock, OffsetClock):
            clock.freeze()
        if now is not None:
            clock.set(now)
        if step is not None:
            clock.advance(ms=step)
        if frozen is False and isinstance(clock, OffsetClock):
            clock.resume()
        return Response(200, clock_json(clock))

    def reset(self, request: Request) -> Response:
        parts = None
        if request.body:
            body = json_object(request.body)
            only_fields(body, ("parts",))
            parts = body.get("parts")
        try:
            chosen = reset_parts(parts)
        except ValueError:
            raise HttpProblem(400, _parts_rule(parts)) from None
        self._reset(chosen)
        return Response(200, {"status": "reset", "parts": list(chosen)})

    def list_domains(self, request: Request) -> Response:
        rows = []
        for domain in self.domains:
            fault = self.domains.sms_fault(domain)
            row: dict[str, Any] = {"name": domain.name, "status": domain.status,
                                   "description": domain.description,
                                   "answers": _answer_code(domain.enabled, fault)}
            if self._show_secrets:
                row["secret"] = domain.secret
            rows.append(row)
        return Response(200, {"demoDomain": self.domains.demo_domain, "sandboxOnly": True,
                              "domains": rows})

    def openapi(self, request: Request) -> Response:
        return Response(200, openapi_document())


def _whole_ms(value: Any, *, least: int) -> bool:
    """Whether a clock field is left out or a whole number of ms from ``least`` to the most."""
    return value is None or (type(value) is int and least <= value <= _MAX_MS)


def _answer_code(enabled: bool, fault: SmsFault | None) -> int:
    """What a correctly signed send with this domain answers."""
    if not enabled:
        return PlatformCode.DOMAIN_DISABLED
    return PlatformCode.SUCCESS if fault is None else fault.code
