"""Each trainee's progress as the classroom sandbox knows it: reported and seen.

A trainee's notebook reports each checked attempt (``POST /_sandbox/me/progress``, an
``ExerciseRecord``); the sandbox counts the attempts itself (one per record received: the
record's own count is not trusted), keeps the last mistake, the time on task (first to
latest record, or to the pass) and the run of one failed check repeated. Passes it saw itself
(``smskit/data/classroom.json`` ``judged_by_sandbox``: E4 a delivered send of E4's inputs, E5 a
code verified then refused as used) are marked ``"sandbox"``; passes only reported are
``"self"``. Exercise ids must be the course's (``smskit/data/exercises.json``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from smskit import i18n
from smskit._data import load_json
from smskit.sandbox.routes import JSON_TYPE_NAMES, shown

#: One exercise record as a trainee's ``Progress`` sends it (``ExerciseRecord.as_dict()``).
ProgressRecord = dict[str, Any]
SELF, SANDBOX = "self", "sandbox"
_FIELDS: dict[str, type] = {"exercise": str, "passed": bool, "attempts": int,
                            "last_verdict": str, "time": str}
_MISTAKE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")


@cache
def exercise_ids() -> tuple[str, ...]:
    """The course's exercise ids, in order (``smskit/data/exercises.json``)."""
    return tuple(str(item["id"]) for item in load_json("exercises.json")["exercises"])


def exercise_inputs(exercise_id: str) -> Mapping[str, Any]:
    """One exercise's inputs as the data states them (E4's phone and code type)."""
    for item in load_json("exercises.json")["exercises"]:
        if item["id"] == exercise_id:
            inputs: Mapping[str, Any] = item.get("inputs", {})
            return inputs
    return {}


class BadRecord(ValueError):
    """A progress record refused: the field, and the rule as a keyed text (both languages)."""

    def __init__(self, field: str, rule: str, **values: object) -> None:
        self.field = field
        self.rule = i18n.text(f"classroom.record.{rule}", **values)
        super().__init__(f"{field}: {self.rule.render('en')}")


def parse_record(raw: Mapping[str, Any]) -> ProgressRecord:
    """A trainee's record, checked field by field; :class:`BadRecord` naming the field."""
    unknown = sorted(set(raw) - {*_FIELDS, "mistake"})
    if unknown:
        raise BadRecord(str(unknown[0])[:40], "unknown_field")
    for name, kind in _FIELDS.items():
        value = raw.get(name)
        if type(value) is not kind:
            raise BadRecord(name, "json_type", kind=JSON_TYPE_NAMES[kind], value=shown(value))
    ids = exercise_ids()
    if raw["exercise"] not in ids:
        raise BadRecord("exercise", "not_exercise", value=shown(raw["exercise"]),
                        ids=", ".join(ids))
    if raw["last_verdict"] not in ("passed", "wrong"):
        raise BadRecord("last_verdict", "verdict")
    if not 1 <= raw["attempts"] <= 10**6:
        raise BadRecord("attempts", "attempts")
    if len(raw["time"]) > 40:
        raise BadRecord("time", "time")
    mistake = raw.get("mistake")
    if mistake is not None and not (isinstance(mistake, str) and _MISTAKE.fullmatch(mistake)):
        raise BadRecord("mistake", "mistake")
    return {name: raw.get(name) for name in (*_FIELDS, "mistake")}


@dataclass(frozen=True)
class ExerciseState:
    """Where one trainee stands on one exercise, as the sandbox counted it."""

    attempts: int = 0
    #: ``"sandbox"`` (seen), ``"self"`` (reported only) or ``None`` (not passed).
    passed_by: str | None = None
    passed_ms: int | None = None
    first_ms: int | None = None
    last_ms: int | None = None
    last_mistake: str | None = None
    #: The failed check repeated: its mistake and how many wrong checks in a row had it.
    streak_mistake: str | None = None
    streak: int = 0
    #: The latest record as the trainee sent it.
    record: ProgressRecord | None = None

    def time_on_task_ms(self, now_ms: int) -> int | None:
        """From the first attempt to the pass, or to now while not passed."""
        if self.first_ms is None:
            return None
        return (self.passed_ms if self.passed_ms is not None else now_ms) - self.first_ms

    def as_dict(self, exercise: str, now_ms: int) -> dict[str, Any]:
        return {"exercise": exercise, "attempts": self.attempts,
                "passed": self.passed_by is not None, "passedBy": self.passed_by,
                "passedMs": self.passed_ms, "lastMistake": self.last_mistake,
                "timeOnTaskMs": self.time_on_task_ms(now_ms),
                "sameCheckStreak": self.streak}


class ProgressStore:
    """Per trainee domain, per exercise: :class:`ExerciseState` (thread-safe)."""

    def __init__(self, user_domains: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, dict[str, ExerciseState]] = {d: {} for d in user_domains}
        self._last_record_ms: dict[str, int] = {}

    def report(self, user_domain: str, record: ProgressRecord, now_ms: int) -> ExerciseState:
        """One checked attempt the trainee reported: counted here, whatever it says."""
        wrong = record["last_verdict"] == "wrong"
        mistake = (record["mistake"] or "wrong") if wrong else None
        with self._lock:
            states = self._states[user_domain]
            old = states.get(record["exercise"], ExerciseState())
            passed_by = old.passed_by or (SELF if record["passed"] else None)
            streak = (old.streak + 1 if wrong and mistake == old.streak_mistake
                      else 1 if wrong else 0)
            new = replace(old, attempts=old.attempts + 1, passed_by=passed_by,
                          passed_ms=old.passed_ms if old.passed_by or not passed_by else now_ms,
                          first_ms=old.first_ms if old.first_ms is not None else now_ms,
                          last_ms=now_ms,
                          last_mistake=mistake if wrong else old.last_mistake,
                          streak_mistake=mistake, streak=streak, record=record)
            states[record["exercise"]] = new
            self._last_record_ms[user_domain] = now_ms
        return new

    def seen(self, user_domain: str, exercise: str, *, passed: bool, now_ms: int,
             mistake: str | None = None) -> None:
        """An attempt the sandbox saw itself (E4, E5): a pass it saw is ``"sandbox"``."""
        with self._lock:
            states = self._states.get(user_domain)
            if states is None:
                return
            old = states.get(exercise, ExerciseState())
            sandbox_pass = passed and old.passed_by != SANDBOX
            streak = (0 if passed else old.streak + 1 if mistake == old.streak_mistake else 1)
            states[exercise] = replace(
                old, attempts=old.attempts + 1,
                passed_by=SANDBOX if passed else old.passed_by,
                passed_ms=now_ms if sandbox_pass and old.passed_by is None else old.passed_ms,
                first_ms=old.first_ms if old.first_ms is not None else now_ms, last_ms=now_ms,
                last_mistake=old.last_mistake if passed else mistake,
                streak_mistake=None if passed else mistake, streak=streak)
            if sandbox_pass:
                self._last_record_ms[user_domain] = now_ms

    def states(self, user_domain: str) -> dict[str, ExerciseState]:
        """One trainee's exercises, in course order."""
        with self._lock:
            states = dict(self._states.get(user_domain, {}))
        return {key: states[key] for key in exercise_ids() if key in states}

    def records(self, user_domain: str) -> list[ProgressRecord]:
        """The latest record per exercise of one trainee, in course order."""
        return [s.record for s in self.states(user_domain).values() if s.record is not None]

    def last_record_ms(self, user_domain: str) -> int | None:
        with self._lock:
            return self._last_record_ms.get(user_domain)

    def reset(self) -> None:
        with self._lock:
            for states in self._states.values():
                states.clear()
            self._last_record_ms.clear()
