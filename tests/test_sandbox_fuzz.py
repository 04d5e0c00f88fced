"""Generated input against one running sandbox: every answer is a JSON envelope with a
catalogued code or a 4xx transport error, and no input makes the sandbox hit an internal
error (which it would answer as 5000 and count)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.catalogue import all_codes
from smskit.clock import FixedClock
from smskit.sandbox import RatePolicy, Sandbox
from tests.fixtures.sandbox import API_PATH, START_MS, parse_response, read_all, signed_query

NAMES = ["codeType", "internationalCode", "phone", "random", "signature", "ts", "userDomain"]
CODES = {entry.code for entry in all_codes()}
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with Sandbox(clock=FixedClock(START_MS), policy=RatePolicy.unlimited()) as box:
        yield box
        assert box.internal_errors == 0


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789", max_size=20),
    st.sampled_from(["", " ", "+86", "86", "13800138000", "sandbox-demo", "3", "0", "-1",
                     "1744773894369", "a" * 64, "A" * 64, "\x00", "١٢٣", "\ud7ff"]),
)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from([*NAMES, "extra", "PHONE"]),
                               st.one_of(st.none(), values), max_size=5))
def test_any_parameter_values_get_an_envelope(
    shared: Sandbox, http: requests.Session, changes: dict[str, str | None]
) -> None:
    query = signed_query(shared)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    target = "&".join(f"{quote(k, safe='')}={quote(v, safe='', errors='surrogatepass')}"
                      for k, v in query.items())
    answer = http.post(f"{shared.base_url}{API_PATH}?{target}", timeout=10)
    assert answer.status_code in {200, 400}
    body = answer.json()
    assert set(body) == {"code", "msg", "data", "extMsg"}
    if answer.status_code == 200:
        assert body["code"] in CODES
        assert "internal error" not in (body["extMsg"] or "")
    assert shared.internal_errors == 0


@FUZZ
@given(target=st.binary(min_size=1, max_size=200).filter(lambda b: b" " not in b
                                                         and b"\r" not in b
                                                         and b"\n" not in b),
       method=st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"X"]))
def test_any_request_target_gets_a_json_answer(
    shared: Sandbox, target: bytes, method: bytes
) -> None:
    raw = method + b" " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection((shared.host, shared.port), timeout=10) as sock:
        sock.sendall(raw)
        reply = read_all(sock)
    status, headers, body = parse_response(reply)
    assert status in {200, 400, 404, 405}
    assert headers["content-type"].startswith("application/json")
    if method != b"HEAD":
        payload = json.loads(body)
        assert isinstance(payload, dict)
        if status != 200:  # the sandbox extras answer plain JSON objects; errors: envelopes
            assert set(payload) == {"code", "msg", "data", "extMsg"}
            assert payload["code"] == status
    assert shared.internal_errors == 0
