"""The sandbox's endpoint logic without HTTP: each check in the documented order, the answer's
code, check id and extMsg literally, and both sides of each edge (the 10-minute window, the
16-character random, the 64-character hex signature)."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest

from smskit.clock import FixedClock
from smskit.sandbox.domains import load_domains
from smskit.sandbox.platform import (
    CHECKS,
    Answer,
    DoctorBudget,
    Platform,
    error_envelope,
    success_envelope,
)
from smskit.sandbox.ratelimit import RatePolicy
from smskit.sandbox.state import SandboxState
from tests.fixtures.sandbox import START_MS, domain_secret, page_signature

DOMAINS = load_domains()
ASSUMPTION = "[sandbox assumption: the page names no code for this rule]"
RANDOM = "76a6L647F02CAoN9"


def platform(lang: str = "en") -> Platform:
    clock = FixedClock(START_MS)
    return Platform(domains=DOMAINS, state=SandboxState(policy=RatePolicy(), clock=clock),
                    clock=clock, lang=lang)  # type: ignore[arg-type]


def query(secret: str | None = None, **changes: str) -> dict[str, str]:
    base = {"phone": "13800138000", "codeType": "3", "internationalCode": "86",
            "random": RANDOM, "ts": str(START_MS), "userDomain": "sandbox-demo", **changes}
    if "signature" not in changes:
        key = secret if secret is not None else domain_secret(base["userDomain"])
        base["signature"] = page_signature(phone=base["phone"], code_type=base["codeType"],
                                           random_text=base["random"], ts=base["ts"],
                                           secret=key)
    return base


def answer(params: dict[str, str], **options: object) -> tuple[int, str, str | None]:
    found = platform().send_phone_sms_code(params, **options)  # type: ignore[arg-type]
    return found.code, found.check, found.ext_msg


def without(name: str) -> dict[str, str]:
    params = query()
    del params[name]
    return params


def test_a_right_request_is_delivered_with_the_documented_envelope() -> None:
    found = platform().send_phone_sms_code(query())
    assert (found.code, found.check, found.ext_msg) == (200, "delivered", None)
    assert found.envelope() == {"code": 200, "msg": "", "data": None, "extMsg": None}
    assert json.dumps(found.envelope()) == (
        '{"code": 200, "msg": "", "data": null, "extMsg": null}')
    delivery = found.delivery
    assert delivery is not None
    assert (delivery.user_domain, delivery.international_code, delivery.phone,
            delivery.code_type, delivery.sent_at_ms) == ("sandbox-demo", "86", "13800138000", 3,
                                                         START_MS)


@pytest.mark.parametrize(("offset", "check"), [
    (600_000, "delivered"), (-600_000, "delivered"), (600_001, "ts_window"),
    (-600_001, "ts_window"),
])
def test_the_clock_window_is_10_minutes_inclusive(offset: int, check: str) -> None:
    assert answer(query(ts=str(START_MS + offset)))[1] == check


@pytest.mark.parametrize(("offset", "direction"), [(600_001, "ahead of"), (-600_001, "behind")])
def test_outside_the_window_the_answer_says_by_how_much(offset: int, direction: str) -> None:
    ts = START_MS + offset
    assert answer(query(ts=str(ts))) == (5145, "ts_window", (
        f"ts: {ts} is 600001 ms (10.00 min) {direction} the server's clock ({START_MS}); it "
        "must be within 600000 ms (10 minutes, inclusive). Use the current time in ms and "
        f"check the local clock {ASSUMPTION}"))


def test_the_clock_window_answer_in_chinese() -> None:
    found = platform("zh").send_phone_sms_code(query(ts=str(START_MS + 600_001)))
    assert found.ext_msg == (
        "ts：毫秒时间戳 1744774494370 快于服务器时钟（1744773894369）600001 毫秒（10.00 分钟）；"
        "两者相差必须在 600000 毫秒（10 分钟，含边界）以内。请使用当前的毫秒时间戳，并检查本机时钟"
        "（沙箱假设，文档页没有为这条规则给出错误码）")


@pytest.mark.parametrize(("params", "expected"), [
    (query(phone=""), (5021, "phone_missing", "phone: is required [5021 请输入手机号码 / Please "
                                              "enter the phone number]")),
    (without("internationalCode"), (5116, "international_code_missing", (
        "internationalCode: is required [5116 请输入国际代码 / Please enter the international "
        "code]"))),
    (query(phone="1380013800a"), (5019, "phone_format", (
        "phone: must contain digits 0-9 only [5019 手机号格式不正确 / Phone number format is "
        "incorrect]"))),
    (query(internationalCode="+86"), (5019, "international_code_format", (
        "internationalCode: must be the country calling code as digits, without + or 00. "
        "Hint: send '86', not '+86'"))),
    (query(ts="abc"), (5145, "ts_format", (
        "ts: must be an integer of epoch milliseconds, given as digits 0-9 [5145 时间戳格式不正确"
        " / Timestamp format is incorrect]"))),
    (query(codeType="9"), (5000, "code_type", (
        "codeType: must be one of 1-5 (1 password reset, 2 login, 3 registration, 4 account "
        f"cancellation, 5 add push recipient); got 9 {ASSUMPTION}"))),
    (query(random=""), (5421, "random_format", f"random: is required {ASSUMPTION}")),
    (query(random="a" * 15), (5421, "random_format",
                              f"random: must be exactly 16 characters (got 15) {ASSUMPTION}")),
    (query(random="a" * 17), (5421, "random_format",
                              f"random: must be exactly 16 characters (got 17) {ASSUMPTION}")),
    (query(signature=""), (5421, "signature_format", f"signature: is required {ASSUMPTION}")),
    (query(signature="a" * 63), (5421, "signature_format", (
        "signature: must be 64 lowercase hex characters (a SHA-256 digest), got 63 characters "
        f"{ASSUMPTION}"))),
    (query(signature="a" * 65), (5421, "signature_format", (
        "signature: must be 64 lowercase hex characters (a SHA-256 digest), got 65 characters "
        f"{ASSUMPTION}"))),
    (query(signature="g" * 64), (5421, "signature_format", (
        "signature: must be 64 lowercase hex characters (a SHA-256 digest), got 64 characters "
        f"{ASSUMPTION}"))),
    (query(userDomain="nobody", secret="x"), (5015, "user_domain_unknown", (
        "userDomain: 'nobody' does not exist in this sandbox (the demo domain is "
        "'sandbox-demo'; GET /_sandbox/health lists them all)"))),
    (query(userDomain=" sandbox-demo", secret="x"), (5015, "user_domain_unknown", (
        "userDomain: ' sandbox-demo' does not exist in this sandbox (remove the surrounding "
        "whitespace: send 'sandbox-demo')"))),
    (query(userDomain="x" * 41, secret="x"), (5015, "user_domain_unknown", (
        f"userDomain: '{'x' * 40}...' does not exist in this sandbox (the demo domain is "
        "'sandbox-demo'; GET /_sandbox/health lists them all)"))),
    (query(userDomain="x" * 40, secret="x"), (5015, "user_domain_unknown", (
        f"userDomain: '{'x' * 40}' does not exist in this sandbox (the demo domain is "
        "'sandbox-demo'; GET /_sandbox/health lists them all)"))),
    (query(userDomain="sandbox-disabled", secret="x"), (5104, "user_domain_disabled",
                                                         "userDomain: 'sandbox-disabled' is "
                                                         "disabled")),
    (query(secret="wrong-secret"), (5420, "signature", (
        "signature: does not match SHA256(phone + codeType + random + ts + userDomainSecret) "
        "for userDomain 'sandbox-demo'; no known mistake explains it: check that the secret "
        "belongs to this userDomain and that you signed exactly the values sent (codeType=3, "
        f"ts={START_MS})"))),
    (query(userDomain="sandbox-no-signature-id"), (5117, "sms_config", (
        "userDomain 'sandbox-no-signature-id' has no SMS signature ID configured"))),
], ids=lambda value: value[1] if isinstance(value, tuple) else None)
def test_each_check_answers_literally(params: dict[str, str],
                                      expected: tuple[int, str, str]) -> None:
    assert answer(params) == expected


def test_a_missing_parameter_answer_says_what_was_ignored() -> None:
    assert answer(without("userDomain"), ignored_params=["foo", "bar"], body_ignored=True) == (
        5023, "user_domain_missing",
        "userDomain: is required [5023 请输入用户域 / Please enter the user domain]. Hint: send "
        "the userDomain issued with your app in the platform console (unrecognised parameters "
        "ignored: foo, bar; the request body is ignored: parameters go in the query string)")
    assert answer(without("userDomain"), ignored_params=["foo"])[2] == (
        "userDomain: is required [5023 请输入用户域 / Please enter the user domain]. Hint: send "
        "the userDomain issued with your app in the platform console (unrecognised parameters "
        "ignored: foo)")
    assert answer(query(), ignored_params=["foo"], body_ignored=True) == (200, "delivered",
                                                                           None)


def test_uppercase_hex_is_refused_and_named_by_the_doctor() -> None:
    params = query()
    params["signature"] = params["signature"].upper()
    found = platform().send_phone_sms_code(params)
    assert (found.code, found.check) == (5420, "signature")
    assert found.ext_msg is not None and found.ext_msg.startswith(
        "signature: The signature is uppercase hex [uppercase-hex]. Fix: Write lowercase hex")
    assert found.diagnosis is not None


def test_a_base64_signature_is_malformed_and_recognised() -> None:
    params = query()
    joined = f"138001380003{RANDOM}{START_MS}{domain_secret('sandbox-demo')}"
    params["signature"] = base64.b64encode(hashlib.sha256(joined.encode()).digest()).decode()
    found = platform().send_phone_sms_code(params)
    assert (found.code, found.check) == (5421, "signature_format")
    assert found.ext_msg == (
        "signature: must be 64 lowercase hex characters (a SHA-256 digest), got 44 characters "
        f"{ASSUMPTION} Recognised mistake: The signature is the digest in Base64, not hex "
        "[base64-digest]. Fix: Encode the 32-byte digest as 64 lowercase hex characters instead "
        "of Base64.getEncoder(), base64.StdEncoding or digest('base64').")
    assert found.diagnosis is not None


def test_a_malformed_signature_for_an_unknown_or_disabled_domain_is_not_diagnosed() -> None:
    for name in ("nobody", "sandbox-disabled"):
        found = platform().send_phone_sms_code(query(userDomain=name, signature="a" * 44))
        assert (found.check, found.diagnosis) == ("signature_format", None)


def test_the_rate_limit_and_an_injected_failure_answer_after_every_other_check() -> None:
    sandbox = platform()
    assert sandbox.send_phone_sms_code(query()).code == 200
    again = sandbox.send_phone_sms_code(query())
    assert (again.code, again.check, again.ext_msg) == (5058, "rate_limit", (
        "phone 13800138000: at most 1 send(s) per phone and codeType per 60 s (sandbox policy); "
        "the next send is possible in 60.0 s"))
    sandbox.state.inject_failure()
    failed = sandbox.send_phone_sms_code(query(codeType="2"))
    assert (failed.code, failed.check, failed.ext_msg) == (
        5059, "provider_failure",
        "the SMS provider failed (a failure injected into the sandbox); nothing was delivered")
    assert failed.envelope() == {"code": 5059, "msg": "短信发送异常", "data": None,
                                 "extMsg": failed.ext_msg}


def test_the_envelopes() -> None:
    assert success_envelope() == {"code": 200, "msg": "", "data": None, "extMsg": None}
    assert error_envelope(5019, "x") == {"code": 5019, "msg": "手机号格式不正确", "data": None,
                                         "extMsg": "x"}
    assert Answer(5021, "phone_missing", "y").envelope() == {
        "code": 5021, "msg": "请输入手机号码", "data": None, "extMsg": "y"}


def test_the_check_ids_in_order() -> None:
    import smskit.sandbox.platform as module  # read at run time: what the module's code reads

    assert CHECKS == module.CHECKS == (
        "phone_missing", "user_domain_missing", "international_code_missing", "phone_format",
        "international_code_format", "ts_format", "ts_window", "code_type", "random_format",
        "signature_format", "user_domain_unknown", "user_domain_disabled", "signature",
        "sms_config", "rate_limit", "provider_failure", "delivered")


def test_a_wrong_signature_in_uppercase_also_says_it_is_not_lowercase() -> None:
    params = query(secret="wrong-secret")
    params["signature"] = params["signature"].upper()
    assert answer(params) == (5420, "signature", (
        "signature: does not match SHA256(phone + codeType + random + ts + userDomainSecret) "
        "for userDomain 'sandbox-demo' (and it is not lowercase); no known mistake explains it: "
        "check that the secret belongs to this userDomain and that you signed exactly the "
        f"values sent (codeType=3, ts={START_MS})"))


@pytest.mark.parametrize(("signature", "check"), [
    ("X" * 64, "signature_format"), ("0123456789abcdef" * 4, "signature"),
    ("0123456789ABCDEF" * 4, "signature"),
])
def test_the_signature_shape_is_64_hex_digits_of_either_case(signature: str,
                                                             check: str) -> None:
    assert answer(query(signature=signature))[1] == check


def test_an_uncatalogued_code_has_no_envelope() -> None:
    with pytest.raises(ValueError) as raised:
        error_envelope(9999, None)
    assert str(raised.value) == "code 9999 is not in the catalogue"


def test_a_delivery_is_logged_for_the_trainer_console(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="smskit.sandbox"):
        found = platform().send_phone_sms_code(query())
    assert found.delivery is not None
    records = [r for r in caplog.records if r.name == "smskit.sandbox"]
    assert [r.getMessage() for r in records] == [
        f"delivered code {found.delivery.code} to +86 13800138000 (codeType 3, userDomain "
        "'sandbox-demo')"]


# -- the signature doctor's budget -----------------------------------------------------------


def test_one_doctor_search_runs_at_a_time_and_the_next_waits_a_bounded_time() -> None:
    """Twenty trainees' wrong signatures at once must not run twenty searches side by side
    (each holding the interpreter in turn): the second waits at most ``wait_s``."""
    budget = DoctorBudget(per_second=0.0, burst=1.0, wait_s=0.05)
    assert budget.take() is True
    started = time.monotonic()
    assert budget.take() is False  # the first is still running
    assert 0.04 <= time.monotonic() - started < 1.0
    budget.charge(0.4)
    assert budget.take() is True  # freed, and 0.6 s of budget left
    budget.charge(0.7)
    assert budget.take() is False  # freed but spent (-0.1 s), and nothing refills it
    assert DoctorBudget(per_second=0.0, burst=0.0).take() is False  # empty from the start


def test_the_doctor_budget_refills_with_time_up_to_its_burst() -> None:
    budget = DoctorBudget(per_second=0.5, burst=1.0, wait_s=0.0)
    assert budget.take() is True
    budget.charge(1.5)  # -0.5 s
    assert budget.take() is False
    budget._at -= 2.0  # two seconds pass: +1.0 s, so about 0.5 s
    assert budget.take() is True
    budget.charge(0.4)  # about 0.1 s left
    assert budget.take() is True
    budget.charge(0.2)  # about -0.1 s
    assert budget.take() is False
    budget._at -= 100.0  # a long pause fills it to the burst (1.0 s), no further
    assert budget.take() is True
    budget.charge(0.9)
    assert budget.take() is True
    budget.charge(0.2)
    assert budget.take() is False


def test_a_wrong_signature_while_the_doctor_is_spent_says_so_and_names_nothing() -> None:
    spent = platform()
    spent.doctor_budget = DoctorBudget(per_second=0.0, burst=0.0)
    found = spent.send_phone_sms_code(query(signature=query()["signature"].upper()))
    assert (found.code, found.check) == (5420, "signature")
    assert found.ext_msg == (
        "signature: does not match SHA256(phone + codeType + random + ts + userDomainSecret) "
        "for userDomain 'sandbox-demo'; the signature doctor is busy (too many wrong "
        "signatures at once), so no mistake is named here: run smskit check on this request")
    assert found.diagnosis is None


def test_a_search_is_charged_its_cpu_time() -> None:
    budget = DoctorBudget(per_second=0.0, burst=0.05, wait_s=0.0)
    diagnosing = platform()
    diagnosing.doctor_budget = budget
    wrong = query(secret="not-the-secret-of-this-domain")  # the full search: ~15 ms of CPU
    assert diagnosing.send_phone_sms_code(wrong).code == 5420
    assert 0.05 - 0.2 < budget._tokens < 0.05 - 0.003  # charged, and not negatively
