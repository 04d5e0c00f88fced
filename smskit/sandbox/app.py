"""``Sandbox``: the local platform, started and stopped from Python, and its Python-side API.

Three ways to run it: ``with Sandbox() as sb:`` (tests), ``sb = Sandbox().start()`` (a
notebook cell: it serves from a daemon thread and the cell returns at once), and
``smskit sandbox`` (a terminal). It binds 127.0.0.1 on a free port by default. Its clock is
injectable, so expiry and rate windows can be shown by moving a :class:`FixedClock` instead
of waiting; with a seeded ``random_source`` the delivered codes are reproducible too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import random as _random
import threading
from collections.abc import Collection, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from smskit import i18n
from smskit.clock import Clock, FixedClock, OffsetClock
from smskit.errors import SmskitError
from smskit.fields import parse_code_type
from smskit.sandbox.control import ControlRoutes, reset_parts
from smskit.sandbox.domains import DomainTable, load_domains
from smskit.sandbox.extension import SandboxExtension, SandboxParts
from smskit.sandbox.platform import Platform
from smskit.sandbox.ratelimit import RatePolicy
from smskit.sandbox.requestlog import RequestLog, RequestRecord
from smskit.sandbox.routes import Router
from smskit.sandbox.server import SandboxHTTPServer
from smskit.sandbox.state import Delivery, SandboxState, VerificationResult
from smskit.sandbox.wire import ServerLimits

if TYPE_CHECKING:
    from smskit.client import SmsClient

DEFAULT_HOST = "127.0.0.1"
#: How often the accept loop checks for stop(): stop() takes at most this long.
_POLL_SECONDS = 0.01


class SandboxNotRunning(SmskitError, RuntimeError):
    """``base_url`` (or the port) was asked for before :meth:`Sandbox.start`."""


class Sandbox:
    """A real HTTP server on loopback that answers sendPhoneSmsCode like the platform."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        policy: RatePolicy | None = None,
        domains: DomainTable | None = None,
        random_source: _random.Random | None = None,
        limits: ServerLimits | None = None,
        lang: str | None = None,
        request_log_size: int | None = None,
        extension: SandboxExtension | None = None,
    ) -> None:
        #: The server's notion of "now": ``ts`` is checked and codes expire against it.
        #: By default the wall clock, movable over HTTP (``/_sandbox/clock``).
        self.clock: Clock = clock or OffsetClock()
        self._clock_start = self.clock.now_ms() if isinstance(self.clock, FixedClock) else None
        #: The rate policy in force (5058).
        self.policy = policy or RatePolicy()
        #: A mode of the sandbox (see :mod:`smskit.sandbox.extension`), or ``None``.
        self.extension = extension
        #: The sandbox user domains and their SMS configuration (an extension's, if any).
        self.domains = domains or load_domains()
        if extension is not None:
            self.domains = extension.domains(self.domains)
        self.limits = limits or ServerLimits()
        self.state = SandboxState(policy=self.policy, clock=self.clock,
                                  random_source=random_source)
        #: The language of ``extMsg`` texts (default: :func:`smskit.i18n.language` now).
        self.lang: i18n.Language = i18n.language() if lang is None else i18n.as_language(lang)
        self.platform = Platform(domains=self.domains, state=self.state, clock=self.clock,
                                 lang=self.lang)
        #: Every answered request, newest last (``request_log_size``: how many are kept;
        #: default ``request_log.max_records`` of ``smskit/data/sandbox_policy.json``).
        self.request_log = RequestLog(clock=self.clock, limit=request_log_size,
                                      secrets=lambda: [d.secret for d in self.domains])
        if extension is not None:
            extension.attach(SandboxParts(clock=self.clock, state=self.state,
                                          log=self.request_log, domains=self.domains,
                                          lang=self.lang))
        self._host, self._requested_port = host, port
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind and serve from a daemon thread; returns ``self`` at once. Idempotent."""
        with self._lifecycle:
            if self._server is not None:
                return self
            router = Router(platform=self.platform, state=self.state, domains=self.domains,
                            clock=self.clock, log=self.request_log, extension=self.extension)
            router.routes.update(ControlRoutes(
                clock=self.clock, domains=self.domains, reset=self._reset_parts,
                show_secrets=self.extension is None).routes())
            server = SandboxHTTPServer((self._host, self._requested_port), handle=router.handle,
                                       answer_internal_error=router.internal_error,
                                       clock=self.clock, limits=self.limits,
                                       refused=router.refused, lang=self.lang)
            thread = threading.Thread(target=server.serve_forever,
                                      kwargs={"poll_interval": _POLL_SECONDS},
                                      name=f"smskit-sandbox:{server.server_port}", daemon=True)
            thread.start()
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections and release the port. Safe to call twice."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the one the OS chose when ``port=0``)."""
        server = self._server
        if server is None:
            raise SandboxNotRunning("the sandbox is not running: call start() or use "
                                    "`with Sandbox() as sb:`")
        return server.server_port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what a client's base URL should be.

        Bound to every interface (``0.0.0.0`` or ``::``), the URL names loopback: a client
        cannot connect to the unspecified address.
        """
        host = self._host
        with contextlib.suppress(ValueError):
            if ipaddress.ip_address(host).is_unspecified:
                host = "::1" if ":" in host else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def internal_errors(self) -> int:
        """Unexpected exceptions while handling requests (sandbox bugs); should stay 0."""
        server = self._server
        return server.internal_errors if server is not None else 0

    @property
    def open_connections(self) -> int:
        """Connections the server holds now (each a thread; at most ``limits.max_connections``)."""
        server = self._server
        return server.open_connections if server is not None else 0

    # -- the sandbox's rules ----------------------------------------------------------------

    @property
    def code_valid_ms(self) -> int:
        """How long a delivered code stays valid, in ms (the page: 5 minutes)."""
        return self.state.code_valid_ms

    @property
    def code_digits(self) -> int:
        """How many digits a delivered code has (a sandbox assumption: 6)."""
        return self.state.code_digits

    # -- domains ---------------------------------------------------------------------------

    @property
    def demo_domain(self) -> str:
        """The healthy sandbox user domain that examples use."""
        return self.domains.demo_domain

    def secret_for(self, domain: str | None = None) -> str:
        """A sandbox domain's sandbox-only secret (the demo domain's by default).

        Sandbox-only, but still a secret: pass it on, do not print it.
        """
        return self.domains.secret_for(domain or self.demo_domain)

    def client(self, **overrides: Any) -> SmsClient:
        """An :class:`~smskit.client.SmsClient` for this sandbox: its base URL, the demo domain
        with its secret, and this sandbox's clock; ``overrides`` go to ``SmsClient`` as is.

        ``client(user_domain="sandbox-disabled")`` takes that domain's secret unless
        ``secret=`` is given too. The sandbox must be running.
        """
        from smskit.client import SmsClient

        settings: dict[str, Any] = {"base_url": self.base_url, "user_domain": self.demo_domain,
                                    "clock": self.clock}
        settings.update(overrides)
        if "secret" not in settings:
            settings["secret"] = self.secret_for(settings["user_domain"])
        return SmsClient(**settings)

    # -- outbox, verification, faults ------------------------------------------------------

    def outbox(self, user_domain: str | None = None) -> list[Delivery]:
        """Every delivered code (or one user domain's), oldest first."""
        return self.state.outbox(user_domain)

    def last_delivery(self, phone: str, international_code: str = "86", *,
                      user_domain: str | None = None,
                      code_type: Any = None) -> Delivery | None:
        """The most recent code sent to this phone (optionally of one domain / codeType)."""
        kind = None if code_type is None else parse_code_type(code_type)
        return self.state.last_delivery(phone, international_code, user_domain=user_domain,
                                        code_type=kind)

    def verify_code(self, *, phone: str, code_type: Any, code: str,
                    international_code: str = "86",
                    user_domain: str | None = None) -> VerificationResult:
        """Check a code as the platform's other endpoints would; consumes it when ``ok``."""
        return self.state.verify(user_domain=user_domain or self.demo_domain,
                                 international_code=international_code, phone=phone,
                                 code_type=parse_code_type(code_type), code=code)

    def inject_failure(self, *, user_domain: str | None = None, phone: str | None = None,
                       count: int = 1) -> None:
        """The next ``count`` sends matching domain and phone (``None``: any) answer 5059."""
        self.state.inject_failure(user_domain=user_domain, phone=phone, count=count)

    def reset(self, parts: Collection[str] | str | None = None) -> None:
        """Forget the outbox, rate-limit history, injected faults, request log and an
        extension's progress (``None``), every part and the clock (``"all"``), or only the
        parts named (of ``control.RESET_PARTS``: outbox, rates, faults, requests, progress,
        clock)."""
        if isinstance(parts, Iterable) and not isinstance(parts, str):
            parts = list(parts)  # a tuple or set names parts as well as a list
        self._reset_parts(reset_parts(parts))  # anything else: a ValueError naming the rule

    def _reset_parts(self, parts: Collection[str]) -> None:
        self.state.reset(outbox="outbox" in parts, rates="rates" in parts,
                         faults="faults" in parts)
        if "requests" in parts:
            self.request_log.clear()
        if self.extension is not None and "progress" in parts:
            self.extension.reset()
        if "clock" in parts:
            if isinstance(self.clock, OffsetClock):
                self.clock.restore()
            elif isinstance(self.clock, FixedClock) and self._clock_start is not None:
                self.clock.set(self._clock_start)

    # -- the request log ------------------------------------------------------------------

    def requests(self, *, user_domain: str | None = None, phone: str | None = None,
                 since_ms: int | None = None, limit: int | None = None) -> list[RequestRecord]:
        """The answered requests, oldest first: of one user domain / phone, at or after
        ``since_ms`` (sandbox clock); ``limit`` keeps the newest ``limit``."""
        return self.request_log.records(user_domain=user_domain, phone=phone,
                                        since_ms=since_ms, limit=limit)

    def __repr__(self) -> str:
        where = self.base_url if self.running else "not running"
        return f"Sandbox({where}, clock={self.clock!r}, demo_domain={self.demo_domain!r})"
