"""The signing snippets (``smskit/data/snippets/``), compiled and run by their real toolchains.

Java is compiled once with javac and Go built once with ``go build`` per session; Node, bash,
Python and PHP run their file directly. Every expectation is computed here with ``hashlib`` or
written out literally, never taken from the snippets or from smskit's signing code. Sends go to
a real sandbox on loopback, or to the tests' own fault server where the request itself is
inspected. A missing toolchain fails the test: ``./kit test`` installs them
(``scripts/setup_toolchains.sh``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given

from smskit.errors import InputError
from smskit.platform_codes import PlatformCode
from smskit.sandbox import Sandbox
from smskit.teaching import snippets
from tests.fixtures.faults import Behaviour, FaultServer, http_response, reset, respond
from tests.test_hostile_cli import HOSTILE, check_outcome, option_value, run_main

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "smskit/data/snippets"
API_PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"  # from the page

#: The page's worked example (its secret is published) and the signature SHA-256 really gives.
EXAMPLE = ("13800138000", "3", "76a6L647F02CAoN9", "1744773894369")
EXAMPLE_SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
EXAMPLE_SIGNATURE = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"

#: Language -> its file under smskit/data/snippets/, written out here, not read from the index.
FILES = {
    "java": "java/SendSmsCode.java",
    "go": "go/send_sms_code.go",
    "node": "node/send_sms_code.mjs",
    "shell": "shell/send_sms_code.sh",
    "python": "python/send_sms_code.py",
    "php": "php/send_sms_code.php",
}
LANGUAGES = list(FILES)
#: One phone per language and purpose: the sandbox allows one send per phone per 60 s.
SEND_PHONE = {lang: f"1380013800{i}" for i, lang in enumerate(LANGUAGES, start=1)}
REFUSED_PHONE = {lang: f"1380013801{i}" for i, lang in enumerate(LANGUAGES, start=1)}
SHAPE_PHONE = "13912345678"

OK_ENVELOPE = '{"code": 200, "msg": "", "data": null, "extMsg": null}'


def page_signature(phone: str, code_type: str, random: str, ts: str, secret: str) -> str:
    """SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex (the page)."""
    return hashlib.sha256(f"{phone}{code_type}{random}{ts}{secret}".encode()).hexdigest()


def go_environment() -> dict[str, str]:
    """Go's caches inside the checkout (ignored by git); never download a toolchain."""
    cache = ROOT / ".cache"
    return {**os.environ, "GOCACHE": str(cache / "go-build"), "GOPATH": str(cache / "go"),
            "GOTOOLCHAIN": "local", "GOFLAGS": ""}


class Runners:
    """The argv prefix that runs each language's snippet. Java and Go are compiled on first use,
    with their compilers' checks (javac -Xlint:all -Werror; gofmt, go vet) as errors."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = build_dir
        self._made: dict[str, list[str]] = {}

    def __getitem__(self, lang: str) -> list[str]:
        if lang not in self._made:
            self._made[lang] = self._make(lang)
        return self._made[lang]

    def _make(self, lang: str) -> list[str]:
        source = str(SNIPPETS / FILES[lang])
        if lang == "java":
            classes = self.build_dir / "java"
            subprocess.run(["javac", "-Xlint:all", "-Werror", "-d", str(classes), source],
                           check=True)
            return ["java", "-cp", str(classes), "SendSmsCode"]
        if lang == "go":
            binary = self.build_dir / "send_sms_code"
            assert subprocess.run(["gofmt", "-l", source], check=True, capture_output=True,
                                  text=True).stdout == ""
            subprocess.run(["go", "vet", source], check=True, env=go_environment())
            subprocess.run(["go", "build", "-o", str(binary), source], check=True,
                           env=go_environment())
            return [str(binary)]
        interpreter = {"node": "node", "shell": "bash", "python": sys.executable, "php": "php"}
        return [interpreter[lang], source]


@pytest.fixture(scope="session")
def runners(tmp_path_factory: pytest.TempPathFactory) -> Runners:
    return Runners(tmp_path_factory.mktemp("snippets-build"))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb
        assert sb.internal_errors == 0


def run(argv: list[str], env: dict[str, str], cwd: Path | None = None,
        ) -> subprocess.CompletedProcess[str]:
    """Run with exactly these SMSKIT_* variables (the test session has none of its own)."""
    return subprocess.run(argv, env={**os.environ, **env}, cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def sandbox_env(sb: Sandbox, *, secret: str | None = None) -> dict[str, str]:
    return {"SMSKIT_BASE_URL": sb.base_url, "SMSKIT_USER_DOMAIN": sb.demo_domain,
            "SMSKIT_USER_DOMAIN_SECRET": secret or sb.secret_for(sb.demo_domain)}


# -- signing -----------------------------------------------------------------------------------

def test_the_worked_example_signs_to_adf0cd13() -> None:
    assert page_signature(*EXAMPLE, EXAMPLE_SECRET) == EXAMPLE_SIGNATURE


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_reproduces_the_worked_example(runners: Runners, lang: str) -> None:
    done = run([*runners[lang], "sign", *EXAMPLE], {"SMSKIT_USER_DOMAIN_SECRET": EXAMPLE_SECRET})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == page_signature(*EXAMPLE, EXAMPLE_SECRET) == EXAMPLE_SIGNATURE


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_signs_the_utf8_bytes(runners: Runners, lang: str) -> None:
    inputs = ("13800138000", "2", "Ab3dEf6hIj9lMn0p", "1744773894369")
    secret = "密钥-clé-ключ"
    done = run([*runners[lang], "sign", *inputs], {"SMSKIT_USER_DOMAIN_SECRET": secret,
                                                   "LC_ALL": "C.UTF-8"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == page_signature(*inputs, secret)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_documented_command_runs_from_the_snippet_folder(lang: str) -> None:
    item = snippets.snippet(lang)
    assert item.command[-1] == Path(FILES[lang]).name
    argv = [sys.executable if word == "python3" else word for word in item.command]
    env = {**(go_environment() if lang == "go" else {}),
           "SMSKIT_USER_DOMAIN_SECRET": EXAMPLE_SECRET}
    done = run([*argv, "sign", *EXAMPLE], env, cwd=(SNIPPETS / FILES[lang]).parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == EXAMPLE_SIGNATURE


# -- sending -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_sends_a_code_the_sandbox_delivers(runners: Runners, sandbox: Sandbox,
                                                        lang: str) -> None:
    phone = SEND_PHONE[lang]
    env = sandbox_env(sandbox)
    done = run([*runners[lang], "send", phone, "3", "86"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["code"] == PlatformCode.SUCCESS
    delivery = sandbox.last_delivery(phone)
    assert delivery is not None
    assert (delivery.user_domain, delivery.code_type) == (sandbox.demo_domain, 3)
    assert re.fullmatch(r"\d{6}", delivery.code)
    assert env["SMSKIT_USER_DOMAIN_SECRET"] not in done.stdout + done.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_exits_1_when_the_platform_refuses(runners: Runners, sandbox: Sandbox,
                                                        lang: str) -> None:
    """The answer is printed as sent, its Chinese message intact even in the C locale."""
    phone = REFUSED_PHONE[lang]
    env = {**sandbox_env(sandbox, secret="not-the-secret"), "LC_ALL": "C"}  # a bare locale
    done = run([*runners[lang], "send", phone, "3"], env)
    assert done.returncode == 1, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert (answer["code"], answer["msg"]) == (PlatformCode.SIGNATURE_FAILED, "签名验证失败")
    assert sandbox.last_delivery(phone) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_sends_the_documented_request(
        runners: Runners, fault_server: Callable[[Behaviour], FaultServer], lang: str) -> None:
    """POST, all seven parameters URL-encoded in the query, empty body, ``accept: */*``;
    a fresh ``random`` each time."""
    server = fault_server(respond(http_response(200, OK_ENVELOPE)))
    domain, secret = "demo domain&x=1+é/中", "shape-secret-A1b2C3d4"
    env = {"SMSKIT_BASE_URL": server.base_url + "/", "SMSKIT_USER_DOMAIN": domain,
           "SMSKIT_USER_DOMAIN_SECRET": secret}
    before = int(time.time() * 1000)
    for _ in range(2):
        done = run([*runners[lang], "send", SHAPE_PHONE, "2"], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout) == json.loads(OK_ENVELOPE)
        assert secret not in done.stdout + done.stderr
    after = int(time.time() * 1000)
    randoms = set()
    for request in server.requests:
        target = urlsplit(request.target)
        assert (request.method, target.path) == ("POST", API_PATH)
        query = parse_qs(target.query, keep_blank_values=True, strict_parsing=True)
        assert all(len(values) == 1 for values in query.values())
        fields = {name: values[0] for name, values in query.items()}
        assert set(fields) == {"codeType", "internationalCode", "phone", "random", "signature",
                               "ts", "userDomain"}
        assert (fields["phone"], fields["codeType"], fields["internationalCode"],
                fields["userDomain"]) == (SHAPE_PHONE, "2", "86", domain)
        assert re.fullmatch(r"[A-Za-z0-9]{16}", fields["random"])
        assert re.fullmatch(r"\d{13}", fields["ts"]) and before <= int(fields["ts"]) <= after
        assert fields["signature"] == page_signature(SHAPE_PHONE, "2", fields["random"],
                                                     fields["ts"], secret)
        assert request.headers["accept"] == "*/*"
        assert request.body == b"" and "transfer-encoding" not in request.headers
        assert request.headers.get("content-length", "0") == "0"
        assert secret not in request.target + json.dumps(request.headers)
        randoms.add(fields["random"])
    assert len(server.requests) == len(randoms) == 2


@pytest.mark.parametrize("behaviour", ["not-json", "reset"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_fails_once_without_retrying(
        runners: Runners, fault_server: Callable[[Behaviour], FaultServer], lang: str,
        behaviour: str) -> None:
    """A proxy's error page or a dropped connection: exit 1, and exactly one request."""
    answer = (respond(http_response(502, "<html>Bad Gateway</html>", content_type="text/html"))
              if behaviour == "not-json" else reset())
    server = fault_server(answer)
    done = run([*runners[lang], "send", SHAPE_PHONE, "3"],
               {"SMSKIT_BASE_URL": server.base_url, "SMSKIT_USER_DOMAIN": "d",
                "SMSKIT_USER_DOMAIN_SECRET": "s"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Exception in thread" not in done.stderr
    assert server.request_count == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_refuses_bad_usage_and_settings_before_sending(runners: Runners,
                                                                    lang: str) -> None:
    full = {"SMSKIT_BASE_URL": "http://127.0.0.1:9", "SMSKIT_USER_DOMAIN": "d",
            "SMSKIT_USER_DOMAIN_SECRET": "s"}
    cases = [
        (["send", SHAPE_PHONE], full, "usage"),
        (["sign", *EXAMPLE[:3]], full, "usage"),
        (["send", SHAPE_PHONE, "3"], {**full, "SMSKIT_USER_DOMAIN_SECRET": ""},
         "SMSKIT_USER_DOMAIN_SECRET"),
        (["send", SHAPE_PHONE, "3"], {**full, "SMSKIT_BASE_URL": "china"}, "SMSKIT_BASE_URL"),
    ]
    for args, env, named in cases:
        done = run([*runners[lang], *args], env)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert named in done.stderr and done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_snippet_refuses_a_codetype_the_sandbox_would_refuse(runners: Runners,
                                                                  sandbox: Sandbox,
                                                                  lang: str) -> None:
    # "03", " 3", "3.0": the sandbox answers 5000 (the signature covers the text as sent);
    # the snippet says so before sending anything, exit status 2.
    before = len(sandbox.requests())
    for code_type in ("03", " 3", "3.0", "6", "三"):
        done = run([*runners[lang], "send", SHAPE_PHONE, code_type], sandbox_env(sandbox))
        assert done.returncode == 2, (code_type, done.stdout, done.stderr)
        assert "CODETYPE must be one digit 1-5" in done.stderr and done.stdout == ""
    assert len(sandbox.requests()) == before  # nothing reached the sandbox


# -- smskit.teaching.snippets and `smskit snippet` ---------------------------------------------

def test_the_module_lists_every_snippet_with_its_file_and_commands() -> None:
    assert snippets.languages() == LANGUAGES
    for item in snippets.all_snippets():
        assert item.file == FILES[item.language]
        assert item.code() == (SNIPPETS / FILES[item.language]).read_text(encoding="utf-8")
        command = " ".join(item.command)
        assert item.send_command() == f"{command} send PHONE CODETYPE [INTERNATIONALCODE]"
        assert item.title and item.uses["en"] and item.uses["zh"]
        assert EXAMPLE_SECRET not in item.code()


def test_languages_are_found_by_alias_in_any_case() -> None:
    assert snippets.snippet(" JavaScript ").language == "node"
    assert snippets.snippet("golang").language == "go"
    assert snippets.snippet("Bash").language == "shell"


def test_an_unknown_language_names_the_choices() -> None:
    with pytest.raises(InputError) as caught:
        snippets.snippet("rust")
    assert caught.value.field == "language"
    assert all(lang in str(caught.value) for lang in LANGUAGES)


def test_cli_lists_the_languages_and_how_each_runs() -> None:
    status, out, err = run_main(["snippet"])
    assert (status, err) == (0, "")
    for lang, file in FILES.items():
        assert re.search(rf"^{lang}\b.*{re.escape(Path(file).name)} send PHONE", out, re.M)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cli_prints_the_snippet_source(lang: str) -> None:
    status, out, err = run_main(["snippet", lang])
    assert (status, err) == (0, "")
    assert out == (SNIPPETS / FILES[lang]).read_text(encoding="utf-8")


def test_cli_unknown_language_is_one_line_naming_the_choices() -> None:
    done = subprocess.run([sys.executable, "-m", "smskit", "snippet", "cobol"],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    assert "cobol" in line and all(lang in line for lang in LANGUAGES)


@HOSTILE
@given(value=option_value)
def test_cli_hostile_language_names(value: str) -> None:
    status, out, err = run_main(["snippet", "--", value])
    check_outcome(status, out, err, fields={"language"})
    status, out, err = run_main(["snippet", f"--lang={value}"])
    check_outcome(status, out, err, fields={"lang"})


def test_the_toolchain_setup_installs_nothing_when_everything_is_present(runners: Runners) -> None:
    done = subprocess.run(["bash", str(ROOT / "scripts" / "setup_toolchains.sh")],
                          capture_output=True, text=True, timeout=600)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
