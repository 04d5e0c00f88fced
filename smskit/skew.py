"""Clock offset between this machine and the server, from the HTTP ``Date`` header.

The API refuses a ``ts`` more than 10 minutes away from the server's time, so a wrong local
clock looks like a broken request. Every HTTP response carries a ``Date`` header; comparing
it with the local clock tells how far off the clock is.

Precision: ``Date`` has one-second resolution (the server truncates to the second), so the
server's true time lies in ``[Date, Date + 1 s)``. The estimate uses the middle of that
second and the middle of the local send/receive interval, which bounds the error by about
500 ms plus half the round trip. Good enough for a 10-minute window; not a time service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from smskit import i18n

#: ``Date`` is truncated to whole seconds; the estimate assumes the middle of that second.
DATE_RESOLUTION_MS = 1_000


def parse_http_date(value: str | None) -> datetime | None:
    """The ``Date`` header as an aware UTC datetime, or ``None`` if absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC of unknown origin; HTTP dates are GMT
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, matching the name case-insensitively."""
    wanted = name.casefold()
    return next((value for key, value in headers.items() if key.casefold() == wanted), None)


def skew_ms(server_date: datetime, local_sent_ms: int, local_received_ms: int | None = None) -> int:
    """Local clock minus server clock, in ms (positive: the local clock is ahead).

    ``local_sent_ms`` and ``local_received_ms`` are the local clock just before sending and
    just after the response arrived; the server stamped ``Date`` somewhere in between.
    """
    received = local_sent_ms if local_received_ms is None else local_received_ms
    local_mid = (local_sent_ms + received) // 2
    server_mid = int(server_date.timestamp() * 1000) + DATE_RESOLUTION_MS // 2
    return local_mid - server_mid


def skew_from_headers(
    headers: Mapping[str, str], local_sent_ms: int, local_received_ms: int | None = None
) -> int | None:
    """:func:`skew_ms` from a response's headers; ``None`` when there is no usable ``Date``."""
    server_date = parse_http_date(header(headers, "Date"))
    if server_date is None:
        return None
    return skew_ms(server_date, local_sent_ms, local_received_ms)


def describe(skew: int, lang: str = "en") -> str:
    """``"12.0 min ahead of"`` / ``"3.2 s behind"`` / ``"in step with"`` the server; in
    Chinese a whole predicate (``"比服务器时间快 12.0 分钟"``), because the word order differs."""
    if abs(skew) < DATE_RESOLUTION_MS:
        return i18n.t("skew.in_step", lang)
    minutes = abs(skew) >= 60_000
    amount = f"{abs(skew) / (60_000 if minutes else 1_000):.1f}"
    unit = i18n.t("skew.unit.min" if minutes else "skew.unit.s", lang)
    return i18n.t("skew.ahead" if skew > 0 else "skew.behind", lang, amount=amount, unit=unit)
