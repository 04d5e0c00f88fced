"""One line per answered request, as a webhook listener's console prints them.

A view of the request log (:mod:`smskit.sandbox.requestlog`) for ``smskit sandbox``: a
developer pointing their own backend at the sandbox sees each request as it arrives, what
was answered, which check decided it and, for a wrong signature, which mistake made it::

    03:24:54.369  POST  sendPhoneSmsCode  sandbox-demo  13800138000  refused  5420 signature
    uppercase-hex: The signature is uppercase hex

(one line on the console; wrapped here).
"""

from __future__ import annotations

from smskit import i18n
from smskit.i18n import utc_text
from smskit.request import ENDPOINT_PATH
from smskit.sandbox.requestlog import RequestRecord

_ENDPOINT_SHORT = ENDPOINT_PATH.rsplit("/", 1)[-1]
_PATH_CHARS = 32


def console_line(record: RequestRecord, lang: i18n.Language = "en") -> str:
    """The record as one line: time (UTC, sandbox clock), method, short path, userDomain,
    phone, verdict, code and check, and the doctor's finding when there is one."""
    ok = record.status == 200 and record.code in (None, 200)
    verdict = i18n.t("sandbox.console.ok" if ok else "sandbox.console.refused", lang)
    code = record.status if record.code is None else record.code
    parts = [utc_text(record.time_ms)[11:23], record.method, _short_path(record.path),
             record.user_domain or "-", record.phone or "-", verdict, f"{code} {record.check}"]
    note = record.diagnosis
    if note is not None:
        if note.mistake_id is None:
            parts.append(i18n.t("sandbox.console.unexplained", lang))
        else:
            title = note.title.render(lang) if note.title else ""
            parts.append(f"{note.mistake_id}: {title}")
    return "  ".join(parts)


def _short_path(path: str) -> str:
    if path == ENDPOINT_PATH:
        return _ENDPOINT_SHORT
    return path if len(path) <= _PATH_CHARS else path[:_PATH_CHARS - 1] + "…"
