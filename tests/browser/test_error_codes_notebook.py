"""04-error-codes in JupyterLab: the styled catalogue and the error-code browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.lab import LabNotebook
from tests.browser.servers import SCREENSHOTS
from tests.browser.trainee import assert_no_broken_widgets, error_codes, exercise_error_codes

pytestmark = pytest.mark.browser

NAME = "04-error-codes.ipynb"
#: ``frames.catalogue_table()`` fixes the Styler's ids with this uuid (``T_<uuid>``).
CATALOGUE_TABLE = "table#T_smskit-catalogue"


def test_the_catalogue_renders_and_the_code_browser_searches(
        open_notebook: Callable[[str], LabNotebook]) -> None:
    notebook = open_notebook(NAME)
    notebook.assert_ran_cleanly(notebook.run_all())
    page = notebook.page
    assert_no_broken_widgets(page)

    # The styled pandas table: one row per code in smskit/data/error_codes.json, tinted.
    table = page.locator(f".jp-OutputArea-output {CATALOGUE_TABLE}")
    expect(table).to_have_count(1)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(error_codes()))
    shown = [int(text) for text in rows.locator("th").all_inner_texts()]
    assert shown == list(error_codes())
    for code, row in error_codes().items():
        expect(rows.nth(shown.index(code))).to_contain_text(row["zh"])
    backgrounds = table.locator("tbody td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).backgroundColor)")
    assert any(colour not in ("rgba(0, 0, 0, 0)", "transparent") for colour in backgrounds), \
        "the Styler's colours did not reach the page"

    widget = page.locator(".jp-OutputArea-output .smskit-codes").first
    expect(widget).to_be_visible()
    exercise_error_codes(widget)

    notebook.screenshot(SCREENSHOTS / f"{NAME.removesuffix('.ipynb')}.png")
