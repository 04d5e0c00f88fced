"""Going live: the credentials report never holds the secret, and says when calls are skipped."""

from __future__ import annotations

import pytest

from smskit.teaching import golive

CANARY = "golive-canary-7f3c9e0b51d2"
ALL_SET = {"SMSKIT_BASE_URL": "europe", "SMSKIT_USER_DOMAIN": "my-app",
           "SMSKIT_USER_DOMAIN_SECRET": CANARY}


def test_nothing_set_says_the_live_call_is_skipped() -> None:
    found = golive.credentials({})
    assert not found.ready
    assert found.missing == ("SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN", "SMSKIT_USER_DOMAIN_SECRET")
    assert found.skip_message() == ("No SMSKIT_* credentials in this environment: the live call "
                                    "below is skipped.")
    assert found.lines() == [
        "SMSKIT_BASE_URL: not set",
        "SMSKIT_USER_DOMAIN: not set",
        "SMSKIT_USER_DOMAIN_SECRET: not set",
        "No SMSKIT_* credentials in this environment: the live call below is skipped.",
    ]


def test_all_set_is_ready_and_never_shows_the_secret() -> None:
    found = golive.credentials(ALL_SET)
    assert found.ready and found.missing == ()
    text = "\n".join(found.lines()) + repr(found)
    assert CANARY not in text and CANARY[:8] not in text
    assert "SMSKIT_USER_DOMAIN_SECRET: set (value hidden)" in text
    # docs/platform.md: the Europe data centre's host.
    assert "SMSKIT_BASE_URL: set (region europe: https://iot-api.acceleronix.io)" in text
    assert "the live calls below will run" in text


def test_empty_values_count_as_unset() -> None:
    found = golive.credentials({**ALL_SET, "SMSKIT_USER_DOMAIN_SECRET": ""})
    assert not found.ready
    assert found.skip_message() == ("Credentials incomplete (SMSKIT_USER_DOMAIN_SECRET not set): "
                                    "the live call below is skipped.")


@pytest.mark.parametrize(("value", "shown"), [
    ("http://127.0.0.1:8765", "set (http://127.0.0.1:8765)"),
    (" China ", "set (region china: https://iot-api.quectelcn.com)"),
    ("mars", "set to 'mars', which is neither a URL nor a region name"),
])
def test_base_url_is_described(value: str, shown: str) -> None:
    setting = golive.credentials({"SMSKIT_BASE_URL": value}).settings[0]
    assert setting.is_set and setting.shown == shown


def test_the_test_phone_is_opt_in() -> None:
    assert golive.opted_in_phone({}) is None
    assert golive.opted_in_phone({"SMSKIT_TEST_PHONE": ""}) is None
    assert golive.opted_in_phone({"SMSKIT_TEST_PHONE": "13800138000"}) == "13800138000"


def test_checklist_covers_the_essentials() -> None:
    text = "\n".join(item.describe() for item in golive.CHECKLIST).casefold()
    for needle in ("secret", "resend", "5058", "clock", "region", "5015"):
        assert needle in text, needle
    assert all(item.title and item.why and item.how for item in golive.CHECKLIST)
