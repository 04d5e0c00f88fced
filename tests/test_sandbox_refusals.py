"""The refusals of the ``/_sandbox/`` routes, over real HTTP, word for word in both editions.

The control routes (clock, reset) and the extras that read a JSON body or a query (verify,
faults, outbox, requests) answer a malformed request with a 400 (or 409) naming the field and
the rule, in the sandbox's language like its ``extMsg`` (``Sandbox(lang=...)``, ``--lang``,
``SMSKIT_LANG``). The English texts are the ones the sandbox wrote before it had a Chinese
edition; the Chinese uses the platform's terms (smskit/data/glossary.json).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from smskit import i18n
from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import START_MS
from tests.test_sandbox_machine import start, stop

ALLOWED_VERIFY_EN = "code, codeType, internationalCode, phone, userDomain"
ALLOWED_VERIFY_ZH = "code、codeType、internationalCode、phone、userDomain"
TOO_DEEP_EN = ("the request body nests deeper than 32 levels; its fields are plain values or "
               "lists of them")
TOO_DEEP_ZH = "请求体的嵌套超过 32 层；其字段都是简单值或由简单值组成的列表"
PARTS_EN = "outbox, rates, faults, requests, progress, clock"
PARTS_ZH = "outbox、rates、faults、requests、progress、clock"

#: (method, path, body, status, English, Chinese)
REFUSALS: list[tuple[str, str, bytes, int, str, str]] = [
    ("POST", "/_sandbox/verify", b"", 400,
     "send a JSON object as the request body",
     "请求体请发送一个 JSON 对象"),
    ("POST", "/_sandbox/verify", b'{"phone": "\xff"}', 400,
     "the request body is not UTF-8",
     "请求体不是 UTF-8 编码"),
    ("POST", "/_sandbox/faults", b'{"count": 1,}', 400,
     "the request body is not valid JSON: Expecting property name enclosed in double quotes: "
     "line 1 column 13 (char 12)",
     "请求体不是有效的 JSON，第 1 行第 13 列（字符位置 12）有误"
     "（解析器：Expecting property name enclosed in double quotes）"),
    ("POST", "/_sandbox/clock", b"[" * 30_000 + b"]" * 30_000, 400, TOO_DEEP_EN, TOO_DEEP_ZH),
    ("POST", "/_sandbox/clock", b'{"advanceMs": ' + b"[" * 32 + b"]" * 32 + b"}", 400,
     TOO_DEEP_EN, TOO_DEEP_ZH),
    ("POST", "/_sandbox/clock", b'{"advanceMs": ' + b"[" * 31 + b"]" * 31 + b"}", 400,
     "advanceMs must be a whole number of milliseconds, got " + "[" * 31 + "]" * 31,
     "advanceMs 必须是整数毫秒数，收到的是 " + "[" * 31 + "]" * 31),
    ("POST", "/_sandbox/verify", b"[1]", 400,
     "the request body must be a JSON object, not array",
     "请求体必须是 JSON 对象，而不是 array"),
    ("POST", "/_sandbox/faults", b'"x"', 400,
     "the request body must be a JSON object, not string",
     "请求体必须是 JSON 对象，而不是 string"),
    ("POST", "/_sandbox/faults", b"true", 400,
     "the request body must be a JSON object, not boolean",
     "请求体必须是 JSON 对象，而不是 boolean"),
    ("POST", "/_sandbox/faults", b"null", 400,
     "the request body must be a JSON object, not null",
     "请求体必须是 JSON 对象，而不是 null"),
    ("POST", "/_sandbox/faults", b"1.5", 400,
     "the request body must be a JSON object, not number",
     "请求体必须是 JSON 对象，而不是 number"),
    ("POST", "/_sandbox/faults", b"15", 400,
     "the request body must be a JSON object, not integer",
     "请求体必须是 JSON 对象，而不是 integer"),
    ("POST", "/_sandbox/verify", b'{"phone": "13800138000", "pin": 1}', 400,
     f'unknown field(s) ["pin"]; allowed: {ALLOWED_VERIFY_EN}',
     f'未知字段 ["pin"]；允许的字段：{ALLOWED_VERIFY_ZH}'),
    ("POST", "/_sandbox/verify", b'{"phone": 13800138000, "codeType": 3, "code": "1"}', 400,
     "phone must be a non-empty JSON string, got 13800138000",
     "phone 必须是非空的 JSON 字符串，收到的是 13800138000"),
    ("POST", "/_sandbox/verify", b'{"phone": "\\ud800", "codeType": 3, "code": "1"}', 400,
     'phone must be text with a UTF-8 form, got "\\ud800"',
     'phone 必须是能以 UTF-8 编码的文本，收到的是 "\\ud800"'),
    ("POST", "/_sandbox/verify", b'{"phone": "13800138000", "codeType": 3, "code": 42517}', 400,
     'code must be a JSON string of digits, e.g. "042517" (a number would lose leading zeros)',
     'code（验证码）必须是由数字组成的 JSON 字符串，例如 "042517"（写成数字会丢掉开头的 0）'),
    ("POST", "/_sandbox/verify", b'{"phone": "13800138000", "codeType": 9, "code": "1"}', 400,
     "codeType must be an integer 1-5, got 9",
     "codeType（短信类型）必须是 1-5 的整数，收到的是 9"),
    ("POST", "/_sandbox/faults", b'{"count": "2"}', 400,
     'count must be an integer 1-1000, got "2"',
     'count 必须是 1-1000 的整数，收到的是 "2"'),
    ("POST", "/_sandbox/faults", b'{"count": 1001}', 400,
     "count must be an integer 1-1000, got 1001",
     "count 必须是 1-1000 的整数，收到的是 1001"),
    ("POST", "/_sandbox/faults", b'{"userDomain": ""}', 400,
     'userDomain must be a non-empty JSON string, got ""',
     'userDomain 必须是非空的 JSON 字符串，收到的是 ""'),
    ("GET", "/_sandbox/outbox?pin=1", b"", 400,
     'unknown outbox filter(s) ["pin"]; use phone, internationalCode, userDomain',
     '未知的发件箱筛选条件 ["pin"]；请使用 phone、internationalCode、userDomain'),
    ("GET", "/_sandbox/requests?pin=1&page=2", b"", 400,
     'unknown request-log filter(s) ["page", "pin"]; use userDomain, phone, since, limit',
     '未知的请求日志筛选条件 ["page", "pin"]；请使用 userDomain、phone、since、limit'),
    ("GET", "/_sandbox/requests?phone=", b"", 400,
     "phone must not be empty; leave it out to see all",
     "phone 不能为空；要查看全部请省略它"),
    ("GET", "/_sandbox/requests?since=yesterday", b"", 400,
     'since must be a whole number of at most 15 digits, got "yesterday"',
     'since 必须是不超过 15 位的整数，收到的是 "yesterday"'),
    ("POST", "/_sandbox/clock", b"{}", 400,
     "send one or more of nowMs, advanceMs, frozen; unknown: []",
     "请发送 nowMs、advanceMs、frozen 中的一个或多个字段；未知字段：[]"),
    ("POST", "/_sandbox/clock", b'{"later": 5, "nowMs": 1}', 400,
     'send one or more of nowMs, advanceMs, frozen; unknown: ["later"]',
     '请发送 nowMs、advanceMs、frozen 中的一个或多个字段；未知字段：["later"]'),
    ("POST", "/_sandbox/clock", b'{"nowMs": -1}', 400,
     "nowMs must be a whole number of milliseconds since the epoch, got -1",
     "nowMs 必须是整数的毫秒时间戳（自 1970-01-01 UTC 起的毫秒数），收到的是 -1"),
    ("POST", "/_sandbox/clock", b'{"nowMs": 0}', 200, "", ""),  # the epoch itself is a time
    ("POST", "/_sandbox/clock", b'{"nowMs": 20000000000001}', 400,
     "nowMs must be a whole number of milliseconds since the epoch, got 20000000000001",
     "nowMs 必须是整数的毫秒时间戳（自 1970-01-01 UTC 起的毫秒数），收到的是 20000000000001"),
    ("POST", "/_sandbox/clock", b'{"advanceMs": 1.5}', 400,
     "advanceMs must be a whole number of milliseconds, got 1.5",
     "advanceMs 必须是整数毫秒数，收到的是 1.5"),
    ("POST", "/_sandbox/clock", b'{"advanceMs": -20000000000000}', 200, "", ""),
    ("POST", "/_sandbox/clock", b'{"advanceMs": -20000000000001}', 400,
     "advanceMs must be a whole number of milliseconds, got -20000000000001",
     "advanceMs 必须是整数毫秒数，收到的是 -20000000000001"),
    ("POST", "/_sandbox/clock", b'{"frozen": "yes"}', 400,
     'frozen must be true or false, got "yes"',
     'frozen 必须是 true 或 false，收到的是 "yes"'),
    ("POST", "/_sandbox/clock", b'{"frozen": false}', 409,
     "frozen: this sandbox's clock is fixed (FixedClock) and cannot run; set or advance it "
     "instead",
     "frozen：本沙箱的时钟是固定时钟（FixedClock），不能走动；请改用 nowMs 设置或用 advanceMs "
     "移动它"),
    ("POST", "/_sandbox/reset", b'{"everything": true}', 400,
     'unknown field(s) ["everything"]; allowed: parts',
     '未知字段 ["everything"]；允许的字段：parts'),
    ("POST", "/_sandbox/reset", b'{"parts": []}', 400,
     f'parts must be "all" or a non-empty list of {PARTS_EN}, got []',
     f'parts 必须是 "all" 或由 {PARTS_ZH} 组成的非空列表，收到的是 []'),
    ("POST", "/_sandbox/reset", b'{"parts": ["outbox", "inbox"]}', 400,
     f'parts must be "all" or a non-empty list of {PARTS_EN}, got ["outbox", "inbox"]',
     f'parts 必须是 "all" 或由 {PARTS_ZH} 组成的非空列表，收到的是 ["outbox", "inbox"]'),
]


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[dict[str, Sandbox]]:
    """One sandbox per language, each on a fixed clock (which cannot be unfrozen: a 409)."""
    with (Sandbox(lang="en", clock=FixedClock(START_MS)) as en,
          Sandbox(lang="zh", clock=FixedClock(START_MS)) as zh):
        yield {"en": en, "zh": zh}
    assert en.internal_errors == zh.internal_errors == 0


def ask(sb: Sandbox, method: str, path: str, body: bytes) -> requests.Response:
    return requests.request(method, sb.base_url + path, data=body, timeout=10,
                            headers={"Content-Type": "application/json"} if body else {})


@pytest.mark.parametrize(("method", "path", "body", "status", "en", "zh"), REFUSALS,
                         ids=[f"{row[1]}-{index}" for index, row in enumerate(REFUSALS)])
def test_each_refusal_names_the_field_and_the_rule_in_the_sandboxs_language(
        sandboxes: dict[str, Sandbox], method: str, path: str, body: bytes, status: int,
        en: str, zh: str) -> None:
    for lang, expected in (("en", en), ("zh", zh)):
        answer = ask(sandboxes[lang], method, path, body)
        assert answer.status_code == status, (lang, answer.text)
        if status != 200:
            assert answer.json() == {"code": status, "msg": answer.reason, "data": None,
                                     "extMsg": expected}


def test_a_long_refused_value_is_cut_at_150_characters(sandboxes: dict[str, Sandbox]) -> None:
    body = json.dumps({"phone": list(range(200)), "codeType": 3, "code": "1"}).encode()
    shown = "[" + ", ".join(str(n) for n in range(200))
    shown = shown[:150] + "…"
    assert shown.endswith(" 38, 39,…")
    for lang, rule in (("en", "phone must be a non-empty JSON string, got "),
                       ("zh", "phone 必须是非空的 JSON 字符串，收到的是 ")):
        answer = ask(sandboxes[lang], "POST", "/_sandbox/verify", body)
        assert answer.status_code == 400 and answer.json()["extMsg"] == rule + shown


def test_a_clock_that_cannot_move_is_409_in_either_language() -> None:
    class Stopped:
        def now_ms(self) -> int:
            return START_MS

    for lang, expected in (("en", "this sandbox's clock (Stopped) cannot be moved over HTTP"),
                           ("zh", "本沙箱的时钟（Stopped）不能通过 HTTP 调整")):
        with Sandbox(lang=lang, clock=Stopped()) as sb:
            answer = ask(sb, "POST", "/_sandbox/clock", b'{"advanceMs": 1}')
            assert answer.status_code == 409 and answer.json()["extMsg"] == expected


@pytest.mark.parametrize(("parts", "got"), [
    (["inbox"], '["inbox"]'), (("outbox", "inbox"), '["outbox", "inbox"]'), (5, "5"),
    (True, "true"), ([], "[]"), (object, '"<class \'object\'>"'),
])
def test_the_python_reset_refuses_bad_parts_in_the_kits_language(parts: object,
                                                                  got: str) -> None:
    """Whatever a Python caller passes, a ValueError naming the rule (a number, which cannot
    be iterated, used to be a TypeError); the value as JSON would write it."""
    with Sandbox(lang="en") as sb, pytest.raises(ValueError) as raised:
        sb.reset(parts=parts)  # type: ignore[arg-type]
    assert str(raised.value) == f'parts must be "all" or a non-empty list of {PARTS_EN}, got {got}'


def test_the_command_line_sandbox_answers_in_the_language_of_its_lang_flag(
        tmp_path: Path) -> None:
    """``smskit sandbox --lang zh --ready-file``, as a backend's test suite starts it."""
    process, info = start(tmp_path, "--lang", "zh", "--quiet")
    answer = requests.post(info["url"] + "/_sandbox/clock", json={"frozen": "yes"}, timeout=10)
    stop(process)
    assert answer.status_code == 400
    assert answer.json()["extMsg"] == 'frozen 必须是 true 或 false，收到的是 "yes"'


def test_a_sandbox_made_without_a_language_speaks_the_kits() -> None:
    """``Sandbox()`` takes the kit's language (``set_language``, ``SMSKIT_LANG``, the locale)."""
    with i18n.using_language("zh"), Sandbox() as sb:
        answer = ask(sb, "POST", "/_sandbox/reset", b'{"parts": "some"}')
    assert answer.json()["extMsg"] == (f"parts 必须是 \"all\" 或由 {PARTS_ZH} 组成的非空列表，"
                                       '收到的是 "some"')
