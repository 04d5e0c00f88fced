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
from typing import Any
from urllib.parse import urlsplit

from smskit import i18n
from smskit.clock import MILLIS_PER_MINUTE, Clock
from smskit.codetypes import CodeType
from smskit.errors import InputError, Problem
from smskit.fields import parse_code_type, parse_timestamp_ms
from smskit.i18n import Editions, Message
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
_NEW_RANDOM = i18n.text("validation.random.use_new")
_WHITESPACE = i18n.text("validation.whitespace")
_SECRET_WHITESPACE = i18n.text("validation.secret.whitespace")
_USER_DOMAIN_WHAT = i18n.text("validation.user_domain.what")
_CODE_TYPE_VALUES = frozenset(member.value for member in CodeType)
_RANDOM_CHARS = frozenset(RANDOM_ALPHABET)

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
                              _USER_DOMAIN_WHAT)
    if check_secret:
        problems += secret_problems(secret)
    if not problems:
        return problems
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
        return [Problem("base_url", i18n.text("validation.base_url.not_url"))]
    control = control_problem("base_url", base_url)
    if control:
        return [control]
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        return [Problem("base_url", i18n.text("validation.base_url.unusable", error=str(error)))]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Problem("base_url", i18n.text("validation.base_url.scheme"),
                        hint=i18n.text("validation.base_url.scheme_hint"))]
    if parts.username or parts.password:
        return [Problem("base_url", i18n.text("validation.base_url.credentials"))]
    if parts.query or parts.fragment:
        return [Problem("base_url", i18n.text("validation.base_url.query"),
                        hint=i18n.text("validation.use", value=f"{parts.scheme}://{parts.netloc}"
                                  f"{parts.path}"))]
    return []


def _code_type_problems(value: Any) -> list[Problem]:
    try:
        number = parse_code_type(value)
    except InputError as error:
        return list(error.problems)
    if number not in _CODE_TYPE_VALUES:
        choices = Editions(en=", ".join(f"{m.value} {m.en.lower()}" for m in CodeType),
                           zh="，".join(f"{m.value}-{m.zh}" for m in CodeType))
        return [Problem("codeType", i18n.text("validation.code_type.choices", choices=choices,
                                         number=number))]
    return []


def control_problem(field: str, value: str, *, show: bool = True) -> Problem | None:
    """A problem if ``text`` holds a control character (CR, LF, NUL, any C0/C1, DEL).

    ``show=False`` (the secret) names neither the character nor where it is.
    """
    found = _CONTROL.search(value)
    if found is None:
        return None
    if not show:
        return Problem(field, i18n.text("validation.control.hidden"),
                       hint=i18n.text("validation.control.hidden_hint"))
    where = (i18n.text("validation.control.at_end") if found.start() == len(value) - 1
             else i18n.text("validation.control.at_position", position=found.start()))
    return Problem(field, i18n.text("validation.control.found", char=repr(found.group()),
                               where=where),
                   hint=i18n.text("validation.control.found_hint"))


def _international_code_problems(value: Any, allow_unverified: bool) -> list[Problem]:
    missing = _missing_text_problem("internationalCode", value,
                                    PlatformCode.INTERNATIONAL_CODE_MISSING)
    if missing:
        return [missing]
    text: str = value
    stripped = text.strip()
    if stripped != text:
        return [Problem("internationalCode", _WHITESPACE,
                        hint=i18n.text("validation.send", value=repr(stripped)))]
    control = control_problem("internationalCode", text)
    if control:
        return [control]
    bare = stripped.lstrip("+")
    if bare.startswith("00") and _DIGITS.fullmatch(bare):
        bare = bare[2:]
    if bare and bare != stripped:
        return [Problem("internationalCode", i18n.text("validation.international_code.prefix"),
                        hint=i18n.text("validation.send_not", value=repr(bare),
                                       given=repr(stripped)))]
    if not _DIGITS.fullmatch(stripped) or len(stripped) > 3:
        return [Problem("internationalCode", i18n.text("validation.international_code.digits"),
                        hint=i18n.text("validation.international_code.digits_hint"))]
    if not allow_unverified and _region_for(stripped) is None:
        return [Problem("internationalCode",
                        i18n.text("validation.international_code.unknown", code=stripped),
                        hint=i18n.text("validation.international_code.unknown_hint"),
                        severity="warning")]
    return []


def _phone_problems(value: Any, calling_code: str | None, allow_unverified: bool) -> list[Problem]:
    missing = _missing_text_problem("phone", value, PlatformCode.PHONE_MISSING)
    if missing:
        return [missing]
    text: str = value.strip()
    if text != value:
        return [Problem("phone", _WHITESPACE, _PHONE_FORMAT,
                        hint=i18n.text("validation.send", value=repr(text)))]
    control = control_problem("phone", text)
    if control:
        return [Problem("phone", control.rule_text, _PHONE_FORMAT, control.hint_text)]
    if text.startswith(("+", "00")):
        return [Problem("phone", i18n.text("validation.phone.prefix"), _PHONE_FORMAT,
                        hint=i18n.text("validation.phone.prefix_hint"))]
    cleaned = _SEPARATORS.sub("", text)
    if cleaned != text and _DIGITS.fullmatch(cleaned):
        return [Problem("phone", i18n.text("validation.phone.digits_only"), _PHONE_FORMAT,
                        hint=i18n.text("validation.phone.separators_hint", cleaned=cleaned))]
    if not _DIGITS.fullmatch(text):
        return [Problem("phone", i18n.text("validation.phone.digits"), _PHONE_FORMAT)]
    if len(calling_code or "") + len(text) > MAX_E164_DIGITS:
        return [Problem("phone", i18n.text("validation.phone.too_long", most=MAX_E164_DIGITS),
                        _PHONE_FORMAT)]
    if allow_unverified or calling_code is None:
        return []  # judged by the user, or nothing to judge against (reported on its field)
    significant = _national_significant_number(calling_code, text)
    if significant == text:
        return []
    if significant is not None:  # valid, but sent with a national trunk prefix
        return [Problem("phone", i18n.text("validation.phone.trunk"), _PHONE_FORMAT,
                        hint=i18n.text("validation.send", value=significant),
                        severity="warning")]
    hint = i18n.text("validation.phone.check_hint")
    without_code = text[len(calling_code):]
    if text.startswith(calling_code) and _national_significant_number(
        calling_code, without_code
    ) == without_code:
        hint = i18n.text("validation.phone.drop_code", number=without_code)
    return [Problem("phone", i18n.text("validation.phone.invalid", code=calling_code),
                    _PHONE_FORMAT, hint=hint, severity="warning")]


def _random_problems(value: Any) -> list[Problem]:
    missing = _missing_text_problem("random", value, None)
    if missing:
        return [missing.with_hint(_NEW_RANDOM)]
    text: str = value
    control = control_problem("random", text)
    if control and text.strip() == text:
        return [control.with_hint(_NEW_RANDOM)]
    if len(text) != RANDOM_LENGTH:
        return [Problem("random", i18n.text("validation.random.length", length=RANDOM_LENGTH,
                                            got=len(text)), hint=_NEW_RANDOM)]
    if not _RANDOM_CHARS.issuperset(text):
        return [Problem("random", i18n.text("validation.random.alphabet"), hint=_NEW_RANDOM)]
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
        direction = i18n.text("validation.ts.ahead" if offset > 0 else "validation.ts.behind")
        minutes = f"{abs(offset) / MILLIS_PER_MINUTE:.1f}"
        return [Problem("ts", i18n.text("validation.ts.window", direction=direction,
                                        amount=i18n.Duration(abs(offset), f"{minutes} min")),
                        hint=i18n.text("validation.ts.use_now"))]
    return []


def _signature_problems(value: Any) -> list[Problem]:
    missing = _missing_text_problem("signature", value, None)
    if missing:
        return [missing]
    text: str = value
    if _HEX64.fullmatch(text):
        return []
    if _HEX64.fullmatch(text.lower()):
        return [Problem("signature", i18n.text("validation.signature.lowercase"),
                        hint=i18n.text("validation.signature.lowercase_hint"))]
    return [Problem("signature", i18n.text("validation.signature.format"),
                    hint=i18n.text("validation.signature.format_hint"))]


def secret_problems(value: Any) -> list[Problem]:
    """Problems with a ``userDomainSecret``, described by shape only, never by value."""
    field = SECRET_FIELD
    if value is None or (isinstance(value, str) and not value):
        return [Problem(field, i18n.text("validation.required"),
                        hint=i18n.text("validation.secret.required_hint"))]
    if not isinstance(value, str):
        return [Problem(field, i18n.text("validation.not_text", type=type(value).__name__))]
    if not has_utf8(value):
        return [Problem(field, NO_UTF8)]
    if value.strip() != value:
        return [Problem(field, _SECRET_WHITESPACE,
                        hint=i18n.text("validation.secret.whitespace_hint"))]
    control = control_problem(field, value, show=False)
    return [control] if control else []  # the secret's value is never described, only its shape


def text_problems(field: str, value: Any, code: int | None, what: Message) -> list[Problem]:
    """Problems with a required text field such as ``userDomain``."""
    missing = _missing_text_problem(field, value, code)
    if missing:
        return [Problem(field, missing.rule_text, code,
                        hint=i18n.text("validation.send_what", what=what))]
    text: str = value
    if not has_utf8(text):
        return [Problem(field, NO_UTF8)]
    if text.strip() != text:
        return [Problem(field, _WHITESPACE,
                        hint=i18n.text("validation.send", value=repr(text.strip())))]
    control = control_problem(field, text)
    return [control] if control else []


def _padding_hint(problem: Problem, value: Any) -> Problem:
    """The problem, its hint saying "remove the whitespace" when the value is padded with it
    (the usual cause of a rule that does not mention whitespace, e.g. a 17-character random)."""
    if not isinstance(value, str):
        return problem
    stripped = value.strip()
    if not stripped or stripped == value or problem.rule_text in (_WHITESPACE,
                                                                   _SECRET_WHITESPACE):
        return problem
    return problem.with_hint(i18n.text("validation.padded_hint", value=repr(stripped)))


def _missing_text_problem(field: str, value: Any, code: int | None) -> Problem | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Problem(field, i18n.text("validation.required"), code)
    if not isinstance(value, str):
        return Problem(field, i18n.text("validation.not_text", type=type(value).__name__), code)
    return None


@functools.cache  # bounded: calling codes are at most 3 digits (checked before)
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
