"""smskit.transport, branch by branch: every failure's retry safety, the request it names, the
body limit, the deadline, and the refusal of sessions that would retry.

Real sockets on 127.0.0.1 (the tests' fault server, a TLS server with a self-signed
certificate made by ``openssl``); the classifier's chain-walking also with hand-built chains.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from smskit import transport
from smskit.clock import FixedClock
from smskit.errors import ConnectionFailed, DeliveryUnknown, InputError
from smskit.request import SmsCodeRequest
from tests.fixtures.faults import (
    FaultServer,
    http_response,
    refused_port,
    reset,
    respond,
    stall,
    trickle,
)

NOW_MS = 1744773894369
REQUEST = SmsCodeRequest(code_type=3, international_code="86", phone="13800138000",
                         random="76a6L647F02CAoN9", signature="0" * 64, ts=NOW_MS,
                         user_domain="demo")
Start = Callable[[Any], FaultServer]


def prepared(url: str) -> requests.PreparedRequest:
    return requests.Request("POST", url).prepare()


def send(url: str, *, timeout: Any = (1.0, 1.0),
         session: requests.Session | None = None) -> transport.RawResponse:
    return transport.send(session or transport.no_retry_session(), prepared(url),
                          timeout=timeout, clock=FixedClock(NOW_MS), request=REQUEST)


# -- answers ---------------------------------------------------------------------------------

def test_an_answer_is_returned_with_every_field(fault_server: Start) -> None:
    body = b'{"code": 200}'
    server = fault_server(stall(0.3, http_response(200, body, date=None,
                                                   extra={"X-Test": "yes"})))
    raw = send(server.base_url + "/v2/x")
    assert (raw.status, raw.body, raw.truncated) == (200, body, False)
    assert raw.headers["X-Test"] == "yes" and raw.headers["Content-Length"] == "13"
    assert raw.local_sent_ms == NOW_MS and raw.local_received_ms == NOW_MS
    assert 250 <= raw.elapsed_ms < 30_000
    assert server.request_count == 1


@pytest.mark.parametrize(("size", "truncated"), [(65_536, False), (65_537, True)])
def test_the_body_is_read_up_to_64_kib_and_one_byte_more(fault_server: Start, size: int,
                                                         truncated: bool) -> None:
    server = fault_server(respond(http_response(200, b"x" * (size + 10_000 * truncated))))
    raw = send(server.base_url)
    assert raw.truncated is truncated
    assert raw.body == b"x" * (65_537 if truncated else 65_536)


def test_a_redirect_is_returned_not_followed(fault_server: Start) -> None:
    server = fault_server(respond(http_response(302, b"", extra={"Location": "/elsewhere"})))
    raw = send(server.base_url)
    assert raw.status == 302 and server.request_count == 1


def test_the_sessions_response_hooks_run_once(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, b"{}")))
    seen: list[str] = []
    session = transport.no_retry_session()

    def session_hook(response: requests.Response, *args: object, **kwargs: object) -> None:
        seen.append(f"session {response.status_code}")

    def shared_hook(response: requests.Response, *args: object, **kwargs: object) -> None:
        seen.append(f"shared {response.status_code}")

    session.hooks["response"].extend([session_hook, shared_hook])
    request = prepared(server.base_url)
    request.hooks["response"].append(shared_hook)  # already on the request: not run twice
    transport.send(session, request, timeout=1.0, clock=FixedClock(NOW_MS))
    assert sorted(seen) == ["session 200", "shared 200"]


# -- never connected: safe to send again -------------------------------------------------------

def test_a_refused_connection_is_connection_failed_naming_the_request() -> None:
    with refused_port() as port, pytest.raises(ConnectionFailed) as caught:
        send(f"http://127.0.0.1:{port}")
    error = caught.value
    assert error.retry_safe is True and error.request is REQUEST
    assert str(error).startswith("could not connect (ConnectionRefusedError: ")
    assert "the request never left, so sending again cannot deliver a second SMS" in str(error)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[tuple[int, list[bytes]]]:
    """A TLS server with an untrusted certificate; records any bytes it receives after a
    handshake (there must be none: the client refuses the certificate first)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    received.append(tls.recv(65536))
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], received
    listener.close()
    thread.join(timeout=5)


def test_a_refused_certificate_is_connection_failed(tls_server: tuple[int, list[bytes]]) -> None:
    port, received = tls_server
    with pytest.raises(ConnectionFailed) as caught:
        send(f"https://127.0.0.1:{port}/v2/sms")
    error = caught.value
    assert error.retry_safe is True and error.request is REQUEST
    assert str(error).startswith("TLS handshake refused (SSLCertVerificationError: ")
    assert str(error).endswith("); the request never left")
    assert received == []


@pytest.mark.parametrize(("url", "kind"), [
    ("http://", "LocationValueError: No host specified."),
    ("127.0.0.1/v2", "InvalidSchema: No connection adapters were found for '127.0.0.1/v2'"),
    ("ftp://127.0.0.1/v2", "InvalidSchema: No connection adapters were found for "
                           "'ftp://127.0.0.1/v2'"),
])
def test_an_unusable_url_is_connection_failed_nothing_sent(url: str, kind: str) -> None:
    request = requests.Request("POST", "http://127.0.0.1/").prepare()
    request.url = url  # past requests' own preparation, as a hook or adapter might leave it
    with pytest.raises(ConnectionFailed) as caught:
        transport.send(transport.no_retry_session(), request, timeout=1.0,
                       clock=FixedClock(NOW_MS), request=REQUEST)
    error = caught.value
    assert error.retry_safe is True and error.request is REQUEST
    assert str(error).startswith(f"the URL cannot be used ({kind}")
    assert str(error).endswith("); nothing was sent")


# -- may have arrived: never safe to send again ---------------------------------------------

def test_a_read_timeout_is_delivery_unknown_naming_the_request(fault_server: Start) -> None:
    server = fault_server(stall(5))
    with pytest.raises(DeliveryUnknown) as caught:
        send(server.base_url, timeout=(1.0, 0.3))
    error = caught.value
    assert error.retry_safe is False and error.request is REQUEST
    assert str(error) == ("no response within the read timeout; the SMS may have been sent: do "
                          "not resend automatically (let the end user ask again)")
    assert server.request_count == 1


def test_a_reset_after_sending_is_delivery_unknown(fault_server: Start) -> None:
    server = fault_server(reset())
    with pytest.raises(DeliveryUnknown) as caught:
        send(server.base_url)
    assert caught.value.retry_safe is False and caught.value.request is REQUEST
    assert str(caught.value).startswith(
        "the connection failed after the request may have been sent (")


def test_a_body_broken_off_is_delivery_unknown_naming_the_request(fault_server: Start) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"code\""
    server = fault_server(respond(head))
    with pytest.raises(DeliveryUnknown) as caught:
        send(server.base_url)
    error = caught.value
    assert error.retry_safe is False and error.request is REQUEST
    assert str(error).startswith("the response broke off while reading its body (")
    assert str(error).endswith("); the request reached the server, the SMS may have been sent: "
                               "do not resend automatically")


def test_the_overall_deadline_is_delivery_unknown_naming_the_request(
    fault_server: Start,
) -> None:
    server = fault_server(trickle(http_response(200, b"{" + b" " * 200 + b"}"), interval=0.1))
    with pytest.raises(DeliveryUnknown) as caught:
        send(server.base_url, timeout=(0.5, 0.5))
    error = caught.value
    assert error.request is REQUEST and error.retry_safe is False
    assert str(error) == (
        "no complete answer within the send's overall deadline (1 s); the request may have "
        "reached the server, the SMS may have been sent: do not resend automatically")
    assert server.request_count == 1
    # The abandoned exchange goes on in a named daemon thread (it cannot block an exit).
    senders = [t for t in threading.enumerate() if t.name == "smskit-send"]
    assert senders and all(t.daemon for t in senders)


@pytest.mark.parametrize(("timeout", "deadline"), [(1.5, 3.0), ((0.5, 2), 2.5), ((2, 0.25), 2.25)])
def test_the_deadline_is_connect_plus_read(timeout: Any, deadline: float) -> None:
    assert transport.deadline_s(timeout) == deadline


# -- classify, with hand-built chains ------------------------------------------------------------

def test_classify_finds_a_refused_certificate_deep_in_the_chain() -> None:
    inner = ssl.SSLCertVerificationError(1, "certificate verify failed")
    outer = requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(
        None, "https://x/", reason=urllib3.exceptions.SSLError(inner)))  # type: ignore[arg-type]
    error = transport.classify(outer, request=REQUEST)
    assert type(error) is ConnectionFailed and error.request is REQUEST


def test_classify_treats_other_tls_failures_as_possibly_delivered() -> None:
    error = transport.classify(requests.exceptions.SSLError(ssl.SSLError(1, "bad record mac")))
    assert type(error) is DeliveryUnknown and error.request is None


def test_classify_of_a_connect_timeout_is_connection_failed() -> None:
    error = transport.classify(requests.exceptions.ConnectTimeout("slow"), request=REQUEST)
    assert type(error) is ConnectionFailed and error.request is REQUEST
    assert str(error).startswith("could not connect (ConnectTimeout: slow)")


def test_classify_of_a_chain_that_loops_ends() -> None:
    error = OSError("loop")
    error.__cause__ = requests.ConnectionError(error)
    assert type(transport.classify(error)) is DeliveryUnknown


def test_the_description_is_the_innermost_cause_cut_at_160_characters() -> None:
    error = requests.ConnectionError(urllib3.exceptions.ProtocolError(
        "aborted", ConnectionResetError(104, "x" * 300)))
    described = str(transport.classify(error))
    assert "(ConnectionResetError: [Errno 104] " + "x" * 148 + "…)" in described
    assert "(OSError)" in str(transport.classify(requests.ConnectionError(OSError())))
    assert "(ValueError: " + "v" * 160 + ")" in str(transport.classify(ValueError("v" * 160)))


def test_the_description_follows_at_most_10_wrapped_errors() -> None:
    error = OSError("level 0")
    for level in range(1, 12):
        outer = OSError(f"level {level}")
        outer.__cause__ = error
        error = outer
    assert "(OSError: level 1)" in str(transport.classify(error))


def test_the_description_keeps_160_characters_whole() -> None:
    assert "(ValueError: " + "v" * 161 + ")" not in str(transport.classify(ValueError("v" * 161)))
    assert "(ValueError: " + "v" * 160 + "…)" in str(transport.classify(ValueError("v" * 161)))


def test_a_repeated_link_does_not_stop_the_search() -> None:
    repeated = OSError("repeated")
    refused = urllib3.exceptions.NewConnectionError(None, "refused")  # type: ignore[arg-type]
    error = ValueError(refused, repeated, repeated)  # the repeated link is met first
    assert type(transport.classify(error)) is ConnectionFailed


def test_an_original_error_attribute_is_followed() -> None:
    class Wrapper(Exception):
        pass

    wrapper = Wrapper()
    wrapper.original_error = urllib3.exceptions.NewConnectionError(  # type: ignore[attr-defined]
        None, "refused")  # type: ignore[arg-type]
    assert type(transport.classify(wrapper)) is ConnectionFailed


# -- sessions that would retry are refused -------------------------------------------------------

RETRY_RULE = ("sending an SMS is not idempotent, so a retried POST could deliver a second code")


@pytest.mark.parametrize("retry", [
    Retry(total=3), Retry(total=None, connect=0, read=2), Retry(total=None, connect=1, read=0,
                                                                 other=0, status=0),
    Retry(total=None, connect=0, read=0, other=0, status=1),
    Retry(total=1, connect=0, read=0, other=0, status=None),
], ids=repr)
def test_a_session_that_would_retry_is_refused(retry: Retry) -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    with pytest.raises(InputError) as caught:
        transport.check_no_retries(session, "https://iot.example/v2")
    problem = caught.value.problems[0]
    assert problem.field == "session"
    assert str(problem.rule) == (f"its adapter for https://iot.example/v2 retries ({retry!r}); "
                                 + RETRY_RULE)
    assert str(problem.hint) == ("mount requests.adapters.HTTPAdapter(max_retries=0), or pass "
                                 "no session")


@pytest.mark.parametrize("retry", [
    Retry(total=0), Retry(total=False), Retry(0, read=False),
    Retry(total=None, connect=0, read=0, other=0, status=0),
    Retry(total=None, connect=False, read=False, other=False, status=False),
    Retry(total=5, connect=0, read=False, other=0, status=0),
], ids=repr)
def test_a_session_that_cannot_retry_is_accepted(retry: Retry) -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    transport.check_no_retries(session, "https://iot.example/v2")


def test_the_kits_own_session_never_retries_on_either_scheme() -> None:
    session = transport.no_retry_session()
    for url in ("http://127.0.0.1/", "https://iot.example/"):
        retry = session.get_adapter(url).max_retries  # type: ignore[attr-defined]
        assert (retry.total, retry.read) == (0, False)
        transport.check_no_retries(session, url)
