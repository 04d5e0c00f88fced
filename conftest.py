"""Keep every test session hermetic.

Real credentials in a developer's shell (``SMSKIT_*``) must not reach the code under test: the
notebooks run by nbval would otherwise take their "credentials present" path and call the
real platform. Tests that need these variables set them themselves. The locale is pinned to
``C.UTF-8`` and ``SMSKIT_LANG`` left unset, whatever the developer's shell says: the kit then
speaks English, the stored outputs' edition (the exercises' verdicts show both languages
when no language is chosen); tests of the Chinese edition choose it themselves. nbval's
kernels listen on Unix sockets (``tests/fixtures/kernels.py`` says why).
"""

from __future__ import annotations

import os

import nbval.kernel
import pytest

from tests.fixtures.kernels import UnixSocketKernelManager


def pytest_configure(config: pytest.Config) -> None:
    for name in [name for name in os.environ if name.startswith("SMSKIT_")]:
        del os.environ[name]
    for name in ("LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)
    os.environ["LANG"] = "C.UTF-8"
    nbval.kernel.KernelManager = UnixSocketKernelManager
