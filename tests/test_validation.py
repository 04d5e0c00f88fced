"""Validation: every rule on the page, each problem naming field, rule and platform code."""

from __future__ import annotations

from typing import Any

import pytest

from smskit import FixedClock, InputError, build_request
from smskit.errors import Problem
from smskit.validation import validate_fields

NOW = 1764300000000
GOOD: dict[str, Any] = {
    "phone": "13912345678",
    "code_type": 2,
    "international_code": "86",
    "random": "Ab3dEf6hIj9kLm0n",
    "ts": NOW,
    "user_domain": "demo-domain",
}


def problems(**changes: Any) -> list[Problem]:
    return validate_fields(**{**GOOD, **changes}, clock=FixedClock(NOW))


def only(**changes: Any) -> Problem:
    found = problems(**changes)
    assert len(found) == 1, found
    return found[0]


def test_good_fields_have_no_problems() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"phone": ""}, "phone", 5021),
        ({"phone": None}, "phone", 5021),
        ({"phone": "   "}, "phone", 5021),
        ({"user_domain": ""}, "userDomain", 5023),
        ({"international_code": ""}, "internationalCode", 5116),
        ({"international_code": None}, "internationalCode", 5116),
    ],
)
def test_missing_fields_carry_the_pages_code(
    changes: dict[str, Any], field: str, code: int
) -> None:
    problem = only(**changes)
    assert (problem.field, problem.code, problem.rule) == (field, code, "is required")


def test_problems_carry_both_platform_messages() -> None:
    problem = only(phone="")
    assert problem.message_zh == "请输入手机号码"
    assert problem.message_en == "Please enter the phone number"
    assert "5021 请输入手机号码" in problem.describe()


@pytest.mark.parametrize(
    ("phone", "international_code", "hint_part"),
    [
        ("139 1234 5678", "86", "remove spaces"),
        ("139-1234-5678", "86", "13912345678"),
        ("+8613912345678", "86", "internationalCode"),
        ("8613912345678", "86", "send 13912345678"),
        ("12345", "86", "allow_unverified_phone"),
        ("13912345678", "1", "allow_unverified_phone"),  # a Chinese mobile is not a US number
        ("07911123456", "44", "send 7911123456"),
        ("013912345678", "86", "send 13912345678"),
    ],
)
def test_bad_phone_formats_are_5019_with_a_hint(
    phone: str, international_code: str, hint_part: str
) -> None:
    problem = only(phone=phone, international_code=international_code)
    assert (problem.field, problem.code) == ("phone", 5019)
    assert problem.hint is not None and hint_part in problem.hint


def test_phone_is_judged_by_phonenumbers_for_other_countries() -> None:
    assert problems(phone="4155552671", international_code="1") == []
    assert problems(phone="7911123456", international_code="44") == []
    assert problems(phone="0612345678", international_code="39") == []  # Italian leading 0


def test_a_trunk_prefix_is_named_as_such() -> None:
    assert "without a trunk prefix" in only(phone="07911123456", international_code="44").rule


def test_the_phone_judgement_can_be_knowingly_overridden() -> None:
    assert validate_fields(**{**GOOD, "phone": "12345"}, clock=FixedClock(NOW),
                           allow_unverified_phone=True) == []
    # The override keeps the digits-only rule.
    found = validate_fields(**{**GOOD, "phone": "123 45"}, clock=FixedClock(NOW),
                            allow_unverified_phone=True)
    assert [p.code for p in found] == [5019]


@pytest.mark.parametrize(
    ("value", "hint_part"),
    [("+86", "send '86', not '+86'"), ("0086", "send '86', not '0086'"), (" 86", "send '86'")],
)
def test_international_code_mistakes_get_hints(value: str, hint_part: str) -> None:
    problem = only(international_code=value)
    assert problem.field == "internationalCode"
    assert problem.hint is not None and hint_part in problem.hint


def test_unknown_calling_code_is_refused_unless_overridden() -> None:
    assert only(international_code="999").field == "internationalCode"
    assert validate_fields(**{**GOOD, "international_code": "999"}, clock=FixedClock(NOW),
                           allow_unverified_phone=True) == []


@pytest.mark.parametrize("value", ["abc", "Ab3dEf6hIj9kLm0nX", ""])
def test_random_must_be_16_characters(value: str) -> None:
    problem = only(random=value)
    assert problem.field == "random"
    assert problem.hint == "use smskit.new_random()"


def test_random_length_problem_says_the_length() -> None:
    assert "got 3" in only(random="abc").rule


def test_random_must_be_ascii_letters_and_digits() -> None:
    assert only(random="Ab3dEf6hIj9kLm0!").field == "random"
    assert only(random="Ab3dEf6hIj9kLm0é").field == "random"


@pytest.mark.parametrize("offset_ms", [-600_000, 0, 600_000])
def test_ts_within_ten_minutes_inclusive_is_fine(offset_ms: int) -> None:
    assert problems(ts=NOW + offset_ms) == []


@pytest.mark.parametrize(("offset_ms", "word"), [(-600_001, "behind"), (600_001, "ahead of")])
def test_ts_beyond_ten_minutes_is_refused(offset_ms: int, word: str) -> None:
    problem = only(ts=NOW + offset_ms)
    assert problem.field == "ts"
    assert "within 10 minutes" in problem.rule and word in problem.rule


def test_ts_in_seconds_is_refused_with_a_hint() -> None:
    problem = only(ts=NOW // 1000)
    assert problem.code == 5145
    assert problem.hint is not None and "seconds" in problem.hint


@pytest.mark.parametrize("value", [0, 6, 99])
def test_code_type_must_be_one_to_five(value: int) -> None:
    problem = only(code_type=value)
    assert problem.field == "codeType"
    assert "1-5" in problem.rule


@pytest.mark.parametrize(("text", "number"), [("login", 2), ("登录", 2), ("Registration", 3),
                                               ("password_reset", 1)])
def test_code_type_as_text_gets_the_number(text: str, number: int) -> None:
    problem = only(code_type=text)
    assert problem.hint is not None and f"is code type {number}" in problem.hint


def test_stray_whitespace_in_user_domain_is_refused() -> None:
    assert only(user_domain="demo ").hint == "send 'demo'"


def test_all_problems_are_reported_at_once_in_page_order() -> None:
    found = problems(phone="", code_type=9, international_code="+86", random="x",
                     ts=123, user_domain="")
    assert [p.field for p in found] == ["codeType", "internationalCode", "phone", "random", "ts",
                                        "userDomain"]


def test_arbitrary_objects_give_problems_not_exceptions() -> None:
    weird = object()
    found = problems(phone=weird, code_type=weird, international_code=weird, random=weird,
                     ts=weird, user_domain=weird)
    assert {p.field for p in found} == {"phone", "codeType", "internationalCode", "random",
                                        "ts", "userDomain"}


def test_build_request_refuses_bad_input_and_signs_nothing() -> None:
    with pytest.raises(InputError) as raised:
        build_request(phone="139 1234 5678", code_type=2, user_domain="d", secret="",
                      clock=FixedClock(NOW))
    assert raised.value.fields == ("phone", "userDomainSecret")


def test_secret_problems_never_contain_the_secret() -> None:
    secret = "  SecretWithSpaces  "
    with pytest.raises(InputError) as raised:
        build_request(phone="13912345678", code_type=2, user_domain="d", secret=secret,
                      clock=FixedClock(NOW))
    assert raised.value.field == "userDomainSecret"
    assert secret.strip() not in str(raised.value) and secret.strip() not in repr(raised.value)
