"""Hints escalate 1 -> 2 -> 3 for every judged mistake, never give the answer, and the same
failed check repeated marks the verdict stuck.

Every mistake an exercise can judge is produced here by a wrong answer built by hand; the
right values (signatures by hashlib, literal timestamps, codes, letters, ids) are written
here and must appear in no hint, no verdict, and no hint text of ``smskit/data/exercises.json``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from smskit import FixedClock
from smskit._data import load_json
from smskit.sandbox import RatePolicy, Sandbox
from smskit.training import Progress, Workbook, broken_requests, exercise
from tests.test_training_checks import sha, training_secret

E1_TEXT = ("13800138000" "3" "76a6L647F02CAoN9" "1744773894369"
           "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
E2_TS = 1_795_867_200_000  # 2026-11-28T12:00:00Z
E3_TS = 1_795_771_800_000  # 2026-11-27T09:30:00Z
CLOCK_MS = E2_TS
E4_NONCE = "Ab3dEf6hIj9kLm2n"




def e2_text(*, code_type: int = 2, ts: int = E2_TS) -> str:
    return f"13912345678{code_type}Q7wErT9yUi0PaS2d{ts}{training_secret('E2')}"


#: What a right answer holds, written here; none of it may show in a hint.
ANSWERS = {
    "E1": [sha(E1_TEXT)],
    "E2": [sha(e2_text()), str(E2_TS), "CodeType.LOGIN"],
    "E3": [str(E3_TS), "CodeType.REGISTER", "code_type=3", '"code_type": 3'],
    "E4": [],
    "E5": ['"B"', "'B'", "choice B", "选 B"],
    "E6": ["Retry later", "稍后重试"],  # the category of 5000, which one answer misplaces
    "E7": ["phone-with-country-prefix"],
}


def e3_fixed(**changes: Any) -> list[dict[str, Any]]:
    broken = broken_requests()
    fixed = [{**broken[0], "phone": "13912345678"}, {**broken[1], "ts": E3_TS},
             {**broken[2], "random": "Zx8Kp2Lm9Qw4Er7T"}, {**broken[3], "code_type": 3},
             {**broken[4], "secret": training_secret("E3")}]
    for index, change in changes.items():
        fixed[int(index[1:])] = {**fixed[int(index[1:])], **change}
    return fixed


def e4_query(sb: Sandbox, **changes: Any) -> dict[str, Any]:
    text = f"139123456782{E4_NONCE}{CLOCK_MS}{sb.secret_for(sb.demo_domain)}"
    query = {"codeType": 2, "internationalCode": "86", "phone": "13912345678",
             "random": E4_NONCE, "signature": sha(text), "ts": CLOCK_MS,
             "userDomain": sb.demo_domain, **changes}
    return {key: value for key, value in query.items() if value is not None}


def post(sb: Sandbox, query: dict[str, Any], *, method: str = "POST",
         path: str = "/v2/sms/enduserapi/v2/sendPhoneSmsCode", **kwargs: Any) -> Any:
    return requests.request(method, f"{sb.base_url}{path}?{urlencode(query)}",
                            headers={"accept": "*/*"}, timeout=10, **kwargs)


def not_an_envelope(sb: Sandbox) -> requests.Response:
    """What a proxy in front of the API might answer: right request, an HTML 502 page."""
    response = requests.Response()
    response.status_code = 502
    response._content = b"<html><body>502 Bad Gateway</body></html>"
    response.request = requests.Request(
        "POST", f"{sb.base_url}/v2/sms/enduserapi/v2/sendPhoneSmsCode",
        params=e4_query(sb)).prepare()
    return response


def e5(sb: Sandbox, *, why: Any = "B", first_code: str | None = None,
       second_code: str | None = None, resend: bool = False,
       used_before: bool = False) -> dict[str, Any]:
    phone = "13912345670"

    def delivered() -> str:
        with sb.client() as client:
            client.send_code(phone, 2)
        return sb.last_delivery(phone, code_type=2).code  # type: ignore[union-attr]

    code = delivered()
    if used_before:  # an earlier run verified it; this run sent nothing new
        sb.verify_code(phone=phone, code_type=2, code=code)
    first = sb.verify_code(phone=phone, code_type=2, code=first_code or code)
    if resend:
        code = delivered()
    second = sb.verify_code(phone=phone, code_type=2, code=second_code or code)
    return {"first": first, "second": second, "why": why}


E6_RIGHT = {
    "fix_request": [5019, 5021, 5023, 5116],
    "fix_sms_config": [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202, 5209, 5216],
    "slow_down": [5058],
    "retry_later": [5059, 5000],
    "check_credentials_or_clock": [5015, 5104, 5145, 5420, 5421],
}
Answer = Callable[[Sandbox], Any]

#: (exercise, mistake key the check must find, a wrong answer that makes it).
MISTAKES: list[tuple[str, str, Answer]] = [
    ("E1", "empty_input", lambda sb: sha("")),
    ("E1", "no_secret", lambda sb: sha(E1_TEXT.removesuffix(
        "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"))),
    ("E1", "secret_newline", lambda sb: sha(E1_TEXT + "\n")),
    ("E1", "ts_seconds", lambda sb: sha(E1_TEXT.replace("1744773894369", "1744773894"))),
    ("E1", "sorted_order", lambda sb: sha("3" "13800138000" + E1_TEXT.removeprefix(
        "13800138000" "3"))),
    ("E1", "separators", lambda sb: sha("&".join(["13800138000", "3", "76a6L647F02CAoN9",
                                                  "1744773894369", E1_TEXT[-44:]]))),
    ("E1", "hmac", lambda sb: hmac.new(E1_TEXT[-44:].encode(), E1_TEXT[:-44].encode(),
                                       "sha256").hexdigest()),
    ("E1", "uppercase", lambda sb: sha(E1_TEXT).upper()),
    ("E1", "bytes", lambda sb: hashlib.sha256(E1_TEXT.encode()).digest()),
    ("E1", "md5", lambda sb: hashlib.md5(E1_TEXT.encode()).hexdigest()),  # noqa: S324
    ("E1", "sha1", lambda sb: hashlib.sha1(E1_TEXT.encode()).hexdigest()),  # noqa: S324
    ("E1", "shape", lambda sb: "adf0cd13"),
    ("E1", "not_text", lambda sb: 12345),
    ("E1", "unknown", lambda sb: sha("something else")),
    ("E1", "ts_local_time", lambda sb: sha(E1_TEXT.replace("1744773894369",
                                                          str(1744773894369 + 8 * 3_600_000)))),
    ("E1", "code_type_other", lambda sb: sha(E1_TEXT.replace("13800138000" "3",
                                                             "13800138000" "2"))),
    ("E2", "ts_seconds", lambda sb: sha(e2_text(ts=E2_TS // 1000))),
    ("E2", "ts_local_time", lambda sb: sha(e2_text(ts=E2_TS - 8 * 3_600_000))),
    ("E2", "code_type_other", lambda sb: sha(e2_text(code_type=3))),
    ("E2", "unknown", lambda sb: sha(e2_text() + "x")),
    ("E2", "ts-differs", lambda sb: sha(e2_text(ts=E2_TS + 1))),  # the doctor's words
    ("E3", "not_five", lambda sb: e3_fixed()[:4]),
    ("E3", "not_mapping", lambda sb: [*e3_fixed()[:4], "x"]),
    ("E3", "unexpected_argument", lambda sb: e3_fixed(r4={"codeType": 3})),
    ("E3", "still_refused", lambda sb: e3_fixed(r1={"ts": E3_TS // 1000})),
    ("E3", "meaning_changed", lambda sb: e3_fixed(r3={"code_type": 2})),
    ("E3", "untouched", lambda sb: e3_fixed(r4={"secret": ...})),
    ("E4", "not_response", lambda sb: "curl ..."),
    ("E4", "secret_sent", lambda sb: post(sb, e4_query(sb, userDomainSecret="x"))),
    ("E4", "method", lambda sb: post(sb, e4_query(sb), method="GET")),
    ("E4", "path", lambda sb: post(sb, e4_query(sb), path="/v2/sms/send")),
    ("E4", "missing", lambda sb: post(sb, e4_query(sb, signature=None))),
    ("E4", "body", lambda sb: post(sb, e4_query(sb), data=b"x=1")),
    ("E4", "not_envelope", not_an_envelope),
    ("E4", "api_error", lambda sb: post(sb, e4_query(sb, signature=sha("other text")))),
    ("E5", "not_mapping", lambda sb: ["first", "second"]),
    ("E5", "not_result", lambda sb: {**e5(sb), "first": True}),
    ("E5", "untouched", lambda sb: {**e5(sb), "why": ...}),
    ("E5", "first_failed", lambda sb: e5(sb, first_code="000000")),
    ("E5", "first_used", lambda sb: e5(sb, used_before=True)),
    ("E5", "why_unknown", lambda sb: e5(sb, why="Z")),
    ("E5", "why_wrong", lambda sb: e5(sb, why="A")),
    ("E5", "second_passed", lambda sb: e5(sb, resend=True)),
    ("E5", "second_other", lambda sb: e5(sb, second_code="000000")),
    ("E6", "not_mapping", lambda sb: [5019]),
    ("E6", "unknown_category", lambda sb: {**E6_RIGHT, "fix_everything": [5019]}),
    ("E6", "unknown_code", lambda sb: {**E6_RIGHT, "slow_down": [5058, 9999]}),
    ("E6", "duplicate", lambda sb: {**E6_RIGHT, "slow_down": [5058, 5421]}),
    ("E6", "missing", lambda sb: {**E6_RIGHT, "slow_down": []}),
    ("E6", "misplaced", lambda sb: {**E6_RIGHT, "retry_later": [5059],
                                    "fix_request": [5019, 5021, 5023, 5116, 5000]}),
    ("E7", "not_text", lambda sb: None),
    ("E7", "unknown_id", lambda sb: "no-such-mistake"),
    ("E7", "wrong_id", lambda sb: "ts-in-seconds"),
]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(clock=FixedClock(CLOCK_MS), random_source=random.Random(3),
                 policy=RatePolicy.unlimited()) as sb:
        yield sb
        assert sb.internal_errors == 0


def _hint_texts(raw: Any) -> Iterator[str]:
    """Every hint string (both languages) anywhere in the exercises' data."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in ("hints",):
                for hint in value:
                    yield from (hint["zh"], hint["en"])
            elif key in ("field_hints", "code_hints"):
                for hint in value.values():
                    yield from (hint["zh"], hint["en"])
            else:
                yield from _hint_texts(value)
    elif isinstance(raw, list):
        for item in raw:
            yield from _hint_texts(item)


def _every_mistake(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, mistake in data["shared_mistakes"].items():
        yield f"shared.{key}", mistake
    for row in data["exercises"]:
        for key, mistake in row.get("mistakes", {}).items():
            yield f"{row['id']}.{key}", mistake


def test_every_mistake_in_the_data_has_three_hints_gentle_to_direct() -> None:
    data = load_json("exercises.json")
    #: Mistakes whose third hint is the field's or the code's own, added by the check.
    completed = {"E3.still_refused", "E3.meaning_changed", "E4.api_error"}
    found = dict(_every_mistake(data))
    assert len(found) >= 45
    for name, mistake in found.items():
        hints = mistake["hints"]
        assert len(hints) == (2 if name in completed else 3), name
        for language in ("zh", "en"):
            texts = [hint[language] for hint in hints]
            assert all(texts) and len(set(texts)) == len(texts), (name, language)
    rows = {row["id"]: row for row in data["exercises"]}
    assert len(rows["E3"]["field_hints"]) == 6 and len(rows["E4"]["code_hints"]) == 5


def test_no_hint_text_in_the_data_holds_an_answer() -> None:
    texts = list(_hint_texts(json.loads(json.dumps(load_json("exercises.json")))))
    assert len(texts) > 250
    answers = [value for values in ANSWERS.values() for value in values]
    for text in texts:
        for value in answers:
            assert value not in text, (value, text)
        assert "{phone}{code_type}" not in text, text  # the E1 answer line


def test_the_mistake_table_covers_every_judged_mistake() -> None:
    data = load_json("exercises.json")
    judged = {(row["id"], key) for row in data["exercises"] for key in row.get("mistakes", {})}
    judged |= {("E1", key) for key in data["shared_mistakes"] if key != "untouched"}
    judged |= {("E3", "untouched"), ("E5", "untouched")}
    covered = {(exercise_id, key) for exercise_id, key, _ in MISTAKES}
    assert judged - covered == set()


@pytest.mark.parametrize(("exercise_id", "mistake", "answer"), MISTAKES,
                         ids=[f"{e}-{m}" for e, m, _ in MISTAKES])
def test_hints_escalate_one_two_three_and_stop(tmp_path: Path, sandbox: Sandbox,
                                               exercise_id: str, mistake: str,
                                               answer: Answer) -> None:
    book = Workbook(Progress(tmp_path / "progress.json"))
    verdicts = [book.check(exercise_id, answer(sandbox)) for _ in range(4)]
    for verdict in verdicts:
        assert verdict.status == "wrong" and verdict.mistake == mistake, verdict.text()
    assert [v.hint_level for v in verdicts] == [1, 2, 3, 3]
    assert [v.hint_levels for v in verdicts] == [3, 3, 3, 3]
    hints = [v.hint for v in verdicts]
    assert all(hints) and len({h.en for h in hints if h}) == 3
    assert len({h.zh for h in hints if h}) == 3
    assert hints[3] == hints[2]
    assert [v.stuck for v in verdicts] == [False, False, True, True]
    assert [v.repeated for v in verdicts] == [1, 2, 3, 4]
    for verdict in verdicts:
        shown = verdict.text("zh") + verdict.text("en") + verdict._repr_html_()
        for value in ANSWERS[exercise_id]:
            assert value not in shown, (value, verdict.text())


def test_a_new_mistake_starts_at_hint_one_and_a_pass_ends_the_streak(tmp_path: Path) -> None:
    book = Workbook(Progress(tmp_path / "progress.json"))
    seconds = sha(e2_text(ts=E2_TS // 1000))
    other_type = sha(e2_text(code_type=3))
    levels = [(v.mistake, v.hint_level, v.repeated, v.stuck) for v in (
        book.check("E2", seconds), book.check("E2", seconds), book.check("E2", other_type),
        book.check("E2", seconds), book.check("E2", other_type))]
    assert levels == [("ts_seconds", 1, 1, False), ("ts_seconds", 2, 2, False),
                      ("code_type_other", 1, 1, False), ("ts_seconds", 3, 1, False),
                      ("code_type_other", 2, 1, False)]
    book.check("E2", other_type)
    third = book.check("E2", other_type)
    assert (third.hint_level, third.repeated, third.stuck) == (3, 3, True)
    assert book.check("E2", sha(e2_text())).passed
    after = book.check("E2", other_type)
    assert (after.repeated, after.stuck) == (1, False)


def test_a_stuck_verdict_says_ask_the_trainer_in_the_shown_language(tmp_path: Path) -> None:
    book = Workbook(Progress(tmp_path / "progress.json"))
    verdicts = [book.check("E1", sha("")) for _ in range(3)]
    assert "ask your trainer" not in verdicts[1].text("en")
    assert verdicts[2].text("en").endswith(
        "  ⚑ The same mistake 3 times in a row: ask your trainer (or a neighbour) to look at "
        "it with you.")
    assert verdicts[2].text("zh").endswith(
        "  ⚑ 同一个错误已连续 3 次：请讲师或旁边的同学和你一起看一看。")
    html = verdicts[2]._repr_html_()
    assert "<div>⚑ " in html and "The same mistake 3 times in a row" in html


def test_the_stuck_threshold_is_the_classrooms() -> None:
    assert load_json("classroom.json")["stuck"]["same_check_streak"] == 3
    assert exercise("E2").inputs.phone == "13912345678"
