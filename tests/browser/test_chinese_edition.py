"""The Chinese edition in a Chinese JupyterLab: a trainee types and sends, all in Chinese.

JupyterLab runs with the zh_CN language pack chosen the way ``./kit lab --zh`` chooses it
(scripts/lab_language.py's setting), serving copies of ``notebooks/zh/`` without outputs.
For each widget notebook (02 explorer, 03 builder, 04 codes browser) the trainee runs all
cells, types, sends or searches; every label and message the widget shows is Chinese (no
English edition of a widget text from smskit/data/messages.json is in its DOM; API names such as
userDomain, codeType and curl stay), and the 中文 / English toggle switches it to English
live without losing what was typed. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import notebook_opener
from tests.browser.lab import LabNotebook
from tests.browser.servers import (
    NOTEBOOK_DIR,
    ROOT,
    SCREENSHOTS,
    ServerProcess,
    copy_notebooks,
    free_port,
    isolated_jupyter_env,
    jupyterlab_command,
)
from tests.browser.trainee import error_codes, expected_matches

sys.path.insert(0, str(ROOT / "scripts"))
from lab_language import LAB_LOCALES, SETTING

pytestmark = pytest.mark.browser

MESSAGES = json.loads((ROOT / "smskit/data/messages.json").read_text(encoding="utf-8"))["messages"]
MENUS_ZH = ["文件", "编辑", "查看", "运行", "内核", "标签页", "设置", "帮助"]
#: Widget texts that are the same in both editions (API names, or the word "English"
#: beside the English translation of the platform's message).
SAME_IN_BOTH = {"code", "English", "extMsg", ":", "(empty)"}
WIDGET_KEYS = ("explorer.", "builder.", "codes_widget.", "outcome.", "widgets.", "validation.",
               "fields.")


def english_texts() -> list[str]:
    """The English edition of every text a widget can show (the part before the first
    placeholder, when long enough to be telling)."""
    texts = []
    for key, editions in MESSAGES.items():
        if not key.startswith(WIDGET_KEYS):
            continue
        literal = editions["en"].split("{")[0].strip()
        # A formula of API names (signature = SHA256(...)) is part of both editions.
        if len(literal) >= 6 and literal not in SAME_IN_BOTH and literal not in editions["zh"]:
            texts.append(literal)
    return texts


def zh(key: str, **values: object) -> str:
    return MESSAGES[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def chinese_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    served = copy_notebooks(tmp_path_factory.mktemp("served-zh") / "notebooks",
                            source_dir=NOTEBOOK_DIR / "zh")
    home = tmp_path_factory.mktemp("jupyter-home-zh")
    env = isolated_jupyter_env(home)
    setting = home / "config" / "lab" / "user-settings" / SETTING
    setting.parent.mkdir(parents=True, exist_ok=True)
    setting.write_text(json.dumps({"locale": LAB_LOCALES["zh"]}), encoding="utf-8")
    port = free_port()
    server = ServerProcess("jupyterlab-zh", jupyterlab_command(port, served), env=env,
                           cwd=served, port=port)
    try:
        server.wait_ready("/api/status")
        yield server
    finally:
        server.stop()


@pytest.fixture
def chinese_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def open_chinese(chinese_page: Page,
                 chinese_lab: ServerProcess) -> Iterator[Callable[[str], LabNotebook]]:
    with notebook_opener(chinese_page, chinese_lab, NOTEBOOK_DIR / "zh") as open_:
        yield open_


def shown_text(widget: Locator) -> str:
    """What a person reads in the widget: its text, placeholders and option labels."""
    return str(widget.evaluate("""(root) => [root.innerText,
      ...Array.from(root.querySelectorAll('input, textarea')).map(e => e.placeholder),
      ...Array.from(root.querySelectorAll('option')).map(o => o.textContent),
      ...Array.from(root.querySelectorAll('button')).map(b => b.textContent)].join('\\n')"""))


def assert_all_chinese(widget: Locator) -> None:
    text = shown_text(widget)
    assert re.search(r"[\u4e00-\u9fff]", text)
    left = [english for english in english_texts() if english in text]
    assert left == [], f"English labels left in the Chinese widget: {left}"


def start(open_chinese: Callable[[str], LabNotebook], name: str, css: str) -> tuple[
        LabNotebook, Locator]:
    notebook = open_chinese(name)
    notebook.assert_ran_cleanly(notebook.run_all())
    expect(notebook.page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")).to_have_text(MENUS_ZH)
    widget = notebook.page.locator(f".jp-OutputArea-output {css}").first
    expect(widget).to_be_visible()
    return notebook, widget


def switch(widget: Locator, label: str) -> None:
    widget.locator(".smskit-language button", has_text=label).click()


def test_the_signature_explorer_in_chinese(open_chinese: Callable[[str], LabNotebook]) -> None:
    _notebook, explorer = start(open_chinese, "02-signature.ipynb", ".smskit-explorer")
    expect(explorer).to_contain_text(zh("explorer.title"))
    phone = explorer.locator(".smskit-explorer-phone input")
    ts = explorer.locator(".smskit-explorer-ts input")
    phone.fill("+8613800138000")
    ts.fill("1744773894")
    advice = explorer.locator(".smskit-explorer-advice")
    expect(advice.locator('[data-field="phone"]')).to_contain_text(zh("validation.phone.prefix"))
    expect(advice.locator('[data-field="ts"]')).to_contain_text(
        zh("fields.ts.seconds", number=1744773894, example=1744773894000))
    expect(explorer.locator(".smskit-explorer-digest")).to_contain_text(
        zh("explorer.no_signature"))
    assert_all_chinese(explorer)
    explorer.screenshot(path=str(SCREENSHOTS / "zh-02-explorer.png"))

    switch(explorer, "English")
    expect(explorer).to_contain_text("Signature explorer")
    expect(advice.locator('[data-field="phone"]')).to_contain_text(
        MESSAGES["validation.phone.prefix"]["en"])
    expect(phone).to_have_value("+8613800138000")
    expect(ts).to_have_value("1744773894")
    explorer.screenshot(path=str(SCREENSHOTS / "zh-02-explorer-switched-to-english.png"))
    switch(explorer, "中文")
    expect(explorer).to_contain_text(zh("explorer.title"))


def test_the_request_builder_in_chinese(open_chinese: Callable[[str], LabNotebook]) -> None:
    notebook, builder = start(open_chinese, "03-request-builder.ipynb", ".smskit-builder")
    phone = builder.locator(".smskit-builder-phone input")
    send = builder.locator("button.smskit-builder-send")
    response = builder.locator(".smskit-builder-response")
    expect(send).to_have_text(zh("builder.send"))

    builder.locator(".smskit-builder-random input").fill("freshrandom00001")
    phone.fill("+86 139-1234-5678")
    expect(builder.locator('.smskit-builder-problems li[data-field="phone"]')).to_contain_text(
        zh("validation.phone.prefix"))
    send.click()
    refused = response.locator('.smskit-response[data-status="not_sent"]')
    expect(refused).to_contain_text(zh("outcome.headline.not_sent"))
    expect(refused).to_contain_text(zh("outcome.retry.not_sent"))
    assert_all_chinese(builder)

    phone.fill("13912345678")
    expect(builder.locator(".smskit-builder-problems .smskit-advice-none")).to_contain_text(
        zh("builder.ready"))
    send.click()
    sent = response.locator('.smskit-response[data-status="sent"]')
    expect(sent).to_contain_text(zh("outcome.headline.sent"))
    expect(sent.locator('tr[data-row="zh"]')).to_contain_text(error_codes()[200]["zh"])
    expect(sent.locator('tr[data-row="cause"]')).to_contain_text(error_codes()[200]["cause"]["zh"])
    assert_all_chinese(builder)
    notebook.page.screenshot(path=str(SCREENSHOTS / "zh-03-builder-lab.png"))
    builder.screenshot(path=str(SCREENSHOTS / "zh-03-builder.png"))

    switch(builder, "English")
    expect(sent).to_contain_text("Sent")
    expect(sent.locator('tr[data-row="cause"]')).to_contain_text(error_codes()[200]["cause"]["en"])
    expect(send).to_have_text("Send")
    expect(phone).to_have_value("13912345678")
    builder.screenshot(path=str(SCREENSHOTS / "zh-03-builder-switched-to-english.png"))


def test_the_error_code_browser_in_chinese(open_chinese: Callable[[str], LabNotebook]) -> None:
    _notebook, browser_widget = start(open_chinese, "04-error-codes.ipynb", ".smskit-codes")
    search = browser_widget.locator(".smskit-codes-search input")
    rows = browser_widget.locator("tr.smskit-code-row")
    category = browser_widget.locator(".smskit-codes-category select")
    category.select_option(label=zh("codes_widget.all"))
    search.fill("频率")
    expect(rows).to_have_count(len(expected_matches("频率")))
    code = browser_widget.locator(".smskit-codes-code select")
    code.select_option(label=f"5058 {error_codes()[5058]['zh']} / {error_codes()[5058]['en']}")
    detail = browser_widget.locator('.smskit-code-detail[data-code="5058"]')
    row = error_codes()[5058]
    expect(detail.locator('tr[data-row="cause"]')).to_contain_text(row["cause"]["zh"])
    expect(detail.locator('tr[data-row="remedy"]')).to_contain_text(row["remedy"]["zh"])
    assert_all_chinese(browser_widget)
    browser_widget.screenshot(path=str(SCREENSHOTS / "zh-04-codes.png"))

    switch(browser_widget, "English")
    expect(detail.locator('tr[data-row="cause"]')).to_contain_text(row["cause"]["en"])
    expect(search).to_have_value("频率")
    expect(browser_widget).to_contain_text("All categories")
