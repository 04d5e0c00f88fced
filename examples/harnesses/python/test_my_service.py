"""A pytest test of "your backend" against the smskit sandbox, with the ``sms_sandbox``
fixture that ``pip install smskit`` registers: send with your own code, assert on the outbox
and the request log, and move the sandbox's clock instead of sleeping.

    pytest test_my_service.py
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import time
import urllib.request
from urllib.parse import urlencode

from smskit.testing import SandboxProcess

API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
ALPHABET = string.ascii_letters + string.digits


def send_code(env: dict[str, str], phone: str, code_type: str, *, uppercase: bool = False) -> int:
    """Your service's send (here standard library only): sign, one POST, query string only."""
    random = "".join(secrets.choice(ALPHABET) for _ in range(16))
    ts = str(time.time_ns() // 1_000_000)
    joined = phone + code_type + random + ts + env["SMSKIT_USER_DOMAIN_SECRET"]
    signature = hashlib.sha256(joined.encode()).hexdigest()
    query = urlencode({"codeType": code_type, "internationalCode": "86", "phone": phone,
                       "random": random, "signature": signature.upper() if uppercase
                       else signature, "ts": ts, "userDomain": env["SMSKIT_USER_DOMAIN"]})
    request = urllib.request.Request(f"{env['SMSKIT_BASE_URL']}{API}?{query}", method="POST",
                                     headers={"accept": "*/*"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        code: int = json.loads(answer.read())["code"]
    return code


def test_a_code_is_delivered_to_the_outbox(sms_sandbox: SandboxProcess) -> None:
    assert send_code(sms_sandbox.env, "13800138001", "3") == 200
    (delivery,) = sms_sandbox.outbox("13800138001")
    assert delivery["codeType"] == 3 and len(delivery["code"]) == 6


def test_a_planted_mistake_is_diagnosed_in_the_request_log(sms_sandbox: SandboxProcess) -> None:
    assert send_code(sms_sandbox.env, "13800138002", "3", uppercase=True) == 5420
    (record,) = sms_sandbox.requests("13800138002")
    assert record["check"] == "signature"
    assert record["diagnosis"]["mistakeId"] == "uppercase-hex"


def test_a_code_expires_after_five_minutes_without_sleeping(sms_sandbox: SandboxProcess) -> None:
    sms_sandbox.clock(frozen=True)
    assert send_code(sms_sandbox.env, "13800138003", "2") == 200
    (delivery,) = sms_sandbox.outbox("13800138003")
    sms_sandbox.clock(advanceMs=300_000)
    verdict = sms_sandbox.verify("13800138003", 2, delivery["code"])
    assert (verdict["ok"], verdict["status"]) == (False, "expired")
