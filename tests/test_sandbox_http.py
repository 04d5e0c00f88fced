"""What reaches the sandbox that is not a well-formed API call: every answer is JSON, never a
500, and the server keeps serving afterwards. Raw sockets where requests would tidy the input.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from smskit.sandbox import Sandbox, ServerLimits
from tests.fixtures.sandbox import (
    API_PATH,
    parse_response,
    post_api,
    raw_exchange,
    read_all,
    send_code,
    signed_query,
)


def assert_still_serving(sb: Sandbox) -> None:
    """A good request right after the bad one succeeds."""
    sb.reset()
    assert send_code(sb)["code"] == 200


def transport_error(raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    status, headers, body = parse_response(raw)
    assert status != 500
    assert headers["content-type"].startswith("application/json")
    payload = json.loads(body)
    assert set(payload) == {"code", "msg", "data", "extMsg"}
    assert payload["code"] == status and payload["data"] is None
    return status, headers, payload


def request_bytes(target: str | bytes, *, method: bytes = b"POST",
                  extra: bytes = b"", body: bytes = b"") -> bytes:
    target_bytes = target.encode("ascii") if isinstance(target, str) else target
    head = (method + b" " + target_bytes + b" HTTP/1.1\r\nHost: sandbox\r\n"
            b"Connection: close\r\n" + extra)
    if body:
        head += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    return head + b"\r\n" + body


# -- paths and methods -----------------------------------------------------------------------

def test_an_unknown_path_is_404_json_listing_the_api(sandbox: Sandbox) -> None:
    answer = requests.post(sandbox.base_url + "/v2/sms/sendPhoneSmsCode", timeout=5)
    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] == 404 and API_PATH in body["extMsg"]
    assert body["extMsg"].startswith('no such path "/v2/sms/sendPhoneSmsCode". Known paths: ')
    assert_still_serving(sandbox)


def test_a_long_unknown_path_is_repeated_only_to_150_characters(sandbox: Sandbox) -> None:
    answer = requests.get(sandbox.base_url + "/" + "a" * 5_000, timeout=5)
    assert answer.status_code == 404
    said = answer.json()["extMsg"]
    assert said.startswith('no such path "/' + "a" * 148 + '…. Known paths: '), said[:200]
    assert len(said) < 1_000


def test_a_near_miss_path_gets_a_hint(sandbox: Sandbox) -> None:
    answer = requests.post(sandbox.base_url + API_PATH.lower() + "/", timeout=5)
    assert answer.status_code == 404
    assert f"did you mean {API_PATH}" in answer.json()["extMsg"]


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("GET", API_PATH, "POST"), ("PUT", API_PATH, "POST"), ("DELETE", API_PATH, "POST"),
    ("OPTIONS", API_PATH, "POST"), ("POST", "/_sandbox/outbox", "GET, HEAD"),
    ("GET", "/_sandbox/verify", "POST"), ("PATCH", "/_sandbox/health", "GET, HEAD"),
])
def test_a_wrong_method_is_405_json_with_allow(
    sandbox: Sandbox, method: str, path: str, allow: str
) -> None:
    answer = requests.request(method, sandbox.base_url + path, timeout=5)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allow
    assert answer.json()["code"] == 405 and method in answer.json()["extMsg"]
    assert_still_serving(sandbox)


def test_an_unusual_method_token_is_405_too(sandbox: Sandbox) -> None:
    status, headers, _ = transport_error(raw_exchange(sandbox, request_bytes(
        API_PATH, method=b"BREW")))
    assert (status, headers["allow"]) == (405, "POST")
    assert_still_serving(sandbox)


def test_head_answers_headers_only(sandbox: Sandbox) -> None:
    answer = requests.head(sandbox.base_url + "/_sandbox/health", timeout=5)
    assert answer.status_code == 200 and answer.content == b""
    assert int(answer.headers["Content-Length"]) > 0


# -- the query string ------------------------------------------------------------------------

def _api_target(query: str) -> str:
    return f"{API_PATH}?{query}"


def test_a_parameter_sent_twice_is_400_naming_it(sandbox: Sandbox) -> None:
    query = signed_query(sandbox)
    target = _api_target("&".join(f"{k}={v}" for k, v in query.items()) + "&phone=13900139000")
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(target)))
    assert status == 400 and "'phone'" in payload["extMsg"] and "once" in payload["extMsg"]
    assert sandbox.outbox() == []
    assert_still_serving(sandbox)


@pytest.mark.parametrize(("query", "mentions"), [
    ("phone=%ff%fe", "UTF-8"), ("phone=%C3%28", "UTF-8"), ("us%e9rDomain=x", "UTF-8"),
    ("phone=%zz", "percent-escape"), ("phone=100%", "percent-escape"),
    ("phone=%4", "percent-escape"), ("=13800138000", "no name"),
])
def test_a_malformed_query_is_400_saying_what_is_wrong(
    sandbox: Sandbox, query: str, mentions: str
) -> None:
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(_api_target(query))))
    assert status == 400 and mentions in payload["extMsg"]
    assert_still_serving(sandbox)


def test_raw_non_utf8_bytes_in_the_request_line_are_400(sandbox: Sandbox) -> None:
    target = API_PATH.encode() + b"?phone=\xff\xfe138&userDomain=\xc3"
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(target)))
    assert status == 400 and "0xff" in payload["extMsg"] and "percent-encode" in payload["extMsg"]
    assert_still_serving(sandbox)


def test_raw_utf8_text_in_the_request_line_is_400_too(sandbox: Sandbox) -> None:
    target = (API_PATH + "?userDomain=演示").encode("utf-8")
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(target)))
    assert status == 400 and "printable ASCII" in payload["extMsg"]


def test_percent_encoded_utf8_reaches_the_endpoint(sandbox: Sandbox) -> None:
    answer = post_api(sandbox, {**signed_query(sandbox), "userDomain": "演示域"})
    assert answer["code"] == 5015 and "演示域" in answer["extMsg"]


def test_control_characters_in_a_value_are_judged_by_the_endpoint(sandbox: Sandbox) -> None:
    answer = post_api(sandbox, {**signed_query(sandbox), "phone": "138\x00138000"})
    assert answer["code"] == 5019


def test_unknown_parameters_are_ignored_but_mentioned_when_one_is_missing(
    sandbox: Sandbox,
) -> None:
    query = signed_query(sandbox)
    query["phoneNumber"] = query.pop("phone")
    answer = post_api(sandbox, query)
    assert answer["code"] == 5021 and "phoneNumber" in answer["extMsg"]
    assert post_api(sandbox, {**signed_query(sandbox), "extra": "1"})["code"] == 200


@pytest.mark.parametrize(("field", "code"), [
    ("phone", 5019), ("userDomain", 5015), ("random", 5421), ("signature", 5421),
    ("codeType", 5000), ("internationalCode", 5019), ("ts", 5145),
])
def test_a_huge_value_is_an_envelope_not_a_crash(sandbox: Sandbox, field: str, code: int) -> None:
    answer = post_api(sandbox, {**signed_query(sandbox), field: "9" * 6000})
    assert answer["code"] == code
    assert answer["extMsg"].startswith(field)
    assert len(answer["extMsg"]) < 600  # the value is not echoed back whole
    assert_still_serving(sandbox)


def test_a_request_line_over_the_limit_is_414(sandbox: Sandbox) -> None:
    target = _api_target("phone=" + "1" * 100_000)
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(target)))
    assert status == 414 and "8192" in payload["extMsg"]
    assert_still_serving(sandbox)


# -- bodies ----------------------------------------------------------------------------------

def test_a_json_body_instead_of_a_query_string_is_400_saying_where_parameters_go(
    sandbox: Sandbox,
) -> None:
    answer = requests.post(sandbox.base_url + API_PATH, json=signed_query(sandbox), timeout=5)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == 400 and "query string" in body["extMsg"]
    assert "application/json" in body["extMsg"]
    assert sandbox.outbox() == []
    assert_still_serving(sandbox)


def test_a_body_next_to_a_good_query_is_ignored(sandbox: Sandbox) -> None:
    answer = requests.post(sandbox.base_url + API_PATH, params=signed_query(sandbox),
                           json={"phone": "13900139000"}, timeout=5)
    assert answer.json()["code"] == 200
    assert [d.phone for d in sandbox.outbox()] == ["13800138000"]


def test_a_body_over_the_limit_is_413(sandbox: Sandbox) -> None:
    body = b"x" * 200_000
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(API_PATH,
                                                                             body=body)))
    assert status == 413 and payload["extMsg"] == (
        "the request body of 200000 bytes is over the sandbox's limit of 65536; "
        "the API takes an empty body")
    assert_still_serving(sandbox)


def test_a_body_over_the_limit_on_a_sandbox_route_says_what_that_route_takes(
        sandbox: Sandbox) -> None:
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(
        "/_sandbox/verify", body=b"{" * 70_000)))
    assert status == 413 and payload["extMsg"] == (
        "the request body of 70000 bytes is over the sandbox's limit of 65536; "
        "its /_sandbox/ routes take a small JSON object")
    assert_still_serving(sandbox)


@pytest.mark.parametrize("header", [b"Content-Length: abc\r\n", b"Content-Length: -5\r\n",
                                    b"Content-Length: 5\r\nContent-Length: 6\r\n",
                                    b"Content-Length: \xb2\r\n"])
def test_a_broken_content_length_is_400(sandbox: Sandbox, header: bytes) -> None:
    status, _, payload = transport_error(raw_exchange(sandbox, request_bytes(API_PATH,
                                                                             extra=header)))
    assert status == 400 and "Content-Length" in payload["extMsg"]
    assert_still_serving(sandbox)


def test_a_chunked_body_is_refused_clearly(sandbox: Sandbox) -> None:
    extra = b"Transfer-Encoding: chunked\r\n"
    raw = request_bytes(API_PATH, extra=extra) + b"5\r\nhello\r\n0\r\n\r\n"
    status, _, payload = transport_error(raw_exchange(sandbox, raw))
    assert status == 400 and "query string" in payload["extMsg"]
    assert_still_serving(sandbox)


# -- the request line and headers ------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /\r\n\r\n", 400),                                # HTTP/0.9
    (b"GET / HTTP/2.0\r\n\r\n", 505),
    (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
    (b"GET  / HTTP/1.1\r\n\r\n", 400),
    (b"G(T / HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTX/1.1\r\n\r\n", 400),
    (b"POST relative/path HTTP/1.1\r\n\r\n", 400),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(40)) + b"\r\n\r\n", 400),
])
def test_an_unparseable_request_line_is_a_json_error(
    sandbox: Sandbox, raw: bytes, expected: int
) -> None:
    status, _, payload = transport_error(raw_exchange(sandbox, raw))
    assert status == expected and payload["extMsg"]
    assert_still_serving(sandbox)


def test_too_many_headers_is_431_json(sandbox: Sandbox) -> None:
    extra = b"".join(b"X-H%d: v\r\n" % n for n in range(150))
    status, _, _ = transport_error(raw_exchange(sandbox, request_bytes("/_sandbox/health",
                                                                       method=b"GET",
                                                                       extra=extra)))
    assert status == 431
    assert_still_serving(sandbox)


def test_an_absolute_form_target_is_understood(sandbox: Sandbox) -> None:
    raw = request_bytes(f"http://127.0.0.1:{sandbox.port}/_sandbox/health", method=b"GET")
    status, _, body = parse_response(raw_exchange(sandbox, raw))
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_blank_connections_and_a_bare_newline_are_closed_quietly(sandbox: Sandbox) -> None:
    assert raw_exchange(sandbox, b"") == b""
    assert raw_exchange(sandbox, b"\r\n") == b""
    assert_still_serving(sandbox)


# -- clients that misbehave in time ----------------------------------------------------------

@pytest.mark.parametrize("partial", [
    b"POST " + API_PATH.encode(),                                  # mid request line
    b"POST / HTTP/1.1\r\nHost: x\r\nX-Half: ",                     # mid headers
    b"POST /_sandbox/verify HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"phone\"",  # mid body
])
def test_a_client_that_disconnects_mid_request_does_not_hurt(
    sandbox: Sandbox, partial: bytes
) -> None:
    for _ in range(3):
        with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
            sock.sendall(partial)
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(partial)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert_still_serving(sandbox)


def test_a_client_that_leaves_before_reading_the_answer_does_not_hurt(sandbox: Sandbox) -> None:
    query = "&".join(f"{k}={v}" for k, v in signed_query(sandbox).items())
    for _ in range(3):
        with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
            sock.sendall(request_bytes(_api_target(query)))
    time.sleep(0.05)
    assert len(sandbox.outbox()) == 1  # the first was delivered; the rest were rate limited
    assert_still_serving(sandbox)


def test_a_slow_client_is_cut_off_at_the_deadline(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox(limits=ServerLimits(request_timeout_ms=300))
    with socket.create_connection((box.host, box.port), timeout=5) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\n")
        started = time.monotonic()
        for tick in range(10):  # a header byte every 100 ms keeps a per-read timeout happy
            try:
                slow.sendall(b"X")
            except OSError:  # the server has given up on us
                break
            time.sleep(0.1)
            # meanwhile, others are served
            assert send_code(box, random_text=f"{tick:016d}")["code"] in {200, 5058}
        answer = read_all(slow)
        assert time.monotonic() - started < 3
    status, _, payload = transport_error(answer)
    assert status == 408 and "in time" in payload["extMsg"]
    assert_still_serving(box)


def test_an_idle_kept_alive_connection_is_closed_after_the_deadline(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    box = make_sandbox(limits=ServerLimits(request_timeout_ms=200))
    with socket.create_connection((box.host, box.port), timeout=5) as idle:
        idle.sendall(request_bytes("/_sandbox/health", method=b"GET").replace(
            b"Connection: close\r\n", b""))
        first = idle.recv(65536)
        assert parse_response(first)[0] == 200
        assert read_all(idle) == b""  # closed by the server, without a second answer


def test_connections_beyond_the_limit_get_503_json(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox(limits=ServerLimits(max_connections=2))
    holders = [socket.create_connection((box.host, box.port), timeout=5) for _ in range(2)]
    try:
        deadline = time.monotonic() + 5
        while box.open_connections < 2:  # both accepted and held by their threads
            assert time.monotonic() < deadline, "the sandbox never accepted both connections"
            time.sleep(0.01)
        status, _, payload = transport_error(raw_exchange(box, request_bytes(
            "/_sandbox/health", method=b"GET")))
        assert status == 503 and "2 connections" in payload["extMsg"]
    finally:
        for sock in holders:
            sock.close()
    deadline = time.monotonic() + 5
    while True:  # the freed slots are reused
        try:
            assert_still_serving(box)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_keep_alive_serves_several_requests_on_one_connection(sandbox: Sandbox) -> None:
    one = request_bytes("/_sandbox/health", method=b"GET").replace(b"Connection: close\r\n", b"")
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(one + one + request_bytes("/_sandbox/health", method=b"GET"))
        raw = read_all(sock)
    assert raw.count(b"HTTP/1.1 200 OK") == 3


@pytest.mark.parametrize("line", [b"NoColonHere\r\n", b" folded: value\r\n",
                                  b"Bad Name: x\r\n", b": no name\r\n", b"X\x00Y: z\r\n"])
def test_a_header_line_that_is_not_name_colon_value_is_400(sandbox: Sandbox, line: bytes) -> None:
    raw = request_bytes("/_sandbox/health", method=b"GET", extra=line)
    status, _, payload = transport_error(raw_exchange(sandbox, raw))
    assert status == 400 and "header line" in payload["extMsg"]
    assert_still_serving(sandbox)


@pytest.mark.parametrize(("connection", "answers"), [(b"", 1), (b"Connection: keep-alive\r\n", 2)])
def test_http_1_0_closes_unless_asked_to_keep_alive(
    sandbox: Sandbox, connection: bytes, answers: int
) -> None:
    one = b"GET /_sandbox/health HTTP/1.0\r\nHost: sandbox\r\n" + connection + b"\r\n"
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(one + one.replace(connection, b""))
        raw = read_all(sock)
    assert raw.count(b" 200 OK") == answers


def test_stop_closes_kept_alive_connections(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox()
    url = box.base_url + "/_sandbox/health"
    with requests.Session() as session:
        assert session.get(url, timeout=5).status_code == 200
        box.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, timeout=5)


# -- the safety net --------------------------------------------------------------------------

def test_an_exception_inside_the_sandbox_is_a_5000_envelope_and_serving_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    from smskit.clock import FixedClock
    from tests.fixtures.sandbox import START_MS

    with Sandbox(clock=FixedClock(START_MS)) as box:
        def broken(*args: Any, **kwargs: Any) -> Any:
            raise ZeroDivisionError("planted")

        with monkeypatch.context() as patch:
            patch.setattr(box.platform, "send_phone_sms_code", broken)
            with caplog.at_level("ERROR", logger="smskit.sandbox"):
                answer = post_api(box, signed_query(box))
        assert answer["code"] == 5000 and "internal error" in answer["extMsg"]
        assert box.internal_errors == 1
        assert "planted" in caplog.text
        assert send_code(box)["code"] == 200


def test_the_http_layer_imports_nothing_from_the_api_layer() -> None:
    import ast
    from pathlib import Path

    import smskit.sandbox

    below = {"smskit.sandbox.wire", "smskit.sandbox.policy"}
    for name in ("server.py", "wire.py", "policy.py"):
        tree = ast.parse((Path(smskit.sandbox.__file__).parent / name).read_text("utf-8"))
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert {module for module in imported if module.startswith("smskit.sandbox")} <= below


def test_transport_refusals_speak_the_sandboxs_language() -> None:
    from pathlib import Path

    messages = json.loads((Path(__file__).resolve().parents[1] / "smskit/data/messages.json")
                          .read_text(encoding="utf-8"))["messages"]

    def zh(key: str, **values: Any) -> str:
        return str(messages[key]["zh"]).format(**values)

    with Sandbox(lang="zh") as box:
        twice = requests.post(f"{box.base_url}{API_PATH}?phone=1&phone=2", timeout=5)
        assert twice.status_code == 400
        assert twice.json()["extMsg"] == zh("sandbox.wire.query_twice", name="'phone'")
        _, _, broken = transport_error(raw_exchange(box, request_bytes(
            "/_sandbox/outbox?phone=%zz", method=b"GET")))  # requests would re-escape it
        assert broken["extMsg"] == zh("query.broken_escape",
                                      what=zh("query.what.param", name="'phone'"),
                                      escape="'%zz'")
        raw = raw_exchange(box, f"POST {API_PATH} HTTP/2.0\r\nHost: x\r\n\r\n".encode())
        status, _, payload = transport_error(raw)
        assert status == 505
        assert payload["extMsg"] == zh("sandbox.server.version_unsupported", version="HTTP/2.0")
        assert payload["msg"] == "HTTP Version Not Supported"  # the reason phrase stays
        assert_still_serving(box)
