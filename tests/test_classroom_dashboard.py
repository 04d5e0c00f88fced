"""The trainer's dashboard rows and widget, against a classroom sandbox over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster
from tests.classroom_trainees import EXPECTED, run_class, send, trainee_headers

START_MS = 1_796_000_000_000


@pytest.fixture
def classroom() -> Iterator[tuple[Sandbox, Roster]]:
    roster = Roster.numbered(6, seed=3)
    with Sandbox(extension=Classroom(roster), clock=FixedClock(START_MS)) as sb:
        yield sb, roster
        assert sb.internal_errors == 0


def dashboard(sb: Sandbox, roster: Roster) -> list[dict]:  # type: ignore[type-arg]
    answer = requests.get(sb.base_url + "/_sandbox/class/dashboard", timeout=5,
                          headers={"Authorization": f"Bearer {roster.trainer_token}"})
    assert answer.status_code == 200
    rows: list[dict] = answer.json()["trainees"]  # type: ignore[type-arg]
    return rows


def test_rows_count_what_each_trainee_sent(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    rows = dashboard(sb, roster)
    assert [row["name"] for row in rows] == [t.name for t in roster]
    for index, (count, codes, passed, stuck) in EXPECTED.items():
        row = rows[index]
        assert (row["requests"], row["codes"], row["passed"]) == (count, codes, passed), row
        assert (row["stuck"] or {}).get("reason") == stuck, row
    assert rows[1]["stuck"] == {"reason": "same_error", "code": 5420, "count": 3}
    assert rows[0]["firstSuccessMs"] == START_MS and rows[1]["firstSuccessMs"] is None
    assert rows[5] == {"name": "trainee06", "userDomain": roster.trainees[5].user_domain,
                       "requests": 0, "codes": {}, "firstSuccessMs": None, "passed": [],
                       "selfReported": [], "exercises": [], "lastActivityMs": None,
                       "stuck": None}


def test_no_progress_for_the_threshold_is_stuck(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    assert isinstance(sb.clock, FixedClock)
    sb.clock.advance(minutes=9, seconds=59)
    assert [(row["stuck"] or {}).get("reason") for row in dashboard(sb, roster)] == [
        None, "same_error", None, None, None, None]
    sb.clock.advance(seconds=1)  # 10 minutes (smskit/data/classroom.json) without progress
    assert [(row["stuck"] or {}).get("reason") for row in dashboard(sb, roster)] == [
        "idle", "same_error", "idle", "idle", "idle", None]
    with requests.Session() as session:  # progress again: a delivered code
        assert send(session, sb.base_url, roster.trainees[0], ts=sb.clock.now_ms(),
                    phone="13900139000") == 200
    assert dashboard(sb, roster)[0]["stuck"] is None


def test_a_success_ends_a_run_of_errors(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    trainee = roster.trainees[1]
    with requests.Session() as session:
        for _ in range(4):
            send(session, sb.base_url, trainee, ts=START_MS, right=False)
        assert dashboard(sb, roster)[1]["stuck"]["count"] == 4
        send(session, sb.base_url, trainee, ts=START_MS)
    assert dashboard(sb, roster)[1]["stuck"] is None


def test_a_trainee_sees_only_their_own_requests(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    mine = requests.get(sb.base_url + "/_sandbox/me/requests", timeout=5,
                        headers=trainee_headers(roster.trainees[1], START_MS, "GET",
                                                "/_sandbox/me/requests")).json()
    assert {row["userDomain"] for row in mine["requests"]} == {roster.trainees[1].user_domain}
    assert [row["code"] for row in mine["requests"]] == [5420, 5420, 5420]
    assert all(row["diagnosis"]["mistakeId"] == "ts-in-seconds" and row["yours"]
               for row in mine["requests"])
    for path in ("/_sandbox/requests", "/_sandbox/class/dashboard"):
        assert requests.get(sb.base_url + path, timeout=5).status_code == 401
        assert requests.get(sb.base_url + path, timeout=5, headers=trainee_headers(
            roster.trainees[1], START_MS)).status_code == 403


def test_reset_forgets_tallies_and_progress(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    reset = requests.post(sb.base_url + "/_sandbox/reset", timeout=5,
                          headers={"Authorization": f"Bearer {roster.trainer_token}"})
    assert reset.status_code == 200
    assert all(row["requests"] == 0 and row["passed"] == [] for row in dashboard(sb, roster))


def test_widget_shows_the_rows_and_keeps_the_token_out_of_its_state(
        classroom: tuple[Sandbox, Roster]) -> None:
    from smskit.widgets import TrainerDashboard

    sb, roster = classroom
    board = TrainerDashboard(base_url=sb.base_url, token=roster.trainer_token)
    assert board.rows and all(row["requests"] == 0 for row in board.rows)
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    board.refresh_button.click()
    assert [row["requests"] for row in board.rows] == [1, 3, 3, 2, 0, 0]
    assert 'data-trainee="trainee02"' in board.table_html.value
    assert 'data-stuck="same_error"' in board.table_html.value
    assert "5420 × 3 in a row" in board.table_html.value
    assert "1 stuck" in board.status_html.value
    everything = repr(board) + repr(board.state()) + repr(
        [child.get_state() for child in board.widget.children])
    assert roster.trainer_token not in everything + board.table_html.value
    assert not any(t.secret in board.table_html.value for t in roster)


def test_widget_says_when_the_token_is_wrong(classroom: tuple[Sandbox, Roster]) -> None:
    from smskit.widgets import TrainerDashboard

    sb, _ = classroom
    board = TrainerDashboard(base_url=sb.base_url, token="not-the-token")
    assert board.rows == [] and "403" in board.status_html.value


def test_auto_refresh_follows_the_class_until_switched_off(
        classroom: tuple[Sandbox, Roster]) -> None:
    import time

    from smskit.widgets import TrainerDashboard

    sb, roster = classroom
    board = TrainerDashboard(base_url=sb.base_url, token=roster.trainer_token, interval=2)
    board.auto.value = True
    try:
        with requests.Session() as session:
            send(session, sb.base_url, roster.trainees[0], ts=START_MS)
        deadline = time.monotonic() + 20
        while board.rows[0]["requests"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)  # polling interval, not a wait for a condition
        assert board.rows[0]["requests"] == 1
    finally:
        board.close()
    assert board.state()["auto"] is False


def test_widget_switches_to_chinese_and_keeps_the_rows(classroom: tuple[Sandbox, Roster]) -> None:
    import json
    from pathlib import Path

    from smskit.widgets import TrainerDashboard

    messages = json.loads((Path(__file__).resolve().parents[1] / "smskit/data/messages.json")
                          .read_text(encoding="utf-8"))["messages"]
    sb, roster = classroom
    run_class(sb.base_url, roster.trainees, ts=START_MS)
    board = TrainerDashboard(base_url=sb.base_url, token=roster.trainer_token, language="en")
    rows = board.rows
    board.language = "zh"
    assert board.rows == rows
    assert board.refresh_button.description == messages["dashboard.refresh"]["zh"]
    assert board.auto.description == messages["dashboard.auto"]["zh"].format(interval=15)
    table = board.table_html.value
    for column in ("trainee", "requests", "codes", "first_success", "exercises", "status"):
        assert f">{messages[f'dashboard.column.{column}']['zh']}</th>" in table
    assert messages["dashboard.stuck.same_error"]["zh"].format(code=5420, count=3) in table
    assert "in a row" not in table and "stuck" not in board.status_html.value
    snapshot = board.static_html()
    assert messages["dashboard.title"]["zh"] in snapshot and roster.trainer_token not in snapshot
    board.language_toggle.value = "en"
    assert "5420 × 3 in a row" in board.table_html.value and "1 stuck" in board.status_html.value


#: The hub's attendance sheet as hub/accounts.py attendance_table writes it.
SHEET = ("trainee,first login,last login,logins\n"
         "trainee01,2026-03-02 09:00:05,2026-03-02 09:40:00,2\n"
         "trainee02,,,0\n"
         "trainee03,2026-03-02 09:01:30,2026-03-02 09:01:30,1\n"
         "trainee04,,,0\ntrainee05,,,0\ntrainee06,,,0\n")


def test_widget_shows_who_logged_in_from_the_hubs_attendance_sheet(
        classroom: tuple[Sandbox, Roster], tmp_path: Path) -> None:
    from smskit.widgets import TrainerDashboard

    sb, roster = classroom
    sheet = tmp_path / "attendance.csv"
    board = TrainerDashboard.from_env({"SMSKIT_CLASSROOM_URL": sb.base_url,
                                       "SMSKIT_TRAINER_TOKEN": roster.trainer_token,
                                       "SMSKIT_ATTENDANCE_FILE": str(sheet)}, language="en")
    assert "class: logged in 0/6" in board.summary_html.value  # no sheet yet: nobody
    sheet.write_text(SHEET, encoding="utf-8")
    board.refresh()
    assert "class: logged in 2/6 · E1 0/6" in board.summary_html.value
    page = board.table_html.value
    assert re.findall(r"<th[^>]*>([^<]*)</th>", page)[:3] == [
        "trainee", "first login", "requests"]
    cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", row)[:2]
             for name, row in re.findall(r'<tr data-trainee="(\w+)"[^>]*>(.*?)</tr>', page)}
    assert cells["trainee01"] == ["trainee01", "09:00:05"]
    assert cells["trainee02"] == ["trainee02", "—"]
    assert cells["trainee03"] == ["trainee03", "09:01:30"]
    assert board.state()["attendance"] == {"trainee01": "09:00:05", "trainee03": "09:01:30"}
    board.language = "zh"
    assert "全班: 已登录 2/6" in board.summary_html.value
    assert "首次登录" in board.table_html.value
    board.language = "en"
    board.projector.value = True
    assert "logged in 2/6" in board.summary_html.value
    assert "font-size:180%" in board.summary_html.value


def test_without_an_attendance_sheet_the_dashboard_says_nothing_of_logins(
        classroom: tuple[Sandbox, Roster]) -> None:
    from smskit.widgets import TrainerDashboard

    sb, roster = classroom
    board = TrainerDashboard(base_url=sb.base_url, token=roster.trainer_token, language="en")
    assert "logged in" not in board.summary_html.value
    assert "first login" not in board.table_html.value


def test_a_dashboard_from_a_token_file_reads_it_again_at_each_refresh(
        classroom: tuple[Sandbox, Roster], tmp_path: Path) -> None:
    """On the hub, ./kit hub --new-group writes the new group's token into the trainer's
    token file: Refresh shows the new class without re-running the notebook."""
    from smskit.widgets import TrainerDashboard

    sb, roster = classroom
    token_file = tmp_path / "classroom-trainer-token"
    token_file.write_text("the-last-groups-token-0123456789\n", encoding="utf-8")
    board = TrainerDashboard.from_env({"SMSKIT_CLASSROOM_URL": sb.base_url,
                                       "SMSKIT_TRAINER_TOKEN_FILE": str(token_file)},
                                      language="en")
    assert "the classroom answered 403" in board.status_html.value
    assert board.rows == []
    token_file.write_text(roster.trainer_token + "\n", encoding="utf-8")
    board.refresh_button.click()
    assert "6 trainees, 0 stuck" in board.status_html.value
    assert len(board.rows) == 6
    assert roster.trainer_token not in repr(board.state()) + repr(board)
