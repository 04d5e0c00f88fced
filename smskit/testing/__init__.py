"""Test helpers for services that call sendPhoneSmsCode: the sandbox as a test double.

:class:`SandboxProcess` runs ``smskit sandbox`` as a child process, started from its ready
file and driven over HTTP, as a test suite in any language would; the pytest plugin
(:mod:`smskit.testing.pytest_plugin`, registered as ``pytest11``) wraps it in the
``sms_sandbox`` fixture.
"""

from smskit.testing.sandbox_process import SandboxProcess, SandboxStartError

__all__ = ["SandboxProcess", "SandboxStartError"]
