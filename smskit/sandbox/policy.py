"""``smskit/data/sandbox_policy.json``, read in one place: the sandbox's rules and server limits.

The page is silent on rate limits, code length and server limits; the file holds the
sandbox's choices, each with whether it is a page fact or an assumption, and why.
"""

from __future__ import annotations

from typing import Any

from smskit._data import load_json

POLICY_FILE = "sandbox_policy.json"


def policy_value(section: str, *path: str) -> Any:
    """A value of ``smskit/data/sandbox_policy.json``: ``policy_value("codes", "digits")``."""
    node = load_json(POLICY_FILE)[section]
    for key in path:
        node = node[key]
    return node
