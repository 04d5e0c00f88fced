"""Hostile input to the sandbox over real HTTP: arbitrary text and bytes in every query
parameter, in paths, in headers and in bodies, sent to every route.

Whatever arrives, the answer is a JSON body under an HTTP status below 500 (the platform's
envelope for API outcomes, the transport envelope for HTTP-level refusals), the sandbox
records no internal error, and a good request succeeds after each batch.
``test_sandbox_fuzz.py`` fuzzes parameter text through ``requests`` and raw request targets;
this module adds raw bytes in names and values (percent-encoded and not), paths, headers,
bodies and the JSON of the sandbox's own routes.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.catalogue import all_codes
from smskit.clock import FixedClock
from smskit.sandbox import RatePolicy, Sandbox
from tests.fixtures.sandbox import API_PATH, START_MS, post_api, raw_exchange, signed_query
from tests.test_hostile_request import hostile_text

CODES = {entry.code for entry in all_codes()}
NAMES = ["codeType", "internationalCode", "phone", "random", "signature", "ts", "userDomain"]
ROUTES = [API_PATH, "/", "/_sandbox/health", "/_sandbox/outbox", "/_sandbox/verify",
          "/_sandbox/faults", "/_sandbox/reset", "/_sandbox/clock", "/_sandbox/domains",
          "/_sandbox/openapi.json", "/_sandbox/requests"]
METHODS = [b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"PATCH", b"BREW"]
HOSTILE = settings(max_examples=120, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])
#: Statuses a hostile request may get: API answers, and the transport refusals.
ALLOWED = {200, 400, 404, 405, 408, 409, 413, 414, 417, 431}


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    with Sandbox(clock=FixedClock(START_MS), policy=RatePolicy.unlimited()) as box:
        yield box
        assert box.internal_errors == 0


def assert_still_serving(box: Sandbox) -> None:
    """A correctly signed request right after the batch is delivered."""
    box.reset()  # the batch may have armed injected failures (/_sandbox/faults)
    before = len(box.outbox())
    assert post_api(box, signed_query(box))["code"] == 200
    assert len(box.outbox()) == before + 1
    assert box.internal_errors == 0


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Every response in ``raw`` (an interim ``100 Continue`` and then the answer)."""
    found = []
    while raw:
        head, separator, rest = raw.partition(b"\r\n\r\n")
        assert separator, f"a response without the end of its headers: {raw[:200]!r}"
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        found.append((status, headers, rest[:length]))
        raw = rest[length:]
    return found


def check_answer(raw: bytes, method: bytes = b"POST") -> int:
    """Every answer is JSON under a status below 500; returns the first final status.

    Bytes after a request that declared no body are read as a further request, so one
    exchange can hold several answers (and an interim ``100 Continue``).
    """
    answers = [answer for answer in responses(raw) if answer[0] != 100]
    assert answers, "no answer at all"
    for index, (status, headers, body) in enumerate(answers):
        assert status in ALLOWED, (status, body[:300])
        assert headers["content-type"].startswith("application/json")
        if method == b"HEAD" and index == 0:
            continue
        payload = json.loads(body)
        assert isinstance(payload, dict)
        if set(payload) == {"code", "msg", "data", "extMsg"} and status == 200:
            assert payload["code"] in CODES
            assert "internal error" not in (payload["extMsg"] or "")
        elif status != 200:
            assert payload["code"] == status
    return answers[0][0]


def as_bytes(text: str) -> bytes:
    """Text as bytes, lone surrogates included (as CESU-8: bytes that are not UTF-8)."""
    return text.encode("utf-8", "surrogatepass")


def http_request(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
                 body: bytes = b"", *, length: bool = True) -> bytes:
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    if body and length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# -- query parameters -----------------------------------------------------------------------

raw_bytes = st.binary(max_size=40)
param_names = st.one_of(st.sampled_from([*NAMES, "PHONE", "ts[]", "a=b"]).map(str.encode),
                        hostile_text.map(as_bytes), raw_bytes)
param_values = st.one_of(raw_bytes, hostile_text.map(as_bytes))
_UNSAFE_RAW = frozenset(b" \r\n#")


def test_any_bytes_in_any_query_parameter(shared: Sandbox) -> None:
    @HOSTILE
    @given(changes=st.dictionaries(param_names, st.one_of(st.none(), param_values),
                                   min_size=1, max_size=5),
           encode=st.booleans())
    def one(changes: dict[bytes, bytes | None], encode: bool) -> None:
        before = shared.internal_errors  # this example's own errors, not earlier ones'
        query = {name.encode(): value.encode() for name, value in signed_query(shared).items()}
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = value
        if encode:  # as a client library would send it: every byte percent-encoded
            parts = [quote_from_bytes(k, safe="").encode() + b"=" +
                     quote_from_bytes(v, safe="").encode() for k, v in query.items()]
        else:  # raw bytes spliced into the request line (as a broken client would)
            parts = [bytes(b for b in k + b"=" + v if b not in _UNSAFE_RAW)
                     for k, v in query.items()]
        target = API_PATH.encode() + b"?" + b"&".join(parts)
        check_answer(raw_exchange(shared, http_request(b"POST", target)))
        assert shared.internal_errors == before

    one()
    assert_still_serving(shared)


# -- paths and methods ----------------------------------------------------------------------

def test_any_path_with_any_method(shared: Sandbox) -> None:
    @HOSTILE
    @given(prefix=st.sampled_from(["", *ROUTES]), rest=hostile_text,
           method=st.one_of(st.sampled_from(METHODS),
                            st.text(string.ascii_letters + "!#$%&'*+-.^_`|~", min_size=1,
                                    max_size=12).map(str.encode)),
           encode=st.booleans())
    def one(prefix: str, rest: str, method: bytes, encode: bool) -> None:
        before = shared.internal_errors  # this example's own errors, not earlier ones'
        path = as_bytes(prefix + rest)
        if encode:
            target = quote_from_bytes(path, safe="/?&=%").encode()
        else:
            target = bytes(b for b in path if b not in _UNSAFE_RAW)
        if not target.startswith(b"/"):
            target = b"/" + target
        check_answer(raw_exchange(shared, http_request(method, target)), method)
        assert shared.internal_errors == before

    one()
    assert_still_serving(shared)


# -- absolute-form targets (RFC 9112 3.2.2) --------------------------------------------------

#: Targets that are not a path and not a well-formed http(s) URL: each is the client's mistake.
MALFORMED_ABSOLUTE = [
    b"http://x:badport/_sandbox/health", b"http://", b"http:///", b"http://?a=1",
    b"http://[::1", b"http://[::1/_sandbox/health", b"http://[1:2:3]/", b"http://[v1.x]/",
    b"http://[::1]x/", b"http://[::1]:80:80/", b"http://]/", b"https://x:99999/",
    b"http://x:-1/", b"http://x:+1/", b"http://x:1_000/", b"http://x:80:80/",
    b"http://u@x/", b"http://@/", b"http://%zz/", b"http://x%/", b"http:x", b"https:",
    b"http:\\\\x/", b"ftp://x/", b"file:///etc/passwd", b"javascript:alert(1)",
    b"HTTPS://[::1", b"*", b"x", b"http://x/\x00", b"http://x/\x7f", b"http://\x01/",
    b"http://x\x00:80/", b"\x00/", b"/\x1b[2J",
]


@pytest.mark.parametrize("target", MALFORMED_ABSOLUTE)
def test_a_malformed_absolute_target_is_a_400_envelope(shared: Sandbox, target: bytes) -> None:
    for method in (b"GET", b"POST"):
        status, headers, body = responses(raw_exchange(shared, http_request(method, target)))[0]
        assert status == 400 and headers["content-type"].startswith("application/json")
        payload = json.loads(body)
        assert payload["code"] == 400 and payload["msg"] == "Bad Request" and payload["extMsg"]
        assert shared.internal_errors == 0


@pytest.mark.parametrize("target", [b"http://127.0.0.1/_sandbox/health",
                                    b"HTTP://localhost:8765/_sandbox/health?",
                                    b"https://[::1]:1/_sandbox/health#top",
                                    b"http://a.b-c_d~e%41:/_sandbox/health"])
def test_a_well_formed_absolute_target_is_served(shared: Sandbox, target: bytes) -> None:
    status, _, body = responses(raw_exchange(shared, http_request(b"GET", target)))[0]
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_any_absolute_looking_target(shared: Sandbox) -> None:
    @HOSTILE
    @given(scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "h", "", "1x"]),
           separator=st.sampled_from([":", "://", ":/", "//", ":\\\\"]),
           authority=st.text(string.printable.strip() + "[]@:%", max_size=30),
           route=st.sampled_from(["", *ROUTES]), method=st.sampled_from(METHODS))
    def one(scheme: str, separator: str, authority: str, route: str, method: bytes) -> None:
        before = shared.internal_errors  # this example's own errors, not earlier ones'
        target = (scheme + separator + authority + route).encode("ascii")
        if not target or b" " in target:
            return
        check_answer(raw_exchange(shared, http_request(method, target)), method)
        assert shared.internal_errors == before

    one()
    assert_still_serving(shared)


# -- headers --------------------------------------------------------------------------------

_SPECIAL = {
    b"Content-Length": [b"0", b"3", b"-1", b"abc", b" 0 ", b"99999999999999999999", b"0, 0",
                        b"\xb2"],
    b"Transfer-Encoding": [b"chunked", b"identity", b"gzip, chunked", b""],
    b"Expect": [b"100-continue", b"200-ok", b""],
    b"Content-Type": [b"application/json", b"text/plain; charset=\xff", b"multipart/form-data"],
    b"Connection": [b"keep-alive", b"close, upgrade", b"\x00"],
    b"Host": [b"", b"\xff\xfe", b"[::1]:99999"],
}
header_names = st.one_of(st.sampled_from(sorted(_SPECIAL)),
                         st.binary(min_size=1, max_size=20).filter(
                             lambda b: not set(b) & set(b":\r\n")),
                         st.text(string.ascii_letters + "-_", min_size=1, max_size=20)
                         .map(str.encode))
header_values = st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b)


@st.composite
def header_lists(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    found = []
    for _ in range(draw(st.integers(1, 6))):
        name = draw(header_names)
        values = _SPECIAL.get(name)
        value = draw(st.sampled_from(values)) if values and draw(st.booleans()) \
            else draw(header_values)
        found.append((name, value))
    return found


def test_any_headers(shared: Sandbox) -> None:
    @HOSTILE
    @given(headers=header_lists(), body=st.sampled_from([b"", b"abc", b"{}"]),
           route=st.sampled_from([API_PATH, "/_sandbox/verify", "/_sandbox/health"]))
    def one(headers: list[tuple[bytes, bytes]], body: bytes, route: str) -> None:
        before = shared.internal_errors  # this example's own errors, not earlier ones'
        target = route.encode()
        if route == API_PATH:
            target += b"?" + "&".join(f"{k}={v}" for k, v in signed_query(shared).items()
                                      ).encode()
        method = b"GET" if route.endswith("health") else b"POST"
        raw = raw_exchange(shared, http_request(method, target, headers, body, length=False))
        declared = [v for n, v in headers if n.strip().lower() == b"content-length"]
        if raw == b"":
            # The only silent close: the client declared a body it then did not send.
            assert any(v.strip().isdigit() and int(v) > len(body) for v in declared), headers
        else:
            check_answer(raw, method)
        assert shared.internal_errors == before

    one()
    assert_still_serving(shared)


# -- bodies ---------------------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30),
                         st.floats(allow_nan=True, allow_infinity=True), hostile_text,
                         st.sampled_from(["9" * 5000, "3", "042517", "13800138000",
                                          "sandbox-demo", "", " "]))
json_values = st.recursive(json_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)),
    max_leaves=12)
#: A field's value: hostile text, digit runs of every length (int64, int()'s 4300-digit
#: limit), lone surrogates as JSON spells them, or any JSON at all.
field_values = st.one_of(hostile_text, st.integers(0, 6000).map(lambda n: "7" * n),
                         st.sampled_from(["\ud800", "x\udcff", "", " "]), json_values)
#: A valid body for each sandbox route that reads JSON; the fuzz changes some of its fields.
VALID_BODY: dict[str, dict[str, Any]] = {
    "/_sandbox/verify": {"phone": "13800138000", "codeType": 3, "code": "123456",
                         "internationalCode": "86", "userDomain": "sandbox-demo"},
    "/_sandbox/faults": {"userDomain": "sandbox-demo", "phone": "13800138000", "count": 1},
    "/_sandbox/clock": {"nowMs": START_MS, "advanceMs": 0},
    "/_sandbox/reset": {"parts": ["outbox", "rates"]},
}


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: lone surrogates travel as \\udXXX


_SPECIAL_BODIES = [
    b"[" * 5000 + b"]" * 5000, b'{"count": ' + b"9" * 5000 + b"}", b"\xef\xbb\xbf{}",
    b'{"phone": "\xff"}', b'{"phone": "\\ud800"}', b"null", b'"text"', b"{" * 3000]


@st.composite
def bodies_for(draw: st.DrawFn, route: str) -> bytes:
    """Bytes, any JSON, JSON objects with the route's own fields, or known troublemakers."""
    kind = draw(st.sampled_from(["bytes", "json", "fields", "fields", "fields", "special"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "json":
        return _json_bytes(draw(json_values))
    if kind == "special":
        return draw(st.sampled_from(_SPECIAL_BODIES))
    fields = dict(VALID_BODY.get(route, VALID_BODY["/_sandbox/verify"]))
    changes = draw(st.dictionaries(st.sampled_from([*fields, "extra"]),
                                   st.one_of(st.none(), field_values), min_size=1, max_size=2))
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return _json_bytes(fields)


def test_any_body_to_any_route(shared: Sandbox) -> None:
    @settings(HOSTILE, max_examples=300)
    @given(route=st.sampled_from([*ROUTES, *VALID_BODY, *VALID_BODY]),
           method=st.sampled_from([b"POST", b"POST", b"GET"]),
           data=st.data(),
           content_type=st.sampled_from([None, b"application/json", b"text/plain",
                                         b"application/x-www-form-urlencoded"]))
    def one(route: str, method: bytes, data: st.DataObject, content_type: bytes | None) -> None:
        body = data.draw(bodies_for(route), label="body")
        before = shared.internal_errors  # this example's own errors, not earlier ones'
        headers = [(b"Content-Type", content_type)] if content_type else []
        raw = http_request(method, route.encode(), headers, body or b"")
        if not body:  # an explicit empty body
            raw = raw.replace(b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n", 1)
        check_answer(raw_exchange(shared, raw), method)
        assert shared.internal_errors == before

    one()
    assert_still_serving(shared)


@pytest.mark.parametrize(("route", "body"), [
    ("/_sandbox/verify", {"phone": "13800138000", "codeType": "9" * 5000, "code": "123456"}),
    ("/_sandbox/faults", {"phone": "138\ud800", "count": 1}),
    ("/_sandbox/faults", {"userDomain": "\udcff", "count": 1}),
    ("/_sandbox/clock", {"nowMs": 10**400}),
    ("/_sandbox/clock", {"advanceMs": -(10**30)}),
    ("/_sandbox/reset", {"parts": ["outbox"] * 1000}),
])
def test_sandbox_routes_answer_400_or_200_for_odd_json(
    shared: Sandbox, route: str, body: dict[str, Any],
) -> None:
    """Regressions: a 5000-digit codeType in /_sandbox/verify raised inside int(), and a lone
    surrogate (valid JSON: ``"\\ud800"``) echoed back by /_sandbox/faults could not be encoded
    as UTF-8. Both were internal errors."""
    answer = requests.post(shared.base_url + route, data=_json_bytes(body), timeout=10)
    assert answer.status_code in {200, 400}
    assert answer.headers["Content-Type"].startswith("application/json")
    assert isinstance(answer.json(), dict)
    assert shared.internal_errors == 0
    assert_still_serving(shared)


#: Depths of a nested field value: over the limit, around where Python's own recursion gives
#: out (the parser, or the encoder that repeats a refused value, one frame deeper), far past.
_DEPTHS = [32, 500, *range(975, 995), 30_000]


@pytest.mark.parametrize("route", sorted(VALID_BODY))
def test_a_deeply_nested_value_is_400_too_deep_in_every_route(shared: Sandbox,
                                                              route: str) -> None:
    """Regression: ``{"parts": [[[...]]]}`` 981 lists deep passed the parser, then broke the
    encoder that repeats a refused value (an internal error). A body nesting deeper than 32
    levels is refused before any route reads it."""
    for field in VALID_BODY[route]:
        for depth in _DEPTHS:
            body = ('{"' + field + '": ' + "[" * depth + "]" * depth + "}").encode()
            answer = requests.post(shared.base_url + route, data=body, timeout=10)
            assert (answer.status_code, answer.json()["extMsg"]) == (
                400, "the request body nests deeper than 32 levels; its fields are plain "
                     "values or lists of them"), (route, field, depth)
    assert shared.internal_errors == 0
    assert_still_serving(shared)


#: Bodies whose refusal would repeat a huge value: thousands of unknown fields, a long list
#: where text belongs, a reset naming thousands of parts.
_HUGE_VALUES = [
    ("/_sandbox/verify", {f"field{n}": n for n in range(3000)}),
    ("/_sandbox/verify", {"phone": list(range(10_000)), "codeType": 3, "code": "1"}),
    ("/_sandbox/faults", {"count": "9" * 20_000}),
    ("/_sandbox/clock", {f"later{n}": n for n in range(3000)}),
    ("/_sandbox/clock", {"nowMs": [START_MS] * 3000}),
    ("/_sandbox/reset", {"parts": ["outbox"] * 5000 + ["inbox"]}),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refusal_repeats_at_most_150_characters_of_a_huge_value(lang: str) -> None:
    """Each refusal names the field and the rule in the sandbox's language, and repeats only
    the start of what was sent (cut with ``…``): a 60 KB body never makes a 60 KB answer."""
    with Sandbox(lang=lang, clock=FixedClock(START_MS)) as box:
        for route, body in _HUGE_VALUES:
            answer = requests.post(box.base_url + route, data=_json_bytes(body), timeout=10)
            assert answer.status_code == 400, (route, answer.text[:200])
            ext_msg = answer.json()["extMsg"]
            assert len(ext_msg) < 400 and "…" in ext_msg, (route, ext_msg)
            assert bool(re.search(r"[\u4e00-\u9fff]", ext_msg)) == (lang == "zh"), ext_msg
        assert box.internal_errors == 0


def test_any_body_to_a_chinese_sandbox() -> None:
    """The same fuzz as :func:`test_any_body_to_any_route`, against a sandbox answering in
    Chinese: its refusals are keyed texts filled with hostile values."""
    with Sandbox(lang="zh", clock=FixedClock(START_MS), policy=RatePolicy.unlimited()) as box:
        @settings(HOSTILE, max_examples=120)
        @given(route=st.sampled_from(list(VALID_BODY)), data=st.data())
        def one(route: str, data: st.DataObject) -> None:
            body = data.draw(bodies_for(route), label="body")
            raw = http_request(b"POST", route.encode(), [(b"Content-Type", b"application/json")],
                               body or b"")
            if not body:
                raw = raw.replace(b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n", 1)
            check_answer(raw_exchange(box, raw))
            assert box.internal_errors == 0

        one()
        assert_still_serving(box)


def test_percent_encoded_surrogate_bytes_are_refused_as_not_utf8(shared: Sandbox) -> None:
    """CESU-8 / WTF-8 bytes of a lone surrogate are not UTF-8: a 400 naming the parameter."""
    target = API_PATH + "?" + "&".join(
        f"{k}={quote(v, safe='')}" for k, v in signed_query(shared).items()
        if k != "phone") + "&phone=%ED%A0%80"
    status = check_answer(raw_exchange(shared, http_request(b"POST", target.encode())))
    assert status == 400
