"""The CLI in Chinese: SMSKIT_LANG=zh gives the help, the output and the errors in Chinese."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = json.loads((ROOT / "smskit/data/messages.json").read_text(encoding="utf-8"))["messages"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def smskit(*args: str, lang: str = "zh", **env: str) -> subprocess.CompletedProcess[str]:
    environ = {name: value for name, value in os.environ.items()
               if name != "SMSKIT_USER_DOMAIN_SECRET"}
    environ.update(SMSKIT_LANG=lang, **env)
    return subprocess.run([sys.executable, "-m", "smskit", *args], capture_output=True,
                          text=True, env=environ, timeout=60, check=False)


def test_help_in_chinese_lists_every_command_in_chinese() -> None:
    done = smskit("--help")
    assert done.returncode == 0
    for name in ("sign", "example", "codes", "sandbox", "send", "check", "snippet", "cheatsheet"):
        assert MESSAGES[f"cli.command.{name}"]["zh"] in done.stdout
        assert MESSAGES[f"cli.command.{name}"]["en"] not in done.stdout
    assert "发送手机短信验证码" in done.stdout and "示例" in done.stdout
    english = smskit("--help", lang="en").stdout
    assert "send phone SMS verification code" in english and not CJK.search(
        english.replace("发送手机短信验证码", ""))


@pytest.mark.parametrize("command", ["sign", "send", "check", "snippet", "cheatsheet"])
def test_each_command_help_in_chinese(command: str) -> None:
    done = smskit(command, "--help")
    assert done.returncode == 0 and MESSAGES[f"cli.command.{command}"]["zh"] in done.stdout
    assert "options:" not in done.stdout and "usage:" not in done.stdout
    assert done.stdout.startswith("用法：smskit ")
    options = done.stdout.split("\n选项：\n")[1]
    assert CJK.search(options)


def test_a_refused_sign_names_field_and_rule_in_chinese() -> None:
    done = smskit("sign", "--phone", "138 0013 8000", "--code-type", "3", "--random", "short",
                  "--ts", "1744773894", SMSKIT_USER_DOMAIN_SECRET="s3cret-value")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("smskit sign 出错。共 3 个问题：phone 只能包含数字"
                                  "（5019 手机号格式不正确），提示：")
    assert MESSAGES["fields.ts.seconds"]["zh"].format(number=1744773894,
                                                       example=1744773894000) in done.stderr
    assert "s3cret-value" not in done.stderr


def test_send_to_the_sandbox_reports_in_chinese() -> None:
    done = smskit("send", "--sandbox", "--phone", "13800138000", "--code-type", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已发送：code 200 ")
    assert "沙箱已向 +86 13800138000 投递验证码 " in done.stdout


# -- issue 21: no English prose in the Chinese help; one language when one was chosen --------

COMMANDS = ("sign", "example", "codes", "sandbox", "send", "check", "snippet", "cheatsheet",
            "classroom")
#: Words that are names, not English prose: formats, tools, languages, API parameters.
NAMES = {"java", "node", "shell", "python", "php", "html", "json", "tcp", "url", "curl",
         "stdout", "stderr", "phonenumbers", "utc", "sha", "hex", "smskit", "openssl", "bash"}


def english_prose(line: str) -> bool:
    """A help line with no Chinese and three or more English words that are not names:
    options (--x), metavars (CODE_TYPE), variables ($SMSKIT_...), paths and choices are not
    words."""
    if CJK.search(line):
        return False
    words = [w for w in re.findall(r"(?<![-$/.{,_\w])[A-Za-z]{2,}(?![\w/._}-])", line)
             if not w.isupper() and w.lower() not in NAMES and not re.search(r"[a-z][A-Z]", w)]
    return len(words) >= 3


def test_english_prose_is_recognised() -> None:
    assert english_prose("  code                  one code to explain, e.g. 5058")
    assert english_prose("usage: smskit codes [-h] [--json]") is False  # one word
    assert english_prose("show this help message and exit")
    assert not english_prose("  -h, --help            显示此帮助信息并退出")
    assert not english_prose("               [--international-code INTERNATIONAL_CODE]")
    assert not english_prose("    {sign,example,codes,sandbox,send,check,snippet,cheatsheet}")


@pytest.mark.parametrize("command", (None, *COMMANDS))
def test_chinese_help_has_no_english_prose(command: str | None) -> None:
    done = smskit(*((command,) if command else ()), "--help")
    assert done.returncode == 0 and done.stdout.startswith("用法：smskit")
    assert [line for line in done.stdout.splitlines() if english_prose(line)] == []
    for word in ("usage:", "options:", "positional arguments", "show this help"):
        assert word not in done.stdout
    english = smskit(*((command,) if command else ()), "--help", lang="en").stdout
    assert english.startswith("usage: smskit") and "show this help message and exit" in english


def test_smskit_help_names_the_request_once() -> None:
    done = smskit("--help")
    assert done.stdout.count("发送手机短信验证码") == 1
    assert "“发送手机短信验证码”请求（POST /v2/sms/enduserapi/v2/sendPhoneSmsCode）" in done.stdout


def test_argparse_errors_in_chinese() -> None:
    done = smskit("codes", "--category", "nope")
    assert done.returncode == 2
    assert done.stderr.startswith("smskit codes 出错。参数 --category：无效的选择 'nope'（可选：")
    english = smskit("codes", "--category", "nope", lang="en")
    assert english.stderr.startswith("smskit codes: error: argument --category: invalid choice:")


def test_codes_names_categories_in_chinese_and_keys_in_english() -> None:
    chinese = smskit("codes").stdout.splitlines()
    assert chinese[1] == (" 5019  修正请求            手机号格式不正确"
                          "（Phone number format is incorrect）")
    assert not any("fix_request" in line or "slow_down" in line for line in chinese)
    english = smskit("codes", lang="en").stdout.splitlines()
    assert english[1] == (" 5019  fix_request                 手机号格式不正确  "
                          "(Phone number format is incorrect)")


CHECK_URL = ("https://iot-api.quectelcn.com/v2/sms/enduserapi/v2/sendPhoneSmsCode?codeType=3"
             "&internationalCode=86&phone=13800138000&random=76a6L647F02CAoN9&ts=1744773894369"
             "&signature=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
             "&userDomain=C.DM.5")


def _check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {name: value for name, value in os.environ.items()
               if name not in ("SMSKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(SMSKIT_USER_DOMAIN_SECRET="57Fk69oYk3lr7xWnIL1bLx6VHyprVM33", **env)
    return subprocess.run([sys.executable, "-m", "smskit", "check", *args], capture_output=True,
                          text=True, env=environ, timeout=60, check=False)


def test_check_writes_one_language_when_one_was_chosen() -> None:
    english = _check("--url", CHECK_URL, SMSKIT_LANG="en")
    assert english.returncode == 1 and english.stdout.startswith("The signature is wrong")
    assert not CJK.search(english.stdout.replace("签名验证失败", "").replace("签名", ""))
    chinese = _check("--url", CHECK_URL, SMSKIT_LANG="zh")
    assert chinese.stdout.startswith("签名错误") and "The signature is wrong" not in chinese.stdout
    by_option = _check("--url", CHECK_URL, "--lang", "en", LANG="zh_CN.UTF-8")
    assert by_option.stdout.startswith("The signature is wrong")
    assert "签名错误" not in by_option.stdout
    by_locale = _check("--url", CHECK_URL, LANG="zh_CN.UTF-8")
    assert by_locale.stdout.startswith("签名错误")
    assert "The signature is wrong" not in by_locale.stdout
    unchosen = _check("--url", CHECK_URL, LANG="C.UTF-8")
    assert unchosen.stdout.startswith("签名错误")
    assert "\n\nThe signature is wrong" in unchosen.stdout


def test_check_input_errors_in_chinese() -> None:
    done = _check("--signature", "abc", SMSKIT_LANG="zh")
    assert done.returncode == 2
    assert done.stderr == ("smskit check 出错。共 4 个问题：codeType 必填；"
                           "phone 必填（5021 请输入手机号码）；random 必填；ts 必填\n")
    bad = _check("--phone", "13800138000", "--code-type", "3", "--random", "76a6L647F02CAoN9",
                 "--ts", "1744773894369", "--signature", "abc", SMSKIT_LANG="zh")
    assert bad.stderr.startswith("smskit check 出错。signature 必须是 SHA-256 摘要的 64 个小写"
                                 "十六进制字符；这 3 个字符 'abc' 不是")
    assert "（5421 签名验证异常），提示：" in bad.stderr and bad.stderr.count("\n") == 1
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", bad.stderr)  # no English prose
    english = _check("--signature", "abc", SMSKIT_LANG="en")
    assert english.stderr == ("smskit check: error: 4 problems: codeType: is required; phone: is "
                              "required [5021 请输入手机号码 / Please enter the phone number]; "
                              "random: is required; ts: is required\n")
