"""The sandbox's state, without HTTP: delivery, the page's "only the most recent, unused code
within 5 minutes" rule on both sides of each edge, injected faults, the outbox limit."""

from __future__ import annotations

import random

import pytest

from smskit.clock import FixedClock
from smskit.sandbox.ratelimit import RatePolicy, RateRefusal
from smskit.sandbox.state import Delivery, DeliveryAttempt, SandboxState, VerificationResult

START = 1_744_773_894_369
DOMAIN, CODE, PHONE = "demo", "86", "13800138000"


def state(clock: FixedClock, *, policy: RatePolicy | None = None, **kw: object) -> SandboxState:
    return SandboxState(policy=policy or RatePolicy.unlimited(), clock=clock,
                        random_source=random.Random(7), **kw)  # type: ignore[arg-type]


def send(sandbox: SandboxState, *, phone: str = PHONE, code_type: int = 2,
         domain: str = DOMAIN) -> DeliveryAttempt:
    return sandbox.send(user_domain=domain, international_code=CODE, phone=phone,
                        code_type=code_type)


def verify(sandbox: SandboxState, code: object, *, code_type: int = 2) -> VerificationResult:
    return sandbox.verify(user_domain=DOMAIN, international_code=CODE, phone=PHONE,
                          code_type=code_type, code=code)


def test_a_delivery_field_by_field() -> None:
    sandbox = state(FixedClock(START))
    attempt = send(sandbox)
    assert attempt.refusal is None and attempt.failed is False
    delivery = attempt.delivery
    assert delivery is not None
    assert delivery == Delivery(DOMAIN, CODE, PHONE, 2, delivery.code, START, START + 300_000)
    assert len(delivery.code) == 6 and delivery.code.isdigit()
    assert delivery.as_dict(START) == {
        "userDomain": DOMAIN, "internationalCode": CODE, "phone": PHONE, "codeType": 2,
        "code": delivery.code, "sentAtMs": START, "expiresAtMs": START + 300_000,
        "used": False, "superseded": False, "status": "valid"}
    assert sandbox.outbox() == [delivery]


def test_codes_are_six_digits_with_leading_zeros() -> None:
    class Low(random.Random):
        def randrange(self, *args: object, **kwargs: object) -> int:
            return 42

    sandbox = SandboxState(policy=RatePolicy.unlimited(), clock=FixedClock(START),
                           random_source=Low())
    attempt = send(sandbox)
    assert attempt.delivery is not None and attempt.delivery.code == "000042"


def test_codes_come_from_the_whole_six_digit_range() -> None:
    sandbox = SandboxState(policy=RatePolicy.unlimited(), clock=FixedClock(START))
    codes = set()
    for number in range(300):
        attempt = send(sandbox, phone=f"1380013{number:04d}")
        assert attempt.delivery is not None
        codes.add(int(attempt.delivery.code))
    assert max(codes) >= 900_000 and min(codes) < 100_000  # (1 - 0.1)^300: never by chance


def test_a_code_is_valid_until_exactly_5_minutes_after_sending() -> None:
    clock = FixedClock(START)
    sandbox = state(clock)
    attempt = send(sandbox)
    assert attempt.delivery is not None
    delivery = attempt.delivery
    assert delivery.status_at(START + 299_999) == "valid"
    assert delivery.status_at(START + 300_000) == "expired"
    clock.set(START + 300_000)
    expired = verify(sandbox, delivery.code)
    assert (expired.ok, expired.status, expired.delivery) == (False, "expired", delivery)
    assert expired.as_dict("en")["reason"] == (
        "this code expired: it was sent 300.0 s ago and is valid for 300 s")
    assert expired.as_dict("zh")["reason"] == "这条验证码已过期，它在 5 分钟前发送，有效期为 5 分钟"
    clock.set(START + 299_999)
    ok = verify(sandbox, delivery.code)
    assert (ok.ok, ok.status, ok.reason) == (True, "ok", "the code is valid and is now used")
    assert ok.delivery is not None and ok.delivery.used is True
    assert ok.as_dict() == {"ok": True, "status": "ok",
                            "reason": "the code is valid and is now used"}


def test_a_code_verifies_once() -> None:
    sandbox = state(FixedClock(START))
    attempt = send(sandbox)
    assert attempt.delivery is not None
    assert verify(sandbox, attempt.delivery.code).ok is True
    again = verify(sandbox, attempt.delivery.code)
    assert (again.ok, again.status, again.reason) == (
        False, "used", "this code was already used: each code verifies once")
    assert sandbox.outbox()[0].status_at(START) == "used"


def test_only_the_most_recent_code_is_valid() -> None:
    sandbox = state(FixedClock(START))
    first, second = send(sandbox).delivery, send(sandbox).delivery
    assert first is not None and second is not None and first.code != second.code
    older = verify(sandbox, first.code)
    assert (older.ok, older.status, older.reason) == (
        False, "superseded", "a newer code was sent after this one: only the most recently "
        "sent code is valid")
    assert older.delivery is not None and older.delivery.code == second.code
    assert [d.status_at(START) for d in sandbox.outbox()] == ["superseded", "valid"]
    wrong = "999999" if second.code != "999999" else "000000"
    mismatch = verify(sandbox, wrong)
    assert (mismatch.ok, mismatch.status, mismatch.reason) == (
        False, "mismatch", "the code does not match the most recently sent code")
    assert verify(sandbox, second.code).ok is True


def test_a_used_code_is_not_marked_superseded_by_a_newer_one() -> None:
    sandbox = state(FixedClock(START))
    first = send(sandbox).delivery
    assert first is not None and verify(sandbox, first.code).ok
    send(sandbox)
    assert [(d.used, d.superseded) for d in sandbox.outbox()] == [(True, False), (False, False)]


def test_codes_are_kept_per_code_type() -> None:
    sandbox = state(FixedClock(START))
    login, register = send(sandbox, code_type=2).delivery, send(sandbox, code_type=3).delivery
    assert login is not None and register is not None
    assert verify(sandbox, login.code, code_type=2).ok is True
    assert verify(sandbox, login.code, code_type=4).status == "no_code"
    assert verify(sandbox, register.code, code_type=3).ok is True


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", "１２３４５６", 123456, None])
def test_a_malformed_code_is_refused_before_anything_is_looked_up(code: object) -> None:
    result = verify(state(FixedClock(START)), code)
    assert (result.ok, result.status, result.delivery) == (False, "malformed", None)
    assert result.as_dict("en") == {"ok": False, "status": "malformed",
                                    "reason": "code must be 6 digits 0-9"}
    assert result.as_dict("zh")["reason"] == "验证码必须是 6 位数字（0-9）"


def test_no_code_sent_is_said_so() -> None:
    result = verify(state(FixedClock(START)), "123456")
    assert (result.ok, result.status, result.delivery) == (False, "no_code", None)
    assert result.as_dict("en")["reason"] == (
        "no code was sent to this phone for this codeType and user domain")
    assert result.as_dict("zh")["reason"] == "这个用户域没有向该手机号码发送过这个短信类型的验证码"


def test_a_rate_refusal_delivers_nothing() -> None:
    sandbox = state(FixedClock(START), policy=RatePolicy())
    assert send(sandbox).delivery is not None
    refused = send(sandbox)
    assert refused == DeliveryAttempt(refusal=RateRefusal("per_code_type", 1, 60_000, 60_000))
    assert len(sandbox.outbox()) == 1


def test_injected_failures_are_taken_by_matching_sends_only() -> None:
    sandbox = state(FixedClock(START), policy=RatePolicy())
    sandbox.inject_failure(phone="13900000000", count=2)
    assert sandbox.pending_failures() == 2
    assert send(sandbox).delivery is not None  # another phone: delivered
    assert send(sandbox, phone="13900000000") == DeliveryAttempt(failed=True)
    assert sandbox.pending_failures() == 1
    # A failed send is not counted by the rate limit: the next one is judged afresh.
    assert send(sandbox, phone="13900000000") == DeliveryAttempt(failed=True)
    assert sandbox.pending_failures() == 0
    assert send(sandbox, phone="13900000000").delivery is not None
    sandbox.inject_failure(user_domain="other")
    assert send(sandbox, phone="13700000000").delivery is not None
    assert send(sandbox, phone="13700000000", domain="other").failed is True


@pytest.mark.parametrize("count", [0, -1, True, 1.0])
def test_an_injected_failure_count_must_be_a_positive_int(count: object) -> None:
    with pytest.raises(ValueError) as raised:
        state(FixedClock(START)).inject_failure(count=count)  # type: ignore[arg-type]
    assert str(raised.value) == f"count must be an int >= 1, not {count!r}"


def test_the_outbox_keeps_the_newest_deliveries_up_to_its_limit() -> None:
    sandbox = state(FixedClock(START), outbox_limit=2)
    first = send(sandbox, phone="13800000001").delivery
    send(sandbox, phone="13800000002")
    send(sandbox, phone="13800000003")
    assert [d.phone for d in sandbox.outbox()] == ["13800000002", "13800000003"]
    assert first is not None
    assert sandbox.verify(user_domain=DOMAIN, international_code=CODE, phone="13800000001",
                          code_type=2, code=first.code).status == "no_code"
    send(sandbox, phone="13800000003")  # evicts 2; 3 keeps both of its records
    assert [d.phone for d in sandbox.outbox()] == ["13800000003", "13800000003"]
    # An evicted phone leaves nothing behind (the state of a long-running sandbox stays small).
    assert list(sandbox._by_key) == [(DOMAIN, CODE, "13800000003", 2)]


def test_one_domains_outbox_is_its_own_through_eviction_and_reset() -> None:
    sandbox = state(FixedClock(START), outbox_limit=3)
    send(sandbox, phone="13800000001", domain="a")
    send(sandbox, phone="13800000002", domain="b")
    send(sandbox, phone="13800000003", domain="a")
    assert [d.phone for d in sandbox.outbox("a")] == ["13800000001", "13800000003"]
    assert [d.phone for d in sandbox.outbox("b")] == ["13800000002"]
    assert sandbox.outbox("nobody") == []
    send(sandbox, phone="13800000004", domain="b")  # evicts a's oldest
    send(sandbox, phone="13800000005", domain="a")  # evicts b's only one of before
    assert [d.phone for d in sandbox.outbox("a")] == ["13800000003", "13800000005"]
    assert [d.phone for d in sandbox.outbox("b")] == ["13800000004"]
    assert [d.phone for d in sandbox.outbox()] == ["13800000003", "13800000004", "13800000005"]
    send(sandbox, phone="13800000006", domain="c")
    send(sandbox, phone="13800000007", domain="c")
    send(sandbox, phone="13800000008", domain="c")  # every record of a and b gone
    assert sandbox.outbox("a") == [] and sandbox.outbox("b") == []
    assert list(sandbox._by_domain) == ["c"]  # an evicted domain leaves nothing behind
    sandbox.reset(rates=False, faults=False)
    assert sandbox.outbox("c") == [] and sandbox.outbox() == []


def test_last_delivery_filters_by_phone_code_domain_and_type() -> None:
    sandbox = state(FixedClock(START))
    send(sandbox, code_type=2)
    send(sandbox, code_type=3, domain="other")
    last = sandbox.last_delivery(PHONE)
    assert last is not None and (last.user_domain, last.code_type) == ("other", 3)
    only_demo = sandbox.last_delivery(PHONE, user_domain=DOMAIN)
    assert only_demo is not None and only_demo.code_type == 2
    login = sandbox.last_delivery(PHONE, code_type=2)
    assert login is not None and login.user_domain == DOMAIN
    assert sandbox.last_delivery(PHONE, "852") is None
    assert sandbox.last_delivery("13900000000") is None
    assert sandbox.last_delivery(PHONE, code_type=4) is None


def test_reset_forgets_everything() -> None:
    sandbox = state(FixedClock(START), policy=RatePolicy())
    send(sandbox)
    sandbox.inject_failure()
    sandbox.reset()
    assert sandbox.outbox() == [] and sandbox.pending_failures() == 0
    assert verify(sandbox, "123456").status == "no_code"
    assert send(sandbox).delivery is not None  # the rate-limit history is gone too


@pytest.mark.parametrize("digits,refused", [(0, True), (1, False), (18, False), (19, True)])
def test_a_code_length_is_one_to_eighteen_digits(monkeypatch: pytest.MonkeyPatch, digits: int,
                                                 refused: bool) -> None:
    """Codes are drawn from 64 random bits: 10**18 < 2**64, 10**19 is not."""
    from smskit.sandbox import state as state_module

    real = state_module.policy_value
    monkeypatch.setattr(state_module, "policy_value", lambda section, name: (
        digits if (section, name) == ("codes", "digits") else real(section, name)))
    if refused:
        with pytest.raises(ValueError) as raised:
            SandboxState(policy=RatePolicy.unlimited(), clock=FixedClock(START))
        assert str(raised.value) == f"codes.digits must be 1-18, not {digits}"
        return
    sandbox = SandboxState(policy=RatePolicy.unlimited(), clock=FixedClock(START))
    codes = [attempt.delivery.code for attempt in (send(sandbox, phone=f"1380000000{n}")
                                                   for n in range(5)) if attempt.delivery]
    assert len(codes) == 5 and all(len(code) == digits and code.isdigit() for code in codes)
