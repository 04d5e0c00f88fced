"""Keep every test session hermetic.

Real credentials in a developer's shell (``SMSKIT_*``) must not reach the code under test: the
notebooks run by nbval would otherwise take their "credentials present" path and call the
real platform. Tests that need these variables set them themselves. The kit's language is
pinned to English (``SMSKIT_LANG=en``), whatever the developer's locale: the notebooks'
stored outputs and the tests' expected texts are the English edition; tests of the Chinese
edition choose it themselves.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    for name in [name for name in os.environ if name.startswith("SMSKIT_")]:
        del os.environ[name]
    os.environ["SMSKIT_LANG"] = "en"
