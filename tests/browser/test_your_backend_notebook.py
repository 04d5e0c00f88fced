"""07-your-backend in JupyterLab: a trainee pastes a wrong URL into the checker and sees the
mistake named."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.lab import LabNotebook
from tests.browser.servers import ROOT, SCREENSHOTS
from tests.browser.trainee import assert_no_broken_widgets, assert_secret_not_in_page

pytestmark = pytest.mark.browser

NAME = "07-your-backend.ipynb"
DOMAINS = json.loads((ROOT / "smskit/data/sandbox_domains.json").read_text(encoding="utf-8"))
SECRET = next(row["secret"] for row in DOMAINS["domains"] if row["name"] == "sandbox-demo")
MISTAKES = {row["id"]: row for row in json.loads(
    (ROOT / "smskit/data/signature_mistakes.json").read_text(encoding="utf-8"))["mistakes"]}


def _url_signed_without_the_secret() -> str:
    """What a backend that forgot to append the secret sends (signed here with hashlib)."""
    phone, code_type, random_text, ts = "13912345678", "2", "Zx81Qw27Er63Ty45", "1795867200000"
    signature = hashlib.sha256(f"{phone}{code_type}{random_text}{ts}".encode()).hexdigest()
    query = {"codeType": code_type, "internationalCode": "86", "phone": phone,
             "random": random_text, "signature": signature, "ts": ts,
             "userDomain": "sandbox-demo"}
    return ("https://iot-api.quectelcn.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?"
            + urlencode(query))


def _url(phone_sent: str, phone_signed: str, code_signed: str = "2") -> str:
    """A request whose signature covers ``phone_signed`` and ``code_signed`` (hashlib)."""
    random_text, ts = "Zx81Qw27Er63Ty45", "1795867200000"
    signature = hashlib.sha256(
        f"{phone_signed}{code_signed}{random_text}{ts}{SECRET}".encode()).hexdigest()
    return ("https://iot-api.quectelcn.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?"
            f"codeType=2&internationalCode=86&phone={phone_sent}&random={random_text}"
            f"&signature={signature}&ts={ts}&userDomain=sandbox-demo")


def test_a_trainee_pastes_a_wrong_url_and_sees_the_mistake_named(
        open_notebook: Callable[[str], LabNotebook]) -> None:
    """The secret left out is named; then, in the same run of the notebook (one Run All for
    both checks), no false green: a right signature on a phone the platform refuses (5019)
    is red and says so; a codeType signed as "02" is named from the grammar, not the
    catalogue."""
    notebook = open_notebook(NAME)
    notebook.assert_ran_cleanly(notebook.run_all())
    page = notebook.page
    checker = page.locator(".jp-OutputArea-output .smskit-checker").first
    expect(checker).to_be_visible()
    assert_no_broken_widgets(page)
    verdict = checker.locator(".smskit-checker-verdict")
    # As the notebook leaves it: the log line's uppercase signature, named.
    expect(verdict).to_have_attribute("data-mistake", "uppercase-hex")

    checker.locator(".smskit-checker-url textarea").fill(_url_signed_without_the_secret())
    checker.locator(".smskit-checker-secret input").fill(SECRET)
    checker.locator("button.smskit-checker-check").click()
    expect(verdict).to_have_attribute("data-mistake", "secret-left-out")
    expect(verdict).to_have_attribute("data-verdict", "known_mistake")
    expect(verdict).to_contain_text(MISTAKES["secret-left-out"]["title_en"])
    expect(verdict).to_contain_text(MISTAKES["secret-left-out"]["fix_en"])
    expect(verdict).to_contain_text("5420")
    assert_secret_not_in_page(page, SECRET)

    notebook.screenshot(SCREENSHOTS / f"{NAME.removesuffix('.ipynb')}.png")

    checker.locator(".smskit-checker-url textarea").fill(_url("139+1234+5678", "139 1234 5678"))
    checker.locator("button.smskit-checker-check").click()
    expect(verdict).to_have_attribute("data-answer", "5019")
    expect(verdict).to_have_attribute("data-verdict", "correct")
    expect(verdict).to_contain_text("The signature is right, but the platform would answer "
                                    "5019 手机号格式不正确")
    checker.screenshot(path=str(SCREENSHOTS / "07-your-backend-checker-refused.png"))

    checker.locator(".smskit-checker-url textarea").fill(
        _url("13912345678", "13912345678", code_signed="02"))
    checker.locator("button.smskit-checker-check").click()
    expect(verdict).to_have_attribute("data-mistake", "code-type-padded")
    expect(verdict).to_have_attribute("data-answer", "5420")
    expect(verdict).to_contain_text("codeType signed zero-padded as 02 while 2 was sent")
    assert_secret_not_in_page(page, SECRET)
    checker.screenshot(path=str(SCREENSHOTS / "07-your-backend-checker-composed.png"))
