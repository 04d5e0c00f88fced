"""Delivered codes and the page's rule: 5分钟内最后一次发送的没有被使用的短信验证码有效
(within 5 minutes, only the most recently sent, not yet used code is valid)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import PHONE, START_MS, send_code

FIVE_MINUTES_MS = 5 * 60 * 1000


def _clock(sandbox: Sandbox) -> FixedClock:
    assert isinstance(sandbox.clock, FixedClock)
    return sandbox.clock


def _send_and_get_code(sandbox: Sandbox, **options: Any) -> str:
    assert send_code(sandbox, **options)["code"] == 200
    delivery = sandbox.last_delivery(PHONE)
    assert delivery is not None
    return delivery.code


def test_a_send_delivers_one_six_digit_code_to_the_outbox(sandbox: Sandbox) -> None:
    assert send_code(sandbox, code_type=2)["code"] == 200
    (delivery,) = sandbox.outbox()
    assert (delivery.user_domain, delivery.international_code, delivery.phone,
            delivery.code_type) == ("sandbox-demo", "86", PHONE, 2)
    assert len(delivery.code) == 6 and delivery.code.isascii() and delivery.code.isdigit()
    assert delivery.sent_at_ms == START_MS
    assert delivery.expires_at_ms == START_MS + FIVE_MINUTES_MS
    assert (delivery.used, delivery.superseded) == (False, False)
    assert sandbox.last_delivery(PHONE) == delivery
    assert sandbox.last_delivery(PHONE, code_type=3) is None
    assert sandbox.last_delivery(PHONE, "44") is None


def test_the_outbox_over_http_matches_python(sandbox: Sandbox) -> None:
    send_code(sandbox, code_type=1)
    send_code(sandbox, code_type=2, phone="13900139000")
    body = requests.get(sandbox.base_url + "/_sandbox/outbox", timeout=5).json()
    assert body["nowMs"] == START_MS
    rows = body["deliveries"]
    assert [(r["phone"], r["codeType"], r["code"]) for r in rows] == [
        (d.phone, d.code_type, d.code) for d in sandbox.outbox()]
    assert rows[0]["status"] == "valid" and rows[0]["expiresAtMs"] == START_MS + FIVE_MINUTES_MS
    filtered = requests.get(sandbox.base_url + "/_sandbox/outbox",
                            params={"phone": "13900139000"}, timeout=5).json()
    assert [r["codeType"] for r in filtered["deliveries"]] == [2]


def test_seeded_codes_are_reproducible(make_sandbox: Callable[..., Sandbox]) -> None:
    runs = []
    for _ in range(2):
        box = make_sandbox(random_source=random.Random(7))
        runs.append([_send_and_get_code(box, code_type=kind) for kind in (1, 2, 3)])
    assert runs[0] == runs[1]


def test_a_code_verifies_once(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    first = sandbox.verify_code(phone=PHONE, code_type=3, code=code)
    second = sandbox.verify_code(phone=PHONE, code_type=3, code=code)
    assert (first.ok, first.status) == (True, "ok")
    assert (second.ok, second.status) == (False, "used")
    (delivery,) = sandbox.outbox()
    assert delivery.used


def test_a_newer_code_supersedes_the_older_one(sandbox: Sandbox) -> None:
    older = _send_and_get_code(sandbox)
    _clock(sandbox).advance(seconds=60)  # past the per-codeType rate window
    newer = _send_and_get_code(sandbox)
    assert older != newer  # precondition: otherwise the test could not tell them apart
    stale = sandbox.verify_code(phone=PHONE, code_type=3, code=older)
    assert (stale.ok, stale.status) == (False, "superseded")
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=newer).ok
    assert not sandbox.verify_code(phone=PHONE, code_type=3, code=newer).ok
    first, second = sandbox.outbox()
    assert (first.superseded, first.used) == (True, False)
    assert (second.superseded, second.used) == (False, True)


def test_a_code_is_valid_until_just_before_five_minutes(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    _clock(sandbox).advance(ms=FIVE_MINUTES_MS - 1)
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=code).ok


def test_a_code_expires_after_five_minutes(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    _clock(sandbox).advance(ms=FIVE_MINUTES_MS)
    result = sandbox.verify_code(phone=PHONE, code_type=3, code=code)
    assert (result.ok, result.status) == (False, "expired")
    assert "300 s" in result.reason
    body = requests.get(sandbox.base_url + "/_sandbox/outbox", timeout=5).json()
    assert body["deliveries"][0]["status"] == "expired"


def test_codes_per_code_type_are_independent(sandbox: Sandbox) -> None:
    login = _send_and_get_code(sandbox, code_type=2)
    register = _send_and_get_code(sandbox, code_type=3)
    assert login != register  # precondition
    assert sandbox.verify_code(phone=PHONE, code_type=2, code=register).status == "mismatch"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=register).ok
    assert sandbox.verify_code(phone=PHONE, code_type=2, code=login).ok


def test_codes_per_phone_and_domain_are_independent(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    assert sandbox.verify_code(phone="13900139000", code_type=3, code=code).status == "no_code"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=code,
                               international_code="852").status == "no_code"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=code,
                               user_domain="sandbox-split-accounts").status == "no_code"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=code,
                               user_domain="sandbox-demo").ok


def test_a_wrong_code_does_not_consume_the_right_one(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=wrong).status == "mismatch"
    assert sandbox.verify_code(phone=PHONE, code_type=3, code=code).ok


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", "١٢٣٤٥٦", ""])
def test_a_code_that_is_not_six_ascii_digits_is_malformed(sandbox: Sandbox, code: str) -> None:
    _send_and_get_code(sandbox)
    result = sandbox.verify_code(phone=PHONE, code_type=3, code=code)
    assert (result.ok, result.status) == (False, "malformed")


def test_verification_over_http(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    url = sandbox.base_url + "/_sandbox/verify"
    body = {"phone": PHONE, "codeType": 3, "code": code}
    first = requests.post(url, json=body, timeout=5)
    second = requests.post(url, json=body, timeout=5)
    assert first.status_code == 200 and first.json()["ok"] is True
    assert second.json() == {"ok": False, "status": "used", "reason": second.json()["reason"]}


@pytest.mark.parametrize(("payload", "mentions"), [
    (b"", "JSON object"), (b"not json", "not valid JSON"), (b"[1]", "JSON object"),
    (b'{"phone": "13800138000", "codeType": 3, "code": 123456}', "string"),
    (b'{"phone": "13800138000", "codeType": 9, "code": "123456"}', "codeType"),
    (b'{"phone": "13800138000", "codeType": 3, "code": "123456", "x": 1}', "unknown"),
    (b'{"codeType": 3, "code": "123456"}', "phone"),
    (b"\xff\xfe", "UTF-8"), (b"[" * 10_000 + b"]" * 10_000, "nests deeper than 32 levels"),
])
def test_bad_verify_requests_are_400_with_a_reason(
    sandbox: Sandbox, payload: bytes, mentions: str
) -> None:
    answer = requests.post(sandbox.base_url + "/_sandbox/verify", data=payload, timeout=5)
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == 400 and mentions in body["extMsg"]


def test_concurrent_verification_consumes_a_code_exactly_once(sandbox: Sandbox) -> None:
    code = _send_and_get_code(sandbox)
    barrier = threading.Barrier(16)
    results: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        answer = requests.post(sandbox.base_url + "/_sandbox/verify",
                               json={"phone": PHONE, "codeType": 3, "code": code}, timeout=10)
        with lock:
            results.append(answer.json()["ok"])

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 15 + [True]
