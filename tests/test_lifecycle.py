"""The lifecycle helpers against a running sandbox: rules read from it, and try_send's
attempts for accepted, rate-limited, failed and refused sends."""

from __future__ import annotations

import random
from typing import Any

import pytest

from smskit.client import SmsClient
from smskit.clock import FixedClock
from smskit.codetypes import CodeType
from smskit.errors import InputError
from smskit.sandbox import RatePolicy, Sandbox
from smskit.teaching import lifecycle
from tests.fixtures.sandbox import PHONE, domain_secret


def _client(sb: Sandbox) -> SmsClient:
    return SmsClient(base_url=sb.base_url, user_domain="sandbox-demo",
                     secret=domain_secret("sandbox-demo"), clock=sb.clock,
                     random_source=random.Random(3))


def test_default_rules_state_the_page_and_the_sandbox_numbers(sandbox: Sandbox) -> None:
    found = {rule.key: rule for rule in lifecycle.rules(sandbox)}
    assert list(found) == ["validity", "last code", "one-time use",
                           "rate limit per phone and codeType", "rate limit per phone",
                           "digits"]
    # The page: 5分钟内 ... 有效 (valid within 5 minutes).
    assert found["validity"].statement.startswith("A code is valid for 5 min after it is sent")
    assert found["validity"].source == "page"
    assert "5分钟内" in found["validity"].note
    # smskit/data/sandbox_policy.json: 1 per 60 s per phone+codeType, 5 per hour per phone.
    assert "At most 1 accepted send(s) per phone and codeType within 1 min" in \
        found["rate limit per phone and codeType"].statement
    assert "At most 5 accepted send(s) per phone (all codeTypes) within 60 min" in \
        found["rate limit per phone"].statement
    assert found["rate limit per phone"].source == "sandbox assumption"
    assert found["digits"].describe() == "[sandbox assumption] Codes have 6 digits."


def test_an_unlimited_sandbox_states_no_rate_rule(make_sandbox: Any) -> None:
    keys = [rule.key for rule in lifecycle.rules(make_sandbox(policy=RatePolicy.unlimited()))]
    assert not any(key.startswith("rate limit") for key in keys)


def test_try_send_accepted_then_rate_limited(sandbox: Sandbox) -> None:
    with _client(sandbox) as client:
        first = lifecycle.try_send(client, PHONE, CodeType.LOGIN)
        second = lifecycle.try_send(client, PHONE, CodeType.LOGIN)
    assert first.accepted and first.code == 200 and first.msg == "" and first.error is None
    assert first.at_ms == sandbox.clock.now_ms()
    assert first.describe() == ("2025-04-16 03:24:54.369 UTC  phone 13800138000 codeType 2 -> "
                                "200 accepted (SMS verification code sent)")
    assert not second.accepted
    assert (second.code, second.msg, second.error) == (5058, "短信发送超出频率", "RateLimited")
    assert second.retry_safe is True and second.message_en == "SMS sending rate exceeded"
    assert second.ext_msg is not None and "60 s" in second.ext_msg
    assert second.describe().endswith(f"(SMS sending rate exceeded): {second.ext_msg}")
    assert len(sandbox.outbox()) == 1


def test_try_send_provider_failure_is_not_retry_safe(sandbox: Sandbox) -> None:
    sandbox.inject_failure(phone=PHONE)
    with _client(sandbox) as client:
        attempt = lifecycle.try_send(client, PHONE, CodeType.REGISTER)
    assert (attempt.code, attempt.error, attempt.retry_safe) == (5059, "ServiceError", False)
    assert attempt.as_dict()["request"]["codeType"] == "3"
    assert sandbox.outbox() == []


def test_try_send_raises_for_bad_input_and_sends_nothing(sandbox: Sandbox) -> None:
    with _client(sandbox) as client, pytest.raises(InputError) as caught:
        lifecycle.try_send(client, "+8613800138000", CodeType.LOGIN)
    assert caught.value.field == "phone"
    assert sandbox.outbox() == []


def test_attempts_never_show_the_secret(sandbox: Sandbox) -> None:
    secret = domain_secret("sandbox-demo")
    with _client(sandbox) as client:
        attempts = [lifecycle.try_send(client, PHONE, CodeType.LOGIN) for _ in range(2)]
    for attempt in attempts:
        assert secret not in attempt.describe() + repr(attempt) + repr(attempt.as_dict())


def test_try_send_follows_a_moved_clock(sandbox: Sandbox) -> None:
    clock = sandbox.clock
    assert isinstance(clock, FixedClock)
    with _client(sandbox) as client:
        assert lifecycle.try_send(client, PHONE, CodeType.LOGIN).accepted
        clock.advance(seconds=60, ms=-1)
        assert lifecycle.try_send(client, PHONE, CodeType.LOGIN).code == 5058
        clock.advance(ms=1)
        assert lifecycle.try_send(client, PHONE, CodeType.LOGIN).accepted
