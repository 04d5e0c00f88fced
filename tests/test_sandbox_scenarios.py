"""Every row of smskit/data/scenarios.json, replayed over real HTTP against a running sandbox.

The expected Chinese messages below are transcribed from the page (its 响应状态 table) and
from docs/platform.md (the platform codes), not taken from the sandbox or the catalogue, so the
test checks the sandbox's output against the sources.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from smskit.catalogue import all_codes
from smskit.sandbox import Sandbox, load_scenarios, replay
from smskit.sandbox.scenarios import Scenario, build_query
from tests.fixtures.sandbox import DATA

#: code -> msg, verbatim from the page and docs/platform.md. Success: the documented envelope's "".
SOURCE_MESSAGES = {
    200: "",
    5019: "手机号格式不正确",
    5021: "请输入手机号码",
    5023: "请输入用户域",
    5058: "短信发送超出频率",
    5059: "短信发送异常",
    5116: "请输入国际代码",
    5117: "请输入企业短信签名ID",
    5118: "请输入企业短信模板ID",
    5122: "没有权限使用此企业短信签名ID",
    5123: "企业短信签名ID已停用",
    5124: "没有权限使用此企业短信模板ID",
    5125: "企业短信模板ID已停用",
    5126: "短信签名和短信模板不在同一短信账号下",
    5128: "企业短信账号已停用",
    5188: "企业短信账号不存在",
    5202: "企业短信签名不存在",
    5209: "企业短信模板不存在",
    5216: "签名ID和模板ID的类型请保持一致",
    5000: "服务异常",
    5015: "用户域不存在",
    5104: "用户域已停用",
    5145: "时间戳格式不正确",
    5420: "签名验证失败",
    5421: "签名验证异常",
}
SCENARIOS = load_scenarios()


@pytest.mark.parametrize("item", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_answers_its_code_and_the_verbatim_message(
    item: Scenario, sandbox: Sandbox
) -> None:
    result = replay(item, sandbox).as_dict()
    assert result["http_status"] == 200
    assert result["code"] == item.code
    assert result["msg"] == SOURCE_MESSAGES[item.code]
    assert result["data"] is None
    if item.code == 200:
        assert (result["outcome"], result["msg"], result["ext_msg"]) == ("sent", "", None)
    else:
        assert isinstance(result["ext_msg"], str) and result["ext_msg"]
    # Only an accepted send delivers; the prior sends of a recipe delivered before it.
    delivered = len(sandbox.outbox())
    assert delivered == item.request.prior_sends + (1 if item.code == 200 else 0)


@pytest.mark.parametrize("item", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_no_answer_reveals_a_secret(item: Scenario, sandbox: Sandbox) -> None:
    result = replay(item, sandbox)
    text = json.dumps(result.as_dict(), ensure_ascii=False) + json.dumps(
        build_query(item, sandbox))  # the answer, and the request as sent
    for domain in sandbox.domains:
        assert domain.secret not in text


def test_scenario_codes_are_exactly_the_catalogue_codes() -> None:
    scenario_codes = {item.code for item in SCENARIOS}
    assert scenario_codes == {entry.code for entry in all_codes()}
    assert scenario_codes == set(SOURCE_MESSAGES)


def test_rows_are_well_formed_and_ids_unique() -> None:
    raw = json.loads((DATA / "scenarios.json").read_text(encoding="utf-8"))
    ids = [row["id"] for row in raw["scenarios"]]
    assert len(ids) == len(set(ids))
    for row in raw["scenarios"]:
        assert set(row) == {"id", "code", "title", "title_zh", "assumption", "note", "request"}
        assert isinstance(row["assumption"], bool) and row["title"] and row["note"]
    assert [item.id for item in SCENARIOS] == ids


def test_replaying_twice_gives_the_same_answer(sandbox: Sandbox) -> None:
    item = next(s for s in SCENARIOS if s.id == "rate-limited")
    first, second = replay(item, sandbox), replay(item, sandbox)
    assert first.as_dict() == second.as_dict()
    assert first.as_dict()["code"] == 5058


def test_success_replays_deliver_reproducible_codes(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    item = SCENARIOS[0]
    codes = []
    for _ in range(2):
        box = make_sandbox()  # same FixedClock start, same seed
        replay(item, box)
        codes.append([d.code for d in box.outbox()])
    assert codes[0] == codes[1] and len(codes[0]) == 1


def test_recipes_describe_themselves_for_a_table() -> None:
    recipes = {item.id: item.request.describe() for item in SCENARIOS}
    assert "drop phone" in recipes["phone-missing"]
    assert "+600001 ms" in recipes["ts-outside-window"]
    assert "signed with another secret" in recipes["wrong-secret"]
