"""The trainer's dashboard: one row per trainee of a classroom sandbox, refreshed on demand.

The rows are computed by the sandbox (:mod:`smskit.sandbox.classroom.dashboard`, ``GET
/_sandbox/class/dashboard``); this widget only fetches them with the trainer's token and lays
them out. The token stays in the kernel: it is no widget's value and not in the repr.
"""

from __future__ import annotations

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
URL_VAR, TOKEN_VAR, TOKEN_FILE_VAR = ("SMSKIT_CLASSROOM_URL", "SMSKIT_TRAINER_TOKEN",
                                      "SMSKIT_TRAINER_TOKEN_FILE")
_TIMEOUT_SECONDS = 5.0
_MIN_INTERVAL_SECONDS = 2


class TrainerDashboard(BilingualView):
    """The class at a glance. :meth:`refresh` (or :attr:`refresh_button`) fetches the rows;
    :attr:`auto` with :attr:`interval` refreshes on a timer. Read :attr:`rows` or :meth:`state`.
    ``language`` (``"zh"``/``"en"``) switches its texts live, as its 中文 / English toggle does.
    """

    def __init__(self, *, base_url: str, token: str, interval: int = 15,
                 refresh: bool = True, language: str | None = None) -> None:
        self._init_language(language)
        self.base_url = base_url.rstrip("/")
        self._token = token
        #: The refresh button.
        self.refresh_button = button("", css="smskit-dashboard-refresh", tooltip="",
                                     icon="refresh")
        #: Refresh every :attr:`interval` seconds while ticked.
        self.auto = widgets.Checkbox(value=False, description="", indent=False)
        self.auto.add_class("smskit-dashboard-auto")
        self.interval = max(_MIN_INTERVAL_SECONDS, interval)
        #: When the rows were fetched (server time), or why they could not be.
        self.status_html = html_box("smskit-dashboard-status")
        #: The rows as a table.
        self.table_html = html_box("smskit-dashboard-table")
        self._heading = heading("")
        self.widget = widgets.VBox([
            self._heading, self.language_toggle,
            widgets.HBox([self.refresh_button, self.auto]), self.status_html, self.table_html,
        ])
        self.widget.add_class("smskit-dashboard")
        #: The latest rows, as the sandbox sent them.
        self.rows: list[dict[str, Any]] = []
        self.now_ms: int | None = None
        #: Why the last fetch failed, if it did.
        self._problem: i18n.Text | None = None
        self._relabel()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self.refresh_button.on_click(lambda _: self.refresh())
        self.auto.observe(self._on_auto, names="value")
        if refresh:
            self.refresh()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> TrainerDashboard:
        """From ``SMSKIT_CLASSROOM_URL`` and ``SMSKIT_TRAINER_TOKEN`` (or the file named by
        ``SMSKIT_TRAINER_TOKEN_FILE``, as ``smskit classroom`` writes it)."""
        env = os.environ if environ is None else environ
        url = env.get(URL_VAR, "").strip()
        token = env.get(TOKEN_VAR, "").strip()
        token_file = env.get(TOKEN_FILE_VAR, "").strip()
        if not token and token_file:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        if not url or not token:
            raise ValueError(f"set {URL_VAR} and {TOKEN_VAR} (or {TOKEN_FILE_VAR}) to open the "
                             "dashboard of a running classroom")
        return cls(base_url=url, token=token, **options)

    def refresh(self) -> None:
        """Fetch the rows now; a failure is shown in :attr:`status_html`, never raised."""
        import requests

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
        self._render()

    def state(self) -> dict[str, Any]:
        """What the dashboard shows, as plain data."""
        return {"base_url": self.base_url, "now_ms": self.now_ms, "rows": self.rows,
                "auto": self.auto.value}

    def static_html(self) -> str:
        """The class's table as static HTML (the trainer's token is never part of it)."""
        with self.speaking():
            return static_view(self.widget, "smskit-static-dashboard",
                               [(i18n.t("dashboard.sandbox"), self.base_url)],
                               self.status_html.value, self.table_html.value)

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
        headers = (i18n.t("dashboard.column.trainee", lang),
                   i18n.t("dashboard.column.requests", lang),
                   i18n.t("dashboard.column.codes", lang),
                   i18n.t("dashboard.column.first_success", lang),
                   i18n.t("dashboard.column.passed", lang),
                   i18n.t("dashboard.column.status", lang))
        self.table_html.value = table(headers, (_row(row, lang) for row in self.rows),
                                      css="smskit-dashboard-rows")

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
    else:
        text = i18n.t("dashboard.stuck.no_progress", lang, minutes=stuck["minutes"])
    return f'<b style="color:{ERROR_COLOUR}">{esc(text)}</b>'


def _row(row: Mapping[str, Any], lang: i18n.Language) -> tuple[dict[str, str], Sequence[str]]:
    attributes = {"data-trainee": row["name"], "data-requests": str(row["requests"]),
                  "data-passed": str(len(row["passed"])),
                  "data-stuck": row["stuck"]["reason"] if row["stuck"] else ""}
    cells = (esc(row["name"]), esc(row["requests"]), esc(_codes(row["codes"])),
             esc(_clock(row["firstSuccessMs"])), esc(", ".join(row["passed"]) or "—"),
             _stuck(row["stuck"], lang))
    return attributes, cells
