"""The trainee's helpers over real HTTP, configured only by the environment the hub sets:
``my_outbox()``, ``my_requests()``, ``my_verify(...)``, ``my_progress()``; and what they say
outside a classroom or when it cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import smskit.training as training
from smskit import CodeType
from smskit.clock import SystemClock
from smskit.errors import SmskitError
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster, Trainee
from smskit.training import ClassroomUnavailable, TraineeClient
from smskit.training.classroom import answer_judge

PHONE = "13912345678"  # E4's inputs: phone 13912345678, codeType 2
E5_PHONE = "13912345670"  # E5's: phone 13912345670, codeType 2


@pytest.fixture
def roster() -> Roster:
    return Roster.numbered(2, seed=5)


@pytest.fixture
def sb(roster: Roster) -> Iterator[Sandbox]:
    with Sandbox(extension=Classroom(roster, answers=answer_judge),
                 clock=SystemClock()) as sandbox:
        yield sandbox
        assert sandbox.internal_errors == 0


def as_trainee(monkeypatch: pytest.MonkeyPatch, sb: Sandbox, trainee: Trainee) -> None:
    """The variables the hub sets in a trainee's server."""
    monkeypatch.setenv("SMSKIT_CLASSROOM_URL", sb.base_url)
    monkeypatch.setenv("SMSKIT_USER_DOMAIN", trainee.user_domain)
    monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", trainee.secret)
    monkeypatch.setenv("JUPYTERHUB_USER", trainee.name)


def test_a_trainee_reads_their_own_outbox_and_requests_and_verifies(
        monkeypatch: pytest.MonkeyPatch, sb: Sandbox, roster: Roster) -> None:
    me, other = roster.trainees
    sb.client(user_domain=other.user_domain, secret=other.secret).send_code(PHONE, 2)
    as_trainee(monkeypatch, sb, me)
    assert training.my_outbox() == [] and training.my_requests() == []
    sb.client(user_domain=me.user_domain, secret=me.secret).send_code(PHONE, CodeType.LOGIN)
    outbox = training.my_outbox()
    assert [(row["userDomain"], row["phone"], row["codeType"]) for row in outbox] == [
        (me.user_domain, PHONE, 2)]
    requests = training.my_requests()
    assert [(r["userDomain"], r["code"], r["yours"]) for r in requests] == [
        (me.user_domain, 200, True)]
    code = outbox[0]["code"]
    assert training.my_verify(phone=PHONE, code_type=2, code=code)["status"] == "ok"
    assert training.my_verify(phone=PHONE, code_type=2, code=code)["status"] == "used"
    assert "E5" not in {item["exercise"] for item in training.my_progress()}  # not E5's phone
    sb.client(user_domain=me.user_domain, secret=me.secret).send_code(E5_PHONE, 2)
    code = training.my_outbox()[-1]["code"]
    assert training.my_verify(phone=E5_PHONE, code_type=2, code=code)["status"] == "ok"
    assert training.my_verify(phone=E5_PHONE, code_type=2, code=code)["status"] == "used"
    progress = {item["exercise"]: item for item in training.my_progress()}
    assert progress["E4"]["passedBy"] == "sandbox" and progress["E5"]["passedBy"] == "sandbox"
    assert TraineeClient.from_env().me() == {"name": me.name, "userDomain": me.user_domain}
    judged = training.my_answer("E7", "md5")
    assert (judged["exercise"], judged["passed"], judged["attempts"]) == ("E7", False, 1)


def test_outside_a_classroom_the_helpers_say_what_to_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMSKIT_CLASSROOM_URL", "SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN",
                 "SMSKIT_USER_DOMAIN_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ClassroomUnavailable) as caught:
        training.my_outbox()
    assert "SMSKIT_CLASSROOM_URL" in str(caught.value)
    assert isinstance(caught.value, SmskitError)


def test_a_wrong_secret_or_a_stopped_classroom_is_one_clear_error(
        monkeypatch: pytest.MonkeyPatch, sb: Sandbox, roster: Roster) -> None:
    me = roster.trainees[0]
    as_trainee(monkeypatch, sb, Trainee(me.name, me.user_domain, "w" * 44))
    with pytest.raises(ClassroomUnavailable) as caught:
        training.my_requests()
    assert "403" in str(caught.value) and me.secret not in str(caught.value)
    assert "w" * 44 not in str(caught.value)
    with Sandbox() as stopped:
        url = stopped.base_url
    monkeypatch.setenv("SMSKIT_CLASSROOM_URL", url)
    with pytest.raises(ClassroomUnavailable) as caught:
        training.my_outbox()
    assert "did not answer" in str(caught.value)


def test_the_client_repr_keeps_the_secret_out(
        monkeypatch: pytest.MonkeyPatch, sb: Sandbox, roster: Roster) -> None:
    as_trainee(monkeypatch, sb, roster.trainees[0])
    client = TraineeClient.from_env()
    assert roster.trainees[0].secret not in repr(client)
    assert roster.trainees[0].user_domain in repr(client)
