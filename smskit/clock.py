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



class OffsetClock:
    """The wall clock moved by an offset, or frozen: a clock a test moves from outside.

    ``smskit sandbox`` runs on one, so a test suite in any language can read, set, freeze
    and advance the sandbox's time over HTTP (``/_sandbox/clock``) instead of sleeping.
    Safe to share between threads.
    """

    def __init__(self, *, offset_ms: int = 0, frozen_at_ms: int | None = None) -> None:
        self._offset = int(offset_ms)
        self._frozen = None if frozen_at_ms is None else int(frozen_at_ms)
        self._start = (self._offset, self._frozen)
        self._lock = threading.Lock()

    @staticmethod
    def _wall_ms() -> int:
        return time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        with self._lock:
            return self._frozen if self._frozen is not None else self._wall_ms() + self._offset

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen is not None

    @property
    def offset_ms(self) -> int:
        """How far this clock is from the wall clock now, in ms."""
        with self._lock:
            now = self._frozen if self._frozen is not None else self._wall_ms() + self._offset
            return now - self._wall_ms()

    def set(self, now_ms: int) -> None:
        """Jump to an absolute time; a running clock keeps running from there."""
        with self._lock:
            if self._frozen is not None:
                self._frozen = int(now_ms)
            else:
                self._offset = int(now_ms) - self._wall_ms()

    def advance(self, *, ms: int = 0, seconds: float = 0, minutes: float = 0) -> int:
        """Move forward (or back, with negative values) and return the new time."""
        step = ms + round(seconds * MILLIS_PER_SECOND) + round(minutes * MILLIS_PER_MINUTE)
        with self._lock:
            if self._frozen is not None:
                self._frozen += step
                return self._frozen
            self._offset += step
            return self._wall_ms() + self._offset

    def freeze(self) -> int:
        """Stand still at the current time (returned) until :meth:`resume`."""
        with self._lock:
            if self._frozen is None:
                self._frozen = self._wall_ms() + self._offset
            return self._frozen

    def resume(self) -> int:
        """Run again from where it stands (the offset kept); returns the time."""
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - self._wall_ms()
                self._frozen = None
            return self._wall_ms() + self._offset

    def restore(self) -> None:
        """Back to how it was made: its first offset, or frozen at its first time."""
        with self._lock:
            self._offset, self._frozen = self._start

    def __repr__(self) -> str:
        if self.frozen:
            return f"OffsetClock(frozen_at_ms={self.now_ms()})"
        return f"OffsetClock(offset_ms={self._offset})"
