"""The error-code browser: filter the catalogue by category, search it, read one code.

Searching is :func:`smskit.catalogue.search` (Chinese as typed, English case-insensitively,
or the number); this module only lays the catalogue out.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.catalogue import ErrorCode, all_codes, categories, lookup, search
from smskit.widgets._common import (
    ERROR_COLOUR,
    FIELD_WIDTH,
    MUTED,
    OK_COLOUR,
    BilingualView,
    esc,
    field_style,
    heading,
    heading_html,
    html_box,
    static_view,
    table,
    text_field,
)

#: The category filter's value that shows every code.
ALL = "all"


class ErrorCodeBrowser(BilingualView):
    """Browse the catalogue: :attr:`category` and :attr:`search` filter, :attr:`code` selects.

    Read :attr:`visible_codes`, :attr:`selected` or :meth:`state`. ``language``
    (``"zh"``/``"en"``) switches its texts live, as its 中文 / English toggle does.
    """

    def __init__(self, *, category: str = ALL, search: str = "",
                 selected: int | None = None, language: str | None = None) -> None:
        self._init_language(language)
        known = categories()
        if category != ALL and category not in known:
            raise ValueError(f"category must be {ALL!r} or one of: {', '.join(known)}")
        #: Category filter: ``"all"`` or a category key such as ``"slow_down"``.
        with self.speaking():
            options = _category_options()
        self.category = widgets.Dropdown(
            options=options, value=category, description="category", style=field_style(),
            layout=widgets.Layout(width=FIELD_WIDTH))
        self.category.add_class("smskit-codes-category")
        #: Free-text search: a code number, Chinese or English.
        self.search = text_field(widgets.Text, value=search, description="search",
                                 placeholder="", css="smskit-codes-search")
        #: The matching codes as a table.
        self.table_html = html_box("smskit-codes-table")
        #: Picks the code whose detail is shown (``None``: none).
        self.code = widgets.Dropdown(options=[("", None)], value=None,
                                     description="code", style=field_style(),
                                     layout=widgets.Layout(width=FIELD_WIDTH))
        self.code.add_class("smskit-codes-code")
        #: Cause, remedy and retry safety of the selected code.
        self.detail_html = html_box("smskit-codes-detail")
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle, self.category, self.search, self.table_html,
            self.code, self.detail_html,
        ])
        self.widget.add_class("smskit-codes")

        self._visible: tuple[ErrorCode, ...] = ()
        self.category.observe(self._on_filter, names="value")
        self.search.observe(self._on_filter, names="value")
        self.code.observe(self._on_select, names="value")
        with self.speaking():
            self._label()
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
        with self.speaking():
            fields = [(i18n.t("outcome.row.category"), self.category.label),
                      (i18n.t("codes_widget.search_label"), self.search.value),
                      ("code", self.code.label or i18n.t("codes_widget.choose"))]
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
        with self.speaking():
            self._refilter()

    # -- internals -----------------------------------------------------------------------

    def _refilter(self) -> None:
        category = self.category.value
        pool = [e for e in all_codes() if category == ALL or e.category == category]
        self._visible = tuple(search(self.search.value, pool))
        keep = self.code.value if self.code.value in self.visible_codes else None
        with self._hold():
            self.code.options = [(i18n.t("codes_widget.choose"), None)] + [
                (f"{e.code} {e.zh} / {e.en}", e.code) for e in self._visible]
            self.code.value = keep
        self._render()

    def _label(self) -> None:
        """The title, the category names and the search hint in the current language."""
        self._heading.value = heading_html(i18n.t("codes_widget.title"),
                                           i18n.t("codes_widget.subtitle"))
        self.category.description = i18n.t("outcome.row.category")
        self.search.description = i18n.t("codes_widget.search_label")
        self.search.placeholder = i18n.t("codes_widget.search", chinese="中文", sample="签名")
        self._reoffer(self.category, _category_options())

    def _relabel(self) -> None:
        self._label()
        self._refilter()

    def _on_filter(self, _change: Any) -> None:
        if not self._holding:
            self.refresh()

    def _on_select(self, _change: Any) -> None:
        if not self._holding:
            with self.speaking():
                self._render()

    def _render(self) -> None:
        self.table_html.value = self._table_markup()
        self.detail_html.value = self._detail_markup()

    def _table_markup(self) -> str:
        total = len(all_codes())
        if not self._visible:
            none = i18n.t("codes_widget.none", search=repr(self.search.value.strip()),
                          total=total)
            return f'<div class="smskit-codes-none" style="color:{MUTED}">{esc(none)}</div>'
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
                esc(category.name_in() if category else entry.category),
                esc(i18n.t("common.yes" if entry.retry_safe else "common.no")),
            ]))
        headers = ["code", "msg " + i18n.t("codes_widget.column.msg", chinese="中文"),
                   i18n.t("outcome.row.en"), i18n.t("outcome.row.category"),
                   i18n.t("codes_widget.column.retry_safe")]
        return table(headers, rows, css="smskit-codes-list", caption=i18n.t(
            "codes_widget.caption", shown=len(self._visible), total=total))

    def _detail_markup(self) -> str:
        entry = self.selected
        if entry is None:
            return (f'<div class="smskit-code-detail-empty" style="color:{MUTED}">'
                    f"{esc(i18n.t('codes_widget.detail_empty'))}</div>")
        category = categories().get(entry.category)
        colour = OK_COLOUR if entry.is_success else ERROR_COLOUR
        retry = i18n.t("codes_widget.retry.safe" if entry.retry_safe
                       else "codes_widget.retry.unsafe" if not entry.is_success
                       else "codes_widget.retry.success")
        other = i18n.other_language()
        rows = [
            ({"data-row": "zh"}, ["中文", esc(entry.zh)]),
            ({"data-row": "en"}, [esc(i18n.t("outcome.row.en")), esc(entry.en)]),
            ({"data-row": "category"}, [esc(i18n.t("outcome.row.category")), esc(
                i18n.t("codes_widget.category", name=category.name_in(),
                       other=category.name_in(other), next_step=category.next_step.render())
                if category else entry.category)]),
            ({"data-row": "cause"}, [esc(i18n.t("outcome.row.cause")), esc(entry.cause.render())]),
            ({"data-row": "remedy"}, [esc(i18n.t("outcome.row.remedy")),
                                      esc(entry.remedy.render())]),
            ({"data-row": "retry"}, [esc(i18n.t("codes_widget.column.retry_safe")), esc(retry)]),
            ({"data-row": "source"}, [esc(i18n.t("codes_widget.source")),
                                      esc(i18n.t(f"codes_widget.source.{entry.source}"))]),
        ]
        return (f'<div class="smskit-code-detail" data-code="{entry.code}" '
                f'style="border-left:4px solid {colour};padding:2px 8px;margin:4px 0">'
                f'<b style="color:{colour}">{entry.code} {esc(entry.zh)}</b>'
                + table((), rows, css="smskit-code-detail-table") + "</div>")


def _category_options() -> list[tuple[str, str]]:
    """"All categories", then each category named in the current language and the other."""
    other = i18n.other_language()
    return [(i18n.t("codes_widget.all"), ALL)] + [
        (f"{c.name_in()} ({c.name_in(other)})", key) for key, c in categories().items()]
