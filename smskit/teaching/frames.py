"""pandas views of the kit's data, for notebooks: tables built here, never in a notebook cell.

Every function imports pandas when called, so ``import smskit.teaching.frames`` stays light. The
tables are deterministic (fixed column order, no timestamps of their own, a fixed
``Styler`` uuid), because nbval compares them with the outputs stored in the notebooks.

- :func:`styled`: any of these tables shown whole, every cell's full text wrapped (a
  DataFrame's own display cuts long text with "..."), with fixed HTML ids;
- :func:`catalogue_frame` / :func:`catalogue_table`: the error-code catalogue, plain and styled;
- :func:`scenario_frame`: the scenario table (one request recipe per code);
- :func:`comparison_frame` / :func:`match_summary`: documented against observed, from
  :func:`smskit.sandbox.replay` answers, paired with their scenarios;
- :func:`outbox_frame`, :func:`rules_frame`: the sandbox's deliveries and rules;
- :func:`requests_frame`: the sandbox's request log;
- :func:`regions_frame`, :func:`checklist_frame`: for going live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from smskit import i18n
from smskit.catalogue import all_codes, categories, lookup
from smskit.i18n import utc_text
from smskit.platform_codes import PlatformCode

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler
    from pandas.io.formats.style_render import CSSDict

    from smskit.clock import Clock
    from smskit.errors import SendError
    from smskit.responses import SendResult
    from smskit.sandbox import Delivery, Sandbox, Scenario
    from smskit.sandbox.requestlog import RequestRecord

    #: A replayed scenario and the answer it got (:func:`smskit.sandbox.replay`).
    Replay = tuple[Scenario, SendResult | SendError]

#: The styled catalogue's fixed HTML id (``T_<uuid>``), so its HTML is the same every run.
CATALOGUE_UUID = "smskit-catalogue"
#: The ``msg`` of the platform's documented success envelope (docs/platform.md:
#: ``{"code": 200, "msg": "", "data": null, "extMsg": null}``); errors carry the page's text.
DOCUMENTED_SUCCESS_MSG = ""
#: A tint per category for the styled catalogue (light enough for dark text).
CATEGORY_TINTS = {
    "success": "#d8f0d8",
    "fix_request": "#fde2c8",
    "fix_sms_config": "#e6dcf5",
    "slow_down": "#fff3b0",
    "retry_later": "#f8d0d0",
    "check_credentials_or_clock": "#d3e6fa",
}
_CATALOGUE_COLUMNS = ("msg (中文, verbatim)", "English", "category", "source", "retry safe")


def _yes_no(value: bool) -> str:
    return i18n.t("common.yes" if value else "common.no")


def catalogue_frame() -> pd.DataFrame:
    """Every catalogued code: both messages, category, source and retry safety; index code."""
    import pandas as pd

    other = i18n.other_language()
    labels = {key: f"{c.name_in()} ({c.name_in(other)})" for key, c in categories().items()}
    rows = [(e.code, e.zh, e.en, labels.get(e.category, e.category),
             i18n.t(f"frames.source.{e.source}"),
             _yes_no(e.retry_safe)) for e in all_codes()]
    frame = pd.DataFrame(rows, columns=["code", *_CATALOGUE_COLUMNS])
    return frame.set_index("code")


@dataclass(frozen=True)
class StyledTable:
    """A pandas ``Styler`` whose notebook display is deterministic.

    Shows the Styler's HTML (its ids fixed by ``set_uuid``); its ``text/plain`` is this
    short repr instead of the Styler's ``<... at 0x...>`` address.
    """

    styler: Styler
    caption: str
    rows: int

    def _repr_html_(self) -> str:
        html: str = self.styler.to_html()
        return html

    def __repr__(self) -> str:
        return f"StyledTable({self.caption!r}, rows={self.rows})"


#: Table styles of :func:`styled`: left aligned, top aligned, long text wrapped, never cut.
_TABLE_STYLES: list[CSSDict] = [
    {"selector": "th", "props": "text-align: left; vertical-align: top;"},
    {"selector": "td", "props": "text-align: left; vertical-align: top; white-space: normal; "
                                "overflow-wrap: break-word; max-width: 40em;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left;"},
]


#: Column and index names shown in the kit's language (``frames.column.<name>``, lower case,
#: spaces as ``_``); the frames keep these English names, which code reads.
KEYED_COLUMNS = frozenset({
    "scenario", "code", "title", "request", "sandbox assumption", "documented code",
    "observed code", "documented msg", "observed msg", "English", "observed extMsg", "match",
    "rule", "statement", "source", "region", "data centre", "base URL", "check", "why", "how",
    "sent", "expires", "status",
})


def header(name: str) -> str:
    """A column's or index's name as shown: keyed names in the kit's language."""
    if name in KEYED_COLUMNS:
        return i18n.t(f"frames.column.{name.replace(' ', '_').lower()}")
    return name


def row_label(name: object) -> object:
    """A row's label as shown: a rule's key (:attr:`smskit.lifecycle.Rule.key`) in the kit's
    language, anything else as it is."""
    from smskit.teaching.lifecycle import rule_name

    return (rule_name(name) or name) if isinstance(name, str) else name


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for display, its column and index names and its rules' row
    labels in the kit's language."""
    shown = frame.rename(columns=lambda name: header(name) if isinstance(name, str) else name,
                         index=row_label)
    index = frame.index.name
    return shown.rename_axis(index=header(index)) if isinstance(index, str) else shown


def styled(frame: pd.DataFrame, *, uuid: str, caption: str = "") -> StyledTable:
    """``frame`` shown whole: every cell's full text (HTML-escaped), wrapped, left aligned,
    its headers in the kit's language.

    ``uuid`` fixes the HTML ids (``T_<uuid>``) so the output is the same every run.
    """
    styler = headed(frame).style.set_uuid(uuid).format(escape="html")
    styler = styler.set_table_styles(_TABLE_STYLES)
    if caption:
        styler = styler.set_caption(caption)
    return StyledTable(styler, caption, len(frame))


def catalogue_table(uuid: str = CATALOGUE_UUID) -> StyledTable:
    """The catalogue as a styled table: categories tinted, retry safety coloured."""
    frame = catalogue_frame()
    keys = [entry.category for entry in all_codes()]
    page = sum(1 for entry in all_codes() if entry.source == "page")
    caption = i18n.t("frames.catalogue.caption", total=len(frame), page=page,
                     wider=len(frame) - page)
    yes = i18n.t("common.yes")

    def colours(table: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        css = pd.DataFrame("", index=table.index, columns=table.columns)
        css["category"] = [f"background-color: {CATEGORY_TINTS.get(key, 'transparent')}; "
                           "color: #1a1a1a" for key in keys]  # readable on dark themes too
        css["retry safe"] = ["color: #2e7d32" if value == yes else "color: #c62828"
                             for value in table["retry safe"]]
        return css

    table = styled(frame, uuid=uuid, caption=caption)
    table.styler.apply(colours, axis=None)
    table.styler.relabel_index([i18n.t("frames.catalogue.column.msg", chinese="中文"),
                                i18n.t("outcome.row.en"), i18n.t("outcome.row.category"),
                                i18n.t("codes_widget.source"),
                                i18n.t("codes_widget.column.retry_safe")], axis="columns")
    return table


def scenario_frame() -> pd.DataFrame:
    """The scenario table: per row the code it must answer and how the request is made."""
    import pandas as pd

    from smskit.sandbox import load_scenarios

    rows = [(s.id, s.code, s.title_in(), s.request.describe(), _yes_no(s.assumption))
            for s in load_scenarios()]
    frame = pd.DataFrame(rows, columns=["scenario", "code", "title", "request",
                                        "sandbox assumption"])
    return frame.set_index("scenario")


def documented_message(code: int) -> str:
    """The ``msg`` the documentation leads one to expect for ``code``.

    Success: the documented envelope's empty ``msg``. Errors: the catalogue's Chinese message
    (verbatim from the page, or the platform's code list). Unknown codes: ``""``.
    """
    if code == PlatformCode.SUCCESS:
        return DOCUMENTED_SUCCESS_MSG
    entry = lookup(code)
    return entry.zh if entry else ""


def comparison_rows(results: Iterable[Replay]) -> list[dict[str, Any]]:
    """Documented against observed code and message, per ``(scenario, answer)``, as plain
    data; the answer is read through its ``as_dict()``."""
    rows = []
    for scenario, answer in results:
        observed = answer.as_dict()
        expected_code = scenario.code
        expected_msg = documented_message(expected_code)
        entry = lookup(expected_code)
        rows.append({
            "scenario": scenario.id,
            "documented code": expected_code,
            "observed code": observed["code"],
            "documented msg": expected_msg,
            "observed msg": observed["msg"],
            "English": entry.en if entry else "",
            "observed extMsg": observed["ext_msg"],
            "match": observed["code"] == expected_code and observed["msg"] == expected_msg,
        })
    return rows


def comparison_frame(results: Iterable[Replay]) -> pd.DataFrame:
    """:func:`comparison_rows` as a DataFrame indexed by scenario id (no ``extMsg``: ``""``)."""
    import pandas as pd

    rows = comparison_rows(results)
    columns = ["scenario", "documented code", "observed code", "documented msg",
               "observed msg", "English", "observed extMsg", "match"]
    frame = pd.DataFrame(rows, columns=columns).set_index("scenario")
    frame["observed extMsg"] = frame["observed extMsg"].fillna("")
    return frame


def match_summary(frame: pd.DataFrame) -> str:
    """``"30 of 30 match"``, naming the scenarios that do not when some do not."""
    matched = frame["match"]
    text = i18n.t("frames.match", matched=int(matched.sum()), total=len(matched))
    misses = [str(name) for name, ok in matched.items() if not ok]
    return text + i18n.t("frames.not_matching", names=", ".join(misses)) if misses else text


def code_coverage(frame: pd.DataFrame) -> str:
    """``"25 of 25 catalogued codes observed"`` (from a :func:`comparison_frame`), naming any
    catalogued code that no scenario brought back."""
    observed = set(frame["observed code"])
    known = [entry.code for entry in all_codes()]
    seen = [code for code in known if code in observed]
    text = i18n.t("frames.coverage", seen=len(seen), total=len(known))
    unseen = [str(code) for code in known if code not in observed]
    return text + i18n.t("frames.never_observed", codes=", ".join(unseen)) if unseen else text


class HasOutbox(Protocol):
    """A sandbox with an outbox: the embedded :class:`~smskit.sandbox.Sandbox`, or a lesson's
    (:class:`~smskit.training.practice.PracticeSandbox`, perhaps the class's)."""

    @property
    def clock(self) -> Clock: ...

    def outbox(self) -> list[Delivery]: ...


def outbox_frame(sandbox: HasOutbox) -> pd.DataFrame:
    """The sandbox's deliveries, oldest first, with each code's status at the sandbox's now
    (in Chinese, shown as it is: headers and statuses in Chinese)."""
    import pandas as pd

    now = sandbox.clock.now_ms()
    rows = [(utc_text(d.sent_at_ms), utc_text(d.expires_at_ms), d.user_domain,
             d.international_code, d.phone, d.code_type, d.code, d.status_at(now))
            for d in sandbox.outbox()]
    frame = pd.DataFrame(rows, columns=["sent", "expires", "userDomain", "internationalCode",
                                        "phone", "codeType", "code", "status"])
    if i18n.language() == "en":
        return frame
    # In Chinese the notebook shows this frame as it is: headers and statuses in Chinese.
    frame["status"] = [i18n.t(f"frames.status.{status}") for status in frame["status"]]
    return headed(frame.rename(columns={"code": i18n.t("frames.outbox.code")}))


REQUEST_COLUMNS = ("time", "method", "path", "userDomain", "phone", "status", "code", "check",
                   "mistake", "params")


def requests_frame(records: Iterable[RequestRecord]) -> pd.DataFrame:
    """Request-log records as a table, oldest first; ``mistake`` is the doctor's finding
    (the mistake id, ``unexplained``, or empty), ``params`` the query as sent."""
    import pandas as pd

    rows = [(utc_text(r.time_ms), r.method, r.path, r.user_domain or "", r.phone or "",
             r.status, "" if r.code is None else r.code, r.check,
             "" if r.diagnosis is None else (r.diagnosis.mistake_id or r.diagnosis.verdict),
             "&".join(f"{name}={value}" for name, value in r.params))
            for r in records]
    return pd.DataFrame(rows, columns=list(REQUEST_COLUMNS))


def rules_frame(sandbox: Sandbox) -> pd.DataFrame:
    """:func:`smskit.teaching.lifecycle.rules` of ``sandbox`` as a table."""
    import pandas as pd

    from smskit.teaching.lifecycle import rules

    rows = [(rule.key, rule.statement, rule.source_text) for rule in rules(sandbox)]
    return pd.DataFrame(rows, columns=["rule", "statement", "source"]).set_index("rule")


def regions_frame() -> pd.DataFrame:
    """The platform's documented regions: name, data centre, base URL (headers in the kit's
    language: the notebook shows this frame as it is)."""
    import pandas as pd

    from smskit.regions import regions

    rows = [(r.name, i18n.pick(en=r.data_centre, zh=r.data_centre_zh), r.base_url)
            for r in regions().values()]
    frame = pd.DataFrame(rows, columns=["region", "data centre", "base URL"])
    return headed(frame.set_index("region"))


def checklist_frame() -> pd.DataFrame:
    """:data:`smskit.teaching.golive.CHECKLIST` as a table, numbered from 1."""
    import pandas as pd

    from smskit.teaching.golive import CHECKLIST

    rows = [(item.title, item.why, item.how) for item in CHECKLIST]
    frame = pd.DataFrame(rows, columns=["check", "why", "how"])
    frame.index = pd.RangeIndex(1, len(rows) + 1)
    return frame
