"""The exercises as data (``smskit/data/exercises.json``): ids, titles, tasks, inputs, feedback.

Inputs that hold a secret are :class:`Inputs`, whose repr masks it, so showing an
exercise's inputs in a notebook never shows its training secret.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from smskit._data import load_json
from smskit.clock import FixedClock
from smskit.errors import UnknownName
from smskit.i18n import Editions, display_language
from smskit.signing import SECRET_MASK
from smskit.teaching.worked_example import load as load_worked_example

_SECRET_KEYS = ("secret", "userDomainSecret")


@dataclass(frozen=True)
class ExerciseMistake:
    """One recognised mistake: what is wrong, and hints from the gentlest to the most direct."""

    key: str
    wrong: Editions
    hints: tuple[Editions, ...]

    def fill(self, **values: object) -> ExerciseMistake:
        """The same mistake with ``{name}`` placeholders filled in its texts."""
        return ExerciseMistake(self.key, self.wrong.fill(**values),
                       tuple(hint.fill(**values) for hint in self.hints))


class Inputs(Mapping[str, Any]):
    """An exercise's inputs, readable as ``inputs.phone``; the repr masks any secret."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never look up private names (copy, pickle) in the values
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Inputs({_masked(self._values)!r})"


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id, order, title and task in both languages, and its raw data."""

    id: str
    number: int
    title: Editions
    task: Editions
    data: Mapping[str, Any]

    @property
    def inputs(self) -> Inputs:
        """The exercise's given values (E1: the page's worked example)."""
        if self.id == "E1":
            example = load_worked_example()
            return Inputs({"phone": example.phone, "code_type": example.code_type,
                           "random": example.random, "ts": example.ts,
                           "secret": example.secret})
        return Inputs(self.data.get("inputs", {}))

    def right(self, key: str) -> Editions:
        return _text(self.data["right"][key])

    def mistake(self, key: str) -> ExerciseMistake:
        """The exercise's own mistake ``key``, or a shared one (signature mistakes)."""
        raw = self.data.get("mistakes", {}).get(key) or _raw()["shared_mistakes"][key]
        return ExerciseMistake(key, _text(raw["wrong"]), tuple(_text(h) for h in raw["hints"]))

    def __repr__(self) -> str:
        return f"{self.id} · {self.title.short()}\n" + "\n".join(self.task.lines())

    def _repr_html_(self) -> str:
        language = display_language()
        title = html.escape(f"{self.id} · {self.title.short(language)}")
        task = "".join(f"<p>{html.escape(line)}</p>" for line in self.task.lines(language))
        return f'<div class="smskit-exercise"><h3>{title}</h3>{task}</div>'


def _masked(value: Any) -> Any:
    """``value`` with every secret (at any depth) replaced by the mask."""
    if isinstance(value, Mapping):
        return {key: SECRET_MASK if key in _SECRET_KEYS else _masked(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = load_json("exercises.json")
    return data


def _text(raw: Mapping[str, str]) -> Editions:
    return Editions(en=raw["en"], zh=raw["zh"])


@cache
def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in order of difficulty."""
    return tuple(
        Exercise(id=row["id"], number=index, title=_text(row["title"]),
                 task=_text(row["task"]), data=row)
        for index, row in enumerate(_raw()["exercises"], start=1)
    )


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id (``"E1"`` ... ); :class:`UnknownName` (a ``KeyError``) if none."""
    for item in all_exercises():
        if item.id == exercise_id:
            return item
    raise UnknownName("exercise", exercise_id, [item.id for item in all_exercises()])


def verdict_headline(status: str) -> Editions:
    """通过 / passed, 还不对 / not yet right, 未作答 / not attempted yet."""
    return _text(_raw()["verdicts"][status])


def same_check_streak() -> int:
    """How many failed checks in a row with the same mistake make a trainee stuck
    (``smskit/data/classroom.json`` ``stuck.same_check_streak``, which the dashboard reads too)."""
    return int(load_json("classroom.json")["stuck"]["same_check_streak"])


def shared_mistakes() -> Mapping[str, Any]:
    """The signature mistakes E1 and E2 share, raw, with the doctor's id of each."""
    shared: Mapping[str, Any] = _raw()["shared_mistakes"]
    return shared


def broken_requests() -> list[dict[str, Any]]:
    """E3's five broken requests, each a fresh dict of :func:`smskit.build_request` arguments."""
    inputs = exercise("E3").data["inputs"]
    requests = []
    for change in inputs["broken"]:
        fields = {**inputs["base"], **change}
        fields["secret"] = fields["secret"] + fields.pop("secret_suffix", "")
        requests.append(fields)
    return requests


def e3_clock() -> FixedClock:
    """The server time E3's requests are judged against (their ``ts`` is 2 minutes earlier)."""
    return FixedClock(exercise("E3").data["inputs"]["clock_ms"])


class Choices(dict[str, Editions]):
    """Multiple-choice options by letter; shown one per line."""

    def __repr__(self) -> str:
        return "\n".join(f"{letter}  {text.short()}" for letter, text in self.items())


def choices(exercise_id: str) -> Choices:
    """An exercise's multiple-choice options by letter."""
    raw = exercise(exercise_id).data["choices"]
    return Choices({letter: _text(option) for letter, option in raw.items()})
