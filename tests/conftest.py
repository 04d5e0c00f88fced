"""Shared test set-up.

Fixtures shared between test modules live in ``tests/fixtures/<topic>.py``, one module per
topic, and are registered here.
"""

from __future__ import annotations

pytest_plugins: list[str] = [
    "tests.fixtures.docs_site",
    "tests.fixtures.faults",
    "tests.fixtures.sandbox",
]
