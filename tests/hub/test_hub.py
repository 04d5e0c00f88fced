"""The hub classroom end to end: a real JupyterHub with ``hub/jupyterhub_config.py``, its
real configurable-http-proxy, three trainees logged in through headless Chromium, each
running the quickstart in their own JupyterLab and reaching the shared classroom sandbox
with their own user domain and secret.

Expectations are page facts (code 200 is the platform's success) and what the test itself
set up (names, ports, passwords); nothing is read back from smskit.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.browser.lab import LabNotebook
from tests.browser.servers import NOTEBOOK_DIR
from tests.hub.classroom import Classroom, log_in, start_classroom, wait_for_sandbox

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.browser]

TRAINEES = 3
QUICKSTART = "01-quickstart.ipynb"
OK = 200  # the platform's documented success code
#: One phone per trainee: the sandbox limits sends per phone and codeType.
PHONES = ["13612345671", "13612345672", "13612345673"]

#: Run in a trainee's kernel, as they would in a cell: the shared sandbox with the URL and
#: credentials their server's environment carries.
_SEND_THROUGH_SHARED_SANDBOX = """\
from smskit import CodeType
from smskit.client import SmsClient
client = SmsClient.from_env()
print("shared sandbox", client.base_url, "as", client.user_domain, "answered",
      client.send_code({phone!r}, CodeType.REGISTER).code)
"""

#: Execute code in the notebook's kernel through JupyterLab's own kernel connection and
#: return its stdout (and any error as ``ename: evalue``).
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


def test_three_trainees_run_the_quickstart_and_reach_the_shared_sandbox(tmp_path: Path) -> None:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing (run ./kit setup)", pytrace=False)
    classroom = start_classroom(tmp_path, TRAINEES)
    left: list[str] = []
    try:
        health = wait_for_sandbox(classroom)
        assert health["status"] == "ok"
        # A thread of its own: playwright's sync API allows one instance per thread, and the
        # browser tests' session-long Chromium (tests/browser/conftest.py) may hold this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_run_class_in_chromium, classroom).result()
        commands = [" ".join(process.cmdline()) for process in classroom.descendants()]
        # What the leftover check below covers: the proxy, the sandbox, each trainee server.
        assert [c for c in commands if "configurable-http-proxy" in c], commands
        assert [c for c in commands if "-m smskit classroom --roster" in c], commands
        trainee_servers = [c for c in commands if "jupyterhub-singleuser" in c]
        assert len(trainee_servers) == TRAINEES, commands
    finally:
        left = classroom.stop()
    assert left == [], f"still running after the hub stopped: {left}"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{classroom.sandbox_url}/_sandbox/health", timeout=5)


def _run_class_in_chromium(classroom: Classroom) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            _run_class(browser, classroom)
        finally:
            browser.close()


def _run_class(browser: Browser, classroom: Classroom) -> None:
    roster = json.loads((classroom.state / "classroom-roster.json").read_text(encoding="utf-8"))
    domains = {row["name"]: row["userDomain"] for row in roster["trainees"]}
    expected_notebooks = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
    for name, phone in zip(classroom.trainees, PHONES, strict=True):
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        try:
            page = context.new_page()
            log_in(page, classroom, name)
            home = classroom.home(name)
            assert sorted(path.name for path in home.glob("*.ipynb")) == expected_notebooks
            fresh = json.loads((home / QUICKSTART).read_text(encoding="utf-8"))
            assert all(not cell.get("outputs") for cell in fresh["cells"])

            notebook = LabNotebook(page, f"{classroom.url}/user/{name}", QUICKSTART).open()
            cells = notebook.run_all()
            notebook.assert_ran_cleanly(cells)
            sent = page.locator(".jp-OutputArea-output").filter(has_text=f"code: {OK} |")
            assert sent.count() == 1, "the quickstart's send shows code 200 in the page"

            answer = page.evaluate(_EXECUTE, _SEND_THROUGH_SHARED_SANDBOX.format(phone=phone))
            assert answer.strip() == (f"shared sandbox {classroom.sandbox_url} as "
                                      f"{domains[name]} answered {OK}"), answer
            notebook.shutdown_kernels()
        finally:
            context.close()
    outbox_url = f"{classroom.sandbox_url}/_sandbox/outbox"
    assert requests.get(outbox_url, timeout=10).status_code == 401  # the class is private
    outbox = requests.get(outbox_url, timeout=10, headers={
        "Authorization": f"Bearer {roster['trainerToken']}"}).json()
    assert sorted((row["userDomain"], row["phone"]) for row in outbox["deliveries"]) == sorted(
        zip((domains[name] for name in classroom.trainees), PHONES, strict=True)), outbox

