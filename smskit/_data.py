"""Locate and read the kit's facts-as-data files (``data/*.json``).

In a source checkout the files live in the top-level ``data/`` folder; an installed wheel
carries the same files as ``smskit/_data``. Reading goes through one cached function so the
library and the notebooks see the very same facts.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder holding the kit's JSON data (``SMSKIT_DATA_DIR`` overrides it)."""
    override = os.environ.get("SMSKIT_DATA_DIR")
    if override:
        return Path(override)
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"smskit data folder not found next to {_PACKAGE_DIR}; set SMSKIT_DATA_DIR"
    )


@cache
def load_json(name: str) -> Any:
    """Parse ``data/<name>`` once; callers must treat the result as read-only."""
    with (data_dir() / name).open(encoding="utf-8") as handle:
        return json.load(handle)
