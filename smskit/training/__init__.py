"""Team training: exercises with checks that answer at once, and the trainee's progress.

``check("E1", answer)`` judges an answer with the library's own rules and returns a
:class:`Verdict` (what is right, what is wrong, a hint that gets more direct with each
attempt; never the answer). Progress is saved locally (:class:`Progress`). In a classroom,
``my_outbox()``, ``my_requests()``, ``my_verify(...)`` and ``my_progress()`` read the trainee's
own data from the class sandbox (:mod:`smskit.training.classroom`). The exercise
notebooks are in ``notebooks/exercises/``; the texts in ``smskit/data/exercises.json``.
"""

from smskit.training.classroom import (
    ClassroomUnavailable,
    TraineeClient,
    my_answer,
    my_outbox,
    my_progress,
    my_requests,
    my_verify,
)
from smskit.training.exercises import (
    Exercise,
    Inputs,
    all_exercises,
    broken_requests,
    choices,
    e3_clock,
    exercise,
)
from smskit.training.practice import PracticeSandbox, practice_sandbox
from smskit.training.progress import (
    PROGRESS_FORMAT,
    ExerciseRecord,
    Progress,
    ProgressSender,
    default_progress_path,
)
from smskit.training.verdict import Verdict
from smskit.training.workbook import Workbook, check, default_workbook

__all__ = [
    "PROGRESS_FORMAT",
    "ClassroomUnavailable",
    "Exercise",
    "ExerciseRecord",
    "Inputs",
    "PracticeSandbox",
    "Progress",
    "ProgressSender",
    "TraineeClient",
    "Verdict",
    "Workbook",
    "all_exercises",
    "broken_requests",
    "check",
    "choices",
    "default_progress_path",
    "default_workbook",
    "e3_clock",
    "exercise",
    "my_answer",
    "my_outbox",
    "my_progress",
    "my_requests",
    "my_verify",
    "practice_sandbox",
]
