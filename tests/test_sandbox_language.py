"""The sandbox's language: ``msg`` is the platform's Chinese in every language; ``extMsg`` is
in the sandbox's language (``Sandbox(lang=...)``), English by default."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests

from smskit import i18n
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import post_api, send_code, shipped_domains, signed_query

CJK = re.compile(r"[\u4e00-\u9fff]")


def _requests(sb: Sandbox) -> list[tuple[int, dict[str, str]]]:
    """(expected code, query) for each check whose extMsg the sandbox writes itself."""
    upper = signed_query(sb)
    without = {name: {key: value for key, value in signed_query(sb).items() if key != name}
               for name in ("phone", "userDomain", "internationalCode")}
    return [
        (5021, without["phone"]),
        (5023, without["userDomain"]),
        (5116, without["internationalCode"]),
        (5019, signed_query(sb, phone="12")),
        (5145, {**signed_query(sb), "ts": "1744773894"}),
        (5000, {**signed_query(sb), "codeType": "9"}),
        (5145, signed_query(sb, offset_ms=600_001)),
        (5421, {**signed_query(sb), "random": "short"}),
        (5421, {**signed_query(sb), "signature": "abc"}),
        (5015, signed_query(sb, user_domain="sandbox-nowhere", secret="x")),
        (5104, signed_query(sb, user_domain="sandbox-disabled")),
        (5420, {**upper, "signature": upper["signature"].upper()}),
        (5420, {**signed_query(sb), "signature": "0" * 64}),
    ] + [(0, signed_query(sb, user_domain=row["name"])) for row in shipped_domains()["domains"]
         if row["name"].startswith("sandbox-") and row["name"] not in (
             "sandbox-demo", "sandbox-disabled")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_ext_msg_the_sandbox_writes_is_in_its_language(
        make_sandbox: Callable[..., Sandbox], lang: str) -> None:
    sb = make_sandbox(lang=lang)
    answers: list[dict[str, Any]] = []
    for code, query in _requests(sb):
        answer = post_api(sb, query)
        assert code in (0, answer["code"]), (query, answer)
        answers.append(answer)
    send_code(sb)
    answers.append(send_code(sb))  # 5058
    assert answers[-1]["code"] == 5058
    sb.inject_failure()
    answers.append(send_code(sb, phone="13900139000"))
    assert answers[-1]["code"] == 5059
    for answer in answers:
        assert answer["code"] != 200 and answer["extMsg"], answer
        text = answer["extMsg"].replace(answer["msg"], "")  # a mistake may quote the msg
        if lang == "zh":
            assert CJK.search(text), answer
        else:
            assert not CJK.search(text), answer


def test_the_default_is_the_kits_language_when_the_sandbox_is_made() -> None:
    with i18n.using_language("zh"):
        assert Sandbox().lang == "zh"
    with i18n.using_language("en"):
        assert Sandbox().lang == "en"
    with pytest.raises(ValueError, match="language"):
        Sandbox(lang="fr")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_mistakes_a_backend_makes_over_http_are_explained_in_its_language(
        make_sandbox: Callable[..., Sandbox], lang: str) -> None:
    sb = make_sandbox(lang=lang)
    endpoint = sb.base_url + "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
    answers = [
        requests.get(endpoint, params=signed_query(sb), timeout=5),  # GET instead of POST
        requests.post(endpoint, data=signed_query(sb), timeout=5),  # a form body
        requests.post(endpoint.replace("/v2/sms", "/v2/SMS"), timeout=5),  # a wrong path
    ]
    assert [answer.status_code for answer in answers] == [405, 400, 404]
    for answer in answers:
        found = CJK.search(answer.json()["extMsg"])
        assert bool(found) == (lang == "zh"), answer.json()


def test_the_sandbox_keeps_its_language_whatever_the_process_speaks(
        make_sandbox: Callable[..., Sandbox]) -> None:
    """A notebook switched to Chinese does not change an English sandbox's answers."""
    sb = make_sandbox(lang="en")
    with i18n.using_language("zh"):
        answers = [post_api(sb, query) for _, query in _requests(sb)]
    for answer in answers:
        assert not CJK.search(answer["extMsg"].replace(answer["msg"], "")), answer
