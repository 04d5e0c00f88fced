"""``smskit check``, run as a user runs it: exit 0 right, 1 wrong (with the diagnosis), 2 unusable.

Signatures are computed here with ``hashlib``; the secret is a canary that must never show.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smskit.request import ENDPOINT_PATH
from tests.test_hostile_cli import HOSTILE, check_outcome, run_main
from tests.test_hostile_request import hostile_text

CANARY = "canary-CHECK-secret-5d1e0a"
P, C, R, T, D = "13800138000", "3", "76a6L647F02CAoN9", "1744773894369", "C.DM.5903.1"
RIGHT = hashlib.sha256(f"{P}{C}{R}{T}{CANARY}".encode()).hexdigest()
HOST = "https://iot-api.quectelcn.com"


def url(signature: str, path: str = ENDPOINT_PATH) -> str:
    return (f"{HOST}{path}?codeType={C}&internationalCode=86&phone={P}&random={R}"
            f"&signature={signature}&ts={T}&userDomain={D}")


def run_cli(*args: str, secret: str | None = CANARY,
            stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    if secret is not None:
        env["SMSKIT_USER_DOMAIN_SECRET"] = secret
    return subprocess.run([sys.executable, "-m", "smskit", "check", *args], input=stdin,
                          capture_output=True, env=env, timeout=60, check=False)


def text(done: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    out, err = done.stdout.decode(), done.stderr.decode()
    assert CANARY not in out + err and "Traceback" not in out + err
    return out, err


def test_a_right_signature_exits_0_in_both_languages() -> None:
    done = run_cli("--url", url(RIGHT))
    out, err = text(done)
    assert done.returncode == 0 and err == ""
    assert "签名正确" in out and "The signature is right" in out and RIGHT in out


def test_a_known_mistake_exits_1_with_the_diagnosis() -> None:
    upper = RIGHT.upper()
    done = run_cli("--url", url(upper))
    out, _ = text(done)
    assert done.returncode == 1
    assert "[uppercase-hex]" in out and "签名使用了大写十六进制" in out
    assert "The signature is uppercase hex" in out and "5420" in out
    assert f'"{P}{C}{R}{T}••••••••"' in out  # what was signed, secret masked


def test_a_multi_line_curl_on_standard_input() -> None:
    digest = hashlib.sha256(f"{P}{C}{R}{T}{CANARY}".encode()).digest()
    signature = base64.b64encode(digest).decode().replace("+", "%2B").replace("/", "%2F") \
        .replace("=", "%3D")
    command = f"curl -X POST \\\n  '{url(signature)}' \\\n  -H 'accept: */*'\n"
    done = run_cli("-", "--json", stdin=command.encode())
    out, _ = text(done)
    assert done.returncode == 1
    data = json.loads(out)
    assert data["mistake"]["id"] == "base64-digest" and data["ok"] is False
    assert set(data["mistake"]["fix"]) == {"zh", "en"}


def test_a_curl_argument_and_fields_one_by_one() -> None:
    done = run_cli("--curl", f"curl -X POST '{url(RIGHT)}' -H 'accept: */*'")
    assert done.returncode == 0
    ts_seconds = hashlib.sha256(f"{P}{C}{R}{T[:10]}{CANARY}".encode()).hexdigest()
    done = run_cli("--phone", P, "--code-type", C, "--random", R, "--ts", T,
                   "--signature", ts_seconds, "--json")
    out, _ = text(done)
    assert done.returncode == 1 and json.loads(out)["mistake"]["id"] == "ts-in-seconds"
    plus86 = hashlib.sha256(f"+86{P}{C}{R}{T}{CANARY}".encode()).hexdigest()
    done = run_cli("--phone", P, "--code-type", C, "--random", R, "--ts", T,
                   "--signature", plus86, "--json")  # internationalCode 86 unless told
    assert json.loads(text(done)[0])["mistake"]["id"] == "phone-with-country-prefix"


def test_an_unexplained_signature_exits_1_with_the_checks() -> None:
    done = run_cli("--url", url(hashlib.sha256(b"unrelated").hexdigest()))
    out, _ = text(done)
    assert done.returncode == 1
    assert "No known mistake explains" in out and "没有已知错误" in out


@pytest.mark.parametrize(("args", "stdin", "names"), [
    (["--url", url(RIGHT, "/v2/sms/enduserapi/v2/sendEmailCode")], None, "url"),
    (["--url", url(RIGHT).replace(f"&random={R}", "")], None, "random"),
    (["--url", url(RIGHT) + "&ts=1"], None, "ts"),
    (["--url", url("zz" * 80)], None, "signature"),
    (["-"], b"\xff\xfe not utf-8", "UTF-8"),
    (["-"], b"", "request"),
    ([], None, "request"),
    (["--url", url(RIGHT), "--curl", "curl x"], None, "request"),
    (["--phone", P, "--signature", RIGHT], None, "codeType"),
])
def test_unusable_input_exits_2_naming_the_field(args: list[str], stdin: bytes | None,
                                                 names: str) -> None:
    done = run_cli(*args, stdin=stdin)
    out, err = text(done)
    assert done.returncode == 2 and out == ""
    assert err.count("\n") == 1 and names in err


@pytest.mark.parametrize(("secret", "hint"), [
    (None, "export SMSKIT_USER_DOMAIN_SECRET"),
    (CANARY + "\n", "newline"),
    (" " + CANARY, "whitespace"),
])
def test_a_missing_or_padded_secret_exits_2_with_the_hint(secret: str | None, hint: str) -> None:
    done = run_cli("--url", url(RIGHT), secret=secret)
    _, err = text(done)
    assert done.returncode == 2 and "userDomainSecret" in err and hint in err


def test_json_errors_for_machines() -> None:
    done = run_cli("--json", "--url", url("not-hex"))
    out, _ = text(done)
    assert done.returncode == 2
    assert [p["field"] for p in json.loads(out)["problems"]] == ["signature"]


@HOSTILE
@given(data=st.binary(max_size=300) | hostile_text.map(lambda t: t.encode("utf-8",
                                                                          "surrogatepass")))
def test_any_bytes_on_standard_input_give_an_answer_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("SMSKIT_USER_DOMAIN_SECRET", CANARY)
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        status, out, err = run_main(["check", "-"])
    check_outcome(status, out, err, fields={"request", "signature", "phone", "codeType",
                                            "random", "ts", "userDomain",
                                            "internationalCode", "url"}, secrets=[CANARY])


@HOSTILE
@given(option=st.sampled_from(["--url", "--curl", "--signature", "--ts", "--phone"]),
       value=hostile_text, as_json=st.booleans())
def test_any_option_value_gives_an_answer_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, option: str, value: str, as_json: bool
) -> None:
    fields = {"--phone": P, "--code-type": C, "--random": R, "--ts": T, "--signature": RIGHT}
    argv = ([f"{option}={value}"] if option in ("--url", "--curl")
            else [f"{name}={value if name == option else given_}"
                  for name, given_ in fields.items()])
    with monkeypatch.context() as patch:
        patch.setenv("SMSKIT_USER_DOMAIN_SECRET", CANARY)
        status, out, err = run_main(["check", *argv, *(["--json"] * as_json)])
    if as_json and status == 2 and out:  # the problems as JSON (usage errors stay on stderr)
        assert CANARY not in out + err and json.loads(out)["ok"] is False
        return
    check_outcome(status, out, err, fields={"request", "signature", "phone", "codeType",
                                            "random", "ts", "userDomain", "internationalCode",
                                            "url"}, secrets=[CANARY])
