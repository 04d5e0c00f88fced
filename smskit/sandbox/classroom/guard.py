"""Who is asking a classroom sandbox: the trainer (a token) or a trainee (a signed request).

- the trainer's views need ``Authorization: Bearer <trainer token>``, compared in constant
  time;
- a trainee's own views need a request signed with their secret (:mod:`.auth`): the
  signature binds method, target, ``ts`` and the body's digest, is good within the API's
  10-minute window, and only once per ``random``. The randoms a trainee used are remembered
  for the whole window (not a count of them): past its end the ``ts`` is refused anyway. A
  trainee who signs more than ``replay.max_signed_per_window`` requests inside one window is
  asked to slow down (429) rather than forgotten, so memory stays bounded per trainee.

Refusals are :class:`Refused`, their text keyed in both languages (``smskit/data/messages.json``).
"""

from __future__ import annotations

import heapq
import hmac
import threading

from smskit import i18n
from smskit._data import load_json
from smskit.clock import Clock
from smskit.nonce import RANDOM_LENGTH
from smskit.sandbox.classroom.auth import (
    SCHEME,
    parse_trainee_authorization,
    trainee_signature,
)
from smskit.sandbox.classroom.roster import DATA_FILE, Roster, Trainee
from smskit.sandbox.wire import Request
from smskit.validation import CLOCK_WINDOW_MS

_MAX_TS_DIGITS = 16


class Refused(Exception):
    """A classroom view refused: 401 (no or unusable credentials), 403 (not yours) or 429
    (too many), the text saying why, and the ``Authorization`` scheme the view wants.

    Not a :class:`~smskit.errors.SmskitError`: it never reaches a caller of the kit; the
    classroom's routes turn it into the HTTP answer (:func:`.routes.refusal`)."""

    def __init__(self, status: int, detail: i18n.Text, *, scheme: str) -> None:
        super().__init__(detail.render("en"))
        self.status = status
        self.detail = detail
        self.scheme = scheme


def max_signed_per_window() -> int:
    """How many signed requests one trainee may make inside one ts window."""
    return int(load_json(DATA_FILE)["replay"]["max_signed_per_window"])


class ReplayMemory:
    """The randoms one trainee used, each kept until its ``ts`` leaves the window."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._seen: set[str] = set()
        self._expiry: list[tuple[int, str]] = []  # (ts + window, random), a min-heap

    def admit(self, random: str, ts: int, now_ms: int) -> bool | None:
        """True if ``random`` is fresh (now remembered), False if used, None if full."""
        while self._expiry and self._expiry[0][0] < now_ms:
            self._seen.discard(heapq.heappop(self._expiry)[1])
        if random in self._seen:
            return False
        if len(self._seen) >= self.capacity:
            return None
        self._seen.add(random)
        heapq.heappush(self._expiry, (ts + CLOCK_WINDOW_MS, random))
        return True

    def __len__(self) -> int:
        return len(self._seen)

    def clear(self) -> None:
        self._seen.clear()
        self._expiry.clear()


class Guard:
    """The trainer's token and each trainee's signed requests, checked."""

    def __init__(self, roster: Roster, *, clock: Clock) -> None:
        self.roster = roster
        self.clock = clock
        self._lock = threading.Lock()
        capacity = max_signed_per_window()
        self._memory = {t.user_domain: ReplayMemory(capacity) for t in roster}

    def is_trainer(self, authorization: str | None) -> bool:
        """True for ``Bearer <trainer token>`` (constant-time comparison)."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        return scheme == "Bearer" and hmac.compare_digest(
            token.strip().encode("utf-8", "replace"),
            self.roster.trainer_token.encode("utf-8"))

    def require_trainer(self, authorization: str | None) -> None:
        if self.is_trainer(authorization):
            return
        if not authorization:
            raise Refused(401, i18n.text("classroom.refused.trainer_missing"), scheme="Bearer")
        raise Refused(403, i18n.text("classroom.refused.trainer_wrong"), scheme="Bearer")

    def trainee(self, request: Request) -> Trainee:
        """The trainee who signed this very request; :class:`Refused` otherwise."""
        authorization = request.authorization
        if not authorization:
            raise _refused(401, "trainee_missing")
        fields = parse_trainee_authorization(authorization)
        if fields is None:
            raise _refused(401, "trainee_malformed")
        trainee = self.roster.by_domain(fields["userDomain"])
        if trainee is None:
            raise _refused(403, "not_a_trainee")
        text = fields["ts"]
        if not (text.isascii() and text.isdigit() and len(text) <= _MAX_TS_DIGITS):
            raise _refused(401, "ts_not_ms")
        if len(fields["random"]) != RANDOM_LENGTH:
            raise _refused(401, "random_length", length=RANDOM_LENGTH)
        ts = int(text)
        now = self.clock.now_ms()
        if abs(ts - now) > CLOCK_WINDOW_MS:
            raise _refused(401, "ts_window", offset=f"{ts - now:+d}", window=CLOCK_WINDOW_MS)
        target = request.path + (f"?{request.query}" if request.query else "")
        expected = trainee_signature(user_domain=trainee.user_domain, ts=ts,
                                     random=fields["random"], method=request.method,
                                     target=target, body=request.body, secret=trainee.secret)
        if not hmac.compare_digest(fields["signature"].encode("utf-8", "replace"),
                                   expected.encode("ascii")):
            raise _refused(403, "signature")
        with self._lock:
            fresh = self._memory[trainee.user_domain].admit(fields["random"], ts, now)
        if fresh is None:
            raise _refused(429, "too_many", count=max_signed_per_window())
        if not fresh:
            raise _refused(401, "replayed")
        return trainee

    def remembered(self, user_domain: str) -> int:
        """How many randoms are remembered for one trainee now (for the bench)."""
        with self._lock:
            memory = self._memory.get(user_domain)
            return 0 if memory is None else len(memory)


def _refused(status: int, key: str, **values: object) -> Refused:
    return Refused(status, i18n.text(f"classroom.refused.{key}", **values), scheme=SCHEME)
