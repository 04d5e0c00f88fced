"""Clock offset from the HTTP Date header."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smskit import skew

# 2025-04-16T03:24:54Z, i.e. the page's example ts 1744773894369 truncated to the second.
DATE_TEXT = "Wed, 16 Apr 2025 03:24:54 GMT"
DATE_MS = 1744773894000


def test_parse_http_date_reads_imf_fixdate() -> None:
    parsed = skew.parse_http_date(DATE_TEXT)
    assert parsed == datetime(2025, 4, 16, 3, 24, 54, tzinfo=UTC)
    assert parsed is not None and int(parsed.timestamp() * 1000) == DATE_MS


@pytest.mark.parametrize("value", [None, "", "yesterday", "Wed, 99 Foo 2025 xx:yy:zz GMT"])
def test_unreadable_dates_are_none(value: str | None) -> None:
    assert skew.parse_http_date(value) is None


def test_skew_uses_the_middle_of_the_date_second() -> None:
    # Server time lies in [DATE_MS, DATE_MS + 1000); a local clock reading DATE_MS + 500 is
    # the best guess for "in step".
    date = skew.parse_http_date(DATE_TEXT)
    assert date is not None
    assert skew.skew_ms(date, DATE_MS + 500) == 0
    assert skew.skew_ms(date, DATE_MS + 500 + 60_000) == 60_000
    assert skew.skew_ms(date, DATE_MS + 500 - 60_000) == -60_000


def test_skew_uses_the_middle_of_the_round_trip() -> None:
    date = skew.parse_http_date(DATE_TEXT)
    assert date is not None
    sent, received = DATE_MS + 500 + 10_000 - 300, DATE_MS + 500 + 10_000 + 300
    assert skew.skew_ms(date, sent, received) == 10_000


def test_skew_from_headers_matches_header_names_case_insensitively() -> None:
    assert skew.skew_from_headers({"date": DATE_TEXT}, DATE_MS + 2_500) == 2_000
    assert skew.skew_from_headers({"Content-Type": "x"}, DATE_MS) is None


@pytest.mark.parametrize(("ms", "text"), [
    (0, "in step with (to within a second)"),
    (999, "in step with (to within a second)"),
    (3_200, "3.2 s ahead of"),
    (-3_200, "3.2 s behind"),
    (12 * 60_000, "12.0 min ahead of"),
])
def test_describe(ms: int, text: str) -> None:
    assert skew.describe(ms) == text
