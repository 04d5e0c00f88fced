"""SmsClient: settings, the request on the wire, results, secrets and logging.

The client talks over real HTTP to the tests' own loopback server (tests/fixtures/faults.py)
answering scripted bytes; the sandbox tests are in test_client_sandbox.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import pickle
import random
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from smskit.client import SendResult, SmsClient
from smskit.clock import FixedClock
from smskit.errors import InputError, RateLimited, SmskitError
from smskit.request import SmsCodeRequest
from tests.fixtures.faults import Behaviour, FaultServer, http_response, respond

SECRET = "Sx9-very-secret-value-7Qp"  # distinctive, so any leak is easy to find
DOMAIN = "demo.example"
PHONE = "13800138000"  # the page's example number
NOW_MS = 1744773894369  # the page's example ts
OK = json.dumps({"code": 200, "msg": "", "data": None, "extMsg": None})
RATE = json.dumps({"code": 5058, "msg": "短信发送超出频率", "data": None, "extMsg": None},
                  ensure_ascii=False)

Start = Callable[[Behaviour], FaultServer]


def expected_signature(phone: str, code_type: int, rnd: str, ts: int, secret: str) -> str:
    """The page's rule, computed here with hashlib: SHA256(phone+codeType+random+ts+secret)."""
    return hashlib.sha256(f"{phone}{code_type}{rnd}{ts}{secret}".encode()).hexdigest()


def make(server: FaultServer, **settings: object) -> SmsClient:
    options: dict[str, object] = {"user_domain": DOMAIN, "secret": SECRET,
                                  "clock": FixedClock(NOW_MS), "timeout": (1, 2)}
    options.update(settings)
    return SmsClient(base_url=server.base_url, **options)  # type: ignore[arg-type]


# -- settings -----------------------------------------------------------------------------

def test_region_names_resolve_to_documented_hosts() -> None:
    assert SmsClient(region="china", user_domain=DOMAIN, secret=SECRET).base_url == \
        "https://iot-api.quectelcn.com"
    client = SmsClient(region="europe", user_domain=DOMAIN, secret=SECRET)
    assert client.endpoint_url == \
        "https://iot-api.acceleronix.io/v2/sms/enduserapi/v2/sendPhoneSmsCode"


@pytest.mark.parametrize("where", [{}, {"base_url": "https://a.example", "region": "china"}])
def test_exactly_one_of_base_url_and_region(where: dict[str, str]) -> None:
    with pytest.raises(InputError) as caught:
        SmsClient(**where, user_domain=DOMAIN, secret=SECRET)  # type: ignore[arg-type]
    assert caught.value.field == "base_url"


@pytest.mark.parametrize(("url", "rule"), [
    ("iot-api.quectelcn.com", "https://"),
    ("ftp://host.example", "https://"),
    ("https://", "https://"),
    ("https://user:pw@host.example", "credentials"),
    ("https://host.example/?a=1", "query"),
    ("https://host.example:99999", "URL"),
])
def test_bad_base_urls_are_refused(url: str, rule: str) -> None:
    with pytest.raises(InputError) as caught:
        SmsClient(base_url=url, user_domain=DOMAIN, secret=SECRET)
    assert caught.value.field == "base_url" and rule in str(caught.value)


def test_unknown_region_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        SmsClient(region="mars", user_domain=DOMAIN, secret=SECRET)
    assert caught.value.field == "region" and "china" in str(caught.value)


def test_missing_domain_and_secret_are_both_named() -> None:
    with pytest.raises(InputError) as caught:
        SmsClient(region="china", user_domain="", secret="")
    assert caught.value.fields == ("userDomain", "userDomainSecret")


def test_trailing_slash_of_base_url_is_dropped() -> None:
    client = SmsClient(base_url="http://127.0.0.1:9/prefix/", user_domain=DOMAIN, secret=SECRET)
    assert client.base_url == "http://127.0.0.1:9/prefix"


# -- from_env -----------------------------------------------------------------------------

ENV = {"SMSKIT_BASE_URL": "https://iot-api.acceleronix.io", "SMSKIT_USER_DOMAIN": DOMAIN,
       "SMSKIT_USER_DOMAIN_SECRET": SECRET}


def test_from_env_reads_the_three_variables() -> None:
    client = SmsClient.from_env(ENV)
    assert client.base_url == "https://iot-api.acceleronix.io"
    assert client.user_domain == DOMAIN
    assert SECRET not in repr(client)


@pytest.mark.parametrize(("value", "url"), [("europe", "https://iot-api.acceleronix.io"),
                                            ("China", "https://iot-api.quectelcn.com")])
def test_from_env_accepts_a_region_name(value: str, url: str) -> None:
    assert SmsClient.from_env({**ENV, "SMSKIT_BASE_URL": value}).base_url == url


def test_from_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    assert SmsClient.from_env().user_domain == DOMAIN


def test_from_env_names_every_missing_variable() -> None:
    with pytest.raises(InputError) as caught:
        SmsClient.from_env({"SMSKIT_USER_DOMAIN": DOMAIN, "SMSKIT_USER_DOMAIN_SECRET": ""})
    assert caught.value.fields == ("SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN_SECRET")
    assert "europe" in str(caught.value)  # the hint lists the region names


def test_from_env_passes_other_settings_through() -> None:
    clock = FixedClock(NOW_MS)
    assert SmsClient.from_env(ENV, clock=clock, timeout=5).clock is clock


def test_from_env_with_unknown_region_value() -> None:
    with pytest.raises(InputError) as caught:
        SmsClient.from_env({**ENV, "SMSKIT_BASE_URL": "mars"})
    assert "mars" in str(caught.value)


# -- the request on the wire ----------------------------------------------------------------

def test_send_code_puts_every_parameter_in_the_query_of_an_empty_post(
    fault_server: Start,
) -> None:
    server = fault_server(respond(http_response(200, OK)))
    client = make(server, random_source=random.Random(7))
    result = client.send_code(PHONE, 3)

    assert server.request_count == 1
    received = server.requests[0]
    target = urlsplit(received.target)
    assert received.method == "POST"
    assert target.path == "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
    query = dict(parse_qsl(target.query))
    assert sorted(query) == sorted(["codeType", "internationalCode", "phone", "random",
                                    "signature", "ts", "userDomain"])
    assert query["codeType"] == "3" and query["phone"] == PHONE
    assert query["internationalCode"] == "86" and query["userDomain"] == DOMAIN
    assert query["ts"] == str(NOW_MS)
    assert len(query["random"]) == 16 and query["random"].isalnum()
    assert query["signature"] == expected_signature(PHONE, 3, query["random"], NOW_MS, SECRET)
    assert received.body == b""
    assert received.headers["accept"] == "*/*"
    assert "content-type" not in received.headers
    assert "authorization" not in received.headers
    assert SECRET not in received.target and SECRET not in str(received.headers)

    assert isinstance(result, SendResult) and result.ok and result.code == 200
    assert result.request is not None and result.request.query() == query


def test_given_random_and_ts_are_used(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    result = make(server).send_code(PHONE, "2", "86", random="76a6L647F02CAoN9",
                                    ts=NOW_MS - 1000)
    query = dict(parse_qsl(urlsplit(server.requests[0].target).query))
    assert query["random"] == "76a6L647F02CAoN9" and query["ts"] == str(NOW_MS - 1000)
    assert result.request is not None and result.request.random == "76a6L647F02CAoN9"


def test_prepare_builds_without_sending(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    client = make(server, random_source=random.Random(1))
    request = client.prepare(PHONE, 1)
    assert server.request_count == 0
    assert isinstance(request, SmsCodeRequest)
    assert request.signature == expected_signature(PHONE, 1, request.random, NOW_MS, SECRET)
    result = client.send_prepared(request)
    assert server.request_count == 1 and result.request == request


@pytest.mark.parametrize(("args", "kwargs", "field"), [
    (("138 0013 8000", 3), {}, "phone"),
    (("+8613800138000", 3), {}, "phone"),
    ((PHONE, 9), {}, "codeType"),
    ((PHONE, 3, "+86"), {}, "internationalCode"),
    ((PHONE, 3), {"random": "short"}, "random"),
    ((PHONE, 3), {"ts": 1744773894}, "ts"),  # seconds, not milliseconds
    ((PHONE, 3), {"ts": NOW_MS + 11 * 60_000}, "ts"),  # outside the 10-minute window
])
def test_bad_input_raises_before_any_request(
    fault_server: Start, args: tuple[object, ...], kwargs: dict[str, object], field: str
) -> None:
    server = fault_server(respond(http_response(200, OK)))
    with pytest.raises(InputError) as caught:
        make(server).send_code(*args, **kwargs)  # type: ignore[arg-type]
    assert field in caught.value.fields
    assert server.request_count == 0


def test_stale_prepared_request_is_refused_locally(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    clock = FixedClock(NOW_MS)
    client = make(server, clock=clock)
    request = client.prepare(PHONE, 3)
    clock.advance(minutes=11)
    with pytest.raises(InputError) as caught:
        client.send_prepared(request)
    assert caught.value.field == "ts" and server.request_count == 0


def test_hand_built_request_with_uppercase_signature_is_refused(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    client = make(server)
    good = client.prepare(PHONE, 3)
    shouting = SmsCodeRequest(**{**vars(good), "signature": good.signature.upper()})
    with pytest.raises(InputError) as caught:
        client.send_prepared(shouting)
    assert caught.value.field == "signature" and server.request_count == 0


def test_unverified_phone_can_be_allowed(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    client = make(server)
    with pytest.raises(InputError):
        client.send_code("12345", 3)
    assert client.send_code("12345", 3, allow_unverified_phone=True).ok
    assert server.request_count == 1


def test_template_code_zero_answer_is_a_result(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, '{"code": 0, "data": {}, "extMsg": "", '
                                                     '"msg": ""}')))
    result = make(server).send_code(PHONE, 3)
    assert result.ok and result.template_code and result.code == 0


def test_error_answer_carries_the_request_and_status(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, RATE)))
    with pytest.raises(RateLimited) as caught:
        make(server).send_code(PHONE, 3)
    error = caught.value
    assert error.http_status == 200 and error.msg == "短信发送超出频率"
    assert isinstance(error.request, SmsCodeRequest) and error.request.phone == PHONE
    assert server.request_count == 1


# -- sessions -----------------------------------------------------------------------------

def test_injected_session_is_used_and_not_closed(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=0))
    sent: list[str] = []
    session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.method))
    with make(server, session=session) as client:
        client.send_code(PHONE, 3)
    assert sent == ["POST"]
    session.get(server.base_url).close()  # leaving the client did not close the caller's session
    assert server.request_count == 2
    session.close()


@pytest.mark.parametrize("retry", [Retry(total=3), Retry(total=None, connect=0, read=2),
                                   Retry(total=2, allowed_methods=None)])
def test_injected_session_that_retries_is_refused(retry: Retry) -> None:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    with pytest.raises(InputError) as caught:
        SmsClient(region="china", user_domain=DOMAIN, secret=SECRET, session=session)
    assert caught.value.field == "session" and "idempotent" in str(caught.value)
    session.close()


def test_default_requests_session_does_not_retry_and_is_accepted() -> None:
    with requests.Session() as session:
        client = SmsClient(region="china", user_domain=DOMAIN, secret=SECRET, session=session)
        assert client.base_url == "https://iot-api.quectelcn.com"


# -- the secret never shows -------------------------------------------------------------------

def test_secret_is_not_in_repr_vars_or_str(fault_server: Start) -> None:
    server = fault_server(respond(http_response(200, OK)))
    client = make(server)
    assert repr(client) == f"SmsClient(base_url={server.base_url!r}, user_domain={DOMAIN!r})"
    assert SECRET not in repr(client) and SECRET not in str(client)
    assert SECRET not in repr(vars(client)) and SECRET not in str(vars(client))


def test_client_cannot_be_pickled_but_can_be_copied(fault_server: Start) -> None:
    client = make(fault_server(respond(http_response(200, OK))))
    with pytest.raises(TypeError):
        pickle.dumps(client)
    with pytest.raises(TypeError):
        pickle.dumps(vars(client)["_secret"])
    clone = copy.copy(client)
    assert SECRET not in repr(vars(clone))


def test_secret_never_reaches_logs_results_or_errors(
    fault_server: Start, caplog: pytest.LogCaptureFixture
) -> None:
    ok = fault_server(respond(http_response(200, OK)))
    bad = fault_server(respond(http_response(200, RATE)))
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        result = make(ok).send_code(PHONE, 3)
        texts += [repr(result), str(result), repr(result.request),
                  result.request.to_curl(ok.base_url) if result.request else ""]
        for attempt in (lambda: make(bad).send_code(PHONE, 3),
                        lambda: make(ok).send_code("bad phone", 3)):
            with pytest.raises(SmskitError) as caught:
                attempt()
            texts += [str(caught.value), repr(caught.value), repr(vars(caught.value))]
    texts += [record.getMessage() for record in caplog.records]
    assert texts and not [text for text in texts if SECRET in text]
    assert any(result.request.signature in r.getMessage() for r in caplog.records
               if result.request is not None)


def test_logging_records_method_path_query_outcome_and_time(
    fault_server: Start, caplog: pytest.LogCaptureFixture
) -> None:
    server = fault_server(respond(http_response(200, RATE)))
    client = make(server, random_source=random.Random(3))
    with caplog.at_level(logging.DEBUG, logger="smskit.client"), pytest.raises(RateLimited):
        client.send_code(PHONE, 3)
    mine = [r.getMessage() for r in caplog.records if r.name == "smskit.client"]
    request_line = next(m for m in mine if m.startswith("POST /v2/sms/enduserapi/v2/"
                                                         "sendPhoneSmsCode?"))
    assert "signature=" in request_line and "random=" in request_line
    assert f"userDomain={DOMAIN}" in request_line
    outcome = next(m for m in mine if "->" in m)
    assert "5058" in outcome and "RateLimited" in outcome and " ms" in outcome


def test_a_custom_logger_is_used(fault_server: Start, caplog: pytest.LogCaptureFixture) -> None:
    server = fault_server(respond(http_response(200, OK)))
    logger = logging.getLogger("my.app.sms")
    with caplog.at_level(logging.INFO, logger="my.app.sms"):
        make(server, logger=logger).send_code(PHONE, 3)
    assert any(r.name == "my.app.sms" and "code 200" in r.getMessage() for r in caplog.records)
