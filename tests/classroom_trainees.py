"""Simulated trainees of a classroom sandbox: real HTTP, their own credentials, signatures made
with hashlib here (not with the kit), so what the dashboard counts is checked independently."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

import requests

from smskit.sandbox.classroom import Trainee

API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
_randoms = iter(range(10**12))


def send(session: requests.Session, base_url: str, trainee: Trainee, *, ts: int,
         phone: str = "13800138000", right: bool = True) -> int:
    """POST one sendPhoneSmsCode as ``trainee``; a wrong one is signed with ``ts`` in seconds
    (the doctor's ``ts-in-seconds``: made with the secret, so provably the trainee's)."""
    random = f"sim{next(_randoms):013d}"
    signed_ts = ts if right else ts // 1000
    signature = hashlib.sha256(f"{phone}3{random}{signed_ts}{trainee.secret}".encode()).hexdigest()
    query = urlencode({"codeType": 3, "internationalCode": "86", "phone": phone,
                       "random": random, "signature": signature, "ts": ts,
                       "userDomain": trainee.user_domain})
    answer = session.post(f"{base_url}{API}?{query}", timeout=10)
    code: int = answer.json()["code"]
    return code


def trainee_headers(trainee: Trainee, ts: int, method: str = "GET", target: str = "/_sandbox/me",
                    body: bytes = b"", *, random: str | None = None,
                    secret: str | None = None) -> dict[str, str]:
    """The trainee's Authorization for one request, computed with hashlib alone: SHA-256 of
    userDomain, ts, random, METHOD, target, SHA-256 hex of the body and secret, one per line."""
    random = random or f"hdr{next(_randoms):013d}"
    key = trainee.secret if secret is None else secret
    lines = [trainee.user_domain, str(ts), random, method, target,
             hashlib.sha256(body).hexdigest(), key]
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return {"Authorization": f"SmskitTrainee userDomain={trainee.user_domain}, ts={ts}, "
                             f"random={random}, signature={digest}"}


def report(session: requests.Session, base_url: str, trainee: Trainee, *, ts: int,
           exercise: str, passed: bool) -> int:
    """POST one exercise record as ``trainee`` (what ClassroomSender sends)."""
    record = {"exercise": exercise, "passed": passed, "attempts": 1,
              "last_verdict": "passed" if passed else "wrong", "mistake": None,
              "time": "2026-12-01T20:00:00.000Z"}
    body = json.dumps(record).encode()
    headers = {**trainee_headers(trainee, ts, "POST", "/_sandbox/me/progress", body),
               "Content-Type": "application/json"}
    return session.post(f"{base_url}/_sandbox/me/progress", data=body, timeout=10,
                        headers=headers).status_code


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
