"""Each widget's static HTML snapshot: what a page without a kernel shows (the docs site).

It shows the current state, is deterministic (nbval compares ``text/html``) and never
carries the secret: the password field is masked dots, whatever the secret's length.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
import uuid
from pathlib import Path

import pytest

from smskit import FixedClock
from smskit.widgets import ErrorCodeBrowser, RequestBuilder, SignatureExplorer
from smskit.widgets._common import WidgetView

ROOT = Path(__file__).resolve().parents[1]
CANARY = f"canary-{uuid.uuid4().hex}"
NOW_MS = 1_795_867_200_000
BASE_URL = "http://127.0.0.1:9"


def _builder(secret: str = CANARY, phone: str = "13800138000") -> RequestBuilder:
    return RequestBuilder(base_url=BASE_URL, user_domain="sandbox-demo", secret=secret,
                          phone=phone, clock=FixedClock(NOW_MS),
                          random_source=random.Random(7))


def _widgets(secret: str) -> list[WidgetView]:
    return [SignatureExplorer(phone="13800138000", code_type="3", random="76a6L647F02CAoN9",
                              ts="1744773894369", secret=secret),
            _builder(secret), ErrorCodeBrowser(selected=5058)]


@pytest.mark.parametrize("index", range(3), ids=["explorer", "builder", "codes"])
def test_the_snapshot_is_in_the_display_data_and_never_the_secret(index: int) -> None:
    widget = _widgets(CANARY)[index]
    bundle = widget._repr_mimebundle_()
    assert bundle["text/html"] == widget.static_html()
    assert bundle["text/html"].startswith('<div class="smskit-static ')
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live view stays
    assert CANARY not in json.dumps(bundle, ensure_ascii=False)


def _secret_row(snapshot: str) -> str:
    found = re.search(r'<tr data-field="userDomainSecret">.*?</tr>', snapshot)
    assert found, snapshot
    return found.group(0)


def test_the_secret_is_dots_of_one_length_whatever_it_is() -> None:
    for short, long in zip(_widgets("s")[:2], _widgets("S" * 64)[:2], strict=True):
        row = _secret_row(short.static_html())
        assert "<code>•••••••• (set, hidden)</code>" in row
        assert row == _secret_row(long.static_html())


def test_the_snapshot_is_deterministic() -> None:
    first = [widget.static_html() for widget in _widgets(CANARY)]
    assert first == [widget.static_html() for widget in _widgets(CANARY)]


def test_the_explorer_snapshot_shows_the_worked_example_signature() -> None:
    example = json.loads((ROOT / "smskit/data/worked_example.json").read_text(encoding="utf-8"))
    inputs = example["inputs"]
    joined = (f"{inputs['phone']}{inputs['codeType']}{inputs['random']}{inputs['ts']}"
              f"{inputs['userDomainSecret']}")
    expected = hashlib.sha256(joined.encode()).hexdigest()
    snapshot = SignatureExplorer.from_worked_example().static_html()
    assert f'<code class="smskit-signature">{expected}</code>' in snapshot
    assert inputs["userDomainSecret"] not in snapshot


def test_the_builder_snapshot_shows_the_curl_command_and_its_signature() -> None:
    builder = _builder()
    request = builder.request
    assert request is not None
    q = request.query()
    expected = hashlib.sha256(
        f"{q['phone']}{q['codeType']}{q['random']}{q['ts']}{CANARY}".encode()).hexdigest()
    snapshot = builder.static_html()
    assert '<pre class="smskit-static-curl"' in snapshot
    assert f"signature={expected}" in html.unescape(snapshot)
    assert "No request sent yet" in snapshot


def test_the_builder_snapshot_shows_the_problems_and_no_curl_when_invalid() -> None:
    snapshot = _builder(phone="+86 138-0013-8000").static_html()
    assert 'data-field="phone"' in snapshot and "smskit-advice-error" in snapshot
    assert "smskit-static-curl" not in snapshot


def test_the_codes_snapshot_shows_the_filter_table_and_detail() -> None:
    browser = ErrorCodeBrowser(search="签名")
    browser.select(5420)
    snapshot = browser.static_html()
    assert '<tr data-field="search"' in snapshot and "<code>签名</code>" in snapshot
    assert '<div class="smskit-code-detail" data-code="5420"' in snapshot
    assert 'data-code="5058"' not in snapshot  # filtered out


def test_the_snapshot_carries_the_last_outcome_as_the_response_panel() -> None:
    builder = _builder(secret="wrong-secret-for-the-sandbox")
    builder.phone.value = "bad"
    builder.send.click()  # refused by the kit: nothing is sent
    assert builder.last_result is not None and builder.last_result["outcome"] == "not_sent"
    assert '<div class="smskit-response smskit-response-not_sent"' in builder.static_html()
