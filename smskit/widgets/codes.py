"""The error-code browser: filter the catalogue by category, search it, read one code.

Searching is :func:`smskit.catalogue.search` (Chinese as typed, English case-insensitively,
or the number); this module only lays the catalogue out.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from smskit.catalogue import ErrorCode, all_codes, categories, lookup, search
from smskit.widgets._common import (
    ERROR_COLOUR,
    FIELD_WIDTH,
    MUTED,
    OK_COLOUR,
    WidgetView,
    esc,
    field_style,
    heading,
    html_box,
    static_view,
    table,
    text_field,
)

#: The category filter's value that shows every code.
ALL = "all"
_NO_CODE_LABEL = "(choose a code)"
_SOURCES = {"page": "listed on the endpoint's page",
            "platform": "from the platform's wider code list"}


class ErrorCodeBrowser(WidgetView):
    """Browse the catalogue: :attr:`category` and :attr:`search` filter, :attr:`code` selects.

    Read :attr:`visible_codes`, :attr:`selected` or :meth:`state`.
    """

    def __init__(self, *, category: str = ALL, search: str = "",
                 selected: int | None = None) -> None:
        known = categories()
        if category != ALL and category not in known:
            raise ValueError(f"category must be {ALL!r} or one of: {', '.join(known)}")
        #: Category filter: ``"all"`` or a category key such as ``"slow_down"``.
        self.category = widgets.Dropdown(
            options=[("All categories", ALL)]
            + [(f"{c.en} ({c.zh})", key) for key, c in known.items()],
            value=category, description="category", style=field_style(),
            layout=widgets.Layout(width=FIELD_WIDTH))
        self.category.add_class("smskit-codes-category")
        #: Free-text search: a code number, Chinese or English.
        self.search = text_field(widgets.Text, value=search, description="search",
                                 placeholder="code, 中文 or English, e.g. 5420, 签名, signature",
                                 css="smskit-codes-search")
        #: The matching codes as a table.
        self.table_html = html_box("smskit-codes-table")
        #: Picks the code whose detail is shown (``None``: none).
        self.code = widgets.Dropdown(options=[(_NO_CODE_LABEL, None)], value=None,
                                     description="code", style=field_style(),
                                     layout=widgets.Layout(width=FIELD_WIDTH))
        self.code.add_class("smskit-codes-code")
        #: Cause, remedy and retry safety of the selected code.
        self.detail_html = html_box("smskit-codes-detail")
        self.widget = widgets.VBox([
            heading("Error codes", "what each code means and what to do next"),
            self.category, self.search, self.table_html, self.code, self.detail_html,
        ])
        self.widget.add_class("smskit-codes")

        self._visible: tuple[ErrorCode, ...] = ()
        self._updating = False
        self.category.observe(self._on_filter, names="value")
        self.search.observe(self._on_filter, names="value")
        self.code.observe(self._on_select, names="value")
        self.refresh()
        if selected is not None:
            self.select(selected)

    # -- reading state -------------------------------------------------------------------

    @property
    def visible_codes(self) -> tuple[int, ...]:
        """The codes matching the filter and search, in catalogue order."""
        return tuple(entry.code for entry in self._visible)

    @property
    def selected(self) -> ErrorCode | None:
        """The catalogue entry shown in the detail view, if any."""
        return None if self.code.value is None else lookup(self.code.value)

    def state(self) -> dict[str, Any]:
        return {"category": self.category.value, "search": self.search.value,
                "visible_codes": list(self.visible_codes), "selected": self.code.value}

    def __repr__(self) -> str:
        return (f"ErrorCodeBrowser(category={self.category.value!r}, "
                f"search={self.search.value!r}, visible={len(self._visible)}, "
                f"selected={self.code.value!r})")

    def static_html(self) -> str:
        """The filter, the matching codes and the selected code's detail as static HTML."""
        fields = [("category", self.category.label), ("search", self.search.value),
                  ("code", self.code.label or _NO_CODE_LABEL)]
        return static_view(self.widget, "smskit-static-codes", fields,
                           self.table_html.value, self.detail_html.value)

    # -- driving -------------------------------------------------------------------------

    def select(self, code: int | None) -> None:
        """Show ``code``'s detail; it must be among :attr:`visible_codes` (or ``None``)."""
        if code is not None and code not in self.visible_codes:
            raise ValueError(f"{code} is not among the visible codes; clear the filter "
                             "or search first")
        self.code.value = code

    def refresh(self) -> None:
        """Re-apply the filter and search (done on every change)."""
        category = self.category.value
        pool = [e for e in all_codes() if category == ALL or e.category == category]
        self._visible = tuple(search(self.search.value, pool))
        keep = self.code.value if self.code.value in self.visible_codes else None
        self._updating = True
        try:
            self.code.options = [(_NO_CODE_LABEL, None)] + [
                (f"{e.code} {e.zh} / {e.en}", e.code) for e in self._visible]
            self.code.value = keep
        finally:
            self._updating = False
        self._render()

    # -- internals -----------------------------------------------------------------------

    def _on_filter(self, _change: Any) -> None:
        self.refresh()

    def _on_select(self, _change: Any) -> None:
        if not self._updating:
            self._render()

    def _render(self) -> None:
        self.table_html.value = self._table_markup()
        self.detail_html.value = self._detail_markup()

    def _table_markup(self) -> str:
        total = len(all_codes())
        if not self._visible:
            return (f'<div class="smskit-codes-none" style="color:{MUTED}">No code matches '
                    f"{self.search.value.strip()!r} in this category (0 of {total}).</div>")
        known = categories()
        rows = []
        for entry in self._visible:
            attributes = {"class": "smskit-code-row", "data-code": str(entry.code)}
            if entry.code == self.code.value:
                attributes["class"] += " smskit-code-selected"
                attributes["style"] = "font-weight:bold"
            category = known.get(entry.category)
            rows.append((attributes, [
                str(entry.code), esc(entry.zh), esc(entry.en),
                esc(category.en if category else entry.category),
                "yes" if entry.retry_safe else "no",
            ]))
        return table(["code", "msg (中文, verbatim)", "English", "category", "retry safe"],
                     rows, css="smskit-codes-list",
                     caption=f"{len(self._visible)} of {total} codes")

    def _detail_markup(self) -> str:
        entry = self.selected
        if entry is None:
            return (f'<div class="smskit-code-detail-empty" style="color:{MUTED}">'
                    "Choose a code to see its cause and remedy.</div>")
        category = categories().get(entry.category)
        colour = OK_COLOUR if entry.is_success else ERROR_COLOUR
        retry = ("yes: nothing was handed to the SMS provider" if entry.retry_safe
                 else "no: an SMS may already have gone out" if not entry.is_success
                 else "sending again sends another SMS")
        rows = [
            ({"data-row": "zh"}, ["中文", esc(entry.zh)]),
            ({"data-row": "en"}, ["English", esc(entry.en)]),
            ({"data-row": "category"}, ["category", esc(
                f"{category.en} ({category.zh}): {category.next_step}" if category
                else entry.category)]),
            ({"data-row": "cause"}, ["cause", esc(entry.cause)]),
            ({"data-row": "remedy"}, ["remedy", esc(entry.remedy)]),
            ({"data-row": "retry"}, ["retry safe", esc(retry)]),
            ({"data-row": "source"}, ["source", esc(_SOURCES.get(entry.source, entry.source))]),
        ]
        return (f'<div class="smskit-code-detail" data-code="{entry.code}" '
                f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
                f'<b style="color:{colour}">{entry.code} {esc(entry.zh)}</b>'
                + table((), rows, css="smskit-code-detail-table") + "</div>")
