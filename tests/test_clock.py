"""Clocks: the fixed clock moves only when told to."""

from __future__ import annotations

import time

from smskit import FixedClock, SystemClock, now_ms


def test_fixed_clock_stands_still_and_steps() -> None:
    clock = FixedClock(1_000)
    assert clock.now_ms() == 1_000
    assert clock.advance(minutes=5) == 301_000
    assert clock.advance(seconds=-1, ms=1) == 300_001
    clock.set(42)
    assert now_ms(clock) == 42
    assert repr(clock) == "FixedClock(42)"


def test_system_clock_is_wall_time_in_ms() -> None:
    before = time.time() * 1000
    value = SystemClock().now_ms()
    after = time.time() * 1000
    assert before - 1 <= value <= after + 1
