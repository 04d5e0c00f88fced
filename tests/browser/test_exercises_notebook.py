"""An exercise in JupyterLab, as a trainee does it: run all, answer, check, try again.

A JupyterLab of its own serves a copy of ``notebooks/exercises/1-signing.ipynb`` (outputs
stripped) with a throw-away progress file. The trainee's answer is typed into the E1 answer
cell through JupyterLab's own model; the verdict's HTML must escalate its hint 1, 2, 3, say
the trainee looks stuck at the third same mistake, then pass; Run All afterwards must keep E1
passed and E2, E3 not attempted (another exercise's placeholders never touch E1's answer);
the progress file must record it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.lab import LabNotebook
from tests.browser.servers import (
    ROOT,
    SCREENSHOTS,
    ServerProcess,
    free_port,
    isolated_jupyter_env,
    jupyterlab_command,
    shutdown_all_kernels,
)

pytestmark = pytest.mark.browser

NAME = "1-signing.ipynb"
RUN_TIMEOUT_MS = 60_000
E1_TEXT = ("13800138000376a6L647F02CAoN91744773894369"
           "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")


@pytest.fixture(scope="module")
def exercise_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    served = tmp_path_factory.mktemp("exercises")
    notebook = json.loads((ROOT / "notebooks/exercises" / NAME).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (served / NAME).write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    progress = served / "progress.json"
    env = {**isolated_jupyter_env(tmp_path_factory.mktemp("home")),
           "SMSKIT_PROGRESS_FILE": str(progress)}
    port = free_port()
    server = ServerProcess("jupyterlab-exercises", jupyterlab_command(port, served), env=env,
                           cwd=served, port=port)
    try:
        server.wait_ready("/api/status")
        yield server, progress
    finally:
        shutdown_all_kernels(server)
        server.stop()


def _answer_and_check(page: Page, answer_index: int, check_index: int, source: str) -> str:
    """Type ``source`` into the answer cell, run it and the check; the check's HTML output."""
    before = page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.model"
                           ".cells.get(i).executionCount", check_index)
    page.evaluate("""([answer, check, source]) => {
      const app = window.jupyterapp;
      const notebook = app.shell.currentWidget.content;
      notebook.model.cells.get(answer).sharedModel.setSource(source);
      notebook.activeCellIndex = answer;
      app.commands.execute('notebook:run-cell');
      notebook.activeCellIndex = check;
      app.commands.execute('notebook:run-cell');
    }""", [answer_index, check_index, source])
    page.wait_for_function("""([check, before]) => {
      const panel = window.jupyterapp.shell.currentWidget;
      const cell = panel.content.model.cells.get(check);
      return cell.executionCount !== null && cell.executionCount > before
             && cell.outputs.length > 0 && panel.sessionContext.session.kernel.status === 'idle';
    }""", arg=[check_index, before or 0], timeout=RUN_TIMEOUT_MS, polling=100)
    output = page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.model"
                           ".cells.get(i).outputs.get(0).toJSON()", check_index)
    html = output["data"]["text/html"]
    return html if isinstance(html, str) else "".join(html)


def _run_all_again(page: Page) -> None:
    """Run > Run All Cells in a kernel that already ran them; wait until every code cell ran
    again, and fail on any error output."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function("""() => {
      const panel = window.jupyterapp.shell.currentWidget;
      const cells = panel.content.model.cells;
      const counts = [];
      for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        for (let j = 0; j < cell.outputs.length; j++) {
          if (cell.outputs.get(j).type === 'error') return true;
        }
        counts.push(cell.executionCount || 0);
      }
      const ascending = counts.every((count, k) => k === 0 || count === counts[k - 1] + 1);
      return ascending && counts[0] > 1 && panel.sessionContext.session.kernel.status === 'idle';
    }""", timeout=RUN_TIMEOUT_MS, polling=100)
    errors = page.evaluate("""() => {
      const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
      const found = [];
      for (let i = 0; i < cells.length; i++) {
        const outputs = cells.get(i).outputs;
        for (let j = 0; outputs && j < outputs.length; j++) {
          const output = outputs.get(j).toJSON();
          if (output.output_type === 'error' || output.name === 'stderr') found.push(output);
        }
      }
      return found;
    }""")
    assert errors == []


def test_a_trainee_gets_escalating_hints_then_passes(
        page: Page, exercise_lab: tuple[ServerProcess, Path]) -> None:
    server, progress = exercise_lab
    notebook = LabNotebook(page, server.url, NAME).open()
    try:
        cells = notebook.run_all()
        notebook.assert_ran_cleanly(cells)
        answer = next(c for c in cells if c.source.startswith("e1_signature = ...  # only"))
        check = next(c for c in cells if c.source == 'check("E1", e1_signature)')
        [stored] = check.outputs
        assert "未作答 / not attempted yet" in "".join(stored["data"]["text/html"])
        rendered = page.locator(".smskit-verdict-not_attempted")
        assert rendered.count() == 3 and "未作答" in rendered.first.inner_text()

        wrong = 'e1_signature = hashlib.sha256(b"").hexdigest()'
        tries = [_answer_and_check(page, answer.index, check.index, wrong) for _ in range(3)]
        assert all("还不对 / not yet right" in html for html in tries)
        assert ["提示 / hint 1/3" in tries[0], "提示 / hint 2/3" in tries[1],
                "提示 / hint 3/3" in tries[2]] == [True, True, True]
        assert "len(text)" in tries[0] and "text.encode(&#x27;utf-8&#x27;)" in tries[2]
        assert ["ask your trainer" in html for html in tries] == [False, False, True]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".smskit-verdict-wrong").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "exercise-e1-stuck.png"))
        passed = _answer_and_check(
            page, answer.index, check.index,
            f'e1_signature = hashlib.sha256("{E1_TEXT}".encode("utf-8")).hexdigest()')
        assert "通过 / passed" in passed and "adf0cd13" not in "".join(tries) + passed
        verdict = page.locator(".smskit-verdict-passed")
        assert verdict.count() == 1 and "通过" in verdict.inner_text()
        verdict.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "exercise-e1-passed.png"))

        _run_all_again(page)  # the agenda's Run All, with E1 answered
        assert page.locator(".smskit-verdict-passed").count() == 1
        assert page.locator(".smskit-verdict-not_attempted").count() == 2
        page.locator(".smskit-verdict-passed").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "exercise-e1-run-all-again.png"))
    finally:
        notebook.shutdown_kernels()
    record = json.loads(progress.read_text(encoding="utf-8"))["exercises"]["E1"]
    assert record["passed"] is True and record["attempts"] == 5
