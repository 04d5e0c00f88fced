"""The sandbox an exercise sends to: the class's when the environment names one, else its own.

The exercise cells use one interface, :class:`ExerciseSandbox`, whichever sandbox is behind
it: ``base_url``, ``user_domain``, ``secret`` (never in the repr), ``now_ms()``,
``send_code(...)``, ``last_delivery(...)``, ``verify_code(...)`` and ``stop()``.

- In a class (the hub sets ``SMSKIT_CLASSROOM_URL`` or an ``http://`` ``SMSKIT_BASE_URL``, with
  the trainee's ``SMSKIT_USER_DOMAIN`` and ``SMSKIT_USER_DOMAIN_SECRET``) it is the class
  sandbox, as the trainee: sends go to the class's API, the outbox and verifications go
  through the trainee's own views (:class:`~smskit.training.classroom.TraineeClient`), so the
  trainer sees the work and the sandbox judges E4 and E5 itself. Its clock is real time. A
  developer's own plain sandbox in ``SMSKIT_BASE_URL`` is not a class (it has no trainee
  views): the exercises then stay embedded.
- Otherwise it is an embedded :class:`~smskit.sandbox.Sandbox` whose clock stands still and
  whose codes are seeded, so every run prints the same; it has no rate limit, so a send cell
  run twice is answered like the first run. Stopped (the notebook's last cell), it starts
  again, with its outbox, when a cell uses it: going back to an exercise after Run All works.
"""

from __future__ import annotations

import random as _random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from smskit.clock import Clock, FixedClock, SystemClock
from smskit.i18n import pick

if TYPE_CHECKING:
    from smskit.errors import RateLimited
    from smskit.i18n import Message
    from smskit.responses import SendResult
    from smskit.sandbox import Delivery, Sandbox, VerificationResult
    from smskit.training.classroom import TraineeClient, TraineeCredentials

#: The embedded sandbox's time: 2026-11-28T12:00:00Z in epoch milliseconds.
EMBEDDED_NOW_MS = 1_795_867_200_000
#: The seed of the embedded sandbox's codes.
EMBEDDED_SEED = 2026


class ExerciseSandbox(ABC):
    """What the exercise cells use of a sandbox, embedded or the class's."""

    #: ``"embedded"`` or ``"class"``.
    kind: str

    @property
    @abstractmethod
    def base_url(self) -> str:
        """Where the API is: send the hand-built request here."""

    @property
    @abstractmethod
    def user_domain(self) -> str:
        """The user domain (用户域) the exercises send as."""

    @property
    @abstractmethod
    def secret(self) -> str:
        """The user domain's secret: pass it on, never print it."""

    @property
    @abstractmethod
    def clock(self) -> Clock:
        """The sandbox's notion of now (a ``ts`` is accepted within 10 minutes of it)."""

    def now_ms(self) -> int:
        """The sandbox's time in epoch milliseconds: the ``ts`` it accepts now."""
        return self.clock.now_ms()

    def send_code(self, phone: str, code_type: Any) -> SendResult | RateLimited:
        """Send one code with the kit's client, as this user domain (never retried).

        A 5058 (the class sandbox allows one code per phone and purpose a minute) is said in
        one line and returned, not raised: a cell run twice in a row stays a cell that ran.
        """
        from smskit.client import SmsClient
        from smskit.errors import RateLimited

        with SmsClient(base_url=self.base_url, user_domain=self.user_domain,
                       secret=self.secret, clock=self.clock) as client:
            try:
                return client.send_code(phone, code_type)
            except RateLimited as error:
                print(pick(zh=f"5058：一分钟内已给 {phone} 发过验证码，这次没有发送。"
                              "等一分钟再运行这个单元格。",
                           en=f"5058: a code went to {phone} less than a minute ago, so none "
                              "was sent now. Wait a minute, then run this cell again."))
                return error

    @abstractmethod
    def last_delivery(self, phone: str, *, code_type: Any = None) -> Delivery | None:
        """The latest code this user domain sent to ``phone`` (of ``code_type``), or None."""

    @abstractmethod
    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        """Check a code as the platform's other endpoints would; consumes it when ``ok``."""

    @property
    @abstractmethod
    def running(self) -> bool:
        """Whether it answers now."""

    @abstractmethod
    def stop(self) -> None:
        """Stop an embedded sandbox (frees its port); a class sandbox keeps running."""

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return (f"ExerciseSandbox({self.kind}, {where}, clock={self.clock!r}, "
                f"user_domain={self.user_domain!r})")


class EmbeddedSandbox(ExerciseSandbox):
    """A sandbox on this machine, started for the exercises."""

    kind = "embedded"

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox.start()

    @property
    def base_url(self) -> str:
        return self.sandbox.start().base_url  # a stopped one starts again

    @property
    def user_domain(self) -> str:
        return self.sandbox.demo_domain

    @property
    def secret(self) -> str:
        return self.sandbox.secret_for(self.user_domain)

    @property
    def clock(self) -> Clock:
        return self.sandbox.clock

    @property
    def running(self) -> bool:
        return self.sandbox.running

    def last_delivery(self, phone: str, *, code_type: Any = None) -> Delivery | None:
        return self.sandbox.last_delivery(phone, user_domain=self.user_domain,
                                          code_type=code_type)

    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        return self.sandbox.verify_code(phone=phone, code_type=code_type, code=code,
                                        user_domain=self.user_domain)

    def stop(self) -> None:
        self.sandbox.stop()


class ClassSandbox(ExerciseSandbox):
    """The class sandbox, reached as the trainee the environment names."""

    kind = "class"

    def __init__(self, client: TraineeClient, secret: str) -> None:
        self.client = client
        self._secret = secret
        self._clock = SystemClock()

    @property
    def base_url(self) -> str:
        return self.client.credentials.base_url

    @property
    def user_domain(self) -> str:
        return self.client.credentials.user_domain

    @property
    def secret(self) -> str:
        return self._secret

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def running(self) -> bool:
        return True

    def last_delivery(self, phone: str, *, code_type: Any = None) -> Delivery | None:
        from smskit.fields import parse_code_type
        from smskit.sandbox import Delivery

        kind = None if code_type is None else parse_code_type(code_type)
        rows = [row for row in self.client.outbox() if row["phone"] == phone
                and (kind is None or row["codeType"] == kind)]
        if not rows:
            return None
        row = rows[-1]
        return Delivery(user_domain=row["userDomain"], international_code=row["internationalCode"],
                        phone=row["phone"], code_type=row["codeType"], code=row["code"],
                        sent_at_ms=row["sentAtMs"], expires_at_ms=row["expiresAtMs"],
                        used=row["used"], superseded=row["superseded"])

    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        from smskit.fields import parse_code_type
        from smskit.sandbox import VerificationResult

        answer = self.client.verify(phone=phone, code_type=parse_code_type(code_type),
                                    code=code)
        status = str(answer["status"])
        return VerificationResult(ok=bool(answer["ok"]), wording=_verify_wording(status, answer),
                                  status=status)

    def stop(self) -> None:
        """Nothing to stop: the class sandbox serves everyone until the trainer stops it."""


#: Verification statuses whose reason is one fixed message: written in the trainee's language.
_FIXED_REASONS = frozenset({"ok", "no_code", "mismatch", "superseded", "used"})


def _verify_wording(status: str, answer: Mapping[str, Any]) -> Message:
    """The reason of a class verification: the kit's own keyed text when it has no values (so
    it follows the trainee's language), else the class sandbox's words."""
    from smskit import i18n

    if status in _FIXED_REASONS:
        return i18n.text(f"sandbox.verify.{status}")
    return str(answer["reason"])


def exercise_sandbox(environ: Mapping[str, str] | None = None) -> ExerciseSandbox:
    """The class sandbox when the environment names one, else an embedded one, started."""
    from smskit.training.classroom import TraineeClient, TraineeCredentials

    credentials = TraineeCredentials.from_env(environ)
    if credentials is not None and _is_a_class(credentials, environ):
        return ClassSandbox(TraineeClient(credentials), credentials.trainee.secret)
    from smskit.sandbox import RatePolicy, Sandbox

    return EmbeddedSandbox(Sandbox(
        clock=FixedClock(EMBEDDED_NOW_MS),
        random_source=_random.Random(EMBEDDED_SEED),  # noqa: S311 - seeded on purpose
        policy=RatePolicy.unlimited()))


def _is_a_class(credentials: TraineeCredentials, environ: Mapping[str, str] | None) -> bool:
    """Whether the sandbox the environment names serves a class.

    ``SMSKIT_CLASSROOM_URL`` says so itself. An ``http://`` ``SMSKIT_BASE_URL`` (what the hub
    sets) may also be a developer's own plain sandbox, which has no ``/_sandbox/me`` (404): the
    exercises then use an embedded one. Any other refusal, or no answer, raises
    :class:`~smskit.training.classroom.ClassroomUnavailable`: a class named but unusable is
    said at once, not hidden behind an embedded sandbox.
    """
    from smskit import environment
    from smskit.training.classroom import CLASSROOM_URL_VAR, TraineeClient

    if environment.read(CLASSROOM_URL_VAR, environ) is not None:
        return True
    client = TraineeClient(credentials)
    return client.is_a_classroom()
