"""The 10-minute window on ts, measured against the sandbox's injected clock.

The page: ts 与服务器时间不能超过 10 分钟. The sandbox reads "not more than" as inclusive:
exactly 600000 ms off is accepted, 600001 ms is refused with 5145.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest
import requests

from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import START_MS, post_api, send_code, signed_query

TEN_MINUTES_MS = 10 * 60 * 1000


@pytest.mark.parametrize("offset_ms", [0, TEN_MINUTES_MS, -TEN_MINUTES_MS, 1, -1,
                                       TEN_MINUTES_MS - 1])
def test_ts_within_ten_minutes_inclusive_is_accepted(sandbox: Sandbox, offset_ms: int) -> None:
    assert send_code(sandbox, offset_ms=offset_ms)["code"] == 200


@pytest.mark.parametrize(("offset_ms", "direction"), [
    (TEN_MINUTES_MS + 1, "ahead of"), (-TEN_MINUTES_MS - 1, "behind"),
    (24 * 3600 * 1000, "ahead of"),
])
def test_ts_beyond_ten_minutes_is_5145_stating_the_offset(
    sandbox: Sandbox, offset_ms: int, direction: str
) -> None:
    answer = send_code(sandbox, offset_ms=offset_ms)
    assert (answer["code"], answer["msg"]) == (5145, "时间戳格式不正确")
    assert f"{abs(offset_ms)} ms" in answer["extMsg"]
    assert direction in answer["extMsg"]
    assert sandbox.outbox() == []


def test_the_window_moves_with_the_clock(sandbox: Sandbox) -> None:
    clock = sandbox.clock
    assert isinstance(clock, FixedClock)
    old_ts = START_MS
    clock.advance(minutes=10)
    assert send_code(sandbox, ts=old_ts)["code"] == 200
    clock.advance(ms=1)
    assert send_code(sandbox, ts=old_ts, code_type=2)["code"] == 5145


@pytest.mark.parametrize(("ts", "hint"), [
    ("1744773894", "seconds"), ("abc", "digits"), ("", "required"),
    ("1744773894369000", "microseconds"), ("-1744773894369", "digits"),
    ("1744773894369.0", "digits"),
])
def test_a_ts_that_is_not_13_digit_milliseconds_is_5145(
    sandbox: Sandbox, ts: str, hint: str
) -> None:
    query = {**signed_query(sandbox), "ts": ts}
    answer = post_api(sandbox, query)
    assert (answer["code"], answer["msg"]) == (5145, "时间戳格式不正确")
    assert answer["extMsg"].startswith("ts:") and hint in answer["extMsg"]


def test_the_date_header_follows_the_sandbox_clock(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.base_url + "/_sandbox/health", timeout=5)
    date = parsedate_to_datetime(response.headers["Date"])
    assert int(date.timestamp()) == START_MS // 1000
    assert response.json()["nowMs"] == START_MS
