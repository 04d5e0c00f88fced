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
