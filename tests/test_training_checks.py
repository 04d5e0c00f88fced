"""Each exercise's check, fed the right answer and the typical wrong ones.

Right answers are computed here independently (hashlib on literal text, literal codes), not
taken from the checks. Wrong answers must get their specific finding and hint, and no
verdict may contain the answer.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from smskit import FixedClock, new_random, sign
from smskit._data import load_json
from smskit.sandbox import Sandbox
from smskit.training import Progress, Verdict, Workbook, broken_requests, exercise

E1_TEXT = ("13800138000" "3" "76a6L647F02CAoN9" "1744773894369"
           "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
E1_RIGHT = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
E1_PRINTED = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
E2_TS = 1_795_867_200_000  # 2026-11-28T12:00:00Z


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def training_secret(exercise_id: str) -> str:
    row = next(r for r in load_json("exercises.json")["exercises"] if r["id"] == exercise_id)
    inputs = row["inputs"]
    return str(inputs["secret"] if "secret" in inputs else inputs["base"]["secret"])


def e2_text(*, code_type: int = 2, ts: int = E2_TS, secret: str | None = None) -> str:
    return (f"13912345678{code_type}Q7wErT9yUi0PaS2d{ts}"
            f"{training_secret('E2') if secret is None else secret}")


@pytest.fixture
def book(tmp_path: Path) -> Workbook:
    return Workbook(Progress(tmp_path / "progress.json"))


def wrong(verdict: Verdict, mistake: str, *hint_words: str) -> None:
    assert verdict.status == "wrong", verdict.text()
    assert verdict.mistake == mistake, verdict.text()
    assert verdict.hint is not None
    for word in hint_words:
        assert word in verdict.hint.en, verdict.hint.en


def test_the_worked_example_facts_hold_by_hashlib_alone() -> None:
    assert sha(E1_TEXT) == E1_RIGHT
    assert sha("") == E1_PRINTED


def test_e1_accepts_the_right_signature(book: Workbook) -> None:
    verdict = book.check("E1", sha(E1_TEXT))
    assert verdict.passed and verdict.status == "passed"
    assert verdict.wrong == () and verdict.hint is None
    assert "通过" in verdict.text() and "passed" in verdict.text()


@pytest.mark.parametrize(("answer", "mistake", "hint_words"), [
    (E1_PRINTED, "empty_input", ("len(text)",)),
    (sha(E1_TEXT.replace("57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33", "")), "no_secret",
     ("part of the signed text",)),
    (sha(E1_TEXT + "\n"), "secret_newline", ("repr()",)),
    (sha(E1_TEXT.replace("1744773894369", "1744773894")), "ts_seconds", ("milliseconds",)),
    (sha("3" + "13800138000" + "76a6L647F02CAoN9" + "1744773894369"
         + "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"), "sorted_order", ("order",)),
    (sha("&".join(["13800138000", "3", "76a6L647F02CAoN9", "1744773894369",
                   "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"])), "separators",
     ("nothing else",)),
    (hmac.new(b"57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
              b"13800138000376a6L647F02CAoN91744773894369", "sha256").hexdigest(), "hmac",
     ("not an HMAC key",)),
    (E1_RIGHT.upper(), "uppercase", ("lowercase",)),
    (hashlib.sha256(E1_TEXT.encode()).digest(), "bytes", ("hexdigest()",)),
    (hashlib.md5(E1_TEXT.encode()).hexdigest(), "md5", ("hashlib.sha256",)),  # noqa: S324
    (hashlib.sha1(E1_TEXT.encode()).hexdigest(), "sha1", ("hashlib.sha256",)),  # noqa: S324
    ("adf0cd13", "shape", ("64 characters",)),
    (12345, "not_text", ("hexdigest() returns text",)),
    (sha("something else"), "unknown", ("phone + codeType + random + ts + userDomainSecret",)),
])
def test_e1_names_each_typical_mistake(book: Workbook, answer: Any, mistake: str,
                                       hint_words: tuple[str, ...]) -> None:
    verdict = book.check("E1", answer)
    wrong(verdict, mistake, *hint_words)
    assert E1_RIGHT not in verdict.text() and E1_RIGHT not in verdict._repr_html_()


def test_e1_hints_get_more_direct_and_stop_at_the_last(book: Workbook) -> None:
    hints = [book.check("E1", sha(f"wrong {n}")).hint for n in range(4)]
    levels = [book.check("E1", sha("again")).hint_level]
    assert all(h is not None for h in hints)
    assert len({h.en for h in hints[:3] if h}) == 3, "three different hints, gentle to direct"
    assert hints[3] == hints[2] and levels == [3]
    assert "repr()" in (hints[2].en if hints[2] else ""), "the last hint says how to look"
    assert all("{phone}{code_type}" not in (h.en if h else "") for h in hints), "no answer line"
    assert book.attempts("E1") == 5


def test_placeholder_is_not_attempted_and_not_counted(book: Workbook) -> None:
    verdict = book.check("E1", ...)
    assert verdict.status == "not_attempted" and verdict.attempt == 0
    assert "未作答" in verdict.text() and "not attempted yet" in verdict.text()
    assert book.attempts("E1") == 0 and book.progress.records() == {}


def test_e2_accepts_the_right_signature(book: Workbook) -> None:
    assert book.check("E2", sha(e2_text())).passed


@pytest.mark.parametrize(("answer", "mistake", "hint_words"), [
    (sha(e2_text(ts=E2_TS // 1000)), "ts_seconds", ("milliseconds",)),
    (sha(e2_text(ts=E2_TS - 8 * 3_600_000)), "ts_local_time", ("UTC",)),
    (sha(e2_text(ts=E2_TS + 8 * 3_600_000)), "ts_local_time", ("UTC",)),
    (sha(e2_text(code_type=3)), "code_type_other", ("CodeType",)),
    (sha(e2_text(secret="")), "no_secret", ("part of the signed text",)),
])
def test_e2_names_each_typical_mistake(book: Workbook, answer: str, mistake: str,
                                       hint_words: tuple[str, ...]) -> None:
    verdict = book.check("E2", answer)
    wrong(verdict, mistake, *hint_words)
    assert sha(e2_text()) not in verdict.text()


def test_e2_names_the_code_type_that_was_signed(book: Workbook) -> None:
    verdict = book.check("E2", sha(e2_text(code_type=3)))
    assert "codeType 3 (registration)" in verdict.wrong[0].en
    assert "注册" in verdict.wrong[0].zh


# -- E3 ----------------------------------------------------------------------------------------


def e3_fixed() -> list[dict[str, Any]]:
    """The five fixes, written here from the broken values (not from the solutions edition)."""
    broken = broken_requests()
    return [
        {**broken[0], "phone": "13912345678"},
        {**broken[1], "ts": 1_795_771_800_000},
        {**broken[2], "random": "Zx8Kp2Lm9Qw4Er7T"},
        {**broken[3], "code_type": 3},
        {**broken[4], "secret": training_secret("E3")},
    ]


def test_e3_accepts_the_five_fixes(book: Workbook) -> None:
    verdict = book.check("E3", e3_fixed())
    assert verdict.passed, verdict.text()
    assert len(verdict.right) == 5


def test_e3_broken_requests_are_each_refused_for_their_field(book: Workbook) -> None:
    verdict = book.check("E3", broken_requests())
    fields = ["phone:", "ts:", "random:", "codeType:", "userDomainSecret:"]
    assert [next(f for f in fields if f in text.en) for text in verdict.wrong] == fields
    wrong(verdict, "still_refused", "build_request(**request, clock=e3_clock())")


@pytest.mark.parametrize(("index", "change", "mistake", "hint_words"), [
    (0, {"phone": "8613912345678"}, "still_refused", ("internationalCode",)),
    (0, {"phone": "13800138000"}, "meaning_changed", ("national number",)),
    (1, {"ts": 1_795_771_800_000 + 1}, "meaning_changed", ("multiply by 1000",)),
    (1, {"ts": "1795771800"}, "still_refused", ("multiply by 1000",)),
    (2, {"random": "Zx8Kp2Lm9Qw4Er7!"}, "still_refused", ("new_random",)),
    (3, {"code_type": "3 "}, "still_refused", ("CodeType",)),
    (3, {"code_type": 2}, "meaning_changed", ("CodeType",)),
    (4, {"secret": " x"}, "still_refused", (".strip()",)),
    (4, {"secret": "another-secret-entirely"}, "meaning_changed", (".strip()",)),
])
def test_e3_third_hint_names_the_field_rule(book: Workbook, index: int, change: dict[str, Any],
                                            mistake: str, hint_words: tuple[str, ...]) -> None:
    answer = e3_fixed()
    answer[index] = {**answer[index], **change}
    first, second, third = (book.check("E3", answer) for _ in range(3))
    assert first.mistake == mistake and len(first.wrong) == 1, first.text()
    assert f"{index + 1}" in first.wrong[0].en
    wrong(third, mistake, *hint_words)
    assert [first.hint_level, second.hint_level, third.hint_level] == [1, 2, 3]
    assert len({first.hint, second.hint, third.hint}) == 3


def test_e3_unknown_argument_is_named(book: Workbook) -> None:
    answer = e3_fixed()
    answer[4] = {**answer[4], "clock": None, "userDomain": "training-e3"}
    verdict = book.check("E3", answer)
    wrong(verdict, "unexpected_argument", "code_type")
    assert "Request 5 has an argument build_request does not take: clock, userDomain." in \
        verdict.wrong[0].en


def test_e3_placeholders_and_shapes(book: Workbook) -> None:
    assert book.check("E3", [..., ..., ..., ..., ...]).status == "not_attempted"
    partly = [*e3_fixed()[:4], {**broken_requests()[4], "secret": ...}]
    verdict = book.check("E3", partly)
    assert verdict.mistake == "untouched" and "request 5: not attempted yet" in verdict.wrong[0].en
    wrong(book.check("E3", e3_fixed()[:4]), "not_five")
    wrong(book.check("E3", [*e3_fixed()[:4], "x"]), "not_mapping")


# -- E4, E5: against a real sandbox -----------------------------------------------------------

CLOCK_MS = 1_795_867_200_000


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(clock=FixedClock(CLOCK_MS), random_source=random.Random(3)) as sb:
        yield sb
        assert sb.internal_errors == 0


def e4_query(sb: Sandbox, **changes: Any) -> dict[str, Any]:
    nonce = "Ab3dEf6hIj9kLm2n"
    text = f"13912345678" f"2" f"{nonce}" f"{CLOCK_MS}" f"{sb.secret_for(sb.demo_domain)}"
    query = {"codeType": 2, "internationalCode": "86", "phone": "13912345678", "random": nonce,
             "signature": sha(text), "ts": CLOCK_MS, "userDomain": sb.demo_domain}
    query.update(changes)
    return {key: value for key, value in query.items() if value is not None}


def post(sb: Sandbox, query: dict[str, Any], method: str = "POST", path: str = "",
         **kwargs: Any) -> requests.Response:
    url = f"{sb.base_url}{path or '/v2/sms/enduserapi/v2/sendPhoneSmsCode'}?{urlencode(query)}"
    return requests.request(method, url, headers={"accept": "*/*"}, timeout=10, **kwargs)


def test_e4_accepts_a_hand_built_request(book: Workbook, sandbox: Sandbox) -> None:
    verdict = book.check("E4", post(sandbox, e4_query(sandbox)))
    assert verdict.passed, verdict.text()
    assert len(verdict.right) == 3


def test_e4_refuses_a_sent_secret_even_when_the_server_accepts(book: Workbook,
                                                               sandbox: Sandbox) -> None:
    response = post(sandbox, e4_query(sandbox))
    leaky = post(sandbox, e4_query(sandbox, userDomainSecret="x"))
    assert response.json()["code"] == 200
    verdict = book.check("E4", leaky)
    wrong(verdict, "secret_sent", "only computes the signature")


@pytest.mark.parametrize(("changes", "mistake", "wrong_words", "hint_words"), [
    ({"signature": sha("not the signed text")}, "api_error", ("5420",), ("Check the user",)),
    ({"ts": CLOCK_MS // 1000}, "api_error", ("5145",), ("Check the user",)),
    ({"random": "short"}, "api_error", ("5421",), ("Check the user",)),
    ({"signature": None}, "missing", ("signature",), ("Seven parameters",)),
])
def test_e4_explains_the_sandbox_answer(book: Workbook, sandbox: Sandbox,
                                        changes: dict[str, Any], mistake: str,
                                        wrong_words: tuple[str, ...],
                                        hint_words: tuple[str, ...]) -> None:
    verdict = book.check("E4", post(sandbox, e4_query(sandbox, **changes)))
    wrong(verdict, mistake, *hint_words)
    assert all(word in verdict.wrong[0].en for word in wrong_words), verdict.text()


def test_e4_first_hint_is_the_catalogues_next_step_in_both_editions(
        book: Workbook, sandbox: Sandbox) -> None:
    verdict = book.check("E4", post(sandbox, e4_query(sandbox, signature=sha("wrong"))))
    assert verdict.hint is not None
    assert verdict.hint.en == ("Next step (the error catalogue): Check the user domain, its "
                               "secret, the signing order and the local clock.")
    assert verdict.hint.zh == ("下一步（错误码目录）："
                               "检查用户域、用户域密钥、签名拼接顺序和本机时钟。")


def test_e4_an_undecodable_query_is_judged_by_the_sandboxs_answer(
        book: Workbook, sandbox: Sandbox) -> None:
    query = urlencode(e4_query(sandbox)) + "&phone=%FF"  # bytes that are not UTF-8
    sent = requests.post(f"{sandbox.base_url}/v2/sms/enduserapi/v2/sendPhoneSmsCode?{query}",
                         headers={"accept": "*/*"}, timeout=10)
    assert sent.status_code == 400
    verdict = book.check("E4", sent)
    assert verdict.mistake == "api_error"
    assert [text.en for text in verdict.right] == ["POST to the endpoint path."]
    assert verdict.wrong[0].en == (
        "The sandbox answered 400 Bad Request: query parameter 'phone' is not UTF-8 after "
        "percent-decoding (byte 0xff at position 0); percent-encode text as UTF-8")


def test_e4_third_hint_is_the_codes_own(book: Workbook, sandbox: Sandbox) -> None:
    response = post(sandbox, e4_query(sandbox, signature=sha("not the signed text")))
    book.check("E4", response)
    wrong(book.check("E4", response), "api_error", "extMsg")
    wrong(book.check("E4", response), "api_error", "with sb.secret")


def test_e4_method_path_body_and_type(book: Workbook, sandbox: Sandbox) -> None:
    by_get = book.check("E4", post(sandbox, e4_query(sandbox), method="GET"))
    wrong(by_get, "method", "POST")
    assert by_get.wrong[-1].en.startswith("The sandbox answered 405 Method Not Allowed: ")
    wrong(book.check("E4", post(sandbox, e4_query(sandbox), path="/v2/sms/send")), "path",
          "ENDPOINT_PATH")
    with_body = post(sandbox, {}, json=e4_query(sandbox))
    verdict = book.check("E4", with_body)
    assert verdict.mistake == "missing" and any("has a body" in t.en for t in verdict.wrong)
    wrong(book.check("E4", "curl ..."), "not_response", "requests.post")
    wrong(book.check("E4", requests.Response()), "not_response", "requests.Response")


def e5_answer(sb: Sandbox, why: Any = "B", *, code: str | None = None) -> dict[str, Any]:
    delivered = sb.last_delivery("13912345678", code_type=2)
    assert delivered is not None
    first = sb.verify_code(phone="13912345678", code_type=2, code=code or delivered.code)
    second = sb.verify_code(phone="13912345678", code_type=2, code=delivered.code)
    return {"first": first, "second": second, "why": why}


def test_e5_accepts_verify_twice_and_reason(book: Workbook, sandbox: Sandbox) -> None:
    post(sandbox, e4_query(sandbox))
    verdict = book.check("E5", e5_answer(sandbox, "b"))
    assert verdict.passed, verdict.text()


@pytest.mark.parametrize(("why", "mistake", "hint_words"), [
    ("A", "why_wrong", ("second.status",)), ("C", "why_wrong", ("second.status",)),
    ("E", "why_unknown", ('choices("E5")',)),
])
def test_e5_wrong_reason(book: Workbook, sandbox: Sandbox, why: str, mistake: str,
                         hint_words: tuple[str, ...]) -> None:
    post(sandbox, e4_query(sandbox))
    verdict = book.check("E5", e5_answer(sandbox, why))
    wrong(verdict, mistake, *hint_words)
    assert len(verdict.right) == 2


def test_e5_first_with_a_wrong_code(book: Workbook, sandbox: Sandbox) -> None:
    post(sandbox, e4_query(sandbox))
    verdict = book.check("E5", e5_answer(sandbox, code="000000"))
    wrong(verdict, "first_failed", "sb.last_delivery")
    assert verdict.wrong[0].en.startswith("The first verification failed: ")


def test_e5_rerun_whose_code_an_earlier_run_used(book: Workbook, sandbox: Sandbox) -> None:
    """A class re-run within a minute sends nothing (5058): the phone's code is already used."""
    post(sandbox, e4_query(sandbox))
    earlier = e5_answer(sandbox, "B")
    assert earlier["first"].ok
    again = e5_answer(sandbox, "B")  # no new send in between: the same, used code
    assert (again["first"].status, again["second"].status) == ("used", "used")
    verdict = book.check("E5", again)
    wrong(verdict, "first_used", "verifies once")
    assert verdict.wrong[0].en == ("The first verification was refused: the code had been "
                                   "verified before this run (used).")
    assert verdict.wrong[0].zh == "第一次验证被拒绝：这个验证码在这次运行之前已经验证过了（used）。"
    assert len(verdict.right) == 2  # the second refusal and the reason stay right


def test_e5_without_a_send_first(book: Workbook, sandbox: Sandbox) -> None:
    nothing = sandbox.verify_code(phone="13912345678", code_type=2, code="123456")
    verdict = book.check("E5", {"first": nothing, "second": nothing, "why": "B"})
    assert verdict.mistake == "first_failed"
    assert any("is not reusing" in text.en for text in verdict.wrong)
    wrong(book.check("E5", {"first": True, "second": ..., "why": ...}), "not_result",
          "verify_code")


# -- E6 ----------------------------------------------------------------------------------------

E6_RIGHT = {
    "fix_request": [5019, 5021, 5023, 5116],
    "fix_sms_config": [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202, 5209, 5216],
    "slow_down": [5058],
    "retry_later": [5059, 5000],
    "check_credentials_or_clock": [5015, 5104, 5145, 5420, 5421],
}


def test_e6_accepts_every_code_in_its_category(book: Workbook) -> None:
    verdict = book.check("E6", E6_RIGHT)
    assert verdict.passed, verdict.text()
    assert verdict.right[0].en == "24 of 24 codes are in the right category."


def test_e6_misplaced_codes_are_named_without_their_category(book: Workbook) -> None:
    answer = {**E6_RIGHT, "retry_later": [5059], "fix_request": [5019, 5021, 5023, 5116, 5000]}
    hints = [book.check("E6", answer) for _ in range(3)]
    wrong(hints[0], "misplaced", "who can fix it")
    assert "1 codes are in the wrong category: 5000." in hints[0].wrong[0].en
    assert "retry" not in hints[0].text().lower()
    wrong(hints[2], "misplaced", "Why 5000 happens")
    assert hints[2].hint is not None
    assert hints[2].hint.en == ("Why 5000 happens (the error catalogue): An unexpected error on "
                                "the platform. Whether anything was sent is unknown.")
    assert hints[2].hint.zh == ("5000 的原因（错误码目录）："
                                "平台发生了意外错误，无法确定是否已经发送。")


def test_e6_missing_unknown_and_duplicate(book: Workbook) -> None:
    answer = {**E6_RIGHT, "slow_down": [], "retry_later": [5059, 5000, 9999, 5421]}
    verdict = book.check("E6", answer)
    texts = [text.en for text in verdict.wrong]
    assert texts[0] == "9999: not a code of this endpoint."
    assert texts[1] == "5421: placed in more than one category; each code has one next step."
    assert texts[2] == "1 codes are not placed yet: 5058."
    unknown = book.check("E6", {"fix_everything": [5019]})
    assert unknown.mistake == "unknown_category"
    assert book.check("E6", {key: [...] for key in E6_RIGHT}).status == "not_attempted"


# -- verdict display ---------------------------------------------------------------------------


def test_language_switch_and_html(book: Workbook, monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = book.check("E1", E1_PRINTED)
    monkeypatch.setenv("SMSKIT_LANG", "zh")
    assert "you hashed nothing" not in verdict.text() and "空字符串" in verdict.text()
    monkeypatch.setenv("SMSKIT_LANG", "en")
    assert "空字符串" not in verdict.text() and "you hashed nothing" in verdict.text()
    html = verdict._repr_html_()
    assert html.startswith('<div class="smskit-verdict smskit-verdict-wrong"')
    assert "len(text)" in html
    assert html == verdict._repr_html_(), "deterministic"


def test_set_language_chooses_the_verdicts_language(book: Workbook,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook's ``smskit.set_language("zh")`` (the Chinese editions) wins over the env."""
    from smskit import i18n

    verdict = book.check("E1", E1_PRINTED)
    monkeypatch.delenv("SMSKIT_LANG", raising=False)
    assert "空字符串" in verdict.text() and "you hashed nothing" in verdict.text()
    monkeypatch.setenv("SMSKIT_LANG", "en")
    with i18n.using_language("zh"):
        assert "空字符串" in verdict.text() and "you hashed nothing" not in verdict.text()
    assert "空字符串" not in verdict.text()


def test_exercises_are_in_order_and_bilingual() -> None:
    from smskit.training import all_exercises

    items = all_exercises()
    assert [item.id for item in items] == ["E1", "E2", "E3", "E4", "E5", "E6", "E7"]
    for item in items:
        assert item.title.zh and item.title.en and item.title.zh != item.title.en
    assert training_secret("E3") not in repr(exercise("E3").inputs)
    assert copy.deepcopy(exercise("E2").inputs).phone == "13912345678"
    assert training_secret("E2") not in repr(exercise("E2").inputs)


def test_sign_agrees_with_the_e2_expectation() -> None:
    """The E2 right answer here, by hashlib, is what the library signs (a cross-check)."""
    assert sha(e2_text()) == sign(phone="13912345678", code_type=2, random="Q7wErT9yUi0PaS2d",
                                  ts=E2_TS, secret=training_secret("E2"))
    assert len(new_random()) == 16


# -- E7: the mistake behind a 5420 in a log line ---------------------------------------------

E7_TS = 1_796_120_102_117  # 2026-12-01T10:15:02.117Z


def e7_log_line() -> str:
    """The logged request, its signature made here the wrong way: "+86" signed before phone."""
    signature = sha(f"+8613912345678" "1" "Lg7Hq2ZpX9cV4bN1" f"{E7_TS}{training_secret('E7')}")
    return ("2026-12-01 10:15:02.117 WARN  [sms-worker-3] c.e.sms.SmsGateway - POST "
            "https://iot-api.quectelcn.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?codeType=1"
            f"&internationalCode=86&phone=13912345678&random=Lg7Hq2ZpX9cV4bN1"
            f"&signature={signature}&ts={E7_TS}&userDomain=C.DM.7301.2 -> 200 "
            '{"code":5420,"msg":"签名验证失败","data":null}')


def test_e7_log_line_is_the_one_built_here() -> None:
    assert exercise("E7").inputs.log_line == e7_log_line()
    right = sha(f"13912345678" f"1" f"Lg7Hq2ZpX9cV4bN1" f"{E7_TS}" f"{training_secret('E7')}")
    assert right not in e7_log_line()


def test_e7_passes_the_mistake_the_line_was_made_with(book: Workbook) -> None:
    verdict = book.check("E7", "phone-with-country-prefix")
    assert verdict.passed, verdict.text()


@pytest.mark.parametrize(("answer", "mistake", "hint_words"), [
    ("ts-in-seconds", "wrong_id", ("smskit.sign",)),
    ("no-such-mistake", "unknown_id", ("smskit.doctor.mistakes()",)),
    (None, "not_text", (".mistake.id",)),
])
def test_e7_names_each_wrong_answer(book: Workbook, answer: Any, mistake: str,
                                    hint_words: tuple[str, ...]) -> None:
    verdict = book.check("E7", answer)
    wrong(verdict, mistake, *hint_words)
    assert "phone-with-country-prefix" not in verdict.text()


def test_e7_hints_escalate_to_smskit_check(book: Workbook) -> None:
    hints = [book.check("E7", "ts-in-seconds").hint for _ in range(3)]
    texts = [hint.en for hint in hints if hint is not None]
    assert "smskit.sign" in texts[0] and "--explain" in texts[1]
    assert "smskit check -" in texts[2]
