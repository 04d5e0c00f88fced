"""Turn caller-supplied ``codeType`` and ``ts`` values into the integers the API signs.

The platform parses both as integers, and the signature covers their decimal text
(``3``, ``1744773894369``). These are the only two places that decide what counts as an
integer here, so signing and validation refuse the same things: ``bool``, floats, and text
that is not plain ASCII digits. A ``ts`` that is not 13 digits long is refused with a hint
about the unit it probably is in.
"""

from __future__ import annotations

import re
from typing import Any

from smskit.errors import InputError, Problem
from smskit.platform_codes import PlatformCode

_ASCII_DIGITS = re.compile(r"[0-9]+")
MS_TIMESTAMP_DIGITS = 13  # 2001-09-09 .. 2286-11-20 in milliseconds
MAX_DIGITS = 19  # an int64, the platform's widest integer type; also keeps int() cheap
_UNIT_BY_DIGITS = {9: "seconds", 10: "seconds", 16: "microseconds", 19: "nanoseconds"}


def parse_code_type(value: Any) -> int:
    """Return ``codeType`` as an int; accepts an int, a :class:`CodeType` or digit text."""
    return _parse_int("codeType", value, code=None, what="an integer from 1 to 5")


def parse_timestamp_ms(value: Any) -> int:
    """Return ``ts`` as an int of epoch milliseconds; refuses seconds and other units."""
    number = _parse_int(
        "ts", value, code=PlatformCode.TIMESTAMP_FORMAT, what="an integer of epoch milliseconds"
    )
    digits = len(str(number))
    if digits != MS_TIMESTAMP_DIGITS:
        unit = _UNIT_BY_DIGITS.get(digits)
        if unit == "seconds":
            hint = f"{number} looks like seconds: multiply by 1000 (e.g. {number * 1000})"
        elif unit:
            hint = f"{number} looks like {unit}: convert to milliseconds"
        else:
            hint = "use the current time in ms, e.g. smskit.now_ms()"
        raise InputError(
            [
                Problem(
                    "ts",
                    f"must be epoch milliseconds, {MS_TIMESTAMP_DIGITS} digits (got {digits})",
                    PlatformCode.TIMESTAMP_FORMAT,
                    hint,
                )
            ]
        )
    return number


def _parse_int(field: str, value: Any, *, code: int | None, what: str) -> int:
    if isinstance(value, bool):
        raise InputError([Problem(field, f"must be {what}, not a bool", code)])
    if isinstance(value, int):
        if value < 0:
            raise InputError([Problem(field, f"must be {what}, not negative", code)])
        return int(value)  # drops IntEnum-ness: CodeType.REGISTER -> 3
    if isinstance(value, float):
        hint = f"pass int({value!r})" if value.is_integer() else None
        raise InputError([Problem(field, f"must be {what}, not a float", code, hint)])
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and _ASCII_DIGITS.fullmatch(stripped):
            if len(stripped) > MAX_DIGITS:
                raise InputError([Problem(field, f"must be {what}; {len(stripped)} digits is "
                                          f"more than an int64 holds ({MAX_DIGITS})", code)])
            if stripped != value:
                raise InputError(
                    [Problem(field, "must not have leading or trailing whitespace", code,
                             f"send {stripped!r}")]
                )
            return int(stripped)
        if not stripped:
            raise InputError([Problem(field, "is required", code)])
        raise InputError([Problem(field, f"must be {what}, given as digits 0-9", code,
                                  _text_hint(field, stripped))])
    if value is None:
        raise InputError([Problem(field, "is required", code)])
    raise InputError([Problem(field, f"must be {what}, not {type(value).__name__}", code)])


def _text_hint(field: str, text: str) -> str | None:
    if field != "codeType":
        return None
    from smskit.codetypes import CodeType

    folded = text.casefold().replace("-", " ").replace("_", " ")
    for member in CodeType:
        names = {member.name.casefold().replace("_", " "), member.en.casefold(), member.zh}
        if folded in names:
            return (f"{text!r} is code type {member.value}: "
                    f"pass {member.value} or CodeType.{member.name}")
    return "pass 1-5 or a smskit.CodeType member"
