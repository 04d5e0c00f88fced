"""``smskit sign``, ``smskit example`` and ``smskit codes``, run as a user runs them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from smskit.cli import main

PAGE_SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
PAGE_ARGS = ["--phone", "13800138000", "--code-type", "3", "--random", "76a6L647F02CAoN9",
             "--ts", "1744773894369"]
OTHER_SECRET = "cli-test-secret-9f8e7d"


def run_cli(*args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["SMSKIT_LANG"] = "en"  # the expected texts below are the English edition
    if secret is not None:
        env["SMSKIT_USER_DOMAIN_SECRET"] = secret
    return subprocess.run([sys.executable, "-m", "smskit", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_sign_prints_only_the_lowercase_hex() -> None:
    done = run_cli("sign", *PAGE_ARGS, secret=OTHER_SECRET)
    joined = f"13800138000376a6L647F02CAoN91744773894369{OTHER_SECRET}"
    assert done.returncode == 0
    assert done.stdout == hashlib.sha256(joined.encode()).hexdigest() + "\n"
    assert done.stderr == ""


def test_sign_explain_masks_the_secret() -> None:
    done = run_cli("sign", *PAGE_ARGS, "--explain", secret=OTHER_SECRET)
    assert done.returncode == 0
    assert OTHER_SECRET not in done.stdout + done.stderr
    assert "userDomainSecret  ••••••••" in done.stderr
    assert "13800138000376a6L647F02CAoN91744773894369••••••••" in done.stderr


def test_sign_without_the_secret_variable_is_a_one_line_error() -> None:
    done = run_cli("sign", *PAGE_ARGS)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "userDomainSecret: is required" in done.stderr
    assert "SMSKIT_USER_DOMAIN_SECRET" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--ts", "1744773894", "ts: must be epoch milliseconds"),
        ("--ts", "soon", "ts: must be an integer"),
        ("--code-type", "login", "codeType: must be an integer"),
        ("--code-type", "9", "codeType: must be one of 1-5"),
        ("--random", "short", "random: must be exactly 16 characters"),
        ("--phone", "138 0013 8000", "phone: must contain digits only"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(
    flag: str, value: str, expected: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", OTHER_SECRET)
    args = list(PAGE_ARGS)
    args[args.index(flag) + 1] = value
    assert main(["sign", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert expected in err and err.count("\n") == 1


def test_missing_argument_is_a_usage_error_with_status_2() -> None:
    done = run_cli("sign", "--phone", "13800138000")
    assert done.returncode == 2
    assert "required" in done.stderr and "Traceback" not in done.stderr


def test_example_states_what_it_found() -> None:
    done = run_cli("example")
    assert done.returncode == 0
    assert "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891" in done.stdout
    assert "does NOT match" in done.stdout
    assert "SHA-256 of the empty string" in done.stdout
    assert PAGE_SECRET in done.stdout  # published on the page: the one secret shown


def test_codes_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 25
    assert "5058" in out and "短信发送超出频率" in out and "SMS sending rate exceeded" in out


def test_codes_explains_one_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", "5420"]) == 0
    out = capsys.readouterr().out
    assert "签名验证失败" in out and "Signature verification failed" in out
    assert "Remedy:" in out and "Retry safe: yes" in out


def test_codes_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", "--category", "slow_down"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["5058"]
    assert main(["codes", "--search", "模板", "--json"]) == 0
    assert '"code": 5118' in capsys.readouterr().out


@pytest.mark.parametrize("code", ["1234", "abc"])
def test_unknown_code_is_a_one_line_error(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes", code]) == 2
    err = capsys.readouterr().err
    assert err.startswith("smskit codes: error: code:") and err.count("\n") == 1


def test_codes_into_a_closed_pipe_exits_quietly() -> None:
    done = subprocess.run(f"{sys.executable} -m smskit codes | head -1", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("  200") and done.stderr == ""


def test_help_opens_for_users_with_two_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "one subcommand per module" not in out  # the developers' docstring is not shown
    assert "send phone SMS verification code" in out and "发送手机短信验证码" in out
    examples = out.split("examples")[1]
    assert "smskit send --sandbox" in examples and "smskit sign" in examples
