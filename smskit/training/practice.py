"""The sandbox an exercise sends to: the class's when the environment names one, else its own.

The exercise cells use one interface, :class:`ExerciseSandbox`, whichever sandbox is behind
it: ``base_url``, ``user_domain``, ``secret`` (never in the repr), ``now_ms()``,
``send_code(...)``, ``last_delivery(...)``, ``verify_code(...)`` and ``stop()``. Outside a
class (no ``SMSKIT_CLASSROOM_URL`` or ``http://`` ``SMSKIT_BASE_URL`` with the trainee's
domain and secret) it is an embedded :class:`~smskit.sandbox.Sandbox` whose clock stands
still and whose codes are seeded, so every run prints the same; it has no rate limit, so a
send cell run twice is answered like the first run. Stopped (the notebook's last cell), it
starts again, with its outbox, when a cell uses it: going back to an exercise after Run All
works.
"""

from __future__ import annotations

import random as _random
from typing import TYPE_CHECKING, Any

from smskit.clock import Clock, FixedClock

if TYPE_CHECKING:
    from smskit.responses import SendResult
    from smskit.sandbox import Delivery, Sandbox, VerificationResult

#: The embedded sandbox's time: 2026-11-28T12:00:00Z in epoch milliseconds.
EMBEDDED_NOW_MS = 1_795_867_200_000
#: The seed of the embedded sandbox's codes.
EMBEDDED_SEED = 2026


class ExerciseSandbox:
    """An embedded sandbox seen through the interface the exercise cells use."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox.start()

    @property
    def base_url(self) -> str:
        """The sandbox's address (starting it again if a cell stopped it)."""
        return self.sandbox.start().base_url

    @property
    def user_domain(self) -> str:
        """The user domain (用户域) the exercises send as."""
        return self.sandbox.demo_domain

    @property
    def secret(self) -> str:
        """The user domain's sandbox-only secret: pass it on, never print it."""
        return self.sandbox.secret_for(self.user_domain)

    @property
    def clock(self) -> Clock:
        return self.sandbox.clock

    @property
    def running(self) -> bool:
        return self.sandbox.running

    def now_ms(self) -> int:
        """The sandbox's time in epoch milliseconds: the ``ts`` it accepts now."""
        return self.clock.now_ms()

    def send_code(self, phone: str, code_type: Any) -> SendResult:
        """Send one code through the kit's client as this user domain."""
        with self.sandbox.start().client() as client:
            return client.send_code(phone, code_type)

    def last_delivery(self, phone: str, *, code_type: Any = None) -> Delivery | None:
        """The latest code this user domain sent to ``phone`` (of ``code_type``), or None."""
        return self.sandbox.last_delivery(phone, user_domain=self.user_domain,
                                          code_type=code_type)

    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        """Check a code as the platform's other endpoints would; consumes it when ``ok``."""
        return self.sandbox.verify_code(phone=phone, code_type=code_type, code=code,
                                        user_domain=self.user_domain)

    def stop(self) -> None:
        self.sandbox.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return (f"ExerciseSandbox(embedded, {where}, clock={self.clock!r}, "
                f"user_domain={self.user_domain!r})")


def exercise_sandbox() -> ExerciseSandbox:
    """The sandbox for the exercises, started: embedded, still clock, seeded codes."""
    from smskit.sandbox import RatePolicy, Sandbox

    return ExerciseSandbox(Sandbox(clock=FixedClock(EMBEDDED_NOW_MS),
                                   random_source=_random.Random(EMBEDDED_SEED),  # noqa: S311 - seeded on purpose
                                   policy=RatePolicy.unlimited()))
