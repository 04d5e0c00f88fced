"""The Voilà app (``notebooks/app.ipynb``) as someone who does not code sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.lab import full_screenshot
from tests.browser.servers import SCREENSHOTS, ServerProcess
from tests.browser.trainee import (
    assert_no_broken_widgets,
    assert_secret_not_in_page,
    exercise_error_codes,
    exercise_request_builder,
)
from tests.fixtures.sandbox import domain_secret

pytestmark = pytest.mark.browser

#: The app's builder talks to the sandbox's demo domain (smskit/data/sandbox_domains.json).
DEMO_DOMAIN = "sandbox-demo"
#: Voilà runs the whole notebook before the widgets appear (about 4 s here).
APP_TIMEOUT_MS = 90_000


def test_the_app_sends_a_code_and_explains_the_error_codes(page: Page,
                                                             voila_app: ServerProcess) -> None:
    page.goto(voila_app.url + "/", wait_until="domcontentloaded")
    builder = page.locator(".smskit-builder")
    codes = page.locator(".smskit-codes")
    expect(builder).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(codes).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(builder).to_have_count(1)
    expect(codes).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # An app, not a notebook: no code is shown.
    expect(page.locator(".jp-InputArea-editor")).to_have_count(0)
    assert "RequestBuilder(" not in page.locator("body").inner_text()
    assert_no_broken_widgets(page)
    secret = domain_secret(DEMO_DOMAIN)
    assert_secret_not_in_page(page, secret)
    expect(builder.locator(".smskit-builder-user-domain input")).to_have_value(DEMO_DOMAIN)

    exercise_request_builder(page, builder, secret=secret)
    exercise_error_codes(codes)

    assert_no_broken_widgets(page)
    full_screenshot(page, SCREENSHOTS / "app-voila.png", scroller="#rendered_cells")
