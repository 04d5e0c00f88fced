"""The platform's documented regional hosts, by name (``china``, ``europe``).

A region name is a shorthand for a base URL: ``SmsClient(region="europe")`` and
``SMSKIT_BASE_URL=europe`` both mean ``https://iot-api.acceleronix.io``. The hosts are
facts read from ``smskit/data/regions.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from smskit._data import load_json
from smskit.errors import InputError, Problem


@dataclass(frozen=True)
class Region:
    """One data centre of the platform."""

    #: The short name used in settings, e.g. ``"china"``.
    name: str
    #: Scheme and host, no trailing slash; the endpoint path is appended to it.
    base_url: str
    #: Which data centre it is, in English.
    data_centre: str
    #: The same in Chinese.
    data_centre_zh: str


@cache
def regions() -> Mapping[str, Region]:
    """Every documented region, by name."""
    rows = load_json("regions.json")["regions"]
    return {row["name"]: Region(**row) for row in rows}


def resolve(name: str, *, field: str = "region") -> Region:
    """The region called ``name`` (case-insensitive); :class:`InputError` naming the choices."""
    region = regions().get(name.strip().casefold()) if isinstance(name, str) else None
    if region is None:
        choices = ", ".join(f"{r.name} ({r.base_url})" for r in regions().values())
        raise InputError([Problem(field, f"{name!r} is not a known region; known: {choices}",
                                  hint="or give the full base URL, e.g. https://host")])
    return region
