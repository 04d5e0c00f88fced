"""The progress file: one record per exercise, sticky passes, a sender hook, no secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smskit import FixedClock
from smskit.training import (
    PROGRESS_FORMAT,
    ExerciseRecord,
    Progress,
    Workbook,
    default_progress_path,
)

E1_RIGHT = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
T0 = 1_795_867_200_000  # 2026-11-28T12:00:00Z


def test_default_path_is_in_the_home_dir_unless_overridden(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.delenv("SMSKIT_PROGRESS_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_progress_path() == tmp_path / ".smskit" / "progress.json"
    monkeypatch.setenv("SMSKIT_PROGRESS_FILE", str(tmp_path / "p.json"))
    assert default_progress_path() == tmp_path / "p.json"
    assert Progress().path == tmp_path / "p.json"


def test_records_attempts_and_a_sticky_pass(tmp_path: Path) -> None:
    clock = FixedClock(T0)
    book = Workbook(Progress(tmp_path / "sub" / "progress.json", clock=clock))
    book.check("E1", EMPTY)
    clock.advance(seconds=30)
    book.check("E1", E1_RIGHT)
    clock.advance(seconds=30)
    book.check("E1", EMPTY)
    book.check("E2", ...)  # a placeholder: no record
    raw = json.loads((tmp_path / "sub" / "progress.json").read_text(encoding="utf-8"))
    assert raw == {"format": PROGRESS_FORMAT, "exercises": {"E1": {
        "exercise": "E1", "passed": True, "attempts": 3, "last_verdict": "wrong",
        "mistake": "empty_input", "time": "2026-11-28T12:01:00.000Z"}}}
    assert book.progress.passed() == ["E1"]


def test_attempts_add_up_across_sessions_but_hints_restart(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    first = Workbook(Progress(path))
    first.check("E1", EMPTY)
    first.check("E1", EMPTY)
    later = Workbook(Progress(path))
    verdict = later.check("E1", EMPTY)
    assert verdict.attempt == 1 and verdict.hint_level == 1
    assert later.progress.records()["E1"].attempts == 3


def test_sender_gets_each_record_after_it_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    sent: list[tuple[ExerciseRecord, bool]] = []
    progress = Progress(path, clock=FixedClock(T0),
                        sender=lambda record: sent.append((record, path.exists())))
    Workbook(progress).check("E1", E1_RIGHT)
    [(record, saved_first)] = sent
    assert saved_first
    assert record.as_dict() == {"exercise": "E1", "passed": True, "attempts": 1,
                                "last_verdict": "passed", "mistake": None,
                                "time": "2026-11-28T12:00:00.000Z"}
    assert ExerciseRecord.from_dict(record.as_dict()) == record


def test_records_hold_no_answer_and_no_secret(tmp_path: Path) -> None:
    from smskit._data import load_json

    path = tmp_path / "progress.json"
    book = Workbook(Progress(path))
    book.check("E1", E1_RIGHT)
    book.check("E2", "0" * 64)
    text = path.read_text(encoding="utf-8")
    e2 = next(r for r in load_json("exercises.json")["exercises"] if r["id"] == "E2")
    assert E1_RIGHT not in text and "0" * 64 not in text and e2["inputs"]["secret"] not in text


def test_an_unreadable_file_is_kept_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("{not json", encoding="utf-8")
    progress = Progress(path)
    assert progress.records() == {}
    assert (tmp_path / "progress.json.unreadable").read_text(encoding="utf-8") == "{not json"
    Workbook(progress).check("E1", E1_RIGHT)
    assert progress.passed() == ["E1"]
    progress.clear()
    assert not path.exists() and progress.records() == {}
