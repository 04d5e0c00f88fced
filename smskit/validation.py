"""Check request fields against the page's rules, reporting every problem at once.

Each :class:`~smskit.errors.Problem` names the field (as the API spells it), the rule, and
the platform code the server would answer where the page or platform names one:
5021 phone missing, 5019 phone format, 5023 user domain missing, 5116 international code
missing, 5145 timestamp format. The page also states rules without a code: ``random`` is 16
characters, ``ts`` is milliseconds within 10 minutes of server time, ``codeType`` is 1-5.

Phone numbers are judged with ``phonenumbers`` against the international code. That may be
stricter than the platform (new number ranges, test numbers): ``allow_unverified_phone=True``
knowingly skips that one judgement and keeps the digits-only rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from smskit.clock import MILLIS_PER_MINUTE, Clock
from smskit.codetypes import CodeType
from smskit.errors import InputError, Problem
from smskit.fields import parse_code_type, parse_timestamp_ms
from smskit.nonce import RANDOM_ALPHABET, RANDOM_LENGTH, now_ms
from smskit.platform_codes import PlatformCode
from smskit.signing import NO_UTF8, SECRET_FIELD, has_utf8

CLOCK_WINDOW_MS = 10 * MILLIS_PER_MINUTE  # 与服务器时间不能超过 10 分钟
MAX_E164_DIGITS = 15
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s\-().]")
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: C0 and C1 control characters and DEL: never part of a setting or field (a Windows .env's
#: trailing CR, a pasted NUL).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PHONE_FORMAT = PlatformCode.PHONE_FORMAT

#: The fields a signature covers, plus ``internationalCode`` (which decides whether the
#: phone is a valid number): what :func:`signing_problems` reports on.
SIGNING_FIELDS = ("codeType", "internationalCode", "phone", "random", "ts", SECRET_FIELD)


def validate_fields(
    *,
    phone: Any,
    code_type: Any,
    international_code: Any,
    random: Any,
    ts: Any,
    user_domain: Any,
    signature: Any = None,
    check_signature_format: bool = False,
    secret: Any = None,
    check_secret: bool = False,
    clock: Clock | None = None,
    check_clock_window: bool = True,
    allow_unverified_phone: bool = False,
) -> list[Problem]:
    """Every problem with these values, in the page's parameter order; empty when all is well.

    ``check_clock_window=False`` skips only the 10-minute rule (to sign historical examples).
    """
    problems: list[Problem] = []
    problems += _code_type_problems(code_type)
    code_problems = _international_code_problems(international_code, allow_unverified_phone)
    problems += code_problems
    # The phone is judged against the international code only when that code is usable.
    calling_code = None if code_problems else international_code
    problems += _phone_problems(phone, calling_code, allow_unverified_phone)
    problems += _random_problems(random)
    if check_signature_format:
        problems += _signature_problems(signature)
    problems += _ts_problems(ts, clock if check_clock_window else None, check_clock_window)
    problems += text_problems("userDomain", user_domain, PlatformCode.DOMAIN_MISSING,
                              "the userDomain issued with your app in the platform console")
    if check_secret:
        problems += secret_problems(secret)
    values = {"phone": phone, "codeType": code_type, "internationalCode": international_code,
              "random": random, "ts": ts, "userDomain": user_domain, "signature": signature}
    return [_padding_hint(problem, values.get(problem.field)) for problem in problems]


def signing_problems(
    *,
    phone: Any,
    code_type: Any,
    random: Any,
    ts: Any,
    secret: Any,
    international_code: Any = "86",
    clock: Clock | None = None,
    allow_unverified_phone: bool = False,
) -> list[Problem]:
    """Problems with the values a signature covers (and the phone's ``internationalCode``).

    The 10-minute clock rule is checked only when a ``clock`` is given, so historical
    examples such as the page's can be signed and explored without it.
    """
    found = validate_fields(
        phone=phone, code_type=code_type, international_code=international_code,
        random=random, ts=ts, user_domain="-", secret=secret, check_secret=True, clock=clock,
        check_clock_window=clock is not None, allow_unverified_phone=allow_unverified_phone)
    return [problem for problem in found if problem.field in SIGNING_FIELDS]


def base_url_problems(base_url: Any) -> list[Problem]:
    """Problems with a base URL setting (field ``base_url``); the client and forms share it."""
    if not isinstance(base_url, str) or not base_url.strip():
        return [Problem("base_url", "must be a URL such as https://iot-api.quectelcn.com")]
    control = control_problem("base_url", base_url)
    if control:
        return [control]
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        return [Problem("base_url", f"is not a usable URL ({error})")]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Problem("base_url", "must start with https:// (or http://) and name a host",
                        hint="or use a region name: china, europe")]
    if parts.username or parts.password:
        return [Problem("base_url", "must not contain credentials")]
    if parts.query or parts.fragment:
        return [Problem("base_url", "must not have a query or fragment",
                        hint=f"use {parts.scheme}://{parts.netloc}{parts.path}")]
    return []


def _code_type_problems(value: Any) -> list[Problem]:
    try:
        number = parse_code_type(value)
    except InputError as error:
        return list(error.problems)
    if number not in {member.value for member in CodeType}:
        choices = ", ".join(f"{m.value} {m.en.lower()}" for m in CodeType)
        return [Problem("codeType", f"must be one of 1-5 ({choices}); got {number}")]
    return []


def control_problem(field: str, text: str, *, show: bool = True) -> Problem | None:
    """A problem if ``text`` holds a control character (CR, LF, NUL, any C0/C1, DEL).

    ``show=False`` (the secret) names neither the character nor where it is.
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    if not show:
        return Problem(field, "must not contain control characters (CR, LF, NUL, ...)",
                       hint="a newline or carriage return copied with the value is the usual "
                       "cause")
    where = "at the end" if found.start() == len(text) - 1 else f"at position {found.start()}"
    return Problem(field, f"must not contain control characters; found "
                   f"{found.group()!r} {where}",
                   hint="a carriage return from a Windows .env file is a common cause")


def _international_code_problems(value: Any, allow_unverified: bool) -> list[Problem]:
    missing = _missing_text_problem("internationalCode", value,
                                    PlatformCode.INTERNATIONAL_CODE_MISSING)
    if missing:
        return [missing]
    text: str = value
    stripped = text.strip()
    if stripped != text:
        return [Problem("internationalCode", "must not have leading or trailing whitespace",
                        hint=f"send {stripped!r}")]
    control = control_problem("internationalCode", text)
    if control:
        return [control]
    bare = stripped.lstrip("+")
    if bare.startswith("00") and _DIGITS.fullmatch(bare):
        bare = bare[2:]
    if bare and bare != stripped:
        return [Problem("internationalCode", "must be the country calling code as digits, "
                        "without + or 00", hint=f"send {bare!r}, not {stripped!r}")]
    if not _DIGITS.fullmatch(stripped) or len(stripped) > 3:
        return [Problem("internationalCode", "must be 1-3 digits (a country calling code)",
                        hint="e.g. 86 for mainland China")]
    if not allow_unverified and _region_for(stripped) is None:
        return [Problem("internationalCode",
                        f"{stripped} is not a country calling code known to phonenumbers",
                        hint="check the code, or pass allow_unverified_phone=True if you are sure",
                        severity="warning")]
    return []


def _phone_problems(value: Any, calling_code: str | None, allow_unverified: bool) -> list[Problem]:
    missing = _missing_text_problem("phone", value, PlatformCode.PHONE_MISSING)
    if missing:
        return [missing]
    text: str = value.strip()
    if text != value:
        return [Problem("phone", "must not have leading or trailing whitespace", _PHONE_FORMAT,
                        hint=f"send {text!r}")]
    control = control_problem("phone", text)
    if control:
        return [Problem("phone", control.rule, _PHONE_FORMAT, control.hint)]
    if text.startswith(("+", "00")):
        return [Problem("phone", "must be the national number, without a country prefix",
                        _PHONE_FORMAT, hint="put the country code in internationalCode "
                        "(e.g. internationalCode=86, phone=13800138000)")]
    cleaned = _SEPARATORS.sub("", text)
    if cleaned != text and _DIGITS.fullmatch(cleaned):
        return [Problem("phone", "must contain digits only", _PHONE_FORMAT,
                        hint=f"remove spaces, dashes and brackets: {cleaned}")]
    if not _DIGITS.fullmatch(text):
        return [Problem("phone", "must contain digits 0-9 only", _PHONE_FORMAT)]
    if len(calling_code or "") + len(text) > MAX_E164_DIGITS:
        return [Problem("phone", f"is too long: an international number has at most "
                        f"{MAX_E164_DIGITS} digits", _PHONE_FORMAT)]
    if allow_unverified or calling_code is None:
        return []  # judged by the user, or nothing to judge against (reported on its field)
    significant = _national_significant_number(calling_code, text)
    if significant == text:
        return []
    if significant is not None:  # valid, but sent with a national trunk prefix
        return [Problem("phone", "must be the national significant number, without a trunk "
                        "prefix", _PHONE_FORMAT, hint=f"send {significant}", severity="warning")]
    hint = "check the number, or pass allow_unverified_phone=True if the platform accepts it"
    without_code = text[len(calling_code):]
    if text.startswith(calling_code) and _national_significant_number(
        calling_code, without_code
    ) == without_code:
        hint = f"drop the country code from the phone: send {without_code}"
    return [Problem("phone", f"is not a valid number for international code {calling_code} "
                    "(judged by phonenumbers)", _PHONE_FORMAT, hint=hint, severity="warning")]


def _random_problems(value: Any) -> list[Problem]:
    missing = _missing_text_problem("random", value, None)
    if missing:
        return [Problem("random", missing.rule, hint="use smskit.new_random()")]
    text: str = value
    control = control_problem("random", text)
    if control and text.strip() == text:
        return [Problem("random", control.rule, hint="use smskit.new_random()")]
    if len(text) != RANDOM_LENGTH:
        return [Problem("random", f"must be exactly {RANDOM_LENGTH} characters (got {len(text)})",
                        hint="use smskit.new_random()")]
    if any(char not in RANDOM_ALPHABET for char in text):
        return [Problem("random", "must be ASCII letters and digits (the platform's examples "
                        "use only these)", hint="use smskit.new_random()")]
    return []


def _ts_problems(value: Any, clock: Clock | None, check_window: bool) -> list[Problem]:
    try:
        ts = parse_timestamp_ms(value)
    except InputError as error:
        return list(error.problems)
    if not check_window:
        return []
    offset = ts - now_ms(clock)
    if abs(offset) > CLOCK_WINDOW_MS:
        direction = "ahead of" if offset > 0 else "behind"
        return [Problem("ts", "must be within 10 minutes of the server's time; it is "
                        f"{abs(offset) / MILLIS_PER_MINUTE:.1f} min {direction} this clock",
                        hint="use the current time: smskit.now_ms()")]
    return []


def _signature_problems(value: Any) -> list[Problem]:
    missing = _missing_text_problem("signature", value, None)
    if missing:
        return [missing]
    text: str = value
    if _HEX64.fullmatch(text):
        return []
    if _HEX64.fullmatch(text.lower()):
        return [Problem("signature", "must be lowercase hex", hint="lowercase it")]
    return [Problem("signature", "must be 64 lowercase hex characters (a SHA-256 digest)",
                    hint="use smskit.sign()")]


def secret_problems(value: Any) -> list[Problem]:
    """Problems with a ``userDomainSecret``, described by shape only, never by value."""
    field = SECRET_FIELD
    if value is None or (isinstance(value, str) and not value):
        return [Problem(field, "is required",
                        hint="set SMSKIT_USER_DOMAIN_SECRET or type it in the password field")]
    if not isinstance(value, str):
        return [Problem(field, f"must be text, not {type(value).__name__}")]
    if not has_utf8(value):
        return [Problem(field, NO_UTF8)]
    if value.strip() != value:
        return [Problem(field, "has leading or trailing whitespace",
                        hint="a newline copied with the secret is the usual cause")]
    control = control_problem(field, value, show=False)
    return [control] if control else []  # the secret's value is never described, only its shape


def text_problems(field: str, value: Any, code: int | None, what: str) -> list[Problem]:
    """Problems with a required text field such as ``userDomain``."""
    missing = _missing_text_problem(field, value, code)
    if missing:
        return [Problem(field, missing.rule, code, hint=f"send {what}")]
    text: str = value
    if not has_utf8(text):
        return [Problem(field, NO_UTF8)]
    if text.strip() != text:
        return [Problem(field, "must not have leading or trailing whitespace",
                        hint=f"send {text.strip()!r}")]
    control = control_problem(field, text)
    return [control] if control else []


def _padding_hint(problem: Problem, value: Any) -> Problem:
    """The problem, its hint saying "remove the whitespace" when the value is padded with it
    (the usual cause of a rule that does not mention whitespace, e.g. a 17-character random)."""
    if not isinstance(value, str):
        return problem
    stripped = value.strip()
    if not stripped or stripped == value or "whitespace" in problem.rule:
        return problem
    return replace(problem, hint=f"remove the whitespace around the value: {stripped!r}")


def _missing_text_problem(field: str, value: Any, code: int | None) -> Problem | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Problem(field, "is required", code)
    if not isinstance(value, str):
        return Problem(field, f"must be text, not {type(value).__name__}", code)
    return None


def _region_for(calling_code: str) -> str | None:
    import phonenumbers

    region = phonenumbers.region_code_for_country_code(int(calling_code))
    return None if region == phonenumbers.UNKNOWN_REGION else region


@functools.lru_cache(maxsize=4096)
def _national_significant_number(calling_code: str, national: str) -> str | None:
    """The number as the numbering plan writes it nationally, or ``None`` if not valid.

    Cached: phonenumbers' parse and metadata match are the costliest step of judging a
    request, and a sandbox, a client or a classroom judges the same phones again and again.
    """
    import phonenumbers

    if not national:
        return None
    try:
        number = phonenumbers.parse(f"+{calling_code}{national}")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.national_significant_number(number))
