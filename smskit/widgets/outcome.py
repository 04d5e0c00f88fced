"""What one click on Send led to, as plain data, and how it is shown.

:class:`SendOutcome` is what :attr:`RequestBuilder.last_result` holds: the envelope as
received beside the catalogue's explanation (both messages, cause, remedy, retry safety).
:func:`render_outcome` lays it out as HTML with ``data-status``/``data-code`` hooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from smskit.catalogue import categories
from smskit.errors import InputError, Problem
from smskit.widgets._common import ERROR_COLOUR, MUTED, OK_COLOUR, esc, table

OutcomeStatus = Literal["sent", "api_error", "not_sent", "bad_response", "no_response"]


@dataclass(frozen=True)
class SendOutcome:
    """What happened when Send was clicked, as plain data (never the secret).

    ``status`` is ``"sent"`` (a success code came back), ``"api_error"`` (the platform
    answered with an error code), ``"not_sent"`` (the kit refused the input; nothing left),
    ``"bad_response"`` (the answer was not the platform's envelope) or ``"no_response"``.
    """

    status: OutcomeStatus
    #: The HTTP status of the response, if one came back.
    http_status: int | None = None
    #: The envelope's ``code``.
    code: int | None = None
    #: The envelope's ``msg`` exactly as the server sent it.
    msg: str | None = None
    ext_msg: str | None = None
    #: The catalogue's Chinese message for :attr:`code` (verbatim) and its English.
    message_zh: str | None = None
    message_en: str | None = None
    category: str | None = None
    cause: str | None = None
    remedy: str | None = None
    #: Whether sending again cannot deliver a second SMS.
    retry_safe: bool | None = None
    #: The error's class name, for anything but success.
    error: str | None = None
    #: A one-line explanation (the error's message) for refusals and transport trouble.
    detail: str | None = None
    #: Each problem that stopped the send, described on one line.
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "sent"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "http_status": self.http_status, "code": self.code,
                "msg": self.msg, "ext_msg": self.ext_msg, "message_zh": self.message_zh,
                "message_en": self.message_en, "category": self.category, "cause": self.cause,
                "remedy": self.remedy, "retry_safe": self.retry_safe, "error": self.error,
                "detail": self.detail, "problems": list(self.problems)}

    def _repr_html_(self) -> str:
        """Displayed on its own, the outcome is the builder's response panel."""
        return render_outcome(self)


def refused(problems: list[Problem]) -> SendOutcome:
    """The outcome of a click while the kit refuses the input: nothing was sent."""
    return SendOutcome(
        status="not_sent", retry_safe=True, error=InputError.__name__,
        detail="Nothing was sent: fix the problems listed above first.",
        problems=tuple(problem.describe() for problem in problems))


_HEADLINES: dict[str, tuple[str, str]] = {
    "sent": ("✔", "Sent"),
    "api_error": ("✖", "The platform refused the request"),
    "not_sent": ("✖", "Not sent"),
    "bad_response": ("✖", "The answer was not the platform's envelope"),
    "no_response": ("✖", "No answer"),
}


def render_outcome(outcome: SendOutcome | None) -> str:
    """The outcome as HTML; ``data-status`` and ``data-code`` are hooks for browser tests."""
    if outcome is None:
        return (f'<div class="smskit-response-empty" style="color:{MUTED}">'
                "No request sent yet: the response will appear here.</div>")
    mark, headline = _HEADLINES[outcome.status]
    colour = OK_COLOUR if outcome.ok else ERROR_COLOUR
    code = "" if outcome.code is None else str(outcome.code)
    parts = [f'<div class="smskit-response smskit-response-{esc(outcome.status)}" '
             f'data-status="{esc(outcome.status)}" data-code="{esc(code)}" '
             f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
             f'<b style="color:{colour}">{mark} {esc(headline)}</b>']
    if outcome.http_status is not None:
        parts.append(f" · HTTP {outcome.http_status}")
    rows: list[tuple[dict[str, str], list[str]]] = []
    if outcome.code is not None:
        rows.append(({"data-row": "code"}, ["code", f"<b>{outcome.code}</b>"]))
        shown = f"<code>{esc(outcome.msg)}</code>" if outcome.msg else \
            f'<span style="color:{MUTED}">(empty)</span>'
        rows.append(({"data-row": "msg"}, ["msg (as received)", shown]))
    if outcome.message_zh is not None:
        rows.append(({"data-row": "zh"}, ["中文 (catalogue)", esc(outcome.message_zh)]))
    if outcome.message_en is not None:
        rows.append(({"data-row": "en"}, ["English", esc(outcome.message_en)]))
    if outcome.ext_msg:
        rows.append(({"data-row": "ext"}, ["extMsg", esc(outcome.ext_msg)]))
    if outcome.category is not None:
        category = categories().get(outcome.category)
        label = f"{category.en} ({category.zh})" if category else outcome.category
        rows.append(({"data-row": "category"}, ["category", esc(label)]))
    if outcome.cause is not None:
        rows.append(({"data-row": "cause"}, ["cause", esc(outcome.cause)]))
    if outcome.remedy is not None:
        rows.append(({"data-row": "remedy"}, ["remedy", esc(outcome.remedy)]))
    if outcome.detail and outcome.status != "api_error":
        rows.append(({"data-row": "detail"}, ["detail", esc(outcome.detail)]))
    if outcome.problems:
        items = "".join(f"<li>{esc(problem)}</li>" for problem in outcome.problems)
        rows.append(({"data-row": "problems"},
                     ["problems", f'<ul style="margin:0;padding-left:1.2em">{items}</ul>']))
    rows.append(({"data-row": "retry"}, ["send again?", esc(_retry_text(outcome))]))
    parts.append(table((), rows, css="smskit-response-table"))
    parts.append("</div>")
    return "".join(parts)


def _retry_text(outcome: SendOutcome) -> str:
    if outcome.status == "sent":
        return "Sending again sends another SMS; only the newest code stays valid."
    if outcome.status == "not_sent":
        return "Nothing left this notebook: fix the problems and send."
    if outcome.retry_safe:
        return "Safe: nothing was handed to the SMS provider. Fix the cause, then send again."
    return ("Not safe to resend blindly: the SMS may already be on its way. "
            "Nothing was retried automatically.")
