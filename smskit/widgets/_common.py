"""What the three widgets share: display delegation, field styling and small HTML helpers.

Results are shown as ``HTML`` widget values (never ``Output`` content), so that they are in
the browser's DOM and readable from code alike; see ``docs/testing-notebooks.md``.
"""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.errors import Problem
from smskit.signing import SECRET_MASK

#: Width of every field's description, so the inputs line up.
DESCRIPTION_WIDTH = "11em"
#: Width of every text field, description included.
FIELD_WIDTH = "40em"
#: Colours that read on light and dark themes alike (JupyterLab variables where they exist).
BORDER = "var(--jp-border-color2, #ccc)"
MUTED = "var(--jp-ui-font-color2, #666)"
ERROR_COLOUR = "var(--jp-error-color1, #d32f2f)"
WARN_COLOUR = "var(--jp-warn-color1, #f57c00)"
OK_COLOUR = "var(--jp-success-color1, #388e3c)"


class WidgetView(ABC):
    """Base of the widget classes: a cell ending with the object displays :attr:`widget`.

    The ``text/plain`` part of the display is the object's own ``repr`` (short,
    deterministic, never the secret) rather than ipywidgets' nested repr of every child.
    The ``text/html`` part is :meth:`static_html`: what a page without a kernel (the docs
    site, nbconvert) shows; JupyterLab and Voilà prefer the live widget view.
    """

    #: The top-level box; display it, or put it in a layout of your own.
    widget: widgets.Box

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": repr(self), "text/html": self.static_html()}

    @abstractmethod
    def static_html(self) -> str:
        """The current state as static, deterministic HTML (the secret as masked dots)."""


#: The language toggle's choices: each language named in itself.
LANGUAGE_CHOICES = (("中文", "zh"), ("English", "en"))


def language_toggle(lang: str) -> widgets.ToggleButtons:
    """A small 中文 / English switch (CSS class ``smskit-language``) whose value is the code."""
    toggle = widgets.ToggleButtons(options=LANGUAGE_CHOICES, value=i18n.as_language(lang),
                                   tooltips=["中文界面", "English interface"],
                                   style={"button_width": "5.5em"})
    toggle.add_class("smskit-language")
    return toggle


class BilingualView(WidgetView):
    """A widget whose labels, placeholders, messages and panels follow its own language.

    :attr:`language` starts as the kit's (``smskit.set_language``, ``SMSKIT_LANG``) and is
    switched live by :attr:`language_toggle` or from code (``w.language = "zh"``): the
    widget calls :meth:`_relabel`, which rewrites its texts and panels inside
    :meth:`speaking`; what was typed stays. A subclass calls :meth:`_init_language` first
    in ``__init__``, shows :attr:`language_toggle`, and renders its texts inside
    ``with self.speaking():``.
    """

    #: The 中文 / English switch; its value is :attr:`language`.
    language_toggle: widgets.ToggleButtons

    def _init_language(self, lang: str | None) -> None:
        self.language_toggle = language_toggle(i18n.language() if lang is None else lang)
        self.language_toggle.observe(self._on_language, names="value")

    @property
    def language(self) -> i18n.Language:
        """``"zh"`` or ``"en"``: the language this widget writes in."""
        return i18n.as_language(self.language_toggle.value)

    @language.setter
    def language(self, lang: str) -> None:
        self.language_toggle.value = i18n.as_language(lang)

    def speaking(self) -> AbstractContextManager[i18n.Language]:
        """A ``with`` block in which the kit's texts come out in this widget's language."""
        return i18n.using_language(self.language)

    def _on_language(self, _change: Any) -> None:
        with self.speaking():
            self._relabel()

    #: True while the view changes its own widgets: its observers then leave them alone.
    _holding = False

    @contextmanager
    def _hold(self) -> Iterator[None]:
        """A ``with`` block in which the view sets its own widgets without reacting to them."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _reoffer(self, dropdown: widgets.Dropdown, options: Sequence[tuple[str, Any]]) -> None:
        """New options (labels in a new language, say) for ``dropdown``, the same value
        chosen, without reacting."""
        with self._hold():
            chosen = dropdown.value
            dropdown.options = options
            dropdown.value = chosen

    @abstractmethod
    def _relabel(self) -> None:
        """Rewrite every label, placeholder and panel in the current language."""


#: Placeholders of the secret field (English editions): whether a secret is set is all the
#: browser learns.
SECRET_EMPTY_PLACEHOLDER = i18n.t("widgets.secret.empty", "en")
SECRET_SET_PLACEHOLDER = i18n.t("widgets.secret.set", "en")


class SecretField(widgets.Password):  # type: ignore[misc]  # ipywidgets is untyped
    """A password field whose value travels from the browser to the kernel, never back.

    A secret given in code (``RequestBuilder(secret=...)``) therefore never reaches the
    browser or the widget state a notebook may save (nbclient stores it by default); the
    field shows :data:`SECRET_SET_PLACEHOLDER` instead. What a person types stays theirs.
    """

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state(key=key, drop_defaults=drop_defaults)
        if "value" in state:
            state["value"] = ""
        return state

    def show_whether_set(self) -> None:
        """Say in the placeholder whether a secret is set (the browser cannot see it)."""
        self.placeholder = i18n.t("widgets.secret.set" if self.value else "widgets.secret.empty")


def secret_shown(value: str) -> str:
    """The secret field as a static rendering shows it."""
    return i18n.t("widgets.secret.shown", mask=SECRET_MASK) if value else i18n.t(
        "widgets.empty")


def static_view(box: widgets.Box, css: str, fields: Sequence[tuple[str, str]],
                *panels: str) -> str:
    """A widget as static HTML: the heading (``box``'s first child), its fields as a table
    (values escaped here), then its result panels (already HTML), in ``div.smskit-static``."""
    rows = [({"data-field": label}, [esc(label), f"<code>{esc(value)}</code>"])
            for label, value in fields]
    return (f'<div class="smskit-static {esc(css)}" style="border:1px solid {BORDER};'
            f'padding:4px 8px;margin:4px 0">'
            f"{box.children[0].value}"
            f'<div style="color:{MUTED};font-size:90%">{esc(i18n.t("widgets.snapshot"))}</div>'
            f"{table((), rows, css='smskit-static-fields')}{''.join(panels)}</div>")


def field_style() -> dict[str, str]:
    return {"description_width": DESCRIPTION_WIDTH}


def text_field(
    widget_class: type[widgets.Text], *, value: str, description: str, placeholder: str,
    css: str, tooltip: str | None = None, width: str = FIELD_WIDTH,
) -> widgets.Text:
    """A text input with the shared styling and a ``smskit-...`` CSS class for tests."""
    field = widget_class(
        value=value, description=description, placeholder=placeholder,
        description_allow_html=False, continuous_update=True,
        style=field_style(), layout=widgets.Layout(width=width),
    )
    if tooltip:
        field.tooltip = tooltip
    field.add_class(css)
    return field


def button(description: str, *, css: str, tooltip: str, icon: str = "",
           style: str = "") -> widgets.Button:
    widget = widgets.Button(description=description, tooltip=tooltip, icon=icon,
                            button_style=style)
    widget.add_class(css)
    return widget


def html_box(css: str, value: str = "") -> widgets.HTML:
    widget = widgets.HTML(value=value, layout=widgets.Layout(width="auto"))
    widget.add_class(css)
    return widget


def esc(value: Any) -> str:
    """HTML-escape anything (values typed by users included)."""
    return html.escape(str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[tuple[dict[str, str], Sequence[str]]],
          *, css: str, caption: str = "") -> str:
    """An HTML table; each row is ``(attributes, cells)`` with cells already escaped.

    Without ``headers`` it is a key/value table whose first column does not wrap.
    """
    cell = f"padding:2px 8px;border-bottom:1px solid {BORDER};text-align:left;vertical-align:top"
    key_cell = cell + ";white-space:nowrap;font-weight:bold" if not headers else cell
    head = "".join(f'<th style="{cell}">{esc(h)}</th>' for h in headers)
    body = []
    for attributes, cells in rows:
        attrs = "".join(f' {name}="{esc(value)}"' for name, value in attributes.items())
        body.append(f"<tr{attrs}>" + "".join(
            f'<td style="{key_cell if index == 0 else cell}">{c}</td>'
            for index, c in enumerate(cells)) + "</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if headers else ""
    cap = (f'<caption style="text-align:left;color:{MUTED}">{esc(caption)}</caption>'
           if caption else "")
    return (f'<table class="{esc(css)}" style="border-collapse:collapse;margin:4px 0">{cap}'
            f"{thead}<tbody>{''.join(body)}</tbody></table>")


def advice_list(items: Sequence[Problem], *, css: str, none_text: str) -> str:
    """The problems as an HTML list; ``data-field``/``data-severity`` hooks on each item."""
    if not items:
        return (f'<div class="{esc(css)} smskit-advice-none" style="color:{OK_COLOUR}">'
                f"✔ {esc(none_text)}</div>")
    lines = []
    for item in items:
        colour, mark = (ERROR_COLOUR, "✖") if item.severity == "error" else (WARN_COLOUR, "⚠")
        code = ""
        if item.code is not None:
            both = item.message_zh if i18n.language() == "zh" else \
                f"{item.message_zh} / {item.message_en}"
            message = f" {esc(both)}" if item.message_zh else ""
            code = f' <span style="color:{MUTED}">[{item.code}{message}]</span>'
        hint = (f'<br><span style="color:{MUTED}">'
                f'{esc(i18n.t("widgets.hint", hint=item.hint))}</span>') if item.hint else ""
        lines.append(
            f'<li class="smskit-advice smskit-advice-{esc(item.severity)}" '
            f'data-field="{esc(item.field)}" data-severity="{esc(item.severity)}">'
            f'<span style="color:{colour}">{mark}</span> <b>{esc(item.field)}</b>: '
            f"{esc(item.rule)}{code}{hint}</li>"
        )
    return (f'<ul class="{esc(css)}" style="margin:4px 0;padding-left:1.2em">'
            f"{''.join(lines)}</ul>")


def heading(title: str, subtitle: str = "") -> widgets.HTML:
    return widgets.HTML(value=heading_html(title, subtitle))


def heading_html(title: str, subtitle: str = "") -> str:
    """A widget's title (bold) and its subtitle (muted)."""
    sub = f' <span style="color:{MUTED}">{esc(subtitle)}</span>' if subtitle else ""
    return f"<b>{esc(title)}</b>{sub}"


def text_of(value: Any) -> str:
    """A constructor argument as field text: ints (and ``CodeType``) as digits."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    return str(value)
