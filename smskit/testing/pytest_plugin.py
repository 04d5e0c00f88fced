"""The ``sms_sandbox`` pytest fixture: the smskit sandbox as a Python service's test double.

Registered through the ``pytest11`` entry point, so ``pip install smskit`` makes it available
to every pytest run. One ``smskit sandbox`` process per test session (``sms_sandbox_server``),
reset (outbox, rates, faults, request log, clock) before each test that uses ``sms_sandbox``::

    def test_signup_sends_a_code(sms_sandbox):
        my_service.signup("13800138000", **sms_sandbox.env)
        assert sms_sandbox.outbox("13800138000")[0]["codeType"] == 3
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smskit.testing.sandbox_process import SandboxProcess, _environment_command


@pytest.fixture(scope="session")
def sms_sandbox_server() -> Iterator[SandboxProcess]:
    """One ``smskit sandbox`` for the session (``SMSKIT_COMMAND`` picks the executable)."""
    server = SandboxProcess.start(command=_environment_command())
    yield server
    status = server.stop()
    if status != 0:
        pytest.fail(f"smskit sandbox exited with status {status}")


@pytest.fixture
def sms_sandbox(sms_sandbox_server: SandboxProcess) -> SandboxProcess:
    """The session's sandbox, reset to a clean state and the wall clock."""
    sms_sandbox_server.reset("all")
    return sms_sandbox_server
