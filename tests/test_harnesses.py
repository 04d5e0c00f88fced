"""The test harnesses in the users' languages (examples/harnesses/), each run by its real
toolchain against a real ``smskit sandbox`` started from its ready file: JUnit 5, Go
``testing``, Node ``node:test`` and pytest with the ``sms_sandbox`` fixture.

Each must pass as shipped, and fail when the sandbox answers otherwise (a wrapper starts it
with a clock fixed in 2001, so every ``ts`` is outside the 10-minute window): a harness that
cannot fail would prove nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_snippets import go_environment

ROOT = Path(__file__).resolve().parents[1]
HARNESSES = ROOT / "examples" / "harnesses"
SNIPPETS = ROOT / "smskit" / "data" / "snippets"
SMSKIT = Path(sys.executable).with_name("smskit")
JUNIT = Path("/usr/share/java/junit-platform-console-standalone.jar")  # Debian's junit5
TESTS = 3  # each harness: delivered to the outbox, a diagnosed mistake, expiry by the clock

pytestmark = pytest.mark.slow


def prepare(lang: str, folder: Path) -> None:
    """The harness in a folder of its own, with its language's signing snippet beside it."""
    shutil.copytree(HARNESSES / lang, folder, dirs_exist_ok=True)
    snippet = {"java": "java/SendSmsCode.java", "go": "go/send_sms_code.go"}.get(lang)
    if snippet:
        shutil.copy(SNIPPETS / snippet, folder)


def run(lang: str, folder: Path, smskit: Path, *,
        autoload: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the harness in ``folder`` (Java compiled there on first use). ``autoload=False``:
    pytest loads only the smskit plugin, named, not every installed one (faster)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMSKIT_", "PYTEST_"))}
    env["SMSKIT_COMMAND"] = str(smskit)
    if lang == "java":
        classes = folder / "build"
        if not classes.exists():
            subprocess.run(["javac", "-Xlint:all", "-Werror", "-d", str(classes), "-cp",
                            str(JUNIT), "SendSmsCode.java", "SmsSandboxTest.java"], cwd=folder,
                           check=True)
        argv = ["java", "-jar", str(JUNIT), "-cp", str(classes), "--select-class",
                "SmsSandboxTest", "--disable-banner", "--details=summary"]
    elif lang == "go":
        env.update({k: v for k, v in go_environment().items() if k.startswith("GO")})
        assert subprocess.run(["gofmt", "-l", "."], cwd=folder, capture_output=True, text=True,
                              check=True).stdout == ""
        subprocess.run(["go", "vet", "."], cwd=folder, env=env, check=True)
        argv = ["go", "test", "-count=1", "-v", "."]
    elif lang == "node":
        argv = ["node", "--test", "sandbox.test.mjs"]
    else:
        argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                "test_my_service.py"]
        if not autoload:
            env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            argv[3:3] = ["-p", "smskit.testing.pytest_plugin"]
    return subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=240)


def passed(lang: str, output: str) -> tuple[int, int]:
    """(passed, failed) as the toolchain reports them."""
    patterns = {"java": (r"(\d+) tests successful", r"(\d+) tests failed"),
                "go": (r"--- PASS", r"--- FAIL"),
                "node": (r"# pass (\d+)", r"# fail (\d+)"),
                "python": (r"(\d+) passed", r"(\d+) failed")}[lang]
    counts = []
    for pattern in patterns:
        found = re.findall(pattern, output)
        counts.append(len(found) if lang == "go" else sum(int(n) for n in found))
    return counts[0], counts[1]


@pytest.fixture(scope="module")
def broken_smskit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``smskit`` whose sandbox runs on a clock fixed in 2001: every send answers 5145."""
    wrapper = tmp_path_factory.mktemp("broken") / "smskit"
    wrapper.write_text(f'#!/bin/sh\nexec "{SMSKIT}" "$@" --fixed-clock 1000000000000\n')
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each harness in its own folder, prepared once (Java compiled once) for both tests."""
    made = {}
    for lang in ("java", "go", "node", "python"):
        made[lang] = tmp_path_factory.mktemp(lang)
        prepare(lang, made[lang])
    return made


@pytest.mark.parametrize("lang", ["java", "go", "node", "python"])
def test_each_harness_passes_against_the_sandbox(lang: str, folders: dict[str, Path]) -> None:
    done = run(lang, folders[lang], SMSKIT)  # pytest: the plugin found by its entry point
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert passed(lang, output) == (TESTS, 0), output
    assert not list(folders[lang].glob("**/sandbox.json"))  # nothing left behind


@pytest.mark.parametrize("lang", ["java", "go", "node", "python"])
def test_each_harness_fails_when_the_sandbox_answers_otherwise(
        lang: str, folders: dict[str, Path], broken_smskit: Path) -> None:
    done = run(lang, folders[lang], broken_smskit, autoload=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert passed(lang, output) == (0, TESTS), output
