"""The signature explorer: type the five signed values, watch the signed string and hash.

Shows ``SHA256(phone + codeType + random + ts + userDomainSecret)`` segment by segment with
the secret masked, the hex digest, and live advice on the common mistakes (``ts`` in
seconds, ``+86`` in the phone, a ``random`` that is not 16 characters, stray whitespace, the
code type as text). Signing and advice come from :mod:`smskit.signing` and
:func:`smskit.validation.signing_problems`; this module only lays them out.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.clock import Clock
from smskit.codetypes import CodeType
from smskit.errors import InputError, Problem
from smskit.signing import Segment, masked_signed_string, sign, signed_segments
from smskit.teaching.worked_example import WorkedExample, load
from smskit.validation import signing_problems
from smskit.widgets._common import (
    BORDER,
    DESCRIPTION_WIDTH,
    MUTED,
    BilingualView,
    SecretField,
    advice_list,
    esc,
    heading,
    heading_html,
    html_box,
    secret_shown,
    static_view,
    table,
    text_field,
    text_of,
)

#: A tint per signed field, so each segment can be found in the joined string.
_TINTS = {
    "phone": "rgba(33,150,243,0.22)",
    "codeType": "rgba(156,39,176,0.22)",
    "random": "rgba(255,152,0,0.25)",
    "ts": "rgba(76,175,80,0.25)",
    "userDomainSecret": "rgba(128,128,128,0.30)",
}
_CODE_TYPE_LEGEND = i18n.Editions(en=" · ".join(f"{m.value} {m.en} ({m.zh})" for m in CodeType),
                                  zh=" · ".join(f"{m.value} {m.zh} ({m.en})" for m in CodeType))


class SignatureExplorer(BilingualView):
    """Explore how a signature is computed; every change recomputes everything.

    Drive it from code by setting ``.value`` on :attr:`phone`, :attr:`code_type`,
    :attr:`random`, :attr:`ts` and :attr:`secret` (or calling :meth:`update`), then read
    :attr:`signature`, :attr:`warnings` or :meth:`state`. ``language`` (``"zh"``/``"en"``)
    switches its texts live, as its 中文 / English toggle does.
    """

    def __init__(
        self,
        *,
        phone: str = "",
        code_type: Any = "",
        random: str = "",
        ts: Any = "",
        secret: str = "",
        international_code: str = "86",
        clock: Clock | None = None,
        language: str | None = None,
    ) -> None:
        """``international_code`` is not signed; it only decides whether the phone is a
        valid number. With a ``clock`` the 10-minute ``ts`` rule is checked too.
        ``language`` defaults to the kit's (:func:`smskit.language`)."""
        self._init_language(language)
        self._international_code = international_code
        self._clock = clock
        #: The national phone number (a text field).
        self.phone = text_field(widgets.Text, value=text_of(phone), description="phone",
                                placeholder="", css="smskit-explorer-phone")
        #: The code type as typed: digits 1-5 (text, so that mistakes can be shown).
        self.code_type = text_field(widgets.Text, value=text_of(code_type),
                                    description="codeType",
                                    placeholder="", css="smskit-explorer-code-type")
        #: The request's random.
        self.random = text_field(widgets.Text, value=text_of(random), description="random",
                                 placeholder="", css="smskit-explorer-random")
        #: The timestamp as typed.
        self.ts = text_field(widgets.Text, value=text_of(ts), description="ts",
                             placeholder="", css="smskit-explorer-ts")
        #: The userDomainSecret: the only widget that holds it, kernel-side only.
        self.secret = text_field(SecretField, value=secret,
                                 description="userDomainSecret",
                                 placeholder="", css="smskit-explorer-secret")
        self._lay_out()
        self._segments: tuple[Segment, ...] = ()
        self._problems: list[Problem] = []
        self._warnings: list[Problem] = []
        self._signature: str | None = None
        self._masked: str | None = None
        for field in self._fields():
            field.observe(self._on_change, names="value")
        with self.speaking():
            self._label()
        self.refresh()

    def _lay_out(self) -> None:
        """The result panels under the fields, and the column that holds them all."""
        #: The segments table and the joined signed string (secret masked).
        self.segments_html = html_box("smskit-explorer-segments")
        #: The SHA-256 hex digest.
        self.digest_html = html_box("smskit-explorer-digest")
        #: The advice list.
        self.warnings_html = html_box("smskit-explorer-warnings")
        self._legend = widgets.HTML(layout=widgets.Layout(margin=f"0 0 0 {DESCRIPTION_WIDTH}"))
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle,
            self.phone, self.code_type, self._legend, self.random, self.ts, self.secret,
            self.segments_html, self.digest_html, self.warnings_html,
        ])
        self.widget.add_class("smskit-explorer")

    @classmethod
    def from_worked_example(
        cls, example: WorkedExample | None = None, **settings: Any
    ) -> SignatureExplorer:
        """Pre-filled with the page's worked example (its secret is published)."""
        example = example or load()
        return cls(phone=example.phone, code_type=example.code_type, random=example.random,
                   ts=example.ts, secret=example.secret, **settings)

    # -- reading state -------------------------------------------------------------------

    @property
    def warnings(self) -> list[Problem]:
        """Advice on the current values (empty when all is well)."""
        return list(self._warnings)

    @property
    def problems(self) -> list[Problem]:
        """Why no signature can be computed (empty when it can)."""
        return list(self._problems)

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The signed segments in order (empty when the values cannot be signed)."""
        return self._segments

    @property
    def signature(self) -> str | None:
        """Lowercase hex SHA-256 of the signed string, or ``None`` when it cannot be signed."""
        return self._signature

    @property
    def masked_signed_string(self) -> str | None:
        """The signed string with the secret masked."""
        return self._masked

    def state(self) -> dict[str, Any]:
        """Everything shown, as plain data (no secret, only whether one is set)."""
        return {
            "phone": self.phone.value,
            "code_type": self.code_type.value,
            "random": self.random.value,
            "ts": self.ts.value,
            "secret_set": bool(self.secret.value),
            "segments": [{"field": s.field, "shown": s.shown} for s in self._segments],
            "masked_signed_string": self._masked,
            "signature": self._signature,
            "problems": [problem.describe() for problem in self._problems],
            "warnings": [item.as_dict() for item in self._warnings],
        }

    def __repr__(self) -> str:
        return (f"SignatureExplorer(phone={self.phone.value!r}, "
                f"code_type={self.code_type.value!r}, random={self.random.value!r}, "
                f"ts={self.ts.value!r}, secret={'set' if self.secret.value else 'empty'}, "
                f"signature={self._signature!r}, warnings={len(self._warnings)})")

    def static_html(self) -> str:
        """The fields, segments, signature and advice as static HTML (secret masked)."""
        fields = [("phone", self.phone.value), ("codeType", self.code_type.value),
                  ("random", self.random.value), ("ts", self.ts.value),
                  ("userDomainSecret", secret_shown(self.secret.value))]
        with self.speaking():
            return static_view(self.widget, "smskit-static-explorer", fields,
                               self.segments_html.value, self.digest_html.value,
                               self.warnings_html.value)

    # -- driving -------------------------------------------------------------------------

    def update(self, **values: Any) -> None:
        """Set several fields at once (``phone=``, ``code_type=``, ``random=``, ``ts=``,
        ``secret=``) and recompute once."""
        fields = {"phone": self.phone, "code_type": self.code_type, "random": self.random,
                  "ts": self.ts, "secret": self.secret}
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise TypeError(f"unknown field(s): {', '.join(unknown)}; "
                            f"known: {', '.join(fields)}")
        with self._hold():
            for name, value in values.items():
                fields[name].value = text_of(value)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the segments, signature and advice from the fields (done on every change)."""
        with self.speaking():
            self._recompute()

    # -- internals -----------------------------------------------------------------------

    def _recompute(self) -> None:
        values = {"phone": self.phone.value, "code_type": self.code_type.value,
                  "random": self.random.value, "ts": self.ts.value, "secret": self.secret.value}
        self._warnings = signing_problems(**values, international_code=self._international_code,
                                         clock=self._clock)
        try:
            self._segments = signed_segments(**values)
        except InputError as error:
            self._segments, self._problems = (), list(error.problems)
            self._signature = self._masked = None
        else:
            self._problems = []
            self._signature = sign(**values)
            self._masked = masked_signed_string(**values)
        self.secret.show_whether_set()
        self._render()

    def _label(self) -> None:
        """The title, placeholders and code-type legend in the current language."""
        self._heading.value = heading_html(i18n.t("explorer.title"), i18n.t("explorer.formula"))
        self.phone.placeholder = i18n.t("widgets.placeholder.phone")
        self.code_type.placeholder = i18n.t("widgets.placeholder.code_type")
        self.code_type.tooltip = _CODE_TYPE_LEGEND.render()
        self.random.placeholder = i18n.t("widgets.placeholder.random")
        self.ts.placeholder = i18n.t("widgets.placeholder.ts")
        self._legend.value = f'<span style="color:{MUTED}">{esc(_CODE_TYPE_LEGEND)}</span>'

    def _relabel(self) -> None:
        self._label()
        self.secret.show_whether_set()
        self._render()

    def _fields(self) -> tuple[widgets.Text, ...]:
        return (self.phone, self.code_type, self.random, self.ts, self.secret)

    def _on_change(self, _change: Any) -> None:
        if not self._holding:
            self.refresh()

    def _render(self) -> None:
        self.segments_html.value = self._segments_markup()
        if self._signature is None:
            digest = f'<span style="color:{MUTED}">{esc(i18n.t("explorer.no_signature"))}</span>'
        else:
            digest = f'<code class="smskit-signature">{esc(self._signature)}</code>'
        self.digest_html.value = f"<b>SHA-256 (hex):</b> {digest}"
        self.warnings_html.value = advice_list(
            self._warnings, css="smskit-explorer-advice",
            none_text=i18n.t("explorer.no_mistakes"))

    def _segments_markup(self) -> str:
        if not self._segments:
            fields = ", ".join(dict.fromkeys(p.field for p in self._problems))
            return (f'<div class="smskit-explorer-unsigned" style="color:{MUTED}">'
                    f"{esc(i18n.t('explorer.unsigned', fields=fields))}</div>")
        rows = [
            ({"data-field": s.field},
             [str(index), f"<b>{esc(s.field)}</b>",
              f'<code style="background:{_TINTS[s.field]}">{esc(s.shown)}</code>',
              esc(i18n.t("explorer.hidden")) if s.is_secret else str(len(s.value))])
            for index, s in enumerate(self._segments, start=1)
        ]
        joined = "".join(
            f'<span data-field="{esc(s.field)}" style="background:{_TINTS[s.field]}">'
            f"{esc(s.shown)}</span>" for s in self._segments)
        headers = ["#", i18n.t("explorer.column.field"), i18n.t("explorer.column.value"),
                   i18n.t("explorer.column.length")]
        return (table(headers, rows, css="smskit-segments-table")
                + f'<div><b>{esc(i18n.t("explorer.signed_string"))}</b> <span style="color:'
                f'{MUTED}">{esc(i18n.t("explorer.secret_masked"))}</span>'
                f'{esc(i18n.t("widgets.colon"))}<br><code class="smskit-masked-string" '
                f'style="word-break:break-all;'
                f'border:1px solid {BORDER};padding:2px">{joined}</code></div>')
