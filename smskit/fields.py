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

from smskit import i18n
from smskit.errors import InputError, Problem
from smskit.i18n import Message
from smskit.platform_codes import PlatformCode

_ASCII_DIGITS = re.compile(r"[0-9]+")
MS_TIMESTAMP_DIGITS = 13  # 2001-09-09 .. 2286-11-20 in milliseconds
MAX_DIGITS = 19  # an int64, the platform's widest integer type; also keeps int() cheap
_UNIT_BY_DIGITS = {9: "seconds", 10: "seconds", 16: "microseconds", 19: "nanoseconds"}
_CODE_TYPE_WHAT = i18n.text("fields.code_type.what")
_TS_WHAT = i18n.text("fields.ts.what")
_SENT_CODE_TYPES = frozenset("12345")


def parse_code_type(value: Any) -> int:
    """Return ``codeType`` as an int; accepts an int, a :class:`CodeType` or digit text."""
    return _parse_int("codeType", value, code=None, what=_CODE_TYPE_WHAT)


def sent_code_type_problem(text: str) -> Problem | None:
    """``codeType`` as it travels in a query: exactly one of ``1``-``5``, or a problem.

    The signature covers the text as sent, so ``03``, ``+3`` or ``3.0`` cannot be read as 3
    without guessing what the client signed: the sandbox refuses them (5000, an assumption,
    docs/platform.md) and the signature doctor declines to judge them. ``None`` when fine or
    when :func:`parse_code_type` itself refuses the text (that problem comes first).
    """
    if text in _SENT_CODE_TYPES:
        return None
    try:
        number = parse_code_type(text)
    except InputError:
        return None
    send = str(number) if str(number) in _SENT_CODE_TYPES else "1-5"
    return Problem("codeType", i18n.text("fields.code_type.as_sent", given=repr(text)),
                   None, i18n.text("fields.code_type.send_as", value=send))


def parse_timestamp_ms(value: Any) -> int:
    """Return ``ts`` as an int of epoch milliseconds; refuses seconds and other units."""
    number = _parse_int("ts", value, code=PlatformCode.TIMESTAMP_FORMAT, what=_TS_WHAT)
    digits = len(str(number))
    if digits != MS_TIMESTAMP_DIGITS:
        unit = _UNIT_BY_DIGITS.get(digits)
        if unit == "seconds":
            hint = i18n.text("fields.ts.seconds", number=number, example=number * 1000)
        elif unit:
            hint = i18n.text("fields.ts.unit", number=number,
                             unit=i18n.text(f"fields.unit.{unit}"))
        else:
            hint = i18n.text("fields.ts.use_now")
        raise InputError([Problem(
            "ts", i18n.text("fields.ts.digits", expected=MS_TIMESTAMP_DIGITS, digits=digits),
            PlatformCode.TIMESTAMP_FORMAT, hint)])
    return number


def _parse_int(field: str, value: Any, *, code: int | None, what: Message) -> int:
    if isinstance(value, bool):
        raise InputError([Problem(field, i18n.text("fields.not_bool", what=what), code)])
    if isinstance(value, int):
        if value < 0:
            raise InputError([Problem(field, i18n.text("fields.negative", what=what), code)])
        return int(value)  # drops IntEnum-ness: CodeType.REGISTER -> 3
    if isinstance(value, float):
        hint = i18n.text("fields.float_hint", value=repr(value)) if value.is_integer() else None
        raise InputError([Problem(field, i18n.text("fields.float", what=what), code, hint)])
    if isinstance(value, str):
        stripped = value.strip()
        if stripped and _ASCII_DIGITS.fullmatch(stripped):
            if len(stripped) > MAX_DIGITS:
                raise InputError([Problem(field, i18n.text(
                    "fields.too_many_digits", what=what, digits=len(stripped), most=MAX_DIGITS),
                    code)])
            if stripped != value:
                raise InputError(
                    [Problem(field, i18n.text("validation.whitespace"), code,
                             i18n.text("validation.send", value=repr(stripped)))]
                )
            return int(stripped)
        if not stripped:
            raise InputError([Problem(field, i18n.text("validation.required"), code)])
        raise InputError([Problem(field, i18n.text("fields.digits", what=what), code,
                                  _text_hint(field, stripped))])
    if value is None:
        raise InputError([Problem(field, i18n.text("validation.required"), code)])
    raise InputError([Problem(field, i18n.text("fields.not_type", what=what,
                                               type=type(value).__name__), code)])


def _text_hint(field: str, text: str) -> Message | None:
    if field != "codeType":
        return None
    from smskit.codetypes import CodeType

    folded = text.casefold().replace("-", " ").replace("_", " ")
    for member in CodeType:
        names = {member.name.casefold().replace("_", " "), member.en.casefold(), member.zh}
        if folded in names:
            return i18n.text("fields.code_type.is", text=repr(text), value=member.value,
                             name=member.name)
    return i18n.text("fields.code_type.pass")
