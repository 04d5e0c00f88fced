"""Transport failures and malformed answers, against the tests' own loopback fault server.

Every case checks the typed error, its retry-safety, that no requests/urllib3 exception
leaks, and from the server's counter that no request arrived twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from smskit.client import SmsClient
from smskit.clock import FixedClock
from smskit.errors import (
    ConnectionFailed,
    DeliveryUnknown,
    ResponseFormatError,
    SmskitError,
    TransportError,
)
from smskit.request import SmsCodeRequest
from tests.fixtures.faults import (
    Behaviour,
    FaultServer,
    close_silently,
    http_response,
    partial,
    refused_port,
    reset,
    respond,
    stall,
    unresponsive_port,
)

SECRET = "Sx9-very-secret-value-7Qp"
PHONE = "13800138000"
NOW_MS = 1744773894369
Start = Callable[[Behaviour], FaultServer]


def client_for(base_url: str, **settings: object) -> SmsClient:
    options: dict[str, object] = {"user_domain": "demo", "secret": SECRET,
                                  "clock": FixedClock(NOW_MS), "timeout": (0.5, 0.5)}
    options.update(settings)
    return SmsClient(base_url=base_url, **options)  # type: ignore[arg-type]


def send_expecting(client: SmsClient, kind: type[SmskitError]) -> SmskitError:
    with pytest.raises(kind) as caught:
        client.send_code(PHONE, 3)
    error = caught.value
    # Wrapped, not chained: no requests/urllib3 exception is visible to the caller.
    assert error.__cause__ is None
    assert error.__suppress_context__ or error.__context__ is None
    assert SECRET not in str(error) and SECRET not in repr(error)
    return error


# -- before sending: safe to retry ----------------------------------------------------------

def test_connection_refused_is_connection_failed() -> None:
    with refused_port() as port:
        error = send_expecting(client_for(f"http://127.0.0.1:{port}"), ConnectionFailed)
    assert isinstance(error, TransportError) and error.retry_safe is True
    assert "never left" in str(error)
    assert isinstance(error.request, SmsCodeRequest)  # type: ignore[attr-defined]


def test_name_resolution_failure_is_connection_failed() -> None:
    # .invalid is reserved never to resolve (RFC 6761).
    error = send_expecting(client_for("http://smskit-test.invalid"), ConnectionFailed)
    assert error.retry_safe is True  # type: ignore[attr-defined]


def test_connect_timeout_is_connection_failed() -> None:
    with unresponsive_port() as port:
        error = send_expecting(client_for(f"http://127.0.0.1:{port}", timeout=(0.3, 5)),
                               ConnectionFailed)
    assert error.retry_safe is True  # type: ignore[attr-defined]


def test_connect_retries_repeat_only_failed_connections(caplog: pytest.LogCaptureFixture) -> None:
    with refused_port() as port, caplog.at_level(logging.INFO, logger="smskit.client"):
        send_expecting(client_for(f"http://127.0.0.1:{port}", connect_retries=2),
                       ConnectionFailed)
    attempts = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert [r.getMessage().split("(attempt ")[1][:6] for r in attempts] == ["1 of 3", "2 of 3"]


# -- after sending: the SMS may be on its way -----------------------------------------------

AFTER_SENDING: dict[str, Callable[[], Behaviour]] = {
    "reset-before-response": reset,
    "closed-without-response": close_silently,
    "slow-beyond-read-timeout": lambda: stall(10, http_response(200, '{"code": 200}')),
    "body-stalls": lambda: partial(
        b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{\"code\": 2", pause=10),
    "body-cut-short": lambda: partial(
        b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{\"code\": 2"),
    "reset-mid-body": lambda: partial(
        b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{\"code\": 2", then_reset=True),
    "broken-chunks": lambda: partial(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"code\"\r\n"),
}


@pytest.mark.parametrize("case", list(AFTER_SENDING))
def test_failure_after_sending_is_delivery_unknown(fault_server: Start, case: str) -> None:
    server = fault_server(AFTER_SENDING[case]())
    error = send_expecting(client_for(server.base_url), DeliveryUnknown)
    assert error.retry_safe is False  # type: ignore[attr-defined]
    assert "do not resend" in str(error)
    assert server.request_count == 1


def test_read_timeout_says_so(fault_server: Start) -> None:
    server = fault_server(stall(10))
    error = send_expecting(client_for(server.base_url, timeout=(1, 0.2)), DeliveryUnknown)
    assert "read timeout" in str(error)


@pytest.mark.parametrize("case", ["reset-before-response", "slow-beyond-read-timeout"])
def test_connect_retries_never_resend_what_may_have_arrived(
    fault_server: Start, case: str
) -> None:
    server = fault_server(AFTER_SENDING[case]())
    send_expecting(client_for(server.base_url, connect_retries=3), DeliveryUnknown)
    assert server.request_count == 1


def test_the_counter_would_see_a_retry() -> None:
    """The instrument can fail: a POST through an adapter that retries arrives three times."""
    with FaultServer(close_silently()) as server, requests.Session() as session:
        session.mount("http://", HTTPAdapter(max_retries=Retry(total=2, allowed_methods=None)))
        with pytest.raises(requests.ConnectionError):
            session.post(server.base_url, timeout=1)
        assert server.request_count == 3


# -- answers that are not the envelope --------------------------------------------------------

HTML_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>"
            "502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>")

NOT_ENVELOPE = {
    "html-502": (http_response(502, HTML_502, reason="Bad Gateway", content_type="text/html"),
                 502, "not JSON"),
    "empty-200": (http_response(200, ""), 200, "empty"),
    "invalid-json": (http_response(200, '{"code": 200, "msg"'), 200, "not JSON"),
    "json-without-code": (http_response(200, '{"msg": "", "data": null}'), 200,
                          "without 'code'"),
    "json-array": (http_response(200, "[200]"), 200, "list"),
    "code-as-string": (http_response(200, '{"code": "200", "msg": ""}'), 200, "not an integer"),
    "huge-body": (http_response(200, "<p>" + "x" * 1_000_000, content_type="text/html"), 200,
                  "longer than"),
    "redirect": (http_response(301, "", extra={"Location": "https://elsewhere.example/"}), 301,
                 "redirected"),
}


@pytest.mark.parametrize("case", list(NOT_ENVELOPE))
def test_answer_that_is_not_the_envelope(fault_server: Start, case: str) -> None:
    raw, status, reason = NOT_ENVELOPE[case]
    server = fault_server(respond(raw))
    error = send_expecting(client_for(server.base_url), ResponseFormatError)
    assert isinstance(error, ResponseFormatError)
    assert error.http_status == status and reason in error.reason
    assert error.retry_safe is False
    assert len(error.excerpt) <= 201
    assert server.request_count == 1


def test_html_502_excerpt_shows_the_page(fault_server: Start) -> None:
    server = fault_server(respond(NOT_ENVELOPE["html-502"][0]))
    error = send_expecting(client_for(server.base_url), ResponseFormatError)
    assert "502 Bad Gateway" in error.excerpt  # type: ignore[attr-defined]
    assert "text/html" in error.reason  # type: ignore[attr-defined]


def test_redirect_is_not_followed(fault_server: Start) -> None:
    target = fault_server(respond(http_response(200, '{"code": 200}')))
    server = fault_server(respond(http_response(307, "", extra={"Location": target.base_url})))
    send_expecting(client_for(server.base_url), ResponseFormatError)
    assert (server.request_count, target.request_count) == (1, 0)


# -- clock skew -------------------------------------------------------------------------------

SERVER_TIME = datetime(2025, 4, 16, 3, 24, 54, tzinfo=UTC)
SERVER_MS = int(SERVER_TIME.timestamp() * 1000)


@pytest.mark.parametrize("offset_ms", [0, 90_000, -11 * 60_000])
def test_measure_clock_skew_from_date_header(fault_server: Start, offset_ms: int) -> None:
    server = fault_server(respond(http_response(
        200, "", date=format_datetime(SERVER_TIME, usegmt=True))))
    client = client_for(server.base_url, clock=FixedClock(SERVER_MS + offset_ms))
    measured = client.measure_clock_skew()
    assert abs(measured - offset_ms) <= 1000  # Date has one-second resolution
    assert server.request_count == 1 and server.requests[0].method == "HEAD"
    assert server.requests[0].target == "/"


def test_measure_clock_skew_without_date(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, "", date=None)))
    with pytest.raises(ResponseFormatError) as caught:
        client_for(server.base_url).measure_clock_skew()
    assert "Date" in caught.value.reason


def test_measure_clock_skew_wraps_transport_errors() -> None:
    with refused_port() as port, pytest.raises(ConnectionFailed):
        client_for(f"http://127.0.0.1:{port}").measure_clock_skew()


def test_result_records_server_date_and_skew(fault_server: Start) -> None:
    body = json.dumps({"code": 200, "msg": "", "data": None, "extMsg": None})
    server = fault_server(respond(http_response(
        200, body, date=format_datetime(SERVER_TIME, usegmt=True))))
    client = client_for(server.base_url, clock=FixedClock(SERVER_MS + 5_000))
    result = client.send_code(PHONE, 3)
    assert result.server_date == SERVER_TIME
    assert result.clock_skew_ms is not None and abs(result.clock_skew_ms - 5_000) <= 1000
