"""Answers in the request's terms: the sandbox's ``extMsg`` and console name fields, rules and
what to send, never a Python API; the library's own errors keep their Python hints."""

from __future__ import annotations

import re

import pytest

from smskit import build_request, diagnose
from smskit.errors import InputError
from smskit.sandbox import Sandbox, load_scenarios, replay
from smskit.sandbox.console import console_line
from tests.fixtures.sandbox import PHONE, domain_secret, page_signature, post_api, signed_query

#: What only a Python caller could act on.
PYTHON = re.compile(r"allow_unverified_phone|smskit\.|CodeType\.|=True\b|new_random|now_ms"
                    r"|\bsign\(\)")

#: Requests a backend in any language gets wrong, as (field, value sent).
WRONG = [("phone", "12345"), ("phone", "+8613800138000"), ("phone", "138 0013 8000"),
         ("internationalCode", "999"), ("internationalCode", "+86"), ("ts", "1744773894"),
         ("ts", "now"), ("codeType", "REGISTER"), ("codeType", "3.0"), ("codeType", "03"),
         ("codeType", "9"), ("random", "short"), ("signature", "xyz"), ("signature", ""),
         ("userDomain", "nobody"), ("phone", ""), ("userDomain", "")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_answer_names_a_python_api(make_sandbox: object, lang: str) -> None:
    sb: Sandbox = make_sandbox(lang=lang)  # type: ignore[operator]
    answers = []
    for field, value in WRONG:
        answers.append(post_api(sb, {**signed_query(sb), field: value}))
    for item in load_scenarios():
        answers.append(replay(item, sb).as_dict())
    texts = [str(a.get("extMsg") or a.get("ext_msg") or "") for a in answers]
    assert len([t for t in texts if t]) >= len(WRONG)
    assert [t for t in texts if PYTHON.search(t)] == []
    lines = [console_line(record, lang) for record in sb.requests()]
    assert [line for line in lines if PYTHON.search(line)] == []
    # and what they say instead, literally:
    phone = texts[0]
    if lang == "en":
        assert "check the number: the sandbox judges it by libphonenumber's rules" in phone
        assert "send codeType=3 and sign 3" in texts[WRONG.index(("codeType", "03"))]
    else:
        assert "沙箱按 libphonenumber" in phone
        assert "请发送 codeType=3，并用 3 参与签名" in texts[WRONG.index(("codeType", "03"))]


def test_the_library_keeps_its_python_hints() -> None:
    with pytest.raises(InputError) as raised:
        build_request(phone="12345", code_type=3, international_code="86",
                      random="76a6L647F02CAoN9", ts=1744773894369, user_domain="d", secret="s")
    assert "allow_unverified_phone=True" in str(raised.value)


@pytest.mark.parametrize("sent", ["03", "+3", "3.0", " 3"])
def test_the_doctor_declines_a_codetype_not_sent_as_one_digit(sent: str) -> None:
    secret = domain_secret("sandbox-demo")
    fields = {"phone": PHONE, "codeType": sent, "random": "76a6L647F02CAoN9",
              "ts": "1744773894369", "userDomain": "sandbox-demo", "internationalCode": "86"}
    fields["signature"] = page_signature(phone=PHONE, code_type=sent,
                                         random_text=fields["random"], ts=fields["ts"],
                                         secret=secret)
    with pytest.raises(InputError) as raised:
        diagnose(fields, secret=secret)
    assert [problem.field for problem in raised.value.problems] == ["codeType"]


def test_the_doctor_still_judges_a_one_digit_codetype() -> None:
    secret = domain_secret("sandbox-demo")
    fields = {"phone": PHONE, "codeType": "3", "random": "76a6L647F02CAoN9",
              "ts": "1744773894369", "userDomain": "sandbox-demo", "internationalCode": "86"}
    fields["signature"] = page_signature(phone=PHONE, code_type="3",
                                         random_text=fields["random"], ts=fields["ts"],
                                         secret=secret)
    assert diagnose(fields, secret=secret).verdict == "correct"
