"""``./kit lab --zh`` as a trainee sees it: JupyterLab's menus and launcher in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.servers import (
    ROOT,
    SCREENSHOTS,
    ServerProcess,
    free_port,
    isolated_jupyter_env,
)

pytestmark = pytest.mark.browser

#: JupyterLab's main menu as the zh-CN language pack names it (File ... Help).
MENUS_ZH = ["文件", "编辑", "查看", "运行", "内核", "标签页", "设置", "帮助"]


@pytest.fixture
def chinese_lab(tmp_path: Path) -> Iterator[ServerProcess]:
    """The README's command, ``./kit lab --zh``, on a free port with fresh Jupyter dirs."""
    port = free_port()
    command = [str(ROOT / "kit"), "lab", "--zh", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--ServerApp.password="]
    server = ServerProcess("jupyterlab-zh", command, env=isolated_jupyter_env(tmp_path),
                           cwd=ROOT, port=port)
    try:
        server.wait_ready("/api/status")
        yield server
    finally:
        server.stop()


def test_lab_opens_in_chinese(page: Page, chinese_lab: ServerProcess) -> None:
    page.goto(f"{chinese_lab.url}/lab")
    menu = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
    expect(menu).to_have_text(MENUS_ZH)
    expect(page.locator(".jp-Launcher-sectionTitle").first).to_have_text("笔记本")
    page.screenshot(path=str(SCREENSHOTS / "lab-zh.png"))
