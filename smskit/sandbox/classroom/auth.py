"""How a trainee proves who they are to a classroom sandbox, without sending their secret.

The ``Authorization`` field of a trainee's request to the classroom's ``/_sandbox/me/...``
views reads::

    SmskitTrainee userDomain=<domain>, ts=<ms>, random=<16 characters>, signature=<hex>

where ``signature`` is the lowercase hex SHA-256 of these seven lines joined by ``\\n``::

    userDomain, ts, random, METHOD, target, SHA-256 hex of the body, secret

``target`` is the request's path with its query as sent (``/_sandbox/me/requests?limit=5``);
the body's digest is that of zero bytes when there is none. So one signed header is good for
one request only: another method, path, query or body does not match it. The sandbox accepts
it within the API's 10-minute window and only once per ``random``
(:mod:`smskit.sandbox.classroom.guard`); the trainee's side is :mod:`smskit.training.classroom`.
"""

from __future__ import annotations

import hashlib
import random as _random

from smskit.clock import Clock, SystemClock
from smskit.nonce import new_random
from smskit.signing import digest_hex

SCHEME = "SmskitTrainee"
#: Fields of the trainee's ``Authorization`` value, in the order they are written.
AUTH_FIELDS = ("userDomain", "ts", "random", "signature")


def body_digest(body: bytes) -> str:
    """Lowercase hex SHA-256 of the request body (of zero bytes when there is none)."""
    return hashlib.sha256(body).hexdigest()


def trainee_signature(*, user_domain: str, ts: int, random: str, method: str, target: str,
                      body: bytes, secret: str) -> str:
    """Lowercase hex SHA-256 of userDomain, ts, random, METHOD, target, body digest and
    secret, one per line."""
    lines = (user_domain, str(ts), random, method.upper(), target, body_digest(body), secret)
    return digest_hex("\n".join(lines))


def trainee_authorization(*, user_domain: str, secret: str, method: str, target: str,
                          body: bytes = b"", clock: Clock | None = None,
                          random_source: _random.Random | None = None) -> str:
    """The ``Authorization`` value for one request (``method`` ``target`` with ``body``)."""
    ts = (clock or SystemClock()).now_ms()
    nonce = new_random(random_source)
    signature = trainee_signature(user_domain=user_domain, ts=ts, random=nonce, method=method,
                                  target=target, body=body, secret=secret)
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
