"""Epoch milliseconds as readable UTC text, for tables and notebook output.

The API's ``ts`` and the sandbox's times are epoch milliseconds; people read dates. UTC
always, so stored notebook outputs do not depend on the machine's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(ms: int) -> str:
    """``1795867200000`` -> ``"2026-11-28 12:00:00.000 UTC"`` (millisecond precision)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{ms % 1000:03d} UTC"


def duration_text(ms: int) -> str:
    """``299999`` -> ``"4 min 59.999 s"``; ``60000`` -> ``"1 min"``; negative values get ``-``."""
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    minutes, rest = divmod(ms, 60_000)
    seconds = f"{rest / 1000:.3f}".rstrip("0").rstrip(".") + " s" if rest else ""
    parts = [f"{minutes} min"] if minutes else []
    if seconds or not parts:
        parts.append(seconds or "0 s")
    return sign + " ".join(parts)


def seconds_text(ms: int) -> str:
    """``60000`` -> ``"60 s"``, ``1500`` -> ``"1.5 s"``: a policy's window in whole seconds."""
    return f"{ms / 1000:g} s"
