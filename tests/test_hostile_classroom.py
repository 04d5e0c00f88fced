"""The classroom sandbox attacked as issue 18's "Found by probing" list did, over real HTTP.

Each attack is replayed as written there and must now fail: a signed header reused for another
method, path or body; a header replayed after its owner made 4,096 newer requests inside the
ts window; one trainee's flood evicting others' request-log records; progress for exercises
that do not exist; the trainer token kept in the log from a query string; a roster with an
empty or short trainer token or secret; calls naming another trainee's domain marking them
stuck. Trainee headers are computed with hashlib (tests/classroom_trainees.py).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.clock import FixedClock
from smskit.sandbox import RatePolicy, Sandbox
from smskit.sandbox.classroom import Classroom, Roster, RosterError, Trainee
from smskit.training.classroom import answer_judge
from tests.classroom_trainees import API, trainee_headers

START_MS = 1_796_000_000_000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def roster() -> Roster:
    return Roster.numbered(20, seed=18)


@pytest.fixture
def sb(roster: Roster) -> Iterator[Sandbox]:
    with Sandbox(extension=Classroom(roster, answers=answer_judge), clock=FixedClock(START_MS),
                 policy=RatePolicy.unlimited(), request_log_size=100) as sandbox:
        yield sandbox
        assert sandbox.internal_errors == 0


def bearer(roster: Roster) -> dict[str, str]:
    return {"Authorization": f"Bearer {roster.trainer_token}"}


def send(session: http.client.HTTPConnection, sb: Sandbox, trainee: Trainee, n: int, *,
         secret: str | None = None, user_domain: str | None = None) -> int:
    """One sendPhoneSmsCode over a kept-alive connection (``http.client``: light and quick)."""
    phone, ts, random = f"139{n % 10**8:08d}", sb.clock.now_ms(), f"flood{n:011d}"
    key = trainee.secret if secret is None else secret
    signature = hashlib.sha256(f"{phone}3{random}{ts}{key}".encode()).hexdigest()
    query = urlencode({"codeType": 3, "internationalCode": "86", "phone": phone,
                       "random": random, "signature": signature, "ts": ts,
                       "userDomain": user_domain or trainee.user_domain})
    session.request("POST", f"{API}?{query}")
    code: int = json.loads(session.getresponse().read())["code"]
    return code


@contextmanager
def connection(sb: Sandbox) -> Iterator[http.client.HTTPConnection]:
    link = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    try:
        yield link
    finally:
        link.close()


def my_requests(sb: Sandbox, trainee: Trainee) -> list[dict[str, Any]]:
    answer = requests.get(sb.base_url + "/_sandbox/me/requests", timeout=5,
                          headers=trainee_headers(trainee, sb.clock.now_ms(), "GET",
                                                  "/_sandbox/me/requests"))
    assert answer.status_code == 200
    records: list[dict[str, Any]] = answer.json()["requests"]
    return records


def test_a_header_signed_for_one_request_is_refused_for_another(
        sb: Sandbox, roster: Roster) -> None:
    victim = roster.trainees[0]
    record = json.dumps({"exercise": "E3", "passed": True, "attempts": 1,
                         "last_verdict": "passed", "mistake": None, "time": "t"}).encode()
    for method, target, body in [("GET", "/_sandbox/me/outbox", b""),
                                 ("POST", "/_sandbox/me/progress", b'{"exercise": "E1"}')]:
        header = trainee_headers(victim, START_MS, method, target, body)
        stolen = requests.post(sb.base_url + "/_sandbox/me/progress", data=record,
                               headers={**header, "Content-Type": "application/json"},
                               timeout=5)
        assert stolen.status_code == 403, (method, target)
        assert "signature" in stolen.json()["extMsg"]
    header = trainee_headers(victim, START_MS, "GET", "/_sandbox/me/outbox")
    assert requests.get(sb.base_url + "/_sandbox/me/requests", headers=header,
                        timeout=5).status_code == 403
    assert requests.get(sb.base_url + "/_sandbox/me/outbox?x=1", headers=header,
                        timeout=5).status_code == 403
    assert requests.get(sb.base_url + "/_sandbox/me/outbox", headers=header,
                        timeout=5).status_code == 200  # the request it was made for
    progress = requests.get(sb.base_url + "/_sandbox/class/progress", headers=bearer(roster),
                            timeout=5).json()["progress"]
    assert progress[victim.user_domain] == []


def test_a_header_is_never_accepted_twice_inside_the_window(
        sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[1]
    url = sb.base_url + "/_sandbox/me"
    first = trainee_headers(trainee, START_MS, random="keepthisoneaside")
    assert requests.get(url, headers=first, timeout=5).status_code == 200
    connection = http.client.HTTPConnection(sb.host, sb.port, timeout=5)  # keep-alive, light
    try:
        for n in range(4_100):  # more than the 4,096 randoms the old memory kept
            connection.request("GET", "/_sandbox/me", headers=trainee_headers(
                trainee, START_MS, random=f"newer{n:011d}"))
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
    finally:
        connection.close()
    assert isinstance(sb.clock, FixedClock)
    sb.clock.advance(minutes=9, seconds=59)  # still inside the 10-minute window
    replayed = requests.get(url, headers=first, timeout=5)
    assert replayed.status_code == 401 and "already used" in replayed.json()["extMsg"]


def test_replay_memory_forgets_only_what_the_window_refuses_anyway(
        sb: Sandbox, roster: Roster) -> None:
    trainee = roster.trainees[1]
    url = sb.base_url + "/_sandbox/me"
    header = trainee_headers(trainee, START_MS, random="oncethenforgotte")
    assert requests.get(url, headers=header, timeout=5).status_code == 200
    assert isinstance(sb.extension, Classroom)
    assert sb.extension.access.remembered(trainee.user_domain) == 1
    assert isinstance(sb.clock, FixedClock)
    sb.clock.advance(minutes=10, seconds=1)
    later = trainee_headers(trainee, sb.clock.now_ms(), random="aftertheendofwin")
    assert requests.get(url, headers=later, timeout=5).status_code == 200
    assert sb.extension.access.remembered(trainee.user_domain) == 1  # the old one is gone
    again = requests.get(url, headers=header, timeout=5)
    assert again.status_code == 401 and "ms from the server's clock" in again.json()["extMsg"]


def test_one_trainees_flood_evicts_nobody_elses_records(sb: Sandbox, roster: Roster) -> None:
    flooder, others = roster.trainees[0], roster.trainees[1:]
    with connection(sb) as session:
        for index, trainee in enumerate(others):
            assert send(session, sb, trainee, 10**7 + index) == 200
            assert send(session, sb, trainee, 2 * 10**7 + index, secret="not-the-secret") == 5420
        for n in range(700):  # beyond the shared log (100 here) and a trainee's 500
            assert send(session, sb, flooder, n) == 200
        for n in range(300):  # and naming the others' domains with the flooder's own secret
            victim = others[n % len(others)]
            assert send(session, sb, flooder, 10**6 + n, secret=flooder.secret,
                        user_domain=victim.user_domain) == 5420
    for trainee in others:
        yours = [r for r in my_requests(sb, trainee) if r["yours"]]
        assert [r["code"] for r in yours] == [200], trainee.name
    flooded = my_requests(sb, flooder)
    assert len(flooded) == 500 and all(r["yours"] for r in flooded)
    assert flooded[-1]["phone"] == f"139{699:08d}"  # its own oldest went first


@pytest.mark.parametrize("exercise", ["E0", "E8", "E9", "E01", "E07", "E99"])
def test_progress_for_exercises_that_do_not_exist_is_refused(
        sb: Sandbox, roster: Roster, exercise: str) -> None:
    trainee = roster.trainees[2]
    body = json.dumps({"exercise": exercise, "passed": True, "attempts": 1,
                       "last_verdict": "passed", "mistake": None, "time": "t"}).encode()
    answer = requests.post(sb.base_url + "/_sandbox/me/progress", data=body, timeout=5,
                           headers={**trainee_headers(trainee, START_MS, "POST",
                                                      "/_sandbox/me/progress", body),
                                    "Content-Type": "application/json"})
    assert answer.status_code == 400 and "exercise" in answer.json()["extMsg"]
    rows = requests.get(sb.base_url + "/_sandbox/class/dashboard", headers=bearer(roster),
                        timeout=5).json()["trainees"]
    assert rows[2]["passed"] == [] and rows[2]["exercises"] == []


def test_tokens_and_secrets_in_a_query_are_masked_in_the_log(
        sb: Sandbox, roster: Roster, caplog: pytest.LogCaptureFixture) -> None:
    token, secret = roster.trainer_token, roster.trainees[3].secret
    with caplog.at_level(logging.DEBUG, logger="smskit"):
        for query in (f"token={token}", f"t={token}", f"x={secret}", f"a=b&access_token={token}"):
            requests.get(f"{sb.base_url}/_sandbox/class/roster?{query}", headers=bearer(roster),
                         timeout=5)
            requests.get(f"{sb.base_url}/_sandbox/outbox?{query}", timeout=5)  # refused: 401
            requests.post(f"{sb.base_url}{API}?{query}", timeout=5)
    log = requests.get(sb.base_url + "/_sandbox/requests", headers=bearer(roster), timeout=5)
    assert log.status_code == 200 and len(log.json()["requests"]) >= 12
    everything = log.text + repr(sb.requests()) + caplog.text
    assert token not in everything and secret not in everything
    assert "••••" in log.text or "*" in log.text


@pytest.mark.parametrize("change,field", [
    ({"trainerToken": ""}, "trainerToken"),
    ({"trainerToken": "short"}, "trainerToken"),
    ({"trainerToken": None}, "trainerToken"),
    ({"secret0": ""}, "trainees[0].secret"),
    ({"secret0": "x" * 15}, "trainees[0].secret"),
    ({"secret0": " " + "x" * 20}, "trainees[0].secret"),
])
def test_a_roster_with_empty_or_short_credentials_is_refused_when_it_loads(
        tmp_path: Path, change: dict[str, Any], field: str) -> None:
    raw = Roster.numbered(2, seed=1).as_dict()
    if "trainerToken" in change:
        raw["trainerToken"] = change["trainerToken"]
    else:
        raw["trainees"][0]["secret"] = change["secret0"]
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        Roster.load(path)
    assert field in str(caught.value) and str(path) in str(caught.value)
    cli = subprocess.run([sys.executable, "-m", "smskit", "classroom", "--roster", str(path),
                          "--port", "0", "--handout", str(tmp_path / "h.html")],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert cli.returncode == 2 and cli.stdout == ""
    assert cli.stderr.startswith("smskit classroom: error: ") and field in cli.stderr
    assert "Traceback" not in cli.stderr and len(cli.stderr.splitlines()) == 1
    for trainee in raw["trainees"][1:]:
        assert trainee["secret"] not in cli.stderr
    assert not (tmp_path / "h.html").exists()


def test_a_good_roster_still_loads_at_the_shortest_length(tmp_path: Path) -> None:
    raw = Roster.numbered(2, seed=1).as_dict()
    raw["trainerToken"], raw["trainees"][0]["secret"] = "t" * 16, "s" * 16
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert Roster.load(path).trainer_token == "t" * 16


def test_an_empty_bearer_opens_nothing(sb: Sandbox) -> None:
    for value in ("Bearer", "Bearer ", "Bearer  ", ""):
        answer = requests.get(sb.base_url + "/_sandbox/class/progress", timeout=5,
                              headers={"Authorization": value} if value else {})
        assert answer.status_code in (401, 403)


def test_calls_naming_another_trainees_domain_never_mark_them_stuck(
        sb: Sandbox, roster: Roster) -> None:
    caller, victim = roster.trainees[4], roster.trainees[5]
    with connection(sb) as session:
        for n in range(5):
            assert send(session, sb, caller, 3 * 10**7 + n, secret=caller.secret,
                        user_domain=victim.user_domain) == 5420
    rows = requests.get(sb.base_url + "/_sandbox/class/dashboard", headers=bearer(roster),
                        timeout=5).json()["trainees"]
    assert (rows[5]["requests"], rows[5]["codes"], rows[5]["stuck"]) == (0, {}, None)
    assert (rows[4]["requests"], rows[4]["stuck"]) == (0, None)


def test_a_roster_file_stays_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    Roster.numbered(2).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_trainee_signing_too_many_requests_in_one_window_is_slowed_not_forgotten(
        roster: Roster, monkeypatch: pytest.MonkeyPatch) -> None:
    from smskit.sandbox.classroom import guard

    monkeypatch.setattr(guard, "max_signed_per_window", lambda: 3)  # 5000 in the data
    clock = FixedClock(START_MS)
    with Sandbox(extension=Classroom(roster), clock=clock) as box:
        trainee, other = roster.trainees[0], roster.trainees[1]
        url = box.base_url + "/_sandbox/me"
        headers = [trainee_headers(trainee, START_MS, random=f"capacity{n:08d}")
                   for n in range(5)]
        assert [requests.get(url, headers=h, timeout=5).status_code for h in headers] == [
            200, 200, 200, 429, 429]
        answer = requests.get(url, headers=headers[0], timeout=5)
        assert answer.status_code == 401  # still remembered: a replay, not a fresh slot
        assert requests.get(url, headers=trainee_headers(other, START_MS),
                            timeout=5).status_code == 200  # others are not slowed
        clock.advance(minutes=10, seconds=1)
        later = trainee_headers(trainee, clock.now_ms(), random="afterwindow00001")
        assert requests.get(url, headers=later, timeout=5).status_code == 200
        assert box.internal_errors == 0


@pytest.mark.parametrize("answer", [
    None, 5019, "x" * 10_000, [[[[[[[[[[[]]]]]]]]]]], {"fix_request": {"a": [1, {"b": 2}]}},
    {"fix_request": [10**100, -1, 1.5, True, None, "5019"]}, {"": []}, {"slow_down": "5058"},
])
def test_hostile_answers_are_judged_never_crash(sb: Sandbox, roster: Roster, answer: Any) -> None:
    trainee = roster.trainees[6]
    for exercise in ("E6", "E7"):
        body = json.dumps({"exercise": exercise, "answer": answer}).encode()
        reply = requests.post(sb.base_url + "/_sandbox/me/answer", data=body, timeout=5,
                              headers={**trainee_headers(trainee, START_MS, "POST",
                                                         "/_sandbox/me/answer", body),
                                       "Content-Type": "application/json"})
        assert reply.status_code == 200 and reply.json()["passed"] is False


CLASS_ROUTES = ["/_sandbox/me", "/_sandbox/me/outbox", "/_sandbox/me/requests",
                "/_sandbox/me/progress", "/_sandbox/me/verify", "/_sandbox/me/answer",
                "/_sandbox/class/dashboard", "/_sandbox/class/dashboard.csv"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(CLASS_ROUTES), method=st.sampled_from(["GET", "POST", "PUT"]),
       header=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=200),
       body=st.binary(max_size=300), signed=st.booleans())
def test_hostile_credentials_and_bodies_never_crash_the_classroom(
        sb: Sandbox, roster: Roster, route: str, method: str, header: str, body: bytes,
        signed: bool) -> None:
    trainee = roster.trainees[7]
    headers = ({**trainee_headers(trainee, START_MS, method, route, body)} if signed
               else {"Authorization": header.encode("latin-1")})
    answer = requests.request(method, sb.base_url + route, data=body, timeout=5,
                              headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code in {200, 400, 401, 403, 405, 429}, answer.text[:200]
    assert sb.internal_errors == 0
    assert roster.trainer_token not in answer.text and trainee.secret not in answer.text
