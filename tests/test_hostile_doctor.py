"""Hostile input to the signature doctor (``smskit check``, ``smskit.diagnose``).

- Never hang: text built to make a backtracking pattern quadratic (64 KiB of ``/``, ``/x``,
  ``(/``, ``http://``) is read in one pass; the bound below is a hang guard (the patterns
  of the first doctor took 4-11 s of CPU on these), not a benchmark.
- Never flood: a parameter repeated 8000 times is one line with its count; text over the cap
  is one line naming the cap.
- The endpoint's own request is found among other URLs in a log, and a field dump next to an
  unrelated URL is read.
- No false green: the doctor's headline code is the sandbox's answer, request by request,
  over real HTTP (phones with spaces, 12 digits, Arabic-Indic digits, a 63-character
  signature ...), and a right signature on a refused request exits 1.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import unquote_plus

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.clock import FixedClock
from smskit.doctor import diagnose, parse_sent
from smskit.errors import InputError
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import API_PATH, START_MS, domain_secret, page_signature

SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
P, C, R, T, D = "13800138000", "3", "76a6L647F02CAoN9", str(START_MS), "C.DM.5903.1"
HOST = "https://iot-api.quectelcn.com"
#: Seconds of CPU a 64 KiB input may take: far above a linear read (tens of ms), far below
#: the quadratic patterns it guards against (4-11 s).
HANG_GUARD_S = 1.5


def query(signature: str | None = None, **changes: str) -> str:
    fields = {"codeType": C, "internationalCode": "86", "phone": P, "random": R, "ts": T,
              "userDomain": D, **changes}
    decoded = {name: unquote_plus(value) for name, value in fields.items()}  # as a server reads
    fields["signature"] = signature or page_signature(
        phone=decoded["phone"], code_type=decoded["codeType"], random_text=decoded["random"],
        ts=decoded["ts"], secret=SECRET)
    return "&".join(f"{name}={value}" for name, value in fields.items())


def url(signature: str | None = None, **changes: str) -> str:
    return f"{HOST}{API_PATH}?{query(signature, **changes)}"


def run_check(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["SMSKIT_USER_DOMAIN_SECRET"] = SECRET
    return subprocess.run([sys.executable, "-m", "smskit", "check", *args], input=stdin,
                          capture_output=True, env=env, timeout=60, check=False)


# -- never hang ------------------------------------------------------------------------------

QUADRATIC = {"slashes": "/" * 65536, "slash-x": "/x" * 32768, "paren-slash": "(/" * 32768,
             "schemes": "http://" * 9362, "question-equals": "?=" * 32768,
             "path-queries": "/?a=" * 16384, "equals-amps": "=&" * 32768,
             "field-names": "phone: " * 9362, "curls": "curl " * 13107,
             "urls": f"{HOST}/x?a=1 " * 2400}


@pytest.mark.parametrize("name", QUADRATIC)
def test_text_built_to_backtrack_is_read_in_one_pass(name: str) -> None:
    text = QUADRATIC[name][:65536]
    started = time.thread_time()
    try:
        diagnose(text, secret=SECRET)
    except InputError as error:
        assert len(str(error)) < 400
    assert time.thread_time() - started < HANG_GUARD_S, name


def test_a_right_request_at_the_end_of_64_kib_of_slashes_is_found() -> None:
    text = "/" * (65536 - 400) + " " + url()
    assert len(text) <= 65536
    started = time.thread_time()
    assert diagnose(text, secret=SECRET).ok
    assert time.thread_time() - started < HANG_GUARD_S


def test_slashes_on_standard_input_answer_one_line_at_once() -> None:
    done = run_check("-", stdin=b"/" * 65536)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and b"Traceback" not in done.stderr


# -- never flood -----------------------------------------------------------------------------


def test_a_parameter_repeated_8000_times_is_one_problem_with_its_count() -> None:
    text = url() + "&phone=1" * 7999
    assert len(text) < 65536
    with pytest.raises(InputError) as caught:
        diagnose(text, secret=SECRET)
    assert [(p.field, p.rule_in("en")) for p in caught.value.problems] == [
        ("phone", "is given 8000 times")]
    assert caught.value.problems[0].rule_in("zh") == "出现了 8000 次"
    done = run_check("-", stdin=text.encode())
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1
    assert len(done.stderr) < 300 and b"8000 times" in done.stderr


def test_a_field_dump_repeating_a_name_with_other_values_is_counted_once() -> None:
    dump = "{ " + ", ".join(f"phone: '1380013800{n % 10}'" for n in range(2500)) + " }"
    assert len(dump) < 65536
    with pytest.raises(InputError) as caught:
        parse_sent(dump)
    assert [(p.field, p.rule_in("en")) for p in caught.value.problems] == [
        ("phone", "is given 2500 times with different values")]


@pytest.mark.parametrize("size", [65536 + 1, 4 * 65536])
def test_text_over_the_cap_is_one_line_naming_the_cap(size: int) -> None:
    with pytest.raises(InputError) as caught:
        diagnose("a" * size, secret=SECRET)
    assert str(caught.value).count("\n") == 0 and "65536" in str(caught.value)
    done = run_check("-", stdin=b"a" * size)
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and len(done.stderr) < 300


# -- the endpoint's own request among other URLs ---------------------------------------------

OAUTH = f"{HOST}/oauth/token?grant_type=client_credentials&scope=sms"
NODE_DUMP = (f"info: sending {{ phone: '{P}', codeType: 3, random: '{R}', ts: {T}, "
             f"signature: '{hashlib.sha256(f'{P}{C}{R}{T}{SECRET}'.encode()).hexdigest()}', "
             f"internationalCode: '86', userDomain: '{D}' }}")
JAVA_DUMP = NODE_DUMP.replace("info: sending ", "INFO params=").replace("'", "") \
    .replace(": ", "=")


@pytest.mark.parametrize("log", [
    f"GET {OAUTH} 200 8ms\n{NODE_DUMP}",
    f"{NODE_DUMP}\nGET {OAUTH} 200 8ms",
    f"GET {OAUTH} 200\n{JAVA_DUMP}",
    f"GET {OAUTH} 200\nPOST {url()} -> 200\nGET {HOST}/health?probe=1 200",
    f"POST {HOST}/v2/sms/enduserapi/v2/sendEmailCode?{query()} 200\nPOST {url()} 200",
], ids=["oauth-then-node-dump", "node-dump-then-oauth", "oauth-then-java-dump",
        "among-two-urls", "after-another-endpoint"])
def test_the_endpoints_request_is_found_among_other_urls(log: str) -> None:
    assert diagnose(log, secret=SECRET).ok
    done = run_check("-", stdin=log.encode())
    assert done.returncode == 0, done.stderr


def test_only_another_endpoints_url_is_refused_naming_it() -> None:
    with pytest.raises(InputError) as caught:
        diagnose(f"POST {OAUTH} 200", secret=SECRET)
    assert caught.value.fields == ("url",) and "/oauth/token" in str(caught.value)


# -- no false green --------------------------------------------------------------------------

#: A request signed exactly as sent, that the platform still refuses: the code it answers.
REFUSED = {
    "phone with + for spaces": ({"phone": "138+0013+8031"}, 5019),
    "12-digit phone": ({"phone": "138001380001"}, 5019),
    "Arabic-Indic digits": ({"phone": "١٣٨٠٠١٣٨٠٠٠"}, 5019),
    "full-width digits": ({"phone": "１３８００１３８０００"}, 5019),
    "+86 in internationalCode": ({"internationalCode": "%2B86"}, 5019),
    "random of 15": ({"random": R[:15]}, 5421),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_right_signature_on_a_refused_request_is_no_green(name: str) -> None:
    changes, code = REFUSED[name]
    diagnosis = diagnose(url(**changes), secret=SECRET)
    assert diagnosis.signature_ok and not diagnosis.ok and diagnosis.answer == code
    assert diagnosis.headline("en").startswith(f"The signature is right, but the platform "
                                               f"would answer {code} ")
    assert diagnosis.headline("zh").startswith(f"签名正确，但平台会返回 {code} ")
    done = run_check("--url", url(**changes), "--lang", "en")
    assert done.returncode == 1 and done.stdout.decode().startswith(
        "The signature is right, but the platform would answer")
    assert "smskit." not in done.stdout.decode()  # hints in the request's terms


@pytest.mark.parametrize("code_type", ["6", "03"])
def test_a_code_type_the_doctor_cannot_read_as_sent_is_unusable_not_green(code_type: str) -> None:
    """The sandbox answers 5000; which text was signed for "03" cannot be known: exit 2."""
    done = run_check("--url", url(codeType=code_type))
    assert done.returncode == 2 and b"codeType" in done.stderr
    assert done.stderr.count(b"\n") == 1


def test_a_63_character_signature_names_5421_not_5420() -> None:
    diagnosis = diagnose(url("a" * 63), secret=SECRET)
    assert diagnosis.answer == 5421 and "5421" in diagnosis.headline("en")


def test_one_chosen_language_is_followed() -> None:
    zh = run_check("--url", url(**REFUSED["12-digit phone"][0]), "--lang", "zh").stdout.decode()
    en = run_check("--url", url(**REFUSED["12-digit phone"][0]), "--lang", "en").stdout.decode()
    assert "签名正确，但平台会返回 5019" in zh and "The signature" not in zh
    assert "The signature is right" in en and "签名正确" not in en


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(clock=FixedClock(START_MS)).start()
    yield box
    box.stop()


MUTATIONS = {
    "phone": ["138 0013 8031", "138001380001", "١٣٨٠٠١٣٨٠٠٠", "+8613800138000",
              "008613800138000", "13800138000 ", "1380013800", "23800138000", "138-0013-8000"],
    "internationalCode": ["+86", "0086", "999", "86 ", "1", "44"],
    "codeType": ["0", "6", "03", "3 ", "1", "5"],
    "random": [R[:15], R + "x", R.lower(), " " * 16],
    "ts": [str(START_MS - 1), str(START_MS + 1)],
}


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(sorted(MUTATIONS)), st.none(), max_size=2)
       .flatmap(lambda keys: st.fixed_dictionaries(
           {name: st.sampled_from(MUTATIONS[name]) for name in keys})),
       resign=st.booleans(), signature=st.sampled_from(["", "a" * 63, "A" * 64, "b" * 64]))
def test_the_doctors_answer_is_the_sandboxs(sandbox: Sandbox, changes: dict[str, str],
                                            resign: bool, signature: str) -> None:
    """Differential: the code the doctor says the platform would answer is the one the
    sandbox answers over real HTTP (a rate-limited send counts as accepted: 200)."""
    secret = domain_secret("sandbox-demo")
    fields = {"codeType": C, "internationalCode": "86", "phone": P, "random": R, "ts": T,
              "userDomain": "sandbox-demo"}
    signed = {**fields, **(changes if resign else {})}
    fields.update(changes)
    fields["signature"] = signature or page_signature(
        phone=signed["phone"], code_type=signed["codeType"], random_text=signed["random"],
        ts=signed["ts"], secret=secret)
    answer = requests.post(sandbox.base_url + API_PATH, params=fields, timeout=10).json()["code"]
    try:
        diagnosis = diagnose(fields, secret=secret)
    except InputError as error:  # a ts or codeType the doctor cannot sign: its code stands
        assert {p.code for p in error.problems} <= {answer, None}, (fields, answer)
        return
    assert diagnosis.answer == (200 if answer == 5058 else answer), (fields, answer)


def test_a_flood_of_wrong_signatures_cannot_make_the_sandbox_spend_unbounded_cpu() -> None:
    """The doctor's search costs up to ~20 ms of CPU per wrong signature; the sandbox gives it
    a refilling budget, so a flood gets a plain 5420 that says the doctor is busy."""
    from smskit.sandbox.platform import DoctorBudget

    box = Sandbox(clock=FixedClock(START_MS)).start()
    try:
        box.platform.doctor_budget = DoctorBudget(per_second=0.0, burst=0.05)
        secret = domain_secret("sandbox-demo")
        texts = []
        for n in range(40):  # uppercase hex: a mistake the doctor names while it may run
            random_text = f"{n:016d}"
            signature = page_signature(phone=P, code_type=C, random_text=random_text, ts=T,
                                       secret=secret).upper()
            fields = {"codeType": C, "internationalCode": "86", "phone": P,
                      "random": random_text, "ts": T, "userDomain": "sandbox-demo",
                      "signature": hashlib.sha256(f"{n}".encode()).hexdigest()
                      if n % 2 else signature}
            body = requests.post(box.base_url + API_PATH, params=fields, timeout=10).json()
            assert body["code"] == 5420
            texts.append(body["extMsg"])
        assert "[uppercase-hex]" in texts[0]
        assert "busy" in texts[-1] and "[uppercase-hex]" not in texts[-2]
        box.platform.doctor_budget = DoctorBudget()  # refilled: named again
        signature = page_signature(phone=P, code_type=C, random_text=R, ts=T,
                                   secret=secret).upper()
        fields = {"codeType": C, "internationalCode": "86", "phone": P, "random": R, "ts": T,
                  "userDomain": "sandbox-demo", "signature": signature}
        body = requests.post(box.base_url + API_PATH, params=fields, timeout=10).json()
        assert "[uppercase-hex]" in body["extMsg"]
    finally:
        box.stop()

