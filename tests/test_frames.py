"""The pandas views: contents checked against the data files read directly and against facts
transcribed from the page and docs/platform.md; determinism checked by building twice."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smskit.clock import FixedClock
from smskit.sandbox import RatePolicy, Sandbox, load_scenarios, replay
from smskit.teaching import frames
from tests.fixtures.sandbox import DATA, PHONE, START_MS, send_code


def _data(name: str) -> Any:
    return json.loads((Path(DATA) / name).read_text(encoding="utf-8"))


# -- the catalogue -----------------------------------------------------------------------

def test_catalogue_frame_has_every_code_of_the_data_file_in_order() -> None:
    frame = frames.catalogue_frame()
    rows = _data("error_codes.json")["codes"]
    assert list(frame.index) == [row["code"] for row in rows]
    assert list(frame["msg (中文, verbatim)"]) == [row["zh"] for row in rows]
    assert list(frame["English"]) == [row["en"] for row in rows]
    assert list(frame["retry safe"]) == ["yes" if row["retry_safe"] else "no" for row in rows]


def test_catalogue_frame_keeps_the_pages_chinese_verbatim() -> None:
    frame = frames.catalogue_frame()
    # Transcribed from the page's 响应状态 table and docs/platform.md.
    assert frame.loc[5058, "msg (中文, verbatim)"] == "短信发送超出频率"
    assert frame.loc[5216, "msg (中文, verbatim)"] == "签名ID和模板ID的类型请保持一致"
    assert frame.loc[5420, "msg (中文, verbatim)"] == "签名验证失败"
    assert frame.loc[5058, "category"] == "Slow down (降低频率)"


def test_catalogue_table_html_is_deterministic_and_has_fixed_ids() -> None:
    first, second = frames.catalogue_table(), frames.catalogue_table()
    html = first._repr_html_()
    assert html == second._repr_html_()
    assert 'id="T_smskit-catalogue"' in html
    ids = set(re.findall(r'id="(T_[^"_]+)', html))
    assert ids == {"T_smskit-catalogue"}, ids
    assert "签名验证失败" in html and "Signature verification failed" in html


def test_catalogue_table_text_is_a_short_repr_without_an_address() -> None:
    table = frames.catalogue_table()
    text = repr(table)
    assert "0x" not in text
    assert text == ("StyledTable(\"25 codes: 19 from the endpoint's page, 6 from the platform's "
                    "wider list\", rows=25)")


def test_catalogue_table_tints_each_category() -> None:
    table = frames.catalogue_table(uuid="t")
    html = table._repr_html_()
    codes = [row["code"] for row in _data("error_codes.json")["codes"]]
    row = codes.index(5058)  # slow_down
    rule = re.search(r"([^}]*)\{\s*background-color: " + frames.CATEGORY_TINTS["slow_down"],
                     html)
    assert rule is not None and f"#T_t_row{row}_col2" in rule.group(1)


def test_custom_uuid() -> None:
    assert 'id="T_other"' in frames.catalogue_table(uuid="other")._repr_html_()


# -- scenarios and the documented/observed comparison ------------------------------------

def test_scenario_frame_lists_every_row_of_the_data_file() -> None:
    frame = frames.scenario_frame()
    rows = _data("scenarios.json")["scenarios"]
    assert list(frame.index) == [row["id"] for row in rows]
    assert list(frame["code"]) == [row["code"] for row in rows]
    assert frame.loc["wrong-secret", "request"] == (
        "userDomain=sandbox-demo; signed with another secret")
    assert frame.loc["ts-in-seconds", "sandbox assumption"] == "yes"


def test_documented_messages() -> None:
    assert frames.documented_message(200) == ""  # docs/platform.md's success envelope
    assert frames.documented_message(5021) == "请输入手机号码"
    assert frames.documented_message(5145) == "时间戳格式不正确"
    assert frames.documented_message(1234) == ""


@pytest.fixture(scope="module")
def replayed() -> list[Any]:
    with Sandbox(clock=FixedClock(START_MS)) as sb:
        results = [(item, replay(item, sb)) for item in load_scenarios()]
        assert sb.internal_errors == 0
    return results


def test_comparison_of_every_scenario_matches(replayed: list[Any]) -> None:
    frame = frames.comparison_frame(replayed)
    assert len(frame) == len(_data("scenarios.json")["scenarios"]) == 30
    assert bool(frame["match"].all())
    assert frames.match_summary(frame) == "30 of 30 match"
    assert frames.code_coverage(frame) == "25 of 25 catalogued codes observed"
    assert frame.loc["rate-limited", "observed msg"] == "短信发送超出频率"
    assert frame.loc["success", "observed msg"] == ""
    assert frame.loc["success", "observed extMsg"] == ""  # null in the envelope
    assert frames.comparison_rows(replayed)[0]["observed extMsg"] is None


def test_a_wrong_answer_does_not_match(replayed: list[Any]) -> None:
    success = next(r for r in replayed if r[0].id == "success")
    scenario, answer = success
    wrong_code = (scenario, dataclasses.replace(answer, code=5420))
    wrong_msg = (scenario, dataclasses.replace(answer, msg="发送成功"))
    frame = frames.comparison_frame([success, wrong_code, wrong_msg])
    assert list(frame["match"]) == [True, False, False]
    assert frames.match_summary(frame) == "1 of 3 match; not matching: success, success"


def test_coverage_names_codes_never_observed(replayed: list[Any]) -> None:
    frame = frames.comparison_frame(r for r in replayed if r[0].code != 5058)
    assert frames.code_coverage(frame) == ("24 of 25 catalogued codes observed; "
                                           "never observed: 5058")


# -- the sandbox's outbox and rules ------------------------------------------------------

def test_outbox_frame_follows_the_clock(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    frame = frames.outbox_frame(sandbox)
    assert list(frame["status"]) == ["valid"]
    assert frame.loc[0, "phone"] == PHONE
    assert frame.loc[0, "sent"] == "2025-04-16 03:24:54.369 UTC"  # START_MS, by `date -u`
    assert frame.loc[0, "expires"] == "2025-04-16 03:29:54.369 UTC"
    assert frame.loc[0, "code"] == sandbox.outbox()[0].code
    assert isinstance(sandbox.clock, FixedClock)
    sandbox.clock.advance(minutes=5)
    assert list(frames.outbox_frame(sandbox)["status"]) == ["expired"]


def test_outbox_frame_of_an_empty_outbox(sandbox: Sandbox) -> None:
    assert frames.outbox_frame(sandbox).empty


def test_rules_frame_reads_the_sandbox_policy(make_sandbox: Any) -> None:
    custom = make_sandbox(policy=RatePolicy(per_code_type_max=3, per_code_type_window_ms=30_000,
                                            per_phone_max=None))
    frame = frames.rules_frame(custom)
    assert list(frame.index) == ["validity", "last code", "one-time use",
                                 "rate limit per phone and codeType", "digits"]
    assert "At most 3 accepted send(s) per phone and codeType within 30 s" in \
        frame.loc["rate limit per phone and codeType", "statement"]
    assert frame.loc["rate limit per phone and codeType", "source"] == "sandbox assumption"
    assert frame.loc["validity", "source"] == "page"


# -- going live --------------------------------------------------------------------------

def test_regions_frame_has_the_documented_hosts() -> None:
    frame = frames.regions_frame()
    # docs/platform.md
    assert frame.loc["china", "base URL"] == "https://iot-api.quectelcn.com"
    assert frame.loc["europe", "base URL"] == "https://iot-api.acceleronix.io"


def test_checklist_frame_is_numbered_from_one() -> None:
    from smskit.teaching.golive import CHECKLIST

    frame = frames.checklist_frame()
    assert list(frame.index) == list(range(1, len(CHECKLIST) + 1))
    assert list(frame.columns) == ["check", "why", "how"]


def test_importing_the_notebook_helpers_stays_light() -> None:
    code = ("import sys, smskit.teaching.frames, smskit.teaching.golive, "
            "smskit.teaching.lifecycle, smskit.i18n; "
            "print(sorted(m for m in ('pandas', 'ipywidgets', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_styled_tables_show_every_cell_whole_and_wrapped() -> None:
    """Regression: the checklist, the rules and the scenario table cut long cells with "...".
    The expected texts come from the data (golive.CHECKLIST, smskit/data/scenarios.json), not from
    the frames."""
    import html

    from smskit.teaching.golive import CHECKLIST

    table = frames.styled(frames.checklist_frame(), uuid="checklist", caption="checks")
    markup = table._repr_html_()
    assert "white-space: normal" in markup and "..." not in markup and "…" not in markup
    shown = html.unescape(markup)
    for item in CHECKLIST:
        for text in (item.title, item.why, item.how):
            assert text in shown
    assert repr(table) == "StyledTable('checks', rows=8)"
    scenarios = html.unescape(frames.styled(frames.scenario_frame(), uuid="s")._repr_html_())
    for row in _data("scenarios.json")["scenarios"]:
        assert row["title"] in scenarios


def test_styled_escapes_cell_text() -> None:
    import pandas as pd

    markup = frames.styled(pd.DataFrame({"a": ["<b>x</b> & y"]}), uuid="e")._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in markup and "<b>x</b>" not in markup


# -- the kit's language --------------------------------------------------------------------

def _zh(key: str, **values: Any) -> str:
    return str(_data("messages.json")["messages"][key]["zh"]).format(**values)


def test_tables_show_chinese_headers_and_keep_their_english_names(make_sandbox: Any) -> None:
    from smskit import i18n
    from smskit.teaching.golive import CHECKLIST

    with i18n.using_language("zh"):
        scenarios = frames.scenario_frame()
        shown = frames.styled(scenarios, uuid="zh-scenarios")._repr_html_()
        rules = frames.rules_frame(make_sandbox())
        regions = frames.regions_frame()
        checklist = frames.styled(frames.checklist_frame(), uuid="zh-checklist")._repr_html_()
        first = CHECKLIST[0].title
    assert list(scenarios.columns) == ["code", "title", "request", "sandbox assumption"]
    for column in ("scenario", "code", "title", "request", "sandbox_assumption"):
        assert f">{_zh(f'frames.column.{column}')}</th>" in shown
    assert ">sandbox assumption</th>" not in shown
    assert rules.loc["one-time use", "statement"] == _zh("lifecycle.rule.one_time")
    assert rules.loc["one-time use", "source"] == _zh("lifecycle.source.page")
    assert list(regions.columns) == [_zh("frames.column.data_centre"),
                                     _zh("frames.column.base_url")]
    rows = {row["name"]: row for row in _data("regions.json")["regions"]}
    assert regions.iloc[:, 0].to_dict() == {name: row["data_centre_zh"]
                                            for name, row in rows.items()}
    assert first == _zh("golive.checklist.secret.title")
    assert first in checklist and f">{_zh('frames.column.why')}</th>" in checklist
    assert _zh("golive.checklist.rate_limit.title", rate_limited=5058, msg="短信发送超出频率") \
        in checklist  # the platform's msg verbatim (its page's code table)
