"""The request log: every request the sandbox answered, newest last, bounded in memory.

Modelled on a payment dashboard's request log: one :class:`RequestRecord` per answer (API
and ``/_sandbox/`` routes, refusals included) saying when, what was asked, what was answered
and which check decided it. The records are the data; the CLI console, ``GET
/_sandbox/requests`` and :func:`smskit.teaching.frames.requests_frame` are views of them.

Nothing secret is kept: the API never carries a ``userDomainSecret``, and anything that does
(a parameter named like a secret, or any sandbox domain's secret anywhere in a path, name or
value) is masked before a record is made. A wrong signature's diagnosis is kept as the mistake
id and titles only, never the right signature (which would sign the request). Each value is
cut to ``request_log.max_value_chars`` and the log keeps the newest
``request_log.max_records`` records (``smskit/data/sandbox_policy.json``). A mode that knows
who signed a request (the classroom) may :meth:`RequestLog.partition` it: each owner's records
are then kept apart, bounded per owner, so nobody's requests evict another's.

Not recorded: bytes that never became a request (a malformed request line or header, a
connection refused as busy) and sandbox bugs, which :attr:`Sandbox.internal_errors` counts.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smskit.clock import Clock
from smskit.i18n import Editions
from smskit.sandbox.policy import policy_value
from smskit.signing import SECRET_MASK

if TYPE_CHECKING:
    from smskit.doctor import Diagnosis

#: The check id of a request refused at the HTTP level is ``"http_<status>"``.
HTTP_CHECK_PREFIX = "http_"
_CUT = "…"


def max_records() -> int:
    """How many records the log keeps (``request_log.max_records`` of the sandbox policy)."""
    value: int = policy_value("request_log", "max_records")
    return value


def max_value_chars() -> int:
    """The longest path, name or value a record keeps (``request_log.max_value_chars``)."""
    value: int = policy_value("request_log", "max_value_chars")
    return value


@dataclass(frozen=True)
class SignatureNote:
    """What the signature doctor found about a refused signature, minus anything that signs."""

    #: ``"known_mistake"`` or ``"unexplained"``.
    verdict: str
    mistake_id: str | None = None
    title: Editions | None = None

    @classmethod
    def of(cls, diagnosis: Diagnosis) -> SignatureNote:
        mistake = diagnosis.mistake
        if mistake is None:
            return cls(diagnosis.verdict)
        return cls(diagnosis.verdict, mistake.id, mistake.title)

    def as_dict(self) -> dict[str, Any]:
        title = None if self.title is None else {"en": self.title.en, "zh": self.title.zh}
        return {"verdict": self.verdict, "mistakeId": self.mistake_id, "title": title}


@dataclass(frozen=True)
class RequestRecord:
    """One answered request: when, what was asked, what was answered, and why."""

    #: When the sandbox answered, epoch ms on the sandbox's clock.
    time_ms: int
    method: str
    #: The request's path (no query), cut and masked like the values.
    path: str
    #: The decoded query parameters as sent (``signature`` included), in the order sent.
    params: tuple[tuple[str, str], ...]
    #: The HTTP status of the answer.
    status: int
    #: The envelope's ``code`` (the platform code, or the HTTP status for a transport error);
    #: ``None`` for a sandbox extra's plain JSON answer.
    code: int | None
    #: The stable id of what decided the answer: an API check (``phone_missing``,
    #: ``ts_window``, ``signature``, ``rate_limit``, ``delivered``, ...; see
    #: :mod:`smskit.sandbox.platform`), a sandbox extra (``sandbox_outbox``, ...) or
    #: ``http_<status>`` for a refusal at the HTTP level.
    check: str
    #: The ``userDomain`` and ``phone`` sent to the API endpoint (``None`` for other paths).
    user_domain: str | None = None
    phone: str | None = None
    #: The doctor's finding, for 5420/5421 answers whose signature it could judge.
    diagnosis: SignatureNote | None = None
    #: Whose request this provably is (a partitioned log's owner), else ``None``.
    owner: str | None = None

    @property
    def query(self) -> dict[str, str]:
        return dict(self.params)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the API's camelCase names."""
        return {"timeMs": self.time_ms, "method": self.method, "path": self.path,
                "params": self.query, "status": self.status, "code": self.code,
                "check": self.check, "userDomain": self.user_domain, "phone": self.phone,
                "diagnosis": None if self.diagnosis is None else self.diagnosis.as_dict()}


Listener = Callable[[RequestRecord], None]
#: Who provably made an API request, from its parameters and the doctor's note (or ``None``).
OwnerOf = Callable[[Mapping[str, str], "SignatureNote | None"], "str | None"]


class _Entry:
    """One answer as the API layer reported it; made into a :class:`RequestRecord` (masked,
    cut) when first read, so that recording costs the success path next to nothing."""

    __slots__ = ("raw", "record", "seq")

    def __init__(self, raw: tuple[Any, ...], seq: int) -> None:
        self.raw = raw
        self.seq = seq
        self.record: RequestRecord | None = None


class RequestLog:
    """The bounded, thread-safe list of :class:`RequestRecord`, with listeners for consoles.

    ``secrets`` returns every secret to mask (the sandbox's domains' secrets), asked when a
    record is made. Until then an answer is held as reported (its query at most the server's
    ``max_request_line_bytes``), in memory only.
    """

    def __init__(self, *, clock: Clock, secrets: Callable[[], Collection[str]],
                 limit: int | None = None) -> None:
        self.clock = clock
        #: How many records are kept; the oldest drop off first.
        self.limit = max_records() if limit is None else limit
        if type(self.limit) is not int or self.limit < 1:
            raise ValueError(f"the request log's limit must be an int >= 1, not {self.limit!r}")
        self._secrets = secrets
        self._cut = max_value_chars()
        self._entries: deque[_Entry] = deque(maxlen=self.limit)
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._owner_of: OwnerOf | None = None
        self._owned: dict[str, deque[_Entry]] = {}
        self._seq = 0

    def mask(self, secrets: Callable[[], Collection[str]]) -> None:
        """Mask these secrets too (a classroom's trainer token), wherever a record holds them."""
        before = self._secrets
        self._secrets = lambda: [*before(), *secrets()]

    def partition(self, owner_of: OwnerOf, owners: Collection[str], per_owner: int) -> None:
        """Keep each owner's API requests apart, the newest ``per_owner`` of each; the rest
        (no provable owner) stay in the shared log of :attr:`limit` records."""
        with self._lock:
            self._owner_of = owner_of
            self._owned = {owner: deque(maxlen=per_owner) for owner in owners}

    def record(self, *, method: str, path: str, params: Mapping[str, str], status: int,
               code: int | None, check: str, diagnosis: SignatureNote | None = None,
               api: bool = False) -> None:
        """Add one answered request (``params`` must not change afterwards).

        ``api``: the request is the platform's endpoint, so its ``userDomain`` and ``phone``
        parameters name whom it was about (an extra's filters of the same names do not).
        """
        owner = (self._owner_of(params, diagnosis)
                 if api and self._owner_of is not None else None)
        raw = (self.clock.now_ms(), method, path, params, status, code, check, diagnosis, api,
               owner)
        with self._lock:
            self._seq += 1
            entry = _Entry(raw, self._seq)
            self._owned.get(owner or "", self._entries).append(entry)
            listeners = self._listeners
        if listeners:
            record = self._built(entry)
            for listener in listeners:
                listener(record)

    def records(self, *, user_domain: str | None = None, phone: str | None = None,
                since_ms: int | None = None, limit: int | None = None) -> list[RequestRecord]:
        """Records oldest first; filters combine; ``limit`` keeps the newest ``limit``."""
        with self._lock:
            entries = list(self._entries)
            owned = ([self._owned[user_domain]] if user_domain in self._owned
                     else self._owned.values() if user_domain is None else [])
            for part in owned:
                entries.extend(part)
        if self._owned:
            entries.sort(key=lambda entry: entry.seq)
        found = [record for record in map(self._built, entries)
                 if (user_domain is None or record.user_domain == user_domain)
                 and (phone is None or record.phone == phone)
                 and (since_ms is None or record.time_ms >= since_ms)]
        if limit is not None:
            found = found[-limit:] if limit > 0 else []
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            for part in self._owned.values():
                part.clear()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with each new record (after it is stored), e.g. a console."""
        with self._lock:
            self._listeners = [*self._listeners, listener]

    def __len__(self) -> int:
        return len(self._entries) + sum(map(len, self._owned.values()))

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())

    def _built(self, entry: _Entry) -> RequestRecord:
        """The entry's record, masked and cut, made on first use."""
        record = entry.record
        if record is not None:
            return record
        time_ms, method, path, params, status, code, check, diagnosis, api, owner = entry.raw
        secrets = [secret for secret in self._secrets() if secret]
        shortest = min(map(len, secrets), default=0)  # shorter texts cannot hold a secret
        clean = tuple((self._clean(name, secrets, shortest),
                       self._clean(value, secrets, shortest, name=name))
                      for name, value in params.items())
        kept = dict(clean) if api else {}
        record = RequestRecord(time_ms=time_ms, method=self._clean(method, secrets, shortest),
                               path=self._clean(path, secrets, shortest), params=clean,
                               status=status, code=code, check=check,
                               user_domain=kept.get("userDomain"), phone=kept.get("phone"),
                               diagnosis=diagnosis, owner=owner)
        entry.record = record  # two threads may both build it: equal records, either wins
        return record

    def _clean(self, text: str, secrets: Collection[str], shortest: int, *,
               name: str = "") -> str:
        if name and ("secret" in name.lower() or "token" in name.lower()):
            return SECRET_MASK
        if secrets and len(text) >= shortest:
            for secret in secrets:
                if secret in text:
                    text = text.replace(secret, SECRET_MASK)
        return text if len(text) <= self._cut else text[:self._cut] + _CUT
