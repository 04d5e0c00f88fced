"""A trainee's session: checks answers, counts attempts, escalates hints, records progress.

Each mistake's hints escalate (1, 2, 3: gentle to direct) with the failed checks of that
exercise that found that mistake in this session (this kernel), not with the saved count,
so a notebook shows the same verdicts every time it is run from the top. The same mistake
found ``same_check_streak`` times in a row (``smskit/data/classroom.json``) marks the verdict
stuck: it suggests asking the trainer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from smskit.training.checks import JUDGES, Judgement, untouched
from smskit.training.classroom import classroom_sender
from smskit.training.exercises import exercise, same_check_streak, verdict_headline
from smskit.training.progress import Progress
from smskit.training.verdict import Verdict, label


class Workbook:
    """Checks answers for one trainee and keeps their progress (by default in the default
    file, sent on to the classroom sandbox when the environment names one)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress or Progress(sender=classroom_sender())
        self._attempts: Counter[str] = Counter()
        #: Failed checks per (exercise, mistake) in this session: each mistake's hint level.
        self._found: Counter[tuple[str, str]] = Counter()
        #: Per exercise: the latest mistake and how many checks in a row found it.
        self._streaks: dict[str, tuple[str, int]] = {}

    def attempts(self, exercise_id: str) -> int:
        """Attempts checked in this session for one exercise."""
        return self._attempts[exercise_id]

    def check(self, exercise_id: str, answer: Any) -> Verdict:
        """Judge ``answer`` to ``exercise_id`` at once; a placeholder is "not attempted"."""
        exercise(exercise_id)  # a clear KeyError for an unknown id
        if untouched(answer):
            return Verdict(exercise=exercise_id, status="not_attempted",
                           headline=verdict_headline("not_attempted"),
                           attempt=self._attempts[exercise_id], hint=label("placeholder"),
                           hint_level=1, hint_levels=1)
        judgement = JUDGES[exercise_id](answer)
        self._attempts[exercise_id] += 1
        attempt = self._attempts[exercise_id]
        if not judgement.wrong:
            self._streaks.pop(exercise_id, None)
            verdict = Verdict(exercise=exercise_id, status="passed",
                              headline=verdict_headline("passed"), attempt=attempt,
                              right=tuple(judgement.right))
        else:
            verdict = self._wrong(exercise_id, judgement, attempt)
        self.progress.record(verdict)
        return verdict

    def _wrong(self, exercise_id: str, judgement: Judgement, attempt: int) -> Verdict:
        """A failed check: the mistake's next hint, and whether it repeats too often."""
        mistake = judgement.mistake
        key = mistake.key if mistake else "unknown"
        self._found[exercise_id, key] += 1
        previous, run = self._streaks.get(exercise_id, ("", 0))
        run = run + 1 if previous == key else 1
        self._streaks[exercise_id] = (key, run)
        hints = mistake.hints if mistake else ()
        level = min(self._found[exercise_id, key], len(hints))
        return Verdict(exercise=exercise_id, status="wrong", headline=verdict_headline("wrong"),
                       attempt=attempt, right=tuple(judgement.right),
                       wrong=tuple(judgement.wrong),
                       hint=hints[level - 1] if hints else None, hint_level=level,
                       hint_levels=len(hints), mistake=mistake.key if mistake else None,
                       repeated=run, stuck=run >= same_check_streak())


_default: Workbook | None = None


def default_workbook() -> Workbook:
    """The session's workbook, saving to the default progress file."""
    global _default
    if _default is None:
        _default = Workbook()
    return _default


def check(exercise_id: str, answer: Any) -> Verdict:
    """Check an answer in the session's workbook: ``check("E1", signature)``."""
    return default_workbook().check(exercise_id, answer)
