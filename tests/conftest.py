"""Shared test set-up.

Fixtures shared between test modules live in ``tests/fixtures/<topic>.py``, one module per
topic, and are registered here.

Order: the files that hold a long test start first (the hub's journey, then slow and browser
tests; each file keeps its own order), so that with ``--dist loadfile
--no-loadscope-reorder`` (``./kit test``) the workers end together instead of one of
them starting a minute-long file when everything else is done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins: list[str] = [
    "tests.fixtures.docs_site",
    "tests.fixtures.faults",
    "tests.fixtures.sandbox",
    "tests.fixtures.wheel",
]

#: Files holding an item with one of these marks start first, in this order.
LONG_FIRST = ("hub", "slow", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank: dict[Path, int] = {}
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        mine = min((LONG_FIRST.index(name) for name in marks & set(LONG_FIRST)),
                   default=len(LONG_FIRST))
        rank[item.path] = min(rank.get(item.path, mine), mine)
    items.sort(key=lambda item: rank[item.path])  # stable: each file keeps its order
