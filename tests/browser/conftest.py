"""Browser fixtures: Debian's Chromium driven by playwright, JupyterLab and Voilà servers.

- ``browser``: one headless Chromium for the session (``/usr/bin/chromium``; the tests
  fail, not skip, when it is missing: ``./kit setup`` installs it).
- ``lab_server``: one JupyterLab for the session, serving a temporary copy of
  ``notebooks/`` (outputs stripped) with isolated Jupyter directories.
- ``page``: a fresh browser context and page per test. When a test fails, a screenshot,
  the page's console log and the servers' log tails go to ``test-artifacts/failures/``
  (saved by ``pytest_runtest_makereport``, before any fixture is torn down).
- ``open_notebook``: opens a notebook in a fresh JupyterLab workspace and, afterwards, shuts
  down every kernel of the server so that tests do not share the two cores.
- ``voila_app``: Voilà serving ``app.ipynb`` (from a temporary copy) for one test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Error, Page, ViewportSize, expect, sync_playwright

from tests.browser.lab import LabNotebook
from tests.browser.servers import (
    ARTIFACTS,
    NOTEBOOK_DIR,
    ServerProcess,
    copy_notebooks,
    free_port,
    isolated_jupyter_env,
    jupyterlab_command,
    shutdown_all_kernels,
    voila_command,
)

CHROMIUM = Path("/usr/bin/chromium")
#: The flags that worked here (docs/testing-notebooks.md); playwright adds its own --headless.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FAILURES = ARTIFACTS / "failures"
#: Default bound for each playwright wait (a widget appears within a second or two).
ACTION_TIMEOUT_MS = 30_000
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
#: Bound for each ``expect(...)`` (playwright's default is 5 s; CI has 2 busy cores).
EXPECT_TIMEOUT_MS = 20_000

expect.set_options(timeout=EXPECT_TIMEOUT_MS)

_CONSOLE = pytest.StashKey[list[str]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[
        None, pytest.TestReport, pytest.TestReport]:
    """On a failure, save what helps debugging at once, before any fixture is torn down
    (kernels shut down, servers stopped)."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        _save_failure(item)
    return report


def _save_failure(item: pytest.Item) -> None:
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:150]
    console = item.stash.get(_CONSOLE, [])
    page = funcargs.get("page")
    if isinstance(page, Page) and not page.is_closed():
        try:
            page.screenshot(path=str(FAILURES / f"{stem}.png"), full_page=True,
                            timeout=10_000)
        except Error as error:
            console.append(f"[screenshot failed] {error}")
    if console:
        (FAILURES / f"{stem}.console.log").write_text("\n".join(console) + "\n",
                                                      encoding="utf-8")
    for value in funcargs.values():
        if isinstance(value, ServerProcess):
            (FAILURES / f"{stem}.{value.name}.log").write_text(value.log_tail(300) + "\n",
                                                               encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(run ./kit setup, or: apt-get install -y chromium fonts-wqy-microhei)",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def jupyter_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jupyter-home")


@pytest.fixture(scope="session")
def served_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_notebooks(tmp_path_factory.mktemp("served") / "notebooks")


@pytest.fixture(scope="session")
def lab_server(jupyter_home: Path, served_notebooks: Path) -> Iterator[ServerProcess]:
    port = free_port()
    server = ServerProcess("jupyterlab", jupyterlab_command(port, served_notebooks),
                           env=isolated_jupyter_env(jupyter_home / "lab"),
                           cwd=served_notebooks, port=port)
    try:
        server.wait_ready("/api/status")
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context (no shared storage) and page; its console is kept for failures."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    console = request.node.stash.setdefault(_CONSOLE, [])
    new_page = context.new_page()
    new_page.on("console", lambda message: console.append(f"[{message.type}] {message.text}"))
    new_page.on("pageerror", lambda error: console.append(f"[pageerror] {error}"))
    try:
        yield new_page
    finally:
        context.close()


@contextmanager
def notebook_opener(page: Page, lab: ServerProcess,
                    folder: Path) -> Iterator[Callable[[str], LabNotebook]]:
    """``open_(name)`` opens ``<folder>/<name>`` as served by ``lab``; on leaving, every kernel
    is stopped and none may be left running, so each test has both cores."""
    opened: list[LabNotebook] = []

    def open_(name: str) -> LabNotebook:
        if not (folder / name).is_file():
            pytest.fail(f"{folder.name}/{name} does not exist", pytrace=False)
        notebook = LabNotebook(page, lab.url, name).open()
        opened.append(notebook)
        return notebook

    try:
        yield open_
    finally:
        if opened:
            try:
                opened[-1].shutdown_kernels()
            finally:
                shutdown_all_kernels(lab)  # whatever the page could not stop
        leftover = requests.get(f"{lab.url}/api/kernels", timeout=10).json()
        assert leftover == [], f"kernels still running after the test: {leftover}"


@pytest.fixture
def open_notebook(page: Page,
                  lab_server: ServerProcess) -> Iterator[Callable[[str], LabNotebook]]:
    """``open_notebook(name)`` opens ``notebooks/<name>`` (the served copy)."""
    with notebook_opener(page, lab_server, NOTEBOOK_DIR) as open_:
        yield open_


@pytest.fixture
def voila_app(jupyter_home: Path, served_notebooks: Path) -> Iterator[ServerProcess]:
    port = free_port()
    server = ServerProcess("voila", voila_command(port, served_notebooks / "app.ipynb"),
                           env=isolated_jupyter_env(jupyter_home / "voila"),
                           cwd=served_notebooks, port=port)
    try:
        server.wait_ready("/voila/static/voila.js")  # the app's own bundle
        yield server
    finally:
        server.stop()
