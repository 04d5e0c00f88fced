"""The classroom as a sandbox extension: ``Sandbox(extension=Classroom(roster))``.

Each trainee has their own user domain (so their own rate limits, outbox and request log);
the demo domain is closed; the ``/_sandbox/`` views are guarded (:mod:`.guard`): the
trainer's need the trainer token, a trainee's own (``/_sandbox/me/...``) a request signed with
their secret. The class's progress (:mod:`.progress`) and tallies (:mod:`.dashboard`) live
here, beside the sandbox's state; the views are in :mod:`.routes`.

Whose API request is it? Only a request whose signature proves a trainee's secret is theirs:
it verifies, or the signature doctor explains it as a known mistake made with the secret
(``smskit/data/classroom.json`` ``attribution``). Such requests count on the trainee's dashboard row
and sit in their own part of the request log; a request naming their domain with another
secret changes nothing of theirs.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from smskit._data import load_json
from smskit.platform_codes import PlatformCode
from smskit.sandbox.classroom.dashboard import (
    ClassTally,
    StuckRules,
    TraineeRow,
    records_per_trainee,
    summary,
)
from smskit.sandbox.classroom.guard import Guard
from smskit.sandbox.classroom.progress import ProgressStore, exercise_inputs
from smskit.sandbox.classroom.roster import DATA_FILE, Roster
from smskit.sandbox.domains import DomainTable
from smskit.sandbox.extension import RouteTable, SandboxParts
from smskit.sandbox.requestlog import RequestRecord, SignatureNote
from smskit.sandbox.wire import Request
from smskit.signing import digest_hex

if TYPE_CHECKING:
    from smskit.sandbox.classroom.routes import ClassroomRoutes


def _mistakes_without_secret() -> frozenset[str]:
    return frozenset(load_json(DATA_FILE)["attribution"]["mistakes_without_secret"])


#: Judges one answer: ``(exercise id, answer) -> (passed, mistake key or None)``.
AnswerJudge = Callable[[str, Any], tuple[bool, str | None]]


class Classroom:
    """One class on one sandbox: roster, guard, progress, tallies; the sandbox's extension.

    ``answers`` judges the E6 and E7 answers trainees send (``POST /_sandbox/me/answer``);
    the course's judge is :func:`smskit.training.classroom.answer_judge` (the sandbox sits
    below the training package, so it is handed in, not imported). Without it that route is
    absent.
    """

    def __init__(self, roster: Roster, *, answers: AnswerJudge | None = None) -> None:
        self.roster = roster
        self.answers = answers
        self.rules = StuckRules.load()
        self.progress = ProgressStore(t.user_domain for t in roster)
        #: Per-trainee tallies of API answers, fed by the request log.
        self.tally = ClassTally(t.user_domain for t in roster)
        self._parts: SandboxParts | None = None
        self._guard: Guard | None = None
        self._routes: ClassroomRoutes | None = None
        self._without_secret = _mistakes_without_secret()
        e4 = exercise_inputs("E4")
        self._e4 = (str(e4.get("phone")), str(e4.get("code_type")))

    # -- the extension point ---------------------------------------------------------------

    def domains(self, shipped: DomainTable) -> DomainTable:
        return self.roster.domain_table(shipped)

    def attach(self, parts: SandboxParts) -> None:
        from smskit.sandbox.classroom.routes import ClassroomRoutes

        if self._parts is not None:
            raise RuntimeError("a Classroom serves one sandbox; make another for another")
        self._parts = parts
        self._guard = Guard(self.roster, clock=parts.clock)
        parts.log.mask(lambda: [self.roster.trainer_token])
        parts.log.partition(self.owner_of, [t.user_domain for t in self.roster],
                            records_per_trainee())
        parts.log.subscribe(self.tally)
        parts.log.subscribe(self._judge_send)
        self._routes = ClassroomRoutes(self, parts)

    def routes(self) -> RouteTable:
        return self.views.routes()

    def guard(self, request: Request) -> None:
        self.views.guard(request)

    def reset(self) -> None:
        """Forget every trainee's progress and tallies (after a session)."""
        self.progress.reset()
        self.tally.reset()
        if self._routes is not None:
            self._routes.reset_views()

    # -- what the extension knows -------------------------------------------------------------

    @property
    def parts(self) -> SandboxParts:
        if self._parts is None:
            raise RuntimeError("the Classroom is not attached to a sandbox yet")
        return self._parts

    @property
    def access(self) -> Guard:
        """Who is asking (the trainer's token, a trainee's signed request)."""
        if self._guard is None:
            raise RuntimeError("the Classroom is not attached to a sandbox yet")
        return self._guard

    @property
    def views(self) -> ClassroomRoutes:
        if self._routes is None:
            raise RuntimeError("the Classroom is not attached to a sandbox yet")
        return self._routes

    def owner_of(self, params: Mapping[str, str], diagnosis: SignatureNote | None) -> str | None:
        """The trainee whose secret provably signed these API parameters, else ``None``."""
        trainee = self.roster.by_domain(params.get("userDomain", ""))
        if trainee is None:
            return None
        if diagnosis is not None:
            proven = (diagnosis.verdict == "known_mistake"
                      and diagnosis.mistake_id not in self._without_secret)
            return trainee.user_domain if proven else None
        text = "".join(params.get(name, "") for name in ("phone", "codeType", "random", "ts"))
        expected = digest_hex(text + trainee.secret)
        given = params.get("signature", "").encode("utf-8", "replace")
        return trainee.user_domain if hmac.compare_digest(given, expected.encode()) else None

    def dashboard(self) -> list[TraineeRow]:
        """The trainer's dashboard now: one row per trainee, in roster order."""
        domains = [t.user_domain for t in self.roster]
        return summary(((t.name, t.user_domain) for t in self.roster), self.tally.snapshot(),
                       {d: self.progress.states(d) for d in domains},
                       {d: self.progress.last_record_ms(d) for d in domains},
                       now_ms=self.parts.clock.now_ms(), rules=self.rules)

    def _judge_send(self, record: RequestRecord) -> None:
        """E4, seen: a send of E4's inputs from the trainee's own domain, delivered or not."""
        if record.owner is None or record.code is None:
            return
        if (record.phone, record.query.get("codeType")) != self._e4:
            return
        passed = record.code == PlatformCode.SUCCESS
        self.progress.seen(record.owner, "E4", passed=passed, now_ms=record.time_ms,
                           mistake=None if passed else f"code_{record.code}")
