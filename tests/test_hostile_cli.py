"""Hostile input to the command line: arbitrary text in every option of every subcommand.

The contract (``smskit.cli``): bad input is exit status 2 and one line on stderr naming the
field; the API or the network saying no is exit status 1; success is 0. Never an uncaught
exception (the in-process runs below would raise it) or a traceback, and never the secret.
``test_cli_core.py`` and ``test_cli_send.py`` check chosen mistakes; this module generates
them, including text that arrives from undecodable bytes (lone surrogates) and option values
that look like options. ``send`` talks to a real sandbox on loopback.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.cli import main
from smskit.sandbox import Sandbox
from tests.fixtures.sandbox import domain_secret
from tests.test_hostile_request import hostile_text

SIGN_SECRET = "cli-hostile-secret-77aa"
HOSTILE = settings(max_examples=120, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Each subcommand's options with a valid value, and the API field each one carries.
SIGN = {"--phone": "13800138000", "--code-type": "3", "--random": "76a6L647F02CAoN9",
        "--ts": "1744773894369"}
SEND = {"--phone": "13800138000", "--code-type": "3", "--international-code": "86"}
FIELD_OF = {"--phone": "phone", "--code-type": "codeType", "--random": "random", "--ts": "ts",
            "--international-code": "internationalCode", "--port": "port", "--host": "host",
            "--category": "category", "--search": "search", "code": "code"}

#: An option's value: hostile text, sometimes one that looks like an option itself.
option_value = st.one_of(hostile_text, st.sampled_from(["-h", "--", "-x", "--phone", "-1"]))


def run_main(argv: Sequence[str]) -> tuple[int, str, str]:
    """``smskit.cli.main(argv)`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:  # argparse's usage errors (and --help)
            status = exit_.code if isinstance(exit_.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def check_outcome(status: int, out: str, err: str, *, fields: set[str],
                  secrets: Sequence[str] = ()) -> None:
    """Exit 0/1, or 2 with exactly one stderr line that names one of ``fields``."""
    assert status in (0, 1, 2), (status, out, err)
    assert "Traceback" not in out + err
    for secret in secrets:
        assert secret not in out + err
    if status == 2 and not out.startswith("usage:"):  # a value of "-h" asks for the help
        assert out == ""
        assert err.endswith("\n") and err.count("\n") == 1, err
        options = {option for option, field in FIELD_OF.items() if field in fields}
        assert any(name in err for name in fields | options | {"argument", "arguments"}), err


def argv_for(options: dict[str, str], *, joined: bool) -> list[str]:
    """``--opt=value`` (any value gets through) or ``--opt value`` (argparse may object)."""
    if joined:
        return [f"{option}={value}" for option, value in options.items()]
    return [word for option, value in options.items() for word in (option, value)]


@pytest.fixture(scope="module")
def environment() -> Iterator[Sandbox]:
    """A sandbox on loopback and the three variables pointing ``smskit send`` at it."""
    with Sandbox() as box, pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMSKIT_BASE_URL", box.base_url)
        patch.setenv("SMSKIT_USER_DOMAIN", box.demo_domain)
        patch.setenv("SMSKIT_USER_DOMAIN_SECRET", domain_secret(box.demo_domain))
        yield box
        assert box.internal_errors == 0


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(sorted(SIGN)), option_value, min_size=1),
       joined=st.booleans(), explain=st.booleans())
def test_sign_with_any_option_values(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, str],
    joined: bool, explain: bool,
) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("SMSKIT_USER_DOMAIN_SECRET", SIGN_SECRET)
        argv = ["sign", *argv_for({**SIGN, **changes}, joined=joined)]
        status, out, err = run_main(argv + (["--explain"] if explain else []))
    check_outcome(status, out, err, fields={FIELD_OF[o] for o in changes},
                  secrets=[SIGN_SECRET])
    if status == 0:
        assert len(out.strip()) == 64 and set(out.strip()) <= set("0123456789abcdef")


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(sorted(SEND)), option_value, min_size=1),
       joined=st.booleans(), as_json=st.booleans(), unverified=st.booleans())
def test_send_with_any_option_values(
    environment: Sandbox, changes: dict[str, str], joined: bool, as_json: bool,
    unverified: bool,
) -> None:
    flags = ["--json"] * as_json + ["--allow-unverified-phone"] * unverified
    before = len(environment.outbox())
    status, out, err = run_main(["send", *argv_for({**SEND, **changes}, joined=joined), *flags])
    check_outcome(status, out, err, fields={FIELD_OF[o] for o in changes} | {"phone"},
                  secrets=[domain_secret(environment.demo_domain)])
    if status == 2:
        assert len(environment.outbox()) == before  # refused input sends nothing


def _fits_the_environment(text: str) -> bool:
    """What a real environment variable can hold: no NUL, bytes via surrogateescape."""
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


@HOSTILE
@given(domain=hostile_text.filter(_fits_the_environment),
       secret=hostile_text.filter(_fits_the_environment))
def test_send_with_any_credentials_in_the_environment(
    environment: Sandbox, monkeypatch: pytest.MonkeyPatch, domain: str, secret: str,
) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("SMSKIT_USER_DOMAIN", domain)
        patch.setenv("SMSKIT_USER_DOMAIN_SECRET", secret)
        status, out, err = run_main(["send", *argv_for(SEND, joined=True)])
    fields = {"userDomain", "userDomainSecret", "SMSKIT_USER_DOMAIN",
              "SMSKIT_USER_DOMAIN_SECRET"}
    check_outcome(status, out, err, fields=fields,
                  secrets=[secret] if len(secret) >= 12 and secret not in domain else [])


@settings(max_examples=25, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(SEND)), option_value, min_size=1))
def test_send_to_an_embedded_sandbox_with_any_option_values(changes: dict[str, str]) -> None:
    status, out, err = run_main(["send", "--sandbox", *argv_for({**SEND, **changes},
                                                                 joined=True)])
    check_outcome(status, out, err, fields={FIELD_OF[o] for o in changes} | {"phone"})


@HOSTILE
@given(code=st.one_of(st.none(), option_value), search=st.one_of(st.none(), option_value),
       category=st.one_of(st.none(), option_value), as_json=st.booleans())
def test_codes_with_any_arguments(
    code: str | None, search: str | None, category: str | None, as_json: bool,
) -> None:
    argv = ["codes"]
    argv += [f"--search={search}"] if search is not None else []
    argv += [f"--category={category}"] if category is not None else []
    argv += ["--json"] if as_json else []
    argv += ["--", code] if code is not None else []
    status, out, err = run_main(argv)
    check_outcome(status, out, err, fields={"code", "category", "search"})


def _is_a_port(text: str) -> bool:
    try:
        return 0 <= int(text) <= 65535  # what argparse's type=int and the range check accept
    except ValueError:
        return False


@HOSTILE
@given(port=option_value.filter(lambda text: not _is_a_port(text)),
       host=st.one_of(st.none(), option_value))
def test_sandbox_refuses_any_unusable_port_without_starting(
    port: str, host: str | None,
) -> None:
    argv = ["sandbox", f"--port={port}", "--quiet"] + ([f"--host={host}"] if host else [])
    status, out, err = run_main(argv)
    assert status == 2
    check_outcome(status, out, err, fields={"port"})


def test_codes_with_a_thousand_digit_code_is_a_one_line_error() -> None:
    """Regression: int() of more than 4300 digits raised ValueError out of ``smskit codes``."""
    status, out, err = run_main(["codes", "9" * 5000])
    assert (status, out) == (2, "")
    assert err.startswith("smskit codes: error: code: 999999999... is not in the catalogue")
    assert err.count("\n") == 1 and len(err) < 200


@pytest.mark.parametrize("argv", [
    [b"sign", b"--phone", b"\xff\xfe138", b"--code-type", b"3", b"--random",
     b"76a6L647F02CAoN9", b"--ts", b"1744773894369"],
    [b"codes", b"\xc3\x28"],
    [b"send", b"--phone", b"13800138000", b"--code-type", b"\xe4\xb8", b"--sandbox"],
])
def test_undecodable_bytes_in_a_real_process_are_one_line(argv: list[bytes]) -> None:
    """In a real process, bytes that are not UTF-8 reach argparse as lone surrogates, and
    errors must still print (stderr escapes them) as one line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMSKIT_")}
    env["SMSKIT_USER_DOMAIN_SECRET"] = SIGN_SECRET
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"smskit", *argv],
                          capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and b"Traceback" not in done.stderr


@pytest.mark.parametrize("argv", [
    ["sandbox", "--port=--"],
    ["sign", "--phone=--", "--code-type=3", "--random=76a6L647F02CAoN9", "--ts=1744773894369"],
    ["codes", "--search=--"],
    ["send", "--phone=13800138000", "--code-type=--"],
])
def test_an_option_whose_value_is_a_lone_double_dash_is_a_usage_error(argv: list[str]) -> None:
    """Regression: argparse 3.11 made ``--port=--`` an empty list, and ``smskit sandbox``
    crashed comparing it with 0 (TypeError)."""
    status, out, err = run_main(argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "expected one value" in err


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r", "\x01", " "])
def test_sign_refuses_a_secret_with_whitespace_or_control_characters_as_build_request_does(
    monkeypatch: pytest.MonkeyPatch, ending: str,
) -> None:
    """Regression: ``smskit sign`` signed over a secret with a trailing newline (a signature
    the platform would never accept) while ``build_request`` refused it."""
    monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", SIGN_SECRET + ending)
    status, out, err = run_main(["sign", *argv_for(SIGN, joined=True)])
    assert (status, out) == (2, "")
    assert err.startswith("smskit sign: error: userDomainSecret: ") and err.count("\n") == 1
    assert "Hint:" in err and SIGN_SECRET not in err


@pytest.mark.parametrize("base_url", ["{}\r\n", "{}\r", "{}\n", "{}/\x1b", "{}\x7f"])
def test_send_refuses_a_base_url_with_control_characters_in_one_line(
    environment: Sandbox, monkeypatch: pytest.MonkeyPatch, base_url: str,
) -> None:
    """Regression: a Windows .env's trailing CR/LF in SMSKIT_BASE_URL passed, failed deep
    inside requests and ``smskit send`` printed a traceback."""
    before = len(environment.outbox())
    monkeypatch.setenv("SMSKIT_BASE_URL", base_url.format(environment.base_url))
    status, out, err = run_main(["send", *argv_for(SEND, joined=True)])
    assert (status, out) == (2, "")
    assert err.startswith("smskit send: error: base_url: must not contain control characters")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert len(environment.outbox()) == before


@HOSTILE
@given(category=option_value, code_type=option_value)
def test_chinese_usage_errors_with_any_values(category: str, code_type: str) -> None:
    """argparse's words in Chinese (issue 21): values full of ``%``, braces and control
    characters are shown as they are, in one line, never formatted into the message."""
    from smskit import i18n

    with i18n.using_language("zh"):
        status, out, err = run_main(["codes", f"--category={category}"])
        check_outcome(status, out, err, fields={"category", "参数"})
        if status == 2 and not out:
            assert err.startswith(("smskit codes 出错。", "smskit 出错。参数 --category"))
        status, out, err = run_main(["send", "--phone", "13800138000",
                                     f"--code-type={code_type}", "--sandbox"])
        check_outcome(status, out, err, fields={"codeType", "code-type", "参数"})
