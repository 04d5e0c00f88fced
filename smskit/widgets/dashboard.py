"""The trainer's dashboard: one row per trainee of a classroom sandbox, refreshed on demand.

The rows are computed by the sandbox (:mod:`smskit.sandbox.dashboard`, ``GET
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

from smskit.widgets._common import (
    ERROR_COLOUR,
    MUTED,
    OK_COLOUR,
    WidgetView,
    button,
    esc,
    heading,
    html_box,
    static_view,
    table,
)

DASHBOARD_PATH = "/_sandbox/class/dashboard"
URL_VAR, TOKEN_VAR, TOKEN_FILE_VAR = ("SMSKIT_CLASSROOM_URL", "SMSKIT_TRAINER_TOKEN",
                                      "SMSKIT_TRAINER_TOKEN_FILE")
HEADERS = ("学员 / trainee", "请求 / requests", "遇到的返回码 / codes met",
           "首次成功 / first success", "通过的练习 / exercises passed", "状态 / status")
_TIMEOUT_SECONDS = 5.0
_MIN_INTERVAL_SECONDS = 2


class TrainerDashboard(WidgetView):
    """The class at a glance. :meth:`refresh` (or :attr:`refresh_button`) fetches the rows;
    :attr:`auto` with :attr:`interval` refreshes on a timer. Read :attr:`rows` or :meth:`state`.
    """

    def __init__(self, *, base_url: str, token: str, interval: int = 15,
                 refresh: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        #: The refresh button.
        self.refresh_button = button("Refresh / 刷新", css="smskit-dashboard-refresh",
                                     tooltip="fetch the class's rows now", icon="refresh")
        #: Refresh every :attr:`interval` seconds while ticked.
        self.auto = widgets.Checkbox(value=False, description=f"auto every {interval} s",
                                     indent=False)
        self.auto.add_class("smskit-dashboard-auto")
        self.interval = max(_MIN_INTERVAL_SECONDS, interval)
        #: When the rows were fetched (server time), or why they could not be.
        self.status_html = html_box("smskit-dashboard-status")
        #: The rows as a table.
        self.table_html = html_box("smskit-dashboard-table")
        self.widget = widgets.VBox([
            heading("Classroom / 课堂", "one row per trainee"),
            widgets.HBox([self.refresh_button, self.auto]), self.status_html, self.table_html,
        ])
        self.widget.add_class("smskit-dashboard")
        #: The latest rows, as the sandbox sent them.
        self.rows: list[dict[str, Any]] = []
        self.now_ms: int | None = None
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
            self._show_problem(f"cannot reach the classroom at {self.base_url}: "
                               f"{type(error).__name__}")
            return
        if answer.status_code != 200:
            self._show_problem(f"the classroom answered {answer.status_code}: "
                               f"{body.get('extMsg') if isinstance(body, dict) else ''}")
            return
        self.rows, self.now_ms = list(body["trainees"]), int(body["nowMs"])
        stuck = sum(1 for row in self.rows if row["stuck"])
        self.status_html.value = (
            f'<span style="color:{MUTED}">{len(self.rows)} trainees, {stuck} stuck · '
            f"as of {esc(_clock(self.now_ms))} (server time)</span>")
        self.table_html.value = table(HEADERS, (_row(row) for row in self.rows),
                                      css="smskit-dashboard-rows")

    def state(self) -> dict[str, Any]:
        """What the dashboard shows, as plain data."""
        return {"base_url": self.base_url, "now_ms": self.now_ms, "rows": self.rows,
                "auto": self.auto.value}

    def static_html(self) -> str:
        """The class's table as static HTML (the trainer's token is never part of it)."""
        return static_view(self.widget, "smskit-static-dashboard",
                           [("sandbox", self.base_url)],
                           self.status_html.value, self.table_html.value)

    def close(self) -> None:
        """Stop the timer (if running)."""
        self.auto.value = False

    def _show_problem(self, text: str) -> None:
        self.status_html.value = f'<span style="color:{ERROR_COLOUR}">{esc(text)}</span>'

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


def _stuck(stuck: Mapping[str, Any] | None) -> str:
    if not stuck:
        return f'<span style="color:{OK_COLOUR}">ok</span>'
    if stuck["reason"] == "same_error":
        text = f"卡住 / stuck: {stuck['code']} × {stuck['count']} in a row"
    else:
        text = f"卡住 / stuck: no progress for {stuck['minutes']} min"
    return f'<b style="color:{ERROR_COLOUR}">{esc(text)}</b>'


def _row(row: Mapping[str, Any]) -> tuple[dict[str, str], Sequence[str]]:
    attributes = {"data-trainee": row["name"], "data-requests": str(row["requests"]),
                  "data-passed": str(len(row["passed"])),
                  "data-stuck": row["stuck"]["reason"] if row["stuck"] else ""}
    cells = (esc(row["name"]), esc(row["requests"]), esc(_codes(row["codes"])),
             esc(_clock(row["firstSuccessMs"])), esc(", ".join(row["passed"]) or "—"),
             _stuck(row["stuck"]))
    return attributes, cells
