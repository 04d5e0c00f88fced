"""The named code table and the catalogue's data name the same codes."""

from __future__ import annotations

import json
from pathlib import Path

from smskit.platform_codes import PlatformCode

DATA = Path(__file__).resolve().parent.parent / "smskit/data/error_codes.json"


def test_every_catalogued_code_has_a_name_and_every_name_a_catalogue_row() -> None:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["codes"]
    assert sorted(row["code"] for row in rows) == sorted(int(code) for code in PlatformCode)


def test_names_match_the_platform_messages_they_stand_for() -> None:
    rows = {row["code"]: row["zh"] for row in
            json.loads(DATA.read_text(encoding="utf-8"))["codes"]}
    assert rows[PlatformCode.SIGNATURE_FAILED] == "签名验证失败"
    assert rows[PlatformCode.TIMESTAMP_FORMAT] == "时间戳格式不正确"
    assert rows[PlatformCode.RATE_LIMITED] == "短信发送超出频率"
    assert rows[PlatformCode.PHONE_FORMAT] == "手机号格式不正确"
    assert rows[PlatformCode.SEND_FAILED] == "短信发送异常"
    assert rows[PlatformCode.DOMAIN_DISABLED] == "用户域已停用"
