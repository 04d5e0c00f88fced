"""The platform's documented regional hosts (docs/platform.md)."""

from __future__ import annotations

import pytest

from smskit import regions
from smskit.errors import InputError


def test_documented_hosts() -> None:
    # Copied from docs/platform.md, not from smskit/data/regions.json.
    assert regions.resolve("china").base_url == "https://iot-api.quectelcn.com"
    assert regions.resolve("europe").base_url == "https://iot-api.acceleronix.io"
    assert set(regions.regions()) == {"china", "europe"}


def test_region_names_are_case_insensitive_and_trimmed() -> None:
    assert regions.resolve(" Europe ").name == "europe"
    assert "China" in regions.resolve("CHINA").data_centre


@pytest.mark.parametrize("name", ["usa", "", "cn"])
def test_unknown_region_names_the_choices(name: str) -> None:
    with pytest.raises(InputError) as caught:
        regions.resolve(name)
    assert caught.value.field == "region"
    assert "china" in str(caught.value) and "europe" in str(caught.value)
