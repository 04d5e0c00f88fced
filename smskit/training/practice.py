"""The sandbox a lesson or an exercise sends to: the class's when the environment names one,
else its own.

The lesson and exercise cells use one interface, :class:`PracticeSandbox`, whichever sandbox
is behind it: ``base_url``, ``user_domain``, ``secret`` (never in the repr), ``clock``,
``now_ms()``, ``client(...)``, ``send_code(...)``, ``outbox()``, ``last_delivery(...)``,
``verify_code(...)``, ``reset()`` and ``stop()``.

- In a class (:func:`~smskit.training.classroom.class_credentials`: the hub sets an ``http://``
  ``SMSKIT_BASE_URL`` or ``SMSKIT_CLASSROOM_URL``, with the trainee's ``SMSKIT_USER_DOMAIN``
  and ``SMSKIT_USER_DOMAIN_SECRET``) it is the class sandbox, as the trainee: sends go to the
  class's API, the outbox and verifications go through the trainee's own views
  (:class:`~smskit.training.classroom.TraineeClient`), so the trainer sees the work and the
  sandbox judges E4 and E5 itself. Its clock is real time and its rate limit the class's. A
  developer's own plain sandbox in ``SMSKIT_BASE_URL`` is not a class (it has no trainee
  views): the notebooks then stay embedded.
- Otherwise it is an embedded :class:`~smskit.sandbox.Sandbox` whose clock stands still and
  whose codes are seeded, so every run prints the same. For the exercises it has no rate
  limit, so a send cell run twice is answered like the first run; the lessons ask for the
  platform's (``rate_limits=True``). Stopped (the notebook's last cell), it starts again, with
  its outbox, when a cell uses it: going back to an exercise after Run All works.
"""

from __future__ import annotations

import random as _random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from smskit.clock import Clock, FixedClock, SystemClock
from smskit.i18n import pick

if TYPE_CHECKING:
    from smskit.client import SmsClient
    from smskit.errors import RateLimited
    from smskit.i18n import Message
    from smskit.responses import SendResult
    from smskit.sandbox import Delivery, Sandbox, VerificationResult
    from smskit.training.classroom import TraineeClient

#: The embedded sandbox's time: 2026-11-28T12:00:00Z in epoch milliseconds.
EMBEDDED_NOW_MS = 1_795_867_200_000
#: The seed of the embedded sandbox's codes.
EMBEDDED_SEED = 2026


class PracticeSandbox(ABC):
    """What the lesson and exercise cells use of a sandbox, embedded or the class's."""

    #: ``"embedded"`` or ``"class"``.
    kind: str

    @property
    @abstractmethod
    def base_url(self) -> str:
        """Where the API is: send the hand-built request here."""

    @property
    @abstractmethod
    def user_domain(self) -> str:
        """The user domain (用户域) the notebook sends as."""

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

    def client(self, **overrides: Any) -> SmsClient:
        """An :class:`~smskit.client.SmsClient` for this sandbox, as this user domain, on its
        clock; ``overrides`` (such as a seeded ``random_source``) go to ``SmsClient`` as is."""
        from smskit.client import SmsClient

        settings: dict[str, Any] = {"base_url": self.base_url, "user_domain": self.user_domain,
                                    "secret": self.secret, "clock": self.clock, **overrides}
        return SmsClient(**settings)

    def send_code(self, phone: str, code_type: Any) -> SendResult | RateLimited:
        """Send one code with the kit's client, as this user domain (never retried).

        A 5058 (the class sandbox allows one code per phone and purpose a minute) is said in
        one line and returned, not raised: a cell run twice in a row stays a cell that ran.
        """
        from smskit.errors import RateLimited

        with self.client() as client:
            try:
                return client.send_code(phone, code_type)
            except RateLimited as error:
                print(pick(zh=f"5058：一分钟内已给 {phone} 发过验证码，这次没有发送。"
                              "等一分钟再运行这个单元格。",
                           en=f"5058: a code went to {phone} less than a minute ago, so none "
                              "was sent now. Wait a minute, then run this cell again."))
                return error

    @abstractmethod
    def outbox(self) -> list[Delivery]:
        """The codes delivered to this user domain, oldest first."""

    def last_delivery(self, phone: str, *, code_type: Any = None) -> Delivery | None:
        """The latest code this user domain sent to ``phone`` (of ``code_type``), or None."""
        from smskit.fields import parse_code_type

        kind = None if code_type is None else parse_code_type(code_type)
        found = [delivery for delivery in self.outbox() if delivery.phone == phone
                 and (kind is None or delivery.code_type == kind)]
        return found[-1] if found else None

    @abstractmethod
    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        """Check a code as the platform's other endpoints would; consumes it when ``ok``."""

    @property
    @abstractmethod
    def running(self) -> bool:
        """Whether it answers now."""

    @abstractmethod
    def reset(self) -> None:
        """Start afresh: an embedded sandbox forgets its outbox and rate history; the class
        sandbox is everyone's, so only the trainer resets it (this says so)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop an embedded sandbox (frees its port); a class sandbox keeps running."""

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return (f"PracticeSandbox({self.kind}, {where}, clock={self.clock!r}, "
                f"user_domain={self.user_domain!r})")


class EmbeddedSandbox(PracticeSandbox):
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

    def outbox(self) -> list[Delivery]:
        return [delivery for delivery in self.sandbox.outbox()
                if delivery.user_domain == self.user_domain]

    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        return self.sandbox.verify_code(phone=phone, code_type=code_type, code=code,
                                        user_domain=self.user_domain)

    def reset(self) -> None:
        self.sandbox.reset()

    def stop(self) -> None:
        self.sandbox.stop()


class ClassSandbox(PracticeSandbox):
    """The class sandbox, reached as the trainee the environment names."""

    kind = "class"

    def __init__(self, trainee: TraineeClient, secret: str) -> None:
        self.trainee = trainee
        self._secret = secret
        self._clock = SystemClock()

    @property
    def base_url(self) -> str:
        return self.trainee.credentials.base_url

    @property
    def user_domain(self) -> str:
        return self.trainee.credentials.user_domain

    @property
    def secret(self) -> str:
        return self._secret

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def running(self) -> bool:
        return True

    def outbox(self) -> list[Delivery]:
        from smskit.sandbox import Delivery

        return [Delivery(user_domain=row["userDomain"],
                         international_code=row["internationalCode"], phone=row["phone"],
                         code_type=row["codeType"], code=row["code"], sent_at_ms=row["sentAtMs"],
                         expires_at_ms=row["expiresAtMs"], used=row["used"],
                         superseded=row["superseded"])
                for row in self.trainee.outbox()]

    def verify_code(self, *, phone: str, code_type: Any, code: str) -> VerificationResult:
        from smskit.fields import parse_code_type
        from smskit.sandbox import VerificationResult

        answer = self.trainee.verify(phone=phone, code_type=parse_code_type(code_type),
                                    code=code)
        status = str(answer["status"])
        return VerificationResult(ok=bool(answer["ok"]), wording=_verify_wording(status, answer),
                                  status=status)

    def reset(self) -> None:
        """Nothing to reset here: the class sandbox is everyone's; said in one line."""
        print(pick(zh="课堂沙箱由全班共用，只有讲师能重置它；它的时钟是真实时间：同一号码和短信类型"
                      "一分钟后才能再发验证码。",
                   en="The class sandbox is everyone's: only the trainer resets it. Its clock is "
                      "real time: the same phone and code type get another code after a minute."))

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


def practice_sandbox(environ: Mapping[str, str] | None = None, *, rate_limits: bool = False,
                     seed: int = EMBEDDED_SEED) -> PracticeSandbox:
    """The class sandbox when the environment names a class, else an embedded one, started.

    ``rate_limits`` and ``seed`` shape the embedded one only (the platform's rate limit or
    none; the seed of its codes): a class sandbox has the class's rules. A class named but
    unusable (refused, no answer) raises
    :class:`~smskit.training.classroom.ClassroomUnavailable` at once.
    """
    from smskit.training.classroom import TraineeClient, class_credentials

    credentials = class_credentials(environ)
    if credentials is not None:
        return ClassSandbox(TraineeClient(credentials), credentials.trainee.secret)
    from smskit.sandbox import RatePolicy, Sandbox

    return EmbeddedSandbox(Sandbox(
        clock=FixedClock(EMBEDDED_NOW_MS),
        random_source=_random.Random(seed),  # noqa: S311 - seeded on purpose
        policy=None if rate_limits else RatePolicy.unlimited()))
