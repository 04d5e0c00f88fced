"""Simulated trainees of a classroom sandbox: real HTTP, their own credentials, signatures made
with hashlib here (not with the kit), so what the dashboard counts is checked independently."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import requests

from smskit.sandbox.classroom import Trainee

API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
_randoms = iter(range(10**12))


def send(session: requests.Session, base_url: str, trainee: Trainee, *, ts: int,
         phone: str = "13800138000", right: bool = True) -> int:
    """POST one sendPhoneSmsCode as ``trainee``; a wrong one is signed without the secret."""
    random = f"sim{next(_randoms):013d}"
    secret = trainee.secret if right else ""
    signature = hashlib.sha256(f"{phone}3{random}{ts}{secret}".encode()).hexdigest()
    query = urlencode({"codeType": 3, "internationalCode": "86", "phone": phone,
                       "random": random, "signature": signature, "ts": ts,
                       "userDomain": trainee.user_domain})
    answer = session.post(f"{base_url}{API}?{query}", timeout=10)
    code: int = answer.json()["code"]
    return code


def trainee_headers(trainee: Trainee, ts: int) -> dict[str, str]:
    random = f"hdr{next(_randoms):013d}"
    digest = hashlib.sha256(f"{trainee.user_domain}{ts}{random}{trainee.secret}".encode())
    return {"Authorization": f"SmskitTrainee userDomain={trainee.user_domain}, ts={ts}, "
                             f"random={random}, signature={digest.hexdigest()}"}


def report(session: requests.Session, base_url: str, trainee: Trainee, *, ts: int,
           exercise: str, passed: bool) -> int:
    """POST one exercise record as ``trainee`` (what ClassroomSender sends)."""
    record = {"exercise": exercise, "passed": passed, "attempts": 1,
              "last_verdict": "passed" if passed else "wrong", "mistake": None,
              "time": "2026-12-01T20:00:00.000Z"}
    return session.post(f"{base_url}/_sandbox/me/progress", json=record, timeout=10,
                        headers=trainee_headers(trainee, ts)).status_code


def run_class(base_url: str, trainees: tuple[Trainee, ...], *, ts: int) -> None:
    """Five trainees, a mix of right and wrong (see EXPECTED): what the dashboards must show."""
    one, two, three, four, five = trainees[:5]
    with requests.Session() as session:
        assert send(session, base_url, one, ts=ts) == 200
        for _ in range(3):
            assert send(session, base_url, two, ts=ts, right=False) == 5420
        assert send(session, base_url, three, ts=ts, right=False) == 5420
        assert send(session, base_url, three, ts=ts, right=False) == 5420
        assert send(session, base_url, three, ts=ts) == 200
        assert send(session, base_url, four, ts=ts) == 200
        assert send(session, base_url, four, ts=ts) == 5058  # same phone within 60 s
        assert report(session, base_url, five, ts=ts, exercise="E1", passed=True) == 200
        assert report(session, base_url, one, ts=ts, exercise="E1", passed=True) == 200
        assert report(session, base_url, one, ts=ts, exercise="E2", passed=False) == 200


#: name -> (requests, codes met, passed exercises, stuck reason) after :func:`run_class`.
EXPECTED = {
    0: (1, {"200": 1}, ["E1"], None),
    1: (3, {"5420": 3}, [], "same_error"),
    2: (3, {"200": 1, "5420": 2}, [], None),
    3: (2, {"200": 1, "5058": 1}, [], None),
    4: (0, {}, ["E1"], None),
}
