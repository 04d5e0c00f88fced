"""Findings, errors and the response panel read in the kit's language, chosen when read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import smskit
from smskit import i18n
from smskit.errors import InputError, Problem
from smskit.validation import validate_fields
from smskit.widgets.outcome import render_outcome

ROOT = Path(__file__).resolve().parents[1]
# Expected texts come from the data file read directly, not through smskit.i18n.
MESSAGES = json.loads((ROOT / "smskit/data/messages.json").read_text(encoding="utf-8"))["messages"]
CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = {"phone": "13800138000", "code_type": 3, "international_code": "86",
        "random": "abcdefghijklmnop", "ts": 1744773894369, "user_domain": "C.DM.5"}


def _problems(**changes: object) -> list[Problem]:
    return validate_fields(**{**GOOD, **changes}, check_clock_window=False)  # type: ignore[arg-type]


def test_one_finding_reads_in_the_language_chosen_when_it_is_read() -> None:
    (problem,) = _problems(random="short")
    assert problem.rule == "must be exactly 16 characters (got 5)"
    assert problem.hint == "use smskit.new_random()"
    with i18n.using_language("zh"):
        assert problem.rule == MESSAGES["validation.random.length"]["zh"].format(length=16, got=5)
        assert problem.hint == MESSAGES["validation.random.use_new"]["zh"]
        assert problem.describe() == (f"random {problem.rule}"
                                      f"，提示：{MESSAGES['validation.random.use_new']['zh']}")
    assert problem.rule == "must be exactly 16 characters (got 5)"  # back in English


def test_nested_values_follow_the_language() -> None:
    (padded,) = _problems(user_domain=" C.DM.5")
    assert padded.hint == "send 'C.DM.5'"
    (missing,) = _problems(user_domain="")
    assert missing.hint == "send the userDomain issued with your app in the platform console"
    with i18n.using_language("zh"):
        assert missing.rule == "必填"
        assert missing.hint == "应发送平台控制台为你的应用分配的用户域 userDomain"
        (code_type,) = _problems(code_type=7)
        assert "1-密码重置" in code_type.rule and code_type.rule.endswith("7")


@pytest.mark.parametrize("changes", [
    {"phone": "+8613800138000"}, {"phone": "138 0013 8000"}, {"phone": "abc"},
    {"international_code": "+86"}, {"international_code": "999"}, {"international_code": "8 6"},
    {"random": "abcdefghijklmno!"}, {"ts": 1744773894}, {"ts": 1.5}, {"ts": "soon"},
    {"code_type": "login"}, {"code_type": True}, {"user_domain": "C.DM\r"}, {"phone": None},
])
def test_every_validation_finding_has_a_chinese_edition(changes: dict[str, object]) -> None:
    found = _problems(**changes)
    assert found
    with i18n.using_language("zh"):
        for problem in found:
            assert CJK.search(problem.rule), problem.rule
            assert problem.hint is None or CJK.search(problem.hint) or \
                problem.hint.startswith("应发送"), problem.hint


def test_input_error_lists_problems_in_the_chosen_language() -> None:
    error = InputError(_problems(phone="", random="x"))
    assert str(error).startswith("2 problems: phone: is required [5021 ")
    with i18n.using_language("zh"):
        text = str(error)
        assert text.startswith("共 2 个问题：phone 必填（5021 请输入手机号码）；")
        assert " / " not in text.split("；")[0]  # the platform's message alone, verbatim
        assert error.as_dict()["detail"].startswith("未发送任何请求：共 2 个问题")


def test_client_settings_refused_in_chinese() -> None:
    with pytest.raises(InputError) as caught:
        smskit.SmsClient(region="mars", user_domain="C.DM.5", secret="s3cret")
    assert str(caught.value).startswith("region: 'mars' is not a known region")
    with i18n.using_language("zh"):  # the same error, read by a Chinese reader
        assert str(caught.value).startswith("region 'mars' 不是已知区域")


def test_the_response_panel_in_chinese_names_no_row_in_english() -> None:
    outcome = InputError(_problems(phone="")).as_dict()
    english = render_outcome(outcome)
    assert "Not sent" in english and "send again?" in english
    with i18n.using_language("zh"):
        chinese = render_outcome(InputError(_problems(phone="")).as_dict())
    assert MESSAGES["outcome.headline.not_sent"]["zh"] in chinese
    assert MESSAGES["outcome.retry.not_sent"]["zh"] in chinese
    shown = re.sub(r"<[^>]+>", " ", chinese)  # the text, not the data-row hooks
    for label in ("Not sent", "send again?", "problems", "Hint:", "Nothing left"):
        assert label not in shown


def test_a_finding_written_in_a_given_language_without_the_switch() -> None:
    """What a server thread uses: no process-wide language change."""
    (problem,) = _problems(random="short")
    assert problem.describe("zh").startswith("random " + MESSAGES[
        "validation.random.length"]["zh"].format(length=16, got=5))
    assert problem.hint_in("zh") == MESSAGES["validation.random.use_new"]["zh"]
    assert problem.rule_in("en") == "must be exactly 16 characters (got 5)"
    assert i18n.language() == "en" and problem.describe() == problem.describe("en")


def test_the_catalogue_table_in_chinese() -> None:
    from smskit.teaching import frames

    english = frames.catalogue_table()._repr_html_()
    with i18n.using_language("zh"):
        chinese = frames.catalogue_table()._repr_html_()
    assert "retry safe" in english and "codes: " in english
    codes = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))["codes"]
    page = sum(1 for row in codes if row["source"] == "page")
    assert MESSAGES["frames.catalogue.caption"]["zh"].format(
        total=len(codes), page=page, wider=len(codes) - page) in chinese
    for english_text in ("retry safe", "verbatim", "from the endpoint", ">yes<", ">no<"):
        assert english_text not in chinese
    assert ">是<" in chinese and ">否<" in chinese
