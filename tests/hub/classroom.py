"""A real JupyterHub on loopback with the repository's ``hub/jupyterhub_config.py``.

Free ports, its real configurable-http-proxy (``scripts/setup_hub.sh`` installs it), and a
temporary state directory (database, cookie secret, passwords, trainees' homes). A small
wrapper config loads the repository's and adds only what a test needs: free internal ports
and ``window.jupyterapp`` in each trainee's JupyterLab (see ``tests/browser/lab.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
from playwright.sync_api import Page

from tests.browser.servers import ROOT, ServerProcess, free_port

CONFIG = ROOT / "hub" / "jupyterhub_config.py"
PROXY = ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy"
JUPYTERHUB = Path(sys.executable).parent / "jupyterhub"
TRAINEE_PASSWORD = "trainees-password"  # a throw-away test login (8+ characters)
ADMIN_PASSWORD = "a-throw-away-admin-password-32-characters-or-more"
#: How long a trainee's server may take from login to JupyterLab (about 5 s on 2 cores).
SPAWN_TIMEOUT_MS = 90_000
#: How long the hub's process tree may take to exit after SIGTERM.
EXIT_TIMEOUT_S = 20.0

_WRAPPER = """\
c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
c.JupyterHub.hub_port = {hub_api_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.Spawner.args = [*c.Spawner.args, "--LabApp.expose_app_in_browser=True"]
"""
#: A service holding an API token that may start and stop servers (the benchmark's timer).
_API_SERVICE = """\
c.JupyterHub.services.append({{"name": "measure", "api_token": {token!r}}})
c.JupyterHub.load_roles = [{{"name": "measure", "services": ["measure"],
                            "scopes": ["servers", "read:users"]}}]
"""

#: JupyterLab settings that keep every cell in the DOM and no toasts in the way (as in
#: ``tests/browser/servers.py``), written into each trainee's home before it starts.
_LAB_SETTINGS = {
    "notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none", "scrollPastEnd": False},
    "apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


@dataclass
class Classroom:
    """The hub process and where everything it made lives."""

    server: ServerProcess
    state: Path
    sandbox_url: str
    trainees: list[str]
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def home(self, name: str) -> Path:
        return self.state / "homes" / name

    def descendants(self) -> list[psutil.Process]:
        """The hub's process tree below it (proxy, sandbox, trainee servers, kernels),
        remembered so that :meth:`leftovers` can check each one after the stop."""
        found = psutil.Process(self.server.pid).children(recursive=True)
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


def start_classroom(workdir: Path, trainees: int, *, api_token: str | None = None
                    ) -> Classroom:
    """Start the hub for ``trainees`` trainees (named by count) and wait until it answers;
    with ``api_token``, a service holding that token may start and stop servers."""
    if not PROXY.exists():
        raise RuntimeError(f"{PROXY} is missing: run scripts/setup_hub.sh (./kit test runs it)")
    state = workdir / "state"
    port, sandbox_port = free_port(), free_port()
    wrapper = workdir / "jupyterhub_config.py"
    wrapper.write_text(_WRAPPER.format(config=str(CONFIG), hub_api_port=free_port(),
                                       proxy_api_port=free_port())
                       + (_API_SERVICE.format(token=api_token) if api_token else ""),
                       encoding="utf-8")
    names = [f"trainee{n}" for n in range(1, trainees + 1)]
    for name in names:
        for relative, settings in _LAB_SETTINGS.items():
            path = state / "homes" / name / ".jupyter/lab/user-settings/@jupyterlab" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMSKIT_")}
    env.update({
        "SMSKIT_HUB_STATE": str(state), "SMSKIT_HUB_TRAINEES": str(trainees),
        "SMSKIT_HUB_PORT": str(port), "SMSKIT_HUB_SANDBOX_PORT": str(sandbox_port),
        "SMSKIT_HUB_PASSWORD": TRAINEE_PASSWORD, "SMSKIT_HUB_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PYTHONUNBUFFERED": "1",
    })
    server = ServerProcess("jupyterhub", [str(JUPYTERHUB), "-f", str(wrapper)], env=env,
                           cwd=workdir, port=port)
    classroom = Classroom(server, state, f"http://127.0.0.1:{sandbox_port}", names,
                          {server.pid: psutil.Process(server.pid)})
    try:
        server.wait_ready("/hub/health")
    except BaseException:
        classroom.stop()
        raise
    return classroom


def log_in(page: Page, classroom: Classroom, name: str, password: str = TRAINEE_PASSWORD
           ) -> None:
    """Log in on the hub's page as a trainee would; the hub then spawns their server and
    the page lands in their JupyterLab (``Spawner.default_url``)."""
    page.goto(f"{classroom.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"{classroom.url}/user/{name}/lab**", timeout=SPAWN_TIMEOUT_MS,
                      wait_until="domcontentloaded")


def wait_for_sandbox(classroom: Classroom, timeout_s: float = 30.0) -> dict[str, object]:
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
