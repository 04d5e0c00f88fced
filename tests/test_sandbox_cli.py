"""``smskit sandbox`` run as a newcomer runs it: a subprocess, a URL, requests, Ctrl-C."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.fixtures.sandbox import (
    API_PATH,
    DATA,
    domain_secret,
    page_signature,
    shipped_domains,
)

URL_LINE = re.compile(r"serving (http://127\.0\.0\.1:(\d+))")


class Running:
    """A ``smskit sandbox`` child process with its stdout read line by line."""

    def __init__(self, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smskit", "sandbox", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self._pumping = threading.Thread(target=self._pump, daemon=True)
        self._pumping.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.stdout.append(line)
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 20) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern.pattern}: {self.stdout}") \
                    from None
            match = pattern.search(line)
            if match:
                return match

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.stderr is not None
        return code, self.process.stderr.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._pumping.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def cli() -> Iterator[Running]:
    running = Running("--port", "0")
    try:
        yield running
    finally:
        running.close()


def test_it_prints_where_to_go_serves_and_stops_cleanly_on_ctrl_c(cli: Running) -> None:
    base = cli.wait_for(URL_LINE).group(1)
    cli.wait_for(re.compile(r"health"))  # the whole banner is out
    banner = "".join(cli.stdout)
    assert "demo domain  sandbox-demo" in banner
    assert "sandbox_domains.json" in banner  # where the secret comes from
    assert f"{base}/_sandbox/outbox" in banner
    assert f"POST {base}{API_PATH}" in banner

    assert requests.get(base + "/_sandbox/health", timeout=5).json()["status"] == "ok"
    ts = int(time.time() * 1000)  # the CLI's sandbox runs on the system clock
    secret = domain_secret("sandbox-demo")
    query = {"codeType": "2", "internationalCode": "86", "phone": "13800138000",
             "random": "abcdefghijklmnop", "ts": str(ts), "userDomain": "sandbox-demo",
             "signature": page_signature(phone="13800138000", code_type=2,
                                         random_text="abcdefghijklmnop", ts=ts, secret=secret)}
    answer = requests.post(base + API_PATH, params=query, headers={"accept": "*/*"}, timeout=5)
    assert answer.json() == {"code": 200, "msg": "", "data": None, "extMsg": None}
    (delivery,) = requests.get(base + "/_sandbox/outbox", timeout=5).json()["deliveries"]

    code, stderr = cli.stop(signal.SIGINT)
    assert code == 0
    assert "Traceback" not in stderr
    assert f"delivered code {delivery['code']}" in stderr  # the terminal shows the "SMS"
    assert "stopped" in "".join(cli.stdout)
    everything = "".join(cli.stdout) + stderr
    for row in shipped_domains()["domains"]:
        assert row["secret"] not in everything


def test_sigterm_stops_it_cleanly_too(cli: Running) -> None:
    cli.wait_for(URL_LINE)
    code, stderr = cli.stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in stderr


def test_the_printed_export_line_yields_the_secret_without_showing_it(cli: Running) -> None:
    cli.wait_for(re.compile(r"health"))
    line = next(text for text in cli.stdout if "SMSKIT_USER_DOMAIN_SECRET=" in text)
    command = line.strip().removeprefix("export ")
    done = subprocess.run(["bash", "-c", f"{command}; printf %s \"$SMSKIT_USER_DOMAIN_SECRET\""],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == domain_secret("sandbox-demo")
    cli.stop()


def test_a_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "smskit", "sandbox", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and f"127.0.0.1:{port}" in done.stderr
    assert "--port 0" in done.stderr and "Traceback" not in done.stderr


def test_a_port_out_of_range_is_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "smskit", "sandbox", "--port", "70000"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr


def test_bound_to_every_interface_it_prints_only_addresses_a_client_can_reach() -> None:
    running = Running("--host", "0.0.0.0", "--port", "0")  # noqa: S104 - the case under test
    try:
        running.wait_for(re.compile(r"warning"))
        banner = "".join(running.stdout)
        bases = set(re.findall(r"http://([0-9.]+:\d+)", banner))
        assert bases and not any(base.startswith("0.0.0.0:") for base in bases)
        export = re.search(r"export SMSKIT_BASE_URL=http://([0-9.]+):\d+ ", banner)
        assert export is not None and export.group(1) == "127.0.0.1"
        assert "development only" in banner
        for base in bases:  # loopback and this machine's own interfaces: nothing leaves it
            health = requests.get(f"http://{base}/_sandbox/health", timeout=5).json()
            assert health["status"] == "ok"
        code, stderr = running.stop(signal.SIGTERM)
        assert code == 0 and "Traceback" not in stderr
    finally:
        running.close()


def _wrong_signature_query(secret: str, *, upper: bool = False) -> dict[str, str]:
    """A request signed now with ``secret`` by hashlib; ``upper``: written as uppercase hex."""
    ts = int(time.time() * 1000)  # the CLI's sandbox runs on the system clock
    signature = page_signature(phone="13800138000", code_type=2, random_text="abcdefghijklmnop",
                               ts=ts, secret=secret)
    return {"codeType": "2", "internationalCode": "86", "phone": "13800138000",
            "random": "abcdefghijklmnop", "ts": str(ts), "userDomain": "sandbox-demo",
            "signature": signature.upper() if upper else signature}


CONSOLE_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}  POST  sendPhoneSmsCode  sandbox-demo  "
                          r"13800138000  (\S+)  (\d+) (\S+)(?:  (.*))?$")


def test_each_request_is_printed_live_naming_the_mistake(cli: Running) -> None:
    base = cli.wait_for(URL_LINE).group(1)
    cli.wait_for(re.compile(r"_sandbox/requests"))  # the banner's last line
    banner = "".join(cli.stdout)
    assert f"replace the platform's host with {base}" in banner and API_PATH in banner
    secret = domain_secret("sandbox-demo")
    query = _wrong_signature_query(secret + "\n")  # a secret read from a file, newline kept
    answer = requests.post(base + API_PATH, params=query, timeout=5).json()
    assert answer["code"] == 5420 and answer["msg"] == "签名验证失败"
    assert "[secret-whitespace]" in answer["extMsg"]
    line = cli.wait_for(CONSOLE_LINE)
    assert line.groups()[:3] == ("refused", "5420", "signature")
    assert line.group(4).startswith("secret-whitespace: ")
    requests.post(base + API_PATH, params=_wrong_signature_query(secret), timeout=5)
    assert cli.wait_for(CONSOLE_LINE).groups() == ("ok", "200", "delivered", None)
    requests.get(base + "/_sandbox/outbox", timeout=5)
    cli.wait_for(re.compile(r"  GET  /_sandbox/outbox  -  -  ok  200 sandbox_outbox$"))
    code, stderr = cli.stop()
    assert code == 0 and "Traceback" not in stderr
    assert secret not in "".join(cli.stdout) + stderr


def test_the_banner_console_and_ext_msg_speak_chinese_with_lang_zh() -> None:
    messages = json.loads((DATA / "messages.json").read_text(encoding="utf-8"))["messages"]
    zh = {key[len("sandbox.banner."):]: row["zh"] for key, row in messages.items()
          if key.startswith("sandbox.banner.")}
    serving = re.compile(re.escape(zh["serving"]).replace(r"\{base\}", r"(http://127\.0\.0\.1:\d+)"))
    running = Running("--port", "0", "--lang", "zh")
    try:
        base = running.wait_for(serving).group(1)
        running.wait_for(re.compile(r"_sandbox/requests"))
        banner = "".join(running.stdout)
        assert zh["demo_domain"].format(domain="sandbox-demo") in banner
        assert zh["outbox"].format(base=base) in banner and zh["to_use"] in banner
        assert "demo domain" not in banner and "(Ctrl-C to stop)" not in banner
        query = _wrong_signature_query(domain_secret("sandbox-demo"), upper=True)
        answer = requests.post(base + API_PATH, params=query, timeout=5).json()
        assert answer["msg"] == "签名验证失败"  # the platform's text, verbatim, in any language
        mistake = next(row for row in json.loads(
            (DATA / "signature_mistakes.json").read_text(encoding="utf-8"))["mistakes"]
            if row["id"] == "uppercase-hex")
        assert mistake["title_zh"] in answer["extMsg"] and "修正" in answer["extMsg"]
        line = running.wait_for(CONSOLE_LINE)
        assert line.groups()[:3] == ("拒绝", "5420", "signature")
        assert line.group(4) == f"uppercase-hex: {mistake['title_zh']}"
        code, _ = running.stop()
        assert code == 0 and zh["stopped"].format(command="sandbox") in "".join(running.stdout)
    finally:
        running.close()


def test_quiet_prints_no_request_lines() -> None:
    running = Running("--port", "0", "--quiet")
    try:
        base = running.wait_for(URL_LINE).group(1)
        running.wait_for(re.compile(r"_sandbox/requests"))
        requests.get(base + "/_sandbox/health", timeout=5)
        assert requests.get(base + "/_sandbox/requests", timeout=5).json()["requests"]
        code, stderr = running.stop()
        assert code == 0 and stderr == ""
        assert not any("sandbox_health" in line for line in running.stdout)
    finally:
        running.close()
