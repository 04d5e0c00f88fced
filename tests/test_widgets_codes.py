"""The error-code browser, driven from code: filter, search, select, read state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smskit.widgets import ErrorCodeBrowser

# Expectations come from the data file read directly, not from the catalogue module.
DATA = json.loads((Path(__file__).resolve().parent.parent / "smskit/data/error_codes.json")
                  .read_text(encoding="utf-8"))
ROWS = {row["code"]: row for row in DATA["codes"]}
ALL_CODES = tuple(row["code"] for row in DATA["codes"])


def matching(needle: str, category: str = "all") -> tuple[int, ...]:
    folded = needle.casefold()
    return tuple(
        row["code"] for row in DATA["codes"]
        if (category == "all" or row["category"] == category)
        and folded in " ".join([str(row["code"]), row["zh"], row["en"], row["cause"]["en"],
                                row["remedy"]["en"]]).casefold())


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_starts_with_every_code_in_catalogue_order_and_nothing_selected() -> None:
    browser = ErrorCodeBrowser()
    assert browser.visible_codes == ALL_CODES
    assert browser.selected is None
    assert browser.table_html.value.count("data-code=") == len(ALL_CODES)
    assert f"{len(ALL_CODES)} of {len(ALL_CODES)} codes" in browser.table_html.value
    assert "Choose a code" in browser.detail_html.value


def test_table_shows_the_chinese_message_verbatim_beside_the_english() -> None:
    html = ErrorCodeBrowser().table_html.value
    assert "签名验证失败" in html and "Signature verification failed" in html  # docs/platform.md
    assert "短信发送超出频率" in html  # the page: 5058


@pytest.mark.parametrize("category", sorted({row["category"] for row in DATA["codes"]}))
def test_category_filter_shows_exactly_that_category(category: str) -> None:
    browser = ErrorCodeBrowser()
    browser.category.value = category
    expected = tuple(row["code"] for row in DATA["codes"] if row["category"] == category)
    assert expected
    assert browser.visible_codes == expected
    assert browser.table_html.value.count("data-code=") == len(expected)


def test_category_filter_offers_all_plus_every_category() -> None:
    values = [value for _label, value in ErrorCodeBrowser().category.options]
    assert values == ["all", *DATA["categories"]]


@pytest.mark.parametrize("needle", ["签名", "短信", "用户域", "手机号"])
def test_search_in_chinese(needle: str) -> None:
    browser = ErrorCodeBrowser()
    browser.search.value = needle
    assert browser.visible_codes == matching(needle)
    assert browser.visible_codes  # the needles are all in the page's messages


@pytest.mark.parametrize("needle", ["signature", "SIGNATURE", "Rate", "template id"])
def test_search_in_english_is_case_insensitive(needle: str) -> None:
    browser = ErrorCodeBrowser()
    browser.search.value = needle
    assert browser.visible_codes == matching(needle)
    assert browser.visible_codes


def test_search_by_number() -> None:
    browser = ErrorCodeBrowser(search="5420")
    assert 5420 in browser.visible_codes
    assert browser.visible_codes == matching("5420")


def test_search_and_category_combine() -> None:
    browser = ErrorCodeBrowser(category="fix_sms_config", search="签名")
    assert browser.visible_codes == matching("签名", "fix_sms_config")
    assert 5420 not in browser.visible_codes  # a credentials code, not sms config


def test_no_match_says_so() -> None:
    browser = ErrorCodeBrowser(search="no such words anywhere")
    assert browser.visible_codes == ()
    assert "No code matches" in browser.table_html.value
    assert browser.code.options == (("(choose a code)", None),)


def test_selecting_a_code_shows_its_cause_and_remedy() -> None:
    browser = ErrorCodeBrowser()
    browser.code.value = 5420
    row = ROWS[5420]
    assert browser.selected is not None and browser.selected.code == 5420
    detail = browser.detail_html.value
    for text in (row["zh"], row["en"], row["cause"]["en"], row["remedy"]["en"]):
        assert text.replace("'", "&#x27;").replace('"', "&quot;") in detail
    assert 'data-code="5420"' in detail
    assert 'smskit-code-selected" data-code="5420"' in browser.table_html.value


def test_select_method_and_constructor_selection() -> None:
    browser = ErrorCodeBrowser(selected=5058)
    assert browser.code.value == 5058
    assert ROWS[5058]["remedy"]["en"].split(".")[0] in browser.detail_html.value
    browser.select(None)
    assert browser.selected is None


def test_selection_is_kept_while_visible_and_cleared_when_filtered_out() -> None:
    browser = ErrorCodeBrowser(selected=5420)
    browser.search.value = "签名"
    assert browser.code.value == 5420
    browser.category.value = "slow_down"
    assert browser.selected is None
    assert "Choose a code" in browser.detail_html.value


def test_code_selector_lists_only_visible_codes() -> None:
    browser = ErrorCodeBrowser(category="slow_down")
    assert [value for _label, value in browser.code.options] == [
        None, *matching("", "slow_down")]


def test_selecting_a_hidden_code_or_unknown_category_is_refused() -> None:
    browser = ErrorCodeBrowser(category="slow_down")
    with pytest.raises(ValueError, match="not among the visible codes"):
        browser.select(5420)
    with pytest.raises(ValueError, match="category"):
        ErrorCodeBrowser(category="nope")


def test_state_and_repr_are_plain_and_deterministic() -> None:
    first = ErrorCodeBrowser(category="check_credentials_or_clock", search="签名", selected=5420)
    second = ErrorCodeBrowser(category="check_credentials_or_clock", search="签名", selected=5420)
    assert first.state() == second.state() == {
        "category": "check_credentials_or_clock", "search": "签名",
        "visible_codes": list(matching("签名", "check_credentials_or_clock")), "selected": 5420}
    assert repr(first) == repr(second)
    assert first.table_html.value == second.table_html.value
    assert first.detail_html.value == second.detail_html.value
    bundle = first._repr_mimebundle_()
    assert bundle is not None and bundle["text/plain"] == repr(first)


def test_stable_css_hooks_for_browser_tests() -> None:
    browser = ErrorCodeBrowser()
    classes = {name for widget in walk(browser.widget) for name in widget._dom_classes}
    assert {"smskit-codes", "smskit-codes-category", "smskit-codes-search",
            "smskit-codes-table", "smskit-codes-code", "smskit-codes-detail"} <= classes
