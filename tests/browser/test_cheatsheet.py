"""The cheat sheet in real headless Chromium: one A4 page per language, Chinese rendered.

Chromium prints each edition to PDF and the PDF's page objects are counted; the Chinese
edition is screenshotted (``test-artifacts/screenshots/cheatsheet-zh.png``) and its text
read back from the page. Any request other than the file itself fails the test: the sheet
must print on a machine without network.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from smskit.cli import main
from tests.browser.servers import SCREENSHOTS

pytestmark = pytest.mark.browser

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _open(page: Page, tmp_path: Path, language: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cheatsheet", "--lang", language]) == 0
    sheet = tmp_path / f"cheat-{language}.html"
    sheet.write_text(capsys.readouterr().out, encoding="utf-8")
    outside: list[str] = []

    def refuse(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!file://).*"), refuse)
    page.goto(sheet.as_uri())
    page.wait_for_load_state("load")
    assert outside == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_cheat_sheet_prints_on_one_a4_page(page: Page, tmp_path: Path, language: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _open(page, tmp_path, language, capsys)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (tmp_path / f"cheat-{language}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(_PAGE_OBJECT.findall(pdf)) == 1, "the sheet must fit one A4 page"


def test_the_chinese_sheet_renders_its_text(page: Page, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    page.set_viewport_size({"width": 820, "height": 1160})
    _open(page, tmp_path, "zh", capsys)
    text = page.locator("body").inner_text()
    for expected in ("签名规则", "用户域", "随机数", "毫秒时间戳", "国际代码", "短信类型",
                     "5420 签名验证失败", "SHA256(phone + codeType + random + ts + "
                     "userDomainSecret)", "adf0cd13"):
        assert expected in text
    # WenQuanYi Micro Hei is installed: the heading's glyphs come from a CJK font.
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "WenQuanYi Micro Hei" in family
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "cheatsheet-zh.png"), full_page=True)
