"""The error-code catalogue and the code types, as data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from smskit import CodeType, catalogue
from smskit._data import load_json
from smskit.errors import CATEGORY_ERRORS
from smskit.i18n import Editions, using_language

# The page's response-status table, as printed (facts, verbatim).
PAGE_CODES = {
    200: "发送手机短信验证码成功", 5019: "手机号格式不正确", 5021: "请输入手机号码",
    5023: "请输入用户域", 5058: "短信发送超出频率", 5059: "短信发送异常", 5116: "请输入国际代码",
    5117: "请输入企业短信签名ID", 5118: "请输入企业短信模板ID",
    5122: "没有权限使用此企业短信签名ID", 5123: "企业短信签名ID已停用",
    5124: "没有权限使用此企业短信模板ID", 5125: "企业短信模板ID已停用",
    5126: "短信签名和短信模板不在同一短信账号下", 5128: "企业短信账号已停用",
    5188: "企业短信账号不存在", 5202: "企业短信签名不存在", 5209: "企业短信模板不存在",
    5216: "签名ID和模板ID的类型请保持一致",
}
# docs/platform.md's further codes that callers of this endpoint can meet.
PLATFORM_CODES = {5000: "服务异常", 5015: "用户域不存在", 5104: "用户域已停用",
                  5145: "时间戳格式不正确", 5420: "签名验证失败", 5421: "签名验证异常"}
SEED_PAGE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_1b3d0ca74e55235a.txt"


def test_catalogue_holds_every_page_and_platform_code_verbatim() -> None:
    entries = {entry.code: entry for entry in catalogue.all_codes()}
    assert {code: entries[code].zh for code in PAGE_CODES} == PAGE_CODES
    assert {code: entries[code].zh for code in PLATFORM_CODES} == PLATFORM_CODES
    assert set(entries) == set(PAGE_CODES) | set(PLATFORM_CODES)
    assert {c for c, e in entries.items() if e.source == "page"} == set(PAGE_CODES)
    assert {c for c, e in entries.items() if e.source == "platform"} == set(PLATFORM_CODES)


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="the provider's page is not beside this clone")
def test_page_table_matches_the_providers_page_text() -> None:
    rows = re.findall(r"^\|\s*(\d{3,4})\s*\|\s*(\S+)\s*\|", SEED_PAGE.read_text("utf-8"), re.M)
    assert dict((int(code), text) for code, text in rows) == PAGE_CODES


def test_causes_remedies_and_next_steps_are_the_one_bilingual_type() -> None:
    entry = catalogue.lookup(5023)
    assert entry is not None
    assert entry.cause == Editions(en="The userDomain parameter is missing or empty.",
                                   zh="缺少 userDomain 参数，或其值为空。")
    assert entry.remedy == Editions(
        en="Send the userDomain issued with your app in the platform console.",
        zh="发送在平台控制台创建应用时分配的 userDomain（用户域）。")
    step = catalogue.categories()["fix_request"].next_step
    assert step == Editions(en="Change the parameters you send; the same request will fail again.",
                            zh="修改所发送的参数；原样再发仍会失败。")
    with using_language("zh"):
        assert f"{entry.cause}" == "缺少 userDomain 参数，或其值为空。"
    with using_language("en"):
        assert f"{entry.cause}" == "The userDomain parameter is missing or empty."
    assert not hasattr(entry, "cause_zh") and not hasattr(entry, "remedy_zh")


def test_search_reads_the_english_cause_and_remedy_only() -> None:
    assert [e.code for e in catalogue.search("userDomain parameter is missing")] == [5023]
    assert catalogue.search("缺少 userDomain 参数") == []  # the Chinese cause is not searched
    assert [e.code for e in catalogue.search("请输入用户域")] == [5023]  # the platform's msg is


def test_every_entry_is_complete() -> None:
    for entry in catalogue.all_codes():
        assert entry.en and entry.cause and entry.remedy, entry.code
        assert entry.category in catalogue.categories(), entry.code
        assert isinstance(entry.retry_safe, bool)


def test_categories_follow_what_the_caller_does_next() -> None:
    by_category = {}
    for entry in catalogue.all_codes():
        by_category.setdefault(entry.category, set()).add(entry.code)
    assert by_category["success"] == {200}
    assert by_category["fix_request"] == {5019, 5021, 5023, 5116}
    assert by_category["slow_down"] == {5058}
    assert by_category["retry_later"] == {5059, 5000}
    assert by_category["fix_sms_config"] == {5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128,
                                             5188, 5202, 5209, 5216}
    assert by_category["check_credentials_or_clock"] == {5015, 5104, 5145, 5420, 5421}
    assert set(CATEGORY_ERRORS) == set(catalogue.categories()) - {"success"}


def test_failures_where_the_sms_may_have_gone_out_are_not_retry_safe() -> None:
    unsafe = {e.code for e in catalogue.all_codes() if not e.retry_safe}
    assert unsafe == {200, 5059, 5000}


def test_lookup_and_search() -> None:
    entry = catalogue.lookup(5058)
    assert entry is not None and entry.en == "SMS sending rate exceeded"
    assert catalogue.lookup(1234) is None
    assert [e.code for e in catalogue.search("频率")] == [5058]
    assert [e.code for e in catalogue.search("RATE EXCEEDED")] == [5058]
    assert {e.code for e in catalogue.search("模板")} >= {5118, 5124, 5125, 5126, 5209, 5216}
    assert len(catalogue.search("")) == len(catalogue.all_codes())


def test_dataframe_view() -> None:
    from smskit.teaching import frames

    frame = frames.catalogue_frame()
    assert frame.loc[5421, "msg (中文, verbatim)"] == "签名验证异常"
    assert len(frame) == len(catalogue.all_codes())


def test_code_types_match_the_page() -> None:
    assert [(m.value, m.zh) for m in CodeType] == [
        (1, "密码重置"), (2, "登录"), (3, "注册"), (4, "注销"), (5, "添加推送人")]
    rows = load_json("code_types.json")["code_types"]
    assert [(row["value"], row["name"]) for row in rows] == [(m.value, m.name) for m in CodeType]
    assert CodeType.REGISTER.label == "3 - Registration (注册)"


def test_import_smskit_stays_light() -> None:
    code = ("import sys, smskit; heavy = {'pandas', 'ipywidgets', 'requests', 'phonenumbers',"
            " 'smskit.sandbox', 'smskit.client', 'smskit.widgets'} & set(sys.modules);"
            " print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
