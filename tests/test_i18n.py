"""The language switch, the keyed texts in both editions, and the CLI speaking Chinese."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import string
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

import smskit
from smskit import catalogue, i18n
from smskit.cli import main
from smskit.i18n import Editions

ROOT = Path(__file__).resolve().parents[1]
# Expectations come from the data files read directly, not through the modules under test.
MESSAGES = json.loads((ROOT / "smskit/data/messages.json").read_text(encoding="utf-8"))["messages"]
CODES = json.loads((ROOT / "smskit/data/error_codes.json").read_text(encoding="utf-8"))
EXAMPLE = json.loads((ROOT / "smskit/data/worked_example.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- the switch ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL decides first
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty variable is not set
        ({"SMSKIT_LANG": "zh"}, "zh"),
        ({"SMSKIT_LANG": "ZH ", "LANG": "en_US.UTF-8"}, "zh"),
        ({"SMSKIT_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),  # the kit's variable wins
        ({"SMSKIT_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),  # unknown: the locale decides
    ],
)
def test_environment_language(environ: dict[str, str], expected: str) -> None:
    assert i18n.environment_language(environ) == expected


def test_language_follows_the_environment_until_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSKIT_LANG", "zh")
    assert smskit.language() == "zh"
    monkeypatch.setenv("SMSKIT_LANG", "en")
    assert smskit.language() == "en"
    try:
        smskit.set_language("zh")
        assert smskit.language() == "zh"
        monkeypatch.setenv("SMSKIT_LANG", "en")
        assert smskit.language() == "zh"  # an explicit choice beats the environment
    finally:
        smskit.set_language(None)
    assert smskit.language() == "en"


def test_using_language_nests_and_restores() -> None:
    assert i18n.language() == "en"  # conftest pins SMSKIT_LANG=en
    with i18n.using_language("zh") as outer:
        assert outer == "zh" == i18n.language()
        with i18n.using_language("en"):
            assert i18n.language() == "en"
        with i18n.using_language(None):  # a command's --lang left out
            assert i18n.language() == "zh"
        assert i18n.language() == "zh"
    assert i18n.language() == "en"
    with pytest.raises(RuntimeError), i18n.using_language("zh"):
        raise RuntimeError
    assert i18n.language() == "en"


@pytest.mark.parametrize("bad", ["fr", "", "zh-CN", "chinese"])
def test_an_unknown_language_is_refused_naming_the_choices(bad: str) -> None:
    with pytest.raises(ValueError, match="en, zh"):
        i18n.set_language(bad)
    with pytest.raises(ValueError, match="en, zh"), i18n.using_language(bad):
        pass
    assert i18n.language() == "en"


# --- the texts ----------------------------------------------------------------------------

def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_both_editions_with_the_same_placeholders() -> None:
    assert MESSAGES
    for key, editions in MESSAGES.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", key), key
        assert set(editions) == set(i18n.LANGUAGES), key
        assert all(text.strip() for text in editions.values()), key
        assert placeholders(editions["en"]) == placeholders(editions["zh"]), key
        assert all(name.isidentifier() for name in placeholders(editions["en"])), key


def test_chinese_edition_is_chinese() -> None:
    for key, editions in MESSAGES.items():
        words = re.search(r"[A-Za-z]", re.sub(r"\{\w+(:[^}]*)?\}", "", editions["en"]))
        # Only punctuation around placeholders (". {remedy}") has no words to translate.
        assert CJK.search(editions["zh"]) or not words, key
        assert not CJK.search(editions["en"]), key


def test_lookup_fills_named_placeholders_in_the_chosen_language() -> None:
    assert i18n.t("codes.error.unknown", code="99") == "99 is not in the catalogue"
    assert i18n.t("codes.error.unknown", "zh", code="99") == "99 不在错误码目录中"
    with i18n.using_language("zh"):
        assert i18n.t("common.yes") == "是"
        assert i18n.t("common.yes", "en") == "yes"
    with pytest.raises(KeyError):
        i18n.t("no.such.key")
    with pytest.raises(KeyError):
        i18n.t("codes.error.unknown")  # {code} not given


def _keys_used_in_the_package() -> tuple[set[str], set[str]]:
    """Literal keys passed to ``i18n.t``/``i18n.text`` in smskit/, and prefixes of keys
    built by f-strings."""
    literal, prefixes = set(), set()
    for path in (ROOT / "smskit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args
                    and isinstance(node.func, ast.Attribute) and node.func.attr in ("t", "text")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "i18n"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
            else:  # a conditional key: both branches must be literal keys
                literal |= {n.value for n in ast.walk(first)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return literal, prefixes


def test_every_key_the_code_uses_exists_and_every_key_is_used() -> None:
    literal, prefixes = _keys_used_in_the_package()
    assert literal and prefixes
    assert literal <= set(MESSAGES), literal - set(MESSAGES)
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in MESSAGES), prefix
    unused = {key for key in MESSAGES
              if key not in literal and not any(key.startswith(p) for p in prefixes)}
    assert unused == set()


# --- the catalogue in both languages ------------------------------------------------------

def test_every_code_and_category_has_a_chinese_edition() -> None:
    for row in CODES["codes"]:
        for name in ("cause", "remedy"):
            assert CJK.search(row[name]["zh"]), (row["code"], name)
    for key, category in CODES["categories"].items():
        assert CJK.search(category["next_step"]["zh"]), key


def test_catalogue_entries_answer_in_the_chosen_language() -> None:
    rows = {row["code"]: row for row in CODES["codes"]}
    for entry in catalogue.all_codes():
        row = rows[entry.code]
        assert (entry.cause, entry.remedy) == (Editions(**row["cause"]), Editions(**row["remedy"]))
        assert entry.cause.render("zh") == row["cause"]["zh"]
        assert entry.remedy.render("en") == row["remedy"]["en"]
        assert (entry.zh, entry.en) == (row["zh"], row["en"])
        with i18n.using_language("zh"):
            assert str(entry.cause) == row["cause"]["zh"]
            assert str(entry.remedy) == row["remedy"]["zh"]
        assert (str(entry.cause), str(entry.remedy)) == (row["cause"]["en"], row["remedy"]["en"])
    for key, category in catalogue.categories().items():
        raw = CODES["categories"][key]
        assert category.name_in("zh") == raw["zh"] and category.name_in("en") == raw["en"]
        assert category.next_step == Editions(**raw["next_step"])


# --- the commands -------------------------------------------------------------------------

def run_cli(*args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SMSKIT_") and k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "smskit", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def test_codes_explains_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    row = next(row for row in CODES["codes"] if row["code"] == 5420)
    category = CODES["categories"][row["category"]]
    assert main(["codes", "5420", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "5420 签名验证失败"  # the platform's message, verbatim
    assert f"原因：      {row['cause']['zh']}\n" in out
    assert f"处理方法：  {row['remedy']['zh']}\n" in out
    assert f"{category['zh']}（{category['en']}）。{category['next_step']['zh']}" in out
    assert "可安全重试：是" in out
    assert row["cause"]["en"] not in out and "Remedy:" not in out
    assert i18n.language() == "en"  # --lang holds for that command only


@pytest.mark.parametrize(
    ("args", "env", "chinese"),
    [
        (["codes", "5058"], {"SMSKIT_LANG": "zh"}, True),
        (["codes", "5058"], {"LANG": "zh_CN.UTF-8"}, True),
        (["codes", "5058"], {}, False),
        (["codes", "5058", "--lang", "en"], {"SMSKIT_LANG": "zh"}, False),
        (["codes", "5058", "--lang", "zh"], {"LANG": "en_US.UTF-8"}, True),
    ],
)
def test_codes_language_from_option_variable_or_locale(
    args: list[str], env: dict[str, str], chinese: bool,
) -> None:
    row = next(row for row in CODES["codes"] if row["code"] == 5058)
    done = run_cli(*args, **env)
    assert done.returncode == 0 and done.stderr == ""
    assert (row["remedy"]["zh"] in done.stdout) is chinese
    assert (row["remedy"]["en"] in done.stdout) is not chinese


def test_codes_refuses_a_bad_code_in_chinese() -> None:
    done = run_cli("codes", "99", "--lang", "zh")
    assert done.returncode == 2 and done.stdout == ""
    assert "99 不在错误码目录中" in done.stderr and done.stderr.count("\n") == 1


def test_codes_refuses_an_unknown_language() -> None:
    done = run_cli("codes", "5058", "--lang", "fr")
    assert done.returncode == 2 and "--lang" in done.stderr and "Traceback" not in done.stderr


def test_example_in_chinese() -> None:
    inputs = EXAMPLE["inputs"]
    joined = "".join(str(inputs[name]) for name in
                     ("phone", "codeType", "random", "ts", "userDomainSecret"))
    computed = hashlib.sha256(joined.encode()).hexdigest()
    done = run_cli("example", "--lang", "zh")
    assert done.returncode == 0 and done.stderr == ""
    assert f"签名原文（计算所得）：{joined}\n" in done.stdout
    assert f"计算所得的签名：  {computed}\n" in done.stdout
    assert f"文档页给出的签名：{EXAMPLE['printed_signature']}（不一致）" in done.stdout
    assert "空字符串的 SHA-256" in done.stdout
    assert EXAMPLE["finding"]["zh"] in done.stdout and EXAMPLE["finding"]["en"] not in done.stdout


# --- a clock far off, explained in both editions -----------------------------------------

@pytest.mark.parametrize(("ms", "zh"), [
    (0, "与服务器时间一致（误差在一秒内）"),
    (3_200, "比服务器时间快 3.2 秒"),
    (-12 * 60_000, "比服务器时间慢 12.0 分钟"),
])
def test_clock_offset_in_chinese(ms: int, zh: str) -> None:
    from smskit import skew

    assert skew.describe(ms, "zh") == zh


def test_clock_skew_error_explains_the_clock_in_both_editions() -> None:
    from smskit.responses import RawResponse, interpret

    server = datetime(2025, 4, 16, 3, 24, 54, tzinfo=UTC)
    local_ms = int(server.timestamp() * 1000) + 500 + 11 * 60_000  # 11 min ahead
    body = json.dumps({"code": 5420, "msg": "签名验证失败", "data": None, "extMsg": None})
    raw = RawResponse(status=200, headers={"Date": format_datetime(server, usegmt=True)},
                      body=body.encode(), local_sent_ms=local_ms, local_received_ms=local_ms)
    with pytest.raises(smskit.ClockSkewError) as caught:
        interpret(raw)
    entry = caught.value.entry
    assert entry is not None
    catalogue_row = next(row for row in CODES["codes"] if row["code"] == 5420)
    assert "比服务器时间快 11.0 分钟" in entry.cause.zh
    assert entry.cause.zh.endswith(catalogue_row["cause"]["zh"])
    assert "11.0 min ahead of" in entry.cause.en
    assert "NTP" in entry.remedy.zh and "用户域密钥" in entry.remedy.zh
    assert "not the secret" in entry.remedy.en
