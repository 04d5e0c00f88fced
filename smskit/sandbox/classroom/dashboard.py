"""What the trainer's dashboard shows: per trainee, tallied as the sandbox answers.

A :class:`ClassTally` listens to the request log and keeps, for each trainee's user domain,
the requests sent, the codes met, the first success, the current run of one error code and
the last progress (a delivered code). Only a request whose signature proves the trainee's
secret is theirs (:attr:`RequestRecord.owner`): one naming their domain with another secret
changes nothing of theirs. Tallies are never evicted with old log records, so a refresh costs
the same at the end of a session as at its start. :func:`summary` turns tallies and exercise
progress into the dashboard's rows, with the "stuck" flag whose thresholds are in
``smskit/data/classroom.json``; :func:`class_summary` counts passes per exercise ("E1 14/20");
:func:`rows_csv` is the CSV export.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from smskit._data import load_json
from smskit.clock import MILLIS_PER_MINUTE
from smskit.platform_codes import PlatformCode
from smskit.sandbox.classroom.progress import SANDBOX, ExerciseState, exercise_ids
from smskit.sandbox.classroom.roster import DATA_FILE
from smskit.sandbox.requestlog import RequestRecord


@dataclass(frozen=True)
class StuckRules:
    """When a trainee counts as stuck (``smskit/data/classroom.json``)."""

    #: This many answers in a row with the same error code.
    same_error_streak: int
    #: This many wrong checks of one exercise in a row with the same mistake.
    same_check_streak: int
    #: This many minutes without progress since the first request or the last progress.
    idle_minutes: float

    @classmethod
    def load(cls) -> StuckRules:
        raw = load_json(DATA_FILE)["stuck"]
        return cls(same_error_streak=int(raw["same_error_streak"]),
                   same_check_streak=int(raw["same_check_streak"]),
                   idle_minutes=float(raw["idle_minutes"]))

    def as_dict(self) -> dict[str, Any]:
        return {"sameErrorStreak": self.same_error_streak,
                "sameCheckStreak": self.same_check_streak, "idleMinutes": self.idle_minutes}


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

    def copy(self) -> TraineeTally:
        return TraineeTally(self.requests, Counter(self.codes), self.first_request_ms,
                            self.first_success_ms, self.last_request_ms, self.streak_code,
                            self.streak, self.last_success_ms)


class ClassTally:
    """Tallies per trainee user domain, fed by the request log (thread-safe)."""

    def __init__(self, user_domains: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._tallies = {domain: TraineeTally() for domain in user_domains}

    def __call__(self, record: RequestRecord) -> None:
        """A request-log listener: count an API answer the trainee's secret signed."""
        tally = self._tallies.get(record.owner or "")
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
            return {domain: tally.copy() for domain, tally in self._tallies.items()}

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
    #: Per exercise attempted, in course order: ``ExerciseState.as_dict``.
    exercises: Sequence[Mapping[str, Any]]
    last_activity_ms: int | None
    #: ``None``, or why the trainee looks stuck: ``{"reason": "same_error", "code", "count"}``,
    #: ``{"reason": "same_check", "exercise", "mistake", "count"}`` or
    #: ``{"reason": "idle", "minutes"}``.
    stuck: Mapping[str, Any] | None

    @property
    def passed(self) -> tuple[str, ...]:
        return tuple(e["exercise"] for e in self.exercises if e["passed"])

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "userDomain": self.user_domain, "requests": self.requests,
                "codes": {str(code): count for code, count in self.codes.items()},
                "firstSuccessMs": self.first_success_ms, "passed": list(self.passed),
                "selfReported": [e["exercise"] for e in self.exercises
                                 if e["passed"] and e["passedBy"] != SANDBOX],
                "exercises": [dict(e) for e in self.exercises],
                "lastActivityMs": self.last_activity_ms, "stuck": self.stuck}


def summary(trainees: Iterable[tuple[str, str]], tallies: Mapping[str, TraineeTally],
            progress: Mapping[str, Mapping[str, ExerciseState]],
            last_record_ms: Mapping[str, int | None], *, now_ms: int,
            rules: StuckRules) -> list[TraineeRow]:
    """The dashboard's rows for ``(name, user_domain)`` pairs, in roster order."""
    rows = []
    for name, domain in trainees:
        tally = tallies.get(domain, TraineeTally())
        states = progress.get(domain, {})
        record_ms = last_record_ms.get(domain)
        activity = [t for t in (tally.last_request_ms, record_ms) if t is not None]
        rows.append(TraineeRow(
            name=name, user_domain=domain, requests=tally.requests,
            codes=dict(sorted(tally.codes.items())), first_success_ms=tally.first_success_ms,
            exercises=[state.as_dict(key, now_ms) for key, state in states.items()],
            last_activity_ms=max(activity) if activity else None,
            stuck=_stuck(tally, states, record_ms, now_ms=now_ms, rules=rules)))
    return rows


def _stuck(tally: TraineeTally, states: Mapping[str, ExerciseState], record_ms: int | None,
           *, now_ms: int, rules: StuckRules) -> dict[str, Any] | None:
    if tally.streak_code is not None and tally.streak >= rules.same_error_streak:
        return {"reason": "same_error", "code": tally.streak_code, "count": tally.streak}
    for key, state in states.items():
        if state.streak >= rules.same_check_streak:
            return {"reason": "same_check", "exercise": key, "mistake": state.streak_mistake,
                    "count": state.streak}
    started = [t for t in (tally.first_request_ms, record_ms) if t is not None]
    if not started:
        return None  # not started: nothing to be stuck on yet
    passes = [s.passed_ms for s in states.values() if s.passed_ms is not None]
    marks = [t for t in (tally.last_success_ms, *passes) if t is not None]
    since = max(marks) if marks else min(started)
    idle = now_ms - since
    if idle >= rules.idle_minutes * MILLIS_PER_MINUTE:
        return {"reason": "idle", "minutes": idle // MILLIS_PER_MINUTE}
    return None


def class_summary(rows: Sequence[TraineeRow]) -> list[dict[str, Any]]:
    """Per exercise of the course: how many trainees passed it, and how many of those passes
    the sandbox saw itself (``{"exercise": "E1", "passed": 14, "verified": 0, "of": 20}``)."""
    out = []
    for key in exercise_ids():
        done = [e for row in rows for e in row.exercises if e["exercise"] == key and e["passed"]]
        out.append({"exercise": key, "passed": len(done),
                    "verified": sum(1 for e in done if e["passedBy"] == SANDBOX),
                    "of": len(rows)})
    return out


CSV_COLUMNS = ("trainee", "userDomain", "requests", "codes", "firstSuccessMs", "stuck",
               "exercise", "attempts", "passed", "passedBy", "lastMistake", "timeOnTaskS")


def rows_csv(rows: Sequence[TraineeRow]) -> str:
    """The dashboard as CSV: one line per trainee and exercise attempted (a trainee with
    none has one line with the exercise columns empty). No secret is part of a row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        codes = " ".join(f"{code}x{count}" for code, count in row.codes.items())
        head = [row.name, row.user_domain, row.requests, codes, row.first_success_ms or "",
                (row.stuck or {}).get("reason", "")]
        for item in row.exercises or [{}]:
            time_ms = item.get("timeOnTaskMs")
            writer.writerow([*head, item.get("exercise", ""), item.get("attempts", ""),
                             {True: "yes", False: "no"}.get(item.get("passed"), ""),  # type: ignore[arg-type]
                             item.get("passedBy") or "", item.get("lastMistake") or "",
                             "" if time_ms is None else time_ms // 1000])
    return out.getvalue()
