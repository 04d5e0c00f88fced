"""02-signature in JupyterLab: the signature explorer recomputes as a trainee types."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.lab import LabNotebook
from tests.browser.servers import ROOT, SCREENSHOTS
from tests.browser.trainee import assert_no_broken_widgets, assert_secret_not_in_page
from tests.browser.trainee import page_signature as expected_signature

pytestmark = pytest.mark.browser

NAME = "02-signature.ipynb"
#: The page's worked example; its secret is published on the page, so it may be shown.
EXAMPLE = json.loads((ROOT / "smskit/data/worked_example.json").read_text(encoding="utf-8"))
#: SHA-256 of zero bytes: what the page printed by mistake.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#: What a trainee types into the secret field (never shown back).
TYPED_SECRET = "trainee-typed-secret-7f3a9c"
NEW_PHONE = "13912345678"


def _fields(explorer: Locator) -> dict[str, Locator]:
    return {name: explorer.locator(f".smskit-explorer-{name} input")
            for name in ("phone", "code-type", "random", "ts", "secret")}


def _values(fields: dict[str, Locator]) -> dict[str, str]:
    return {"phone": fields["phone"].input_value(),
            "code_type": fields["code-type"].input_value(),
            "random": fields["random"].input_value(), "ts": fields["ts"].input_value()}


def test_the_signature_explorer_updates_and_warns_in_the_browser(
        open_notebook: Callable[[str], LabNotebook]) -> None:
    notebook = open_notebook(NAME)
    notebook.assert_ran_cleanly(notebook.run_all())
    page = notebook.page
    explorer = page.locator(".jp-OutputArea-output .smskit-explorer").first
    expect(explorer).to_be_visible()
    assert_no_broken_widgets(page)
    fields = _fields(explorer)
    signature = explorer.locator(".smskit-explorer-digest .smskit-signature")

    # As the notebook leaves it: the page's example, signed correctly (not the page's
    # printed SHA-256 of nothing).
    inputs = EXAMPLE["inputs"]
    expect(fields["phone"]).to_have_value(inputs["phone"])
    expect(fields["ts"]).to_have_value(str(inputs["ts"]))
    example_signature = expected_signature(
        **_values(fields), secret=inputs["userDomainSecret"])
    expect(signature).to_have_text(example_signature)
    assert example_signature != EMPTY_SHA256

    # The trainee types their own secret: the signature follows; the secret is not shown.
    fields["secret"].fill(TYPED_SECRET)
    expect(signature).to_have_text(expected_signature(**_values(fields), secret=TYPED_SECRET))
    masked = explorer.locator(".smskit-masked-string")
    expect(masked).to_contain_text(inputs["random"])
    assert TYPED_SECRET not in masked.inner_text()
    assert_secret_not_in_page(page, TYPED_SECRET)

    # ... changes a field: the segments, the signed string and the signature update.
    fields["phone"].fill(NEW_PHONE)
    expect(explorer.locator('.smskit-segments-table tr[data-field="phone"]')) \
        .to_contain_text(NEW_PHONE)
    expect(masked).to_contain_text(NEW_PHONE)
    expect(signature).to_have_text(expected_signature(**_values(fields), secret=TYPED_SECRET))
    expect(explorer.locator(".smskit-explorer-warnings .smskit-advice")).to_have_count(0)

    # ... types ts in seconds: a warning on ts naming the mistake, and no signature.
    seconds = str(inputs["ts"] // 1000)
    fields["ts"].fill(seconds)
    warning = explorer.locator('.smskit-explorer-warnings li.smskit-advice[data-field="ts"]')
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("seconds")
    expect(warning).to_contain_text(f"{seconds}000")
    expect(signature).to_have_count(0)
    expect(explorer.locator(".smskit-explorer-digest")).to_contain_text("no signature")

    # ... and fixes it: the signature is back.
    fields["ts"].fill(str(inputs["ts"]))
    expect(warning).to_have_count(0)
    expect(signature).to_have_text(expected_signature(**_values(fields), secret=TYPED_SECRET))
    assert_secret_not_in_page(page, TYPED_SECRET)

    notebook.screenshot(SCREENSHOTS / f"{NAME.removesuffix('.ipynb')}.png")
