"""Send one prepared request with ``requests`` and wrap every transport failure.

Failures are split by whether the request can have reached the server:

- :class:`~smskit.errors.ConnectionFailed` (``retry_safe``): no connection was made: refused,
  name resolution failed, connect timeout, TLS certificate refused.
- :class:`~smskit.errors.DeliveryUnknown` (not ``retry_safe``): anything after the request
  may have been written: read timeout, reset or close before or during the response, broken
  chunked body. Also any failure this module cannot place: unknown is treated as delivered.

Every send has an overall deadline, the connect plus the read timeout (twice a single
number): a server that trickles its answer a byte at a time cannot hold a send longer,
because ``requests``' read timeout applies to each read, not to the whole answer. A send
past its deadline is :class:`~smskit.errors.DeliveryUnknown`; the exchange is abandoned on
a daemon thread that closes the connection when the server lets it.

Nothing here retries. Sessions made here mount adapters with ``max_retries=0``; an injected
session whose adapter would retry is refused (:func:`check_no_retries`), because urllib3 could
otherwise resend a POST that already reached the server.
"""

from __future__ import annotations

import queue
import ssl
import threading
import time
from collections.abc import Iterator

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from smskit.clock import Clock
from smskit.errors import ConnectionFailed, DeliveryUnknown, InputError, Problem, TransportError
from smskit.request import SmsCodeRequest
from smskit.responses import MAX_BODY_BYTES, RawResponse

Timeout = float | tuple[float, float]

#: Exceptions of urllib3 that mean no connection was ever established.
_NOT_CONNECTED = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
#: TLS failures that can only happen during the handshake, before the request is written.
_HANDSHAKE_ONLY = (ssl.SSLCertVerificationError, ssl.CertificateError)


def no_retry_session() -> requests.Session:
    """A session whose adapters never retry (urllib3 ``Retry(0, read=False)``)."""
    session = requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=0))
    return session


def check_no_retries(session: requests.Session, url: str) -> None:
    """Refuse (with :class:`InputError`) a session whose adapter for ``url`` would retry."""
    adapter = session.get_adapter(url)
    retry = getattr(adapter, "max_retries", None)
    if isinstance(retry, Retry) and _may_retry(retry):
        raise InputError([Problem(
            "session",
            f"its adapter for {url} retries ({retry!r}); sending an SMS is not idempotent, so "
            "a retried POST could deliver a second code",
            hint="mount requests.adapters.HTTPAdapter(max_retries=0), or pass no session",
        )])


def send(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    *,
    timeout: Timeout,
    clock: Clock,
    request: SmsCodeRequest | None = None,
) -> RawResponse:
    """Send once, read at most :data:`MAX_BODY_BYTES` of the body, wrap every failure.

    From the session this uses its adapters, its (and the environment's) proxies and TLS
    settings, and its response hooks; not its headers or auth: the request shape is fixed.
    The whole exchange must end within :func:`deadline_s` of ``timeout``.
    """
    deadline = deadline_s(timeout)
    answers: queue.Queue[RawResponse | BaseException] = queue.Queue(maxsize=1)
    abandoned = threading.Event()

    def exchange() -> None:
        try:
            answers.put(_exchange(session, prepared, timeout=timeout, clock=clock,
                                  request=request, abandoned=abandoned))
        except BaseException as error:
            answers.put(error)

    threading.Thread(target=exchange, name="smskit-send", daemon=True).start()
    try:
        answer = answers.get(timeout=deadline)
    except queue.Empty:
        abandoned.set()
        raise DeliveryUnknown(
            f"no complete answer within the send's overall deadline ({deadline:g} s); the "
            "request may have reached the server, the SMS may have been sent: do not resend "
            "automatically", request=request) from None
    if isinstance(answer, BaseException):
        raise answer
    return answer


def deadline_s(timeout: Timeout) -> float:
    """The overall deadline of a send: connect plus read timeout (a single number counts
    for both, as in ``requests``)."""
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return float(connect) + float(read)


def _exchange(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    *,
    timeout: Timeout,
    clock: Clock,
    request: SmsCodeRequest | None,
    abandoned: threading.Event,
) -> RawResponse:
    for event, hooks in session.hooks.items():
        for hook in hooks:
            own = prepared.hooks.setdefault(event, [])
            if hook not in own:
                own.append(hook)
    sent_ms = clock.now_ms()
    started = time.perf_counter()
    try:
        settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
        response = session.send(prepared, timeout=timeout, allow_redirects=False, **settings)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        raise classify(error, request=request) from None
    try:
        body, truncated = _read_body(response, abandoned)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        # The server answered a status line: the request certainly arrived.
        raise DeliveryUnknown(
            f"the response broke off while reading its body ({_describe(error)}); the request "
            "reached the server, the SMS may have been sent: do not resend automatically",
            request=request,
        ) from None
    finally:
        response.close()
    return RawResponse(
        status=response.status_code,
        headers=dict(response.headers),
        body=body,
        truncated=truncated,
        elapsed_ms=round((time.perf_counter() - started) * 1000),
        local_sent_ms=sent_ms,
        local_received_ms=clock.now_ms(),
    )


def classify(error: BaseException, *, request: SmsCodeRequest | None = None) -> TransportError:
    """The smskit error for a failure raised while sending (before any response arrived)."""
    if isinstance(error, requests.exceptions.ConnectTimeout) or _in_chain(error, _NOT_CONNECTED):
        return ConnectionFailed(
            f"could not connect ({_describe(error)}); the request never left, "
            "so sending again cannot deliver a second SMS", request=request)
    if _in_chain(error, _HANDSHAKE_ONLY):
        return ConnectionFailed(
            f"TLS handshake refused ({_describe(error)}); the request never left",
            request=request)
    if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return ConnectionFailed(f"the URL cannot be used ({_describe(error)}); nothing was sent",
                                request=request)
    if isinstance(error, requests.exceptions.ReadTimeout):
        what = "no response within the read timeout"
    else:
        what = f"the connection failed after the request may have been sent ({_describe(error)})"
    return DeliveryUnknown(
        f"{what}; the SMS may have been sent: do not resend automatically "
        "(let the end user ask again)", request=request)


def _read_body(response: requests.Response, abandoned: threading.Event) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    stream: Iterator[bytes] = response.iter_content(chunk_size=8192)
    for chunk in stream:
        if abandoned.is_set():  # the caller has reported DeliveryUnknown; just hang up
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"".join(chunks)[: MAX_BODY_BYTES + 1], True
    return b"".join(chunks), False


def _may_retry(retry: Retry) -> bool:
    if retry.total is False or retry.total == 0:
        return False
    counters = (retry.connect, retry.read, retry.other, retry.status)
    return not all(counter is False or counter == 0 for counter in counters)


def _wrapped(error: BaseException) -> list[BaseException]:
    """The errors urllib3/requests wrapped inside ``error``, the most specific first."""
    linked = [getattr(error, "reason", None), getattr(error, "original_error", None),
              *error.args, error.__cause__]
    return [item for item in linked if isinstance(item, BaseException)]


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and every error wrapped inside it, each once."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(_wrapped(current))


def _in_chain(error: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    return any(isinstance(link, kinds) for link in _chain(error))


def _describe(error: BaseException) -> str:
    """The innermost cause, short: ``ConnectionResetError: [Errno 104] ...``."""
    innermost = error
    for _ in range(10):  # follow the first wrapped error down
        inner = _wrapped(innermost)
        if not inner:
            break
        innermost = inner[0]
    text = str(innermost)
    text = text if len(text) <= 160 else text[:160] + "…"
    return f"{type(innermost).__name__}: {text}" if text else type(innermost).__name__
