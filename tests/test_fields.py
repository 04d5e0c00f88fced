"""smskit.fields: what counts as codeType and ts, each refusal as the user reads it.

Signing and validation share these two parsers; the expectations are written out here.
"""

from __future__ import annotations

import pytest

from smskit.codetypes import CodeType
from smskit.errors import InputError
from smskit.fields import parse_code_type, parse_timestamp_ms, sent_code_type_problem

CT = "must be an integer from 1 to 5"
TS = "must be an integer of epoch milliseconds"
DIGITS_13 = "must be epoch milliseconds, 13 digits (got {})"
USE_NOW = "use the current time in ms, e.g. smskit.now_ms()"


def refusal(parse: object, value: object) -> tuple[object, ...]:
    with pytest.raises(InputError) as raised:
        parse(value)  # type: ignore[operator]
    (problem,) = raised.value.problems
    return (problem.field, str(problem.rule), problem.code,
            None if problem.hint is None else str(problem.hint))


@pytest.mark.parametrize(("value", "number"), [
    (3, 3), (CodeType.REGISTER, 3), ("3", 3), (0, 0), ("0", 0),
    ("9" * 19, 9_999_999_999_999_999_999),
])
def test_code_type_accepted_as_an_int(value: object, number: int) -> None:
    parsed = parse_code_type(value)
    assert parsed == number and type(parsed) is int


@pytest.mark.parametrize(("value", "rule", "hint"), [
    (" 3", "must not have leading or trailing whitespace", "send '3'"),
    ("3 ", "must not have leading or trailing whitespace", "send '3'"),
    ("", "is required", None), ("  ", "is required", None), (None, "is required", None),
    (True, f"{CT}, not a bool", None), (-1, f"{CT}, not negative", None),
    (2.0, f"{CT}, not a float", "pass int(2.0)"), (2.5, f"{CT}, not a float", None),
    ("two", f"{CT}, given as digits 0-9", "pass 1-5 or a smskit.CodeType member"),
    ("x", f"{CT}, given as digits 0-9", "pass 1-5 or a smskit.CodeType member"),
    ("login", f"{CT}, given as digits 0-9", "'login' is code type 2: pass 2 or CodeType.LOGIN"),
    ("Password-Reset", f"{CT}, given as digits 0-9",
     "'Password-Reset' is code type 1: pass 1 or CodeType.PASSWORD_RESET"),
    ("password_reset", f"{CT}, given as digits 0-9",
     "'password_reset' is code type 1: pass 1 or CodeType.PASSWORD_RESET"),
    ("登录", f"{CT}, given as digits 0-9", "'登录' is code type 2: pass 2 or CodeType.LOGIN"),
    ("cancel_account", f"{CT}, given as digits 0-9",  # by its name: its English differs
     "'cancel_account' is code type 4: pass 4 or CodeType.CANCEL_ACCOUNT"),
    ("Cancel Account", f"{CT}, given as digits 0-9",
     "'Cancel Account' is code type 4: pass 4 or CodeType.CANCEL_ACCOUNT"),
    ("9" * 20, f"{CT}; 20 digits is more than an int64 holds (19)", None),
    ([1], f"{CT}, not list", None), (b"3", f"{CT}, not bytes", None),
], ids=repr)
def test_code_type_refusals_literally(value: object, rule: str, hint: str | None) -> None:
    assert refusal(parse_code_type, value) == ("codeType", rule, None, hint)


@pytest.mark.parametrize(("value", "number"), [
    (1764300000123, 1764300000123), ("1764300000123", 1764300000123),
    (1_000_000_000_000, 1_000_000_000_000), (9_999_999_999_999, 9_999_999_999_999),
])
def test_ts_accepted_with_13_digits(value: object, number: int) -> None:
    assert parse_timestamp_ms(value) == number


@pytest.mark.parametrize(("value", "rule", "hint"), [
    (1764300000, DIGITS_13.format(10),
     "1764300000 looks like seconds: multiply by 1000 (e.g. 1764300000000)"),
    (176430000, DIGITS_13.format(9),
     "176430000 looks like seconds: multiply by 1000 (e.g. 176430000000)"),
    (1764300000123000, DIGITS_13.format(16),
     "1764300000123000 looks like microseconds: convert to milliseconds"),
    (1764300000123000000, DIGITS_13.format(19),
     "1764300000123000000 looks like nanoseconds: convert to milliseconds"),
    (17643000001, DIGITS_13.format(11), USE_NOW),
    (999_999_999_999, DIGITS_13.format(12), USE_NOW),
    (10_000_000_000_000, DIGITS_13.format(14), USE_NOW),
    (0, DIGITS_13.format(1), USE_NOW),
    ("17643000001x3", f"{TS}, given as digits 0-9", None),
    (1764300000.5, f"{TS}, not a float", None),
    (1764300000123.0, f"{TS}, not a float", "pass int(1764300000123.0)"),
    (True, f"{TS}, not a bool", None), (False, f"{TS}, not a bool", None),
    (-1, f"{TS}, not negative", None), ("", "is required", None), (" ", "is required", None),
    (None, "is required", None),
    (" 1764300000123", "must not have leading or trailing whitespace", "send '1764300000123'"),
], ids=repr)
def test_ts_refusals_literally_all_5145(value: object, rule: str, hint: str | None) -> None:
    assert refusal(parse_timestamp_ms, value) == ("ts", rule, 5145, hint)


AS_SENT = "must be sent as one digit 1-5, the same text that is signed; got {}"


@pytest.mark.parametrize(("text", "expected"), [
    ("1", None), ("3", None), ("5", None),
    ("03", ("codeType", AS_SENT.format("'03'"), None, "send codeType=3 and sign 3")),
    ("05", ("codeType", AS_SENT.format("'05'"), None, "send codeType=5 and sign 5")),
    ("0", ("codeType", AS_SENT.format("'0'"), None, "send codeType=1-5 and sign 1-5")),
    ("6", ("codeType", AS_SENT.format("'6'"), None, "send codeType=1-5 and sign 1-5")),
    ("09", ("codeType", AS_SENT.format("'09'"), None, "send codeType=1-5 and sign 1-5")),
    # refused by parse_code_type itself: that problem comes first, none here
    ("+3", None), ("3.0", None), ("x", None), ("", None), (" 3", None),
], ids=repr)
def test_code_type_as_sent_is_one_digit_1_to_5(text: str, expected: object) -> None:
    problem = sent_code_type_problem(text)
    shown = None if problem is None else (problem.field, str(problem.rule), problem.code,
                                          str(problem.hint))
    assert shown == expected
