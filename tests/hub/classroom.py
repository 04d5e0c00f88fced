"""A real JupyterHub on loopback, started the way the trainer's guide starts it: ``./kit
hub`` (as root), configured by the guide's environment variables.

What a test adds, as JupyterHub's own command-line options after ``./kit hub``: free ports
for the hub's internal API and the proxy's API (so tests and benchmarks can run beside a
real class), and ``window.jupyterapp`` in each JupyterLab (see ``tests/browser/lab.py``).
The state folder is a fresh one under ``/tmp`` (the trainees' accounts must be able to pass
through it to their homes; pytest's own ``tmp_path`` is closed to them).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
from playwright.sync_api import Page

from tests.browser.servers import ROOT, ServerProcess, free_port

PROXY = ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy"
#: How long a trainee's server may take from login to JupyterLab (about 5 s on 2 cores when
#: idle; far more when the machine is loaded, within the hub's own 120 s).
SPAWN_TIMEOUT_MS = 150_000
#: How long the hub's process tree may take to exit after Ctrl-C.
EXIT_TIMEOUT_S = 20.0
#: How long the hub may take to answer after ``./kit hub`` (a loaded 2-core machine: ~25 s).
START_TIMEOUT_S = 120.0

#: A service holding an API token that may start and stop servers (the benchmark's timer),
#: as a site's own config file (``SMSKIT_HUB_EXTRA_CONFIG``).
_API_SERVICE = """\
c = get_config()  # noqa: F821
c.JupyterHub.services.append({{"name": "measure", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "measure", "services": ["measure"],
                                "scopes": ["servers", "read:users"]}})
"""


@dataclass
class Classroom:
    """The hub process and where everything it made lives."""

    server: ServerProcess
    state: Path
    sandbox_url: str
    trainees: list[str]
    seen: dict[int, psutil.Process] = field(default_factory=dict)
    #: The environment ``./kit hub`` was started with (the trainer's terminal).
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def private(self) -> Path:
        return self.state / "private"

    def home(self, name: str) -> Path:
        return self.state / "homes" / name

    def passwords(self) -> dict[str, str]:
        """What the trainer reads: ``private/passwords.json``."""
        saved: dict[str, str] = json.loads(
            (self.private / "passwords.json").read_text(encoding="utf-8"))
        return saved

    def roster(self) -> dict[str, object]:
        roster: dict[str, object] = json.loads(
            (self.private / "classroom-roster.json").read_text(encoding="utf-8"))
        return roster

    def new_group(self) -> subprocess.CompletedProcess[str]:
        """``./kit hub --new-group`` in a second terminal (the same environment) while this
        hub runs; its output (stderr and stdout together)."""
        return subprocess.run([str(ROOT / "kit"), "hub", "--new-group"], cwd=ROOT,
                              env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=START_TIMEOUT_S, check=False)

    def descendants(self) -> list[psutil.Process]:
        """The hub's process tree below it (proxy, sandbox, trainee servers, kernels),
        remembered so that :meth:`leftovers` can check each one after the stop."""
        try:
            found = psutil.Process(self.server.pid).children(recursive=True)
        except psutil.NoSuchProcess:  # the hub has exited (or never started)
            return []
        self.seen.update({process.pid: process for process in found})
        return found

    def leftovers(self) -> list[str]:
        """The hub and the processes of its tree seen by :meth:`descendants`, if alive."""
        alive = []
        for process in self.seen.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        return alive

    def interrupt(self) -> float:
        """Ctrl-C as in the trainer's terminal (SIGINT to the hub's process group); the
        seconds until the hub's whole tree has exited. Kills what is left after
        :data:`EXIT_TIMEOUT_S`."""
        self.descendants()
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGINT)
        deadline = started + EXIT_TIMEOUT_S
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.1)  # polling interval, not a wait for a condition
        took = time.monotonic() - started
        self.server.stop()
        return took

    def stop(self) -> list[str]:
        """SIGTERM to the hub (it stops trainee servers, the sandbox service and the proxy),
        then wait for the whole tree; returns what is still alive, after killing it."""
        self.descendants()
        self.server.stop()
        deadline = time.monotonic() + EXIT_TIMEOUT_S
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.2)  # polling interval, not a wait for a condition
        left = self.leftovers()
        for process in self.seen.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        return left


@contextlib.contextmanager
def hub_state() -> Iterator[Path]:
    """A fresh state folder the trainees' accounts can pass through; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="smskit-hub-test-"))
    folder.chmod(0o711)
    try:
        yield folder / "state"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_classroom(state: Path, trainees: int | list[str], *, admin: str = "trainer",
                    new_group: bool = False, api_token: str | None = None,
                    log_name: str = "jupyterhub") -> Classroom:
    """``SMSKIT_HUB_TRAINEES=N ./kit hub`` (``--new-group`` if asked) with this state folder,
    and wait until it answers; with ``api_token``, a service holding that token may start
    and stop servers. ``trainees`` is a count (trainee01 ...) or names; the accounts are the
    machine's, so a hub that may run beside the tests' (the benchmark's) uses names and an
    admin of its own."""
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: run scripts/setup_hub.sh (./kit test runs it)")
    port, sandbox_port = free_port(), free_port()
    command = [str(ROOT / "kit"), "hub", *(["--new-group"] if new_group else []),
               f"--JupyterHub.hub_port={free_port()}",
               f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}",
               "--Spawner.args=--LabApp.expose_app_in_browser=True"]
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMSKIT_")}
    if api_token:
        extra = state.parent / "api_service.py"
        extra.write_text(_API_SERVICE.format(token=api_token), encoding="utf-8")
        env["SMSKIT_HUB_EXTRA_CONFIG"] = str(extra)
    env.update({
        "SMSKIT_HUB_STATE": str(state), "SMSKIT_HUB_ADMIN": admin,
        "SMSKIT_HUB_TRAINEES": (",".join(trainees) if isinstance(trainees, list)
                                else str(trainees)),
        "SMSKIT_HUB_PORT": str(port), "SMSKIT_HUB_SANDBOX_PORT": str(sandbox_port),
        "PYTHONUNBUFFERED": "1",
        # ./kit finds the environment this test runs in (its stamps are current)
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    })
    server = ServerProcess(log_name, command, env=env, cwd=ROOT, port=port)
    classroom = Classroom(server, state, f"http://127.0.0.1:{sandbox_port}",
                          trainees if isinstance(trainees, list)
                          else [f"trainee{n:02d}" for n in range(1, trainees + 1)],
                          {server.pid: psutil.Process(server.pid)}, env)
    try:
        server.wait_ready("/hub/health", timeout_s=START_TIMEOUT_S)
    except BaseException:
        classroom.stop()
        raise
    return classroom


def log_in(page: Page, classroom: Classroom, name: str, password: str) -> None:
    """Log in on the hub's page as a trainee would; the hub then spawns their server and
    the page lands in their JupyterLab (``Spawner.default_url``)."""
    submit_login(page, classroom, name, password)
    wait_for_lab(page, classroom, name)


def submit_login(page: Page, classroom: Classroom, name: str, password: str) -> None:
    """Type the name and password on the hub's login page and submit them; the hub starts
    the server meanwhile (a class logs in at once: submit everyone's, then wait)."""
    page.goto(f"{classroom.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def wait_for_lab(page: Page, classroom: Classroom, name: str) -> None:
    """Wait until the page has landed in ``name``'s JupyterLab."""
    page.wait_for_url(f"{classroom.url}/user/{name}/lab**", timeout=SPAWN_TIMEOUT_MS,
                      wait_until="domcontentloaded")


def wait_for_sandbox(classroom: Classroom, timeout_s: float = 60.0) -> dict[str, object]:
    """The hub starts its managed sandbox just after it answers; its health, once up."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            health: dict[str, object] = requests.get(
                f"{classroom.sandbox_url}/_sandbox/health", timeout=5).json()
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # polling interval, not a wait for a condition
        else:
            return health
