"""The sandbox's HTTP/1.1 server: standard library, one thread per connection, bounded.

Why the standard library's ``ThreadingHTTPServer``: the sandbox serves one machine's tests,
notebooks and trainees on loopback, so a dependency-free server that starts in milliseconds
inside a Jupyter kernel matters more than throughput. What the standard library lacks is
added here:

- every response is JSON (the platform's envelope, or the transport envelope of
  :mod:`smskit.sandbox.wire`), including the errors ``http.server`` would send as HTML;
- at most ``max_connections`` connections at once (more get an immediate 503), and a whole
  request must arrive within ``request_timeout_ms`` (a deadline, not a per-read timeout),
  so slow or idle clients cannot pin threads; threads are daemon threads;
- request line, headers and body have size limits (414, 431, 413); ``Transfer-Encoding``
  bodies are refused (the endpoint takes an empty body); header lines are read strictly
  (``Name: value``, else 400) without ``http.client``'s e-mail parser, the largest
  per-request cost the standard library had here;
- an unexpected exception while handling a request is a sandbox bug: it is logged, counted
  in :attr:`SandboxHTTPServer.internal_errors`, answered as a 5000 envelope, and the server
  keeps serving. Nothing a client sends can produce an HTTP 500.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
import logging
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from smskit import __version__, i18n
from smskit.clock import Clock
from smskit.sandbox.wire import (
    HttpProblem,
    Request,
    Response,
    ServerLimits,
    json_body,
    split_target,
    transport_envelope,
)

log = logging.getLogger("smskit.sandbox")

_JSON_TYPE = "application/json;charset=UTF-8"
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 method token
_VERSION = re.compile(r"HTTP/([0-9])\.([0-9])")
_DIGITS = re.compile(r"[0-9]{1,18}")
_MAX_FIELDS, _MAX_FIELD_LINE_BYTES = 100, 65536  # http.client's limits
_LINGER_SECONDS, _LINGER_BYTES = 1.0, 1 << 20
_WRITE_TIMEOUT_SECONDS = 10.0


class _DeadlineReader(io.RawIOBase):
    """Socket reads that fail once a deadline has passed, however slowly bytes trickle in."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._deadline: float | None = None

    def arm(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def disarm(self) -> None:
        self._deadline = None
        self._sock.settimeout(_WRITE_TIMEOUT_SECONDS)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._deadline is not None:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request did not arrive in time")
            self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


class _Disconnected(Exception):
    """The client went away (or stalled) before the request was complete."""


@functools.cache
def _status_line(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}"


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """Reads one request at a time under a deadline and answers JSON, always."""

    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # so early errors still get a status line
    server_version = f"smskit-sandbox/{__version__}"
    sys_version = ""
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)
        self._linger = False

    def handle_one_request(self) -> None:
        limits = self.server.limits
        self.close_connection = True
        self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""
        self._reader.arm(limits.request_timeout_ms / 1000)
        try:
            line = self.rfile.readline(limits.max_request_line_bytes + 1)
        except OSError:  # timed out waiting (idle keep-alive) or reset: just close
            return
        if not line or line in (b"\r\n", b"\n"):
            return
        if len(line) > limits.max_request_line_bytes:
            self._linger = True
            self._send_problem(HttpProblem(414, i18n.text(
                "sandbox.server.line_too_long", most=limits.max_request_line_bytes), close=True))
            return
        self.raw_requestline = line
        try:
            self._read_head(line)
        except HttpProblem as problem:
            self._linger = True
            self._send_problem(problem)
            return
        except OSError:
            self._linger = True
            self._send_problem(HttpProblem(408, i18n.text("sandbox.server.headers_late"),
                                           close=True))
            return
        try:
            self._serve()
        except _Disconnected:
            self.close_connection = True
        except OSError:  # the client vanished while we were answering
            self.close_connection = True

    def _read_head(self, line: bytes) -> None:
        """Request line and header fields, strictly; what ``parse_request`` would do, without
        the e-mail parser it uses for headers (the largest per-request cost it had)."""
        text = line.decode("latin-1").rstrip("\r\n")
        problem = self._request_line_problem(text)
        if problem is not None:
            raise problem
        self.requestline = text
        self.command, self.path, self.request_version = self.requestline.split(" ")
        if self.path.startswith("//"):  # as http.server does: never a scheme-relative URL
            self.path = "/" + self.path.lstrip("/")
        fields: dict[str, list[str]] = {}
        for count in itertools.count(1):
            raw = self.rfile.readline(_MAX_FIELD_LINE_BYTES + 1)
            if raw in (b"\r\n", b"\n", b""):
                break
            if len(raw) > _MAX_FIELD_LINE_BYTES:
                raise HttpProblem(431, i18n.text("sandbox.server.header_too_long",
                                                 most=_MAX_FIELD_LINE_BYTES), close=True)
            if count > _MAX_FIELDS:
                raise HttpProblem(431, i18n.text("sandbox.server.too_many_headers",
                                                 most=_MAX_FIELDS), close=True)
            name, colon, value = raw.decode("latin-1").partition(":")
            if not colon or not _TOKEN.fullmatch(name):
                raise HttpProblem(400, i18n.text("sandbox.server.bad_header", line=repr(raw[:60])),
                                  close=True)
            fields.setdefault(name.lower(), []).append(value.strip(" \t\r\n"))
        self._fields = fields
        connection = self._field("connection").lower()
        keep_alive = self.request_version != "HTTP/1.0" or connection == "keep-alive"
        self.close_connection = connection == "close" or not keep_alive
        if (self._field("expect").lower() == "100-continue"
                and self.request_version != "HTTP/1.0"):
            self.handle_expect_100()

    def _field(self, name: str) -> str:
        """The first value of header field ``name`` (lower case), or ``""``."""
        values = self._fields.get(name)
        return values[0] if values else ""

    def _request_line_problem(self, text: str) -> HttpProblem | None:
        words = text.split(" ")
        if len(words) != 3 or not all(words):
            return HttpProblem(400, i18n.text("sandbox.server.bad_request_line",
                                              line=repr(text[:80])), close=True)
        method, _target, version = words
        if not _TOKEN.fullmatch(method):
            return HttpProblem(400, i18n.text("sandbox.server.bad_method",
                                              method=repr(method[:20])), close=True)
        match = _VERSION.fullmatch(version)
        if match is None:
            return HttpProblem(400, i18n.text("sandbox.server.bad_version",
                                              version=repr(version[:20])), close=True)
        if match.group(1) != "1":
            return HttpProblem(505, i18n.text("sandbox.server.version_unsupported",
                                              version=version), close=True)
        return None

    def _serve(self) -> None:
        path, query = self.path, ""
        try:
            path, query = split_target(self.path)
            body = self._read_body(path)
            self._reader.disarm()
            request = Request(self.command, path, query, body,
                              self._field("content-type") or None,
                              self._field("authorization") or None)
            response = self.server.handle(request)
        except HttpProblem as problem:
            self._linger = problem.close
            self.server.refused(Request(self.command, path, query), problem)
            self._send_problem(problem)
            return
        except _Disconnected:
            raise
        except Exception as error:  # a bug in the sandbox: say so, log it, keep serving
            self.server.record_internal_error(error)
            response = self.server.answer_internal_error(error)
        if response.text is None:
            self._send(response.status, response.body(), headers=response.headers)
        else:
            self._send(response.status, response.text.encode("utf-8"),
                       content_type=response.content_type, headers=response.headers)

    def _read_body(self, path: str) -> bytes:
        limits = self.server.limits
        if "transfer-encoding" in self._fields:
            raise HttpProblem(400, i18n.text("sandbox.server.transfer_encoding"), close=True)
        lengths = set(self._fields.get("content-length", ()))
        if not lengths:
            return b""
        if len(lengths) > 1 or not _DIGITS.fullmatch(next(iter(lengths))):
            raise HttpProblem(400, i18n.text("sandbox.server.content_length",
                                             got=repr(sorted(lengths))[:150]), close=True)
        length = int(lengths.pop())
        if length > limits.max_body_bytes:
            extras = path.startswith("/_sandbox/")  # the JSON routes, not the API
            raise HttpProblem(413, i18n.text(
                "sandbox.server.body_too_large.extras" if extras
                else "sandbox.server.body_too_large", size=length, most=limits.max_body_bytes),
                close=True)
        try:
            body = self.rfile.read(length)
        except OSError:
            raise _Disconnected from None
        if len(body) < length:
            raise _Disconnected
        return body

    # -- writing ---------------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """``http.server``'s own errors (431 from header parsing, ...), as JSON."""
        detail = explain or message or HTTPStatus(code).description
        self._send_problem(HttpProblem(code, detail, close=True))

    def _send_problem(self, problem: HttpProblem) -> None:
        self._send_json(problem.status, problem.envelope(self.server.lang),
                        headers=problem.headers,
                        close=problem.close)

    def _send_json(self, status: int, payload: dict[str, Any], *,
                   headers: tuple[tuple[str, str], ...] = (), close: bool = False) -> None:
        self._send(status, json_body(payload), headers=headers, close=close)

    def _send(self, status: int, body: bytes, *, content_type: str | None = None,
              headers: tuple[tuple[str, str], ...] = (), close: bool = False) -> None:
        if close:
            self.close_connection = True
        common = self._common_fields()
        if content_type is not None:
            common = common.replace(_JSON_TYPE, content_type)
        lines = [_status_line(status), common, f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head if self.command == "HEAD" else head + body)
        except OSError:  # the client left before reading the answer
            self.close_connection = True
            return
        if log.isEnabledFor(logging.DEBUG):
            self.log_request(status, len(body))

    def _common_fields(self) -> str:
        """``Server``, ``Date`` and ``Content-Type``, formatted once per second of the clock."""
        second = self.server.clock.now_ms() // 1000
        cached = self.server.common_fields
        if cached[0] != second:
            cached = (second, "\r\n".join((
                f"Server: {self.server_version}", f"Date: {self.date_time_string(second)}",
                f"Content-Type: {_JSON_TYPE}")))
            self.server.common_fields = cached
        return cached[1]

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header follows the sandbox's clock, so it agrees with ``ts`` checks."""
        if timestamp is None:
            timestamp = self.server.clock.now_ms() / 1000
        return formatdate(timestamp, usegmt=True)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The debug log names method and path, never the query (it may carry a token)."""
        if log.isEnabledFor(logging.DEBUG):
            path = self.path.partition("?")[0]
            log.debug('%s "%s %s" %s %s', self.address_string(), self.command, path, code, size)

    def log_message(self, format: str, *args: Any) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s", self.address_string(), format % args)

    def finish(self) -> None:
        super().finish()
        if self._linger:  # read what the client still sends, so closing does not reset
            self._drain()

    def _drain(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_WR)
            deadline, received = time.monotonic() + _LINGER_SECONDS, 0
            while received < _LINGER_BYTES:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.connection.settimeout(remaining)
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
        except OSError:
            pass


def _ignore(request: Request, problem: HttpProblem) -> None:
    """The default :attr:`SandboxHTTPServer.refused`: nobody listens."""


class SandboxHTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a connection bound, tracked connections and JSON errors."""

    daemon_threads = True
    block_on_close = False  # stop() closes connections itself, then waits briefly
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], *, handle: Callable[[Request], Response],
                 answer_internal_error: Callable[[BaseException], Response], clock: Clock,
                 limits: ServerLimits,
                 refused: Callable[[Request, HttpProblem], None] | None = None,
                 lang: str = "en") -> None:
        #: Answers one parsed request (the routes); raises :class:`HttpProblem` to refuse it.
        self.handle = handle
        #: Told of each request refused with an :class:`HttpProblem` once its request line
        #: was read (the request log's hook); the path is the raw target if it was unusable.
        self.refused: Callable[[Request, HttpProblem], None] = refused or _ignore
        #: Answers a request whose handling raised an unexpected exception (a sandbox bug).
        self.answer_internal_error = answer_internal_error
        self.clock = clock
        self.limits = limits
        #: The language of the transport-level ``extMsg`` texts (the sandbox's ``lang``).
        self.lang = i18n.as_language(lang)
        self.internal_errors = 0
        #: (second of the clock, the Server/Date/Content-Type lines for it).
        self.common_fields: tuple[int, str] = (-1, "")
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        self._connections: set[socket.socket] = set()
        self._lock = threading.Condition()
        super().__init__(address, SandboxRequestHandler)

    @property
    def open_connections(self) -> int:
        """How many accepted connections are being served right now."""
        with self._lock:
            return len(self._connections)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look up the host's FQDN: a DNS call we do not need.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse_busy(request)
            return
        with self._lock:
            self._connections.add(request)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._forget(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._forget(request)

    def _forget(self, request: socket.socket) -> None:
        with self._lock:
            if request in self._connections:
                self._connections.discard(request)
                self._slots.release()
            self._lock.notify_all()

    def _refuse_busy(self, request: socket.socket) -> None:
        body = json.dumps(transport_envelope(503, i18n.t(
            "sandbox.server.busy", self.lang, most=self.limits.max_connections)),
            ensure_ascii=False, separators=(",", ":")).encode()
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json;"
                f"charset=UTF-8\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        try:
            request.settimeout(1.0)
            request.sendall(head.encode("latin-1") + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):  # resets, broken pipes, timeouts: the client's doing
            log.debug("connection from %s ended: %r", client_address, error)
            return
        self.record_internal_error(error)

    def record_internal_error(self, error: BaseException | None) -> None:
        with self._lock:
            self.internal_errors += 1
        log.error("sandbox internal error", exc_info=error)

    def close_connections(self, wait_seconds: float = 2.0) -> None:
        """Cut every open connection (kept-alive ones included) and wait for their threads."""
        with self._lock:
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._lock.wait_for(lambda: not self._connections, timeout=wait_seconds)
