"""``./kit hub --new-group`` while the hub runs: the next group on the same hub, no restart.

Run as root beside the running hub (a second terminal), with the same ``SMSKIT_HUB_STATE``.
Through the hub's REST API (the token of its ``new-group`` service, ``private/hub-api-token``)
it stops every trainee's server and deletes their hub user (every trainee's login and
tokens end; the trainer stays logged in, their server and dashboard keep running); then
the same clean-up as with the hub stopped (``accounts.new_group``: leftover processes,
homes, passwords, roster, trainer token, handouts; the attendance archived), new passwords
and a new roster, and SIGHUP to the class sandbox, which starts again empty with the new
roster. The trainer's home gets the new token and an empty attendance sheet.

Exit status 0 when the running hub has the new group, 3 when no hub runs (``./kit`` then
starts one with ``--new-group``), 1 with a one-line reason otherwise.
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from accounts import (  # noqa: E402 - beside this file
    HubSetupError,
    attendance_table,
    ensure_account,
    group_passwords,
    hub_running,
    new_group,
    write_owned,
)

from smskit.sandbox.classroom import Roster  # noqa: E402

NOT_RUNNING = 3
#: How long a trainee's server may take to stop (the hub's SIGTERM, then SIGKILL after 5 s).
STOP_TIMEOUT_S = 60.0
#: How long the class sandbox may take to start again with the new roster.
SANDBOX_TIMEOUT_S = 60.0


def say(text: str) -> None:
    print(f"smskit hub: {text}", file=sys.stderr, flush=True)


class Hub:
    """The running hub's REST API, as its ``new-group`` service."""

    def __init__(self, api: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def call(self, method: str, path: str) -> requests.Response:
        return self.session.request(method, f"{self.api}{path}", timeout=STOP_TIMEOUT_S)

    def forget(self, name: str) -> bool:
        """Stop ``name``'s server and delete their hub user (their logins and tokens); False
        when the hub never knew them (not logged in since the hub started)."""
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while True:
            answer = self.call("DELETE", f"/users/{name}")
            if answer.status_code in (204, 404):
                return answer.status_code == 204
            if answer.status_code != 400 or time.monotonic() > deadline:  # 400: still stopping
                raise HubSetupError(f"the hub answered {answer.status_code} when deleting "
                                    f"{name}: {answer.text[:200]}")
            time.sleep(0.5)  # polling interval while the hub stops the server


def sandbox_pid(hub_pid: int) -> int | None:
    """The class sandbox: the hub's child process started as its ``sandbox`` service."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == hub_pid and b"JUPYTERHUB_SERVICE_NAME=sandbox" in environ:
            return int(entry.name)
    return None


def restart_sandbox(hub_pid: int, token_file: Path, token: str, url: str) -> None:
    """SIGHUP to the class sandbox, then wait until it answers with the new roster (it
    writes the trainer token it serves to ``token_file`` when it starts)."""
    pid = sandbox_pid(hub_pid)
    if pid is None:
        raise HubSetupError("the hub's class sandbox is not running; the hub restarts it "
                            "within 30 s: run ./kit hub --new-group again then")
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + SANDBOX_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            served = token_file.read_text(encoding="utf-8").strip() == token
            answer = requests.get(f"{url}/_sandbox/class/roster", timeout=5,
                                  headers={"Authorization": f"Bearer {token}"})
        except (OSError, requests.RequestException):
            served = False
        else:
            if served and answer.status_code == 200:
                return
        time.sleep(0.2)  # polling interval while the sandbox starts again
    raise HubSetupError(f"the class sandbox did not start again with the new roster within "
                        f"{SANDBOX_TIMEOUT_S:.0f} s")


def run(state: Path) -> int:
    private, homes = state / "private", state / "homes"
    hub_pid = hub_running(private / "jupyterhub.pid")
    if hub_pid is None:
        return NOT_RUNNING
    running = json.loads((private / "hub.json").read_text(encoding="utf-8"))
    names, admin = list(running["trainees"]), str(running["admin"])
    asked = os.environ.get("SMSKIT_HUB_TRAINEES")
    if asked and (asked.strip() != str(len(names)) if asked.strip().isdigit()
                  else [n.strip().lower() for n in asked.split(",") if n.strip()] != names):
        raise HubSetupError(f"the running hub's class is {', '.join(names)}; to change the "
                            "trainees, stop the hub (Ctrl-C) and start it with "
                            "SMSKIT_HUB_TRAINEES=... ./kit hub --new-group")
    say(f"new group on the running hub (pid {hub_pid}): stopping the last group's servers")
    hub = Hub(running["api"], (private / "hub-api-token").read_text(encoding="ascii").strip())
    with ThreadPoolExecutor(max_workers=8) as pool:
        forgotten = [name for name, known in zip(names, pool.map(hub.forget, names),
                                                  strict=True) if known]
    say(f"new group: ended the logins and servers of {len(forgotten)} trainee(s)")
    for line in new_group(private, homes, keep={admin}, end_logins=False):
        say(f"new group: {line}")
    passwords = group_passwords(private)
    roster = Roster.generate(names)
    roster.save(private / "classroom-roster.json")
    for name in names:
        ensure_account(name, homes / name)
    say(f"new group: new passwords in {passwords['file']}, new classroom credentials")
    sandbox_url = f"http://127.0.0.1:{running['sandbox_port']}"
    restart_sandbox(hub_pid, private / "classroom-trainer-token", roster.trainer_token,
                    sandbox_url)
    say("new group: the class sandbox started again, empty, with the new roster")
    trainer = pwd.getpwnam(admin)
    home = Path(trainer.pw_dir)
    write_owned(home / ".smskit" / "classroom-trainer-token", roster.trainer_token + "\n",
                trainer)
    write_owned(home / "attendance.csv", attendance_table(private, names), trainer)
    say(f"new group ready: the hub keeps running; cat {passwords['file']} for the "
        "new passwords")
    return 0


def main() -> int:
    if os.geteuid() != 0:
        say("error: run it as root (sudo -E ./kit hub --new-group)")
        return 1
    state = Path(os.environ.get("SMSKIT_HUB_STATE") or "/var/lib/smskit-hub").resolve()
    try:
        return run(state)
    except (HubSetupError, OSError, ValueError, KeyError, requests.RequestException) as error:
        say(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
