"""Validation: every rule on the page, each problem naming field, rule and platform code."""

from __future__ import annotations

from typing import Any

import pytest

from smskit import FixedClock, InputError, build_request
from smskit.errors import Problem
from smskit.validation import (
    base_url_problems,
    secret_problems,
    signing_problems,
    validate_fields,
)

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


# -- each rule as the user reads it: field, rule, code, hint, severity, literally ------------

CONTROL_HINT = "a carriage return from a Windows .env file is a common cause"
NO_UTF8 = ("must be text with a UTF-8 form (it contains a lone surrogate, e.g. from "
           "undecodable bytes)")
NEW_RANDOM = "use smskit.new_random()"


def shown(found: list[Problem]) -> list[tuple[object, ...]]:
    return [(p.field, str(p.rule), p.code, None if p.hint is None else str(p.hint), p.severity)
            for p in found]


@pytest.mark.parametrize(("changes", "expected"), [
    # phones with letters or non-ASCII digits: 5019
    ({"phone": "1391234567a"}, ("phone", "must contain digits 0-9 only", 5019, None, "error")),
    ({"phone": "139１2345678"}, ("phone", "must contain digits 0-9 only", 5019, None, "error")),
    ({"phone": "(139) 1234.5678"}, ("phone", "must contain digits only", 5019,
                                    "remove spaces, dashes and brackets: 13912345678", "error")),
    ({"phone": "+8613912345678"}, ("phone", "must be the national number, without a country "
                                   "prefix", 5019, "put the country code in internationalCode "
                                   "(e.g. internationalCode=86, phone=13800138000)", "error")),
    ({"phone": "0013912345678"}, ("phone", "must be the national number, without a country "
                                  "prefix", 5019, "put the country code in internationalCode "
                                  "(e.g. internationalCode=86, phone=13800138000)", "error")),
    ({"phone": "13912345678\n"}, ("phone", "must not have leading or trailing whitespace", 5019,
                                  "send '13912345678'", "error")),
    ({"phone": "1391234\x005678"}, ("phone", "must not contain control characters; found "
                                    "'\\x00' at position 7", 5019, CONTROL_HINT, "error")),
    ({"phone": 13912345678}, ("phone", "must be text, not int", 5021, None, "error")),
    ({"phone": "8613912345678"}, ("phone", "is not a valid number for international code 86 "
                                  "(judged by phonenumbers)", 5019,
                                  "drop the country code from the phone: send 13912345678",
                                  "warning")),
    ({"phone": "1111111111111"}, ("phone", "is not a valid number for international code 86 "
                                  "(judged by phonenumbers)", 5019, "check the number, or pass "
                                  "allow_unverified_phone=True if the platform accepts it",
                                  "warning")),
    # ts as a bool, negative, blank or None: 5145
    ({"ts": True}, ("ts", "must be an integer of epoch milliseconds, not a bool", 5145, None,
                    "error")),
    ({"ts": -1}, ("ts", "must be an integer of epoch milliseconds, not negative", 5145, None,
                  "error")),
    ({"ts": ""}, ("ts", "is required", 5145, None, "error")),
    ({"ts": "  "}, ("ts", "is required", 5145, None, "error")),
    ({"ts": None}, ("ts", "is required", 5145, None, "error")),
    # the 10-minute window: outside on both sides (inside: test_ts_within_ten_minutes...)
    ({"ts": NOW + 600_001}, ("ts", "must be within 10 minutes of the server's time; it is "
                             "10.0 min ahead of this clock", None,
                             "use the current time: smskit.now_ms()", "error")),
    ({"ts": NOW - 600_001}, ("ts", "must be within 10 minutes of the server's time; it is "
                             "10.0 min behind this clock", None,
                             "use the current time: smskit.now_ms()", "error")),
    ({"code_type": 0}, ("codeType", "must be one of 1-5 (1 password reset, 2 login, 3 "
                        "registration, 4 account cancellation, 5 add push recipient); got 0",
                        None, None, "error")),
    ({"random": "Ab3dEf6hIj9kLm0n\x00"}, ("random", "must not contain control characters; "
                                          "found '\\x00' at the end", None, NEW_RANDOM,
                                          "error")),
    ({"random": "Ab3dEf6hIj9k\x00m0n"}, ("random", "must not contain control characters; "
                                         "found '\\x00' at position 12", None, NEW_RANDOM,
                                         "error")),
    ({"random": " Ab3dEf6hIj9kLm0n"}, ("random", "must be exactly 16 characters (got 17)", None,
                                       "remove the whitespace around the value: "
                                       "'Ab3dEf6hIj9kLm0n'", "error")),
    ({"random": None}, ("random", "is required", None, NEW_RANDOM, "error")),
    ({"user_domain": "de\tmo"}, ("userDomain", "must not contain control characters; found "
                                 "'\\t' at position 2", None, CONTROL_HINT, "error")),
    ({"user_domain": "\ud800"}, ("userDomain", NO_UTF8, None, None, "error")),
    ({"user_domain": None}, ("userDomain", "is required", 5023, "send the userDomain issued "
                             "with your app in the platform console", "error")),
    ({"user_domain": 5}, ("userDomain", "must be text, not int", 5023, "send the userDomain "
                          "issued with your app in the platform console", "error")),
    ({"international_code": "1234"}, ("internationalCode", "must be 1-3 digits (a country "
                                       "calling code)", None, "e.g. 86 for mainland China",
                                       "error")),
    ({"international_code": "+"}, ("internationalCode", "must be 1-3 digits (a country calling "
                                    "code)", None, "e.g. 86 for mainland China", "error")),
    ({"international_code": "86\x00"}, ("internationalCode", "must not contain control "
                                        "characters; found '\\x00' at the end", None,
                                        CONTROL_HINT, "error")),
    ({"international_code": "0086"}, ("internationalCode", "must be the country calling code "
                                      "as digits, without + or 00", None,
                                      "send '86', not '0086'", "error")),
    ({"international_code": "999"}, ("internationalCode", "999 is not a country calling code "
                                     "known to phonenumbers", None, "check the code, or pass "
                                     "allow_unverified_phone=True if you are sure", "warning")),
], ids=repr)
def test_each_rule_literally(changes: dict[str, Any], expected: tuple[object, ...]) -> None:
    assert shown(problems(**changes)) == [expected]


@pytest.mark.parametrize(("phone", "code", "too_long"), [
    ("1" * 13, "86", False), ("1" * 14, "86", True), ("1" * 12, "852", False),
    ("1" * 13, "852", True),
])
def test_an_international_number_has_at_most_15_digits(phone: str, code: str,
                                                        too_long: bool) -> None:
    found = validate_fields(**{**GOOD, "phone": phone, "international_code": code},
                            clock=FixedClock(NOW), allow_unverified_phone=True)
    assert shown(found) == ([("phone", "is too long: an international number has at most 15 "
                              "digits", 5019, None, "error")] if too_long else [])


@pytest.mark.parametrize(("signature", "expected"), [
    ("a" * 64, []), ("0123456789abcdef" * 4, []),
    ("A" * 64, [("signature", "must be lowercase hex", None, "lowercase it", "error")]),
    ("g" * 64, [("signature", "must be 64 lowercase hex characters (a SHA-256 digest)", None,
                 "use smskit.sign()", "error")]),
    ("a" * 63, [("signature", "must be 64 lowercase hex characters (a SHA-256 digest)", None,
                 "use smskit.sign()", "error")]),
    ("a" * 65, [("signature", "must be 64 lowercase hex characters (a SHA-256 digest)", None,
                 "use smskit.sign()", "error")]),
    (None, [("signature", "is required", None, None, "error")]),
])
def test_the_signature_format_is_checked_when_asked(signature: object,
                                                    expected: list[object]) -> None:
    asked = validate_fields(**GOOD, signature=signature, check_signature_format=True,
                            clock=FixedClock(NOW))
    assert shown(asked) == expected
    assert validate_fields(**GOOD, signature=signature, clock=FixedClock(NOW)) == []


def test_the_clock_window_can_be_skipped_and_only_it() -> None:
    far = {**GOOD, "ts": NOW + 700_000}
    assert validate_fields(**far, clock=FixedClock(NOW), check_clock_window=False) == []
    assert [p.field for p in validate_fields(**far, clock=FixedClock(NOW))] == ["ts"]
    seconds = {**GOOD, "ts": NOW // 1000}
    assert [p.code for p in validate_fields(**seconds, check_clock_window=False)] == [5145]


@pytest.mark.parametrize(("secret", "expected"), [
    ("ok", []),
    (None, [("userDomainSecret", "is required", None, "set SMSKIT_USER_DOMAIN_SECRET or type it "
             "in the password field", "error")]),
    ("", [("userDomainSecret", "is required", None, "set SMSKIT_USER_DOMAIN_SECRET or type it "
           "in the password field", "error")]),
    (5, [("userDomainSecret", "must be text, not int", None, None, "error")]),
    ("\ud800", [("userDomainSecret", NO_UTF8, None, None, "error")]),
    (" s", [("userDomainSecret", "has leading or trailing whitespace", None,
             "a newline copied with the secret is the usual cause", "error")]),
    ("s\x00x", [("userDomainSecret", "must not contain control characters (CR, LF, NUL, ...)",
                 None, "a newline or carriage return copied with the value is the usual cause",
                 "error")]),
])
def test_secret_problems_literally(secret: object, expected: list[object]) -> None:
    assert shown(secret_problems(secret)) == expected
    checked = validate_fields(**GOOD, secret=secret, check_secret=True, clock=FixedClock(NOW))
    assert shown(checked) == expected
    assert validate_fields(**GOOD, secret=secret, clock=FixedClock(NOW)) == []


CREDENTIALS = [("base_url", "must not contain credentials", None, None, "error")]
SCHEME = [("base_url", "must start with https:// (or http://) and name a host", None,
           "or use a region name: china, europe", "error")]
NOT_URL = [("base_url", "must be a URL such as https://iot-api.quectelcn.com", None, None,
            "error")]


@pytest.mark.parametrize(("base_url", "expected"), [
    ("https://h:8443/base", []), ("http://127.0.0.1:8765", []),
    ("https://user@host", CREDENTIALS), ("https://user:pw@host", CREDENTIALS),
    ("https://:pw@host", CREDENTIALS),
    ("http://host:99999", [("base_url", "is not a usable URL (Port out of range 0-65535)", None,
                            None, "error")]),
    ("ftp://h", SCHEME), ("https://", SCHEME), ("h/p", SCHEME),
    ("https://h/p?q=1", [("base_url", "must not have a query or fragment", None,
                          "use https://h/p", "error")]),
    ("https://h/p#f", [("base_url", "must not have a query or fragment", None,
                        "use https://h/p", "error")]),
    (" ", NOT_URL), (None, NOT_URL), ("", NOT_URL), (5, NOT_URL),
    ("http://h\n", [("base_url", "must not contain control characters; found '\\n' at the end",
                     None, CONTROL_HINT, "error")]),
], ids=repr)
def test_base_url_problems_literally(base_url: object, expected: list[object]) -> None:
    assert shown(base_url_problems(base_url)) == expected


def test_signing_problems_check_the_clock_only_when_given_one() -> None:
    values = {"phone": "13912345678", "code_type": 2, "random": "Ab3dEf6hIj9kLm0n",
              "ts": NOW + 700_000, "secret": "s"}
    assert signing_problems(**values) == []
    assert [p.field for p in signing_problems(**values, clock=FixedClock(NOW))] == ["ts"]
    assert [p.field for p in signing_problems(**{**values, "phone": "12345"})] == ["phone"]
    assert signing_problems(**{**values, "phone": "12345"}, allow_unverified_phone=True) == []
    assert [p.field for p in signing_problems(**{**values, "international_code": "+1"})] == [
        "internationalCode"]


def test_a_padded_value_gets_the_remove_whitespace_hint_unless_the_rule_says_it() -> None:
    assert str(only(code_type=" 9").hint) == "send '9'"
    assert str(only(random="Ab3dEf6hIj9kLm0n\t").hint) == (
        "remove the whitespace around the value: 'Ab3dEf6hIj9kLm0n'")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"random": "Ab3dEf6hIj9kLm0!"}, [("random", "must be ASCII letters and digits (the "
                                       "platform's examples use only these)", None, NEW_RANDOM,
                                       "error")]),
    ({"ts": " abc "}, [("ts", "must be an integer of epoch milliseconds, given as digits 0-9",
                        5145, "remove the whitespace around the value: 'abc'", "error")]),
    ({"code_type": " two"}, [("codeType", "must be an integer from 1 to 5, given as digits 0-9",
                              None, "remove the whitespace around the value: 'two'", "error")]),
    ({"international_code": "X86"}, [("internationalCode", "must be 1-3 digits (a country "
                                      "calling code)", None, "e.g. 86 for mainland China",
                                      "error")]),
    # an unusable internationalCode: the phone is judged alone, 12 digits are not too long
    ({"international_code": "+86", "phone": "1" * 12}, [
        ("internationalCode", "must be the country calling code as digits, without + or 00",
         None, "send '86', not '+86'", "error")]),
    ({"phone": "07911123456", "international_code": "44"}, [
        ("phone", "must be the national significant number, without a trunk prefix", 5019,
         "send 7911123456", "warning")]),
], ids=repr)
def test_more_rules_literally(changes: dict[str, Any], expected: list[object]) -> None:
    assert shown(problems(**changes)) == expected


def test_a_padded_signature_gets_the_remove_whitespace_hint() -> None:
    found = validate_fields(**GOOD, signature=" " + "a" * 64, check_signature_format=True,
                            clock=FixedClock(NOW))
    assert shown(found) == [("signature", "must be 64 lowercase hex characters (a SHA-256 "
                             "digest)", None, "remove the whitespace around the value: '"
                             + "a" * 64 + "'", "error")]


def test_the_code_type_choices_in_chinese() -> None:
    assert only(code_type=0).rule_in("zh") == (
        "必须是 1-5 之一（1-密码重置，2-登录，3-注册，4-注销，5-添加推送人）；收到的是 0")
