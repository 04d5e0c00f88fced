"""``smskit send`` against the tests' own loopback server (the sandbox run is in
test_client_sandbox.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest

from smskit.cli import main
from tests.fixtures.faults import (
    Behaviour,
    FaultServer,
    http_response,
    refused_port,
    reset,
    respond,
)

SECRET = "Sx9-very-secret-value-7Qp"
PHONE = "13800138000"
Start = Callable[[Behaviour], FaultServer]
OK = '{"code": 200, "msg": "", "data": null, "extMsg": null}'
RATE = json.dumps({"code": 5058, "msg": "短信发送超出频率", "data": None, "extMsg": None},
                  ensure_ascii=False)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    def point_at(base_url: str) -> None:
        monkeypatch.setenv("SMSKIT_BASE_URL", base_url)
        monkeypatch.setenv("SMSKIT_USER_DOMAIN", "demo")
        monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", SECRET)
    return point_at


def test_success_prints_the_outcome_and_request(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    server = fault_server(respond(http_response(200, OK)))
    env(server.base_url)
    assert main(["send", "--phone", PHONE, "--code-type", "3"]) == 0
    out, err = capsys.readouterr()
    query = dict(parse_qsl(urlsplit(server.requests[0].target).query))
    assert "code 200" in out and "发送手机短信验证码成功" in out
    assert query["signature"] in out and query["random"] in out
    assert "+86 13800138000" in out and "注册" in out
    assert SECRET not in out + err and server.request_count == 1


def test_json_output(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    server = fault_server(respond(http_response(200, OK)))
    env(server.base_url)
    assert main(["send", "--phone", PHONE, "--code-type", "2", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is True and printed["code"] == 200
    assert printed["request"] == dict(parse_qsl(urlsplit(server.requests[0].target).query))


def test_api_error_prints_code_both_messages_and_remedy(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    server = fault_server(respond(http_response(200, RATE)))
    env(server.base_url)
    assert main(["send", "--phone", PHONE, "--code-type", "3"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "RateLimited: 5058 短信发送超出频率" in err
    assert "SMS sending rate exceeded" in err
    assert "Remedy:" in err and "countdown" in err  # the catalogue's remedy for 5058
    assert "Retry safe: yes" in err
    assert "Traceback" not in err and SECRET not in err


def test_api_error_as_json(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    env(fault_server(respond(http_response(200, RATE))).base_url)
    assert main(["send", "--phone", PHONE, "--code-type", "3", "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is False and printed["error"] == "RateLimited"
    assert printed["code"] == 5058 and printed["msg"] == "短信发送超出频率"
    assert printed["msg_en"] == "SMS sending rate exceeded" and printed["retry_safe"] is True


def test_transport_error_exits_1_and_says_not_retry_safe(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    server = fault_server(reset())
    env(server.base_url)
    assert main(["send", "--phone", PHONE, "--code-type", "3"]) == 1
    err = capsys.readouterr().err
    assert "DeliveryUnknown" in err and "Retry safe: no" in err and "Traceback" not in err
    assert server.request_count == 1


def test_connection_refused_exits_1(
    env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with refused_port() as port:
        env(f"http://127.0.0.1:{port}")
        assert main(["send", "--phone", PHONE, "--code-type", "3"]) == 1
    assert "ConnectionFailed" in capsys.readouterr().err


def test_bad_input_exits_2_and_sends_nothing(
    fault_server: Start, env: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    server = fault_server(respond(http_response(200, OK)))
    env(server.base_url)
    assert main(["send", "--phone", "+86 138", "--code-type", "7"]) == 2
    err = capsys.readouterr().err
    assert "phone" in err and "codeType" in err and server.request_count == 0


def test_missing_environment_names_each_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN", "SMSKIT_USER_DOMAIN_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["send", "--phone", PHONE, "--code-type", "3"]) == 2
    err = capsys.readouterr().err
    for name in ("SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN", "SMSKIT_USER_DOMAIN_SECRET"):
        assert name in err


def test_missing_arguments_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["send", "--code-type", "3"])
    assert caught.value.code == 2 and "--phone" in capsys.readouterr().err


def test_real_process_prints_no_traceback(fault_server: Start) -> None:
    server = fault_server(respond(http_response(502, "<html>Bad Gateway</html>",
                                                content_type="text/html")))
    environ = {**os.environ, "SMSKIT_BASE_URL": server.base_url, "SMSKIT_USER_DOMAIN": "demo",
               "SMSKIT_USER_DOMAIN_SECRET": SECRET}
    done = subprocess.run([sys.executable, "-m", "smskit", "send", "--phone", PHONE,
                           "--code-type", "3"], capture_output=True, text=True, env=environ,
                          timeout=60, check=False)
    assert done.returncode == 1
    assert "ResponseFormatError" in done.stderr and "HTTP 502" in done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout
