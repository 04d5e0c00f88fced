"""A trainee's session: checks answers, counts attempts, escalates hints, records progress.

Hints escalate with the attempts made in this session (this kernel), not with the saved
count, so a notebook shows the same verdicts every time it is run from the top.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from smskit.training.checks import JUDGES, untouched
from smskit.training.classroom import classroom_sender
from smskit.training.exercises import exercise, verdict_headline
from smskit.training.progress import Progress
from smskit.training.verdict import Verdict, label


class Workbook:
    """Checks answers for one trainee and keeps their progress (by default in the default
    file, sent on to the classroom sandbox when the environment names one)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress or Progress(sender=classroom_sender())
        self._attempts: Counter[str] = Counter()

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
            verdict = Verdict(exercise=exercise_id, status="passed",
                              headline=verdict_headline("passed"), attempt=attempt,
                              right=tuple(judgement.right))
        else:
            mistake = judgement.mistake
            hints = mistake.hints if mistake else ()
            level = min(attempt, len(hints))
            verdict = Verdict(exercise=exercise_id, status="wrong",
                              headline=verdict_headline("wrong"), attempt=attempt,
                              right=tuple(judgement.right), wrong=tuple(judgement.wrong),
                              hint=hints[level - 1] if hints else None, hint_level=level,
                              hint_levels=len(hints),
                              mistake=mistake.key if mistake else None)
        self.progress.record(verdict)
        return verdict


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
