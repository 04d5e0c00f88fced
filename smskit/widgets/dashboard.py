"""The trainer's dashboard: one row per trainee of a classroom sandbox, refreshed on demand.

The rows and the class summary are computed by the sandbox
(:mod:`smskit.sandbox.classroom.dashboard`, ``GET /_sandbox/class/dashboard``); this widget
only fetches them with the trainer's token and lays them out: per trainee the requests, codes
met, first success, each exercise's attempts, last mistake and time on task (a pass the sandbox
saw itself ✓, one only reported by the trainee's notebook ✓*), and who is stuck; above them the
class summary ("E1 14/20"). The projector view shows the summary and who passed what in large
type. The CSV button fetches ``GET /_sandbox/class/dashboard.csv`` in the kernel and offers it as
a download. The token stays in the kernel: it is no widget's value and not in the repr.

On the hub, the trainer's server also names the hub's attendance sheet
(``SMSKIT_ATTENDANCE_FILE``: each trainee's first and last login, written at every login):
the summary then says who logged in ("logged in 14/20") and each row has its first login.
"""

from __future__ import annotations

import base64
import csv
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from smskit import i18n
from smskit.widgets._common import (
    ERROR_COLOUR,
    MUTED,
    OK_COLOUR,
    BilingualView,
    button,
    esc,
    heading,
    heading_html,
    html_box,
    static_view,
    table,
)

DASHBOARD_PATH = "/_sandbox/class/dashboard"
CSV_PATH = "/_sandbox/class/dashboard.csv"
CSV_NAME = "classroom-progress.csv"
_PROJECTOR_STYLE = "font-size:180%;line-height:1.5"
URL_VAR, TOKEN_VAR, TOKEN_FILE_VAR = ("SMSKIT_CLASSROOM_URL", "SMSKIT_TRAINER_TOKEN",
                                      "SMSKIT_TRAINER_TOKEN_FILE")
ATTENDANCE_VAR = "SMSKIT_ATTENDANCE_FILE"
_TIMEOUT_SECONDS = 5.0
_MIN_INTERVAL_SECONDS = 2


class TrainerDashboard(BilingualView):
    """The class at a glance. :meth:`refresh` (or :attr:`refresh_button`) fetches the rows;
    :attr:`auto` with :attr:`interval` refreshes on a timer. Read :attr:`rows` or :meth:`state`.
    ``language`` (``"zh"``/``"en"``) switches its texts live, as its 中文 / English toggle does.
    """

    def __init__(self, *, base_url: str, token: str, interval: int = 15,
                 refresh: bool = True, language: str | None = None,
                 projector: bool = False, attendance: Path | None = None,
                 token_file: Path | None = None) -> None:
        self._init_language(language)
        #: Read again at each refresh when given: the hub's ``--new-group`` renews the token.
        self._token_file = token_file
        #: The hub's attendance sheet (``trainee,first login,last login,logins``), if any.
        self.attendance_file = attendance
        #: Per trainee who logged in: the first login's time, as the sheet says it.
        self.attendance: dict[str, str] = {}
        self.base_url = base_url.rstrip("/")
        self._token = token
        #: The refresh button.
        self.refresh_button = button("", css="smskit-dashboard-refresh", tooltip="",
                                     icon="refresh")
        #: Refresh every :attr:`interval` seconds while ticked.
        self.auto = widgets.Checkbox(value=False, description="", indent=False)
        self.auto.add_class("smskit-dashboard-auto")
        self.interval = max(_MIN_INTERVAL_SECONDS, interval)
        #: The projector view: the class summary and who passed what, in large type.
        self.projector = widgets.Checkbox(value=projector, description="", indent=False)
        self.projector.add_class("smskit-dashboard-projector")
        #: Export the class's progress as CSV (fetched in the kernel, offered as a download).
        self.csv_button = button("", css="smskit-dashboard-csv", tooltip="", icon="download")
        self.csv_html = html_box("smskit-dashboard-csv-link")
        #: Per exercise: how many trainees passed it ("E1 14/20").
        self.summary_html = html_box("smskit-dashboard-summary")
        #: When the rows were fetched (server time), or why they could not be.
        self.status_html = html_box("smskit-dashboard-status")
        #: The rows as a table.
        self.table_html = html_box("smskit-dashboard-table")
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle,
            widgets.HBox([self.refresh_button, self.auto, self.projector, self.csv_button]),
            self.csv_html, self.status_html, self.summary_html, self.table_html,
        ])
        self.widget.add_class("smskit-dashboard")
        #: The latest rows, as the sandbox sent them.
        self.rows: list[dict[str, Any]] = []
        #: The latest class summary, as the sandbox sent it.
        self.summary: list[dict[str, Any]] = []
        self.now_ms: int | None = None
        #: Why the last fetch failed, if it did.
        self._problem: i18n.Text | None = None
        self._relabel()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self.refresh_button.on_click(lambda _: self.refresh())
        self.auto.observe(self._on_auto, names="value")
        self.projector.observe(lambda _: self._render(), names="value")
        self.csv_button.on_click(lambda _: self.export_csv())
        if refresh:
            self.refresh()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> TrainerDashboard:
        """From ``SMSKIT_CLASSROOM_URL`` and ``SMSKIT_TRAINER_TOKEN`` (or the file named by
        ``SMSKIT_TRAINER_TOKEN_FILE``, as ``smskit classroom`` writes it), and the hub's
        attendance sheet named by ``SMSKIT_ATTENDANCE_FILE``, if set."""
        env = os.environ if environ is None else environ
        url = env.get(URL_VAR, "").strip()
        token = env.get(TOKEN_VAR, "").strip()
        token_file = env.get(TOKEN_FILE_VAR, "").strip()
        if not token and token_file:
            token = Path(token_file).read_text(encoding="utf-8").strip()
            options.setdefault("token_file", Path(token_file))
        if not url or not token:
            raise ValueError(f"set {URL_VAR} and {TOKEN_VAR} (or {TOKEN_FILE_VAR}) to open the "
                             "dashboard of a running classroom")
        sheet = env.get(ATTENDANCE_VAR, "").strip()
        options.setdefault("attendance", Path(sheet) if sheet else None)
        return cls(base_url=url, token=token, **options)

    def refresh(self) -> None:
        """Fetch the rows now; a failure is shown in :attr:`status_html`, never raised."""
        import requests

        self._read_token()
        try:
            answer = requests.get(self.base_url + DASHBOARD_PATH, timeout=_TIMEOUT_SECONDS,
                                  headers={"Authorization": f"Bearer {self._token}"})
            body = answer.json()
        except (requests.RequestException, ValueError) as error:
            self._problem = i18n.text("dashboard.unreachable", url=self.base_url,
                                      error=type(error).__name__)
        else:
            if answer.status_code != 200:
                message = body.get("extMsg") if isinstance(body, dict) else ""
                self._problem = i18n.text("dashboard.answered", status=answer.status_code,
                                          message=message)
            else:
                self._problem = None
                self.rows, self.now_ms = list(body["trainees"]), int(body["nowMs"])
                self.summary = list(body.get("summary", []))
        if self.attendance_file is not None:
            self.attendance = read_attendance(self.attendance_file)
        self._render()

    def _read_token(self) -> None:
        """The token as its file says now (a new group on the hub brings a new one); the
        last one read when the file cannot be read."""
        if self._token_file is not None:
            try:
                token = self._token_file.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return
            self._token = token or self._token

    def csv(self) -> str:
        """The class's progress as CSV, fetched now (``GET /_sandbox/class/dashboard.csv``)."""
        import requests

        self._read_token()
        answer = requests.get(self.base_url + CSV_PATH, timeout=_TIMEOUT_SECONDS,
                              headers={"Authorization": f"Bearer {self._token}"})
        answer.raise_for_status()
        answer.encoding = "utf-8"
        return answer.text

    def export_csv(self) -> None:
        """Fetch the CSV and show a download link for it (the file holds no secret)."""
        import requests

        try:
            text = self.csv()
        except (requests.RequestException, ValueError) as error:
            self._problem = i18n.text("dashboard.unreachable", url=self.base_url,
                                      error=type(error).__name__)
            self._render()
            return
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        label = i18n.t("dashboard.csv_ready", self.language, name=CSV_NAME,
                       rows=text.count("\n"))
        self.csv_html.value = (f'<a download="{CSV_NAME}" href="data:text/csv;base64,{data}">'
                               f"{esc(label)}</a>")

    def state(self) -> dict[str, Any]:
        """What the dashboard shows, as plain data."""
        return {"base_url": self.base_url, "now_ms": self.now_ms, "rows": self.rows,
                "summary": self.summary, "attendance": self.attendance,
                "auto": self.auto.value,
                "projector": self.projector.value}

    def static_html(self) -> str:
        """The class's table as static HTML (the trainer's token is never part of it)."""
        with self.speaking():
            return static_view(self.widget, "smskit-static-dashboard",
                               [(i18n.t("dashboard.sandbox"), self.base_url)],
                               self.status_html.value, self.summary_html.value,
                               self.table_html.value)

    def close(self) -> None:
        """Stop the timer (if running)."""
        self.auto.value = False

    def _relabel(self) -> None:
        """The title, the button, the timer's label, the status and the table."""
        lang = self.language
        self._heading.value = heading_html(i18n.t("dashboard.title", lang),
                                           i18n.t("dashboard.subtitle", lang))
        self.refresh_button.description = i18n.t("dashboard.refresh", lang)
        self.refresh_button.tooltip = i18n.t("dashboard.refresh_tooltip", lang)
        self.auto.description = i18n.t("dashboard.auto", lang, interval=self.interval)
        self.projector.description = i18n.t("dashboard.projector", lang)
        self.csv_button.description = i18n.t("dashboard.csv", lang)
        self.csv_button.tooltip = i18n.t("dashboard.csv_tooltip", lang)
        self._render()

    def _render(self) -> None:
        """The status line and the table; a failed fetch shows why and keeps the last rows.

        The timer's thread calls it too: the language is passed, never set process-wide."""
        lang = self.language
        if self._problem is not None:
            self.status_html.value = (f'<span style="color:{ERROR_COLOUR}">'
                                      f"{esc(self._problem.render(lang))}</span>")
            return
        if self.now_ms is None:
            return
        stuck = sum(1 for row in self.rows if row["stuck"])
        status = i18n.t("dashboard.status", lang, trainees=len(self.rows), stuck=stuck,
                        clock=_clock(self.now_ms))
        self.status_html.value = f'<span style="color:{MUTED}">{esc(status)}</span>'
        big = self.projector.value
        present = None
        if self.attendance_file is not None:
            present = (sum(1 for row in self.rows if row["name"] in self.attendance),
                       len(self.rows))
        self.summary_html.value = _summary(self.summary, lang, big=big, present=present)
        if big:
            headers: tuple[str, ...] = (i18n.t("dashboard.column.trainee", lang),
                                        i18n.t("dashboard.column.passed", lang),
                                        i18n.t("dashboard.column.status", lang))
            rows = table(headers, (_projector_row(row, lang) for row in self.rows),
                         css="smskit-dashboard-rows")
            self.table_html.value = f'<div style="{_PROJECTOR_STYLE}">{rows}</div>'
            return
        logins = self.attendance if self.attendance_file is not None else None
        headers = (i18n.t("dashboard.column.trainee", lang),
                   *([i18n.t("dashboard.column.first_login", lang)] if logins is not None
                     else []),
                   i18n.t("dashboard.column.requests", lang),
                   i18n.t("dashboard.column.codes", lang),
                   i18n.t("dashboard.column.first_success", lang),
                   i18n.t("dashboard.column.exercises", lang),
                   i18n.t("dashboard.column.status", lang))
        note = (f'<div style="color:{MUTED}">'
                f'{esc(i18n.t("dashboard.self_reported_note", lang))}</div>')
        self.table_html.value = table(headers, (_row(row, lang, logins) for row in self.rows),
                                      css="smskit-dashboard-rows") + note

    def _on_auto(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self._stop.clear()
            self._timer = threading.Thread(target=self._tick, daemon=True,
                                           name="smskit-dashboard-timer")
            self._timer.start()
        else:
            self._stop.set()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self.refresh()

    def __repr__(self) -> str:
        stuck = sum(1 for row in self.rows if row["stuck"])
        return f"TrainerDashboard({len(self.rows)} trainees, {stuck} stuck)"


def _clock(ms: int | None) -> str:
    if ms is None:
        return "—"
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%H:%M:%S UTC")


def _codes(codes: Mapping[str, int]) -> str:
    return ", ".join(f"{code} × {count}" for code, count in codes.items()) or "—"


def _stuck(stuck: Mapping[str, Any] | None, lang: i18n.Language) -> str:
    if not stuck:
        return f'<span style="color:{OK_COLOUR}">{esc(i18n.t("dashboard.ok", lang))}</span>'
    if stuck["reason"] == "same_error":
        text = i18n.t("dashboard.stuck.same_error", lang, code=stuck["code"],
                      count=stuck["count"])
    elif stuck["reason"] == "same_check":
        text = i18n.t("dashboard.stuck.same_check", lang, exercise=stuck["exercise"],
                      mistake=stuck["mistake"], count=stuck["count"])
    else:
        text = i18n.t("dashboard.stuck.no_progress", lang, minutes=stuck["minutes"])
    return f'<b style="color:{ERROR_COLOUR}">{esc(text)}</b>'


def read_attendance(path: Path) -> dict[str, str]:
    """The hub's attendance sheet: each trainee who logged in and their first login's time
    (``2026-03-02 09:00:05`` -> ``09:00:05``, the hub's clock). No sheet yet: nobody."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return {row["trainee"]: row["first login"].rpartition(" ")[2] for row in rows
            if row.get("trainee") and row.get("first login")}


def _row(row: Mapping[str, Any], lang: i18n.Language, logins: Mapping[str, str] | None = None
         ) -> tuple[dict[str, str], Sequence[str]]:
    attributes = {"data-trainee": row["name"], "data-requests": str(row["requests"]),
                  "data-passed": str(len(row["passed"])),
                  "data-stuck": row["stuck"]["reason"] if row["stuck"] else ""}
    first_login = [] if logins is None else [esc(logins.get(row["name"], "—"))]
    cells = (esc(row["name"]), *first_login, esc(row["requests"]), esc(_codes(row["codes"])),
             esc(_clock(row["firstSuccessMs"])), esc(_exercises(row.get("exercises", []), lang)),
             _stuck(row["stuck"], lang))
    return attributes, cells


def _mark(item: Mapping[str, Any]) -> str:
    """✓ a pass the sandbox saw, ✓* one the notebook reported, ✗ not passed yet."""
    if not item["passed"]:
        return "✗"
    return "✓" if item["passedBy"] == "sandbox" else "✓*"


def _exercises(items: Sequence[Mapping[str, Any]], lang: i18n.Language) -> str:
    """``E1 ✓ 2× 3 min · E2 ✗ 4× ts_seconds 5 min``."""
    parts = []
    for item in items:
        words = [item["exercise"], _mark(item), f"{item['attempts']}×"]
        if not item["passed"] and item["lastMistake"]:
            words.append(str(item["lastMistake"]))
        if item["timeOnTaskMs"] is not None:
            words.append(i18n.t("dashboard.minutes", lang,
                                minutes=item["timeOnTaskMs"] // 60_000))
        parts.append(" ".join(words))
    return " · ".join(parts) or "—"


def _summary(summary: Sequence[Mapping[str, Any]], lang: i18n.Language, *, big: bool,
             present: tuple[int, int] | None = None) -> str:
    """``class: logged in 14/20 · E1 14/20 · E2 3/20 ...`` (who logged in: on the hub)."""
    if not summary and present is None:
        return ""
    parts = [f"{item['exercise']} {item['passed']}/{item['of']}" for item in summary]
    if present is not None:
        parts.insert(0, i18n.t("dashboard.logged_in", lang, present=present[0], of=present[1]))
    text = " · ".join(parts)
    style = _PROJECTOR_STYLE + ";font-weight:bold" if big else "font-weight:bold"
    return (f'<div style="{style}">{esc(i18n.t("dashboard.summary", lang))}: '
            f"{esc(text)}</div>")


def _projector_row(row: Mapping[str, Any], lang: i18n.Language
                   ) -> tuple[dict[str, str], Sequence[str]]:
    attributes, _ = _row(row, lang)
    passed = " ".join(f"{item['exercise']}{_mark(item)}" for item in row.get("exercises", [])
                      if item["passed"]) or "—"
    return attributes, (esc(row["name"]), esc(passed), _stuck(row["stuck"], lang))
