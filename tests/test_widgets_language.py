"""Every widget's 中文 / English toggle: texts switch live, what was typed stays.

Expected texts are read from smskit/data/messages.json directly, not through smskit.i18n.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

import smskit
from smskit.clock import FixedClock
from smskit.sandbox import Sandbox
from smskit.widgets import ErrorCodeBrowser, RequestBuilder, SignatureExplorer

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = json.loads((ROOT / "smskit/data/messages.json").read_text(encoding="utf-8"))["messages"]
CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = 1744773894369


def zh(key: str) -> str:
    return MESSAGES[key]["zh"]


def en(key: str) -> str:
    return MESSAGES[key]["en"]


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def visible_texts(view: Any) -> list[str]:
    """Every text a person sees in the widget: descriptions, placeholders, options, HTML."""
    texts = []
    for item in walk(view.widget):
        for name in ("description", "placeholder"):
            if getattr(item, name, ""):
                texts.append(getattr(item, name))
        if isinstance(item, widgets.HTML):
            texts.append(re.sub(r"<[^>]+>", " ", item.value))
        if isinstance(item, widgets.Dropdown):
            texts += [label for label, _ in item.options]
    return texts


def toggle(view: Any) -> widgets.ToggleButtons:
    (found,) = [item for item in walk(view.widget) if isinstance(item, widgets.ToggleButtons)]
    return found


def test_the_toggle_is_visible_and_names_each_language_in_itself() -> None:
    explorer = SignatureExplorer()
    assert toggle(explorer) is explorer.language_toggle
    assert list(explorer.language_toggle.options) == [("中文", "zh"), ("English", "en")]
    assert "smskit-language" in explorer.language_toggle._dom_classes
    assert explorer.language == "en"  # conftest pins SMSKIT_LANG=en


def test_a_widget_made_after_set_language_starts_in_chinese() -> None:
    try:
        smskit.set_language("zh")
        assert SignatureExplorer().language == "zh"
        assert ErrorCodeBrowser().language == "zh"
    finally:
        smskit.set_language(None)
    assert SignatureExplorer(language="zh").language == "zh"


def test_explorer_switches_live_and_keeps_the_values() -> None:
    explorer = SignatureExplorer(phone="+8613800138000", code_type="3",
                                 random="76a6L647F02CAoN9", ts="1744773894", secret="s3cret")
    values = (explorer.phone.value, explorer.code_type.value, explorer.random.value,
              explorer.ts.value)
    signature = explorer.signature
    english = " ".join(visible_texts(explorer))
    assert en("explorer.title") in english and en("validation.phone.prefix") in english
    explorer.language = "zh"
    assert explorer.language_toggle.value == "zh"
    chinese = " ".join(visible_texts(explorer))
    assert zh("explorer.title") in chinese and zh("validation.phone.prefix") in chinese
    assert zh("fields.ts.seconds").format(number=1744773894, example=1744773894000) in chinese
    assert explorer.phone.placeholder == zh("widgets.placeholder.phone")
    assert explorer.secret.placeholder == zh("widgets.secret.set")
    for english_text in ("Signature explorer", "Signed string", "Hint:", "must be"):
        assert english_text not in chinese
    assert (explorer.phone.value, explorer.code_type.value, explorer.random.value,
            explorer.ts.value) == values and explorer.signature == signature
    snapshot = explorer.static_html()
    assert zh("widgets.snapshot") in snapshot and zh("validation.phone.prefix") in snapshot
    explorer.phone.value = "13800138000"  # typing in Chinese: the advice is in Chinese
    assert zh("validation.phone.prefix") not in " ".join(visible_texts(explorer))
    explorer.language_toggle.value = "en"  # the toggle as a person clicks it
    assert en("explorer.title") in " ".join(visible_texts(explorer))
    assert en("widgets.snapshot") in explorer.static_html()


def test_builder_switches_its_labels_and_the_response_panel() -> None:
    with Sandbox(clock=FixedClock(NOW)) as sandbox:
        domain = sandbox.demo_domain
        builder = RequestBuilder(base_url=sandbox.base_url, user_domain=domain,
                                 secret=sandbox.secret_for(domain), phone="13800138000",
                                 clock=sandbox.clock)
        builder.send.click()
        assert builder.last_result is not None and builder.last_result["outcome"] == "sent"
        assert en("outcome.headline.sent") in builder.response_html.value
        builder.language = "zh"
        assert builder.send.description == zh("builder.send")
        assert builder.now.description == zh("builder.now")
        assert builder.base_url.description == zh("builder.base_url")
        assert builder.code_type.value == 2 and "登录" in builder.code_type.label
        panel = re.sub(r"<[^>]+>", " ", builder.response_html.value)
        assert zh("outcome.headline.sent") in panel and zh("outcome.retry.sent") in panel
        assert "send again?" not in panel
        assert builder.phone.value == "13800138000"
        builder.phone.value = "12"
        builder.send.click()  # refused in Chinese, nothing sent
        problems = re.sub(r"<[^>]+>", " ", builder.problems_html.value)
        assert CJK.search(problems) and "Hint:" not in problems
        assert zh("outcome.headline.not_sent") in builder.response_html.value
        builder.language = "en"
        assert en("outcome.headline.not_sent") in builder.response_html.value
        assert builder.send.description == "Send" and builder.phone.value == "12"


def test_code_browser_switches_and_keeps_filter_search_and_choice() -> None:
    browser = ErrorCodeBrowser(category="check_credentials_or_clock", search="5420",
                               selected=5420)
    browser.language = "zh"
    assert (browser.category.value, browser.search.value, browser.code.value) == (
        "check_credentials_or_clock", "5420", 5420)
    detail = re.sub(r"<[^>]+>", " ", browser.detail_html.value)
    catalogue = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))
    row = next(entry for entry in catalogue["codes"] if entry["code"] == 5420)
    assert html.escape(row["cause"]["zh"]) in browser.detail_html.value
    assert html.escape(row["remedy"]["zh"]) in browser.detail_html.value
    assert zh("codes_widget.source.page") in detail or zh("codes_widget.source.platform") in detail
    assert browser.category.options[0][0] == zh("codes_widget.all")
    for english_text in ("retry safe", "Choose a code", "All categories", "remedy"):
        assert english_text not in " ".join(visible_texts(browser))
    browser.language = "en"
    assert browser.category.options[0][0] == "All categories" and browser.code.value == 5420


@pytest.mark.parametrize("bad", ["fr", ""])
def test_an_unknown_language_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="en, zh"):
        SignatureExplorer().language = bad
