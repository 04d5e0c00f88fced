"""Time sources in epoch milliseconds.

The API's ``ts`` is milliseconds since the Unix epoch and must be within 10 minutes of the
server's time. Everything that needs "now" takes a clock so that tests, notebooks and the
sandbox can freeze or step time instead of waiting.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

MILLIS_PER_SECOND = 1_000
MILLIS_PER_MINUTE = 60 * MILLIS_PER_SECOND


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now_ms()`` returning the current time in epoch milliseconds."""

    def now_ms(self) -> int: ...


class SystemClock:
    """The machine's wall clock."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until told to move; safe to share between threads."""

    def __init__(self, start_ms: int) -> None:
        self._now = int(start_ms)
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._now

    def set(self, now_ms: int) -> None:
        """Jump to an absolute time (epoch milliseconds)."""
        with self._lock:
            self._now = int(now_ms)

    def advance(self, *, ms: int = 0, seconds: float = 0, minutes: float = 0) -> int:
        """Move forward (or back, with negative values) and return the new time."""
        step = ms + round(seconds * MILLIS_PER_SECOND) + round(minutes * MILLIS_PER_MINUTE)
        with self._lock:
            self._now += step
            return self._now

    def __repr__(self) -> str:
        return f"FixedClock({self.now_ms()})"

