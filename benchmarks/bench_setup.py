"""Fresh clone to a working kit: ``git clone`` of this repository's committed HEAD into a
temporary directory, then the README's commands run there as a newcomer runs them.

- lab: ``./kit lab`` until JupyterLab's HTTP API answers (``GET /api/status`` 200), then
  stopped; with uv, with uv compiling bytecode at install (``UV_COMPILE_BYTECODE=1``, as
  pip does; it matters where ``PYTHONDONTWRITEBYTECODE`` is set and nothing is ever
  compiled later), and with the pip fallback (``SMSKIT_INSTALLER=pip``).
- test: ``./kit test <one small test file>`` until pytest has collected and starts the first
  test (its ``collected N items`` line); set-up, ruff and mypy (cold cache) come first. With
  uv; with pip too in a full run.
- the size of each ``.venv`` (the apparent size of its files).

Caches are warm: uv's (~/.cache/uv) and pip's hold every wheel from earlier runs, so the
figures are set-up without downloads. Debian packages are already installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.figures import ROOT, Figure, at_most, skipped
from tests.browser.servers import ServerProcess, free_port, isolated_jupyter_env

#: How long one set-up may take before the measurement is given up (pip is the slow one).
SETUP_TIMEOUT_S = 900.0
#: A fast test file: what is timed is everything before it.
FIRST_TEST_FILE = "tests/test_i18n_times.py"
#: Aim for clone-to-JupyterLab with uv: a newcomer waits seconds, not a minute.
LAB_AIM_S = 15.0
#: (label, installer, extra environment) of each clone-to-JupyterLab run.
LAB_VARIANTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("uv", "uv", {}),
    ("uv --compile-bytecode", "uv", {"UV_COMPILE_BYTECODE": "1"}),
    ("pip", "pip", {}),
)


def run(*, quick: bool = False) -> list[Figure]:
    name = "setup: fresh clone"
    if not (ROOT / ".git").exists():
        return [skipped(name, "not a git checkout")]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="smskit-bench-setup-") as tmp:
        for variant in LAB_VARIANTS:
            figures += _lab(Path(tmp), variant)
        for installer in ("uv",) if quick else ("uv", "pip"):
            figures += _test(Path(tmp), installer)
    return figures


def _lab(tmp: Path, variant: tuple[str, str, dict[str, str]]) -> list[Figure]:
    label, installer, extra_env = variant
    slug = re.sub(r"\W+", "-", label)
    started = time.perf_counter()
    clone = _clone(tmp / f"lab-{slug}")
    port = free_port()
    command = [str(clone / "kit"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token="]
    env = {**_clone_env(tmp / f"home-lab-{slug}", installer), **extra_env}
    server = ServerProcess(f"bench-lab-{slug}", command, cwd=clone, port=port, env=env)
    try:
        server.wait_ready("/api/status", timeout_s=SETUP_TIMEOUT_S)
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    aim = f"<= {LAB_AIM_S:g} s" if installer == "uv" else "-"
    verdict = at_most(elapsed, LAB_AIM_S) if installer == "uv" else "info"
    return [
        Figure(f"setup: fresh clone to JupyterLab answering, {label}", elapsed, "s", aim,
               verdict),
        _venv_size(f"setup: .venv after ./kit lab (notebooks extra), {label}",
                   clone / ".venv"),
    ]


def _test(tmp: Path, installer: str) -> list[Figure]:
    started = time.perf_counter()
    clone = _clone(tmp / f"test-{installer}")
    log = tmp / f"test-{installer}.log"
    first_test_at = None
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(clone / "kit"), "test", FIRST_TEST_FILE, "-p", "no:cacheprovider"],
            cwd=clone, env=_clone_env(tmp / f"home-test-{installer}", installer),
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + SETUP_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if first_test_at is None and re.search(
                    r"^collected \d+ items?", log.read_text(errors="replace"), re.MULTILINE):
                first_test_at = time.perf_counter()
            time.sleep(0.05)  # polling interval
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0 or first_test_at is None:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"./kit test in a fresh clone failed ({installer}):\n{tail}")
    return [
        Figure(f"setup: fresh clone to the first test starting (ruff, mypy first), "
               f"{installer}", first_test_at - started, "s"),
        _venv_size(f"setup: .venv after ./kit test (test extra), {installer}",
                   clone / ".venv"),
    ]


def _clone(target: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    return target


def _clone_env(home: Path, installer: str) -> dict[str, str]:
    """Fresh Jupyter directories; the caller's PATH and no active virtual environment, so
    the clone's kit finds the machine's python3 and uv as a newcomer's shell would."""
    env = isolated_jupyter_env(home)
    env["PATH"] = os.environ.get("PATH", "")
    env.pop("VIRTUAL_ENV", None)
    env["SMSKIT_INSTALLER"] = installer
    return env


def _venv_size(name: str, venv: Path) -> Figure:
    """The apparent size of a virtual environment's files, and how much of it is bytecode
    (pip compiles every module at install time; uv leaves that to the first import)."""
    sizes = [(path, path.lstat().st_size) for path in venv.rglob("*")
             if path.is_file() and not path.is_symlink()]
    bytecode = sum(size for path, size in sizes if path.suffix == ".pyc")
    return Figure(name, sum(size for _, size in sizes) / 1e6, "MB", "-",
                  f"of it .pyc {bytecode / 1e6:.0f} MB")
