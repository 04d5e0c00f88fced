"""Classroom mode: one sandbox, one user domain and secret per trainee, and who may see what.

``Sandbox(classroom=Roster.numbered(20))`` serves a class: each trainee has their own user
domain (so their own rate limits, outbox and request log), the demo domain is closed, and
the ``/_sandbox/`` views are guarded:

- the trainer's views (roster, dashboard, every outbox and log, reset, faults) need
  ``Authorization: Bearer <trainer token>``, compared in constant time;
- a trainee's own views (``/_sandbox/me/...``) need a request signed with their secret
  (:mod:`smskit.training.classroom`); the secret never travels.

Secrets and the trainer token come from :mod:`secrets`, or from a seeded generator for
reproducible tests and notebooks. A roster file holds them: it is written readable by its
owner only.
"""

from __future__ import annotations

import base64
import hmac
import json
import random as _random
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from smskit.classroom_auth import SCHEME, parse_trainee_authorization, trainee_signature
from smskit.clock import Clock
from smskit.nonce import RANDOM_LENGTH
from smskit.private_file import write_private
from smskit.sandbox.dashboard import (
    ClassTally,
    StuckRules,
    TraineeProgress,
    TraineeRow,
    summary,
)
from smskit.sandbox.domains import DISABLED, DomainTable, SandboxDomain
from smskit.validation import CLOCK_WINDOW_MS

ROSTER_FORMAT = "smskit-classroom-roster/1"
#: One exercise record as a trainee's ``Progress`` sends it (``ExerciseRecord.to_json()``).
ProgressRecord = dict[str, Any]
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_SECRET_BYTES = 33  # 44 characters of URL-safe Base64, like the shipped sandbox secrets
_TOKEN_BYTES = 32
_DOMAIN_SUFFIX_BYTES = 3
#: Randoms remembered per trainee to refuse a replayed signed request (oldest dropped first).
_REMEMBERED_RANDOMS = 4096
_MAX_EXERCISES = 64
_MAX_TS_DIGITS = 16


@dataclass(frozen=True)
class Trainee:
    """One trainee: a name, their own user domain, and its secret (never in the repr)."""

    name: str
    user_domain: str
    secret: str = field(repr=False)


class Roster:
    """The class: its trainees and the trainer's token. Neither secret is in the repr."""

    def __init__(self, trainees: Sequence[Trainee], *, trainer_token: str) -> None:
        names = [t.name for t in trainees]
        domains = [t.user_domain for t in trainees]
        if not trainees:
            raise ValueError("a classroom needs at least one trainee")
        if len(set(names)) != len(names) or len(set(domains)) != len(domains):
            raise ValueError("trainee names and user domains must be unique")
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
            raise ValueError(f"trainee names must be 1-32 of a-z 0-9 _ - (starting with a "
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
            raise ValueError(f"the number of trainees must be 1-500, not {count!r}")
        width = max(2, len(str(count)))
        return cls.generate([f"trainee{n:0{width}d}" for n in range(1, count + 1)], seed=seed)

    def __iter__(self) -> Iterator[Trainee]:
        return iter(self.trainees)

    def __len__(self) -> int:
        return len(self.trainees)

    def by_domain(self, user_domain: str) -> Trainee | None:
        return self._by_domain.get(user_domain)

    def by_name(self, name: str) -> Trainee:
        """The trainee called ``name``; ``KeyError`` naming the known ones."""
        for trainee in self.trainees:
            if trainee.name == name:
                return trainee
        raise KeyError(f"no trainee named {name!r}; known: {', '.join(t.name for t in self)}")

    def domain_table(self, shipped: DomainTable) -> DomainTable:
        """The class's domains: one per trainee, configured like the demo domain; the demo
        domain itself is present but disabled (5104), so nobody shares it."""
        demo = shipped.get(shipped.demo_domain)
        if demo is None:  # pragma: no cover - DomainTable refuses a missing demo domain
            raise ValueError("the shipped domains have no demo domain")
        domains = {shipped.demo_domain: replace(demo, status=DISABLED,
                                                description="closed in a classroom")}
        for trainee in self.trainees:
            domains[trainee.user_domain] = SandboxDomain(
                name=trainee.user_domain, status=demo.status, sms=demo.sms,
                description=f"trainee {trainee.name}", secret=trainee.secret)
        return DomainTable(domains, accounts=shipped.accounts, signatures=shipped.signatures,
                           templates=shipped.templates, demo_domain=shipped.demo_domain)

    # -- the roster file -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Everything, secrets included: for the owner-only roster file alone."""
        return {"format": ROSTER_FORMAT, "trainerToken": self.trainer_token,
                "trainees": [{"name": t.name, "userDomain": t.user_domain, "secret": t.secret}
                             for t in self.trainees]}

    def save(self, path: Path) -> None:
        """Write the roster file, readable and writable by its owner only (0600)."""
        write_private(path, json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Roster:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != ROSTER_FORMAT:
            raise ValueError(f"{path} is not a classroom roster ({ROSTER_FORMAT})")
        return cls([Trainee(row["name"], row["userDomain"], row["secret"])
                    for row in raw["trainees"]], trainer_token=raw["trainerToken"])

    def __repr__(self) -> str:
        names = ", ".join(t.name for t in self.trainees[:5])
        return f"Roster({len(self)} trainees: {names}{', ...' if len(self) > 5 else ''})"


class Refused(Exception):
    """A classroom view refused: 401 (no or unusable credentials) or 403 (not yours), and
    the ``Authorization`` scheme the view wants (``Bearer`` or ``SmskitTrainee``)."""

    def __init__(self, status: int, detail: str, *, scheme: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scheme = scheme


class Classroom:
    """The class's guard and its progress store, beside the sandbox's state."""

    def __init__(self, roster: Roster, *, clock: Clock) -> None:
        self.roster = roster
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, OrderedDict[str, int]] = {t.user_domain: OrderedDict()
                                                        for t in roster}
        self._progress: dict[str, dict[str, ProgressRecord]] = {t.user_domain: {}
                                                                for t in roster}
        #: When each exercise was first received as passed, and the latest record, per domain.
        self._passed_at: dict[str, dict[str, int]] = {t.user_domain: {} for t in roster}
        self._last_record_ms: dict[str, int] = {}
        #: Per-trainee tallies of API answers; the sandbox subscribes it to its request log.
        self.tally = ClassTally(t.user_domain for t in roster)
        self.rules = StuckRules.load()

    # -- who is asking ---------------------------------------------------------------------

    def is_trainer(self, authorization: str | None) -> bool:
        """True for ``Bearer <trainer token>`` (constant-time comparison)."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        return scheme == "Bearer" and hmac.compare_digest(
            token.strip().encode("utf-8", "replace"),
            self.roster.trainer_token.encode("utf-8"))

    def require_trainer(self, authorization: str | None) -> None:
        if self.is_trainer(authorization):
            return
        if not authorization:
            raise Refused(401, "this classroom view is the trainer's: send 'Authorization: "
                          "Bearer <trainer token>' (printed when the classroom started)",
                          scheme="Bearer")
        raise Refused(403, "this classroom view is the trainer's; these credentials are not "
                      "the trainer token", scheme="Bearer")

    def trainee(self, authorization: str | None) -> Trainee:
        """The trainee whose signed ``Authorization`` this is; :class:`Refused` otherwise."""
        if not authorization:
            raise Refused(401, "sign this request as a trainee: Authorization: SmskitTrainee "
                          "userDomain=..., ts=..., random=..., signature=... "
                          "(smskit.classroom_auth.trainee_authorization)", scheme=SCHEME)
        fields = parse_trainee_authorization(authorization)
        if fields is None:
            raise Refused(401, "the Authorization value must be 'SmskitTrainee userDomain=..., "
                          "ts=..., random=..., signature=...'", scheme=SCHEME)
        trainee = self.roster.by_domain(fields["userDomain"])
        if trainee is None:
            raise Refused(403, "userDomain is not a trainee of this classroom", scheme=SCHEME)
        text = fields["ts"]
        if not (text.isascii() and text.isdigit() and len(text) <= _MAX_TS_DIGITS):
            raise Refused(401, "ts must be the time in milliseconds", scheme=SCHEME)
        if len(fields["random"]) != RANDOM_LENGTH:
            raise Refused(401, f"random must be {RANDOM_LENGTH} characters", scheme=SCHEME)
        ts = int(fields["ts"])
        now = self.clock.now_ms()
        if abs(ts - now) > CLOCK_WINDOW_MS:
            raise Refused(401, f"ts is {ts - now:+d} ms from the server's clock; it must be "
                          f"within {CLOCK_WINDOW_MS} ms", scheme=SCHEME)
        expected = trainee_signature(user_domain=trainee.user_domain, ts=ts,
                                     random=fields["random"], secret=trainee.secret)
        if not hmac.compare_digest(fields["signature"].encode("utf-8", "replace"),
                                   expected.encode("ascii")):
            raise Refused(403, "the signature does not match SHA256(userDomain + ts + random "
                          "+ secret) for this userDomain", scheme=SCHEME)
        with self._lock:
            seen = self._seen[trainee.user_domain]
            if fields["random"] in seen:
                raise Refused(401, "this random was already used: sign every request afresh",
                              scheme=SCHEME)
            seen[fields["random"]] = ts
            if len(seen) > _REMEMBERED_RANDOMS:
                seen.popitem(last=False)
        return trainee

    # -- progress --------------------------------------------------------------------------

    def store_progress(self, trainee: Trainee, raw: Mapping[str, Any]) -> ProgressRecord:
        """Keep the latest record per exercise for this trainee; ``ValueError`` if malformed."""
        record = _record(raw)
        now = self.clock.now_ms()
        domain = trainee.user_domain
        with self._lock:
            records = self._progress[domain]
            if record["exercise"] not in records and len(records) >= _MAX_EXERCISES:
                raise ValueError(f"at most {_MAX_EXERCISES} exercises per trainee")
            records[record["exercise"]] = record
            self._last_record_ms[domain] = now
            if record["passed"]:
                self._passed_at[domain].setdefault(record["exercise"], now)
        return record

    def progress(self, user_domain: str) -> dict[str, ProgressRecord]:
        """The latest record per exercise of one trainee."""
        with self._lock:
            return dict(self._progress.get(user_domain, {}))

    def dashboard(self) -> list[TraineeRow]:
        """The trainer's dashboard now: one row per trainee, in roster order."""
        with self._lock:
            done = {domain: TraineeProgress(
                passed=tuple(sorted(at)), last_passed_ms=max(at.values(), default=None),
                last_record_ms=self._last_record_ms.get(domain))
                for domain, at in self._passed_at.items()}
        return summary(((t.name, t.user_domain) for t in self.roster), self.tally.snapshot(),
                       done, now_ms=self.clock.now_ms(), rules=self.rules)

    def reset(self) -> None:
        """Forget every trainee's progress and tallies (after a session)."""
        with self._lock:
            for records in self._progress.values():
                records.clear()
            for passed in self._passed_at.values():
                passed.clear()
            self._last_record_ms.clear()
        self.tally.reset()


def _record(raw: Mapping[str, Any]) -> ProgressRecord:
    expected = {"exercise": str, "passed": bool, "attempts": int, "last_verdict": str,
                "time": str}
    for name, kind in expected.items():
        value = raw.get(name)
        if type(value) is not kind:
            raise ValueError(f"{name} must be a JSON {kind.__name__}, got {value!r}"[:120])
    mistake = raw.get("mistake")
    if mistake is not None and not isinstance(mistake, str):
        raise ValueError("mistake must be a string or null")
    unknown = set(raw) - {*expected, "mistake"}
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}")
    if not re.fullmatch(r"E[0-9]{1,2}", raw["exercise"]):
        raise ValueError("exercise must be an id like E1")
    if raw["last_verdict"] not in ("passed", "wrong") or not 1 <= raw["attempts"] <= 10**6:
        raise ValueError("last_verdict must be passed or wrong, attempts 1-1000000")
    if len(raw["time"]) > 40 or (mistake is not None and len(mistake) > 64):
        raise ValueError("time or mistake too long")
    return {name: raw.get(name) for name in (*expected, "mistake")}
