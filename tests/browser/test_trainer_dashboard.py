"""The trainer's dashboard as a Voilà app, against a classroom sandbox with simulated trainees.

The trainees send real HTTP requests with their own credentials (signatures made with hashlib
in tests/classroom_trainees.py); the page must show what they did and flag the stuck one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from smskit.clock import SystemClock
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster
from smskit.sandbox.classroom.private_file import write_private
from tests.browser.lab import full_screenshot
from tests.browser.servers import (
    SCREENSHOTS,
    ServerProcess,
    free_port,
    isolated_jupyter_env,
    voila_command,
)
from tests.browser.trainee import assert_no_broken_widgets
from tests.classroom_trainees import EXPECTED, run_class

pytestmark = pytest.mark.browser

APP_TIMEOUT_MS = 90_000


@pytest.fixture
def classroom() -> Iterator[tuple[Sandbox, Roster]]:
    roster = Roster.numbered(6, seed=11)
    with Sandbox(extension=Classroom(roster)) as sb:
        yield sb, roster
        assert sb.internal_errors == 0


@pytest.fixture
def dashboard_app(classroom: tuple[Sandbox, Roster], jupyter_home: Path,
                  served_notebooks: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    sb, roster = classroom
    token_file = tmp_path / "classroom-trainer-token"
    write_private(token_file, roster.trainer_token + "\n")
    env = isolated_jupyter_env(jupyter_home / "voila-dashboard")
    env.update({"SMSKIT_CLASSROOM_URL": sb.base_url,
                "SMSKIT_TRAINER_TOKEN_FILE": str(token_file)})
    port = free_port()
    server = ServerProcess("voila-dashboard",
                           voila_command(port, served_notebooks / "trainer-dashboard.ipynb"),
                           env=env, cwd=served_notebooks, port=port)
    try:
        server.wait_ready("/voila/static/voila.js")
        yield server
    finally:
        server.stop()


def test_the_dashboard_counts_each_trainee_and_flags_the_stuck_one(
        page: Page, dashboard_app: ServerProcess, classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    page.goto(dashboard_app.url + "/", wait_until="domcontentloaded")
    board = page.locator(".smskit-dashboard")
    expect(board).to_be_visible(timeout=APP_TIMEOUT_MS)
    rows = board.locator("tr[data-trainee]")
    expect(rows).to_have_count(len(roster))
    for row in rows.all():
        expect(row).to_have_attribute("data-requests", "0")

    run_class(sb.base_url, roster.trainees, ts=SystemClock().now_ms())
    board.locator(".smskit-dashboard-refresh").click()

    for index, (count, codes, passed, stuck) in EXPECTED.items():
        row = board.locator(f'tr[data-trainee="{roster.trainees[index].name}"]')
        expect(row).to_have_attribute("data-requests", str(count))
        expect(row).to_have_attribute("data-passed", str(len(passed)))
        expect(row).to_have_attribute("data-stuck", stuck or "")
        for code, times in codes.items():
            expect(row).to_contain_text(f"{code} × {times}")
    stuck_row = board.locator('tr[data-stuck="same_error"]')
    expect(stuck_row).to_have_count(1)
    expect(stuck_row).to_contain_text("5420 × 3 in a row")
    expect(board.locator(".smskit-dashboard-status")).to_contain_text("1 stuck")

    expect(board.locator(".smskit-dashboard-summary")).to_contain_text("class: E1 2/6 · E2 0/6")
    expect(board.locator('tr[data-trainee="trainee05"]')).to_contain_text("E1 ✓* 1×")
    full_screenshot(page, SCREENSHOTS / "trainer-dashboard-voila.png", scroller="#rendered_cells")

    # a class is connected: none of the demonstration's text is on the page
    for demo_text in ("demonstration", "simulated trainees", "bo signs", "eli:", "ana "):
        assert demo_text not in page.locator("#rendered_cells").inner_text()

    board.locator(".smskit-dashboard-projector input").check()
    expect(board.locator(".smskit-dashboard-rows")).not_to_contain_text("codes met")
    expect(board.locator('tr[data-trainee="trainee01"]')).to_contain_text("E1✓*")
    full_screenshot(page, SCREENSHOTS / "trainer-dashboard-projector.png",
                    scroller="#rendered_cells")

    board.locator(".smskit-dashboard-csv").click()
    link = board.locator('.smskit-dashboard-csv-link a[download="classroom-progress.csv"]')
    expect(link).to_have_count(1)
    assert link.get_attribute("href", timeout=5_000).startswith("data:text/csv;base64,")

    text = page.content()
    assert roster.trainer_token not in text
    assert not any(trainee.secret in text for trainee in roster)
    assert_no_broken_widgets(page)
