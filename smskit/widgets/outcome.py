"""How what one click on Send led to is shown.

:attr:`RequestBuilder.last_result` holds the outcome as plain data, the one shape of
``SendResult.as_dict()``, ``SendError.as_dict()`` and ``InputError.as_dict()``: the envelope
as received beside the catalogue's explanation (both messages, cause, remedy, retry safety).
:func:`render_outcome` lays it out as HTML with ``data-status``/``data-code`` hooks.
"""

from __future__ import annotations

from typing import Any

from smskit import i18n
from smskit.catalogue import categories
from smskit.widgets._common import ERROR_COLOUR, MUTED, OK_COLOUR, esc, table

#: The mark of each outcome; its headline is the text ``outcome.headline.<outcome>``.
_MARKS = {"sent": "✔", "api_error": "✖", "not_sent": "✖", "bad_response": "✖",
          "no_response": "✖"}


def render_outcome(outcome: dict[str, Any] | None) -> str:
    """The outcome as HTML; ``data-status`` and ``data-code`` are hooks for browser tests."""
    if outcome is None:
        return (f'<div class="smskit-response-empty" style="color:{MUTED}">'
                f"{esc(i18n.t('outcome.empty'))}</div>")
    status = outcome["outcome"]
    mark, headline = _MARKS[status], i18n.t(f"outcome.headline.{status}")
    colour = OK_COLOUR if outcome["ok"] else ERROR_COLOUR
    code = "" if outcome["code"] is None else str(outcome["code"])
    parts = [f'<div class="smskit-response smskit-response-{esc(status)}" '
             f'data-status="{esc(status)}" data-code="{esc(code)}" '
             f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
             f'<b style="color:{colour}">{mark} {esc(headline)}</b>']
    if outcome["http_status"] is not None:
        parts.append(f" · HTTP {outcome['http_status']}")
    rows: list[tuple[dict[str, str], list[str]]] = []
    if outcome["code"] is not None:
        rows.append(({"data-row": "code"}, [_label("code"), f"<b>{outcome['code']}</b>"]))
        shown = f"<code>{esc(outcome['msg'])}</code>" if outcome["msg"] else \
            f'<span style="color:{MUTED}">{esc(i18n.t("outcome.empty_msg"))}</span>'
        rows.append(({"data-row": "msg"}, [_label("msg"), shown]))
    if outcome["msg_zh"] is not None:
        rows.append(({"data-row": "zh"}, ["中文 " + _label("zh"), esc(outcome["msg_zh"])]))
    if outcome["msg_en"] is not None:
        rows.append(({"data-row": "en"}, [_label("en"), esc(outcome["msg_en"])]))
    if outcome["ext_msg"]:
        rows.append(({"data-row": "ext"}, [_label("ext"), esc(outcome["ext_msg"])]))
    if outcome["category"] is not None:
        category = categories().get(outcome["category"])
        label = (f"{category.name_in()} ({category.name_in(i18n.other_language())})" if category
                 else outcome["category"])
        rows.append(({"data-row": "category"}, [_label("category"), esc(label)]))
    if outcome["cause"] is not None:
        rows.append(({"data-row": "cause"}, [_label("cause"), esc(outcome["cause"])]))
    if outcome["remedy"] is not None:
        rows.append(({"data-row": "remedy"}, [_label("remedy"), esc(outcome["remedy"])]))
    if outcome["detail"] and status != "api_error":
        rows.append(({"data-row": "detail"}, [_label("detail"), esc(outcome["detail"])]))
    if outcome["problems"]:
        items = "".join(f"<li>{esc(problem['text'])}</li>"
                        for problem in outcome["problems"])
        rows.append(({"data-row": "problems"},
                     [_label("problems"), f'<ul style="margin:0;padding-left:1.2em">{items}</ul>']))
    rows.append(({"data-row": "retry"}, [_label("retry"), esc(_retry_text(outcome))]))
    parts.append(table((), rows, css="smskit-response-table"))
    parts.append("</div>")
    return "".join(parts)


def _label(row: str) -> str:
    return esc(i18n.t(f"outcome.row.{row}"))


def _retry_text(outcome: dict[str, Any]) -> str:
    if outcome["outcome"] == "sent":
        return i18n.t("outcome.retry.sent")
    if outcome["outcome"] == "not_sent":
        return i18n.t("outcome.retry.not_sent")
    if outcome["retry_safe"]:
        return i18n.t("outcome.retry.safe")
    return i18n.t("outcome.retry.unsafe")

