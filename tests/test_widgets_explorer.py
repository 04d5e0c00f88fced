"""The signature explorer, driven from code: set values, read state."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import pytest

from smskit.clock import FixedClock
from smskit.widgets import SignatureExplorer

# The page's worked example, as printed on the page (its secret is published there).
PAGE_PHONE, PAGE_CODE_TYPE, PAGE_RANDOM, PAGE_TS = "13800138000", "3", "76a6L647F02CAoN9", \
    "1744773894369"
PAGE_SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
PAGE_SIGNED_STRING = (
    "13800138000376a6L647F02CAoN9174477389436957Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
CANARY = "canary-0x5EC12E7-not-for-display"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def walk(widget: Any) -> Iterator[Any]:
    """Every widget in a tree (boxes expose their children)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def private_explorer(**changes: str) -> SignatureExplorer:
    values = {"phone": "13912345678", "code_type": "2", "random": "Ab3dEf6hIj9kLm0n",
              "ts": "1764300000123", "secret": CANARY, **changes}
    return SignatureExplorer(**values)


def test_worked_example_gives_the_sha256_of_the_page_signed_string() -> None:
    explorer = SignatureExplorer.from_worked_example()
    assert explorer.signature == sha256(PAGE_SIGNED_STRING)
    assert explorer.signature != EMPTY_SHA256  # what the page printed
    assert sha256(PAGE_SIGNED_STRING) in explorer.digest_html.value
    assert explorer.warnings == []
    assert explorer.problems == []


def test_worked_example_fields_are_filled_in() -> None:
    explorer = SignatureExplorer.from_worked_example()
    assert (explorer.phone.value, explorer.code_type.value, explorer.random.value,
            explorer.ts.value, explorer.secret.value) == (
        PAGE_PHONE, PAGE_CODE_TYPE, PAGE_RANDOM, PAGE_TS, PAGE_SECRET)
    assert isinstance(explorer.secret, widgets.Password)


def test_segments_in_signing_order_with_the_secret_masked() -> None:
    state = SignatureExplorer.from_worked_example().state()
    fields = [segment["field"] for segment in state["segments"]]
    shown = [segment["shown"] for segment in state["segments"]]
    assert fields == ["phone", "codeType", "random", "ts", "userDomainSecret"]
    assert shown[:4] == [PAGE_PHONE, PAGE_CODE_TYPE, PAGE_RANDOM, PAGE_TS]
    assert shown[4] != PAGE_SECRET and PAGE_SECRET not in shown[4] and shown[4]
    # The visible part of the joined string is the page's string up to the secret.
    masked = state["masked_signed_string"]
    assert masked == PAGE_SIGNED_STRING[: -len(PAGE_SECRET)] + shown[4]


def test_segments_are_shown_in_the_html() -> None:
    explorer = SignatureExplorer.from_worked_example()
    html = explorer.segments_html.value
    for field, value in [("phone", PAGE_PHONE), ("random", PAGE_RANDOM), ("ts", PAGE_TS)]:
        assert f'data-field="{field}"' in html
        assert value in html
    assert PAGE_SECRET not in html


def test_every_change_recomputes_the_signature() -> None:
    explorer = SignatureExplorer.from_worked_example()
    explorer.random.value = "ZZZZZZZZZZZZZZZZ"
    assert explorer.signature == sha256(
        f"{PAGE_PHONE}{PAGE_CODE_TYPE}ZZZZZZZZZZZZZZZZ{PAGE_TS}{PAGE_SECRET}")
    explorer.secret.value = "other"
    assert explorer.signature == sha256(
        f"{PAGE_PHONE}{PAGE_CODE_TYPE}ZZZZZZZZZZZZZZZZ{PAGE_TS}other")
    assert explorer.signature in explorer.digest_html.value


def test_update_sets_several_fields_at_once() -> None:
    explorer = SignatureExplorer()
    assert explorer.signature is None  # nothing to sign yet
    explorer.update(phone="13912345678", code_type=2, random="Ab3dEf6hIj9kLm0n",
                    ts=1764300000123, secret="s")
    assert explorer.code_type.value == "2" and explorer.ts.value == "1764300000123"
    assert explorer.signature == sha256("139123456782Ab3dEf6hIj9kLm0n1764300000123s")


def test_update_refuses_unknown_fields() -> None:
    with pytest.raises(TypeError, match="unknown field"):
        SignatureExplorer().update(signature="x")


MISTAKES = [
    pytest.param("ts", "1744773894", "ts", "seconds", id="ts-in-seconds"),
    pytest.param("ts", "1744773894369000", "ts", "microseconds", id="ts-in-microseconds"),
    pytest.param("phone", "+8613800138000", "phone", "internationalCode", id="plus86"),
    pytest.param("phone", "008613800138000", "phone", "internationalCode", id="0086"),
    pytest.param("random", "76a6L647F02CAoN", "random", "16", id="random-15-chars"),
    pytest.param("random", " 76a6L647F02CAoN9", "random", "whitespace", id="random-space"),
    pytest.param("phone", "13800138000 ", "phone", "whitespace", id="phone-space"),
    pytest.param("ts", " 1744773894369", "ts", "whitespace", id="ts-space"),
    pytest.param("secret", PAGE_SECRET + "\n", "userDomainSecret", "whitespace",
                 id="secret-newline"),
    pytest.param("code_type", "login", "codeType", "code type 2", id="codetype-login"),
    pytest.param("code_type", "登录", "codeType", "code type 2", id="codetype-登录"),
    pytest.param("phone", "138 0013 8000", "phone", "13800138000", id="phone-spaces"),
    pytest.param("phone", "138-0013-8000", "phone", "13800138000", id="phone-dashes"),
]


@pytest.mark.parametrize(("widget_name", "value", "field", "word"), MISTAKES)
def test_each_common_mistake_shows_a_warning_that_goes_away_when_fixed(
    widget_name: str, value: str, field: str, word: str
) -> None:
    explorer = SignatureExplorer.from_worked_example()
    box = getattr(explorer, widget_name)
    original = box.value
    box.value = value
    assert [w.field for w in explorer.warnings] == [field]
    assert word in f"{explorer.warnings[0].rule} {explorer.warnings[0].hint}"
    assert f'data-field="{field}"' in explorer.warnings_html.value
    assert explorer.state()["warnings"][0]["field"] == field

    box.value = original
    assert explorer.warnings == []
    assert "data-field=" not in explorer.warnings_html.value
    assert explorer.signature == sha256(PAGE_SIGNED_STRING)


def test_warnings_do_not_stop_the_signature_when_the_values_can_be_signed() -> None:
    # A 15-character random still hashes: the explorer shows what would be sent.
    explorer = SignatureExplorer.from_worked_example()
    explorer.random.value = "76a6L647F02CAoN"
    assert explorer.signature == sha256(PAGE_SIGNED_STRING.replace("CAoN9", "CAoN", 1))
    assert explorer.problems == []


def test_values_that_cannot_be_signed_give_no_signature_and_say_why() -> None:
    explorer = SignatureExplorer.from_worked_example()
    explorer.code_type.value = "login"
    assert explorer.signature is None
    assert [p.field for p in explorer.problems] == ["codeType"]
    assert explorer.state()["segments"] == []
    assert "codeType" in explorer.segments_html.value
    assert "no signature" in explorer.digest_html.value


def test_a_clock_turns_on_the_ten_minute_check() -> None:
    explorer = SignatureExplorer.from_worked_example(clock=FixedClock(int(PAGE_TS) + 11 * 60_000))
    assert [w.field for w in explorer.warnings] == ["ts"]
    assert "10 minutes" in explorer.warnings[0].rule


def test_international_code_setting_judges_the_phone() -> None:
    # 13800138000 is a mainland China mobile number, not a UK one.
    explorer = SignatureExplorer.from_worked_example(international_code="44")
    assert [(w.field, w.severity) for w in explorer.warnings] == [("phone", "warning")]


# -- the secret -------------------------------------------------------------------------


def test_secret_is_only_in_the_password_widget() -> None:
    explorer = private_explorer()
    passwords = [w for w in walk(explorer.widget) if isinstance(w, widgets.Password)]
    assert passwords == [explorer.secret]
    assert explorer.secret.value == CANARY  # kernel-side, where signing reads it
    checked = 0
    for widget in walk(explorer.widget):  # what the browser and a saved notebook get
        assert CANARY not in json.dumps(widget.get_state(), ensure_ascii=False)
        checked += 1
    assert checked >= 10
    assert CANARY not in json.dumps(widgets.Widget.get_manager_state(), ensure_ascii=False)


def test_secret_is_not_in_repr_state_or_display() -> None:
    explorer = private_explorer(secret=CANARY + " ")  # with a warning about it too
    assert explorer.warnings
    texts = [repr(explorer), str(explorer.state()), repr(explorer.warnings),
             repr(explorer.segments), json.dumps(explorer._repr_mimebundle_())]
    for text in texts:
        assert CANARY not in text
    assert "secret=set" in repr(explorer)


def test_display_bundle_is_the_widget_view_with_a_short_text_repr() -> None:
    explorer = SignatureExplorer.from_worked_example()
    bundle = explorer._repr_mimebundle_()
    assert bundle is not None
    assert bundle["text/plain"] == repr(explorer)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        explorer.widget.model_id


def test_same_inputs_give_identical_state_repr_and_html() -> None:
    first, second = SignatureExplorer.from_worked_example(), SignatureExplorer.from_worked_example()
    assert first.state() == second.state()
    assert repr(first) == repr(second)
    for a, b in zip(walk(first.widget), walk(second.widget), strict=True):
        if isinstance(a, widgets.HTML):
            assert a.value == b.value


def test_stable_css_hooks_for_browser_tests() -> None:
    explorer = SignatureExplorer.from_worked_example()
    classes = {name for widget in walk(explorer.widget) for name in widget._dom_classes}
    assert {"smskit-explorer", "smskit-explorer-phone", "smskit-explorer-code-type",
            "smskit-explorer-random", "smskit-explorer-ts", "smskit-explorer-secret",
            "smskit-explorer-segments", "smskit-explorer-digest",
            "smskit-explorer-warnings"} <= classes


def test_importing_smskit_does_not_import_widgets() -> None:
    code = ("import sys, smskit; "
            "print(any(m == 'ipywidgets' or m.startswith('smskit.widgets') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "False"
