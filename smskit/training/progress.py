"""A trainee's progress, kept locally as one small JSON record per exercise.

The file is ``SMSKIT_PROGRESS_FILE`` or ``~/.smskit/progress.json``::

    {"format": "smskit-training-progress/1",
     "exercises": {"E1": {"exercise": "E1", "passed": true, "attempts": 3,
                          "last_verdict": "passed", "mistake": null,
                          "time": "2026-12-01T20:15:03.120Z"}}}

Each :class:`ExerciseRecord` is also what a classroom sandbox receives: a ``sender`` given
to :class:`Progress` is called with every new record after it is saved locally
(:class:`smskit.training.classroom.ClassroomSender` posts it as the trainee). Records hold no
answer, no input and no secret.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smskit.clock import Clock, SystemClock
from smskit.training.verdict import Verdict

PROGRESS_FORMAT = "smskit-training-progress/1"
PROGRESS_ENV = "SMSKIT_PROGRESS_FILE"

#: Called with each record after it is saved (``ClassroomSender`` posts it to the class).
ProgressSender = Callable[["ExerciseRecord"], None]


def default_progress_path() -> Path:
    """``SMSKIT_PROGRESS_FILE`` if set, else ``~/.smskit/progress.json``."""
    override = os.environ.get(PROGRESS_ENV, "").strip()
    return Path(override) if override else Path.home() / ".smskit" / "progress.json"


@dataclass(frozen=True)
class ExerciseRecord:
    """Where a trainee stands on one exercise (the unit a classroom sandbox receives)."""

    exercise: str
    #: Passed at least once (a later wrong attempt does not take it back).
    passed: bool
    #: Checked attempts, placeholders not counted.
    attempts: int
    #: ``"passed"`` or ``"wrong"``: the latest attempt's verdict.
    last_verdict: str
    #: The latest attempt's mistake key (``"ts_seconds"``, ...) or ``None``.
    mistake: str | None
    #: When the latest attempt was checked, UTC, ISO 8601 with milliseconds.
    time: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ExerciseRecord:
        return cls(exercise=str(raw["exercise"]), passed=bool(raw["passed"]),
                   attempts=int(raw["attempts"]), last_verdict=str(raw["last_verdict"]),
                   mistake=raw.get("mistake"), time=str(raw["time"]))


class Progress:
    """The progress file: read it, add one attempt's verdict, hand new records to a sender."""

    def __init__(self, path: Path | str | None = None, *, clock: Clock | None = None,
                 sender: ProgressSender | None = None) -> None:
        self.path = Path(path) if path is not None else default_progress_path()
        self.clock = clock or SystemClock()
        self.sender = sender

    def records(self) -> dict[str, ExerciseRecord]:
        """Every exercise attempted so far, by id; empty when there is no file yet.

        An unreadable file (hand-edited, truncated) counts as empty and is kept aside as
        ``<name>.unreadable`` so the next save does not lose it silently.
        """
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {key: ExerciseRecord.from_dict(value)
                    for key, value in raw["exercises"].items()}
        except FileNotFoundError:
            return {}
        except (ValueError, KeyError, TypeError, AttributeError):
            self.path.replace(self.path.with_name(self.path.name + ".unreadable"))
            return {}

    def passed(self) -> list[str]:
        """Ids of the exercises passed, in id order."""
        return sorted(key for key, record in self.records().items() if record.passed)

    def record(self, verdict: Verdict) -> ExerciseRecord:
        """Add one checked attempt, save the file, then give the record to the sender."""
        if verdict.status == "not_attempted":
            raise ValueError("a placeholder answer is not an attempt")
        records = self.records()
        previous = records.get(verdict.exercise)
        when = datetime.fromtimestamp(self.clock.now_ms() / 1000, tz=UTC)
        record = ExerciseRecord(
            exercise=verdict.exercise,
            passed=verdict.passed or (previous is not None and previous.passed),
            attempts=(previous.attempts if previous else 0) + 1,
            last_verdict=verdict.status,
            mistake=verdict.mistake,
            time=when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )
        records[verdict.exercise] = record
        self._save(records)
        if self.sender is not None:
            self.sender(record)
        return record

    def clear(self) -> None:
        """Forget all progress (a trainer resetting a machine between sessions)."""
        self.path.unlink(missing_ok=True)

    def _save(self, records: Mapping[str, ExerciseRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"format": PROGRESS_FORMAT,
                    "exercises": {key: records[key].as_dict() for key in sorted(records)}}
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
        partial.replace(self.path)  # atomic: a crash never leaves half a file

    def __repr__(self) -> str:
        return f"Progress({str(self.path)!r}, passed={self.passed()})"
