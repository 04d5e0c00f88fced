"""The cheat sheet's content (its one-page print is tested in tests/browser/)."""

from __future__ import annotations

import pytest

from smskit._data import load_json
from smskit.cli import main
from smskit.training.cheatsheet import render


def test_the_words_cover_every_parameter_and_category() -> None:
    words = load_json("cheatsheet.json")
    assert set(words["parameters"]) == {"codeType", "internationalCode", "phone", "random",
                                        "signature", "ts", "userDomain"}


def test_each_category_states_the_catalogues_next_step_in_the_sheets_language() -> None:
    zh, en = render("zh"), render("en")
    assert "<p>修改所发送的参数；原样再发仍会失败。</p>" in zh
    assert "<p>Change the parameters you send; the same request will fail again.</p>" in en
    assert "Change the parameters" not in zh and "修改所发送的参数" not in en
    assert "无需处理：验证码正在发往手机。" not in zh  # success is left out


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_sheet_states_the_rule_the_example_and_every_code(language: str) -> None:
    sheet = render(language)
    assert "SHA256(phone + codeType + random + ts + userDomainSecret)" in sheet
    assert "13800138000376a6L647F02CAoN9174477389436957Fk69oY" in sheet
    assert "adf0cd13" in sheet and "e3b0c442" in sheet
    for row in load_json("error_codes.json")["codes"]:
        if row["code"] != 200:
            assert f"<b>{row['code']}</b> {row['zh']}" in sheet
    assert "http://" not in sheet and "https://" not in sheet and "<link" not in sheet
    assert "@page { size: A4" in sheet


def test_each_language_is_its_own_edition() -> None:
    zh, en = render("zh"), render("en")
    assert '<html lang="zh-CN">' in zh and "签名规则" in zh and "The signature rule" not in zh
    assert '<html lang="en">' in en and "The signature rule" in en and "签名规则" not in en
    with pytest.raises(ValueError, match="zh, en"):
        render("fr")


def test_cli_writes_the_sheet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cheatsheet", "--lang", "en"]) == 0
    assert capsys.readouterr().out == render("en")
    assert main(["cheatsheet", "--lang", "zh"]) == 0
    assert capsys.readouterr().out == render("zh")


def test_cli_sheet_follows_the_kit_language(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSKIT_LANG", "en")
    assert main(["cheatsheet"]) == 0
    assert '<html lang="en">' in capsys.readouterr().out
    monkeypatch.setenv("SMSKIT_LANG", "zh")
    assert main(["cheatsheet"]) == 0
    assert '<html lang="zh' in capsys.readouterr().out
    with pytest.raises(SystemExit) as stopped:
        main(["cheatsheet", "--lang", "fr"])
    assert stopped.value.code == 2
