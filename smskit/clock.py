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
        #: (offset from the wall clock, frozen time or ``None``): replaced whole under the
        #: lock, read without it (one attribute read sees a consistent pair), so that
        #: reading the time, several times per request, costs no lock.
        self._state: tuple[int, int | None] = (
            int(offset_ms), None if frozen_at_ms is None else int(frozen_at_ms))
        self._start = self._state
        self._lock = threading.Lock()

    @staticmethod
    def _wall_ms() -> int:
        return time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        offset, frozen = self._state
        return frozen if frozen is not None else time.time_ns() // 1_000_000 + offset

    @property
    def frozen(self) -> bool:
        return self._state[1] is not None

    @property
    def offset_ms(self) -> int:
        """How far this clock is from the wall clock now, in ms."""
        offset, frozen = self._state
        return offset if frozen is None else frozen - self._wall_ms()

    def set(self, now_ms: int) -> None:
        """Jump to an absolute time; a running clock keeps running from there."""
        with self._lock:
            offset, frozen = self._state
            if frozen is not None:
                self._state = (offset, int(now_ms))
            else:
                self._state = (int(now_ms) - self._wall_ms(), None)

    def advance(self, *, ms: int = 0, seconds: float = 0, minutes: float = 0) -> int:
        """Move forward (or back, with negative values) and return the new time."""
        step = ms + round(seconds * MILLIS_PER_SECOND) + round(minutes * MILLIS_PER_MINUTE)
        with self._lock:
            offset, frozen = self._state
            if frozen is not None:
                self._state = (offset, frozen + step)
                return frozen + step
            self._state = (offset + step, None)
            return self._wall_ms() + offset + step

    def freeze(self) -> int:
        """Stand still at the current time (returned) until :meth:`resume`."""
        with self._lock:
            offset, frozen = self._state
            if frozen is None:
                frozen = self._wall_ms() + offset
                self._state = (offset, frozen)
            return frozen

    def resume(self) -> int:
        """Run again from where it stands (the offset kept); returns the time."""
        with self._lock:
            offset, frozen = self._state
            if frozen is not None:
                offset = frozen - self._wall_ms()
                self._state = (offset, None)
            return self._wall_ms() + offset

    def restore(self) -> None:
        """Back to how it was made: its first offset, or frozen at its first time."""
        with self._lock:
            self._state = self._start

    def __repr__(self) -> str:
        offset, frozen = self._state
        if frozen is not None:
            return f"OffsetClock(frozen_at_ms={frozen})"
        return f"OffsetClock(offset_ms={offset})"
