"""``./kit``: its help, its refusal of unknown commands, its set-up scripts, and the
README's first command really opening JupyterLab on the notebooks."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_kit_lab_serves_the_notebooks(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "IPYTHONDIR": str(tmp_path / "ipy")}
    log = tmp_path / "lab.log"
    with log.open("wb") as sink:
        lab = subprocess.Popen([str(ROOT / "kit"), "lab", "--no-browser", "--ip=127.0.0.1",
                                f"--port={port}", "--ServerApp.port_retries=0"],
                               stdout=sink, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)
    try:
        token = None
        deadline = time.monotonic() + 60
        while token is None and time.monotonic() < deadline:
            assert lab.poll() is None, log.read_text(errors="replace")[-2000:]
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)",
                              log.read_text(errors="replace"))
            token = found.group(1) if found else None
            time.sleep(0.2)
        assert token, log.read_text(errors="replace")[-2000:]
        contents = requests.get(f"http://127.0.0.1:{port}/api/contents",
                                params={"token": token}, timeout=10).json()
        names = {item["name"] for item in contents["content"]}
        assert {"01-quickstart.ipynb", "06-going-live.ipynb", "app.ipynb"} <= names
        assert requests.get(f"http://127.0.0.1:{port}/lab", params={"token": token},
                            timeout=10).status_code == 200
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()


def _kit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "kit"), *args], capture_output=True, text=True,
                          timeout=30, check=False)


def test_help_lists_every_command_and_no_shell_code() -> None:
    done = _kit("help")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for command in ("lab", "test", "voila", "sandbox", "bench", "setup", "help"):
        assert re.search(rf"^  \./kit {command}\b", done.stdout, re.MULTILINE), command
    assert "scripts/setup_*.sh" in done.stdout  # where extra set-up steps go
    assert "set -euo" not in done.stdout
    assert not any(line.startswith("#") for line in done.stdout.splitlines())


def test_no_command_prints_the_help() -> None:
    assert _kit().stdout == _kit("help").stdout


def test_an_unknown_command_is_named_on_stderr_with_the_help_and_exit_2() -> None:
    done = _kit("nonsense")
    assert done.returncode == 2
    assert done.stdout == ""
    first, *rest = done.stderr.splitlines()
    assert first == "kit: unknown command 'nonsense'"
    assert "\n".join(rest) + "\n" == _kit("help").stdout


def _kit_copy(tmp_path: Path, hooks: dict[str, str]) -> Path:
    """``kit`` and ``pyproject.toml`` in a fresh directory whose ``test`` extra counts as
    installed (its stamp holds pyproject.toml's SHA-256), with the given set-up scripts."""
    shutil.copy2(ROOT / "kit", tmp_path / "kit")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    stamp = tmp_path / ".venv" / ".kit-installed-test"
    stamp.parent.mkdir()
    stamp.write_text(hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest() + "\n")
    (tmp_path / "scripts").mkdir()
    for name, body in hooks.items():
        (tmp_path / "scripts" / name).write_text(body)
    return tmp_path


def test_setup_runs_every_setup_script_in_name_order(tmp_path: Path) -> None:
    copy = _kit_copy(tmp_path, {
        "setup_b.sh": 'echo "b $(pwd)" >> ran\n',
        "setup_a.sh": "echo a >> ran\n",
        "other.sh": "echo other >> ran\n",
    })
    done = subprocess.run([str(copy / "kit"), "setup"], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "installing" not in done.stderr  # the stamp is current: nothing reinstalled
    assert (copy / "ran").read_text().splitlines() == ["a", f"b {copy}"]


def test_a_failing_setup_script_stops_the_kit(tmp_path: Path) -> None:
    copy = _kit_copy(tmp_path, {"setup_a.sh": "exit 3\n", "setup_b.sh": "echo b >> ran\n"})
    done = subprocess.run([str(copy / "kit"), "setup"], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 3
    assert not (copy / "ran").exists()


def _voila_page(tmp_path: Path, *args: str) -> str:
    """``./kit voila ARGS`` on a free port: the app's page as Voilà renders it."""
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")},
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "IPYTHONDIR": str(tmp_path / "ipy"),
           "LANG": "C.UTF-8"}
    log = tmp_path / "voila.log"
    with log.open("wb") as sink:
        voila = subprocess.Popen([str(ROOT / "kit"), "voila", *args, f"--port={port}"],
                                 stdout=sink, stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while f"127.0.0.1:{port}" not in log.read_text(errors="replace"):
            assert voila.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
            time.sleep(0.2)  # polling interval for Voilà's start line
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=120)
        assert page.status_code == 200
        return page.content.decode("utf-8")  # no charset in its Content-Type
    finally:
        os.killpg(voila.pid, signal.SIGTERM)
        try:
            voila.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(voila.pid, signal.SIGKILL)
            voila.wait()


def test_kit_voila_zh_serves_the_chinese_app(tmp_path: Path) -> None:
    chinese = _voila_page(tmp_path, "--zh")
    assert "本页面连接的是一个" in chinese and "请求构建器" in chinese  # notebooks/zh/app
    assert "This page talks to" not in chinese
    assert "A snapshot of the widget" not in chinese and ">Request builder<" not in chinese
