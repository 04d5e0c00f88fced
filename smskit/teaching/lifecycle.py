"""A verification code's life, as data: the rules that govern it and what one send led to.

:func:`rules` states the rules a sandbox enforces, with the numbers read from that sandbox
(its :class:`~smskit.sandbox.RatePolicy`, its code validity) and each marked as a page fact
or a sandbox assumption, the notes coming from ``smskit/data/sandbox_policy.json``.
:func:`try_send` sends once and returns an :class:`Attempt` whether the platform accepted or
refused, so a timeline of sends reads as plain data instead of a chain of ``try`` blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from smskit import i18n
from smskit.errors import ApiError
from smskit.i18n import duration_text, utc_text
from smskit.platform_codes import PlatformCode
from smskit.request import SmsCodeRequest
from smskit.responses import SendResult


def _duration(ms: int) -> i18n.Duration:
    """``"5 min"`` in English, ``"5 分钟"`` in Chinese."""
    return i18n.Duration(ms, duration_text(ms))

if TYPE_CHECKING:
    from smskit.client import SmsClient
    from smskit.sandbox import Sandbox

Source = Literal["page", "sandbox assumption"]
PAGE: Source = "page"
ASSUMPTION: Source = "sandbox assumption"


def rule_name(key: str) -> str | None:
    """A rule's :attr:`Rule.key` in the kit's language (``"one-time use"`` -> ``"一次性使用"``),
    or ``None`` if ``key`` names no rule."""
    slug = "_".join(re.findall(r"[a-z]+", key.lower()))
    if f"lifecycle.name.{slug}" not in i18n.messages():
        return None
    return i18n.t(f"lifecycle.name.{slug}")


@dataclass(frozen=True)
class Rule:
    """One rule of a code's life: what it says, where it comes from, and why."""

    #: Short key, e.g. ``"validity"``.
    key: str
    #: The rule with the sandbox's numbers, written when read (:attr:`statement`).
    wording: i18n.Text
    #: ``"page"`` when the provider's page states it, ``"sandbox assumption"`` otherwise.
    source: Source
    #: Where the rule comes from or why the sandbox chose it (from the data file).
    note: str

    @property
    def statement(self) -> str:
        """The rule in the kit's language (:func:`smskit.set_language`)."""
        return self.wording.render()

    @property
    def name(self) -> str:
        """:attr:`key` in the kit's language (``"validity"``, ``"有效期"``)."""
        return rule_name(self.key) or self.key

    @property
    def source_text(self) -> str:
        """:attr:`source` in the kit's language."""
        return i18n.t("lifecycle.source.page" if self.source == PAGE
                      else "lifecycle.source.assumption")

    def describe(self) -> str:
        """``"[page] A code is valid for 5 min after it is sent."``, in the kit's language."""
        return i18n.t("lifecycle.describe", source=self.source_text, statement=self.statement)


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
        Rule("validity", i18n.text("lifecycle.rule.validity", valid=_duration(valid_ms)),
             ASSUMPTION if codes["valid_assumption"] else PAGE, codes["valid_why"]),
        Rule("last code", i18n.text("lifecycle.rule.last_code"), PAGE, codes["scope"]),
        Rule("one-time use", i18n.text("lifecycle.rule.one_time"), PAGE,
             "The page: only a code that has not been used (没有被使用的) is valid."),
    ]
    limits = (("rate limit per phone and codeType", "per_code_type", policy.per_code_type_max,
               policy.per_code_type_window_ms),
              ("rate limit per phone", "per_phone", policy.per_phone_max,
               policy.per_phone_window_ms))
    found += [Rule(name, i18n.text(f"lifecycle.rule.{key}", most=most,
                                   window=_duration(window_ms),
                                   code=int(PlatformCode.RATE_LIMITED)),
                   rate_source, rate["why"])
              for name, key, most, window_ms in limits if most is not None]
    found.append(Rule("digits", i18n.text("lifecycle.rule.digits", digits=digits),
                      ASSUMPTION if codes["digits_assumption"] else PAGE, codes["digits_why"]))
    return found


@dataclass(frozen=True)
class Attempt:
    """One send and the platform's answer to it, accepted or refused (never the secret)."""

    #: The request as sent: its parameters and signature.
    request: SmsCodeRequest
    #: The result of an accepted send, or the :class:`~smskit.errors.ApiError` of a refusal.
    answer: SendResult | ApiError

    @property
    def at_ms(self) -> int:
        """When the request was signed: its ``ts`` (epoch ms)."""
        return self.request.ts

    @property
    def accepted(self) -> bool:
        return not isinstance(self.answer, ApiError)

    @property
    def code(self) -> int:
        """The envelope's ``code``: 200 on success."""
        return self.answer.code

    @property
    def msg(self) -> str:
        """The envelope's ``msg`` as received (empty on success)."""
        return self.answer.msg

    @property
    def ext_msg(self) -> str | None:
        return self.answer.ext_msg

    @property
    def error(self) -> str | None:
        """The error class of a refusal (``"RateLimited"``, ...), ``None`` when accepted."""
        return None if self.accepted else type(self.answer).__name__

    @property
    def message_en(self) -> str | None:
        """The catalogue's English for :attr:`code`."""
        return self.answer.msg_en

    @property
    def retry_safe(self) -> bool | None:
        """For a refusal, whether sending again cannot deliver a second SMS (catalogue)."""
        return None if isinstance(self.answer, SendResult) else self.answer.retry_safe

    def describe(self) -> str:
        """One line: time, what was sent, and the answer with its English (in Chinese: the
        platform's msg) and extMsg, in the kit's language."""
        values: dict[str, Any] = {
            "time": utc_text(self.at_ms), "phone": self.request.phone,
            "code_type": self.request.code_type, "code": self.code, "msg": self.msg,
            "message": _explained(self.code, self.message_en, self.accepted)}
        if isinstance(self.answer, SendResult):
            return i18n.t("lifecycle.attempt.accepted", **values)
        text = i18n.t("lifecycle.attempt.refused", **values)
        return text + i18n.t("lifecycle.attempt.ext_msg", ext_msg=self.ext_msg) if self.ext_msg \
            else text

    def as_dict(self) -> dict[str, Any]:
        """``at_ms`` (the request's ``ts``), then the answer's ``as_dict()``."""
        return {"at_ms": self.at_ms, **self.answer.as_dict()}


def _explained(code: int, message_en: str | None, accepted: bool) -> str | None:
    """What explains ``code`` to the reader: the catalogue's English in English; in Chinese
    the platform's msg for a success, the category (what to do next) for a refusal."""
    from smskit.catalogue import categories, lookup

    entry = lookup(code)
    if i18n.language() == "en" or entry is None:
        return message_en
    category = categories().get(entry.category)
    return entry.zh if accepted or category is None else category.name_in()


def try_send(client: SmsClient, phone: str, code_type: Any,
             international_code: str = "86") -> Attempt:
    """Send one code with ``client`` and return the :class:`Attempt`, accepted or refused.

    Only the platform's answers become an Attempt: bad input still raises
    :class:`~smskit.errors.InputError` (nothing was sent) and transport trouble still raises
    its :class:`~smskit.errors.TransportError`. Never retries.
    """
    request = client.prepare(phone, code_type, international_code)
    try:
        return Attempt(request, client.send_prepared(request))
    except ApiError as error:
        return Attempt(request, error)
