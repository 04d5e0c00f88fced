"""Advice for the common mistakes, as data: which field, what is wrong, how sure we are.

The rules are :func:`smskit.validation.validate_fields`'s; this module adds no rule of its
own. It only annotates each :class:`~smskit.errors.Problem` with

- a severity: ``"error"`` when the page's rules refuse the value, ``"warning"`` when only the
  ``phonenumbers`` judgement does (that library may be stricter than the platform; the
  documented override is ``allow_unverified_phone``), and
- a better hint when the value has whitespace around it, because that is the usual cause of
  a problem whose rule does not mention whitespace (a 17-character ``random``).

Widgets, the CLI and notebooks show the same list, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from smskit.clock import Clock
from smskit.errors import Problem
from smskit.signing import SECRET_FIELD
from smskit.validation import FIELD_ORDER, validate_fields

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

#: The fields the signature covers, plus ``internationalCode`` (which decides whether the
#: phone is a valid number) - what a signature explorer advises on.
SIGNING_ADVICE_FIELDS = ("codeType", "internationalCode", "phone", "random", "ts",
                         SECRET_FIELD)


@dataclass(frozen=True)
class Advice:
    """One thing to fix in one field. Never holds the secret's value."""

    #: API parameter name, e.g. ``"ts"``.
    field: str
    #: The rule that was broken (from validation), in English.
    message: str
    #: ``"error"``: the page's rules refuse it; ``"warning"``: only phonenumbers doubts it.
    severity: Severity
    #: A concrete suggestion, if one is known.
    hint: str | None = None
    #: The platform code the server would answer, where one is known.
    code: int | None = None
    #: The platform's Chinese message for :attr:`code`, verbatim.
    message_zh: str | None = None
    #: English translation of :attr:`message_zh`.
    message_en: str | None = None

    def describe(self) -> str:
        """One line: ``"ts: must be ... [5145 时间戳格式不正确 / ...]. Hint: ..."``."""
        text = f"{self.field}: {self.message}"
        if self.code is not None:
            text += f" [{self.code} {self.message_zh} / {self.message_en}]" if self.message_zh \
                else f" [{self.code}]"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-friendly), in a fixed key order."""
        return {"field": self.field, "severity": self.severity, "message": self.message,
                "hint": self.hint, "code": self.code, "message_zh": self.message_zh,
                "message_en": self.message_en}


def advise(
    problems: Iterable[Problem],
    values: Mapping[str, Any],
    *,
    judgement_only: Iterable[Problem] = (),
) -> list[Advice]:
    """Turn validation problems into advice.

    ``values`` maps API field names to the raw values that were checked (used only to offer
    a stripped value as a hint; never for the secret). ``judgement_only`` lists the problems
    that disappear with ``allow_unverified_phone=True``: they become warnings.
    """
    doubted = set(judgement_only)
    return [
        Advice(
            field=problem.field,
            message=problem.rule,
            severity=WARNING if problem in doubted else ERROR,
            hint=_hint(problem, values.get(problem.field)),
            code=problem.code,
            message_zh=problem.message_zh,
            message_en=problem.message_en,
        )
        for problem in problems
    ]


def field_advice(
    *,
    phone: Any,
    code_type: Any,
    random: Any,
    ts: Any,
    international_code: Any = "86",
    user_domain: Any = None,
    secret: Any = None,
    check_secret: bool = True,
    clock: Clock | None = None,
    check_clock_window: bool = True,
    allow_unverified_phone: bool = False,
    fields: Iterable[str] | None = None,
) -> list[Advice]:
    """Advice on request fields, in the page's parameter order; empty when all is well.

    ``fields`` limits the advice to those API fields (e.g. :data:`SIGNING_ADVICE_FIELDS`).
    """
    checked: dict[str, Any] = dict(
        phone=phone, code_type=code_type, international_code=international_code,
        random=random, ts=ts, user_domain=user_domain, secret=secret, check_secret=check_secret,
        clock=clock, check_clock_window=check_clock_window,
    )
    problems = validate_fields(**checked, allow_unverified_phone=allow_unverified_phone)
    judgement: list[Problem] = []
    if not allow_unverified_phone and problems:
        lenient = validate_fields(**checked, allow_unverified_phone=True)
        judgement = [problem for problem in problems if problem not in lenient]
    wanted = set(FIELD_ORDER if fields is None else fields)
    values = {"phone": phone, "codeType": code_type, "internationalCode": international_code,
              "random": random, "ts": ts, "userDomain": user_domain}
    return advise([p for p in problems if p.field in wanted], values, judgement_only=judgement)


def signing_advice(
    *,
    phone: Any,
    code_type: Any,
    random: Any,
    ts: Any,
    secret: Any,
    international_code: Any = "86",
    clock: Clock | None = None,
) -> list[Advice]:
    """Advice on the values a signature covers (and the phone's international code).

    The 10-minute clock rule is checked only when a ``clock`` is given, so historical
    examples such as the page's can be explored without a warning that is not a mistake.
    """
    return field_advice(
        phone=phone, code_type=code_type, random=random, ts=ts, secret=secret,
        international_code=international_code, clock=clock,
        check_clock_window=clock is not None, fields=SIGNING_ADVICE_FIELDS,
    )


def _hint(problem: Problem, value: Any) -> str | None:
    """The problem's hint, or "remove the whitespace" when the value is padded with it."""
    if problem.field == SECRET_FIELD or not isinstance(value, str):
        return problem.hint  # the secret's value is never repeated, not even stripped
    stripped = value.strip()
    if stripped and stripped != value:
        return f"remove the whitespace around the value: {stripped!r}"
    return problem.hint
