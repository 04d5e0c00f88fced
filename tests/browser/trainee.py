"""What a trainee does with each widget, in the browser, and what they must see.

Expectations come from ``smskit/data/`` read directly (the page's codes and messages) and from
``hashlib`` (signatures), never from smskit. Everything is asserted on the rendered DOM
(``smskit-*`` classes and ``data-*`` attributes of the widgets' HTML).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.browser.servers import ROOT

#: A valid mainland mobile number that the notebooks' own examples are unlikely to use, so
#: that the sandbox's rate limit (per phone and codeType) has not been touched before.
PHONE = "13612345670"
#: The common mistake: the country prefix typed into the phone field.
PHONE_WITH_PREFIX = "+86 13612345670"
#: codeType 3 is registration (注册) on the page.
CODE_TYPE = 3
#: Page codes this walk-through expects to see (page facts, read from smskit/data/).
OK, PHONE_FORMAT, RATE_LIMITED = 200, 5019, 5058


@cache
def error_codes() -> dict[int, dict[str, Any]]:
    rows = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))
    return {row["code"]: row for row in rows["codes"]}


def expected_matches(needle: str) -> list[int]:
    """Codes whose number, Chinese or English message, cause or remedy contain ``needle``
    (case-insensitively), computed from the data file."""
    wanted = needle.strip().casefold()
    return [code for code, row in error_codes().items()
            if wanted in " ".join((str(code), row["zh"], row["en"], row["cause"]["en"],
                                   row["remedy"]["en"])).casefold()]


def page_signature(*, phone: str, code_type: str, random: str, ts: str, secret: str) -> str:
    """SHA256(phone + codeType + random + ts + userDomainSecret), as the page defines it."""
    return hashlib.sha256(f"{phone}{code_type}{random}{ts}{secret}".encode()).hexdigest()


def assert_no_broken_widgets(page: Page) -> None:
    broken = page.get_by_text("Error displaying widget")
    assert broken.count() == 0, broken.first.inner_text()


def assert_secret_not_in_page(page: Page, secret: str) -> None:
    """Not in the DOM, its text, or any field's current value (what a person typed into a
    password field is theirs and stays there; it is checked separately where it matters)."""
    values = page.evaluate("""() => Array.from(
      document.querySelectorAll('input:not([type=password]), textarea')).map(e => e.value)""")
    assert secret not in page.content()
    assert secret not in page.locator("body").inner_text()
    assert not [value for value in values if secret in value]


# -- the request builder --------------------------------------------------------------------


def exercise_request_builder(page: Page, builder: Locator, *, secret: str | None) -> None:
    """Mistype the phone and try to send; fix it, pick a code type, send; send again.

    ``secret``: the userDomainSecret the builder holds, when the test knows it (the app's
    sandbox domain); the curl command's signature is then checked with ``hashlib``.
    """
    phone = builder.locator(".smskit-builder-phone input")
    code_type = builder.locator(".smskit-builder-code-type select")
    send = builder.locator("button.smskit-builder-send")
    advice = builder.locator(".smskit-builder-problems")
    curl = builder.locator(".smskit-builder-curl textarea")
    response = builder.locator(".smskit-builder-response")
    expect(send).to_be_visible()
    if secret is not None:  # given in code: it never reaches the browser, not even masked
        expect(builder.locator(".smskit-builder-secret input")).to_have_value("")

    # 1. The country prefix in the phone field: the field is flagged, Send sends nothing.
    phone.fill(PHONE_WITH_PREFIX)
    flagged = advice.locator('li.smskit-advice-error[data-field="phone"]')
    expect(flagged).to_be_visible()
    expect(flagged).to_contain_text(str(PHONE_FORMAT))
    expect(flagged).to_contain_text(error_codes()[PHONE_FORMAT]["zh"])
    expect(curl).to_have_value("")
    send.click()
    refused = response.locator('.smskit-response[data-status="not_sent"]')
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("Not sent")
    expect(refused).to_contain_text("Nothing was sent")
    expect(refused.locator('tr[data-row="problems"]')).to_contain_text("phone")

    # 2. Fixed, with a code type picked from the list: ready, and the curl command is
    # signed as the page says.
    phone.fill(PHONE)
    code_type.select_option(value=_option_value(code_type, str(CODE_TYPE)))
    expect(advice.locator(".smskit-advice-error")).to_have_count(0)
    expect(curl).to_have_value(re.compile(rf"[?&]phone={PHONE}(&|')"))
    expect(curl).to_have_value(re.compile(rf"[?&]codeType={CODE_TYPE}(&|')"))
    query = _curl_query(curl.input_value())
    assert query["phone"] == PHONE and query["internationalCode"] == "86"
    assert "userDomainSecret" not in query
    if secret is not None:
        assert query["signature"] == page_signature(
            phone=PHONE, code_type=str(CODE_TYPE), random=query["random"], ts=query["ts"],
            secret=secret)
        assert_secret_not_in_page(page, secret)

    # 3. Send: the sandbox's answer, explained in Chinese (verbatim) and English.
    send.click()
    sent = response.locator(f'.smskit-response[data-code="{OK}"]')
    expect(sent).to_be_visible()
    expect(sent).to_have_attribute("data-status", "sent")
    expect(sent.locator('tr[data-row="zh"]')).to_contain_text(error_codes()[OK]["zh"])
    expect(sent.locator('tr[data-row="en"]')).to_contain_text(error_codes()[OK]["en"])

    # 4. Send again at once: the sandbox's rate limit (one code per phone and codeType per
    # minute, smskit/data/sandbox_policy.json) answers 5058, shown with what to do about it.
    send.click()
    limited = response.locator(f'.smskit-response[data-code="{RATE_LIMITED}"]')
    expect(limited).to_be_visible()
    expect(limited).to_have_attribute("data-status", "api_error")
    row = error_codes()[RATE_LIMITED]
    expect(limited.locator('tr[data-row="msg"]')).to_contain_text(row["zh"])
    expect(limited.locator('tr[data-row="en"]')).to_contain_text(row["en"])
    expect(limited.locator('tr[data-row="remedy"]')).to_contain_text(row["remedy"]["en"])
    if secret is not None:
        assert_secret_not_in_page(page, secret)


def _option_value(select: Locator, label_start: str) -> str:
    """The value of the first option whose label starts with ``label_start`` followed by
    whitespace or the end (waiting for it: options arrive with the model's updates)."""
    words = r"\s+".join(re.escape(word) for word in label_start.split())  # ipywidgets: &nbsp;
    pattern = re.compile(rf"^\s*{words}(\s|$)")
    option = select.locator("option").filter(has_text=pattern).first
    expect(option).to_be_attached()
    value = option.get_attribute("value")
    assert value is not None, label_start
    return value


def _curl_query(command: str) -> dict[str, str]:
    match = re.search(r"'(https?://[^']+)'", command)
    assert match, command
    query = parse_qs(urlsplit(match.group(1)).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


# -- the error-code browser -----------------------------------------------------------------


def exercise_error_codes(browser_widget: Locator, *, chinese: str = "频率",
                         english: str = "signature", pick: int = RATE_LIMITED) -> None:
    """See every code, search in Chinese and in English, pick a code for cause and remedy."""
    category = browser_widget.locator(".smskit-codes-category select")
    search = browser_widget.locator(".smskit-codes-search input")
    code = browser_widget.locator(".smskit-codes-code select")
    rows = browser_widget.locator("tr.smskit-code-row")

    category.select_option(value=_option_value(category, "All categories"))
    search.fill("")
    expect(rows).to_have_count(len(error_codes()))
    assert _shown(rows) == list(error_codes())

    for needle in (chinese, english):
        expected = expected_matches(needle)
        assert expected, f"the data has no code matching {needle!r}: pick another word"
        search.fill(needle)
        expect(rows).to_have_count(len(expected))
        assert sorted(_shown(rows)) == sorted(expected), needle

    search.fill(chinese)
    assert pick in expected_matches(chinese)
    expect(rows).to_have_count(len(expected_matches(chinese)))
    code.select_option(value=_option_value(code, str(pick)))
    detail = browser_widget.locator(f'.smskit-code-detail[data-code="{pick}"]')
    expect(detail).to_be_visible()
    row = error_codes()[pick]
    expect(detail.locator('tr[data-row="zh"]')).to_contain_text(row["zh"])
    expect(detail.locator('tr[data-row="en"]')).to_contain_text(row["en"])
    expect(detail.locator('tr[data-row="cause"]')).to_contain_text(row["cause"]["en"])
    expect(detail.locator('tr[data-row="remedy"]')).to_contain_text(row["remedy"]["en"])
    expect(browser_widget.locator(f'tr.smskit-code-selected[data-code="{pick}"]')) \
        .to_be_visible()


def _shown(rows: Locator) -> list[int]:
    return [int(code) for code in rows.evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-code'))")]
