"""The request builder, driven from code; sends go to a real sandbox over HTTP."""

from __future__ import annotations

import hashlib
import json
import random
import shlex
import string
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import ipywidgets as widgets
import pytest

from smskit.clock import FixedClock, SystemClock
from smskit.widgets import RequestBuilder

DATA = json.loads((Path(__file__).resolve().parent.parent / "smskit/data/error_codes.json")
                  .read_text(encoding="utf-8"))
ROWS = {row["code"]: row for row in DATA["codes"]}

T0 = 1764300000123
CANARY = "canary-51e7-builder-secret"
PHONE = "13912345678"  # a mainland China mobile number
ALPHABET = string.ascii_letters + string.digits


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def expected_random(seed: int, draws: int = 1) -> str:
    """The n-th 16-character random drawn from ``random.Random(seed)``, computed here."""
    source = random.Random(seed)
    value = ""
    for _ in range(draws):
        value = "".join(source.choice(ALPHABET) for _ in range(16))
    return value


def offline(**settings: Any) -> RequestBuilder:
    """A builder with fixed inputs; its base URL is never contacted."""
    values: dict[str, Any] = {
        "base_url": "http://127.0.0.1:9", "user_domain": "demo.example", "secret": CANARY,
        "phone": PHONE, "code_type": 2, "clock": FixedClock(T0),
        "random_source": random.Random(7), **settings}
    return RequestBuilder(**values)


def problem_fields(builder: RequestBuilder) -> list[str]:
    return [problem.field for problem in builder.problems]


def assert_secret_hidden(builder: RequestBuilder, secret: str) -> None:
    """The secret is in the password field's kernel-side value and nowhere else: not in any
    widget's state (what is sent to the browser and what a saved notebook stores)."""
    assert secret in builder.secret.value
    for widget in walk(builder.widget):
        state = widget.get_state()
        assert secret not in json.dumps(state, ensure_ascii=False), type(widget).__name__
    assert secret not in json.dumps(widgets.Widget.get_manager_state(), ensure_ascii=False)
    texts = [repr(builder), json.dumps(builder.state(), ensure_ascii=False),
             builder.curl.value, repr(builder.last_result), repr(builder.problems),
             repr(builder.state()), json.dumps(builder._repr_mimebundle_())]
    for text in texts:
        assert secret not in text


# -- offline: fields, validation, curl ----------------------------------------------------


def test_defaults_come_from_the_injected_random_source_and_clock() -> None:
    builder = offline()
    assert builder.random.value == expected_random(7)
    assert builder.ts.value == str(T0)
    assert builder.international_code.value == "86"
    assert builder.base_url.value == "http://127.0.0.1:9"
    assert builder.problems == []


def test_regenerate_draws_the_next_random_from_the_source() -> None:
    builder = offline()
    builder.regenerate.click()
    assert builder.random.value == expected_random(7, draws=2)
    builder.regenerate.click()
    assert builder.random.value == expected_random(7, draws=3)
    assert builder.state()["query"]["random"] == expected_random(7, draws=3)


def test_now_reads_the_injected_clock() -> None:
    clock = FixedClock(T0)
    builder = offline(clock=clock)
    clock.advance(seconds=42)
    builder.now.click()
    assert builder.ts.value == str(T0 + 42_000)


def test_code_type_is_a_dropdown_labelled_from_the_page() -> None:
    builder = offline()
    assert isinstance(builder.code_type, widgets.Dropdown)
    labels = dict((value, label) for label, value in builder.code_type.options)
    assert sorted(labels) == [1, 2, 3, 4, 5]
    # The page: 短信类型（1-密码重置 2-登录 3-注册 4-注销 5-添加推送人）
    for value, zh in [(1, "密码重置"), (2, "登录"), (3, "注册"), (4, "注销"), (5, "添加推送人")]:
        assert zh in labels[value] and str(value) in labels[value]


def test_curl_sends_exactly_the_signed_parameters_and_no_secret() -> None:
    builder = offline()
    rnd = expected_random(7)
    words = shlex.split(builder.curl.value)
    assert words[:3] == ["curl", "-X", "POST"]
    url = urlsplit(words[3])
    assert (url.scheme, url.netloc, url.path) == (
        "http", "127.0.0.1:9", "/v2/sms/enduserapi/v2/sendPhoneSmsCode")
    signature = hashlib.sha256(f"{PHONE}2{rnd}{T0}{CANARY}".encode()).hexdigest()
    assert dict(parse_qsl(url.query)) == {
        "codeType": "2", "internationalCode": "86", "phone": PHONE, "random": rnd,
        "signature": signature, "ts": str(T0), "userDomain": "demo.example"}
    assert CANARY not in builder.curl.value
    assert builder.curl_command == builder.curl.value


def test_every_change_rebuilds_the_curl_command() -> None:
    builder = offline()
    builder.code_type.value = 3
    assert "codeType=3" in builder.curl.value
    builder.user_domain.value = "other.example"
    assert "userDomain=other.example" in builder.curl.value
    builder.base_url.value = "https://iot-api.acceleronix.io"
    assert builder.curl.value.startswith(
        "curl -X POST 'https://iot-api.acceleronix.io/v2/sms/enduserapi/v2/sendPhoneSmsCode?")


@pytest.mark.parametrize(
    ("widget_name", "value", "field"),
    [
        ("phone", "+8613912345678", "phone"),
        ("phone", "139 1234 5678", "phone"),
        ("phone", "", "phone"),
        ("international_code", "+86", "internationalCode"),
        ("international_code", "", "internationalCode"),
        ("random", "tooshort", "random"),
        ("ts", str(T0 // 1000), "ts"),
        ("ts", str(T0 + 11 * 60_000), "ts"),  # outside the 10-minute window
        ("user_domain", "", "userDomain"),
        ("secret", "", "userDomainSecret"),
        ("base_url", "", "base_url"),
        ("base_url", "iot-api.quectelcn.com", "base_url"),
    ],
)
def test_live_validation_names_the_field_and_withholds_the_curl(
    widget_name: str, value: str, field: str
) -> None:
    builder = offline()
    box = getattr(builder, widget_name)
    original = box.value
    box.value = value
    assert problem_fields(builder) == [field]
    assert builder.curl.value == "" and builder.curl_command is None
    # The signed request depends on the API fields only, not on where it is sent.
    assert (builder.request is None) == (field != "base_url")
    assert f'data-field="{field}"' in builder.problems_html.value
    box.value = original
    assert builder.problems == []
    assert builder.curl.value.startswith("curl ")
    assert "data-field=" not in builder.problems_html.value


def test_every_problem_is_listed_at_once() -> None:
    builder = offline()
    builder.phone.value = "+86 139"
    builder.random.value = ""
    builder.ts.value = "1764300000"
    builder.user_domain.value = ""
    assert problem_fields(builder) == ["phone", "random", "ts", "userDomain"]


def test_allow_unverified_phone_is_the_documented_override() -> None:
    builder = offline(phone="12345")  # digits, but not a number phonenumbers knows for 86
    assert problem_fields(builder) == ["phone"]
    assert builder.problems[0].severity == "warning"
    builder.allow_unverified_phone.value = True
    assert builder.problems == []
    assert "phone=12345" in builder.curl.value


def test_secret_only_in_the_password_field() -> None:
    builder = offline()
    passwords = [w for w in walk(builder.widget) if isinstance(w, widgets.Password)]
    assert passwords == [builder.secret]
    assert_secret_hidden(builder, CANARY)
    builder.secret.value = CANARY + "\n"  # and when it is the subject of a problem
    assert problem_fields(builder) == ["userDomainSecret"]
    assert_secret_hidden(builder, CANARY)


def test_secret_typed_in_the_browser_reaches_the_kernel_but_is_not_sent_back() -> None:
    builder = offline(secret="")
    assert problem_fields(builder) == ["userDomainSecret"]
    builder.secret.set_state({"value": "typed-in-the-browser"})  # as the frontend does
    assert builder.problems == []
    assert builder.secret.get_state()["value"] == ""
    rnd = expected_random(7)
    signature = hashlib.sha256(
        f"{PHONE}2{rnd}{T0}typed-in-the-browser".encode()).hexdigest()
    assert builder.request is not None and builder.request.signature == signature


def test_secret_placeholder_says_whether_one_is_set() -> None:
    builder = offline()
    assert "set (hidden)" in builder.secret.placeholder
    builder.secret.value = ""
    assert "set (hidden)" not in builder.secret.placeholder


def test_same_fixed_inputs_give_identical_state_repr_and_html() -> None:
    first, second = offline(), offline()
    assert first.state() == second.state()
    assert repr(first) == repr(second)
    for a, b in zip(walk(first.widget), walk(second.widget), strict=True):
        if isinstance(a, widgets.HTML | widgets.Textarea):
            assert a.value == b.value
    bundle = first._repr_mimebundle_()
    assert bundle is not None and bundle["text/plain"] == repr(first)


def test_stable_css_hooks_for_browser_tests() -> None:
    builder = offline()
    classes = {name for widget in walk(builder.widget) for name in widget._dom_classes}
    assert {"smskit-builder", "smskit-builder-base-url", "smskit-builder-user-domain",
            "smskit-builder-secret", "smskit-builder-code-type",
            "smskit-builder-international-code", "smskit-builder-phone",
            "smskit-builder-random", "smskit-builder-regenerate", "smskit-builder-ts",
            "smskit-builder-now", "smskit-builder-allow-unverified", "smskit-builder-problems",
            "smskit-builder-curl", "smskit-builder-send", "smskit-builder-response"} <= classes


# -- sending to servers we control: no retries ---------------------------------------------


class _Counting(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        self.hits = 0
        self.answer = (status, body, content_type)
        super().__init__(("127.0.0.1", 0), _CountingHandler)


class _CountingHandler(BaseHTTPRequestHandler):
    server: _Counting

    def do_POST(self) -> None:
        self.server.hits += 1
        status, body, content_type = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def counting_server(request: pytest.FixtureRequest) -> Iterator[_Counting]:
    status, body, content_type = request.param
    server = _Counting(status, body, content_type)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


SERVICE_ERROR = (200, json.dumps({"code": 5000, "msg": "服务异常", "data": None,
                                  "extMsg": None}).encode(), "application/json")
PROXY_PAGE = (502, b"<html><body>Bad Gateway</body></html>", "text/html")


def live_now() -> FixedClock:
    return FixedClock(SystemClock().now_ms())


@pytest.mark.parametrize("counting_server", [SERVICE_ERROR], indirect=True)
def test_a_service_error_is_explained_and_never_retried(counting_server: _Counting) -> None:
    host, port = counting_server.server_address[:2]
    builder = offline(base_url=f"http://{host}:{port}", clock=live_now())
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None
    assert (outcome["outcome"], outcome["code"], outcome["msg"]) == ("api_error", 5000, "服务异常")
    assert outcome["remedy"] == ROWS[5000]["remedy"]["en"]
    assert outcome["retry_safe"] is False
    assert counting_server.hits == 1
    assert "Not safe to resend" in builder.response_html.value
    assert not builder.send.disabled


@pytest.mark.parametrize("counting_server", [PROXY_PAGE], indirect=True)
def test_a_non_envelope_answer_is_reported_and_never_retried(counting_server: _Counting) -> None:
    host, port = counting_server.server_address[:2]
    builder = offline(base_url=f"http://{host}:{port}", clock=live_now())
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None
    assert (outcome["outcome"], outcome["http_status"], outcome["retry_safe"]) == (
        "bad_response", 502, False)
    assert counting_server.hits == 1
    assert 'data-status="bad_response"' in builder.response_html.value


def test_nothing_listening_is_reported_as_no_response() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]  # bound, then closed: nothing listens there
    builder = offline(base_url=f"http://127.0.0.1:{port}", clock=live_now())
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None
    assert (outcome["outcome"], outcome["error"], outcome["retry_safe"]) == (
        "no_response", "ConnectionFailed", True)
    assert_secret_hidden(builder, CANARY)


# -- sending to the sandbox ------------------------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Any]:
    from smskit.sandbox import Sandbox

    with Sandbox(clock=live_now()) as box:
        yield box
        assert box.internal_errors == 0


def sandbox_builder(box: Any, **settings: Any) -> RequestBuilder:
    domain = box.demo_domain
    values: dict[str, Any] = {
        "base_url": box.base_url, "user_domain": domain, "secret": box.secret_for(domain),
        "phone": PHONE, "code_type": 2, "clock": box.clock, "random_source": random.Random(3),
        **settings}
    return RequestBuilder(**values)


def deliveries(box: Any) -> list[Any]:
    return list(box.outbox())


def test_send_delivers_a_code_to_the_sandbox_outbox(sandbox: Any) -> None:
    builder = sandbox_builder(sandbox)
    assert builder.problems == []
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None and outcome["ok"]
    assert (outcome["outcome"], outcome["http_status"], outcome["code"]) == ("sent", 200, 200)
    assert outcome["msg_zh"] == "发送手机短信验证码成功"  # the page's 200 message
    (delivery,) = deliveries(sandbox)
    assert (delivery.phone, delivery.international_code, delivery.code_type) == (PHONE, "86", 2)
    assert len(delivery.code) == 6 and delivery.code.isdigit()
    html = builder.response_html.value
    assert 'data-status="sent"' in html and 'data-code="200"' in html
    assert "HTTP 200" in html and "发送手机短信验证码成功" in html
    assert_secret_hidden(builder, sandbox.secret_for(sandbox.demo_domain))


def test_wrong_secret_shows_5420_with_both_messages_and_the_remedy(sandbox: Any) -> None:
    builder = sandbox_builder(sandbox, secret=CANARY)
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None
    assert (outcome["outcome"], outcome["code"]) == ("api_error", 5420)
    assert outcome["msg"] == "签名验证失败"  # docs/platform.md: the platform's answer, verbatim
    assert outcome["msg_zh"] == "签名验证失败"
    assert outcome["msg_en"] == ROWS[5420]["en"]
    assert outcome["remedy"] == ROWS[5420]["remedy"]["en"]
    assert outcome["cause"] == ROWS[5420]["cause"]["en"]
    assert outcome["retry_safe"] is True
    html = builder.response_html.value
    assert 'data-code="5420"' in html
    for text in ("签名验证失败", ROWS[5420]["en"], ROWS[5420]["remedy"]["en"]):
        assert text.replace("'", "&#x27;") in html
    assert deliveries(sandbox) == []
    assert_secret_hidden(builder, CANARY)


def test_send_with_invalid_fields_sends_nothing_and_lists_the_problems(sandbox: Any) -> None:
    builder = sandbox_builder(sandbox)
    builder.phone.value = "+86" + PHONE
    builder.ts.value = str(sandbox.clock.now_ms() // 1000)
    builder.send.click()
    outcome = builder.last_result
    assert outcome is not None
    assert outcome["outcome"] == "not_sent"
    assert [p["field"] for p in outcome["problems"]] == ["phone", "ts"]
    assert deliveries(sandbox) == []
    html = builder.response_html.value
    assert 'data-status="not_sent"' in html and "Nothing was sent" in html


def test_each_click_sends_once(sandbox: Any) -> None:
    builder = sandbox_builder(sandbox)
    builder.send.click()
    assert len(deliveries(sandbox)) == 1
    builder.regenerate.click()
    builder.code_type.value = 3
    builder.send.click()
    assert [d.code_type for d in deliveries(sandbox)] == [2, 3]
