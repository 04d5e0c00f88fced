"""The signature checker: paste a request from your logs, give the secret, see what went wrong.

A widget over the signature doctor (:func:`smskit.diagnose`): a URL, ``curl`` command or log
line goes in the text area, the user domain's secret in a password field; **Check** says
whether the signature is right, or which known mistake made it (title, why, fix, and the text
that was signed with the secret masked), or which checks to do by hand. The result is kept as
plain data (:attr:`SignatureChecker.result`) and shown in a panel with ``data-verdict`` and
``data-mistake`` hooks for browser tests. Neither the secret nor the right signature is kept.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.catalogue import lookup
from smskit.doctor import Diagnosis, diagnose
from smskit.errors import InputError
from smskit.platform_codes import PlatformCode
from smskit.widgets._common import (
    ERROR_COLOUR,
    FIELD_WIDTH,
    MUTED,
    OK_COLOUR,
    SECRET_EMPTY_PLACEHOLDER,
    SecretField,
    WidgetView,
    button,
    esc,
    field_style,
    heading,
    html_box,
    table,
    text_field,
)

_PLACEHOLDER = ("a URL, curl command or log line, e.g. https://host/v2/sms/enduserapi/v2/"
                "sendPhoneSmsCode?codeType=3&internationalCode=86&phone=...&signature=...")
_LABELS = {
    "right": {"en": "The signature is right", "zh": "签名正确"},
    "wrong": {"en": "The signature is wrong (the platform answers {answer})",
              "zh": "签名错误（平台会回答 {answer}）"},
    "unusable": {"en": "Cannot check this input", "zh": "无法检查这个输入"},
    "mistake": {"en": "mistake", "zh": "错误"},
    "why": {"en": "why", "zh": "原因"},
    "fix": {"en": "fix", "zh": "修正"},
    "signed": {"en": "text signed (secret masked)", "zh": "实际签名的原文（密钥已打码）"},
    "checks": {"en": "No known mistake explains it. Check by hand:",
               "zh": "没有已知错误能解释这个签名。请逐项检查："},
    "empty": {"en": "Paste a request and its user domain's secret, then click Check.",
              "zh": "粘贴一个请求并填写其用户域密钥，然后点击 Check。"},
}


class SignatureChecker(WidgetView):
    """Check a sent request's signature against the right secret (the doctor, as a widget).

    Drive it from code: set ``checker.url.value`` and ``checker.secret.value``, then
    ``checker.click()``; read :attr:`result` (plain data, never the secret or the right
    signature). ``lang`` (``"en"``/``"zh"``, default :func:`smskit.i18n.language`) is the
    language of the result.
    """

    def __init__(self, *, url: str = "", secret: str = "", lang: str | None = None) -> None:
        self.lang: i18n.Language = i18n.language() if lang is None else i18n.as_language(lang)
        #: What was sent: a URL, a curl command or a log line.
        self.url = widgets.Textarea(value=url, description="request", placeholder=_PLACEHOLDER,
                                    style=field_style(),
                                    layout=widgets.Layout(width=FIELD_WIDTH, height="5em"))
        self.url.add_class("smskit-checker-url")
        #: The user domain's secret: kernel-side only, never sent back to the browser.
        self.secret = text_field(SecretField, value=secret, description="userDomainSecret",
                                 placeholder=SECRET_EMPTY_PLACEHOLDER,
                                 css="smskit-checker-secret")
        self.secret.show_whether_set()
        self.secret.observe(lambda _change: self.secret.show_whether_set(), names="value")
        self.check_button = button("Check", css="smskit-checker-check", icon="stethoscope",
                                   tooltip="diagnose the signature of the request above")
        self.check_button.on_click(lambda _button: self.check())
        #: The result panel.
        self.result_html = html_box("smskit-checker-result")
        self.widget = widgets.VBox([
            heading("Signature checker", "what did my signing code do wrong?"),
            self.url, self.secret, self.check_button, self.result_html])
        self.widget.add_class("smskit-checker")
        self._result: dict[str, Any] | None = None
        self._render()

    @property
    def result(self) -> dict[str, Any] | None:
        """The last check as plain data (``None`` before the first): ``verdict``
        (``correct``/``known_mistake``/``unexplained``/``unusable``), ``signature`` sent,
        ``mistake`` (id, title, explanation, fix in :attr:`lang`), ``signed_text`` (secret
        masked), ``checks`` and ``problems``."""
        return copy.deepcopy(self._result)

    def click(self) -> None:
        """Click **Check**."""
        self.check_button.click()

    def check(self) -> dict[str, Any]:
        """Diagnose the pasted request with the given secret; the result, also shown."""
        try:
            result = self._as_result(diagnose(self.url.value, secret=self.secret.value))
        except InputError as error:
            result = {"verdict": "unusable", "signature": None, "mistake": None,
                      "signed_text": None, "checks": [],
                      "problems": [problem.describe() for problem in error.problems]}
        self._result = result
        self._render()
        return copy.deepcopy(result)

    def state(self) -> dict[str, Any]:
        """Everything shown, as plain data (whether a secret is set, never its value)."""
        return {"url": self.url.value, "secret_set": bool(self.secret.value),
                "lang": self.lang, "result": self.result}

    def __repr__(self) -> str:
        verdict = None if self._result is None else self._result["verdict"]
        mistake = self._result and self._result["mistake"]
        return (f"SignatureChecker(secret={'set' if self.secret.value else 'empty'}, "
                f"verdict={verdict!r}, mistake={mistake['id'] if mistake else None!r})")

    # -- internals -----------------------------------------------------------------------

    def _as_result(self, found: Diagnosis) -> dict[str, Any]:
        lang, mistake = self.lang, found.mistake
        return {
            "verdict": found.verdict, "signature": found.signature,
            "mistake": None if mistake is None else {
                "id": mistake.id, "title": mistake.title(lang),
                "explanation": mistake.explanation(lang), "fix": mistake.fix(lang)},
            "signed_text": found.signed_text,
            "checks": [check.text(lang) for check in found.checks], "problems": [],
        }

    def _label(self, key: str) -> str:
        entry = lookup(PlatformCode.SIGNATURE_FAILED)
        answer = f"{PlatformCode.SIGNATURE_FAILED.value} {entry.zh if entry else ''}".strip()
        return _LABELS[key][self.lang].format(answer=answer)

    def _render(self) -> None:
        result = self._result
        if result is None:
            self.result_html.value = (f'<div class="smskit-checker-empty" style="color:{MUTED}">'
                                      f"{esc(self._label('empty'))}</div>")
            return
        verdict, mistake = result["verdict"], result["mistake"]
        ok = verdict == "correct"
        headline = {"correct": "right", "unusable": "unusable"}.get(verdict, "wrong")
        colour = OK_COLOUR if ok else ERROR_COLOUR
        rows: list[tuple[dict[str, str], list[str]]] = []
        if mistake is not None:
            rows += [({"data-row": "mistake"}, [esc(self._label("mistake")),
                                                 f"<b>{esc(mistake['title'])}</b> "
                                                 f"<code>[{esc(mistake['id'])}]</code>"]),
                     ({"data-row": "why"}, [esc(self._label("why")),
                                            esc(mistake["explanation"])]),
                     ({"data-row": "fix"}, [esc(self._label("fix")), esc(mistake["fix"])])]
        if result["signed_text"] is not None:
            signed = json.dumps(result["signed_text"], ensure_ascii=False)
            rows.append(({"data-row": "signed"},
                         [esc(self._label("signed")), f"<code>{esc(signed)}</code>"]))
        items = result["problems"] or result["checks"]
        lead = self._label("checks") if result["checks"] else ""
        listed = "".join(f"<li>{esc(item)}</li>" for item in items)
        self.result_html.value = (
            f'<div class="smskit-checker-verdict" data-verdict="{esc(verdict)}" '
            f'data-mistake="{esc(mistake["id"] if mistake else "")}" '
            f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
            f'<b style="color:{colour}">{"✔" if ok else "✖"} {esc(self._label(headline))}</b>'
            + (table((), rows, css="smskit-checker-table") if rows else "")
            + (f"<div>{esc(lead)}</div>" if lead else "")
            + (f'<ul style="margin:0;padding-left:1.2em">{listed}</ul>' if listed else "")
            + "</div>")
