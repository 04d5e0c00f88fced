"""``./kit lab --zh`` opens JupyterLab with its own menus in Chinese, for the kit's Lab only.

The kit writes JupyterLab's language setting into a folder of this checkout and points
``JUPYTERLAB_SETTINGS_DIR`` at it; the proof is Lab's own REST API answering in Chinese.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SETTING = (ROOT / ".lab-zh" / "user-settings" / "@jupyterlab" / "translation-extension"
           / "plugin.jupyterlab-settings")
TOKEN = "lab-language-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMSKIT_", "JUPYTERLAB_")) and k not in ("LC_ALL", "LANG")}
    env.update({"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "IPYTHONDIR": str(tmp_path / "ipy"),
                "LANG": "C.UTF-8", **extra})
    return env


@pytest.fixture
def chinese_lab(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """``./kit lab --zh`` on a free port; yields its URL and process id."""
    SETTING.unlink(missing_ok=True)
    port = _free_port()
    log = tmp_path / "lab.log"
    with log.open("wb") as sink:
        lab = subprocess.Popen([str(ROOT / "kit"), "lab", "--zh", "--no-browser",
                                "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                                f"--IdentityProvider.token={TOKEN}"],
                               stdout=sink, stderr=subprocess.STDOUT,
                               env=_environment(tmp_path), start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not re.search(rf"127\.0\.0\.1:{port}/lab", log.read_text(errors="replace")):
            assert lab.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
            time.sleep(0.2)  # polling interval for the server's start line
        _wait_until_it_answers(url, lab, log, deadline)
        yield url, lab.pid
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()


def _wait_until_it_answers(url: str, lab: subprocess.Popen[bytes], log: Path,
                           deadline: float) -> None:
    """The start line is printed before the server takes connections on a busy machine: ask
    ``/api/status`` until it answers (a server that died or never answers still fails)."""
    while True:
        assert lab.poll() is None, log.read_text(errors="replace")[-2000:]
        try:
            if requests.get(f"{url}/api/status", headers={"Authorization": f"token {TOKEN}"},
                            timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.2)  # polling interval for the server's first answer


def _get(url: str) -> dict[str, object]:
    response = requests.get(url, headers={"Authorization": f"token {TOKEN}"}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    answer: dict[str, object] = response.json()
    return answer


def test_kit_lab_zh_writes_the_setting_and_lab_answers_in_chinese(
    chinese_lab: tuple[str, int],
) -> None:
    url, pid = chinese_lab
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
    # Kernels inherit the kit's language from the server.
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"SMSKIT_LANG=zh" in environ
    # The reader lands on the Chinese edition's file list (notebooks/zh/).
    landing = requests.get(f"{url}/?token={TOKEN}", timeout=30, allow_redirects=False)
    assert landing.status_code == 302
    assert landing.headers["Location"].split("?")[0].endswith("/lab/tree/zh")
    listing = _get(f"{url}/api/contents/zh")
    names = {item["name"] for item in listing["content"]}  # type: ignore[attr-defined]
    assert {"01-quickstart.ipynb", "app.ipynb", "exercises"} <= names


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
