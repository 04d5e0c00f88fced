"""Read the kit's facts-as-data files (``smskit/data/*.json``), shipped inside the package.

One way to reach them, in a checkout and in an installed wheel alike: :mod:`importlib.resources`.
Reading goes through one cached function so the library and the notebooks see the very same facts.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    """The package's data folder: a real directory (its snippets are run by toolchains)."""
    return Path(str(files("smskit").joinpath("data")))


@cache
def load_json(name: str) -> Any:
    """Parse ``smskit/data/<name>`` once; callers must treat the result as read-only."""
    with (data_dir() / name).open(encoding="utf-8") as handle:
        return json.load(handle)
