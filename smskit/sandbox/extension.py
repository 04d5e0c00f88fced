"""The one way a mode plugs into a sandbox: its domains, its routes, a guard before every route.

A :class:`SandboxExtension` (the classroom is one: :mod:`smskit.sandbox.classroom`) is handed
to ``Sandbox(extension=...)``. The sandbox asks it for the user domains to serve, hands it
its parts once they exist, adds its routes to the router's (an extension's route replaces
the router's own of the same path), calls its guard before routing every request and its
reset with the sandbox's. Neither the sandbox nor its router knows what the mode is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from smskit.clock import Clock
from smskit.i18n import Language
from smskit.sandbox.domains import DomainTable
from smskit.sandbox.requestlog import RequestLog
from smskit.sandbox.state import SandboxState
from smskit.sandbox.wire import Request, Response

#: A route's handler: the request in, the answer out (refusals raise ``HttpProblem``).
Handler = Callable[[Request], Response]
#: path -> method -> (handler, what it does).
RouteTable = dict[str, dict[str, tuple[Handler, str]]]


@dataclass(frozen=True)
class SandboxParts:
    """What an extension may use of the sandbox it is attached to."""

    clock: Clock
    state: SandboxState
    log: RequestLog
    domains: DomainTable
    lang: Language


class SandboxExtension(Protocol):
    """A mode of the sandbox (the classroom): the one extension point of sandbox and router."""

    def domains(self, shipped: DomainTable) -> DomainTable:
        """The user domains the sandbox serves, given the shipped ones."""

    def attach(self, parts: SandboxParts) -> None:
        """Called once, when the sandbox's parts exist and before it serves."""

    def routes(self) -> RouteTable:
        """Routes added to the router's; one of the same path replaces the router's own."""

    def guard(self, request: Request) -> None:
        """Before every request is routed: raise ``HttpProblem`` to refuse it."""

    def reset(self) -> None:
        """Forget the mode's own state when the sandbox is reset."""
