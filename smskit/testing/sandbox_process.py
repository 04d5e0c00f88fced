"""``smskit sandbox`` as a child process: started from its ready file, driven over HTTP.

Standard library only (``urllib``), so a Python service's test suite uses the sandbox exactly
as a Java, Go or Node suite does, through its ``/_sandbox/`` API (the OpenAPI document at
``/_sandbox/openapi.json``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

_POLL_SECONDS = 0.02


class SandboxStartError(RuntimeError):
    """The sandbox did not write its ready file: it exited, or took too long."""


class SandboxProcess:
    """A running ``smskit sandbox --port 0 --ready-file ...``; stop it with :meth:`stop`."""

    def __init__(self, process: subprocess.Popen[bytes], info: dict[str, Any],
                 folder: tempfile.TemporaryDirectory[str]) -> None:
        self._process, self._folder = process, folder
        #: The ready file's content: url, port, pid, version, demoDomain, domains (secrets).
        self.info = info
        self.url: str = info["url"]
        self.user_domain: str = info["demoDomain"]

    @classmethod
    def start(cls, *args: str, command: Sequence[str] | None = None,
              timeout: float = 20.0) -> SandboxProcess:
        """Start the sandbox with extra ``args`` (``"--rate-limits", "off"``, ...) and wait for
        its ready file. ``command`` defaults to this interpreter's ``-m smskit``."""
        folder = tempfile.TemporaryDirectory(prefix="smskit-sandbox-")
        ready = Path(folder.name) / "sandbox.json"
        argv = [*(command or (sys.executable, "-m", "smskit")), "sandbox", "--port", "0",
                "--quiet", "--ready-file", str(ready), *args]
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,  # noqa: S603 - our argv
                                   stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                folder.cleanup()
                raise SandboxStartError(f"smskit sandbox wrote no ready file (exit status "
                                        f"{process.returncode}); command: {argv}")
            time.sleep(_POLL_SECONDS)
        info = json.loads(ready.read_text(encoding="utf-8"))
        return cls(process, info, folder)

    def secret_for(self, user_domain: str | None = None) -> str:
        """A domain's sandbox-only secret (the demo domain's by default); do not print it."""
        name = user_domain or self.user_domain
        return next(str(row["secret"]) for row in self.info["domains"] if row["name"] == name)

    @property
    def env(self) -> dict[str, str]:
        """``SMSKIT_BASE_URL``, ``SMSKIT_USER_DOMAIN``, ``SMSKIT_USER_DOMAIN_SECRET`` for a
        service (or a snippet) under test."""
        return {"SMSKIT_BASE_URL": self.url, "SMSKIT_USER_DOMAIN": self.user_domain,
                "SMSKIT_USER_DOMAIN_SECRET": self.secret_for()}

    # -- the /_sandbox/ API ------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One request to the sandbox; its JSON answer (an HTTP error raises)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the ready file's http:// URL
            self.url + path, data=data, method=method,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read())

    def outbox(self, phone: str | None = None) -> list[dict[str, Any]]:
        query = "" if phone is None else "?" + urlencode({"phone": phone})
        deliveries: list[dict[str, Any]] = self.call("GET", "/_sandbox/outbox" + query)[
            "deliveries"]
        return deliveries

    def requests(self, phone: str | None = None) -> list[dict[str, Any]]:
        query = "" if phone is None else "?" + urlencode({"phone": phone})
        records: list[dict[str, Any]] = self.call("GET", "/_sandbox/requests" + query)[
            "requests"]
        return records

    def verify(self, phone: str, code_type: int, code: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("POST", "/_sandbox/verify", {
            "phone": phone, "codeType": code_type, "code": code})
        return result

    def clock(self, **change: Any) -> dict[str, Any]:
        """The sandbox's clock; with ``nowMs=``, ``advanceMs=`` or ``frozen=``, moved first."""
        state: dict[str, Any] = (self.call("POST", "/_sandbox/clock", change) if change
                                 else self.call("GET", "/_sandbox/clock"))
        return state

    def reset(self, parts: str | list[str] = "all") -> None:
        """Forget state and logs; ``"all"`` also puts the clock back."""
        self.call("POST", "/_sandbox/reset", {"parts": parts})

    # -- lifecycle -------------------------------------------------------------------------

    def stop(self) -> int:
        """SIGTERM, then wait; the exit status (0 when it stopped cleanly)."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._folder.cleanup()
        return self._process.returncode

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SandboxProcess({self.url}, pid={self.info['pid']})"


def _environment_command() -> list[str] | None:
    """``SMSKIT_COMMAND`` (a path to ``smskit``), as the other languages' harnesses read it."""
    command = os.environ.get("SMSKIT_COMMAND")
    return [command] if command else None
