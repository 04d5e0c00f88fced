"""What the trainer's dashboard shows: per trainee, tallied as the sandbox answers.

A :class:`ClassTally` listens to the request log and keeps, for each trainee's user domain,
the requests sent, the codes met, the first success, the current run of one error code and
the last progress (a delivered code or a newly passed exercise). Tallies are never evicted
with old log records, so a refresh costs the same at the end of a session as at its start.
:func:`summary` turns tallies and exercise progress into the dashboard's rows, with the
"stuck" flag whose thresholds are in ``smskit/data/classroom.json``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smskit._data import load_json
from smskit.clock import MILLIS_PER_MINUTE
from smskit.platform_codes import PlatformCode
from smskit.sandbox.requestlog import RequestRecord

DATA_FILE = "classroom.json"


@dataclass(frozen=True)
class StuckRules:
    """When a trainee counts as stuck (``smskit/data/classroom.json``)."""

    #: This many answers in a row with the same error code.
    same_error_streak: int
    #: This many minutes without progress since the first request or the last progress.
    idle_minutes: float

    @classmethod
    def load(cls) -> StuckRules:
        raw = load_json(DATA_FILE)["stuck"]
        return cls(same_error_streak=int(raw["same_error_streak"]),
                   idle_minutes=float(raw["idle_minutes"]))


def records_per_trainee() -> int:
    """How many request-log records a classroom keeps per trainee."""
    return int(load_json(DATA_FILE)["request_log"]["records_per_trainee"])


@dataclass
class TraineeTally:
    """One trainee's requests to the API, as answered."""

    requests: int = 0
    codes: Counter[int] = field(default_factory=Counter)
    first_request_ms: int | None = None
    first_success_ms: int | None = None
    last_request_ms: int | None = None
    #: The latest error code answered and how many times in a row (0: the last was a success).
    streak_code: int | None = None
    streak: int = 0
    #: The last delivered code's time (progress).
    last_success_ms: int | None = None


class ClassTally:
    """Tallies per trainee user domain, fed by the request log (thread-safe)."""

    def __init__(self, user_domains: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._tallies = {domain: TraineeTally() for domain in user_domains}

    def __call__(self, record: RequestRecord) -> None:
        """A request-log listener: count an API answer for a trainee's domain."""
        tally = self._tallies.get(record.user_domain or "")
        if tally is None or record.code is None:
            return
        with self._lock:
            tally.requests += 1
            tally.codes[record.code] += 1
            if tally.first_request_ms is None:
                tally.first_request_ms = record.time_ms
            tally.last_request_ms = record.time_ms
            if record.code == PlatformCode.SUCCESS:
                tally.streak_code, tally.streak = None, 0
                tally.last_success_ms = record.time_ms
                if tally.first_success_ms is None:
                    tally.first_success_ms = record.time_ms
            elif record.code == tally.streak_code:
                tally.streak += 1
            else:
                tally.streak_code, tally.streak = record.code, 1

    def snapshot(self) -> dict[str, TraineeTally]:
        with self._lock:
            return {domain: TraineeTally(t.requests, Counter(t.codes), t.first_request_ms,
                                         t.first_success_ms, t.last_request_ms, t.streak_code,
                                         t.streak, t.last_success_ms)
                    for domain, t in self._tallies.items()}

    def reset(self) -> None:
        with self._lock:
            for domain in self._tallies:
                self._tallies[domain] = TraineeTally()


@dataclass(frozen=True)
class TraineeRow:
    """One line of the dashboard."""

    name: str
    user_domain: str
    requests: int
    #: Code -> how many answers carried it, in code order.
    codes: Mapping[int, int]
    first_success_ms: int | None
    passed: tuple[str, ...]
    last_activity_ms: int | None
    #: ``None``, or why the trainee looks stuck: ``{"reason": "same_error", "code", "count"}``
    #: or ``{"reason": "idle", "minutes"}``.
    stuck: Mapping[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "userDomain": self.user_domain, "requests": self.requests,
                "codes": {str(code): count for code, count in self.codes.items()},
                "firstSuccessMs": self.first_success_ms, "passed": list(self.passed),
                "lastActivityMs": self.last_activity_ms, "stuck": self.stuck}


@dataclass(frozen=True)
class TraineeProgress:
    """What the dashboard needs of a trainee's exercise records."""

    passed: tuple[str, ...] = ()
    #: When the sandbox received the latest newly passed exercise (sandbox clock).
    last_passed_ms: int | None = None
    #: When the sandbox received the latest record of any kind.
    last_record_ms: int | None = None


def summary(trainees: Iterable[tuple[str, str]], tallies: Mapping[str, TraineeTally],
            progress: Mapping[str, TraineeProgress], *, now_ms: int,
            rules: StuckRules) -> list[TraineeRow]:
    """The dashboard's rows for ``(name, user_domain)`` pairs, in roster order."""
    rows = []
    for name, domain in trainees:
        tally = tallies.get(domain, TraineeTally())
        done = progress.get(domain, TraineeProgress())
        activity = [t for t in (tally.last_request_ms, done.last_record_ms) if t is not None]
        rows.append(TraineeRow(
            name=name, user_domain=domain, requests=tally.requests,
            codes=dict(sorted(tally.codes.items())), first_success_ms=tally.first_success_ms,
            passed=done.passed, last_activity_ms=max(activity) if activity else None,
            stuck=_stuck(tally, done, now_ms=now_ms, rules=rules)))
    return rows


def _stuck(tally: TraineeTally, done: TraineeProgress, *, now_ms: int,
           rules: StuckRules) -> dict[str, Any] | None:
    if tally.streak_code is not None and tally.streak >= rules.same_error_streak:
        return {"reason": "same_error", "code": tally.streak_code, "count": tally.streak}
    started = [t for t in (tally.first_request_ms, done.last_record_ms) if t is not None]
    if not started:
        return None  # not started: nothing to be stuck on yet
    marks = [t for t in (tally.last_success_ms, done.last_passed_ms) if t is not None]
    since = max(marks) if marks else min(started)
    idle = now_ms - since
    if idle >= rules.idle_minutes * MILLIS_PER_MINUTE:
        return {"reason": "idle", "minutes": idle // MILLIS_PER_MINUTE}
    return None
