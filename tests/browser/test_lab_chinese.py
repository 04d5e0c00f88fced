"""``./kit lab --zh`` as a trainee sees it: JupyterLab's menus, launcher and REST API in
Chinese, for the kit's Lab only.

The kit writes JupyterLab's language setting into a folder of this checkout and points
``JUPYTERLAB_SETTINGS_DIR`` at it. One ``./kit lab --zh`` serves the REST and the browser
test. The tests of which language writes the setting are here too: they remove that setting
file, which this Lab reads (from another file they could run beside it on the other worker).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
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
SETTING = (ROOT / ".lab-zh" / "user-settings" / "@jupyterlab" / "translation-extension"
           / "plugin.jupyterlab-settings")


@pytest.fixture(scope="module")
def chinese_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The README's command, ``./kit lab --zh``, on a free port with fresh Jupyter dirs; the
    setting is removed first, so that the kit must write it."""
    SETTING.unlink(missing_ok=True)
    port = free_port()
    command = [str(ROOT / "kit"), "lab", "--zh", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--ServerApp.password="]
    env = isolated_jupyter_env(tmp_path_factory.mktemp("kit-lab-zh"))
    env = {k: v for k, v in env.items() if k not in ("LC_ALL", "LANG")} | {"LANG": "C.UTF-8"}
    server = ServerProcess("kit-lab-zh", command, env=env, cwd=ROOT, port=port)
    try:
        server.wait_ready("/api/status")
        yield server
    finally:
        server.stop()


def _get(url: str) -> dict[str, object]:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text[:500]
    answer: dict[str, object] = response.json()
    return answer


def test_kit_lab_zh_writes_the_setting_and_lab_answers_in_chinese(
        chinese_lab: ServerProcess) -> None:
    url = chinese_lab.url
    assert json.loads(SETTING.read_text(encoding="utf-8")) == {"locale": "zh_CN"}

    # Lab reads its language setting from the kit's folder...
    plugin = _get(f"{url}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert plugin["settings"] == {"locale": "zh_CN"}
    assert plugin["schema"]["title"] == "语言"  # type: ignore[index]  # schemas translated too
    # ...knows the pack, and names the languages in Chinese because that is its locale now...
    packs = _get(f"{url}/lab/api/translations/")["data"]
    assert packs["zh_CN"]["nativeName"].startswith("中文")  # type: ignore[index]
    assert packs["en"]["displayName"] == "英语"  # type: ignore[index]
    # ...and serves the pack's translations of its own menus.
    pack = _get(f"{url}/lab/api/translations/zh_CN")
    assert pack["message"] == ""
    assert pack["data"]["jupyterlab"]["Edit"] == ["编辑"]  # type: ignore[index]
    # Kernels inherit the kit's language from the server (the kit execs Lab: same process).
    environ = Path(f"/proc/{chinese_lab.pid}/environ").read_bytes().split(b"\0")
    assert b"SMSKIT_LANG=zh" in environ
    # The reader lands on the Chinese edition's file list (notebooks/zh/).
    landing = requests.get(f"{url}/", timeout=30, allow_redirects=False)
    assert landing.status_code == 302
    assert landing.headers["Location"].split("?")[0].endswith("/lab/tree/zh")
    listing = _get(f"{url}/api/contents/zh")
    names = {item["name"] for item in listing["content"]}  # type: ignore[attr-defined]
    assert {"01-quickstart.ipynb", "app.ipynb", "exercises"} <= names


def test_lab_opens_in_chinese(page: Page, chinese_lab: ServerProcess) -> None:
    page.goto(f"{chinese_lab.url}/lab")
    menu = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
    expect(menu).to_have_text(MENUS_ZH)
    expect(page.locator(".jp-Launcher-sectionTitle").first).to_have_text("笔记本")
    page.screenshot(path=str(SCREENSHOTS / "lab-zh.png"))


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMSKIT_", "JUPYTERLAB_")) and k not in ("LC_ALL", "LANG")}
    env.update({"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "IPYTHONDIR": str(tmp_path / "ipy"),
                "LANG": "C.UTF-8", **extra})
    return env


@pytest.mark.parametrize(("env", "chinese"), [({"SMSKIT_LANG": "en"}, False),
                                              ({}, False),
                                              ({"LANG": "zh_CN.UTF-8"}, True),
                                              ({"SMSKIT_LANG": "zh"}, True)])
def test_lab_settings_only_when_the_kits_language_is_chinese(
    env: dict[str, str], chinese: bool, tmp_path: Path,
) -> None:
    SETTING.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "lab_language.py")],
                          capture_output=True, text=True, env=_environment(tmp_path, **env),
                          timeout=60, check=True)
    if chinese:
        assert done.stdout == f"{ROOT / '.lab-zh' / 'user-settings'}\n"
        assert json.loads(SETTING.read_text(encoding="utf-8")) == {"locale": "zh_CN"}
    else:
        assert done.stdout == "" and not SETTING.exists()
