"""A curious trainee on the hub, without the browser: code run as a trainee's system account
(as their kernel runs) against the state, homes and processes the hub's configuration made.
The journey over a real hub is tests/hub/test_hub.py; this is its fast, hostile twin.

Expectations are the operating system's answers (PermissionError) and literal markers this
test plants itself; nothing is read back from the code under test."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.browser.servers import ROOT
from tests.hub.classroom import hub_state

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub makes system accounts")

#: Planted in another trainee's process environment and home: must never be read.
MARKER = "planted-by-the-hostile-hub-test"

#: Run as the account ``eve``: every attempt prints one line, "refused" or what it got.
_CURIOUS = """\
import os, pathlib, signal, sys
state, other_pid, root_pid = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
tries = [state / "private/passwords.json", state / "private/classroom-roster.json",
         state / "private/jupyterhub_cookie_secret", state / "private/hub-api-token",
         state / "private/hub.json", state / "homes/coach/.smskit/token",
         state / "homes/mallory/notes.txt", f"/proc/{other_pid}/environ",
         f"/proc/{os.getppid()}/environ"]
for path in tries:
    try:
        data = pathlib.Path(path).read_bytes()
        print("READ", path, len(data))
    except PermissionError:
        print("refused")
for folder in (state / "private", state / "homes/mallory", state / "homes"):
    try:
        print("LISTED", folder, os.listdir(folder))
    except PermissionError:
        print("refused")
for path in (state / "homes/mallory/planted.txt", state / "private/planted.txt"):
    try:
        pathlib.Path(path).write_text("eve was here")
        print("WROTE", path)
    except PermissionError:
        print("refused")
try:  # the class sandbox (root's) starts a new group on SIGHUP: not at a trainee's word
    os.kill(root_pid, signal.SIGHUP)
    print("SIGNALLED", root_pid)
except PermissionError:
    print("refused")
"""


@pytest.fixture
def state(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with hub_state() as folder:
        monkeypatch.setenv("SMSKIT_HUB_STATE", str(folder))
        monkeypatch.setenv("SMSKIT_HUB_TRAINEES", "eve,mallory")
        monkeypatch.setenv("SMSKIT_HUB_ADMIN", "coach")
        PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hub")).load_config()
        yield folder


def test_a_trainees_code_reads_nothing_of_the_class_or_of_another_trainee(
        state: Path) -> None:
    (state / "homes/mallory/notes.txt").write_text(MARKER, encoding="utf-8")
    token = state / "homes/coach/.smskit/token"
    token.parent.mkdir()
    token.write_text(MARKER, encoding="utf-8")
    token.chmod(0o600)
    os.chown(token, *_ids("coach"))
    os.chown(state / "homes/mallory/notes.txt", *_ids("mallory"))
    # mallory's server: a process of hers with a secret in its environment
    other = subprocess.Popen(["sleep", "60"], user="mallory",
                             env={"SMSKIT_USER_DOMAIN_SECRET": MARKER})
    rooted = subprocess.Popen(["sleep", "60"])  # a process of root's, as the sandbox is
    try:
        done = subprocess.run([str(_trainee_python(state)), "-c", _CURIOUS, str(state),
                               str(other.pid), str(rooted.pid)],
                              user="eve", capture_output=True, text=True, timeout=60,
                              cwd="/", env={"PATH": "/usr/bin:/bin"})
    finally:
        for process in (other, rooted):
            process.kill()
            process.wait(timeout=10)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.splitlines() == ["refused"] * 15, done.stdout
    assert MARKER not in done.stdout


def _trainee_python(state: Path) -> Path:
    """The interpreter the hub gives the trainees' servers (hub/accounts.py trainee_bin)."""
    view = state / "python" / "bin" / "python"
    return view if view.exists() else Path(sys.executable)


def _ids(name: str) -> tuple[int, int]:
    account = pwd.getpwnam(name)
    return account.pw_uid, account.pw_gid
