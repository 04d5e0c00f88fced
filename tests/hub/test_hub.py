"""The training day on a real JupyterHub, as docs/trainer-guide.md runs it ("On JupyterHub"):
``./kit hub`` as root, three trainees in headless Chromium, the trainer's dashboard, Ctrl-C,
``./kit hub --new-group`` and the next group's first login.

Expectations are the page's facts (code 200 is the platform's success, the worked example's
signature is computed here with hashlib), what the test itself set up (names, ports, the
state folder) and what the operating system says (owners, modes, PermissionError); the
secrets compared are read from the hub's own private files, as the trainer would.
Screenshots go to test-artifacts/hub/.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pwd
import re
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psutil
import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.browser.lab import CodeCell, LabNotebook, full_screenshot
from tests.browser.servers import ARTIFACTS
from tests.hub.classroom import (
    Classroom,
    hub_state,
    log_in,
    start_classroom,
    submit_login,
    wait_for_lab,
    wait_for_sandbox,
)

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.browser]

TRAINEES = 3
NAMES = ["trainee01", "trainee02", "trainee03"]
STUCK = "trainee03"  # fails E1's check three times with the same mistake
OK = 200  # the platform's documented success code
SHOTS = ARTIFACTS / "hub"
#: One phone per trainee: the sandbox limits sends per phone and codeType.
PHONES = {"trainee01": "13612345671", "trainee02": "13612345672", "trainee03": "13612345673"}
#: The page's worked example (docs/platform.md): phone, codeType, random, ts, secret.
E1_RIGHT = hashlib.sha256(b"13800138000" b"3" b"76a6L647F02CAoN9" b"1744773894369"
                          b"57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33").hexdigest()
assert E1_RIGHT == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
#: A wrong answer a trainee really gives: hashing nothing (the page's printed value).
E1_WRONG = "hashlib.sha256().hexdigest()"
LESSONS = ["01-quickstart.ipynb", "02-signature.ipynb", "03-request-builder.ipynb",
           "04-error-codes.ipynb", "05-code-lifecycle.ipynb", "06-going-live.ipynb",
           "07-your-backend.ipynb", "app.ipynb"]
EXERCISES = ["exercises/1-signing.ipynb", "exercises/2-sending.ipynb",
             "exercises/3-debugging.ipynb"]

#: Execute code in the open notebook's kernel (as a trainee typing in a scratch cell) and
#: return its stdout, and any error as ``ename: evalue``.
_EXECUTE = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""

#: Type ``source`` into code cell ``index`` (unless null), run it as Shift-Enter does, and
#: return the text of its outputs once the kernel is idle again.
_RUN_CELL = """async ([index, source]) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const cell = panel.content.model.cells.get(index);
  if (source !== null) cell.sharedModel.setSource(source);
  panel.content.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
  const kernel = panel.sessionContext.session.kernel;
  while (kernel.status !== 'idle') await new Promise(r => setTimeout(r, 50));
  const texts = [];
  for (let j = 0; j < cell.outputs.length; j++) {
    const output = cell.outputs.get(j).toJSON();
    if (output.text) texts.push([].concat(output.text).join(''));
    if (output.data && output.data['text/plain'])
      texts.push([].concat(output.data['text/plain']).join(''));
    if (output.ename) texts.push(output.ename + ': ' + output.evalue);
  }
  return texts.join('\\n');
}"""

#: Run in a trainee's kernel: what a curious trainee tries. Each line says whether it read.
_PEEK = """\
import os, pathlib, requests
tries = {{
    "trainer token": "{state}/private/classroom-trainer-token",
    "trainer's copy of the token": "{state}/homes/trainer/.smskit/classroom-trainer-token",
    "roster": "{state}/private/classroom-roster.json",
    "passwords": "{state}/private/passwords.json",
    "hub cookie secret": "{state}/private/jupyterhub_cookie_secret",
    "another trainee's exercises": "{state}/homes/{other}/exercises/1-signing.ipynb",
    "another trainee's server environment": "/proc/{other_pid}/environ",
    "the hub's environment": "/proc/{hub_pid}/environ",
}}
for label, path in tries.items():
    try:
        pathlib.Path(path).read_bytes()
        print(label, "READ")
    except PermissionError:
        print(label, "refused")
for label, folder in (("another trainee's home", "{state}/homes/{other}"),
                      ("the hub's private folder", "{state}/private")):
    try:
        os.listdir(folder)
        print(label, "LISTED")
    except PermissionError:
        print(label, "refused")
print("class dashboard without the token:",
      requests.get(os.environ["SMSKIT_BASE_URL"] + "/_sandbox/class/dashboard").status_code)
"""
_PEEK_EXPECTED = "\n".join([
    "trainer token refused", "trainer's copy of the token refused", "roster refused",
    "passwords refused", "hub cookie secret refused", "another trainee's exercises refused",
    "another trainee's server environment refused", "the hub's environment refused",
    "another trainee's home refused", "the hub's private folder refused",
    "class dashboard without the token: 401"])

_SEND = """\
from smskit import CodeType
from smskit.client import SmsClient
client = SmsClient.from_env()
print(client.base_url, client.user_domain, client.send_code({phone!r}, CodeType.REGISTER).code)
from smskit.training import my_outbox
print("my outbox:", [delivery["phone"] for delivery in my_outbox()])
"""


#: About 80 s on an idle 2-core machine; far more when it is loaded (7 min at a load
#: average of 25): a hub start, four logins, a Run All each, the trainer's dashboard twice.
@pytest.mark.timeout(1200)
def test_a_training_day_on_the_hub_follows_the_trainers_guide() -> None:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing (run ./kit setup)", pytrace=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with hub_state() as state:
        # -- Before the session: SMSKIT_HUB_TRAINEES=3 ./kit hub -------------------------
        classroom = start_classroom(state, TRAINEES, log_name="hub-day")
        try:
            assert wait_for_sandbox(classroom)["status"] == "ok"
            _the_state_is_private(classroom)
            # A thread of its own: playwright's sync API allows one instance per thread,
            # and the browser tests' session-long Chromium may hold this one.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(_in_chromium, _two_groups, classroom).result()
        finally:
            # -- At the end of the day: Ctrl-C --------------------------------------------
            took = classroom.interrupt()
            left = classroom.leftovers()
        log = classroom.server.log_path.read_text(encoding="utf-8", errors="replace")
        assert left == [], f"still running after Ctrl-C: {left}"
        assert took < 15, f"Ctrl-C took {took:.1f} s"
        for name in [*NAMES, "trainer"]:  # the last group's by --new-group, then Ctrl-C's
            assert f"smskit hub: stopping the JupyterLab of {name}" in log, name
        assert "smskit classroom: stopped" in log


def _two_groups(browser: Browser, classroom: Classroom) -> None:
    """The first group's session; ``./kit hub --new-group`` while the hub runs; the next
    group's first login and the trainer's dashboard, on the same hub."""
    old_passwords = classroom.passwords()
    old_token = str(classroom.roster()["trainerToken"])
    stale, trainer = _session(browser, classroom)

    # -- The next group, in a second terminal while the hub runs: ./kit hub --new-group ----
    done = classroom.new_group()
    said = done.stderr + done.stdout
    assert done.returncode == 0, said
    assert "smskit hub: new group: ended the logins and servers of 3 trainee(s)" in said
    assert "smskit hub: new group: removed passwords.json" in said
    assert "smskit hub: new group: removed classroom-roster.json" in said
    assert "smskit hub: new group ready: the hub keeps running" in said
    assert classroom.server.process.poll() is None  # the same hub, still up
    new_passwords = classroom.passwords()
    assert new_passwords["trainees"] != old_passwords["trainees"]
    assert new_passwords["admin"] != old_passwords["admin"]
    new_token = str(classroom.roster()["trainerToken"])
    assert new_token != old_token
    for name in NAMES:  # every home emptied: made anew with the class's settings only
        home = classroom.home(name)
        assert sorted(p.name for p in home.iterdir()) == [".jupyter"], name
        assert not (home / ".jupyter/lab/workspaces").exists()
    for token, status in ((old_token, 403), (new_token, 200)):
        assert requests.get(f"{classroom.sandbox_url}/_sandbox/class/roster", timeout=10,
                            headers={"Authorization": f"Bearer {token}"}
                            ).status_code == status
    # The last group's browser is logged out: its JupyterLab sends it to the hub's login.
    stale.goto(f"{classroom.url}/user/trainee02/lab", wait_until="domcontentloaded")
    stale.wait_for_url(f"{classroom.url}/hub/login**", timeout=30_000)
    stale.context.close()
    _next_group(browser, classroom, old_passwords)
    _dashboard(trainer, classroom, present=1, shot="next-group-dashboard.png")
    trainer.context.close()


def _in_chromium(step: Any, *args: Any) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            step(browser, *args)
        finally:
            browser.close()


def _the_state_is_private(classroom: Classroom) -> None:
    """Owners and modes as hub/README.md states them, before anyone logs in."""
    for path, mode in ((classroom.state, 0o711), (classroom.private, 0o700),
                       (classroom.state / "homes", 0o711)):
        info = path.stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (0, mode), path
    for name in ("passwords.json", "classroom-roster.json"):  # the token: see _session
        assert stat.S_IMODE((classroom.private / name).stat().st_mode) == 0o600, name
    for name in [*NAMES, "trainer"]:
        account = pwd.getpwnam(name)
        home = classroom.home(name)
        assert account.pw_dir == str(home) and account.pw_uid != 0
        info = home.stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (account.pw_uid, 0o700), name


def _session(browser: Browser, classroom: Classroom) -> tuple[Page, Page]:
    """The first group's session; returns a trainee's page (to see it logged out by the
    next group) and the trainer's (still logged in for the next group)."""
    password = classroom.passwords()["trainees"]
    roster = {row["name"]: row for row in classroom.roster()["trainees"]}  # type: ignore[attr-defined]
    # The class logs in at once (and the trainer with them): the hub starts every server
    # together, then each page lands in its JupyterLab.
    pages = {name: browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
             for name in [*NAMES, "trainer"]}
    for name, page in pages.items():
        submit_login(page, classroom, name,
                     classroom.passwords()["admin"] if name == "trainer" else password)
    for name, page in pages.items():
        wait_for_lab(page, classroom, name)
    trainer = pages.pop("trainer")
    for name in NAMES:
        home = classroom.home(name)
        offered = sorted(path.relative_to(home).as_posix() for path in home.rglob("*.ipynb")
                         if ".ipynb_checkpoints" not in path.parts)  # Lab's own, hidden there
        assert offered == sorted(LESSONS + EXERCISES), offered  # no dashboard, no solutions

    servers = _servers(classroom)
    for name in NAMES:  # each server runs as its trainee, with that trainee's secret only
        process = servers[name]
        assert process.uids().real == pwd.getpwnam(name).pw_uid
        env = process.environ()
        assert env["SMSKIT_USER_DOMAIN"] == roster[name]["userDomain"]
        assert env["SMSKIT_USER_DOMAIN_SECRET"] == roster[name]["secret"]
        others = [row["secret"] for other, row in roster.items() if other != name]
        assert not [secret for secret in others if secret in "\0".join(env.values())]

    for name in NAMES:
        page = pages[name]
        notebook = LabNotebook(page, f"{classroom.url}/user/{name}", EXERCISES[0]).open()
        cells = notebook.run_all()  # Run -> Run All Cells, placeholders everywhere
        notebook.assert_ran_cleanly(cells)
        answer = _cell(cells, lambda source: source.startswith("e1_signature = ..."))
        check = _cell(cells, lambda source: source.strip() == 'check("E1", e1_signature)')
        tries = 3 if name == STUCK else 1
        for attempt in range(1, tries + 1):
            _run_cell(page, answer, f"e1_signature = {E1_WRONG}")
            verdict = _run_cell(page, check)
            assert f"attempt {attempt})" in verdict and f"hint {attempt}/3" in verdict, verdict
        if name == STUCK:
            assert "The same mistake 3 times in a row" in verdict, verdict
            full_screenshot(page, SHOTS / "stuck-trainee-e1.png",
                            scroller=".jp-NotebookPanel:not(.lm-mod-hidden) "
                                     ".jp-WindowedPanel-outer")
        else:
            _run_cell(page, answer, f'e1_signature = "{E1_RIGHT}"')
            verdict = _run_cell(page, check)
            assert "E1 ✓ 通过 / passed (第 2 次 / attempt 2)" in verdict, verdict
            if name == NAMES[0]:
                notebook.screenshot(SHOTS / "trainee-e1-passed.png")
        sent = page.evaluate(_EXECUTE, _SEND.format(phone=PHONES[name]))
        assert sent.strip() == (f"{classroom.sandbox_url} {roster[name]['userDomain']} {OK}\n"
                                f"my outbox: ['{PHONES[name]}']"), sent

    # A curious trainee's kernel looks for the class's secrets and another's environment.
    token = classroom.private / "classroom-trainer-token"  # written by the sandbox service
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    peek = _PEEK.format(state=classroom.state, other="trainee02",
                        other_pid=servers["trainee02"].pid, hub_pid=classroom.server.pid)
    assert pages["trainee01"].evaluate(_EXECUTE, peek).strip() == _PEEK_EXPECTED

    # The trainer: attendance, then the dashboard in their own JupyterLab.
    attendance = (classroom.home("trainer") / "attendance.csv").read_text(encoding="utf-8")
    lines = attendance.splitlines()
    assert lines[0] == "trainee,first login,last login,logins"
    assert [line.split(",")[0] for line in lines[1:]] == NAMES
    assert all(re.fullmatch(r"trainee0\d,20\d\d-.+,20\d\d-.+,1", line) for line in lines[1:])
    home = classroom.home("trainer")
    assert (home / "trainer-dashboard.ipynb").exists()
    assert (home / "exercises/solutions/1-signing.ipynb").exists()
    _dashboard(trainer, classroom, present=3, shot="trainer-dashboard.png")
    for name, page in pages.items():
        if name != "trainee02":
            page.context.close()
    return pages["trainee02"], trainer


def _dashboard(page: Page, classroom: Classroom, *, present: int, shot: str) -> None:
    """The trainer runs their dashboard (the next group: presses Refresh): each row as the
    sandbox counted it, and who logged in (the hub's attendance): all three of the first
    group, one of the next so far."""
    notebook = LabNotebook(page, f"{classroom.url}/user/trainer", "trainer-dashboard.ipynb")
    summary = page.locator(".smskit-dashboard-summary")
    if present == TRAINEES:
        notebook.open()
        notebook.assert_ran_cleanly(notebook.run_all())
    else:  # the next group: the trainer presses Refresh on the open dashboard
        page.set_viewport_size(VIEWPORT)  # as before the first screenshot grew it
        page.locator(".smskit-dashboard-refresh").click()
    expect(summary).to_contain_text(f"class: logged in {present}/{TRAINEES}", timeout=60_000)
    rows = {name: page.locator("tr").filter(has_text=name).first for name in NAMES}
    for index, (name, row) in enumerate(rows.items()):
        row.wait_for(timeout=30_000)
        text = row.inner_text()
        logged_in = index < present
        assert bool(re.search(r"\b\d\d:\d\d:\d\d\b", text)) == logged_in, (name, text)
        if present < TRAINEES:  # the next group: nothing sent yet
            assert "stuck" not in text and f"{OK} ×" not in text, (name, text)
            continue
        assert f"{OK} × 1" in text, (name, text)  # the send, seen by the sandbox
        if name == STUCK:
            assert "stuck: E1 same mistake" in text, text
        else:
            assert "E1" in text and "stuck" not in text, text
    notebook.screenshot(SHOTS / shot)


def _next_group(browser: Browser, classroom: Classroom, old: dict[str, str]) -> None:
    page = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    page.goto(f"{classroom.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", NAMES[0])
    page.fill("#password_input", old["trainees"])
    page.click("#login_submit")
    page.wait_for_load_state("domcontentloaded")
    assert "Invalid username or password" in page.inner_text("body")  # last group's

    log_in(page, classroom, NAMES[0], classroom.passwords()["trainees"])
    page.wait_for_function("""() => {
      const app = window.jupyterapp;
      const panel = app && app.shell.currentWidget;
      return !!(panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel
                && panel.sessionContext.session.kernel.status === 'idle');
    }""", timeout=60_000, polling=200)
    opened = page.evaluate("""() => Array.from(window.jupyterapp.shell.widgets('main'))
                                   .map(w => w.title.label)""")
    assert opened == ["01-quickstart.ipynb"], opened  # no tabs of the last group
    assert page.locator(".jp-Dialog").count() == 0  # no Select Kernel dialog
    # The tab opens unmodified: the fresh copy already holds what the kernel reports.
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty"
                         ) is False
    assert page.locator(".jp-mod-dirty").count() == 0
    page.screenshot(path=str(SHOTS / "next-group-first-login.png"))
    home = classroom.home(NAMES[0])
    assert not (home / ".smskit" / "progress.json").exists()
    notebook = json.loads((home / EXERCISES[0]).read_text(encoding="utf-8"))
    answers = [cell for cell in notebook["cells"]
               if "".join(cell["source"]).startswith("e1_signature =")]
    assert "".join(answers[0]["source"]).startswith("e1_signature = ...")
    token = classroom.roster()["trainerToken"]
    dashboard = requests.get(f"{classroom.sandbox_url}/_sandbox/class/dashboard", timeout=10,
                             headers={"Authorization": f"Bearer {token}"}).json()
    assert [row["requests"] for row in dashboard["trainees"]] == [0, 0, 0], dashboard
    page.context.close()


def _servers(classroom: Classroom) -> dict[str, psutil.Process]:
    """Each trainee's JupyterLab among the hub's processes. A process that has just exited
    (gone, or a zombie not yet reaped: the hub's short-lived helpers) is passed over; a
    trainee without a running server is then missing, and the caller's lookup fails."""
    found = {}
    for process in classroom.descendants():
        with contextlib.suppress(psutil.NoSuchProcess):  # psutil.ZombieProcess included
            if "jupyterhub-singleuser" in " ".join(process.cmdline()):
                found[process.environ()["JUPYTERHUB_USER"]] = process
    return found


def _cell(cells: list[CodeCell], wanted: Callable[[str], bool]) -> int:
    """The index of the one code cell whose source is ``wanted``: E1's answer and check
    cells in the trainees' edition, each exercise with names of its own (issue 18)."""
    found = [cell.index for cell in cells if wanted(cell.source)]
    assert len(found) == 1, [cell.source[:60] for cell in cells]
    return found[0]


def _run_cell(page: Page, index: int, source: str | None = None) -> str:
    text: str = page.evaluate(_RUN_CELL, [index, source])
    return text
