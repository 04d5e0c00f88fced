"""Progress the trainer can trust, over real HTTP: exercise ids checked, attempts counted by the
sandbox, passes it saw itself told from those only reported, nobody changing another's row;
and the trainer's views: same-check stuck, per-exercise detail, class summary, CSV, projector.

Trainee requests are signed here with hashlib (tests/classroom_trainees.py), not with the kit.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster, Trainee
from smskit.training.classroom import answer_judge
from tests.classroom_trainees import API, trainee_headers

START_MS = 1_796_000_000_000


@pytest.fixture
def roster() -> Roster:
    return Roster.numbered(4, seed=11)


@pytest.fixture
def sb(roster: Roster) -> Iterator[Sandbox]:
    with Sandbox(extension=Classroom(roster, answers=answer_judge),
                 clock=FixedClock(START_MS)) as sandbox:
        yield sandbox
        assert sandbox.internal_errors == 0


def post_record(sb: Sandbox, trainee: Trainee, exercise: str, *, passed: bool,
                mistake: str | None = None, attempts: int = 1) -> requests.Response:
    record = {"exercise": exercise, "passed": passed, "attempts": attempts,
              "last_verdict": "passed" if passed else "wrong", "mistake": mistake,
              "time": "2026-12-01T20:00:00.000Z"}
    body = json.dumps(record).encode()
    headers = {**trainee_headers(trainee, sb.clock.now_ms(), "POST", "/_sandbox/me/progress",
                                 body), "Content-Type": "application/json"}
    return requests.post(sb.base_url + "/_sandbox/me/progress", data=body, headers=headers,
                         timeout=5)


def api_send(sb: Sandbox, trainee: Trainee, *, phone: str, code_type: int,
             secret: str | None = None, user_domain: str | None = None) -> int:
    ts, random = sb.clock.now_ms(), hashlib.sha256(f"{phone}{trainee.name}{secret}".encode()
                                                   ).hexdigest()[:16]
    key = trainee.secret if secret is None else secret
    signature = hashlib.sha256(f"{phone}{code_type}{random}{ts}{key}".encode()).hexdigest()
    query = urlencode({"codeType": code_type, "internationalCode": "86", "phone": phone,
                       "random": random, "signature": signature, "ts": ts,
                       "userDomain": user_domain or trainee.user_domain})
    code: int = requests.post(f"{sb.base_url}{API}?{query}", timeout=5).json()["code"]
    return code


def board(sb: Sandbox, roster: Roster) -> dict[str, Any]:
    answer = requests.get(sb.base_url + "/_sandbox/class/dashboard", timeout=5,
                          headers={"Authorization": f"Bearer {roster.trainer_token}"})
    assert answer.status_code == 200
    payload: dict[str, Any] = answer.json()
    return payload


def exercises_of(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["exercise"]: item for item in row["exercises"]}


@pytest.mark.parametrize("exercise", ["E0", "E8", "E9", "E01", "E07", "E99", "e1", ""])
def test_unknown_exercise_ids_answer_400_naming_the_field(
        sb: Sandbox, roster: Roster, exercise: str) -> None:
    answer = post_record(sb, roster.trainees[0], exercise, passed=True)
    assert answer.status_code == 400
    assert answer.json()["extMsg"].startswith("not an exercise record: exercise ")
    assert "E1, E2, E3, E4, E5, E6, E7" in answer.json()["extMsg"]
    assert board(sb, roster)["trainees"][0]["exercises"] == []


def test_an_unknown_exercise_and_a_field_of_another_json_type_are_named_in_json(
        sb: Sandbox, roster: Roster) -> None:
    """The refused value is repeated as JSON writes it (the trainee's client may be any
    language): ``"E9"``, ``"3"``, ``1``; the type by its JSON name."""
    ids = "E1, E2, E3, E4, E5, E6, E7"
    said = [post_record(sb, roster.trainees[0], "E9", passed=True).json()["extMsg"],
            post_record(sb, roster.trainees[0], "E1", passed=True,
                        attempts="3").json()["extMsg"],  # type: ignore[arg-type]
            post_record(sb, roster.trainees[0], "E1", passed=1).json()["extMsg"]]
    assert said == [
        f'not an exercise record: exercise "E9" is not an exercise of this course ({ids})',
        'not an exercise record: attempts must be a JSON integer, got "3"',
        "not an exercise record: passed must be a JSON boolean, got 1"]
    assert board(sb, roster)["trainees"][0]["exercises"] == []


def test_the_boundary_ids_are_accepted(sb: Sandbox, roster: Roster) -> None:
    for exercise in ("E1", "E7"):
        assert post_record(sb, roster.trainees[0], exercise, passed=False).status_code == 200
    assert set(exercises_of(board(sb, roster)["trainees"][0])) == {"E1", "E7"}


def test_refusals_follow_the_sandbox_language(roster: Roster) -> None:
    with Sandbox(extension=Classroom(roster), clock=FixedClock(START_MS), lang="zh") as zh:
        answer = post_record(zh, roster.trainees[0], "E9", passed=True)
        assert answer.status_code == 400 and answer.json()["extMsg"].startswith("不是练习记录")
        assert "不是本课程的练习" in answer.json()["extMsg"]
        bare = requests.get(zh.base_url + "/_sandbox/class/roster", timeout=5)
        assert bare.status_code == 401 and "讲师" in bare.json()["extMsg"]


def test_attempts_are_counted_by_the_sandbox_not_taken_from_the_record(
        sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[0]
    for _ in range(3):
        assert post_record(sb, trainee, "E2", passed=False, mistake="ts_seconds",
                           attempts=50).json()["attempts"] in (1, 2, 3)
    item = exercises_of(board(sb, roster)["trainees"][0])["E2"]
    assert item["attempts"] == 3 and item["lastMistake"] == "ts_seconds"
    assert item["passed"] is False and item["passedBy"] is None


def test_a_reported_pass_is_marked_self_reported_and_a_seen_one_is_not(
        sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[1]
    assert post_record(sb, trainee, "E1", passed=True).status_code == 200
    assert post_record(sb, trainee, "E4", passed=True).status_code == 200  # only claimed
    row = board(sb, roster)["trainees"][1]
    assert row["passed"] == ["E1", "E4"] and row["selfReported"] == ["E1", "E4"]
    # E4 as the sandbox sees it: E4's inputs (phone 13912345678, codeType 2) delivered
    assert api_send(sb, trainee, phone="13912345678", code_type=2) == 200
    row = board(sb, roster)["trainees"][1]
    assert row["selfReported"] == ["E1"]
    assert exercises_of(row)["E4"]["passedBy"] == "sandbox"


def test_another_send_is_not_e4(sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[1]
    assert api_send(sb, trainee, phone="13912345678", code_type=3) == 200
    assert api_send(sb, trainee, phone="13912345679", code_type=2) == 200
    assert board(sb, roster)["trainees"][1]["exercises"] == []


E5_PHONE = "13912345670"  # E5's inputs: phone 13912345670, codeType 2 (exercises.json)


def _verify(sb: Sandbox, trainee: Trainee, code: str, phone: str = E5_PHONE,
            code_type: int = 2) -> dict[str, Any]:
    body = json.dumps({"phone": phone, "codeType": code_type, "code": code}).encode()
    headers = {**trainee_headers(trainee, sb.clock.now_ms(), "POST", "/_sandbox/me/verify",
                                 body), "Content-Type": "application/json"}
    answer = requests.post(sb.base_url + "/_sandbox/me/verify", data=body, headers=headers,
                           timeout=5)
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def test_e5_is_seen_when_a_code_verifies_once_then_is_refused_as_used(
        sb: Sandbox, roster: Roster) -> None:
    trainee, other = roster.trainees[2], roster.trainees[3]
    assert api_send(sb, trainee, phone=E5_PHONE, code_type=2) == 200
    delivered = sb.last_delivery(E5_PHONE, user_domain=trainee.user_domain)
    assert delivered is not None
    # another trainee cannot verify (or consume) it: their verify looks in their own domain
    assert _verify(sb, other, delivered.code)["status"] == "no_code"
    assert _verify(sb, trainee, delivered.code)["status"] == "ok"
    e5 = exercises_of(board(sb, roster)["trainees"][2]).get("E5")
    assert e5 is None  # one success is not yet E5
    assert _verify(sb, trainee, delivered.code)["status"] == "used"
    e5 = exercises_of(board(sb, roster)["trainees"][2])["E5"]
    assert e5["passed"] is True and e5["passedBy"] == "sandbox"
    assert exercises_of(board(sb, roster)["trainees"][3])["E5"]["passed"] is False


def test_verifying_another_phone_or_code_type_is_no_e5_attempt(
        sb: Sandbox, roster: Roster) -> None:
    """A lesson verifies its own codes (01-quickstart: 13800138000, codeType 3) through the
    same view: that is not E5, passed or failed; E5's own inputs still are."""
    trainee = roster.trainees[2]
    for phone, code_type in (("13800138000", 3), (E5_PHONE, 3), ("13912345678", 2)):
        assert api_send(sb, trainee, phone=phone, code_type=code_type) == 200
        delivered = sb.last_delivery(phone, user_domain=trainee.user_domain)
        assert delivered is not None
        assert _verify(sb, trainee, delivered.code, phone, code_type)["status"] == "ok"
        assert _verify(sb, trainee, delivered.code, phone, code_type)["status"] == "used"
        assert _verify(sb, trainee, "000000", phone, code_type)["status"] != "ok"
    assert "E5" not in exercises_of(board(sb, roster)["trainees"][2])
    assert _verify(sb, trainee, "000000")["status"] == "no_code"  # E5's inputs: an attempt
    e5 = exercises_of(board(sb, roster)["trainees"][2])["E5"]
    assert (e5["passed"], e5["attempts"]) == (False, 1)


def test_calls_naming_another_trainee_never_mark_them_stuck(
        sb: Sandbox, roster: Roster) -> None:
    attacker, victim = roster.trainees[0], roster.trainees[1]
    for n in range(4):  # signed with the caller's own secret: 5420 for the victim's domain
        assert api_send(sb, attacker, phone=f"1380013800{n}", code_type=3,
                        secret=attacker.secret, user_domain=victim.user_domain) == 5420
    for n in range(4):  # the doctor's "secret-left-out": no secret needed to make it
        assert api_send(sb, attacker, phone=f"1390013900{n}", code_type=3, secret="",
                        user_domain=victim.user_domain) == 5420
    row = board(sb, roster)["trainees"][1]
    assert (row["requests"], row["codes"], row["stuck"]) == (0, {}, None)
    mine = requests.get(sb.base_url + "/_sandbox/me/requests", timeout=5, headers=trainee_headers(
        victim, START_MS, "GET", "/_sandbox/me/requests")).json()["requests"]
    assert len(mine) == 8 and not any(record["yours"] for record in mine)
    # the victim's own mistakes (ts in seconds, made with the secret) do count
    ts = sb.clock.now_ms()
    for n in range(3):
        random = f"victim{n:010d}"
        signature = hashlib.sha256(
            f"13700137000{3}{random}{ts // 1000}{victim.secret}".encode()).hexdigest()
        query = urlencode({"codeType": 3, "internationalCode": "86", "phone": "13700137000",
                           "random": random, "signature": signature, "ts": ts,
                           "userDomain": victim.user_domain})
        assert requests.post(f"{sb.base_url}{API}?{query}", timeout=5).json()["code"] == 5420
    row = board(sb, roster)["trainees"][1]
    assert row["stuck"] == {"reason": "same_error", "code": 5420, "count": 3}


def test_the_same_failed_check_repeated_is_stuck(sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[0]
    post_record(sb, trainee, "E2", passed=False, mistake="ts_seconds")
    post_record(sb, trainee, "E2", passed=False, mistake="code_type_other")
    post_record(sb, trainee, "E2", passed=False, mistake="ts_seconds")
    post_record(sb, trainee, "E2", passed=False, mistake="ts_seconds")
    assert board(sb, roster)["trainees"][0]["stuck"] is None  # 2 in a row: below 3
    post_record(sb, trainee, "E2", passed=False, mistake="ts_seconds")
    assert board(sb, roster)["trainees"][0]["stuck"] == {
        "reason": "same_check", "exercise": "E2", "mistake": "ts_seconds", "count": 3}
    post_record(sb, trainee, "E2", passed=True)
    assert board(sb, roster)["trainees"][0]["stuck"] is None


def test_time_on_task_runs_from_the_first_attempt_to_the_pass(
        sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[0]
    assert isinstance(sb.clock, FixedClock)
    post_record(sb, trainee, "E1", passed=False, mistake="uppercase")
    sb.clock.advance(minutes=2)
    assert exercises_of(board(sb, roster)["trainees"][0])["E1"]["timeOnTaskMs"] == 120_000
    sb.clock.advance(minutes=1)
    post_record(sb, trainee, "E1", passed=True)
    sb.clock.advance(minutes=5)
    item = exercises_of(board(sb, roster)["trainees"][0])["E1"]
    assert item["timeOnTaskMs"] == 180_000 and item["attempts"] == 2
    assert item["lastMistake"] == "uppercase"


def test_class_summary_counts_passes_per_exercise(sb: Sandbox, roster: Roster) -> None:
    for trainee in roster.trainees[:3]:
        post_record(sb, trainee, "E1", passed=True)
    post_record(sb, roster.trainees[3], "E1", passed=False, mistake="x")
    summary = board(sb, roster)["summary"]
    assert [item["exercise"] for item in summary] == ["E1", "E2", "E3", "E4", "E5", "E6", "E7"]
    assert summary[0] == {"exercise": "E1", "passed": 3, "verified": 0, "of": 4}
    assert summary[1] == {"exercise": "E2", "passed": 0, "verified": 0, "of": 4}


def test_csv_export_is_the_trainers_and_holds_no_secret(sb: Sandbox, roster: Roster) -> None:
    url = sb.base_url + "/_sandbox/class/dashboard.csv"
    assert requests.get(url, timeout=5).status_code == 401
    as_trainee = requests.get(url, timeout=5, headers=trainee_headers(
        roster.trainees[0], START_MS, "GET", "/_sandbox/class/dashboard.csv"))
    assert as_trainee.status_code == 403
    post_record(sb, roster.trainees[0], "E1", passed=True)
    post_record(sb, roster.trainees[0], "E2", passed=False, mistake="ts_seconds")
    answer = requests.get(url, timeout=5,
                          headers={"Authorization": f"Bearer {roster.trainer_token}"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv;charset=UTF-8"
    assert "classroom-progress.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8"))))
    assert rows[0] == ["trainee", "userDomain", "requests", "codes", "firstSuccessMs", "stuck",
                       "exercise", "attempts", "passed", "passedBy", "lastMistake",
                       "timeOnTaskS"]
    first = roster.trainees[0]
    assert rows[1] == [first.name, first.user_domain, "0", "", "", "", "E1", "1", "yes", "self",
                       "", "0"]
    assert rows[2][6:] == ["E2", "1", "no", "", "ts_seconds", "0"]
    assert len(rows) == 1 + 2 + 3  # one line per exercise attempted, one per idle trainee
    assert roster.trainer_token not in answer.text
    assert not any(t.secret in answer.text for t in roster)


def test_widget_summary_projector_and_csv(sb: Sandbox, roster: Roster) -> None:
    from smskit.widgets import TrainerDashboard

    post_record(sb, roster.trainees[0], "E1", passed=True)
    assert api_send(sb, roster.trainees[1], phone="13912345678", code_type=2) == 200
    dash = TrainerDashboard(base_url=sb.base_url, token=roster.trainer_token, language="en")
    assert "class: E1 1/4 · E2 0/4" in dash.summary_html.value
    assert "E1 ✓* 1×" in dash.table_html.value and "E4 ✓ 1×" in dash.table_html.value
    assert "font-size:180%" not in dash.table_html.value
    dash.projector.value = True
    assert "font-size:180%" in dash.table_html.value and "font-size:180%" in (
        dash.summary_html.value)
    assert ">E1✓*<" in dash.table_html.value and ">E4✓<" in dash.table_html.value
    assert "codes met" not in dash.table_html.value
    dash.language = "zh"
    assert "全班: E1 1/4" in dash.summary_html.value
    dash.csv_button.click()
    link = dash.csv_html.value
    assert link.startswith('<a download="classroom-progress.csv" href="data:text/csv;base64,')
    data = base64.b64decode(link.split("base64,", 1)[1].split('"', 1)[0]).decode("utf-8")
    assert data.splitlines()[0].startswith("trainee,userDomain,requests")
    everything = link + repr(dash.state()) + dash.table_html.value
    assert roster.trainer_token not in everything


def test_the_rate_limit_of_a_domain_is_not_spent_by_another_trainees_bad_calls(
        sb: Sandbox, roster: Roster) -> None:
    attacker, victim = roster.trainees[0], roster.trainees[1]
    for _ in range(3):
        assert api_send(sb, attacker, phone="13600136000", code_type=3,
                        secret=attacker.secret, user_domain=victim.user_domain) == 5420
    assert api_send(sb, victim, phone="13600136000", code_type=3) == 200
    assert api_send(sb, victim, phone="13600136000", code_type=3) == 5058  # the limit is real


def post_answer(sb: Sandbox, trainee: Trainee, payload: Any) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = {**trainee_headers(trainee, sb.clock.now_ms(), "POST", "/_sandbox/me/answer",
                                 body), "Content-Type": "application/json"}
    return requests.post(sb.base_url + "/_sandbox/me/answer", data=body, headers=headers,
                         timeout=5)


def test_e6_and_e7_answers_are_judged_by_the_sandbox(sb: Sandbox, roster: Roster) -> None:
    from smskit.catalogue import all_codes
    from smskit.doctor import diagnose
    from smskit.training import exercise

    trainee = roster.trainees[0]
    mapping: dict[str, list[int]] = {}
    for entry in all_codes():
        if not entry.is_success:
            mapping.setdefault(entry.category, []).append(entry.code)
    wrong = {key: list(codes) for key, codes in mapping.items()}
    moved = wrong["fix_request"].pop()
    wrong["retry_later"].append(moved)
    first = post_answer(sb, trainee, {"exercise": "E6", "answer": wrong}).json()
    assert (first["passed"], first["mistake"], first["attempts"]) == (False, "misplaced", 1)
    second = post_answer(sb, trainee, {"exercise": "E6", "answer": mapping}).json()
    assert (second["passed"], second["mistake"], second["attempts"]) == (True, None, 2)
    e7 = exercise("E7").inputs
    found = diagnose(e7.log_line, secret=e7.secret).mistake
    assert found is not None
    assert post_answer(sb, trainee, {"exercise": "E7", "answer": "md5"}).json()["passed"] is False
    assert post_answer(sb, trainee, {"exercise": "E7", "answer": found.id}).json()["passed"]
    row = board(sb, roster)["trainees"][0]
    items = exercises_of(row)
    assert items["E6"]["passedBy"] == "sandbox" and items["E7"]["passedBy"] == "sandbox"
    assert row["selfReported"] == []


@pytest.mark.parametrize("payload,field", [
    ({"exercise": "E1", "answer": "0" * 64}, "exercise"),
    ({"exercise": "E9", "answer": {}}, "exercise"),
    ({"exercise": "E6"}, "answer"),
    ({"exercise": "E6", "answer": {}, "extra": 1}, "extra"),
])
def test_answers_the_sandbox_does_not_judge_are_400(
        sb: Sandbox, roster: Roster, payload: dict[str, Any], field: str) -> None:
    answer = post_answer(sb, roster.trainees[0], payload)
    assert answer.status_code == 400 and field in answer.json()["extMsg"]
    assert board(sb, roster)["trainees"][0]["exercises"] == []


def test_an_answer_to_an_exercise_the_sandbox_does_not_judge_names_it_in_json(
        sb: Sandbox, roster: Roster) -> None:
    said = post_answer(sb, roster.trainees[0], {"exercise": "E1", "answer": "x"}).json()
    assert said["extMsg"] == ('exercise must be one of E6, E7 (the sandbox judges those answers '
                              'itself), got "E1"')


def test_without_a_judge_the_answer_route_is_absent(roster: Roster) -> None:
    with Sandbox(extension=Classroom(roster), clock=FixedClock(START_MS)) as plain:
        answer = post_answer(plain, roster.trainees[0], {"exercise": "E7", "answer": "md5"})
        assert answer.status_code == 404
