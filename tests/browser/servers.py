"""JupyterLab and Voilà as child processes of the test run: free ports, isolated Jupyter
directories, readiness by HTTP polling, and a stop that always happens.

Each server is started with ``start_new_session=True`` so that, should it ignore SIGTERM,
its whole process group (its kernels included) can be killed by the group id, which is the
child's own PID. Nothing else is ever signalled.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
LOG_DIR = ARTIFACTS / "logs"
SCREENSHOTS = ARTIFACTS / "screenshots"

#: How long a server may take to answer HTTP (it is ready in about 3 s on 2 cores).
START_TIMEOUT_S = 60.0
#: How long a server may take to exit after SIGTERM before its process group is killed.
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1 right now (servers get ``port_retries=0``,
    so a lost race fails loudly instead of serving on a port nobody polls)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_jupyter_env(home: Path) -> dict[str, str]:
    """Environment for a server whose config, data, runtime and IPython directories are
    fresh: no user settings, workspaces, kernelspecs or startup files leak in or out.

    The kernel is the ``python3`` spec, which resolves to this interpreter (the venv's).
    ``SMSKIT_*`` variables are removed, so no notebook reaches the real platform.
    JupyterLab settings that make the tests deterministic: every cell attached to the DOM
    (``windowingMode: none``, so full screenshots and DOM text work without scrolling), no
    blank space after the last cell, no news or update toasts.
    """
    dirs = {name: home / name for name in ("config", "data", "runtime", "ipython")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    settings = dirs["config"] / "lab" / "user-settings" / "@jupyterlab"
    _write_json(settings / "notebook-extension" / "tracker.jupyterlab-settings",
                {"windowingMode": "none", "scrollPastEnd": False})
    _write_json(settings / "apputils-extension" / "notification.jupyterlab-settings",
                {"fetchNews": "false", "checkForUpdates": False})
    env = dict(os.environ)
    env.update({
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # Never the real platform: 06-going-live calls it (and may send a real SMS) when these
    # are set where the notebook runs.
    for name in [name for name in env if name.startswith("SMSKIT_")]:
        del env[name]
    return env


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def copy_notebooks(target: Path, source_dir: Path = NOTEBOOK_DIR) -> Path:
    """Copy ``notebooks/*.ipynb`` (or ``source_dir``'s, the Chinese edition's say) into
    ``target`` without outputs or execution counts.

    The committed files are never opened by a server (JupyterLab autosaves), and every
    output the tests see was produced in the browser session, not stored in the file.
    """
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(source_dir.glob("*.ipynb")):
        notebook = json.loads(source.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        (target / source.name).write_text(json.dumps(notebook, ensure_ascii=False),
                                          encoding="utf-8")
    for extra in NOTEBOOK_DIR.iterdir():  # files the notebooks may read beside them
        if extra.is_file() and extra.suffix != ".ipynb":
            shutil.copy2(extra, target / extra.name)
    return target


class ServerProcess:
    """One server, started as a direct child; :meth:`stop` is safe to call at any point."""

    def __init__(self, name: str, command: Sequence[str], *, env: dict[str, str],
                 cwd: Path, port: int) -> None:
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, path: str, *, timeout_s: float = START_TIMEOUT_S) -> None:
        """Poll ``GET path`` until it answers 200; fail with the log's tail if the process
        exits or the deadline passes."""
        deadline = time.monotonic() + timeout_s
        last_error = "no attempt"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"{self.name} exited with code {code} before it was ready"
                                   f"\n{self.log_tail()}")
            try:
                response = requests.get(self.url + path, timeout=5)
            except requests.RequestException as error:
                last_error = repr(error)
            else:
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}"
            time.sleep(0.1)  # polling interval, not a wait for a condition
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout_s:.0f} s "
                           f"({last_error})\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self._log.closed:
            self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM (the server shuts its kernels down), then SIGKILL to the process group
        after :data:`STOP_TIMEOUT_S`. Idempotent."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=STOP_TIMEOUT_S)
            # Kernels are in the server's process group; none may outlive it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        finally:
            self._log.close()


def jupyterlab_command(port: int, root_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--IdentityProvider.token=", "--ServerApp.password=",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}", "--LabApp.expose_app_in_browser=True",
    ]


def voila_command(port: int, notebook: Path) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(notebook), "--no-browser",
        "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
    ]


def shutdown_all_kernels(server: ServerProcess) -> list[str]:
    """Shut down every kernel a Jupyter server runs, over its REST API; returns their ids.

    Jupyter checks XSRF on anything but GET: the ``_xsrf`` cookie a page load sets goes
    back as the ``X-XSRFToken`` header.
    """
    with requests.Session() as session:
        session.get(f"{server.url}/lab", timeout=30).raise_for_status()
        headers = {"X-XSRFToken": session.cookies.get("_xsrf", "")}
        kernels = session.get(f"{server.url}/api/kernels", timeout=10).json()
        for kernel in kernels:
            session.delete(f"{server.url}/api/kernels/{kernel['id']}", headers=headers,
                           timeout=30).raise_for_status()
    return [kernel["id"] for kernel in kernels]
