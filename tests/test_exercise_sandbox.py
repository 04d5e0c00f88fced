"""The exercises' sandbox: the class's when the environment names one, an embedded one
otherwise, behind the same cells (``practice_sandbox()``).

Over real HTTP: a classroom sandbox on loopback with two trainees; the environment is the one
the hub gives trainee01. E4 and E5 done through it are seen by the classroom itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import smskit
from smskit.errors import RateLimited
from smskit.sandbox import Sandbox, VerificationResult
from smskit.sandbox.classroom.extension import Classroom
from smskit.sandbox.classroom.roster import Roster
from smskit.training import ClassroomUnavailable, Progress, Workbook, exercise, practice_sandbox

PHONE = "13912345670"  # E5's phone


@pytest.fixture
def classroom() -> Iterator[tuple[Sandbox, Roster]]:
    roster = Roster.numbered(2)
    with Sandbox(extension=Classroom(roster)) as sb:
        yield sb, roster
        assert sb.internal_errors == 0


def trainee_env(sb: Sandbox, roster: Roster) -> dict[str, str]:
    """What the hub gives a trainee's server: an ``http://`` SMSKIT_BASE_URL, no
    SMSKIT_CLASSROOM_URL (hub/jupyterhub_config.py)."""
    first = next(iter(roster))
    return {"SMSKIT_BASE_URL": sb.base_url, "SMSKIT_USER_DOMAIN": first.user_domain,
            "SMSKIT_USER_DOMAIN_SECRET": first.secret, "JUPYTERHUB_USER": first.name}


def dashboard_row(sb: Sandbox, roster: Roster, index: int) -> dict[str, Any]:
    token = roster.trainer_token
    dashboard = requests.get(f"{sb.base_url}/_sandbox/class/dashboard", timeout=5,
                             headers={"Authorization": f"Bearer {token}"}).json()
    row: dict[str, Any] = dashboard["trainees"][index]
    return row


def by_exercise(row: dict[str, Any], exercise_id: str) -> tuple[bool, str | None]:
    """(passed, passedBy) of one exercise; ``(False, None)`` when the row has none yet."""
    for item in row["exercises"]:
        if item["exercise"] == exercise_id:
            return item["passed"], item["passedBy"]
    return False, None


def test_outside_a_class_it_is_embedded_with_a_still_clock() -> None:
    for environ in ({}, {"SMSKIT_BASE_URL": "https://iot-api.quectelcn.com",
                         "SMSKIT_USER_DOMAIN": "C.DM.1", "SMSKIT_USER_DOMAIN_SECRET": "s" * 20}):
        sb = practice_sandbox(environ)
        try:
            assert sb.kind == "embedded" and sb.base_url.startswith("http://127.0.0.1:")
            assert sb.now_ms() == 1_795_867_200_000 and sb.user_domain == "sandbox-demo"
            assert sb.secret not in repr(sb)
            sent = [sb.send_code(PHONE, 2) for _ in range(2)]  # no rate limit: a re-run works
            assert [result.code for result in sent] == [200, 200]
        finally:
            sb.stop()
        stopped = sb.running
        assert sb.base_url.startswith("http://127.0.0.1:")  # used again: it starts again
        assert (stopped, sb.running) == (False, True)
        sb.stop()


def test_in_a_class_it_is_the_class_sandbox_as_the_trainee(
        classroom: tuple[Sandbox, Roster], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    sb, roster = classroom
    environ = trainee_env(sb, roster)
    mine = practice_sandbox(environ)
    assert mine.kind == "class" and mine.base_url == sb.base_url
    assert mine.user_domain == environ["SMSKIT_USER_DOMAIN"]
    assert environ["SMSKIT_USER_DOMAIN_SECRET"] not in repr(mine)
    assert abs(mine.now_ms() - smskit.now_ms()) < 5_000  # the class runs on real time

    assert mine.send_code(PHONE, 2).code == 200
    delivery = mine.last_delivery(PHONE, code_type=2)
    assert delivery is not None and delivery.user_domain == mine.user_domain
    first = mine.verify_code(phone=PHONE, code_type=2, code=delivery.code)
    second = mine.verify_code(phone=PHONE, code_type=2, code=delivery.code)
    assert isinstance(first, VerificationResult) and first.ok and first.status == "ok"
    assert (second.ok, second.status) == (False, "used")
    assert second.reason == "this code was already used: each code verifies once"
    assert second.as_dict("zh")["reason"] == "这条验证码已经用过，每条验证码只能验证一次"
    verdict = Workbook(Progress(tmp_path / "progress.json")).check(
        "E5", {"first": first, "second": second, "why": "B"})
    assert verdict.passed, verdict.text()

    again = mine.send_code(PHONE, 2)  # the cell run twice within a minute: said, not raised
    assert isinstance(again, RateLimited)
    assert capsys.readouterr().out == ("5058: a code went to 13912345670 less than a minute ago, "
                                       "so none was sent now. Wait a minute, then run this cell "
                                       "again.\n")
    latest = mine.last_delivery(PHONE, code_type=2)  # nothing new was sent: the used one
    assert latest is not None and (latest.code, latest.used) == (delivery.code, True)
    mine.stop()  # the class sandbox keeps serving everyone
    assert mine.running and requests.get(f"{sb.base_url}/_sandbox/health", timeout=5).ok

    row = dashboard_row(sb, roster, 0)
    assert by_exercise(row, "E5") == (True, "sandbox")
    assert by_exercise(row, "E4") == (False, None)  # E5's phone is not E4's inputs
    other = dashboard_row(sb, roster, 1)
    assert other["requests"] == 0 and other["passed"] == []


def test_e4s_inputs_sent_through_it_are_a_pass_the_sandbox_saw(
        classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    mine = practice_sandbox(trainee_env(sb, roster))
    e4 = exercise("E4").inputs
    assert by_exercise(dashboard_row(sb, roster, 0), "E4") == (False, None)
    assert mine.send_code(e4.phone, e4.code_type).code == 200
    assert by_exercise(dashboard_row(sb, roster, 0), "E4") == (True, "sandbox")


def test_a_5058_on_a_rerun_is_one_line_in_chinese_too(
        classroom: tuple[Sandbox, Roster], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sb, roster = classroom
    monkeypatch.setenv("SMSKIT_LANG", "zh")
    mine = practice_sandbox(trainee_env(sb, roster))
    assert mine.send_code(PHONE, 2).code == 200
    assert capsys.readouterr().out == ""
    assert isinstance(mine.send_code(PHONE, 2), RateLimited)
    assert capsys.readouterr().out == ("5058：一分钟内已给 13912345670 发过验证码，这次没有发送。"
                                       "等一分钟再运行这个单元格。\n")


def test_the_classroom_url_names_a_class_too(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    first = next(iter(roster))
    mine = practice_sandbox({"SMSKIT_CLASSROOM_URL": sb.base_url + "/",
                             "SMSKIT_BASE_URL": "https://iot-api.quectelcn.com",
                             "SMSKIT_USER_DOMAIN": first.user_domain,
                             "SMSKIT_USER_DOMAIN_SECRET": first.secret})
    assert (mine.kind, mine.base_url) == ("class", sb.base_url)


def test_without_the_secret_it_stays_embedded(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    environ = trainee_env(sb, roster)
    del environ["SMSKIT_USER_DOMAIN_SECRET"]
    mine = practice_sandbox(environ)
    try:
        assert mine.kind == "embedded" and mine.base_url != sb.base_url
    finally:
        mine.stop()


def test_another_trainees_outbox_is_not_mine(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    _, second = list(roster)
    theirs = practice_sandbox({"SMSKIT_CLASSROOM_URL": sb.base_url,
                               "SMSKIT_USER_DOMAIN": second.user_domain,
                               "SMSKIT_USER_DOMAIN_SECRET": second.secret})
    assert theirs.send_code(PHONE, 2).code == 200
    mine = practice_sandbox(trainee_env(sb, roster))
    assert mine.last_delivery(PHONE, code_type=2) is None


def test_a_developers_own_plain_sandbox_in_the_environment_leaves_it_embedded() -> None:
    """An http:// SMSKIT_BASE_URL may be `smskit sandbox` on the developer's machine: it has no
    trainee views (404), so the exercises keep their embedded, still-clock sandbox."""
    with Sandbox() as plain:
        environ = {"SMSKIT_BASE_URL": plain.base_url, "SMSKIT_USER_DOMAIN": plain.demo_domain,
                   "SMSKIT_USER_DOMAIN_SECRET": plain.secret_for(plain.demo_domain)}
        mine = practice_sandbox(environ)
        try:
            assert mine.kind == "embedded" and mine.base_url != plain.base_url
            assert mine.now_ms() == 1_795_867_200_000
        finally:
            mine.stop()
        assert plain.internal_errors == 0


def test_a_class_named_but_unusable_is_said_at_once(classroom: tuple[Sandbox, Roster]) -> None:
    sb, roster = classroom
    environ = trainee_env(sb, roster)
    wrong_secret = {**environ, "SMSKIT_USER_DOMAIN_SECRET": "not-the-secret-0123456789"}
    with pytest.raises(ClassroomUnavailable,
                       match=r"^the classroom sandbox answered 403: the signature does not match"
                       ) as refused:
        practice_sandbox(wrong_secret)
    assert "not-the-secret" not in str(refused.value)
    port = sb.base_url.rsplit(":", 1)[1]
    sb.stop()
    with pytest.raises(ClassroomUnavailable,
                       match=rf"^the classroom sandbox at http://127.0.0.1:{port} did not answer"):
        practice_sandbox(environ)
    sb.start()
