"""The error tree: what each error carries and how it reads."""

from __future__ import annotations

import pytest

from smskit import catalogue
from smskit.errors import (
    CATEGORY_ERRORS,
    ApiError,
    ClockSkewError,
    ConnectionFailed,
    CredentialsError,
    DeliveryUnknown,
    InputError,
    Problem,
    RateLimited,
    ResponseFormatError,
    SmskitError,
)


def test_input_error_is_a_value_error_carrying_every_problem() -> None:
    error = InputError([Problem("phone", "is required", 5021), Problem("ts", "is required")])
    assert isinstance(error, ValueError) and isinstance(error, SmskitError)
    assert error.field == "phone" and error.fields == ("phone", "ts") and error.code == 5021
    assert str(error).startswith("2 problems: phone: is required [5021 请输入手机号码 / "
                                 "Please enter the phone number]; ts: is required")


def test_input_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        InputError([])


def test_api_error_reads_short_and_carries_the_catalogue() -> None:
    entry = catalogue.lookup(5058)
    error = RateLimited(code=5058, msg="短信发送超出频率", ext_msg="", http_status=200, entry=entry)
    assert str(error).startswith("5058 短信发送超出频率 (SMS sending rate exceeded). Do not resend")
    assert error.retry_safe is True and error.category == "slow_down"
    assert repr(error) == ("RateLimited(code=5058, msg='短信发送超出频率', ext_msg='', "
                           "http_status=200, category='slow_down', retry_safe=True)")


def test_unknown_code_is_not_retry_safe() -> None:
    error = ApiError(code=7777, msg="新错误")
    assert error.msg_zh == "新错误" and error.msg_en is None and not error.retry_safe
    assert str(error) == "7777 新错误"


def test_clock_skew_is_stated_in_the_message() -> None:
    error = ClockSkewError(code=5145, msg="时间戳格式不正确", entry=catalogue.lookup(5145),
                           clock_skew_ms=-720_400)
    assert isinstance(error, CredentialsError)
    assert "Your clock is 12.0 min behind the server's" in str(error)


def test_every_category_has_its_class() -> None:
    assert CATEGORY_ERRORS["slow_down"] is RateLimited
    assert all(issubclass(cls, ApiError) for cls in CATEGORY_ERRORS.values())


def test_retry_safety_of_transport_and_format_errors() -> None:
    assert ConnectionFailed("refused").retry_safe is True
    assert DeliveryUnknown("read timeout").retry_safe is False
    assert ResponseFormatError("not JSON", http_status=502, excerpt="<html>").retry_safe is False


def test_a_message_is_written_when_read_so_str_and_args_agree() -> None:
    from smskit import i18n
    from smskit.errors import InputError, Problem, SignatureMismatch

    with i18n.using_language("en"):
        refused = InputError([Problem("phone", i18n.text("validation.phone.digits_only"), 5019)])
        mismatch = SignatureMismatch("ab" * 32)
        assert str(mismatch) == mismatch.args[0] == (
            "signature does not match SHA256(phone + codeType + random + ts + userDomainSecret)")
    with i18n.using_language("zh"):
        assert str(refused) == refused.args[0]
        assert refused.args[0] == "phone 只能包含数字（5019 手机号格式不正确）"
        assert mismatch.args == (
            "签名与 SHA256(phone + codeType + random + ts + userDomainSecret) 不一致",)


def test_everything_the_kit_raises_is_a_smskit_error_keeping_its_familiar_base() -> None:
    from smskit.errors import SmskitError, UnknownName
    from smskit.sandbox import Sandbox, SandboxNotRunning
    from smskit.sandbox.domains import secret_for
    from smskit.sandbox.scenarios import ScenarioError
    from smskit.training import exercise

    with pytest.raises(UnknownName) as unknown_domain:
        secret_for("no-such-domain")
    assert isinstance(unknown_domain.value, KeyError)
    assert str(unknown_domain.value).startswith(
        "no sandbox user domain named 'no-such-domain'; known: sandbox-demo, sandbox-disabled, ")
    with pytest.raises(UnknownName) as unknown_exercise:
        exercise("E0")
    assert isinstance(unknown_exercise.value, KeyError)
    assert str(unknown_exercise.value).startswith("no exercise 'E0'; the exercises are E1, E2, ")
    with pytest.raises(SandboxNotRunning) as not_running:
        _ = Sandbox().base_url
    assert isinstance(not_running.value, SmskitError | RuntimeError)
    assert issubclass(SandboxNotRunning, SmskitError)
    assert issubclass(SandboxNotRunning, RuntimeError)
    assert issubclass(ScenarioError, SmskitError) and issubclass(ScenarioError, RuntimeError)
