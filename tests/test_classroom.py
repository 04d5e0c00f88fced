"""Classroom mode over real HTTP: a domain per trainee, and nobody reads another's data.

Trainee signatures are computed here with hashlib directly, not with the kit's helper.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from smskit import CodeType
from smskit.clock import FixedClock
from smskit.platform_codes import PlatformCode
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster, Trainee
from smskit.training import ExerciseRecord, Progress
from smskit.training.classroom import ClassroomSender, TraineeCredentials
from tests.classroom_trainees import trainee_headers

START_MS = 1_796_000_000_000
PHONE = "13800138000"


def signed(trainee: Trainee, *, ts: int = START_MS, random: str = "abcdefghijklmnop",
           secret: str | None = None, method: str = "GET", target: str = "/_sandbox/me",
           body: bytes = b"") -> dict[str, str]:
    """A trainee's Authorization header for one request, computed with hashlib alone."""
    return trainee_headers(trainee, ts, method, target, body, random=random, secret=secret)


_counter = iter(range(10**9))


def fresh(trainee: Trainee, method: str = "GET", target: str = "/_sandbox/me",
          body: bytes = b"") -> dict[str, str]:
    return signed(trainee, random=f"r{next(_counter):015d}", method=method, target=target,
                  body=body)


@pytest.fixture
def roster() -> Roster:
    return Roster.numbered(3, seed=7)


@pytest.fixture
def classroom(roster: Roster) -> Iterator[Sandbox]:
    with Sandbox(extension=Classroom(roster), clock=FixedClock(START_MS)) as sb:
        yield sb
        assert sb.internal_errors == 0


def send(sb: Sandbox, trainee: Trainee, phone: str = PHONE) -> int:
    return sb.client(user_domain=trainee.user_domain, secret=trainee.secret).send_code(
        phone, CodeType.REGISTER).code


def test_roster_is_reproducible_with_a_seed_and_random_without() -> None:
    assert Roster.numbered(3, seed=1).as_dict() == Roster.numbered(3, seed=1).as_dict()
    one, two = Roster.numbered(3), Roster.numbered(3)
    assert one.trainer_token != two.trainer_token
    assert {t.secret for t in one} .isdisjoint({t.secret for t in two})
    assert [t.name for t in one] == ["trainee01", "trainee02", "trainee03"]
    assert len({t.user_domain for t in one}) == 3
    assert "secret" not in repr(one.trainees[0]) and one.trainees[0].secret not in repr(one)


def test_roster_file_is_owner_only_and_loads_back(tmp_path: Path, roster: Roster) -> None:
    path = tmp_path / "roster.json"
    roster.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Roster.load(path).as_dict() == roster.as_dict()


def test_each_trainee_has_own_domain_and_rate_limit(classroom: Sandbox, roster: Roster) -> None:
    first, second, _ = roster.trainees
    assert send(classroom, first) == PlatformCode.SUCCESS
    # the same phone from another trainee is not rate limited by the first's send
    assert send(classroom, second) == PlatformCode.SUCCESS
    from smskit.errors import RateLimited
    with pytest.raises(RateLimited):
        send(classroom, first)


def test_demo_domain_is_closed(classroom: Sandbox) -> None:
    from smskit.errors import SmskitError
    with pytest.raises(SmskitError) as caught:
        classroom.client().send_code(PHONE, CodeType.REGISTER)
    assert getattr(caught.value, "code", None) == PlatformCode.DOMAIN_DISABLED


@pytest.mark.parametrize("method,path", [
    ("GET", "/_sandbox/outbox"), ("POST", "/_sandbox/reset"), ("POST", "/_sandbox/faults"),
    ("POST", "/_sandbox/verify"), ("GET", "/_sandbox/class/roster"),
    ("GET", "/_sandbox/class/progress"), ("GET", "/_sandbox/nowhere"),
])
def test_without_the_token_nothing_of_the_class_is_readable(
        classroom: Sandbox, roster: Roster, method: str, path: str) -> None:
    send(classroom, roster.trainees[0])
    bare = requests.request(method, classroom.base_url + path, timeout=5)
    assert bare.status_code == 401 and bare.json()["code"] == 401
    assert "Bearer" in bare.headers["WWW-Authenticate"]
    as_trainee = requests.request(method, classroom.base_url + path,
                                  headers=fresh(roster.trainees[0]), timeout=5)
    assert as_trainee.status_code == 403
    wrong = requests.request(method, classroom.base_url + path,
                             headers={"Authorization": "Bearer " + "x" * 43}, timeout=5)
    assert wrong.status_code == 403
    for answer in (bare, as_trainee, wrong):
        assert roster.trainees[0].user_domain not in answer.text


def test_health_shows_nothing_of_the_class(classroom: Sandbox, roster: Roster) -> None:
    health = requests.get(classroom.base_url + "/_sandbox/health", timeout=5)
    assert health.status_code == 200
    assert not any(t.user_domain in health.text for t in roster)


def test_trainer_token_reads_everything(classroom: Sandbox, roster: Roster) -> None:
    for trainee in roster:
        send(classroom, trainee)
    bearer = {"Authorization": f"Bearer {roster.trainer_token}"}
    outbox = requests.get(classroom.base_url + "/_sandbox/outbox", headers=bearer, timeout=5)
    assert {row["userDomain"] for row in outbox.json()["deliveries"]} == {
        t.user_domain for t in roster}
    names = requests.get(classroom.base_url + "/_sandbox/class/roster", headers=bearer,
                         timeout=5).json()
    assert [row["name"] for row in names["trainees"]] == [t.name for t in roster]
    assert roster.trainees[0].secret not in json.dumps(names)


def test_a_trainee_reads_only_their_own_outbox_and_progress(
        classroom: Sandbox, roster: Roster) -> None:
    first, second, _ = roster.trainees
    send(classroom, first)
    send(classroom, second, phone="13900139000")
    mine = requests.get(classroom.base_url + "/_sandbox/me/outbox",
                        headers=fresh(first, target="/_sandbox/me/outbox"),
                        timeout=5).json()["deliveries"]
    assert [(row["userDomain"], row["phone"]) for row in mine] == [(first.user_domain, PHONE)]
    record = {"exercise": "E1", "passed": True, "attempts": 2, "last_verdict": "passed",
              "mistake": None, "time": "2026-12-01T20:15:03.120Z"}
    body = json.dumps(record).encode()
    posted = requests.post(classroom.base_url + "/_sandbox/me/progress", data=body,
                           headers=fresh(second, "POST", "/_sandbox/me/progress", body),
                           timeout=5)
    assert posted.status_code == 200
    theirs = requests.get(classroom.base_url + "/_sandbox/me/progress",
                          headers=fresh(first, target="/_sandbox/me/progress"), timeout=5).json()
    assert theirs == {"progress": [], "exercises": []}
    # claiming to be the other trainee with one's own secret fails
    forged = signed(second, random="forgedrandom0001", secret=first.secret,
                    target="/_sandbox/me/progress")
    refused = requests.get(classroom.base_url + "/_sandbox/me/progress", headers=forged,
                           timeout=5)
    assert refused.status_code == 403
    assert second.secret not in refused.text and first.secret not in refused.text


def test_signed_requests_cannot_be_replayed_or_outlive_the_window(
        classroom: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[0]
    once = signed(trainee, random="replayreplay0001")
    url = classroom.base_url + "/_sandbox/me"
    assert requests.get(url, headers=once, timeout=5).status_code == 200
    assert requests.get(url, headers=once, timeout=5).status_code == 401
    late = signed(trainee, ts=START_MS - 600_001, random="latelatelatelate")
    assert requests.get(url, headers=late, timeout=5).status_code == 401
    edge = signed(trainee, ts=START_MS - 600_000, random="edgeedgeedgeedge")
    assert requests.get(url, headers=edge, timeout=5).status_code == 200


@pytest.mark.parametrize("header", [
    "SmskitTrainee", "SmskitTrainee userDomain=x", "Basic dXNlcjpwYXNz", "Bearer",
    "SmskitTrainee userDomain=a, ts=zz, random=b, signature=c",
    "SmskitTrainee userDomain=a, userDomain=a, ts=1, random=b, signature=c",
    "SmskitTrainee userDomain=class-trainee01-x, ts=\u00b2\u00b3, random=b, signature=c",
    "SmskitTrainee userDomain={domain}, ts=\u00b2\u00b3, random=abcdefghijklmnop, signature=c",
    "SmskitTrainee userDomain={domain}, ts=1796000000000, random=short, signature=c",
])
def test_malformed_credentials_are_refused_not_crashed(
        classroom: Sandbox, roster: Roster, header: str) -> None:
    value = header.replace("{domain}", roster.trainees[0].user_domain).encode("latin-1")
    answer = requests.get(classroom.base_url + "/_sandbox/me/outbox",
                          headers={"Authorization": value}, timeout=5)
    assert answer.status_code in (401, 403)
    assert answer.json()["code"] == answer.status_code


@pytest.mark.parametrize("body", [
    b"", b"[]", b'{"exercise": "E1"}', b'{"exercise": "../x", "passed": true, "attempts": 1,'
    b' "last_verdict": "passed", "mistake": null, "time": "t"}',
    b'{"exercise": "E1", "passed": 1, "attempts": 1, "last_verdict": "passed", '
    b'"mistake": null, "time": "t"}',
])
def test_bad_progress_records_are_400(classroom: Sandbox, roster: Roster, body: bytes) -> None:
    answer = requests.post(classroom.base_url + "/_sandbox/me/progress", data=body,
                           headers={**fresh(roster.trainees[0], "POST", "/_sandbox/me/progress",
                                            body),
                                    "Content-Type": "application/json"}, timeout=5)
    assert answer.status_code == 400


def test_progress_sender_posts_the_latest_record_per_exercise(
        tmp_path: Path, classroom: Sandbox, roster: Roster) -> None:
    from smskit.training.verdict import Verdict

    trainee = roster.trainees[1]
    credentials = TraineeCredentials.from_env({
        "SMSKIT_BASE_URL": classroom.base_url, "SMSKIT_USER_DOMAIN": trainee.user_domain,
        "SMSKIT_USER_DOMAIN_SECRET": trainee.secret})
    assert credentials is not None and trainee.secret not in repr(credentials)
    sender = ClassroomSender(credentials, clock=classroom.clock)
    progress = Progress(tmp_path / "p.json", clock=classroom.clock, sender=sender)
    progress.record(Verdict(exercise="E1", status="wrong", headline=_text(), attempt=1,
                            mistake="ts_seconds"))
    progress.record(Verdict(exercise="E1", status="passed", headline=_text(), attempt=2))
    assert sender.last_failure is None
    store = _classroom(classroom).progress
    stored = store.records(trainee.user_domain)
    when = datetime.fromtimestamp(START_MS / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert stored == [ExerciseRecord("E1", True, 2, "passed", None, when).as_dict()]
    assert store.records(roster.trainees[0].user_domain) == []


def test_sender_failure_keeps_local_progress_and_says_so_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], roster: Roster) -> None:
    from smskit.training.verdict import Verdict

    trainee = roster.trainees[0]
    with Sandbox() as stopped:
        url = stopped.base_url  # a port nobody listens on once stopped
    sender = ClassroomSender(TraineeCredentials(url, trainee))
    progress = Progress(tmp_path / "p.json", sender=sender)
    progress.record(Verdict(exercise="E2", status="passed", headline=_text(), attempt=1))
    assert progress.passed() == ["E2"]
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "E2" in err
    assert trainee.secret not in err


def test_https_base_url_is_never_a_classroom() -> None:
    assert TraineeCredentials.from_env({
        "SMSKIT_BASE_URL": "https://iot-api.quectelcn.com", "SMSKIT_USER_DOMAIN": "d",
        "SMSKIT_USER_DOMAIN_SECRET": "s"}) is None
    assert TraineeCredentials.from_env({
        "SMSKIT_CLASSROOM_URL": "http://10.0.0.2:8766", "SMSKIT_USER_DOMAIN": "d",
        "SMSKIT_USER_DOMAIN_SECRET": "s"}) is not None


def _classroom(sb: Sandbox) -> Classroom:
    assert isinstance(sb.extension, Classroom)
    return sb.extension


def _text():  # type: ignore[no-untyped-def]
    from smskit.training.verdict import Text
    return Text("", "")
