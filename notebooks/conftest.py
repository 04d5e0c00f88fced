"""The exercise notebooks (both languages) save progress: under test, to a throw-away file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_SCRATCH = tempfile.TemporaryDirectory(prefix="smskit-progress-")


@pytest.hookimpl(trylast=True)  # after the root conftest clears every SMSKIT_* variable
def pytest_configure(config: pytest.Config) -> None:
    # nbval's kernels inherit this process's environment when they start.
    os.environ["SMSKIT_PROGRESS_FILE"] = str(Path(_SCRATCH.name) / "progress.json")


def pytest_unconfigure(config: pytest.Config) -> None:
    _SCRATCH.cleanup()
