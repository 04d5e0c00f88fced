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
