"""``smskit sandbox``'s machine interface, as a test suite in another language uses it: a real
child process, its ready file, JSON events, the rule flags, SIGTERM and SIGINT."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fixtures.sandbox import API_PATH, START_MS, domain_secret, page_signature

PHONE = "13800138000"


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start ``smskit sandbox --port 0 --ready-file`` and wait for the ready file alone."""
    ready = tmp_path / "sandbox.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "smskit", "sandbox", "--port", "0", "--ready-file", str(ready),
         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 20
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no ready file within 20 s"
        time.sleep(0.02)
    return process, json.loads(ready.read_text(encoding="utf-8"))


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[str, str]:
    process.send_signal(signum)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return out, err


def signed(info: dict[str, Any], *, ts: int, code_type: str = "3",
           secret: str | None = None) -> dict[str, str]:
    key = secret if secret is not None else domain_secret("sandbox-demo")
    random_text = "76a6L647F02CAoN9"
    return {"phone": PHONE, "codeType": code_type, "internationalCode": "86",
            "random": random_text, "ts": str(ts), "userDomain": info["demoDomain"],
            "signature": page_signature(phone=PHONE, code_type=code_type,
                                        random_text=random_text, ts=ts, secret=key)}


def send(info: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    answer = requests.post(info["url"] + API_PATH, params=query, timeout=10)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def test_the_ready_file_says_everything_a_test_needs_and_is_owner_only(tmp_path: Path) -> None:
    process, info = start(tmp_path, "--quiet")
    try:
        ready = tmp_path / "sandbox.json"
        assert stat.S_IMODE(ready.stat().st_mode) == 0o600
        assert info["url"] == f"http://127.0.0.1:{info['port']}" and info["port"] > 0
        assert info["pid"] == process.pid and info["version"] == "0.2.0"
        assert info["endpoint"] == info["url"] + API_PATH
        secrets = {row["name"]: row["secret"] for row in info["domains"]}
        assert secrets["sandbox-demo"] == domain_secret("sandbox-demo")
        assert info["sandboxOnly"] is True
        health = requests.get(info["url"] + "/_sandbox/health", timeout=5)
        assert health.json()["status"] == "ok"  # listening when the file appeared
        assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"]  # no temporary left
    finally:
        stop(process)
    assert not ready.exists()  # removed on a clean exit


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_it_cleanly(tmp_path: Path, signum: int) -> None:
    process, info = start(tmp_path)
    out, err = stop(process, signum)
    assert "Traceback" not in err and "stopped" in out
    with pytest.raises(requests.ConnectionError):
        requests.get(info["url"] + "/_sandbox/health", timeout=2)


def test_json_log_is_one_event_per_line_with_secrets_masked(tmp_path: Path) -> None:
    process, info = start(tmp_path, "--log-format", "json", "--fixed-clock", str(START_MS))
    secret = domain_secret("sandbox-demo")
    try:
        assert send(info, signed(info, ts=START_MS))["code"] == 200
        leaked = signed(info, ts=START_MS, code_type="2")
        leaked["random"] = secret[:16]  # a client that put part of it in a field
        leaked["userDomain"] = secret  # and the secret itself in another
        send(info, leaked)
    finally:
        out, _ = stop(process)
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["ready", "request", "request", "stopped"]
    assert events[0]["port"] == info["port"]
    assert all("secret" not in row for row in events[0]["domains"])
    assert events[1]["check"] == "delivered" and events[1]["code"] == 200
    assert events[1]["params"]["phone"] == PHONE and events[1]["timeMs"] == START_MS
    assert secret not in out


def test_rate_limits_off_and_a_fixed_clock(tmp_path: Path) -> None:
    process, info = start(tmp_path, "--quiet", "--rate-limits", "off",
                          "--fixed-clock", str(START_MS))
    try:
        clock = requests.get(info["clockUrl"], timeout=5).json()
        assert clock["nowMs"] == START_MS and clock["frozen"] is True
        codes = [send(info, signed(info, ts=START_MS))["code"] for _ in range(7)]
        assert codes == [200] * 7  # the default policy answers 5058 from the second
    finally:
        stop(process)


def test_rate_limits_on_by_default_and_a_clock_offset(tmp_path: Path) -> None:
    process, info = start(tmp_path, "--quiet", "--clock-offset", "-3600000")
    try:
        clock = requests.get(info["clockUrl"], timeout=5).json()
        assert -3_600_100 <= clock["offsetMs"] <= -3_599_900 and clock["frozen"] is False
        now = clock["nowMs"]
        assert [send(info, signed(info, ts=now))["code"] for _ in range(2)] == [200, 5058]
        wall = int(time.time() * 1000)  # an hour ahead of the sandbox: outside 10 minutes
        assert send(info, signed(info, ts=wall, code_type="2"))["code"] == 5145
    finally:
        stop(process)


@pytest.mark.parametrize("args,named", [
    (["--rate-limits", "maybe"], "--rate-limits"), (["--fixed-clock", "soon"], "--fixed-clock"),
    (["--fixed-clock", "1", "--clock-offset", "1"], "--clock-offset"),
    (["--fixed-clock", "-5"], "--fixed-clock"), (["--log-format", "xml"], "--log-format"),
])
def test_bad_flags_are_one_line_exit_2(args: list[str], named: str) -> None:
    done = subprocess.run([sys.executable, "-m", "smskit", "sandbox", "--port", "0", *args],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and named in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_an_unwritable_ready_file_is_exit_2_and_nothing_keeps_listening(tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    done = subprocess.run([sys.executable, "-m", "smskit", "sandbox", "--port", "0", "--quiet",
                           "--ready-file", str(target)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2 and "--ready-file" in done.stderr
    assert target.is_dir() and list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["a-folder"]  # no temporary left


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "smskit", "--version"], capture_output=True,
                          text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "smskit 0.2.0\n")


def _refused(*args: str, lang: str) -> str:
    """``smskit sandbox ARGS --lang LANG`` refused before serving: its one line of stderr."""
    done = subprocess.run([sys.executable, "-m", "smskit", "sandbox", *args, "--lang", lang],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode in (1, 2) and done.stdout == ""
    return done.stderr.strip()


@pytest.mark.parametrize("lang,expected", [
    ("en", "smskit sandbox: error: --port must be 0-65535, not 65536"),
    ("zh", "smskit sandbox 出错。--port 必须在 0 到 65535 之间，收到的是 65536"),
])
def test_a_port_out_of_range_in_each_language(lang: str, expected: str) -> None:
    assert _refused("--port", "65536", lang=lang) == expected


@pytest.mark.parametrize("lang,expected", [
    ("en", "smskit sandbox: error: --fixed-clock must be epoch milliseconds (13 digits), "
           "not 10000000000000"),
    ("zh", "smskit sandbox 出错。--fixed-clock 必须是毫秒时间戳（13 位数字），"
           "收到的是 10000000000000"),
])
def test_a_fixed_clock_past_13_digits_in_each_language(lang: str, expected: str) -> None:
    assert _refused("--port", "0", "--fixed-clock", "10000000000000", lang=lang) == expected


@pytest.mark.parametrize("lang,expected", [
    ("en", "smskit sandbox: cannot listen on 127.0.0.1:{port}: Address already in use "
           "(pass --port 0 for a free port)"),
    ("zh", "smskit sandbox: 无法在 127.0.0.1 的 {port} 端口上监听（Address already in use），"
           "用 --port 0 可让系统选一个空闲端口"),
])
def test_a_port_in_use_in_each_language(lang: str, expected: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert _refused("--port", str(port), "--quiet", lang=lang) == expected.format(port=port)


@pytest.mark.parametrize("lang,expected", [
    ("en", "smskit sandbox: --ready-file: cannot write {path}: Is a directory"),
    ("zh", "smskit sandbox: 无法写入 --ready-file 指定的文件 {path}（Is a directory）"),
])
def test_an_unwritable_ready_file_in_each_language(tmp_path: Path, lang: str,
                                                   expected: str) -> None:
    stderr = _refused("--port", "0", "--quiet", "--ready-file", str(tmp_path), lang=lang)
    assert stderr == expected.format(path=tmp_path)
