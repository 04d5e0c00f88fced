"""The ``codeType`` values: what the verification code will be used for.

The page defines 1-密码重置 2-登录 3-注册 4-注销 5-添加推送人. The members are fixed here so that
code can name them; their labels come from ``smskit/data/code_types.json``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from smskit import i18n
from smskit._data import load_json


class CodeType(IntEnum):
    """What the SMS code is for; the value is what goes into ``codeType``."""

    PASSWORD_RESET = 1
    LOGIN = 2
    REGISTER = 3
    CANCEL_ACCOUNT = 4
    ADD_PUSH_RECIPIENT = 5

    @property
    def zh(self) -> str:
        """The page's Chinese label, verbatim."""
        return str(_labels()[self.value]["zh"])

    @property
    def en(self) -> str:
        """Our English label."""
        return str(_labels()[self.value]["en"])

    @property
    def label(self) -> str:
        """``"3 - Registration (注册)"``: how a person picks it from a list; in Chinese
        ``"3 - 注册（Registration）"`` (the kit's language, :func:`smskit.set_language`)."""
        return i18n.pick(en=f"{self.value} - {self.en} ({self.zh})",
                         zh=f"{self.value} - {self.zh}（{self.en}）")


def _labels() -> dict[int, dict[str, Any]]:
    return {row["value"]: row for row in load_json("code_types.json")["code_types"]}
