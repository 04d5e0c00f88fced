"""Findings on common mistakes: which field, what is wrong, how sure (severity), a useful hint."""

from __future__ import annotations

from typing import Any

import pytest

from smskit.clock import FixedClock
from smskit.errors import Problem
from smskit.validation import signing_problems as signing_advice
from smskit.validation import validate_fields

# The page's worked example (its secret is published on the page).
EXAMPLE: dict[str, Any] = {
    "phone": "13800138000",
    "code_type": "3",
    "random": "76a6L647F02CAoN9",
    "ts": "1744773894369",
    "secret": "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
}
TS = 1744773894369
PRIVATE_SECRET = "  canary-7c1e9f-private  "


def field_advice(*, fields: list[str] | None = None, **values: Any) -> list[Problem]:
    """validate_fields with the secret checked, limited to ``fields`` when given."""
    found = validate_fields(**{"international_code": "86", **values}, check_secret=True)
    return [p for p in found if fields is None or p.field in fields]


def about(items: list[Problem], field: str) -> list[Problem]:
    return [item for item in items if item.field == field]


def text(item: Problem) -> str:
    return f"{item.rule} {item.hint or ''}"


def test_the_page_example_gets_no_advice() -> None:
    assert signing_advice(**EXAMPLE) == []


# Each common mistake: the change, the field it is reported on, and words the advice must
# contain so that a person can act on it.
MISTAKES = [
    pytest.param({"ts": "1744773894"}, "ts", ["seconds", "1744773894000"], id="ts-in-seconds"),
    pytest.param({"ts": "1744773894369000"}, "ts", ["microseconds"], id="ts-in-microseconds"),
    pytest.param({"ts": "1744773894369000000"}, "ts", ["nanoseconds"], id="ts-in-nanoseconds"),
    pytest.param({"phone": "+8613800138000"}, "phone", ["internationalCode"], id="plus86-phone"),
    pytest.param({"phone": "008613800138000"}, "phone", ["internationalCode"], id="0086-phone"),
    pytest.param({"international_code": "+86"}, "internationalCode", ["'86'"], id="plus86-code"),
    pytest.param({"international_code": "0086"}, "internationalCode", ["'86'"], id="0086-code"),
    pytest.param({"random": "76a6L647F02CAoN"}, "random", ["16", "15"], id="random-15"),
    pytest.param({"random": "76a6L647F02CAoN9x"}, "random", ["16", "17"], id="random-17"),
    pytest.param({"random": "76a6L647F02CAoN9 "}, "random", ["whitespace", "'76a6L647F02CAoN9'"],
                 id="random-trailing-space"),
    pytest.param({"phone": " 13800138000"}, "phone", ["whitespace", "'13800138000'"],
                 id="phone-leading-space"),
    pytest.param({"ts": "1744773894369\n"}, "ts", ["whitespace", "'1744773894369'"],
                 id="ts-newline"),
    pytest.param({"code_type": " 3"}, "codeType", ["whitespace", "'3'"], id="codetype-space"),
    pytest.param({"international_code": "86 "}, "internationalCode", ["whitespace"],
                 id="intl-code-space"),
    pytest.param({"code_type": "login"}, "codeType", ["2"], id="codetype-login"),
    pytest.param({"code_type": "登录"}, "codeType", ["2"], id="codetype-chinese-login"),
    pytest.param({"code_type": "Registration"}, "codeType", ["3"], id="codetype-english"),
    pytest.param({"phone": "138 0013 8000"}, "phone", ["13800138000"], id="phone-spaces"),
    pytest.param({"phone": "138-0013-8000"}, "phone", ["13800138000"], id="phone-dashes"),
]


@pytest.mark.parametrize(("change", "field", "words"), MISTAKES)
def test_each_common_mistake_is_reported_on_its_field_with_an_actionable_text(
    change: dict[str, str], field: str, words: list[str]
) -> None:
    items = signing_advice(**{**EXAMPLE, **change})
    assert [item.field for item in items] == [field]
    for word in words:
        assert word in text(items[0])


@pytest.mark.parametrize(("change", "field", "words"), MISTAKES)
def test_advice_disappears_when_the_mistake_is_fixed(
    change: dict[str, str], field: str, words: list[str]
) -> None:
    assert signing_advice(**{**EXAMPLE, **change})
    assert signing_advice(**EXAMPLE) == []


def test_timestamp_advice_carries_the_platform_code_and_both_messages() -> None:
    (item,) = signing_advice(**{**EXAMPLE, "ts": "1744773894"})
    assert item.code == 5145
    assert item.message_zh == "时间戳格式不正确"  # docs/platform.md: 5145 时间戳格式不正确
    assert item.message_en is not None and "timestamp" in item.message_en.casefold()
    assert "5145 时间戳格式不正确" in item.describe()
    assert item.severity == "error"


def test_country_code_inside_the_phone_is_a_warning_that_the_override_silences() -> None:
    # Only phonenumbers doubts 8613800138000 (it is digits, the right length for E.164):
    # a warning, gone with the documented override.
    items = field_advice(**{**EXAMPLE, "phone": "8613800138000"}, user_domain="demo",
                         check_clock_window=False)
    (item,) = items
    assert (item.field, item.severity) == ("phone", "warning")
    assert "13800138000" in (item.hint or "")
    assert field_advice(**{**EXAMPLE, "phone": "8613800138000"}, user_domain="demo",
                        check_clock_window=False, allow_unverified_phone=True) == []


def test_unknown_country_calling_code_is_a_warning() -> None:
    items = field_advice(**{**EXAMPLE, "international_code": "999"}, user_domain="demo",
                         check_clock_window=False)
    assert [(i.field, i.severity) for i in items] == [("internationalCode", "warning")]


def test_rule_breaks_stay_errors_even_with_the_override() -> None:
    items = field_advice(**{**EXAMPLE, "phone": "+8613800138000"}, user_domain="demo",
                         check_clock_window=False, allow_unverified_phone=True)
    assert [(i.field, i.severity) for i in items] == [("phone", "error")]


def test_secret_whitespace_is_reported_without_repeating_the_secret() -> None:
    items = signing_advice(**{**EXAMPLE, "secret": PRIVATE_SECRET})
    (item,) = items
    assert item.field == "userDomainSecret"
    assert "whitespace" in item.rule
    assert "canary-7c1e9f" not in repr(items)
    assert "canary-7c1e9f" not in str(item.as_dict())
    assert "canary-7c1e9f" not in item.describe()


def test_missing_secret_is_reported() -> None:
    items = signing_advice(**{**EXAMPLE, "secret": ""})
    assert [(i.field, i.rule) for i in items] == [("userDomainSecret", "is required")]


def test_signing_advice_ignores_the_user_domain_and_by_default_the_clock() -> None:
    # The example is from April 2025: far outside any 10-minute window of "now".
    assert signing_advice(**EXAMPLE) == []


def test_signing_advice_checks_the_ten_minute_window_when_given_a_clock() -> None:
    in_window = FixedClock(TS + 9 * 60_000)
    stale = FixedClock(TS + 11 * 60_000)
    assert signing_advice(**EXAMPLE, clock=in_window) == []
    (item,) = signing_advice(**EXAMPLE, clock=stale)
    assert item.field == "ts"
    assert "10 minutes" in item.rule


def test_several_mistakes_are_all_reported_in_the_page_parameter_order() -> None:
    items = signing_advice(phone="+8613800138000", code_type="login", random="short",
                           ts="1744773894", secret=" x")
    assert [item.field for item in items] == [
        "codeType", "phone", "random", "ts", "userDomainSecret"]


def test_field_advice_names_a_missing_user_domain_with_its_platform_code() -> None:
    items = field_advice(**EXAMPLE, user_domain="", check_clock_window=False)
    (item,) = items
    assert (item.field, item.code) == ("userDomain", 5023)
    assert item.message_zh == "请输入用户域"  # the page: 5023 请输入用户域


def test_fields_filter_limits_the_advice() -> None:
    kwargs = {**EXAMPLE, "phone": "+86 138", "random": "x"}
    assert [i.field for i in field_advice(**kwargs, user_domain="d", check_clock_window=False,
                                          fields=["random"])] == ["random"]


def test_padding_is_named_as_the_cause_and_judgement_only_problems_are_warnings() -> None:
    items = field_advice(**{**EXAMPLE, "random": "abcdefghijklmnop ", "phone": "1"},
                         user_domain="demo", check_clock_window=False)
    assert [(i.field, i.severity) for i in items] == [("phone", "warning"), ("random", "error")]
    assert items[1].hint == "remove the whitespace around the value: 'abcdefghijklmnop'"
    assert items[0].message_zh == "手机号格式不正确"  # the page: 5019 手机号格式不正确


def test_as_dict_is_plain_data_in_a_fixed_order() -> None:
    (item,) = signing_advice(**{**EXAMPLE, "ts": "1744773894"})
    assert list(item.as_dict()) == ["field", "severity", "rule", "hint", "code",
                                    "message_zh", "message_en", "text"]
