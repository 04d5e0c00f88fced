"""How a trainee proves who they are to a classroom sandbox, without sending their secret.

The ``Authorization`` field of a trainee's request to the classroom's ``/_sandbox/me/...``
views reads::

    SmskitTrainee userDomain=<domain>, ts=<ms>, random=<16 characters>, signature=<hex>

where ``signature`` is the lowercase hex SHA-256 of ``userDomain + ts + random + secret``
(the API's idea with the API's own pieces: 16-character ``random``, millisecond ``ts``).
The sandbox (:mod:`smskit.sandbox.classroom`) accepts it within the API's 10-minute window
and only once per ``random``; the trainee's side is :mod:`smskit.training.classroom`.
"""

from __future__ import annotations

import random as _random

from smskit.clock import Clock, SystemClock
from smskit.nonce import new_random
from smskit.signing import digest_hex

SCHEME = "SmskitTrainee"
#: Fields of the trainee's ``Authorization`` value, in the order they are written.
AUTH_FIELDS = ("userDomain", "ts", "random", "signature")


def trainee_signature(*, user_domain: str, ts: int, random: str, secret: str) -> str:
    """Lowercase hex SHA-256 of ``userDomain + ts + random + secret``."""
    return digest_hex(f"{user_domain}{ts}{random}{secret}")


def trainee_authorization(*, user_domain: str, secret: str, clock: Clock | None = None,
                          random_source: _random.Random | None = None) -> str:
    """The ``Authorization`` value proving a trainee's identity without sending the secret."""
    ts = (clock or SystemClock()).now_ms()
    nonce = new_random(random_source)
    signature = trainee_signature(user_domain=user_domain, ts=ts, random=nonce, secret=secret)
    values = (user_domain, str(ts), nonce, signature)
    return f"{SCHEME} " + ", ".join(f"{name}={value}" for name, value in zip(AUTH_FIELDS,
                                                                             values, strict=True))


def parse_trainee_authorization(value: str) -> dict[str, str] | None:
    """The four fields of a trainee's ``Authorization`` value, or ``None`` if it is not one."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme != SCHEME:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, text = part.strip().partition("=")
        if not equals or name not in AUTH_FIELDS or name in fields:
            return None
        fields[name] = text
    return fields if set(fields) == set(AUTH_FIELDS) else None
