"""The class: each trainee's name, user domain and secret, and the trainer's token.

Secrets and the trainer token come from :mod:`secrets`, or from a seeded generator for
reproducible tests and notebooks. A roster file holds them and is written readable by its
owner only. A roster with an empty or short credential is refused when it is made or loaded:
an empty trainer token would open the trainer's views to ``Bearer`` alone, an empty secret
would let anyone sign as that trainee.
"""

from __future__ import annotations

import base64
import json
import random as _random
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from smskit._data import load_json
from smskit.errors import SmskitError
from smskit.sandbox.classroom.private_file import write_private
from smskit.sandbox.domains import DISABLED, DomainTable, SandboxDomain

ROSTER_FORMAT = "smskit-classroom-roster/1"
DATA_FILE = "classroom.json"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_SECRET_BYTES = 33  # 44 characters of URL-safe Base64, like the shipped sandbox secrets
_TOKEN_BYTES = 32
_DOMAIN_SUFFIX_BYTES = 3


class RosterError(SmskitError, ValueError):
    """A roster that cannot serve a class: names the field and the rule (never a secret)."""


def min_credential_chars() -> int:
    """The shortest trainee secret or trainer token a roster accepts
    (``smskit/data/classroom.json``)."""
    return int(load_json(DATA_FILE)["credentials"]["min_chars"])


@dataclass(frozen=True)
class Trainee:
    """One trainee: a name, their own user domain, and its secret (never in the repr).

    The same class on both sides: the sandbox's roster, and a trainee's notebook signing its
    requests to the classroom (:mod:`smskit.training.classroom`).
    """

    name: str
    user_domain: str
    secret: str = field(repr=False)


def _credential_problem(name: str, value: object) -> str | None:
    """Why a secret or token cannot be used, naming ``name`` (never showing the value)."""
    shortest = min_credential_chars()
    if not isinstance(value, str):
        return f"{name} must be a string of at least {shortest} characters"
    if len(value) < shortest:
        return f"{name} must be at least {shortest} characters, got {len(value)}"
    if value != value.strip() or not value.isprintable():
        return f"{name} must not hold whitespace at its ends or control characters"
    return None


class Roster:
    """The class: its trainees and the trainer's token. Neither secret is in the repr."""

    def __init__(self, trainees: Sequence[Trainee], *, trainer_token: str) -> None:
        names = [t.name for t in trainees]
        domains = [t.user_domain for t in trainees]
        if not trainees:
            raise RosterError("a classroom needs at least one trainee")
        if len(set(names)) != len(names) or len(set(domains)) != len(domains):
            raise RosterError("trainee names and user domains must be unique")
        problems = [_credential_problem("trainerToken", trainer_token)]
        problems += [_credential_problem(f"trainees[{n}].secret ({t.name})", t.secret)
                     for n, t in enumerate(trainees)]
        found = [problem for problem in problems if problem is not None]
        if found:
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            raise RosterError("; ".join(found[:3]) + more)
        self.trainees = tuple(trainees)
        self.trainer_token = trainer_token
        self._by_domain = {t.user_domain: t for t in self.trainees}

    @classmethod
    def generate(cls, names: Sequence[str], *, seed: int | None = None) -> Roster:
        """A user domain and secret for each name, and a trainer token.

        From :mod:`secrets`; with ``seed``, from a seeded generator instead (tests, notebooks).
        """
        bad = [name for name in names if not _NAME.fullmatch(name)]
        if bad:
            raise RosterError(f"trainee names must be 1-32 of a-z 0-9 _ - (starting with a "
                              f"letter or digit), not {bad[:3]}")
        # A seed asks for reproducible tests and notebooks, never for a real class's secrets.
        rng = _random.Random(seed) if seed is not None else None  # noqa: S311

        def token(size: int) -> str:
            if rng is None:
                return secrets.token_urlsafe(size)
            raw = bytes(rng.getrandbits(8) for _ in range(size))
            return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

        def suffix() -> str:
            if rng is None:
                return secrets.token_hex(_DOMAIN_SUFFIX_BYTES)
            return f"{rng.getrandbits(8 * _DOMAIN_SUFFIX_BYTES):0{2 * _DOMAIN_SUFFIX_BYTES}x}"

        trainees = [Trainee(name, f"class-{name}-{suffix()}", token(_SECRET_BYTES))
                    for name in names]
        return cls(trainees, trainer_token=token(_TOKEN_BYTES))

    @classmethod
    def numbered(cls, count: int, *, seed: int | None = None) -> Roster:
        """``trainee01`` ... for ``count`` trainees (zero-padded to the count's width)."""
        if type(count) is not int or not 1 <= count <= 500:
            raise RosterError(f"the number of trainees must be 1-500, not {count!r}")
        width = max(2, len(str(count)))
        return cls.generate([f"trainee{n:0{width}d}" for n in range(1, count + 1)], seed=seed)

    def __iter__(self) -> Iterator[Trainee]:
        return iter(self.trainees)

    def __len__(self) -> int:
        return len(self.trainees)

    def by_domain(self, user_domain: str) -> Trainee | None:
        return self._by_domain.get(user_domain)

    def domain_table(self, shipped: DomainTable) -> DomainTable:
        """The class's domains: one per trainee, configured like the demo domain; the demo
        domain itself is present but disabled (5104), so nobody shares it."""
        demo = shipped.get(shipped.demo_domain)
        if demo is None:  # pragma: no cover - DomainTable refuses a missing demo domain
            raise RosterError("the shipped domains have no demo domain")
        domains = {shipped.demo_domain: replace(demo, status=DISABLED,
                                                description="closed in a classroom")}
        for trainee in self.trainees:
            domains[trainee.user_domain] = SandboxDomain(
                name=trainee.user_domain, status=demo.status, sms=demo.sms,
                description=f"trainee {trainee.name}", secret=trainee.secret)
        return DomainTable(domains, accounts=shipped.accounts, signatures=shipped.signatures,
                           templates=shipped.templates, demo_domain=shipped.demo_domain)

    # -- the roster file -------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Everything, secrets included: for the owner-only roster file alone."""
        return {"format": ROSTER_FORMAT, "trainerToken": self.trainer_token,
                "trainees": [{"name": t.name, "userDomain": t.user_domain, "secret": t.secret}
                             for t in self.trainees]}

    def save(self, path: Path) -> None:
        """Write the roster file, readable and writable by its owner only (0600)."""
        write_private(path, json.dumps(self.as_dict(), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Roster:
        """Read a roster file; :class:`RosterError` naming the field for anything unusable."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise RosterError(f"{path} is not JSON: {error}") from None
        if not isinstance(raw, dict) or raw.get("format") != ROSTER_FORMAT:
            raise RosterError(f"{path} is not a classroom roster ({ROSTER_FORMAT})")
        rows = raw.get("trainees")
        if not isinstance(rows, list):
            raise RosterError(f"{path}: trainees must be a list")
        trainees = []
        for n, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            name, domain, secret = (row.get(key) for key in ("name", "userDomain", "secret"))
            if not isinstance(name, str) or not isinstance(domain, str):
                raise RosterError(f"{path}: trainees[{n}] needs a name and a userDomain")
            trainees.append(Trainee(name, domain, secret if isinstance(secret, str) else ""))
        try:
            return cls(trainees, trainer_token=raw.get("trainerToken"))  # type: ignore[arg-type]
        except RosterError as error:
            raise RosterError(f"{path}: {error}") from None

    def __repr__(self) -> str:
        names = ", ".join(t.name for t in self.trainees[:5])
        return f"Roster({len(self)} trainees: {names}{', ...' if len(self) > 5 else ''})"
