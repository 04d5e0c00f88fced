"""Every error the kit raises, in one shallow tree.

Catch :class:`SmskitError` for everything. Below it, classes follow what the caller does
next rather than one class per code:

- :class:`InputError` (also a ``ValueError``): the kit refused your input; nothing was sent.
- :class:`SignatureMismatch`: a strict signature check failed.
- :class:`SendError`: a send failed; every such error carries the ``request``, the
  ``http_status`` and whether sending again is ``retry_safe``, and :meth:`SendError.as_dict`
  gives it the same JSON-ready shape as a :class:`~smskit.client.SendResult`.
- :class:`ApiError`: the platform answered with an error code. Its subclasses are the
  catalogue's categories: :class:`RequestRejected`, :class:`SmsConfigError`,
  :class:`RateLimited`, :class:`ServiceError`, :class:`CredentialsError`
  (with :class:`ClockSkewError` for timestamp-window trouble).
- :class:`ResponseFormatError`: the answer was not the platform's envelope at all.
- :class:`TransportError`: no answer. :class:`ConnectionFailed` means the request never left
  (safe to retry); :class:`DeliveryUnknown` means it may have reached the server (never retry
  automatically: sending an SMS is not idempotent).

No error ever holds the ``userDomainSecret``: none of them is given it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from smskit import i18n, skew
from smskit.i18n import Message

if TYPE_CHECKING:
    from smskit.catalogue import ErrorCode

Severity = Literal["error", "warning"]
#: What a send led to, the ``outcome`` key of every :func:`outcome_dict`.
Outcome = Literal["sent", "api_error", "bad_response", "no_response", "not_sent"]
#: The keys of every send outcome as plain data, in order (see :func:`outcome_dict`).
OUTCOME_KEYS = ("outcome", "ok", "error", "code", "msg", "msg_zh", "msg_en", "ext_msg", "data",
                "category", "cause", "remedy", "retry_safe", "http_status", "clock_skew_ms",
                "elapsed_ms", "detail", "problems", "request")


@dataclass(frozen=True, init=False)
class Problem:
    """One broken rule: the field (as the API names it), the rule, and what would help.

    The rule and hint are kept as :class:`~smskit.i18n.Text` (a key and its values) and
    written in the kit's language when read, so one finding reads in English or Chinese.
    """

    #: API parameter name, e.g. ``"phone"`` or ``"ts"``.
    field: str
    #: The rule that was broken, as given (keyed text or a plain string).
    rule_text: Message
    #: The platform code the server would answer, where the page or platform names one.
    code: int | None
    #: A concrete suggestion for the common mistake behind it, if we recognised one.
    hint_text: Message | None
    #: ``"error"``: the page's rules refuse the value. ``"warning"``: only the
    #: ``phonenumbers`` judgement doubts it (it may be stricter than the platform); it still
    #: stops a send unless ``allow_unverified_phone=True``, which skips that judgement.
    severity: Severity

    def __init__(self, field: str, rule: Message, code: int | None = None,
                 hint: Message | None = None, severity: Severity = "error") -> None:
        for name, value in (("field", field), ("rule_text", rule), ("code", code),
                            ("hint_text", hint), ("severity", severity)):
            object.__setattr__(self, name, value)

    @property
    def rule(self) -> str:
        """The rule that was broken, in the kit's language."""
        return self.rule_in()

    @property
    def hint(self) -> str | None:
        """What would help, in the kit's language, or ``None``."""
        return self.hint_in()

    def rule_in(self, lang: str | None = None) -> str:
        """The rule in ``lang`` (default: the kit's language); no global switch, so a
        server thread can answer in its own language."""
        return i18n.render(self.rule_text, lang)

    def hint_in(self, lang: str | None = None) -> str | None:
        """The hint in ``lang`` (default: the kit's language), or ``None``."""
        return None if self.hint_text is None else i18n.render(self.hint_text, lang)

    def __repr__(self) -> str:
        return (f"Problem(field={self.field!r}, rule={self.rule!r}, code={self.code!r}, "
                f"hint={self.hint!r}, severity={self.severity!r})")

    def with_hint(self, hint: Message) -> Problem:
        """The same problem with another hint."""
        return Problem(self.field, self.rule_text, self.code, hint, self.severity)

    @property
    def message_zh(self) -> str | None:
        """The platform's Chinese message for :attr:`code`, verbatim."""
        entry = _catalogue_entry(self.code)
        return entry.zh if entry else None

    @property
    def message_en(self) -> str | None:
        """English translation of :attr:`message_zh`."""
        entry = _catalogue_entry(self.code)
        return entry.en if entry else None

    def describe(self, lang: str | None = None) -> str:
        """``"phone: must be ... [5019 手机号格式不正确 / Phone number format is incorrect]"``;
        in Chinese ``"phone 必须……（5019 手机号格式不正确）"``, the platform's message alone.
        ``lang`` defaults to the kit's language."""
        edition = i18n.language() if lang is None else i18n.as_language(lang)
        text = i18n.t("errors.problem", edition, field=self.field, rule=self.rule_in(edition))
        if self.code is not None:
            zh, en = self.message_zh, self.message_en
            message = zh if edition == "zh" else f"{zh} / {en}"
            text += (i18n.t("errors.code_message", edition, code=self.code, message=message)
                     if zh else i18n.t("errors.code", edition, code=self.code))
        hint = self.hint_in(edition)
        if hint:
            text += i18n.t("errors.hint", edition, hint=hint)
        return text

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready), in a fixed key order; ``text`` is :meth:`describe`."""
        return {"field": self.field, "severity": self.severity, "rule": self.rule,
                "hint": self.hint, "code": self.code, "message_zh": self.message_zh,
                "message_en": self.message_en, "text": self.describe()}


def outcome_dict(**known: Any) -> dict[str, Any]:
    """A send outcome as plain data: every key of :data:`OUTCOME_KEYS`, ``None`` if unknown.

    The one shape of :meth:`SendError.as_dict`, :meth:`InputError.as_dict` and
    ``SendResult.as_dict``; ``request`` becomes the query parameters (with the signature,
    never the secret), ``problems`` a list of :meth:`Problem.as_dict`.
    """
    unknown = set(known) - set(OUTCOME_KEYS)
    if unknown:
        raise TypeError(f"not outcome keys: {sorted(unknown)}")
    fields = {key: known.get(key) for key in OUTCOME_KEYS}
    request = fields["request"]
    fields["request"] = request.query() if request is not None else None
    fields["problems"] = [problem.as_dict() for problem in known.get("problems", ())]
    return fields


class SmskitError(Exception):
    """Base class of every error raised by smskit.

    A message is written when it is read, in the kit's language then current (a keyed text), so
    ``str(e)`` and ``e.args`` always agree, whatever ``set_language`` did after the raise.
    """

    @property
    def args(self) -> tuple[str]:
        return (str(self),)

    @args.setter
    def args(self, value: object) -> None:
        """Nothing to keep: the message is always written from the error's own data."""


class UnknownName(SmskitError, KeyError):
    """A name the kit does not know (a sandbox user domain, an exercise id); names the known ones.

    Also a ``KeyError``, as a lookup by name is.
    """

    def __init__(self, kind: str, name: str, known: Sequence[str]) -> None:
        #: What was looked up (``"domain"``, ``"exercise"``), the name given and the known names.
        self.kind, self.name, self.known = kind, name, tuple(known)
        super().__init__()

    def __str__(self) -> str:
        return i18n.t(f"errors.unknown_{self.kind}", name=self.name, known=", ".join(self.known))


class InputError(SmskitError, ValueError):
    """The kit refused input before anything was sent; lists every problem found at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        #: Every problem found, in field order.
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__()

    @property
    def field(self) -> str:
        """The first offending field."""
        return self.problems[0].field

    @property
    def fields(self) -> tuple[str, ...]:
        """Every offending field, each once."""
        return tuple(dict.fromkeys(p.field for p in self.problems))

    @property
    def rule(self) -> str:
        """The first broken rule."""
        return self.problems[0].rule

    @property
    def code(self) -> int | None:
        """The platform code of the first problem that has one."""
        return next((p.code for p in self.problems if p.code is not None), None)

    @property
    def hint(self) -> str | None:
        return self.problems[0].hint

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0].describe()
        listed = i18n.t("errors.separator").join(p.describe() for p in self.problems)
        return i18n.t("errors.problems", count=len(self.problems), listed=listed)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.problems)!r})"

    def as_dict(self) -> dict[str, Any]:
        """The refusal in the shape of a send outcome: ``outcome`` ``"not_sent"``."""
        return outcome_dict(outcome="not_sent", ok=False, error=type(self).__name__,
                            retry_safe=True, detail=i18n.t("errors.nothing_sent", error=self),
                            problems=self.problems)


class SignatureMismatch(SmskitError):
    """A strict check found that a signature does not match the signed fields."""

    def __init__(self, signature: str) -> None:
        #: The signature that was checked (never the secret, never the expected value).
        self.signature = signature
        super().__init__()

    def __str__(self) -> str:
        return i18n.t("errors.signature_mismatch")


class SendError(SmskitError):
    """A send that failed: the base of every error that can happen once a request is sent.

    Catch this one class instead of :class:`ApiError`, :class:`ResponseFormatError` and
    :class:`TransportError` separately; the data they share lives here.
    """

    #: The ``outcome`` of :meth:`as_dict` for this class.
    outcome: Outcome = "no_response"

    def __init__(self, message: str, *, request: Any = None,
                 http_status: int | None = None) -> None:
        #: The request that was sent (a ``SmsCodeRequest``: its signature, never the secret).
        self.request = request
        #: The HTTP status code of the response, if one came back.
        self.http_status = http_status
        super().__init__(message)

    @property
    def retry_safe(self) -> bool:
        """Whether sending again cannot deliver a second SMS (by default: it can)."""
        return False

    def as_dict(self) -> dict[str, Any]:
        """The failure as plain data (JSON-ready, never the secret); keys :data:`OUTCOME_KEYS`."""
        return outcome_dict(outcome=self.outcome, ok=False, error=type(self).__name__,
                            retry_safe=self.retry_safe, http_status=self.http_status,
                            detail=str(self), request=self.request, **self._details())

    def _details(self) -> dict[str, Any]:
        return {}


class ApiError(SendError):
    """The platform answered with a code other than success.

    Carries the envelope as received plus what the catalogue knows about the code.
    """

    def __init__(
        self,
        *,
        code: int,
        msg: str = "",
        ext_msg: str | None = None,
        data: Any = None,
        http_status: int | None = None,
        entry: ErrorCode | None = None,
        request: Any = None,
        clock_skew_ms: int | None = None,
    ) -> None:
        #: The envelope's ``code``.
        self.code = code
        #: The envelope's ``msg`` exactly as the server sent it (Chinese on the platform).
        self.msg = msg
        #: The envelope's ``extMsg``.
        self.ext_msg = ext_msg
        #: The envelope's ``data``.
        self.data = data
        #: The catalogue entry for :attr:`code`, or ``None`` for a code we do not know.
        self.entry = entry
        #: Local clock minus server clock in ms, when it was measured (timestamp errors).
        self.clock_skew_ms = clock_skew_ms
        super().__init__(self.__str__(), request=request, http_status=http_status)

    outcome: Outcome = "api_error"

    @property
    def msg_zh(self) -> str:
        """The catalogue's Chinese message, or the server's own if the code is unknown."""
        return self.entry.zh if self.entry else self.msg

    @property
    def msg_en(self) -> str | None:
        return self.entry.en if self.entry else None

    @property
    def category(self) -> str | None:
        return self.entry.category if self.entry else None

    @property
    def cause(self) -> str | None:
        """The catalogue's cause, in the kit's language."""
        return self.entry.cause.render() if self.entry else None

    @property
    def remedy(self) -> str | None:
        """The catalogue's remedy, in the kit's language."""
        return self.entry.remedy.render() if self.entry else None

    @property
    def retry_safe(self) -> bool:
        """True only when the catalogue says nothing was handed to the SMS provider."""
        return self.entry.retry_safe if self.entry else False

    def _details(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg, "msg_zh": self.msg_zh,
                "msg_en": self.msg_en, "ext_msg": self.ext_msg, "data": self.data,
                "category": self.category, "cause": self.cause, "remedy": self.remedy,
                "clock_skew_ms": self.clock_skew_ms}

    def __str__(self) -> str:
        """``code msg (English)``, extMsg, the clock and the remedy, in the kit's language; the
        platform's ``msg`` verbatim in both."""
        lang = i18n.language()
        head = f"{self.code} {self.msg or self.msg_zh}"
        if self.msg_en and lang == "en":
            head += f" ({self.msg_en})"
        if self.ext_msg:
            head += f" - {self.ext_msg}"
        if self.clock_skew_ms is not None:
            head += i18n.t("errors.your_clock", offset=skew.describe(self.clock_skew_ms, lang))
        if self.remedy:
            head += i18n.t("errors.remedy", remedy=self.remedy)
        return head

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, msg={self.msg!r}, "
            f"ext_msg={self.ext_msg!r}, http_status={self.http_status!r}, "
            f"category={self.category!r}, retry_safe={self.retry_safe!r})"
        )


class RequestRejected(ApiError):
    """Fix the request: the same parameters will fail again."""


class SmsConfigError(ApiError):
    """Fix the platform-side SMS configuration of the user domain; the request is fine."""


class RateLimited(ApiError):
    """Slow down: too many codes for this phone recently."""


class ServiceError(ApiError):
    """Retry later: the platform or SMS provider failed; the SMS may or may not have gone out."""


class CredentialsError(ApiError):
    """Check the user domain, its secret, the signing, or the clock."""


class ClockSkewError(CredentialsError):
    """The timestamp was refused; :attr:`clock_skew_ms` says how far off the clock is."""


#: The ApiError subclass for each catalogue category.
CATEGORY_ERRORS: Mapping[str, type[ApiError]] = {
    "fix_request": RequestRejected,
    "fix_sms_config": SmsConfigError,
    "slow_down": RateLimited,
    "retry_later": ServiceError,
    "check_credentials_or_clock": CredentialsError,
}


class ResponseFormatError(SendError):
    """The response was not the platform's ``{code, msg, data, extMsg}`` envelope.

    Not ``retry_safe``: the request reached the server, so sending again may deliver a
    second SMS.
    """

    outcome: Outcome = "bad_response"

    def __init__(
        self, reason: str, *, http_status: int | None, excerpt: str, request: Any = None
    ) -> None:
        #: What was wrong with the body.
        self.reason = reason
        #: The first characters of the body, for diagnosis.
        self.excerpt = excerpt
        super().__init__(f"HTTP {http_status}: {reason}: {excerpt!r}", request=request,
                         http_status=http_status)


class TransportError(SendError):
    """No response was received."""


class ConnectionFailed(TransportError):
    """The request never left (refused, unresolvable host, TLS setup): safe to retry."""

    @property
    def retry_safe(self) -> bool:
        return True


class DeliveryUnknown(TransportError):
    """The request may have reached the server (timeout or reset after sending).

    Do not retry automatically: the SMS may already be on its way.
    """


def _catalogue_entry(code: int | None) -> ErrorCode | None:
    if code is None:
        return None
    from smskit.catalogue import lookup

    return lookup(code)
