"""The signature checker: paste a request from your logs, give the secret, see what went wrong.

A widget over the signature doctor (:func:`smskit.diagnose`): a URL, ``curl`` command or log
line goes in the text area, the user domain's secret in a password field; **Check** says
whether the signature is right, or which known mistake made it (title, why, fix, and the text
that was signed with the secret masked), or which checks to do by hand. The result is kept as
plain data (:attr:`SignatureChecker.result`) and shown in a panel with ``data-verdict`` and
``data-mistake`` hooks for browser tests. Neither the secret nor the right signature is kept.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.doctor import Diagnosis, diagnose
from smskit.errors import InputError
from smskit.widgets._common import (
    ERROR_COLOUR,
    FIELD_WIDTH,
    MUTED,
    OK_COLOUR,
    SECRET_EMPTY_PLACEHOLDER,
    BilingualView,
    SecretField,
    button,
    esc,
    field_style,
    heading,
    heading_html,
    html_box,
    secret_shown,
    static_view,
    table,
    text_field,
)


class SignatureChecker(BilingualView):
    """Check a sent request's signature against the right secret (the doctor, as a widget).

    Drive it from code: set ``checker.url.value`` and ``checker.secret.value``, then
    ``checker.click()``; read :attr:`result` (plain data, never the secret or the right
    signature). ``language`` (``"zh"``/``"en"``, default :func:`smskit.i18n.language`)
    switches its texts and the result's live, as its 中文 / English toggle does.
    """

    def __init__(self, *, url: str = "", secret: str = "", language: str | None = None) -> None:
        self._init_language(language)
        #: What was sent: a URL, a curl command or a log line.
        self.url = widgets.Textarea(value=url, description="request", placeholder="",
                                    style=field_style(),
                                    layout=widgets.Layout(width=FIELD_WIDTH, height="5em"))
        self.url.add_class("smskit-checker-url")
        #: The user domain's secret: kernel-side only, never sent back to the browser.
        self.secret = text_field(SecretField, value=secret, description="userDomainSecret",
                                 placeholder=SECRET_EMPTY_PLACEHOLDER,
                                 css="smskit-checker-secret")
        self.secret.show_whether_set()
        self.secret.observe(lambda _change: self.secret.show_whether_set(), names="value")
        self.check_button = button("", css="smskit-checker-check", icon="stethoscope",
                                   tooltip="")
        self.check_button.on_click(lambda _button: self.check())
        #: The result panel.
        self.result_html = html_box("smskit-checker-result")
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle, self.url, self.secret, self.check_button,
            self.result_html])
        self.widget.add_class("smskit-checker")
        self._found: Diagnosis | InputError | None = None
        with self.speaking():
            self._relabel()

    @property
    def result(self) -> dict[str, Any] | None:
        """The last check as plain data (``None`` before the first): ``verdict``
        (``correct``/``known_mistake``/``unexplained``/``unusable``: the signature), ``ok``
        (the platform would accept it), ``answer`` (the code it would answer), ``headline``,
        ``signature`` sent,
        ``mistake`` (id, title, explanation, fix in :attr:`language`), ``signed_text``
        (secret masked), ``checks`` and ``problems``."""
        if self._found is None:
            return None
        with self.speaking():
            return self._result_of(self._found)

    def click(self) -> None:
        """Click **Check**."""
        self.check_button.click()

    def check(self) -> dict[str, Any]:
        """Diagnose the pasted request with the given secret; the result, also shown."""
        try:
            found: Diagnosis | InputError = diagnose(self.url.value, secret=self.secret.value)
        except InputError as error:
            found = error
        # The right signature is not kept: it would sign any values with this secret.
        self._found = found if isinstance(found, InputError) else replace(found, expected="")
        with self.speaking():
            self._render()
            return self._result_of(found)

    def state(self) -> dict[str, Any]:
        """Everything shown, as plain data (whether a secret is set, never its value)."""
        return {"url": self.url.value, "secret_set": bool(self.secret.value),
                "language": self.language, "result": self.result}

    def __repr__(self) -> str:
        result = self.result
        verdict = None if result is None else result["verdict"]
        mistake = result and result["mistake"]
        return (f"SignatureChecker(secret={'set' if self.secret.value else 'empty'}, "
                f"verdict={verdict!r}, mistake={mistake['id'] if mistake else None!r})")

    def static_html(self) -> str:
        """The pasted request and the last finding as static HTML; the secret as dots."""
        with self.speaking():
            return static_view(self.widget, "smskit-static-checker",
                               [(self.url.description, self.url.value),
                                ("userDomainSecret", secret_shown(self.secret.value))],
                               self.result_html.value)

    # -- internals -----------------------------------------------------------------------

    def _result_of(self, found: Diagnosis | InputError) -> dict[str, Any]:
        if isinstance(found, InputError):
            return {"verdict": "unusable", "ok": False, "answer": None,
                    "headline": i18n.t("checker.verdict.unusable"), "signature": None,
                    "mistake": None, "signed_text": None, "checks": [],
                    "problems": [problem.describe() for problem in found.problems]}
        lang, mistake = self.language, found.mistake
        hint = found.refusal.hint_in(lang) if found.refusal is not None else None
        return {
            "verdict": found.verdict, "ok": found.ok, "answer": found.answer,
            "headline": i18n.t("checker.verdict.right") if found.ok else found.headline(lang),
            "signature": found.signature,
            "mistake": None if mistake is None else {
                "id": mistake.id, "title": mistake.title.render(lang),
                "explanation": mistake.explanation.render(lang), "fix": mistake.fix.render(lang)},
            "signed_text": found.signed_text,
            "checks": [check.text(lang) for check in found.checks],
            "problems": [hint] if hint else [],
        }

    def _relabel(self) -> None:
        """The title, the field's label and hint, the button and the result panel."""
        self._heading.value = heading_html(i18n.t("checker.title"), i18n.t("checker.subtitle"))
        self.url.description = i18n.t("checker.request")
        self.url.placeholder = i18n.t("checker.placeholder")
        self.check_button.description = i18n.t("checker.check")
        self.check_button.tooltip = i18n.t("checker.check_tooltip")
        self.secret.show_whether_set()
        self._render()

    def _render(self) -> None:
        result = None if self._found is None else self._result_of(self._found)
        if result is None:
            self.result_html.value = (f'<div class="smskit-checker-empty" style="color:{MUTED}">'
                                      f'{esc(i18n.t("checker.empty"))}</div>')
            return
        verdict, mistake = result["verdict"], result["mistake"]
        ok, headline = result["ok"], result["headline"]
        colour = OK_COLOUR if ok else ERROR_COLOUR
        rows: list[tuple[dict[str, str], list[str]]] = []
        if mistake is not None:
            rows += [({"data-row": "mistake"}, [esc(i18n.t("checker.row.mistake")),
                                                 f"<b>{esc(mistake['title'])}</b> "
                                                 f"<code>[{esc(mistake['id'])}]</code>"]),
                     ({"data-row": "why"}, [esc(i18n.t("checker.row.why")),
                                            esc(mistake["explanation"])]),
                     ({"data-row": "fix"}, [esc(i18n.t("checker.row.fix")), esc(mistake["fix"])])]
        if result["signed_text"] is not None:
            signed = json.dumps(result["signed_text"], ensure_ascii=False)
            rows.append(({"data-row": "signed"},
                         [esc(i18n.t("checker.row.signed")), f"<code>{esc(signed)}</code>"]))
        items = result["problems"] or result["checks"]
        lead = i18n.t("checker.checks") if result["checks"] else ""
        listed = "".join(f"<li>{esc(item)}</li>" for item in items)
        self.result_html.value = (
            f'<div class="smskit-checker-verdict" data-verdict="{esc(verdict)}" '
            f'data-answer="{esc(str(result["answer"] or ""))}" '
            f'data-mistake="{esc(mistake["id"] if mistake else "")}" '
            f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
            f'<b style="color:{colour}">{"✔" if ok else "✖"} {esc(headline)}</b>'
            + (table((), rows, css="smskit-checker-table") if rows else "")
            + (f"<div>{esc(lead)}</div>" if lead else "")
            + (f'<ul style="margin:0;padding-left:1.2em">{listed}</ul>' if listed else "")
            + "</div>")
