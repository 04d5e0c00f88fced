"""A lint over every Chinese template of the kit: the punctuation, units and durations a
Chinese reader expects (issue 21).

Checked: every string with Chinese characters in ``smskit/data/*.json`` (the kit's messages,
the catalogue's causes and remedies, scenario titles, signature mistakes, exercises...), and
what the kit composes from them: each finding (``Problem.describe``) for a set of bad inputs,
and Chinese durations.

- after Chinese text, full-width punctuation: no ASCII colon, no ASCII brackets around or
  against Chinese text (code such as ``(connect, read)`` keeps its own);
- no chained colons: at most one ``：`` per clause (a clause ends at 。；or a line end);
- units 秒, 分钟, 毫秒: never ``60 s``, ``5 min``, ``60.0 秒``;
- durations rounded as people read them (a wait of 1 ms is ``1 秒``, not ``0.1 秒``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smskit import i18n
from smskit.errors import InputError, Problem
from tests.test_glossary import strings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "smskit" / "data"
CJK = "\u4e00-\u9fff"
HAN = re.compile(f"[{CJK}]")
LATIN = re.compile(r"[A-Za-z]")
#: Chinese text (or its full-width punctuation), then an ASCII colon.
COLON_AFTER_CHINESE = re.compile(f"[{CJK}，。、；：）]\\s?:")
#: An ASCII colon, then Chinese text.
COLON_BEFORE_CHINESE = re.compile(f":\\s?[{CJK}]")
#: An ASCII bracket against Chinese text.
BRACKET_AGAINST_CHINESE = re.compile(f"[{CJK}][(\\[]|[)\\]][{CJK}]")
#: An ASCII bracket pair around Chinese text; not a call such as ``sha256(签名原文...)``.
BRACKETS_AROUND_CHINESE = re.compile(
    f"(?<![A-Za-z0-9_.])\\([^()]*[{CJK}][^()]*\\)|(?<![A-Za-z0-9_.])\\[[^\\[\\]]*[{CJK}][^\\[\\]]*\\]")
#: English units after a number or a placeholder; decimals of a whole unit.
ENGLISH_UNIT = re.compile(r"((?<![\w.])\d+(\.\d+)?|\})\s?(s|sec|min|ms)\b")  # not BLAKE2s
POINT_ZERO = re.compile(r"\d\.0 ?(秒|分钟|毫秒)|\{[a-z_]+:\.\df\} ?(秒|分钟)")
CLAUSE_END = re.compile(r"[。；\n]")
#: One space before full-width punctuation, a template seam (``本机时钟 （沙箱假设…）``); a run of
#: spaces lines up columns (the banner) and is allowed.
SPACE_BEFORE_FULL_WIDTH = re.compile("(?<![ \t])[ \t][（），。；：、]")




def is_chinese(where: str, text: str) -> bool:
    """A Chinese text: a ``zh`` edition, or more Chinese characters than Latin letters (an
    English text that quotes the platform's Chinese is not one)."""
    last = re.split(r"[.\[]", where)[-1]
    if last.endswith("_en") or last == "en":
        return False
    return last == "zh" or last.endswith("_zh") or (
        len(HAN.findall(text)) >= len(LATIN.findall(text)))


def chinese_templates() -> list[tuple[str, str]]:
    """(where, text) for every Chinese text in the kit's data."""
    found = []
    for path in sorted(DATA.rglob("*.json")):
        if path.name == "glossary.json":  # it quotes the alternatives to avoid
            continue
        parsed = json.loads(path.read_text(encoding="utf-8"))
        found += [(where, text) for where, text in strings(parsed, path.name)
                  if HAN.search(text) and is_chinese(where, text)]
    return found


def faults(text: str) -> list[str]:
    """What a Chinese reader would trip over in ``text``."""
    found = []
    for name, pattern in (("ASCII colon after Chinese", COLON_AFTER_CHINESE),
                          ("ASCII colon before Chinese", COLON_BEFORE_CHINESE),
                          ("ASCII bracket against Chinese", BRACKET_AGAINST_CHINESE),
                          ("ASCII brackets around Chinese", BRACKETS_AROUND_CHINESE),
                          ("English unit", ENGLISH_UNIT), ("a whole unit with .0", POINT_ZERO),
                          ("a space before full-width punctuation", SPACE_BEFORE_FULL_WIDTH)):
        match = pattern.search(text)
        if match:
            found.append(f"{name}: {match.group(0)!r}")
    for clause in CLAUSE_END.split(text):
        if clause.count("：") > 1:
            found.append(f"chained colons: {clause!r}")
    return found


def test_the_lint_catches_what_the_review_found() -> None:
    """The reviewer's examples fail the lint; their corrected forms pass."""
    for bad in ("ts: 必须是毫秒时间戳 [5145 时间戳格式不正确]", "每 60 s 最多 1 次",
                "{window} min 内", "60.0 秒", "共 3 个问题：ts：必须是毫秒时间戳", "错误(5420)",
                "提示:重试", "并检查本机时钟 （沙箱假设）"):
        assert faults(bad), bad
    for good in ("ts 必须是毫秒时间戳（5145 时间戳格式不正确）", "每 1 分钟最多 1 次",
                 "由两个这样的数组成的 (connect, read)",
                 "共 3 个问题：ts 必须是毫秒时间戳；random 必填",
                 "SHA256(phone + codeType + random + ts + userDomainSecret) 不一致"):
        assert faults(good) == [], good


def test_every_chinese_template_in_the_data_reads_as_chinese() -> None:
    templates = chinese_templates()
    assert len(templates) > 500 and any(w.startswith("messages.json") for w, _ in templates)
    found = [(where, fault) for where, text in templates for fault in faults(text)]
    assert found == []


def test_every_message_reads_as_chinese_once_filled() -> None:
    """A placeholder filled with Chinese text: ``{title} [{id}]`` would put ASCII brackets
    right after Chinese text."""
    messages = json.loads((DATA / "messages.json").read_text(encoding="utf-8"))["messages"]
    found = []
    for key, editions in messages.items():
        filled = re.sub(r"\{[a-z_]+(:[^}]*)?\}", "中文", editions["zh"])
        found += [(key, fault) for fault in faults(filled)]
    assert found == []


BAD_INPUTS: list[dict[str, object]] = [
    {"phone": "+8613800138000"}, {"phone": "138 0013 8000"}, {"phone": "013800138000"},
    {"phone": "12345"}, {"phone": "4412", "international_code": "44"},
    {"international_code": "+86"}, {"international_code": "0086"}, {"international_code": ""},
    {"random": "short"}, {"random": "abcdefghijklmno!"}, {"ts": 1744773894},
    {"ts": 1744773894369000}, {"ts": "soon"}, {"ts": -1}, {"code_type": 9},
    {"code_type": "login"}, {"code_type": True}, {"user_domain": ""}, {"user_domain": " C.DM.5"},
    {"user_domain": "C.DM\n5"}, {"phone": ""},
]


@pytest.mark.parametrize("change", BAD_INPUTS, ids=[str(c) for c in BAD_INPUTS])
def test_each_finding_reads_as_chinese(change: dict[str, object]) -> None:
    from smskit.validation import validate_fields

    good: dict[str, object] = {"phone": "13800138000", "code_type": 3,
                               "international_code": "86", "random": "abcdefghijklmnop",
                               "ts": 1744773894369, "user_domain": "C.DM.5"}
    problems = validate_fields(**{**good, **change}, check_clock_window=False)  # type: ignore[arg-type]
    assert problems, change
    with i18n.using_language("zh"):
        text = str(InputError(problems))
    assert HAN.search(text) and faults(text) == [], text


def test_a_finding_without_a_code_or_hint() -> None:
    with i18n.using_language("zh"):
        text = Problem("request", i18n.text("validation.required")).describe()
    assert text == "request 必填"


@pytest.mark.parametrize(("ms", "said"), [
    (1, "1 毫秒"), (999, "999 毫秒"), (1000, "1 秒"), (1500, "1.5 秒"), (10_400, "10 秒"),
    (59_600, "1 分钟"), (60_000, "1 分钟"), (90_000, "1 分 30 秒"), (300_000, "5 分钟"),
    (3_600_000, "1 小时"), (3_660_000, "1 小时 1 分钟"), (-2000, "-2 秒"),
])
def test_a_duration_as_people_say_it(ms: int, said: str) -> None:
    assert i18n.chinese_duration(ms) == said


@pytest.mark.parametrize(("ms", "said"), [(1, "1 秒"), (1000, "1 秒"), (1001, "2 秒"),
                                          (59_001, "1 分钟"), (60_001, "1 分 1 秒")])
def test_a_wait_rounds_up_to_a_whole_second(ms: int, said: str) -> None:
    assert i18n.chinese_duration(ms, round_up=True) == said


def test_durations_in_texts_follow_the_language() -> None:
    from smskit.sandbox.ratelimit import RatePolicy, RateRefusal

    refusal = RateRefusal("per_code_type", 1, 60_000, 1)
    assert refusal.describe("en").endswith("per 60 s (sandbox policy); the next send is "
                                           "possible in 0.1 s")
    assert refusal.describe("zh") == ("同一手机号码和短信类型每 1 分钟最多发送 1 次（沙箱策略）；"
                                      "1 秒后才能再次发送")
    policy = RatePolicy(per_code_type_max=1, per_code_type_window_ms=60_000, per_phone_max=5,
                        per_phone_window_ms=3_600_000)
    assert policy.describe("en") == ("at most 1 per phone and codeType per 60 s; "
                                     "at most 5 per phone per 3600 s")
    assert policy.describe("zh") == ("同一手机号码和短信类型每 1 分钟最多 1 次；"
                                     "同一手机号码每 1 小时最多 5 次")
