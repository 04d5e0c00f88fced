"""03-request-builder in JupyterLab: Run All, then use the request builder as a trainee."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.lab import LabNotebook
from tests.browser.servers import SCREENSHOTS
from tests.browser.trainee import (
    assert_no_broken_widgets,
    assert_secret_not_in_page,
    exercise_request_builder,
)
from tests.fixtures.sandbox import domain_secret

pytestmark = pytest.mark.browser

NAME = "03-request-builder.ipynb"


def test_the_request_builder_sends_and_refuses_in_the_browser(
        open_notebook: Callable[[str], LabNotebook]) -> None:
    notebook = open_notebook(NAME)
    notebook.assert_ran_cleanly(notebook.run_all())
    page = notebook.page
    # The notebook may display the builder more than once; every view is the same widget.
    builder = page.locator(".jp-OutputArea-output .smskit-builder").first
    expect(builder).to_be_visible()
    assert_no_broken_widgets(page)
    secret = domain_secret("sandbox-demo")
    assert_secret_not_in_page(page, secret)

    exercise_request_builder(page, builder, secret=secret)

    notebook.screenshot(SCREENSHOTS / f"{NAME.removesuffix('.ipynb')}.png")
