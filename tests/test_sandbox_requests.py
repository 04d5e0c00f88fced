"""The sandbox's request log: every answered request, bounded, filterable in Python and over
HTTP, never holding a secret, with the signature doctor's finding for 5420/5421.

Wrong signatures are computed here with hashlib (uppercase hex, a secret with a trailing
newline), not with smskit; the mistake ids expected are the ones in
``smskit/data/signature_mistakes.json``, read directly.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.sandbox import DomainTable, Sandbox
from smskit.sandbox.platform import CHECKS
from tests.fixtures.sandbox import (
    API_PATH,
    DATA,
    PHONE,
    START_MS,
    domain_secret,
    post_api,
    send_code,
    shipped_domains,
    signed_query,
)

CANARY = "CANARY-5ecret-do-not-log-7f3a9c"
POLICY = json.loads((DATA / "sandbox_policy.json").read_text(encoding="utf-8"))
MISTAKES = {row["id"]: row for row in json.loads(
    (DATA / "signature_mistakes.json").read_text(encoding="utf-8"))["mistakes"]}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _log(sb: Sandbox, **filters: str) -> requests.Response:
    return requests.get(sb.base_url + "/_sandbox/requests", params=filters, timeout=5)


def _canary_domains() -> DomainTable:
    raw = copy.deepcopy(shipped_domains())
    demo = next(row for row in raw["domains"] if row["name"] == "sandbox-demo")
    raw["domains"].append({**demo, "name": "canary", "secret": CANARY})
    return DomainTable.from_dict(raw)


def test_every_answered_request_is_recorded_with_the_deciding_check(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    assert send_code(sandbox)["code"] == 5058  # one per codeType per minute
    assert post_api(sandbox, {**signed_query(sandbox), "phone": ""})["code"] == 5021
    assert post_api(sandbox, signed_query(sandbox, offset_ms=600_001))["code"] == 5145
    requests.get(sandbox.base_url + "/_sandbox/outbox", timeout=5)
    requests.get(sandbox.base_url + "/nowhere", timeout=5)
    requests.get(sandbox.base_url + API_PATH, timeout=5)  # 405
    checks = [(r.method, r.status, r.code, r.check) for r in sandbox.requests()]
    assert checks == [
        ("POST", 200, 200, "delivered"),
        ("POST", 200, 5058, "rate_limit"),
        ("POST", 200, 5021, "phone_missing"),
        ("POST", 200, 5145, "ts_window"),
        ("GET", 200, None, "sandbox_outbox"),
        ("GET", 404, 404, "http_404"),
        ("GET", 405, 405, "http_405"),
    ]
    api_checks = {r.check for r in sandbox.requests() if r.path == API_PATH and r.status == 200}
    assert api_checks <= set(CHECKS)
    first = sandbox.requests()[0]
    assert (first.time_ms, first.path, first.user_domain, first.phone) == (
        START_MS, API_PATH, "sandbox-demo", PHONE)
    assert first.query == signed_query(sandbox)  # the signature is kept: it is what was sent
    assert sandbox.internal_errors == 0


def test_the_log_is_bounded_by_the_policy_and_keeps_the_newest(
        make_sandbox: Callable[..., Sandbox]) -> None:
    assert POLICY["request_log"]["max_records"] >= 100
    box = make_sandbox()
    assert box.request_log.limit == POLICY["request_log"]["max_records"]
    small = make_sandbox(request_log_size=5)
    session = requests.Session()
    for index in range(12):
        session.get(small.base_url + "/_sandbox/health", params={"n": str(index)}, timeout=5)
    kept = small.requests()
    assert len(kept) == 5
    assert [r.query["n"] for r in kept] == ["7", "8", "9", "10", "11"]
    body = _log(small).json()
    assert body["maxRecords"] == 5 and len(body["requests"]) == 5


def test_filters_in_python_and_over_http_agree(sandbox: Sandbox) -> None:
    send_code(sandbox)
    sandbox.clock.advance(seconds=61)
    send_code(sandbox, phone="13900139000")
    send_code(sandbox, user_domain="sandbox-disabled")
    sandbox.clock.advance(seconds=1)
    send_code(sandbox, code_type=1)
    # The limits first: each read over HTTP is itself recorded (counted below: API only).
    cases: list[tuple[dict[str, Any], dict[str, str], int]] = [
        ({"limit": 2}, {"limit": "2"}, 2),
        ({"limit": 0}, {"limit": "0"}, 0),
        ({"phone": PHONE}, {"phone": PHONE}, 3),
        ({"user_domain": "sandbox-disabled"}, {"userDomain": "sandbox-disabled"}, 1),
        ({"since_ms": START_MS + 61_000}, {"since": str(START_MS + 61_000)}, 3),
        ({"since_ms": START_MS + 62_000, "phone": PHONE}, {"since": str(START_MS + 62_000),
                                                            "phone": PHONE}, 1),
    ]
    for python, http, count in cases:
        records = sandbox.requests(**python)
        assert len([r for r in records if r.path == API_PATH]) == count, python
        over_http = _log(sandbox, **http).json()["requests"]
        assert over_http == [r.as_dict() for r in records], http
    reads = sandbox.requests(since_ms=START_MS + 62_000)[-len(cases):]
    assert {(r.check, r.user_domain, r.phone) for r in reads} == {
        ("sandbox_requests", None, None)}
    newest_two = sandbox.requests(limit=2)
    assert newest_two == sandbox.requests()[-2:]
    assert sandbox.requests(user_domain="sandbox-disabled")[0].code == 5104


@pytest.mark.parametrize(("filters", "named"), [
    ({"limit": "-1"}, "limit"), ({"limit": "ten"}, "limit"), ({"since": "1e3"}, "since"),
    ({"since": "9" * 40}, "since"), ({"limit": ""}, "limit"), ({"phone": ""}, "phone"),
    ({"userDomain": ""}, "userDomain"), ({"colour": "red"}, "colour"),
])
def test_bad_filters_are_400_envelopes_naming_the_parameter(
        sandbox: Sandbox, filters: dict[str, str], named: str) -> None:
    answer = _log(sandbox, **filters)
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) == {"code", "msg", "data", "extMsg"} and body["code"] == 400
    assert named in body["extMsg"]


@pytest.mark.parametrize("query", [
    "limit=%ff", "since=%", "phone=1&phone=2", "limit=1%00", "userDomain=%ed%a0%80",
    "since=" + "1" * 5000, "phone=" + "%e4%b8%ad" * 500, "=x", "limit=99999999999999999999",
])
def test_hostile_filter_values_never_500(sandbox: Sandbox, query: str) -> None:
    answer = requests.get(f"{sandbox.base_url}/_sandbox/requests?{query}", timeout=5)
    assert answer.status_code in (200, 400)
    assert set(answer.json()) >= {"code", "extMsg"} or "requests" in answer.json()
    assert sandbox.internal_errors == 0


def test_no_secret_is_ever_recorded(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox(domains=_canary_domains())
    good = signed_query(box, user_domain="canary", secret=CANARY)
    assert post_api(box, good)["code"] == 200
    wrong = signed_query(box, user_domain="canary", secret=CANARY + "\n", phone="13900139000")
    assert post_api(box, wrong)["code"] == 5420
    # A client that sends the secret anyway: as a parameter, inside a value, in the path.
    post_api(box, {**good, "userDomainSecret": CANARY})
    post_api(box, {**good, "phone": CANARY})
    requests.get(f"{box.base_url}/{CANARY}?x={CANARY}", timeout=5)
    requests.post(f"{box.base_url}{API_PATH}?secret={CANARY[:5]}&s={CANARY}", timeout=5)
    requests.get(f"{box.base_url}/_sandbox/requests?phone={CANARY}", timeout=5)
    records = box.requests()
    assert len(records) == 7
    dumped = json.dumps([r.as_dict() for r in records], ensure_ascii=False)
    dumped += repr(records)
    over_http = _log(box).text
    for text in (dumped, over_http):
        assert CANARY not in text and CANARY[8:20] not in text
    assert records[2].query["userDomainSecret"] != CANARY
    # Nor the right signature for the wrong request: it would sign it.
    right = _sha(f"13900139000{3}{wrong['random']}{wrong['ts']}{CANARY}")
    assert right not in dumped and right not in over_http


def test_a_wrong_signature_records_the_doctors_finding(sandbox: Sandbox) -> None:
    secret = domain_secret("sandbox-demo")
    upper = signed_query(sandbox)
    upper["signature"] = upper["signature"].upper()
    newline = signed_query(sandbox, secret=secret + "\n")
    unexplained = {**signed_query(sandbox), "signature": _sha("nothing anyone would sign")}
    for query in (upper, newline, unexplained):
        assert post_api(sandbox, query)["code"] == 5420
    notes = [r.diagnosis for r in sandbox.requests()]
    assert [n.mistake_id if n else None for n in notes] == [
        "uppercase-hex", "secret-whitespace", None]
    assert notes[0] is not None and notes[0].title is not None
    assert notes[0].title.en == MISTAKES["uppercase-hex"]["title_en"]
    assert notes[0].title.zh == MISTAKES["uppercase-hex"]["title_zh"]
    assert notes[2] is not None and notes[2].verdict == "unexplained"
    assert [r.check for r in sandbox.requests()] == ["signature"] * 3
    logged = _log(sandbox).json()["requests"][1]["diagnosis"]
    assert logged == {"verdict": "known_mistake", "mistakeId": "secret-whitespace",
                      "title": {"en": MISTAKES["secret-whitespace"]["title_en"],
                                "zh": MISTAKES["secret-whitespace"]["title_zh"]}}


def test_only_signature_answers_carry_a_diagnosis(sandbox: Sandbox) -> None:
    send_code(sandbox)
    post_api(sandbox, {**signed_query(sandbox), "random": "short"})
    assert [r.diagnosis for r in sandbox.requests()] == [None, None]


def test_a_base64_signature_is_5421_and_diagnosed(sandbox: Sandbox) -> None:
    query = signed_query(sandbox)
    digest = bytes.fromhex(query["signature"])
    query["signature"] = base64.b64encode(digest).decode()
    answer = post_api(sandbox, query)
    assert (answer["code"], answer["msg"]) == (5421, "签名验证异常")
    assert "[base64-digest]" in answer["extMsg"]
    record = sandbox.requests()[-1]
    assert record.check == "signature_format"
    assert record.diagnosis is not None and record.diagnosis.mistake_id == "base64-digest"


def test_absurdly_long_values_are_cut(sandbox: Sandbox) -> None:
    cut = POLICY["request_log"]["max_value_chars"]
    post_api(sandbox, {**signed_query(sandbox), "phone": "1" * 3000})
    record = sandbox.requests()[-1]
    assert record.code == 5019 and record.check == "phone_format"
    assert record.phone is not None and len(record.phone) == cut + 1  # and an ellipsis
    assert record.phone.endswith("…")


def test_records_are_frozen_and_json_ready(sandbox: Sandbox) -> None:
    send_code(sandbox)
    record = sandbox.requests()[0]
    with pytest.raises(AttributeError):
        record.status = 500  # type: ignore[misc]
    as_dict = record.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert set(as_dict) == {"timeMs", "method", "path", "params", "status", "code", "check",
                            "userDomain", "phone", "diagnosis"}


def test_requests_frame_is_a_view_of_the_records(sandbox: Sandbox) -> None:
    send_code(sandbox)
    upper = signed_query(sandbox, phone="13900139000")
    post_api(sandbox, {**upper, "signature": upper["signature"].upper()})
    from smskit.teaching.frames import requests_frame

    frame = requests_frame(sandbox.requests())
    assert list(frame["check"]) == ["delivered", "signature"]
    assert list(frame["mistake"]) == ["", "uppercase-hex"]
    assert list(frame["phone"]) == [PHONE, "13900139000"]
    assert list(requests_frame(sandbox.requests(phone=PHONE))["code"]) == [200]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=st.dictionaries(
    st.sampled_from(["userDomain", "phone", "since", "limit", "other"]),
    st.one_of(st.text(max_size=30), st.text(alphabet="0123456789-+ .e", max_size=25)),
    max_size=4))
def test_generated_filters_get_a_list_or_a_400_naming_a_parameter(
        sandbox: Sandbox, filters: dict[str, str]) -> None:
    answer = requests.get(f"{sandbox.base_url}/_sandbox/requests?{urlencode(filters)}",
                          timeout=5)
    body = answer.json()
    if answer.status_code == 200:
        assert isinstance(body["requests"], list)
    else:
        assert answer.status_code == 400 and body["code"] == 400
        assert any(name in body["extMsg"] for name in filters)
    assert sandbox.internal_errors == 0
