"""``smskit classroom`` as a trainer runs it: a subprocess, a handout, a token, Ctrl-C."""

from __future__ import annotations

import hashlib
import html
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from smskit.clock import SystemClock

URL = re.compile(r"serving (http://127\.0\.0\.1:\d+)")
TOKEN_FILE = re.compile(r"trainer token in (\S+)")


def _start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "smskit", "classroom", "--port", "0", "--quiet",
         "--handout", str(tmp_path / "cards.html"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    url = token_file = None
    lines = []
    deadline = time.monotonic() + 30
    while (url is None or token_file is None) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        url = url or (URL.search(line).group(1) if URL.search(line) else None)  # type: ignore[union-attr]
        found = TOKEN_FILE.search(line)
        token_file = token_file or (found.group(1) if found else None)
    if not (url and token_file):
        raise AssertionError(f"no banner: {_stop(process)}")
    token = Path(token_file).read_text(encoding="utf-8").strip()
    assert len(token) >= 40 and token not in "".join(lines)  # the banner names the file only
    return process, url, token


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.terminate()
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:  # it ignored SIGTERM: a failure, and no process left
        process.kill()
        process.communicate()
        raise
    return process.returncode, err


def test_classroom_writes_private_handouts_and_serves_each_trainee(tmp_path: Path) -> None:
    process, url, token = _start(tmp_path, "--names", "ana,bo,chen")
    try:
        token_file = tmp_path / "classroom-trainer-token"
        assert token_file.read_text().strip() == token
        for path in (tmp_path / "cards.html", tmp_path / "cards.txt", token_file):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        page = (tmp_path / "cards.html").read_text(encoding="utf-8")
        assert page.count('class="card"') == 3 and "用户域" in page and "userDomain" in page
        text = (tmp_path / "cards.txt").read_text(encoding="utf-8")
        cards = re.findall(r"export SMSKIT_BASE_URL=(\S+) SMSKIT_USER_DOMAIN=(\S+) "
                           r"SMSKIT_USER_DOMAIN_SECRET=(\S+)", text)
        assert [card[0] for card in cards] == [url] * 3
        for _, domain, secret in cards:
            assert html.escape(secret) in page and domain in page
            ts, nonce = SystemClock().now_ms(), "cardcardcardcard"
            lines = [domain, str(ts), nonce, "GET", "/_sandbox/me",
                     hashlib.sha256(b"").hexdigest(), secret]
            digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
            me = requests.get(url + "/_sandbox/me", timeout=5, headers={
                "Authorization": f"SmskitTrainee userDomain={domain}, ts={ts}, "
                                 f"random={nonce}, signature={digest}"})
            assert me.status_code == 200 and me.json()["userDomain"] == domain
        roster = requests.get(url + "/_sandbox/class/roster", timeout=5,
                              headers={"Authorization": f"Bearer {token}"}).json()
        assert [row["name"] for row in roster["trainees"]] == ["ana", "bo", "chen"]
        assert requests.get(url + "/_sandbox/class/roster", timeout=5).status_code == 401
    finally:
        status, err = _stop(process)
    assert status == 0
    assert token not in err


def test_roster_file_keeps_the_class_across_restarts(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    first, _, token = _start(tmp_path, "--trainees", "2", "--roster", str(roster))
    _stop(first)
    assert stat.S_IMODE(roster.stat().st_mode) == 0o600
    again, _, token_again = _start(tmp_path, "--roster", str(roster))
    _stop(again)
    assert token_again == token


def test_bad_names_are_one_line_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "smskit", "classroom", "--names", "Ana Bo",
                           "--handout", str(tmp_path / "h.html")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "names" in done.stderr


def test_lang_zh_writes_the_start_up_text_in_chinese(tmp_path: Path) -> None:
    import json

    messages = json.loads((Path(__file__).resolve().parents[1] / "smskit/data/messages.json")
                          .read_text(encoding="utf-8"))["messages"]
    zh = {key[len("classroom.banner."):]: row["zh"] for key, row in messages.items()
          if key.startswith("classroom.banner.")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "smskit", "classroom", "--port", "0", "--quiet", "--lang", "zh",
         "--names", "ana,bo", "--handout", str(tmp_path / "cards.html")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while not any("./kit voila" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        status, err = _stop(process)
    banner = "".join(lines)
    token = (tmp_path / "classroom-trainer-token").read_text().strip()
    assert zh["token"].format(file=tmp_path / "classroom-trainer-token") in banner
    assert token not in banner
    assert zh["serving"].split("{count}")[0] in banner and "trainees, serving" not in banner
    assert "./kit voila notebooks/zh/trainer-dashboard.ipynb" in banner
    assert status == 0 and token not in err


def test_sighup_starts_the_class_again_with_the_roster_as_it_is_now(tmp_path: Path) -> None:
    """What ``./kit hub --new-group`` does to the hub's running class sandbox: a new roster
    file, then SIGHUP; the same process serves the new class on the same port, empty."""
    from smskit.sandbox.classroom import Roster
    from tests.browser.servers import free_port

    roster = tmp_path / "roster.json"
    port = free_port()
    process, url, old_token = _start(tmp_path, "--names", "ana,bo", "--roster", str(roster),
                                     "--port", str(port))
    try:
        assert url == f"http://127.0.0.1:{port}"
        new = Roster.generate(["chen"])
        roster.unlink()
        new.save(roster)
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = requests.get(url + "/_sandbox/class/roster", timeout=5,
                                      headers={"Authorization": f"Bearer {new.trainer_token}"})
                if answer.status_code == 200:
                    break  # the new class (a 403 is the old one, not yet stopped)
            except requests.ConnectionError:
                pass  # between the old class and the new one
            time.sleep(0.1)  # polling interval while it starts again
        assert answer is not None and answer.status_code == 200
        assert [row["name"] for row in answer.json()["trainees"]] == ["chen"]
        assert requests.get(url + "/_sandbox/class/roster", timeout=5, headers={
            "Authorization": f"Bearer {old_token}"}).status_code == 403
        token_file = tmp_path / "classroom-trainer-token"
        assert token_file.read_text(encoding="utf-8").strip() == new.trainer_token
        assert process.poll() is None  # the same process: the hub sees no exit
    finally:
        status, err = _stop(process)
    assert status == 0
    assert ("smskit classroom: SIGHUP: starting again, empty, with the roster as it is now"
            in err)
    assert new.trainer_token not in err and old_token not in err


def test_a_stop_right_after_sighup_stops_it_rather_than_starting_again(tmp_path: Path) -> None:
    """SIGHUP then SIGTERM before the class has acted on either (both pending while it is
    paused): it stops, and does not start again (a class sandbox nobody asked for)."""
    process, _, _ = _start(tmp_path, "--names", "ana")
    for sig in (signal.SIGSTOP, signal.SIGHUP, signal.SIGTERM, signal.SIGCONT):
        process.send_signal(sig)
    status, err = _stop(process)
    assert status == 0, err
    assert "starting again" not in err


@pytest.mark.parametrize("delay_s", [0.0, 0.05, 0.3])
def test_a_stop_while_it_starts_again_stops_it_cleanly(tmp_path: Path, delay_s: float) -> None:
    """SIGTERM ``delay_s`` after it said it is starting again (before, during or after the
    new start): the stop is neither lost to the restart nor a kill by the default action
    (-15): it stops with status 0 and says so."""
    process, _, _ = _start(tmp_path, "--names", "ana")
    process.send_signal(signal.SIGHUP)
    assert process.stderr is not None
    said = process.stderr.readline()
    assert "smskit classroom: SIGHUP: starting again" in said, said
    time.sleep(delay_s)  # where the stop lands in the restart
    process.terminate()
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, said + err
    assert out.rstrip().endswith("smskit classroom: stopped"), out
