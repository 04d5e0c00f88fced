"""A verification code's life, as data: the rules that govern it and what one send led to.

:func:`rules` states the rules a sandbox enforces, with the numbers read from that sandbox
(its :class:`~smskit.sandbox.RatePolicy`, its code validity) and each marked as a page fact
or a sandbox assumption, the notes coming from ``data/sandbox_policy.json``.
:func:`try_send` sends once and returns an :class:`Attempt` whether the platform accepted or
refused, so a timeline of sends reads as plain data instead of a chain of ``try`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from smskit.catalogue import lookup
from smskit.errors import ApiError
from smskit.timefmt import duration_text, utc_text

if TYPE_CHECKING:
    from smskit.client import SmsClient
    from smskit.sandbox import Sandbox

Source = Literal["page", "sandbox assumption"]
PAGE: Source = "page"
ASSUMPTION: Source = "sandbox assumption"


@dataclass(frozen=True)
class Rule:
    """One rule of a code's life: what it says, where it comes from, and why."""

    #: Short key, e.g. ``"validity"``.
    key: str
    #: The rule in English, with the sandbox's numbers.
    statement: str
    #: ``"page"`` when the provider's page states it, ``"sandbox assumption"`` otherwise.
    source: Source
    #: Where the rule comes from or why the sandbox chose it (from the data file).
    note: str

    def describe(self) -> str:
        """``"[page] A code is valid for 5 min after it is sent."``."""
        return f"[{self.source}] {self.statement}"


def rules(sandbox: Sandbox) -> list[Rule]:
    """The rules ``sandbox`` enforces, with its own numbers (a custom policy shows as such)."""
    from smskit.sandbox.policy import policy_value

    codes = policy_value("codes")
    rate = policy_value("rate_limit")
    valid_ms = sandbox.code_valid_ms
    digits = sandbox.code_digits
    policy = sandbox.policy
    rate_source = ASSUMPTION if rate["assumption"] else PAGE
    found: list[Rule] = [
        Rule("validity", f"A code is valid for {duration_text(valid_ms)} after it is sent "
             f"(from the millisecond it is sent, until {duration_text(valid_ms)} later, "
             "exclusive).",
             ASSUMPTION if codes["valid_assumption"] else PAGE, codes["valid_why"]),
        Rule("last code", "Only the most recently sent code is valid: a newer send for the "
             "same userDomain, internationalCode, phone and codeType supersedes the older "
             "code.", PAGE, codes["scope"]),
        Rule("one-time use", "A code verifies once: verifying it uses it up.", PAGE,
             "The page: only a code that has not been used (没有被使用的) is valid."),
    ]
    if policy.per_code_type_max is not None:
        found.append(Rule(
            "rate limit per phone and codeType",
            f"At most {policy.per_code_type_max} accepted send(s) per phone and codeType "
            f"within {duration_text(policy.per_code_type_window_ms)}; more answer 5058.",
            rate_source, rate["why"]))
    if policy.per_phone_max is not None:
        found.append(Rule(
            "rate limit per phone",
            f"At most {policy.per_phone_max} accepted send(s) per phone (all codeTypes) "
            f"within {duration_text(policy.per_phone_window_ms)}; more answer 5058.",
            rate_source, rate["why"]))
    found.append(Rule("digits", f"Codes have {digits} digits.",
                      ASSUMPTION if codes["digits_assumption"] else PAGE, codes["digits_why"]))
    return found


@dataclass(frozen=True)
class Attempt:
    """One send and its answer: accepted or refused, as plain data (never the secret)."""

    #: The client's clock when the request was signed (epoch ms).
    at_ms: int
    phone: str
    code_type: int
    #: The envelope's ``code``: 200 on success.
    code: int
    #: The envelope's ``msg`` as received (empty on success).
    msg: str
    ext_msg: str | None
    #: The error class for a refusal (``"RateLimited"``, ...), ``None`` when accepted.
    error: str | None = None
    #: Whether sending again cannot deliver a second SMS (catalogue), for refusals.
    retry_safe: bool | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None

    @property
    def message_en(self) -> str | None:
        """The catalogue's English for :attr:`code`."""
        entry = lookup(self.code)
        return entry.en if entry else None

    def describe(self) -> str:
        """One line: time, what was sent, and the answer with its English and extMsg."""
        head = f"{utc_text(self.at_ms)}  phone {self.phone} codeType {self.code_type} -> "
        if self.accepted:
            return head + f"{self.code} accepted ({self.message_en})"
        text = head + f"{self.code} {self.msg} ({self.message_en})"
        return text + f": {self.ext_msg}" if self.ext_msg else text

    def as_dict(self) -> dict[str, Any]:
        return {"at_ms": self.at_ms, "phone": self.phone, "code_type": self.code_type,
                "code": self.code, "msg": self.msg, "ext_msg": self.ext_msg,
                "error": self.error, "retry_safe": self.retry_safe}


def try_send(client: SmsClient, phone: str, code_type: Any,
             international_code: str = "86") -> Attempt:
    """Send one code with ``client`` and return the :class:`Attempt`, accepted or refused.

    Only the platform's answers become an Attempt: bad input still raises
    :class:`~smskit.errors.InputError` (nothing was sent) and transport trouble still raises
    its :class:`~smskit.errors.TransportError`. Never retries.
    """
    request = client.prepare(phone, code_type, international_code)
    try:
        result = client.send_prepared(request)
    except ApiError as error:
        return Attempt(request.ts, request.phone, request.code_type, error.code, error.msg,
                       error.ext_msg, type(error).__name__, error.retry_safe)
    return Attempt(request.ts, request.phone, request.code_type, result.code, result.msg,
                   result.ext_msg)
