"""The signature checker widget, driven from code: paste, set the secret, click, read.

Wrong signatures are made here with hashlib; the expected mistake ids and texts are read from
``smskit/data/signature_mistakes.json`` directly.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import ipywidgets as widgets

from smskit.widgets.checker import SignatureChecker

DATA = Path(__file__).resolve().parents[1] / "smskit" / "data"
MISTAKES = {row["id"]: row for row in json.loads(
    (DATA / "signature_mistakes.json").read_text(encoding="utf-8"))["mistakes"]}
CANARY = "canary-checker-5ecret-0x7A11"
PHONE, CODE_TYPE, RANDOM, TS = "13800138000", "3", "76a6L647F02CAoN9", "1744773894369"


def _url(signature: str) -> str:
    query = {"codeType": CODE_TYPE, "internationalCode": "86", "phone": PHONE,
             "random": RANDOM, "signature": signature, "ts": TS, "userDomain": "demo"}
    return "https://iot-api.example.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?" + urlencode(query)


def _right(secret: str = CANARY) -> str:
    return hashlib.sha256(f"{PHONE}{CODE_TYPE}{RANDOM}{TS}{secret}".encode()).hexdigest()


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def _checked(url: str, secret: str = CANARY, **options: Any) -> SignatureChecker:
    checker = SignatureChecker(**options)
    checker.url.value = url
    checker.secret.value = secret
    checker.click()
    return checker


def test_an_uppercase_signature_is_named_with_its_fix() -> None:
    checker = _checked(_url(_right().upper()), language="en")
    result = checker.result
    assert result is not None and result["verdict"] == "known_mistake"
    assert result["mistake"]["id"] == "uppercase-hex"
    assert result["mistake"]["fix"] == MISTAKES["uppercase-hex"]["fix_en"]
    panel = checker.result_html.value
    assert 'data-verdict="known_mistake"' in panel and 'data-mistake="uppercase-hex"' in panel
    assert "5420 签名验证失败" in panel


def test_a_secret_with_a_newline_is_named_in_chinese() -> None:
    checker = _checked(f"POST {_url(_right(CANARY + chr(10)))} -> 5420", language="zh")
    result = checker.result
    assert result is not None and result["mistake"]["id"] == "secret-whitespace"
    assert result["mistake"]["title"] == MISTAKES["secret-whitespace"]["title_zh"]
    assert MISTAKES["secret-whitespace"]["title_zh"] in checker.result_html.value


def test_the_right_signature_and_an_unexplained_one() -> None:
    assert _checked(_url(_right())).result["verdict"] == "correct"  # type: ignore[index]
    other = hashlib.sha256(b"nobody signs this").hexdigest()
    result = _checked(_url(other), language="en").result
    assert result is not None and result["verdict"] == "unexplained" and result["checks"]


def test_unusable_input_lists_the_problems_without_raising() -> None:
    result = _checked("not a request at all").result
    assert result is not None and result["verdict"] == "unusable" and result["problems"]
    assert _checked(_url(_right()), secret="").result["verdict"] == "unusable"  # type: ignore[index]


def test_the_secret_and_the_right_signature_stay_out_of_state_repr_and_panel() -> None:
    widgets.Widget.close_all()  # other tests' widgets (one pasted the right signature)
    url = _url(_right().upper())
    checker = _checked(url)
    texts = [repr(checker), json.dumps(checker.state(), ensure_ascii=False),
             checker.result_html.value,
             json.dumps(widgets.Widget.get_manager_state(), ensure_ascii=False)]
    texts += [json.dumps(w.get_state(), ensure_ascii=False, default=str)
              for w in walk(checker.widget)]
    for text in texts:
        assert CANARY not in text
        assert _right() not in text  # the right signature would sign the request
    assert checker.state()["secret_set"] is True
    assert repr(checker) == ("SignatureChecker(secret=set, verdict='known_mistake', "
                             "mistake='uppercase-hex')")


def test_before_the_first_click_the_panel_says_what_to_do() -> None:
    checker = SignatureChecker(language="en")
    assert checker.result is None
    assert "click Check" in checker.result_html.value


MESSAGES = json.loads((DATA / "messages.json").read_text(encoding="utf-8"))["messages"]


def test_the_toggle_switches_labels_and_the_finding_and_keeps_what_was_pasted() -> None:
    pasted = f"POST {_url(_right().upper())} -> 5420"
    checker = _checked(pasted, language="en")
    assert checker.language_toggle in checker.widget.children
    assert checker.check_button.description == MESSAGES["checker.check"]["en"]
    checker.language = "zh"
    assert checker.url.description == MESSAGES["checker.request"]["zh"]
    assert checker.url.placeholder == MESSAGES["checker.placeholder"]["zh"]
    assert checker.check_button.description == MESSAGES["checker.check"]["zh"]
    assert checker.secret.placeholder == MESSAGES["widgets.secret.set"]["zh"]
    panel = checker.result_html.value
    shown = html.unescape(re.sub(r"<[^>]+>", " ", panel))
    assert MISTAKES["uppercase-hex"]["fix_zh"] in shown
    assert MESSAGES["checker.row.fix"]["zh"] in shown and "why" not in shown
    result = checker.result
    assert result is not None and result["mistake"]["title"] == MISTAKES["uppercase-hex"][
        "title_zh"]
    snapshot = checker.static_html()
    assert MESSAGES["checker.title"]["zh"] in snapshot
    assert MESSAGES["widgets.snapshot"]["zh"] in snapshot
    assert (checker.url.value, checker.secret.value) == (pasted, CANARY)
    assert CANARY not in snapshot + panel + repr(checker.state())
    checker.language_toggle.value = "en"  # as a person clicks it
    assert checker.check_button.description == "Check"
    result = checker.result
    assert result is not None and result["mistake"]["fix"] == MISTAKES["uppercase-hex"]["fix_en"]
    assert MESSAGES["checker.title"]["en"] in checker.static_html()


def test_a_refused_paste_is_explained_in_the_chosen_language() -> None:
    checker = _checked("not a request at all", language="zh")
    result = checker.result
    assert result is not None and result["verdict"] == "unusable" and result["problems"]
    assert MESSAGES["checker.verdict.unusable"]["zh"] in checker.result_html.value
    checker.language = "en"
    assert MESSAGES["checker.verdict.unusable"]["en"] in checker.result_html.value
