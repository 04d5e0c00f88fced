"""The classroom's views: the trainer's (``/_sandbox/class/...``) and each trainee's own
(``/_sandbox/me/...``), and the guard in front of every other ``/_sandbox/`` extra.

Only added in classroom mode (:mod:`smskit.sandbox.classroom`). Refusals are the transport
envelope with 401 (no or unusable credentials) or 403 (not yours), never a 500.
"""

from __future__ import annotations

from typing import Any

from smskit.sandbox.classroom import Classroom, Refused, Trainee
from smskit.sandbox.requestlog import RequestLog
from smskit.sandbox.routes import PREFIX, Handler, json_object
from smskit.sandbox.state import SandboxState
from smskit.sandbox.wire import HttpProblem, Request, Response

CLASS_PREFIX, ME_PREFIX = f"{PREFIX}/class", f"{PREFIX}/me"
#: Extras anyone may read in classroom mode (they show nothing of the class).
PUBLIC_PATHS = frozenset({"/", f"{PREFIX}/health"})

def refusal(error: Refused) -> HttpProblem:
    """A :class:`Refused` as the transport envelope, saying which credentials to send."""
    return HttpProblem(error.status, error.detail, headers=(
        ("WWW-Authenticate", f'{error.scheme} realm="smskit classroom"'),))


class ClassroomRoutes:
    """The class's views over the classroom guard and the sandbox state."""

    def __init__(self, *, classroom: Classroom, state: SandboxState, log: RequestLog) -> None:
        self.classroom = classroom
        self.state = state
        self.log = log

    def routes(self) -> dict[str, dict[str, tuple[Handler, str]]]:
        return {
            f"{CLASS_PREFIX}/roster": {"GET": (self.roster, "trainer: names and user domains")},
            f"{CLASS_PREFIX}/progress": {"GET": (self.all_progress,
                                                 "trainer: every trainee's progress")},
            f"{CLASS_PREFIX}/dashboard": {"GET": (self.dashboard, "trainer: one row per "
                                                  "trainee: requests, codes, passed, stuck")},
            ME_PREFIX: {"GET": (self.me, "trainee: who these credentials are")},
            f"{ME_PREFIX}/outbox": {"GET": (self.my_outbox, "trainee: your delivered codes")},
            f"{ME_PREFIX}/requests": {"GET": (self.my_requests,
                                              "trainee: your requests to the API")},
            f"{ME_PREFIX}/progress": {"GET": (self.my_progress, "trainee: your progress"),
                                      "POST": (self.post_progress,
                                               "trainee: JSON ExerciseRecord")},
        }

    def guard(self, request: Request) -> None:
        """Before any ``/_sandbox/`` extra: the trainer token, unless public or a trainee's."""
        path = request.path
        if path in PUBLIC_PATHS or path == ME_PREFIX or path.startswith(ME_PREFIX + "/"):
            return
        if path.startswith(PREFIX + "/"):
            try:
                self.classroom.require_trainer(request.authorization)
            except Refused as error:
                raise refusal(error) from None

    def _trainee(self, request: Request) -> Trainee:
        try:
            return self.classroom.trainee(request.authorization)
        except Refused as error:
            raise refusal(error) from None

    # -- the trainer's ---------------------------------------------------------------------

    def roster(self, request: Request) -> Response:
        return Response(200, {"trainees": [{"name": t.name, "userDomain": t.user_domain}
                                           for t in self.classroom.roster]})

    def all_progress(self, request: Request) -> Response:
        return Response(200, {"progress": {
            t.user_domain: _progress_rows(self.classroom, t) for t in self.classroom.roster}})

    def dashboard(self, request: Request) -> Response:
        return Response(200, {"nowMs": self.classroom.clock.now_ms(),
                              "stuckRules": {"sameErrorStreak":
                                             self.classroom.rules.same_error_streak,
                                             "idleMinutes": self.classroom.rules.idle_minutes},
                              "trainees": [row.as_dict() for row in self.classroom.dashboard()]})

    # -- a trainee's own -------------------------------------------------------------------

    def me(self, request: Request) -> Response:
        trainee = self._trainee(request)
        return Response(200, {"name": trainee.name, "userDomain": trainee.user_domain})

    def my_outbox(self, request: Request) -> Response:
        trainee = self._trainee(request)
        now = self.classroom.clock.now_ms()
        rows = [d.to_json(now) for d in self.state.outbox() if d.user_domain == trainee.user_domain]
        return Response(200, {"nowMs": now, "deliveries": rows})

    def my_requests(self, request: Request) -> Response:
        trainee = self._trainee(request)
        records = self.log.records(user_domain=trainee.user_domain)
        return Response(200, {"nowMs": self.classroom.clock.now_ms(),
                              "requests": [record.as_dict() for record in records]})

    def my_progress(self, request: Request) -> Response:
        trainee = self._trainee(request)
        return Response(200, {"progress": _progress_rows(self.classroom, trainee)})

    def post_progress(self, request: Request) -> Response:
        trainee = self._trainee(request)
        try:
            record = self.classroom.store_progress(trainee, json_object(request.body))
        except ValueError as error:
            raise HttpProblem(400, f"not an exercise record: {error}") from None
        return Response(200, {"status": "stored", "exercise": record["exercise"]})


def _progress_rows(classroom: Classroom, trainee: Trainee) -> list[dict[str, Any]]:
    records = classroom.progress(trainee.user_domain)
    return [records[key] for key in sorted(records)]
