"""The request signature: ``SHA256(phone + codeType + random + ts + userDomainSecret)``, hex.

:func:`signed_string` is the one place that defines which values are signed and in which
order; everything else calls it (:func:`signed_segments`, which labels the pieces for
display, is tested to join to exactly the same text). The trio follows the usual shape: :func:`sign`
produces, :func:`verify` answers a bool in constant time, :func:`check` raises.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from smskit import i18n
from smskit.errors import InputError, Problem, SignatureMismatch
from smskit.fields import parse_code_type, parse_timestamp_ms

#: The signed fields, in signing order (API names).
SIGNED_FIELDS = ("phone", "codeType", "random", "ts", "userDomainSecret")
SECRET_FIELD = "userDomainSecret"  # noqa: S105 - a field name, not a secret
SECRET_MASK = "•" * 8
_TS_MIN, _TS_MAX = 10**12, 10**13 - 1  # 13-digit epoch milliseconds
_sha256 = hashlib.sha256
#: The rule broken by text that cannot be hashed or sent (validation reports it too).
NO_UTF8 = i18n.text("validation.not_utf_eight")


@dataclass(frozen=True)
class Segment:
    """One piece of the signed string."""

    field: str
    value: str = ""

    def __repr__(self) -> str:
        return f"Segment(field={self.field!r}, shown={self.shown!r})"

    @property
    def is_secret(self) -> bool:
        return self.field == SECRET_FIELD

    @property
    def shown(self) -> str:
        """The value as it may be displayed: the secret is always masked."""
        return SECRET_MASK if self.is_secret else self.value


def signed_string(*, phone: str, code_type: Any, random: str, ts: Any, secret: str) -> str:
    """The exact text that is hashed: the one definition of what is signed, and in what order.

    Contains the secret: never display it (see :func:`masked_signed_string`).
    Raises :class:`InputError` for values that cannot be signed.
    """
    if not (
        type(code_type) is int
        and type(ts) is int
        and _TS_MIN <= ts <= _TS_MAX
        and code_type >= 0
        and type(phone) is str
        and type(random) is str
        and type(secret) is str
    ):  # slow path: coerce CodeType / digit text, or explain every problem at once
        code_type, ts = _normalise(phone=phone, code_type=code_type, random=random, ts=ts,
                                   secret=secret)
    return f"{phone}{code_type}{random}{ts}{secret}"


def signed_segments(
    *, phone: str, code_type: Any, random: str, ts: Any, secret: str
) -> tuple[Segment, ...]:
    """The signed values as labelled segments for explaining; they join to the signed string."""
    code_number, ts_number = _normalise(phone=phone, code_type=code_type, random=random, ts=ts,
                                        secret=secret)
    values = {
        "phone": phone,
        "codeType": str(code_number),
        "random": random,
        "ts": str(ts_number),
        SECRET_FIELD: secret,
    }
    return tuple(Segment(field, values[field]) for field in SIGNED_FIELDS)


def masked_signed_string(
    *, phone: str, code_type: Any, random: str, ts: Any, secret: str
) -> str:
    """The signed text with the secret replaced by a mask, safe to show."""
    segments = signed_segments(phone=phone, code_type=code_type, random=random, ts=ts,
                               secret=secret)
    return "".join(segment.shown for segment in segments)


def _normalise(*, phone: Any, code_type: Any, random: Any, ts: Any, secret: Any) -> tuple[int, int]:
    """Coerce codeType and ts to ints; raise one :class:`InputError` listing every problem."""
    problems: list[Problem] = []
    code_number = ts_number = 0
    try:
        code_number = parse_code_type(code_type)
    except InputError as error:
        problems.extend(error.problems)
    try:
        ts_number = parse_timestamp_ms(ts)
    except InputError as error:
        problems.extend(error.problems)
    for field, value in (("phone", phone), ("random", random), (SECRET_FIELD, secret)):
        if not isinstance(value, str):
            problems.append(Problem(field, i18n.text("validation.not_text",
                                                     type=type(value).__name__)))
    if problems:
        order = {name: index for index, name in enumerate(SIGNED_FIELDS)}
        raise InputError(sorted(problems, key=lambda p: order[p.field]))
    return code_number, ts_number


def digest_hex(text: str) -> str:
    """Lowercase hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign(*, phone: str, code_type: Any, random: str, ts: Any, secret: str) -> str:
    """The request signature: lowercase hex SHA-256 of the signed string (UTF-8).

    Raises :class:`InputError` for values that cannot be signed, including text that has no
    UTF-8 form (a lone surrogate).
    """
    text = signed_string(phone=phone, code_type=code_type, random=random, ts=ts, secret=secret)
    try:  # the hash inline rather than via digest_hex: sign() is the hot path (benchmarked)
        return _sha256(text.encode()).hexdigest()
    except UnicodeEncodeError:
        raise InputError(_unencodable(phone=phone, random=random, secret=secret)) from None


def _unencodable(**texts: str) -> list[Problem]:
    """A problem for each text field with no UTF-8 form; never shows the value."""
    return [Problem(SECRET_FIELD if field == "secret" else field, NO_UTF8)
            for field, value in texts.items() if not has_utf8(value)]


def has_utf8(text: str) -> bool:
    """False for text that cannot be signed or sent: it holds a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def verify(
    signature: Any, *, phone: str, code_type: Any, random: str, ts: Any, secret: str
) -> bool:
    """True if ``signature`` is exactly what :func:`sign` gives (constant-time compare).

    Only lowercase hex matches, as on the platform. Unusable field values raise
    :class:`InputError`; an unusable ``signature`` is simply ``False``.
    """
    expected = sign(phone=phone, code_type=code_type, random=random, ts=ts, secret=secret)
    if not isinstance(signature, str):
        return False
    try:
        given = signature.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: certainly not our hex
        return False
    return hmac.compare_digest(expected.encode("ascii"), given)


def check(
    signature: Any, *, phone: str, code_type: Any, random: str, ts: Any, secret: str
) -> None:
    """Raise :class:`SignatureMismatch` unless ``signature`` verifies."""
    if not verify(signature, phone=phone, code_type=code_type, random=random, ts=ts,
                  secret=secret):
        raise SignatureMismatch(signature if isinstance(signature, str) else repr(signature))
