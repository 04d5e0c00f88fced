"""The request builder: every parameter, live validation, the curl command, and Send.

Validation is one pass of :func:`smskit.request.assess_request` per change: the request
and every problem shown (errors and warnings) come from it; sending is
:class:`smskit.client.SmsClient`'s, once per click and never retried. The secret lives
only in the :attr:`RequestBuilder.secret` password field's kernel-side value (it is never
sent to the browser) and is handed to the client at send time: it is not in the curl
command, the state, the repr or any other widget.
"""

from __future__ import annotations

import logging
import random as _random
from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.clock import Clock, SystemClock
from smskit.codetypes import CodeType
from smskit.errors import InputError, Problem, SendError
from smskit.nonce import new_random, now_ms
from smskit.request import ENDPOINT_PATH, SmsCodeRequest, assess_request
from smskit.validation import base_url_problems
from smskit.widgets._common import (
    DESCRIPTION_WIDTH,
    FIELD_WIDTH,
    MUTED,
    BilingualView,
    SecretField,
    advice_list,
    button,
    esc,
    field_style,
    heading,
    heading_html,
    html_box,
    secret_shown,
    static_view,
    text_field,
    text_of,
)
from smskit.widgets.outcome import render_outcome

#: Sends from the builder log here; a NullHandler keeps a notebook's stderr quiet.
LOGGER = logging.getLogger("smskit.widgets.builder")
LOGGER.addHandler(logging.NullHandler())


class RequestBuilder(BilingualView):
    """Build, inspect, export and send one sendPhoneSmsCode request.

    Drive it from code: set ``.value`` on the fields, ``.click()`` :attr:`regenerate`,
    :attr:`now` or :attr:`send`; read :attr:`problems`, :attr:`request`,
    :attr:`curl_command`, :attr:`last_result` or :meth:`state`. ``language``
    (``"zh"``/``"en"``) switches its texts live, as its 中文 / English toggle does.
    """

    def __init__(
        self,
        *,
        base_url: str,
        user_domain: str = "",
        secret: str = "",
        phone: str = "",
        code_type: int | CodeType = CodeType.LOGIN,
        international_code: str = "86",
        random: str | None = None,
        ts: int | str | None = None,
        allow_unverified_phone: bool = False,
        clock: Clock | None = None,
        random_source: _random.Random | None = None,
        language: str | None = None,
    ) -> None:
        """``random`` and ``ts`` default to fresh values from ``random_source`` and ``clock``
        (pass a seeded ``random.Random`` and a ``FixedClock`` for repeatable output).
        ``language`` defaults to the kit's (:func:`smskit.language`)."""
        self._init_language(language)
        self._clock: Clock = clock or SystemClock()
        self._random_source = random_source
        self._make_fields(base_url=base_url, user_domain=user_domain, secret=secret, phone=phone,
                          code_type=code_type, international_code=international_code,
                          random=new_random(random_source) if random is None else random,
                          ts=now_ms(self._clock) if ts is None else ts)
        self._make_controls(allow_unverified_phone)
        self._lay_out()
        self._request: SmsCodeRequest | None = None
        self._problems: list[Problem] = []
        self._last_result: dict[str, Any] | None = None
        self._outcome: InputError | SendError | Any = None
        self._curl_command: str | None = None
        for field in self._fields():
            field.observe(self._on_change, names="value")
        self.regenerate.on_click(self._on_regenerate)
        self.now.on_click(self._on_now)
        self.send.on_click(self._on_send)
        with self.speaking():
            self._label()
        self.refresh()
        self._render_result()

    def _make_fields(self, *, base_url: str, user_domain: str, secret: str, phone: str,
                     code_type: int | CodeType, international_code: str, random: str,
                     ts: int | str) -> None:
        """The request's fields, in the page's order, each a widget named like its parameter."""
        #: Where requests go: the sandbox's URL in the notebooks.
        self.base_url = text_field(widgets.Text, value=base_url, description="",
                                   placeholder="https://iot-api.quectelcn.com",
                                   css="smskit-builder-base-url")
        #: userDomain, issued with the app.
        self.user_domain = text_field(widgets.Text, value=user_domain,
                                      description="userDomain",
                                      placeholder="",
                                      css="smskit-builder-user-domain")
        #: userDomainSecret: the only widget that holds the secret, kernel-side only.
        self.secret = text_field(SecretField, value=secret,
                                 description="userDomainSecret",
                                 placeholder="", css="smskit-builder-secret")
        #: codeType, chosen from the five labelled values.
        self.code_type = widgets.Dropdown(
            options=_code_type_options(),
            value=int(code_type), description="codeType", style=field_style(),
            layout=widgets.Layout(width=FIELD_WIDTH))
        self.code_type.add_class("smskit-builder-code-type")
        #: internationalCode, digits without ``+``.
        self.international_code = text_field(
            widgets.Text, value=international_code, description="internationalCode",
            placeholder="",
            css="smskit-builder-international-code")
        #: The national phone number.
        self.phone = text_field(widgets.Text, value=phone, description="phone",
                                placeholder="", css="smskit-builder-phone")
        #: random: 16 letters and digits.
        self.random = text_field(widgets.Text, value=random, description="random",
                                 placeholder="", css="smskit-builder-random", width="30em")
        #: ts: epoch milliseconds.
        self.ts = text_field(widgets.Text, value=text_of(ts), description="ts",
                             placeholder="", css="smskit-builder-ts", width="30em")

    def _make_controls(self, allow_unverified_phone: bool) -> None:
        """The buttons, the override, and the panels that show problems, curl and the answer."""
        #: Puts a fresh random into :attr:`random`.
        self.regenerate = button("", css="smskit-builder-regenerate", tooltip="", icon="refresh")
        #: Puts the clock's current time into :attr:`ts`.
        self.now = button("", css="smskit-builder-now", tooltip="", icon="clock-o")
        #: The documented override for numbers ``phonenumbers`` does not know.
        self.allow_unverified_phone = widgets.Checkbox(
            value=allow_unverified_phone, description="", indent=False)
        self.allow_unverified_phone.layout.margin = f"0 0 0 {DESCRIPTION_WIDTH}"
        self.allow_unverified_phone.add_class("smskit-builder-allow-unverified")
        #: Sends the request once.
        self.send = button("", css="smskit-builder-send", icon="paper-plane", tooltip="")
        #: Live validation: every problem, naming its field.
        self.problems_html = html_box("smskit-builder-problems")
        #: The curl command for the current request (no secret in it).
        self.curl = widgets.Textarea(
            value="", description="curl", disabled=False, rows=4, style=field_style(),
            placeholder="",
            layout=widgets.Layout(width="100%", max_width="60em"))
        self.curl.add_class("smskit-builder-curl")
        #: The last response and its explanation.
        self.response_html = html_box("smskit-builder-response")

    def _lay_out(self) -> None:
        """One column: heading, toggle, fields, problems, curl, Send, the answer."""
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle, self.base_url, self.user_domain, self.secret,
            self.code_type,
            self.international_code, self.phone,
            widgets.HBox([self.random, self.regenerate]),
            widgets.HBox([self.ts, self.now]),
            self.allow_unverified_phone, self.problems_html, self.curl,
            self.send, self.response_html,
        ])
        self.widget.add_class("smskit-builder")


    # -- reading state -------------------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        """Everything that stops this request from being sent (empty when it can be), as
        shown under the fields: errors, and warnings that only ``allow_unverified_phone``
        overrides."""
        return list(self._problems)

    @property
    def request(self) -> SmsCodeRequest | None:
        """The signed request for the current fields, or ``None`` while there are problems."""
        return self._request

    @property
    def curl_command(self) -> str | None:
        return self._curl_command

    @property
    def last_result(self) -> dict[str, Any] | None:
        """What the last click on Send led to, as plain data (``None`` before the first):
        the ``as_dict()`` of the result, the error, or the :class:`InputError`."""
        return self._last_result

    def state(self) -> dict[str, Any]:
        """The fields, validation, request and last result as plain data (no secret)."""
        return {
            "base_url": self.base_url.value,
            "user_domain": self.user_domain.value,
            "secret_set": bool(self.secret.value),
            "code_type": self.code_type.value,
            "international_code": self.international_code.value,
            "phone": self.phone.value,
            "random": self.random.value,
            "ts": self.ts.value,
            "allow_unverified_phone": self.allow_unverified_phone.value,
            "problems": [problem.as_dict() for problem in self._problems],
            "query": self._request.query() if self._request else None,
            "curl": self._curl_command,
            "last_result": self._last_result,
        }

    def __repr__(self) -> str:
        last = self._last_result
        outcome = "None" if last is None else last["outcome"] + (
            f" {last['code']}" if last["code"] is not None else "")
        return (f"RequestBuilder(user_domain={self.user_domain.value!r}, "
                f"phone={self.phone.value!r}, code_type={self.code_type.value!r}, "
                f"secret={'set' if self.secret.value else 'empty'}, "
                f"problems={len(self._problems)}, last_result={outcome})")

    def static_html(self) -> str:
        """The fields, validation, curl command and last response as static HTML; the
        secret as masked dots (it is not in the curl command either)."""
        with self.speaking():
            return self._static_html()

    def _static_html(self) -> str:
        fields = [(i18n.t("builder.base_url"), self.base_url.value),
                  ("userDomain", self.user_domain.value),
                  ("userDomainSecret", secret_shown(self.secret.value)),
                  ("codeType", self.code_type.label),
                  ("internationalCode", self.international_code.value),
                  ("phone", self.phone.value), ("random", self.random.value),
                  ("ts", self.ts.value),
                  (i18n.t("builder.allow_unverified"),
                   i18n.t("common.yes" if self.allow_unverified_phone.value else "common.no"))]
        curl = (f'<pre class="smskit-static-curl" style="white-space:pre-wrap;'
                f'word-break:break-all">{esc(self._curl_command)}</pre>'
                if self._curl_command else "")
        return static_view(self.widget, "smskit-static-builder", fields,
                           self.problems_html.value, curl, self.response_html.value)

    # -- driving -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-validate and rebuild the request and curl command (done on every change)."""
        with self.speaking():
            self._revalidate()

    # -- internals -----------------------------------------------------------------------

    def _revalidate(self) -> None:
        values: dict[str, Any] = {
            "phone": self.phone.value, "code_type": self.code_type.value,
            "international_code": self.international_code.value, "random": self.random.value,
            "ts": self.ts.value, "user_domain": self.user_domain.value,
            "secret": self.secret.value,
        }
        allow = bool(self.allow_unverified_phone.value)
        self._request, self._problems = assess_request(**values, clock=self._clock,
                                                       allow_unverified_phone=allow)
        url_problems = base_url_problems(self.base_url.value)
        self._problems += url_problems
        ready = self._request is not None and not url_problems
        self._curl_command = (self._request.to_curl(self.base_url.value)
                              if ready and self._request else None)
        self.curl.value = self._curl_command or ""
        self.send.button_style = "primary" if ready else ""
        self.secret.show_whether_set()
        self.problems_html.value = advice_list(
            self._problems, css="smskit-builder-advice",
            none_text=i18n.t("builder.ready"))

    def _label(self) -> None:
        """The title, descriptions, placeholders and buttons in the current language."""
        self._heading.value = heading_html(i18n.t("builder.title"), f"POST {ENDPOINT_PATH}")
        self.base_url.description = i18n.t("builder.base_url")
        self.user_domain.placeholder = i18n.t("builder.placeholder.user_domain")
        self.international_code.placeholder = i18n.t("builder.placeholder.international_code")
        self.phone.placeholder = i18n.t("widgets.placeholder.phone")
        self.random.placeholder = i18n.t("widgets.placeholder.random")
        self.ts.placeholder = i18n.t("widgets.placeholder.ts")
        self.regenerate.description = i18n.t("builder.regenerate")
        self.regenerate.tooltip = i18n.t("builder.regenerate_tip")
        self.now.description = i18n.t("builder.now")
        self.now.tooltip = i18n.t("builder.now_tip")
        self.allow_unverified_phone.description = i18n.t("builder.allow_unverified")
        self.allow_unverified_phone.tooltip = i18n.t("builder.allow_unverified_tip")
        self.send.description = i18n.t("builder.send")
        self.send.tooltip = i18n.t("builder.send_tip")
        self.curl.placeholder = i18n.t("builder.curl_placeholder")
        self._reoffer(self.code_type, _code_type_options())

    def _relabel(self) -> None:
        self._label()
        self._revalidate()
        if self._outcome is not None:  # the same outcome, told in the new language
            self._last_result = self._outcome.as_dict()
        self._render_result()

    def _fields(self) -> tuple[widgets.ValueWidget, ...]:
        return (self.base_url, self.user_domain, self.secret, self.code_type,
                self.international_code, self.phone, self.random, self.ts,
                self.allow_unverified_phone)

    def _on_change(self, _change: Any) -> None:
        if not self._holding:
            self.refresh()

    def _on_regenerate(self, _button: Any = None) -> None:
        self.random.value = new_random(self._random_source)

    def _on_now(self, _button: Any = None) -> None:
        self.ts.value = str(now_ms(self._clock))

    def _on_send(self, _button: Any = None) -> None:
        """Send once if the fields are valid; otherwise show why not. Never retries."""
        self.refresh()
        request = self._request
        if self._problems or request is None:
            self._outcome = InputError(self._problems)
        else:
            self.send.disabled = True
            with self.speaking():
                sending = i18n.t("builder.sending")
            self.response_html.value = f'<span style="color:{MUTED}">{esc(sending)}</span>'
            try:
                self._outcome = self._send_once(request)
            finally:
                self.send.disabled = False
        with self.speaking():
            self._last_result = self._outcome.as_dict()
        self._render_result()

    def _send_once(self, request: SmsCodeRequest) -> Any:
        """The ``SendResult``, or the error that stopped the send (each has ``as_dict``)."""
        from smskit.client import SmsClient

        try:
            with SmsClient(base_url=self.base_url.value, user_domain=self.user_domain.value,
                           secret=self.secret.value, clock=self._clock,
                           random_source=self._random_source, logger=LOGGER) as client:
                return client.send_prepared(
                    request, allow_unverified_phone=bool(self.allow_unverified_phone.value))
        except (InputError, SendError) as error:
            return error

    def _render_result(self) -> None:
        with self.speaking():
            self.response_html.value = render_outcome(self._last_result)


def _code_type_options() -> list[tuple[str, int]]:
    """The five code types, labelled in the current language (API value first)."""
    return [(member.label, member.value) for member in CodeType]
