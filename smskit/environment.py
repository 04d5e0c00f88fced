"""The environment variables the kit reads its settings and credentials from.

Credentials never come from command-line arguments (they would land in shell history and
process listings); they come from here or from a widget's password field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

BASE_URL_VAR = "SMSKIT_BASE_URL"
USER_DOMAIN_VAR = "SMSKIT_USER_DOMAIN"
SECRET_VAR = "SMSKIT_USER_DOMAIN_SECRET"  # noqa: S105 - a variable name, not a secret


def read(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's value, or ``None`` when unset or empty."""
    value = (os.environ if environ is None else environ).get(name)
    return value or None
