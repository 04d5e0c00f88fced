"""The sandbox's mutable state: the outbox, verification, injected faults, rate-limit history.

One lock guards all of it, the :class:`~smskit.sandbox.ratelimit.RateLimiter` included.
:meth:`SandboxState.send` checks the rate limit, takes an injected fault, and records and
delivers a code in one critical section, so concurrent requests can never both slip under a
limit, and the outbox always matches the sends that were accepted.

Sandbox assumptions (``smskit/data/sandbox_policy.json``): six-digit codes (an observation), and
reading "5分钟内" as ``sent_at <= now < sent_at + 5 min``. The page's rule "only the most
recently sent, not yet used code is valid" is applied per user domain + international code
+ phone + codeType.
"""

from __future__ import annotations

import hmac
import os
import random as _random
import struct
import threading
from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import Any

from smskit import i18n
from smskit.clock import Clock
from smskit.i18n import seconds_text
from smskit.sandbox.policy import policy_value
from smskit.sandbox.ratelimit import CodeKey, RateLimiter, RatePolicy, RateRefusal

_UINT64 = struct.Struct(">Q")
_RANDOM_SPAN = 1 << 64
_ENTROPY_BYTES = 64 * _UINT64.size
_MAX_CODE_DIGITS = 18  # 10**18 < 2**64: a code is drawn from 64 random bits


@dataclass(frozen=True)
class Delivery:
    """One code the sandbox "sent": what a phone would have received."""

    user_domain: str
    international_code: str
    phone: str
    code_type: int
    #: The verification code, six digits.
    code: str
    sent_at_ms: int
    #: First millisecond at which the code is no longer valid (sent + 5 minutes).
    expires_at_ms: int
    #: Verified (and so consumed).
    used: bool = False
    #: A newer code for the same phone and codeType was sent before this one was used.
    superseded: bool = False

    def status_at(self, now_ms: int) -> str:
        """``"used"``, ``"superseded"``, ``"expired"`` or ``"valid"`` at ``now_ms``."""
        if self.used:
            return "used"
        if self.superseded:
            return "superseded"
        return "expired" if now_ms >= self.expires_at_ms else "valid"

    def as_dict(self, now_ms: int) -> dict[str, Any]:
        """The delivery with the API's camelCase names, as ``/_sandbox/outbox`` shows it."""
        return {
            "userDomain": self.user_domain,
            "internationalCode": self.international_code,
            "phone": self.phone,
            "codeType": self.code_type,
            "code": self.code,
            "sentAtMs": self.sent_at_ms,
            "expiresAtMs": self.expires_at_ms,
            "used": self.used,
            "superseded": self.superseded,
            "status": self.status_at(now_ms),
        }


@dataclass(frozen=True)
class VerificationResult:
    """The answer of :meth:`SandboxState.verify`: did the code verify, and why (in the kit's
    language when read)."""

    ok: bool
    #: Why, as a keyed text (:attr:`reason` writes it).
    wording: i18n.Message
    #: ``"ok"``, ``"malformed"``, ``"no_code"``, ``"mismatch"``, ``"superseded"``,
    #: ``"used"`` or ``"expired"``.
    status: str
    #: The delivery the code was judged against, when there was one.
    delivery: Delivery | None = None

    @property
    def reason(self) -> str:
        """Why, in the kit's language (:func:`smskit.set_language`)."""
        return i18n.render(self.wording)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """``{"ok", "status", "reason"}``, the reason in ``lang`` (default: the kit's)."""
        return {"ok": self.ok, "status": self.status, "reason": i18n.render(self.wording, lang)}


@dataclass(frozen=True)
class DeliveryAttempt:
    """A send that passed every request check, handed to delivery: delivered, refused by the
    rate limit, or failed by an injected fault."""

    delivery: Delivery | None = None
    refusal: RateRefusal | None = None
    #: An injected failure was consumed: answer 5059, nothing delivered.
    failed: bool = False


@dataclass
class _Record:
    key: CodeKey
    code: str
    sent_at_ms: int
    expires_at_ms: int
    used: bool = False
    superseded: bool = False

    def snapshot(self) -> Delivery:
        domain, international_code, phone, code_type = self.key
        return Delivery(domain, international_code, phone, code_type, self.code,
                        self.sent_at_ms, self.expires_at_ms, self.used, self.superseded)


def _drop_oldest(index: dict[Any, deque[_Record]], key: Any) -> None:
    """Remove the oldest record under ``key`` (the one evicted: records leave oldest first)."""
    kin = index[key]
    kin.popleft()
    if not kin:
        del index[key]


@dataclass
class _Fault:
    user_domain: str | None
    phone: str | None
    remaining: int

    def matches(self, user_domain: str, phone: str) -> bool:
        return (self.user_domain in (None, user_domain)) and (self.phone in (None, phone))


class SandboxState:
    """Outbox, issued codes, rate-limit history and injected faults, behind one lock."""

    def __init__(
        self,
        *,
        policy: RatePolicy,
        clock: Clock,
        random_source: _random.Random | None = None,
        outbox_limit: int = 10_000,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.code_digits: int = policy_value("codes", "digits")
        if not 1 <= self.code_digits <= _MAX_CODE_DIGITS:
            raise ValueError(f"codes.digits must be 1-{_MAX_CODE_DIGITS}, not {self.code_digits}")
        self.code_valid_ms: int = policy_value("codes", "valid_ms")
        self._random = random_source
        self._entropy, self._entropy_at = b"", 0
        self._lock = threading.Lock()
        self._limiter = RateLimiter(policy)
        self._faults: list[_Fault] = []
        self._records: deque[_Record] = deque()
        #: Each key's records, oldest first; only the newest can still be valid.
        self._by_key: dict[CodeKey, deque[_Record]] = {}
        #: Each user domain's records, oldest first: a trainee's outbox without the class's.
        self._by_domain: dict[str, deque[_Record]] = {}
        self._outbox_limit = outbox_limit

    # -- sending ---------------------------------------------------------------------------

    def send(self, *, user_domain: str, international_code: str, phone: str,
             code_type: int) -> DeliveryAttempt:
        """Rate limit, injected fault, then deliver: atomically."""
        key: CodeKey = (user_domain, international_code, phone, code_type)
        with self._lock:
            now = self.clock.now_ms()
            refusal = self._limiter.refusal(key, now)
            if refusal is not None:
                return DeliveryAttempt(refusal=refusal)
            if self._take_fault(user_domain, phone):
                return DeliveryAttempt(failed=True)
            self._limiter.record(key, now)
            return DeliveryAttempt(delivery=self._deliver(key, now))

    def _deliver(self, key: CodeKey, now_ms: int) -> Delivery:
        siblings = self._by_key.get(key)
        if siblings and not siblings[-1].used:  # every older one is used or superseded already
            siblings[-1].superseded = True
        record = _Record(key, self._new_code(), now_ms, now_ms + self.code_valid_ms)
        if len(self._records) >= self._outbox_limit:
            evicted = self._records.popleft()  # the oldest of all, so the oldest of its key
            _drop_oldest(self._by_key, evicted.key)
            _drop_oldest(self._by_domain, evicted.key[0])
        self._records.append(record)
        self._by_key.setdefault(key, deque()).append(record)
        self._by_domain.setdefault(key[0], deque()).append(record)
        return record.snapshot()

    def _new_code(self) -> str:
        """Uniform over every ``code_digits``-digit text: from the seeded ``random_source``,
        else from the OS's random bytes, read ahead (one system call per 64 codes, not one
        per code: the success path's own cost). Called under the lock."""
        bound = 10**self.code_digits
        if self._random is not None:
            number = self._random.randrange(bound)
        else:
            number = self._unpredictable_below(bound)
        return f"{number:0{self.code_digits}d}"

    def _unpredictable_below(self, bound: int) -> int:
        """A uniform number in ``[0, bound)``: 64 random bits, redrawn when they fall in the
        last partial multiple of ``bound`` (so no remainder is likelier than another)."""
        fair = _RANDOM_SPAN - _RANDOM_SPAN % bound
        while True:
            if self._entropy_at >= len(self._entropy):
                self._entropy, self._entropy_at = os.urandom(_ENTROPY_BYTES), 0
            (value,) = _UINT64.unpack_from(self._entropy, self._entropy_at)
            self._entropy_at += _UINT64.size
            if value < fair:
                return int(value % bound)

    # -- faults ----------------------------------------------------------------------------

    def inject_failure(self, *, user_domain: str | None = None, phone: str | None = None,
                       count: int = 1) -> None:
        """Make the next ``count`` matching sends answer 5059 (``None`` matches any)."""
        if type(count) is not int or count < 1:
            raise ValueError(f"count must be an int >= 1, not {count!r}")
        with self._lock:
            self._faults.append(_Fault(user_domain, phone, count))

    def pending_failures(self) -> int:
        """How many injected failures are still waiting for a matching send."""
        with self._lock:
            return sum(fault.remaining for fault in self._faults)

    def _take_fault(self, user_domain: str, phone: str) -> bool:
        for fault in self._faults:
            if fault.matches(user_domain, phone):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return True
        return False

    # -- outbox and verification -----------------------------------------------------------

    def outbox(self, user_domain: str | None = None) -> list[Delivery]:
        """Every delivery (or one user domain's), oldest first, as it stands now. One domain's
        costs what it holds, not what the class holds (a trainee polling their outbox)."""
        with self._lock:
            records = self._records if user_domain is None else self._by_domain.get(
                user_domain, ())
            return [record.snapshot() for record in records]

    def last_delivery(self, phone: str, international_code: str = "86", *,
                      user_domain: str | None = None,
                      code_type: int | None = None) -> Delivery | None:
        """The most recent delivery to this phone (optionally of one domain / codeType)."""
        with self._lock:
            for record in reversed(self._records):
                domain, code, number, kind = record.key
                if (number == phone and code == international_code
                        and user_domain in (None, domain) and code_type in (None, kind)):
                    return record.snapshot()
        return None

    def verify(self, *, user_domain: str, international_code: str, phone: str,
               code_type: int, code: Any) -> VerificationResult:
        """Judge ``code`` by the page's rule; a code that verifies is consumed."""
        digits = self.code_digits
        if not (isinstance(code, str) and len(code) == digits and code.isascii()
                and code.isdigit()):
            return VerificationResult(False, i18n.text("sandbox.verify.malformed", digits=digits),
                                      "malformed")
        key: CodeKey = (user_domain, international_code, phone, code_type)
        with self._lock:
            now = self.clock.now_ms()
            records = self._by_key.get(key)
            if not records:
                return VerificationResult(False, i18n.text("sandbox.verify.no_code"), "no_code")
            latest = records[-1]
            if hmac.compare_digest(latest.code, code):
                return self._judge_latest(latest, now)
            older_ones = islice(records, len(records) - 1)
            if any(hmac.compare_digest(older.code, code) for older in older_ones):
                return VerificationResult(False, i18n.text("sandbox.verify.superseded"),
                                          "superseded", latest.snapshot())
            return VerificationResult(False, i18n.text("sandbox.verify.mismatch"), "mismatch",
                                      latest.snapshot())

    def _judge_latest(self, latest: _Record, now_ms: int) -> VerificationResult:
        if latest.used:
            return VerificationResult(False, i18n.text("sandbox.verify.used"), "used",
                                      latest.snapshot())
        if now_ms >= latest.expires_at_ms:
            age = now_ms - latest.sent_at_ms
            wording = i18n.text("sandbox.verify.expired",
                                age=i18n.Duration(age, f"{age / 1000:.1f} s"),
                                valid=i18n.Duration(self.code_valid_ms,
                                                    seconds_text(self.code_valid_ms)))
            return VerificationResult(False, wording, "expired", latest.snapshot())
        latest.used = True
        return VerificationResult(True, i18n.text("sandbox.verify.ok"), "ok", latest.snapshot())

    # -- housekeeping ----------------------------------------------------------------------

    def reset(self, *, outbox: bool = True, rates: bool = True, faults: bool = True) -> None:
        """Forget deliveries (and their codes), rate-limit history and pending faults, or
        only the parts asked for."""
        with self._lock:
            if outbox:
                self._records.clear()
                self._by_key.clear()
                self._by_domain.clear()
            if rates:
                self._limiter.clear()
            if faults:
                self._faults.clear()
