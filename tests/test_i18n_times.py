"""Epoch milliseconds as UTC text: expectations written out by hand."""

from __future__ import annotations

import pytest

from smskit.i18n import duration_text, utc_text


@pytest.mark.parametrize(("ms", "text"), [
    (0, "1970-01-01 00:00:00.000 UTC"),
    (1_795_867_200_000, "2026-11-28 12:00:00.000 UTC"),       # the notebooks' fixed "now"
    (1_744_773_894_369, "2025-04-16 03:24:54.369 UTC"),       # the page's example ts
    (1_795_867_499_999, "2026-11-28 12:04:59.999 UTC"),
    (-1, "1969-12-31 23:59:59.999 UTC"),
])
def test_utc_text(ms: int, text: str) -> None:
    assert utc_text(ms) == text


@pytest.mark.parametrize(("ms", "text"), [
    (0, "0 s"),
    (1, "0.001 s"),
    (59_999, "59.999 s"),
    (60_000, "1 min"),
    (299_999, "4 min 59.999 s"),
    (300_000, "5 min"),
    (3_600_000, "60 min"),
    (-1_500, "-1.5 s"),
])
def test_duration_text(ms: int, text: str) -> None:
    assert duration_text(ms) == text
