"""The lean install and the Dockerfile's own commands, in a clean virtual environment built
from the wheel (no container engine here: the image itself is not built, see Dockerfile).

The environment is what ``pip install smskit`` gives: the base package without extras,
outside the checkout. It must hold no Jupyter, pandas or widgets and full ``phonenumbers``'
geocoding data, stay within 30 MB with bytecode compiled, and run the CLI, the sandbox (with
the Dockerfile's CMD and HEALTHCHECK), the doctor and the snippets.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEAN_LIMIT_BYTES = 30 * 1024 * 1024
API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"

pytestmark = pytest.mark.slow


def find_uv() -> str:
    for candidate in (shutil.which("uv"), str(Path.home() / ".local/bin/uv")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("uv not found: ./kit setup installs it")


def tree_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def lean(tmp_path_factory: pytest.TempPathFactory, smskit_wheel: Path) -> Path:
    """A virtual environment with the wheel and its dependencies only, bytecode compiled."""
    assert smskit_wheel.name.startswith("smskit-0.2.0-")
    wheel = smskit_wheel
    venv = tmp_path_factory.mktemp("lean") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([find_uv(), "pip", "install", "--quiet", "--offline", "--compile-bytecode",
                    "--python", str(venv / "bin" / "python"), str(wheel)], check=True,
                   timeout=300)
    return venv


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMSKIT_", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


def test_the_lean_environment_holds_no_jupyter_and_fits_30_mb(lean: Path) -> None:
    [site] = lean.glob("lib/python*/site-packages")
    installed = {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}
    assert installed == {"smskit", "requests", "phonenumberslite", "certifi", "idna",
                         "urllib3", "charset_normalizer"}
    assert not (site / "phonenumbers" / "geodata").exists()
    assert list(site.rglob("*.pyc"))  # compiled, as pip installs
    assert tree_bytes(lean) <= LEAN_LIMIT_BYTES, tree_bytes(lean)


def test_the_cli_doctor_and_snippets_work_outside_the_checkout(lean: Path,
                                                               tmp_path: Path) -> None:
    assert run(lean, "smskit", "--version", cwd=tmp_path).stdout == "smskit 0.2.0\n"
    example = run(lean, "smskit", "example", cwd=tmp_path)
    assert example.returncode == 0
    assert "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891" in example.stdout
    java = run(lean, "smskit", "snippet", "java", cwd=tmp_path)
    assert java.returncode == 0 and "class SendSmsCode" in java.stdout
    secret = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
    upper = hashlib.sha256(f"13800138000376a6L647F02CAoN91744773894369{secret}".encode()
                           ).hexdigest().upper()
    done = subprocess.run(
        [str(lean / "bin" / "smskit"), "check", "--phone", "13800138000", "--code-type", "3",
         "--random", "76a6L647F02CAoN9", "--ts", "1744773894369", "--signature", upper,
         "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"PATH": os.environ["PATH"], "SMSKIT_USER_DOMAIN_SECRET": secret})
    assert done.returncode == 1 and json.loads(done.stdout)["mistake"]["id"] == "uppercase-hex"


def dockerfile_command(instruction: str) -> list[str]:
    """The JSON argv of the Dockerfile's ``CMD`` or ``HEALTHCHECK ... CMD``."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if line.startswith(instruction + " ")]
    argv: list[str] = json.loads(line[line.index("CMD") + 3:].strip())
    return argv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_dockerfiles_cmd_and_healthcheck_run_in_the_lean_environment(
        lean: Path, tmp_path: Path) -> None:
    # The image's port is 8080; here another free port stands in for it (other sandboxes
    # may be using 8080 on this machine).
    port = str(free_port())
    cmd = [part.replace("8080", port) for part in dockerfile_command("CMD")]
    health = [part.replace("8080", port) for part in dockerfile_command("HEALTHCHECK")]
    assert cmd[:5] == ["smskit", "sandbox", "--host", "0.0.0.0", "--port"]  # noqa: S104
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["PATH"] = f"{lean / 'bin'}:{env['PATH']}"
    before = run(lean, *health, cwd=tmp_path)
    assert before.returncode != 0  # nothing listens yet: the health check fails
    server = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while run(lean, *health, cwd=tmp_path).returncode != 0:
            assert server.poll() is None and time.monotonic() < deadline, server.stderr
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/domains",
                                    timeout=5) as answer:
            domains = json.loads(answer.read())
        secret = next(d["secret"] for d in domains["domains"] if d["name"] == "sandbox-demo")
        ts = str(time.time_ns() // 1_000_000)
        signature = hashlib.sha256(f"138001380003abcdefghijklmnop{ts}{secret}".encode()
                                   ).hexdigest()
        query = (f"phone=13800138000&codeType=3&internationalCode=86&random=abcdefghijklmnop"
                 f"&ts={ts}&userDomain=sandbox-demo&signature={signature}")
        request = urllib.request.Request(f"http://127.0.0.1:{port}{API}?{query}",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
            assert json.loads(answer.read())["code"] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    events = [json.loads(line)["event"] for line in out.splitlines()]
    assert events[0] == "ready" and events[-1] == "stopped" and "request" in events
    assert secret not in out
