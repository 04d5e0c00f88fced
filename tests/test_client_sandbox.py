"""The client against the sandbox over real HTTP: every scenario row, clock skew, and
``smskit send --sandbox`` end to end.

Expectations are written out here per row (which rows the client must refuse locally, and
which error class each code gives); a scenario row added later without an expectation here
fails the coverage test instead of being silently skipped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from smskit.catalogue import lookup
from smskit.cli import main
from smskit.client import SendResult, SmsClient
from smskit.clock import FixedClock
from smskit.errors import (
    ApiError,
    ClockSkewError,
    CredentialsError,
    InputError,
    RateLimited,
    RequestRejected,
    ServiceError,
    SmsConfigError,
)
from smskit.request import SmsCodeRequest
from smskit.sandbox import Sandbox, Scenario, load_scenarios
from tests.fixtures.faults import refused_port

SCENARIOS = load_scenarios()
DEFAULTS = json.loads((Path(__file__).resolve().parents[1] / "smskit/data/scenarios.json")
                      .read_text(encoding="utf-8"))["defaults"]

#: Rows the client cannot express as a valid call: it must refuse them (InputError naming
#: this field) before any request is made. Reasons from the client's rules, not its code:
CLIENT_REFUSES = {
    "phone-invalid": "phone",                        # 12345678 is not a +86 number
    "international-code-with-plus": "internationalCode",  # sent without +
    "phone-missing": "phone",
    "user-domain-missing": "userDomain",
    "international-code-missing": "internationalCode",
    "ts-in-seconds": "ts",                           # 10 digits: seconds
    "code-type-out-of-range": "codeType",            # only 1-5
    "signature-uppercase": "signature",              # lowercase hex only
    "random-too-short": "random",                    # 16 characters
    "signature-missing": "signature",
}

#: The class a caller catches for each code the sandbox answers (errors.py's tree).
EXPECTED_ERROR: dict[int, type[ApiError]] = {
    5000: ServiceError, 5059: ServiceError,
    5019: RequestRejected,
    5058: RateLimited,
    5015: CredentialsError, 5104: CredentialsError, 5420: CredentialsError,
    5145: ClockSkewError,
    **{code: SmsConfigError for code in (5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128,
                                          5188, 5202, 5209, 5216)},
}

#: API parameter name -> SmsCodeRequest attribute.
ATTRIBUTE = {"codeType": "code_type", "internationalCode": "international_code",
             "phone": "phone", "random": "random", "signature": "signature", "ts": "ts",
             "userDomain": "user_domain"}


class CountingAdapter(HTTPAdapter):
    """A real no-retry adapter that counts what it is asked to send."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)
        self.sent: list[str] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.sent.append(f"{request.method} {request.url}")
        return super().send(request, *args, **kwargs)


@pytest.fixture
def counted() -> Any:
    session = requests.Session()
    adapter = CountingAdapter()
    session.mount("http://", adapter)
    yield session, adapter
    session.close()


def page_signature(request: SmsCodeRequest, secret: str) -> str:
    text = f"{request.phone}{request.code_type}{request.random}{request.ts}{secret}"
    return hashlib.sha256(text.encode()).hexdigest()


def client_for_row(row: Scenario, sb: Sandbox, session: requests.Session) -> SmsClient:
    recipe = row.request
    secret = (sb.secret_for(recipe.user_domain) if recipe.sign_with == "domain"
              else DEFAULTS["other_secret"])
    return SmsClient(base_url=sb.base_url, user_domain=recipe.user_domain, secret=secret,
                     session=session, clock=FixedClock(sb.clock.now_ms() + recipe.clock_offset_ms),
                     random_source=random.Random(row.id))


def run_row(row: Scenario, sb: Sandbox, client: SmsClient) -> SendResult:
    """The row's recipe as client calls: prior sends, injected failures, then the send."""
    recipe = row.request
    fields = {**DEFAULTS["params"], **recipe.before_signing}
    args = (fields["phone"], fields["codeType"], fields["internationalCode"])
    for _ in range(recipe.prior_sends):
        assert client.send_code(*args).ok
    if recipe.inject_failures:
        sb.inject_failure(user_domain=recipe.user_domain, phone=fields["phone"],
                          count=recipe.inject_failures)
    if not (recipe.set_after_signing or recipe.drop or recipe.uppercase):
        return client.send_code(*args, random=fields["random"])
    # After-signing edits: the nearest a caller can get is a hand-altered prepared request
    # (a dropped parameter becomes an empty one: the client always sends all seven).
    request = client.prepare(*args, random=fields["random"])
    changes: dict[str, Any] = {}
    for name, value in recipe.set_after_signing.items():
        changes[ATTRIBUTE[name]] = int(value) if name in ("ts", "codeType") else value
    for name in recipe.drop:
        changes[ATTRIBUTE[name]] = ""
    for name in recipe.uppercase:
        changes[ATTRIBUTE[name]] = str(getattr(request, ATTRIBUTE[name])).upper()
    return client.send_prepared(dataclasses.replace(request, **changes))


def test_every_row_has_an_expectation() -> None:
    unexpected = [row.id for row in SCENARIOS
                  if row.id not in CLIENT_REFUSES and row.code != 200
                  and row.code not in EXPECTED_ERROR]
    assert not unexpected
    assert set(CLIENT_REFUSES) <= {row.id for row in SCENARIOS}


@pytest.mark.parametrize("row", [r for r in SCENARIOS if r.id in CLIENT_REFUSES],
                         ids=lambda r: r.id)
def test_rows_the_client_refuses_send_nothing(
    row: Scenario, make_sandbox: Callable[..., Sandbox], counted: Any
) -> None:
    session, adapter = counted
    sb = make_sandbox()
    with pytest.raises(InputError) as caught:
        run_row(row, sb, client_for_row(row, sb, session))
    assert CLIENT_REFUSES[row.id] in caught.value.fields
    assert adapter.sent == [] and sb.outbox() == []


@pytest.mark.parametrize("row", [r for r in SCENARIOS if r.id not in CLIENT_REFUSES],
                         ids=lambda r: r.id)
def test_rows_sent_through_the_client(
    row: Scenario, make_sandbox: Callable[..., Sandbox], counted: Any
) -> None:
    session, adapter = counted
    sb = make_sandbox()
    client = client_for_row(row, sb, session)
    prior = row.request.prior_sends
    if row.code == 200:
        result = run_row(row, sb, client)
        assert isinstance(result, SendResult) and result.ok and result.code == 200
        assert not result.template_code and result.http_status == 200
        assert result.request is not None
        assert result.request.signature == page_signature(result.request,
                                                          sb.secret_for(row.request.user_domain))
        delivered = sb.last_delivery(result.request.phone, result.request.international_code)
        assert delivered is not None and len(delivered.code) == 6 and delivered.code.isdigit()
        assert len(sb.outbox()) == prior + 1
    else:
        with pytest.raises(ApiError) as caught:
            run_row(row, sb, client)
        error = caught.value
        entry = lookup(row.code)
        assert entry is not None
        assert type(error) is EXPECTED_ERROR[row.code]
        assert error.code == row.code and error.http_status == 200
        assert error.msg == entry.zh  # the sandbox sends the platform's message verbatim
        assert error.msg_en == entry.en and error.retry_safe is entry.retry_safe
        assert isinstance(error.ext_msg, str) and error.ext_msg  # the sandbox's English detail
        assert isinstance(error.request, SmsCodeRequest)
        assert error.request.user_domain == row.request.user_domain
        assert len(sb.outbox()) == prior  # nothing more was delivered
    assert len(adapter.sent) == prior + 1  # each send went out exactly once


def test_invalid_phone_reaches_the_sandbox_only_when_allowed(
    make_sandbox: Callable[..., Sandbox], counted: Any
) -> None:
    session, adapter = counted
    sb = make_sandbox()
    client = SmsClient(base_url=sb.base_url, user_domain=sb.demo_domain,
                       secret=sb.secret_for(sb.demo_domain), session=session, clock=sb.clock)
    with pytest.raises(InputError):
        client.send_code("12345678", 3)
    assert adapter.sent == []
    with pytest.raises(RequestRejected) as caught:
        client.send_code("12345678", 3, allow_unverified_phone=True)
    assert caught.value.code == 5019 and caught.value.msg == "手机号格式不正确"
    assert len(adapter.sent) == 1


def test_prepared_request_sends_once_and_delivers(sandbox: Sandbox) -> None:
    with SmsClient(base_url=sandbox.base_url, user_domain=sandbox.demo_domain,
                   secret=sandbox.secret_for(), clock=sandbox.clock) as client:
        request = client.prepare("13800138000", 2)
        assert sandbox.outbox() == []
        result = client.send_prepared(request)
    assert result.request == request
    delivered = sandbox.outbox()
    assert len(delivered) == 1 and delivered[0].code_type == 2


# -- clock skew -------------------------------------------------------------------------------

@pytest.mark.parametrize("offset_ms", [0, 5 * 60_000, -3 * 60_000 - 250, 2 * 3600_000])
def test_measure_clock_skew_against_the_sandbox(sandbox: Sandbox, offset_ms: int) -> None:
    client = SmsClient(base_url=sandbox.base_url, user_domain=sandbox.demo_domain,
                       secret=sandbox.secret_for(),
                       clock=FixedClock(sandbox.clock.now_ms() + offset_ms))
    with client:
        measured = client.measure_clock_skew()
    assert abs(measured - offset_ms) <= 1000  # Date's one-second resolution
    assert sandbox.outbox() == []


@pytest.mark.parametrize(("offset_ms", "direction"), [(11 * 60_000, "ahead of"),
                                                       (-15 * 60_000, "behind")])
def test_clock_far_off_gives_clock_skew_error_with_the_offset(
    sandbox: Sandbox, offset_ms: int, direction: str
) -> None:
    client = SmsClient(base_url=sandbox.base_url, user_domain=sandbox.demo_domain,
                       secret=sandbox.secret_for(),
                       clock=FixedClock(sandbox.clock.now_ms() + offset_ms))
    with client, pytest.raises(ClockSkewError) as caught:
        client.send_code("13800138000", 3)
    error = caught.value
    assert error.code == 5145 and error.msg == "时间戳格式不正确"
    assert error.clock_skew_ms is not None and abs(error.clock_skew_ms - offset_ms) <= 1000
    text = str(error)
    assert direction in text and "not the secret" in text and "NTP" in text
    assert "measure_clock_skew" in (error.remedy or "")
    assert sandbox.outbox() == []


def test_clock_within_the_window_is_fine(sandbox: Sandbox) -> None:
    client = SmsClient(base_url=sandbox.base_url, user_domain=sandbox.demo_domain,
                       secret=sandbox.secret_for(),
                       clock=FixedClock(sandbox.clock.now_ms() - 9 * 60_000))
    with client:
        result = client.send_code("13800138000", 3)
    assert result.ok and result.clock_skew_ms is not None
    assert abs(result.clock_skew_ms + 9 * 60_000) <= 1000


# -- the CLI with an embedded sandbox -----------------------------------------------------------

@pytest.fixture
def bogus_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Environment credentials that would fail if used: --sandbox must ignore them."""
    with refused_port() as port:
        monkeypatch.setenv("SMSKIT_BASE_URL", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("SMSKIT_USER_DOMAIN", "not-a-sandbox-domain")
        monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", "not-the-secret")
        yield


@pytest.mark.usefixtures("bogus_env")
def test_cli_send_sandbox_shows_the_delivery(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--sandbox", "--phone", "13800138000", "--code-type", "3"]) == 0
    out = capsys.readouterr().out
    assert "code 200" in out
    delivered = next(line for line in out.splitlines() if line.startswith("Sandbox delivered"))
    code = delivered.split("code ")[1].split(" ")[0]
    assert len(code) == 6 and code.isdigit()
    assert "+86 13800138000" in delivered and "valid until" in delivered


@pytest.mark.usefixtures("bogus_env")
def test_cli_send_sandbox_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--sandbox", "--json", "--phone", "13912345678",
                 "--code-type", "2"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is True and printed["code"] == 200
    assert printed["delivered"]["phone"] == "13912345678"
    assert printed["delivered"]["internationalCode"] == "86"
    assert len(printed["delivered"]["code"]) == 6
    assert printed["request"]["userDomain"] == DEFAULTS["user_domain"]
    # A delivered code expires 5 minutes after it was sent (the page), i.e. after ts.
    assert printed["delivered"]["expiresAtMs"] - int(printed["request"]["ts"]) == \
        pytest.approx(5 * 60_000, abs=5_000)


@pytest.mark.usefixtures("bogus_env")
def test_cli_send_sandbox_error_prints_both_messages(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["send", "--sandbox", "--phone", "12345678", "--code-type", "3",
                   "--allow-unverified-phone"])
    err = capsys.readouterr().err
    assert status == 1
    assert "RequestRejected: 5019 手机号格式不正确" in err
    assert "Phone number format is incorrect" in err and "Remedy:" in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("bogus_env")
def test_cli_send_sandbox_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--sandbox", "--phone", "12345678", "--code-type", "3"]) == 2
    assert "phone" in capsys.readouterr().err


def test_cli_send_sandbox_in_a_real_process() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    done = subprocess.run([sys.executable, "-m", "smskit", "send", "--sandbox", "--phone",
                           "13800138000", "--code-type", "1"], capture_output=True, text=True,
                          env=environ, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Sandbox delivered code" in done.stdout
    assert done.stderr == ""
