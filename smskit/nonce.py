"""Fresh ``random`` and ``ts`` values for a request.

``random`` is 16 characters (the page's rule) drawn from ASCII letters and digits, the
alphabet of every example the platform publishes. Both helpers take an injectable source so
examples and notebooks can be deterministic; the defaults are ``secrets`` and the wall clock.
"""

from __future__ import annotations

import random as _random
import secrets
import string

from smskit.clock import Clock, SystemClock

RANDOM_LENGTH = 16
RANDOM_ALPHABET = string.ascii_letters + string.digits


def new_random(source: _random.Random | None = None) -> str:
    """A 16-character random; cryptographically strong unless ``source`` is given."""
    choose = secrets.choice if source is None else source.choice
    return "".join(choose(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))


def now_ms(clock: Clock | None = None) -> int:
    """The current time in epoch milliseconds, from ``clock`` or the system clock."""
    return (clock or SystemClock()).now_ms()
