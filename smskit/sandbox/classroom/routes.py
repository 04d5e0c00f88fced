"""The classroom's views: the trainer's (``/_sandbox/class/...``) and each trainee's own
(``/_sandbox/me/...``), and the guard in front of every other ``/_sandbox/`` extra.

Refusals are the transport envelope with 401 (no or unusable credentials), 403 (not yours)
or 429 (too many signed requests), in the sandbox's language, never a 500.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from smskit import i18n
from smskit.request import ENDPOINT_PATH
from smskit.sandbox.classroom.dashboard import class_summary, rows_csv
from smskit.sandbox.classroom.guard import Refused
from smskit.sandbox.classroom.progress import BadRecord, exercise_inputs, parse_record
from smskit.sandbox.classroom.roster import Trainee
from smskit.sandbox.extension import RouteTable, SandboxParts
from smskit.sandbox.routes import (
    PREFIX,
    code_type_of,
    json_object,
    only_fields,
    shown,
    text_field,
)
from smskit.sandbox.wire import HttpProblem, Request, Response

if TYPE_CHECKING:
    from smskit.sandbox.classroom.extension import AnswerJudge, Classroom

CLASS_PREFIX, ME_PREFIX = f"{PREFIX}/class", f"{PREFIX}/me"
#: Extras anyone may read in classroom mode (they show nothing of the class).
PUBLIC_PATHS = frozenset({"/", f"{PREFIX}/health"})
CSV_TYPE = "text/csv;charset=UTF-8"
#: Exercises whose answer the sandbox judges itself when a trainee sends it (not a signature,
#: not a send: knowledge), with the course's own judges.
JUDGED_ANSWERS = ("E6", "E7")


def refusal(error: Refused) -> HttpProblem:
    """A :class:`Refused` as the transport envelope, saying which credentials to send."""
    return HttpProblem(error.status, error.detail, headers=(
        ("WWW-Authenticate", f'{error.scheme} realm="smskit classroom"'),))


class ClassroomRoutes:
    """The class's views over the classroom and the sandbox's parts."""

    def __init__(self, classroom: Classroom, parts: SandboxParts) -> None:
        self.classroom = classroom
        self.parts = parts
        self._lock = threading.Lock()
        #: Per trainee: the last code they verified successfully (E5 seen by the sandbox).
        self._verified: dict[str, tuple[str, str, int, str]] = {}
        e5 = exercise_inputs("E5")
        #: E5's phone and code type: only their verifications are E5 (a lesson's are not).
        self._e5 = (str(e5.get("phone")), int(e5.get("code_type", 0)))

    def routes(self) -> RouteTable:
        table = self._routes()
        judge = self.classroom.answers
        if judge is not None:  # the course's judge, handed in (the sandbox sits below training)
            table[f"{ME_PREFIX}/answer"] = {"POST": (
                partial(self.my_answer, judge),
                "trainee: JSON {exercise: E6|E7, answer}: judged by the sandbox")}
        return table

    def _routes(self) -> RouteTable:
        return {
            f"{PREFIX}/health": {"GET": (self.health, "status, time, rate policy")},
            f"{CLASS_PREFIX}/roster": {"GET": (self.roster, "trainer: names and user domains")},
            f"{CLASS_PREFIX}/progress": {"GET": (self.all_progress,
                                                 "trainer: every trainee's progress")},
            f"{CLASS_PREFIX}/dashboard": {"GET": (self.dashboard, "trainer: one row per "
                                                  "trainee and the class summary")},
            f"{CLASS_PREFIX}/dashboard.csv": {"GET": (self.dashboard_csv,
                                                      "trainer: the dashboard as CSV")},
            ME_PREFIX: {"GET": (self.me, "trainee: who these credentials are")},
            f"{ME_PREFIX}/outbox": {"GET": (self.my_outbox, "trainee: your delivered codes")},
            f"{ME_PREFIX}/requests": {"GET": (self.my_requests,
                                              "trainee: your requests to the API")},
            f"{ME_PREFIX}/verify": {"POST": (self.my_verify, "trainee: JSON {phone, codeType, "
                                             "code, internationalCode?}: check your code")},
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
                self.classroom.access.require_trainer(request.authorization)
            except Refused as error:
                raise refusal(error) from None

    def _trainee(self, request: Request) -> Trainee:
        try:
            return self.classroom.access.trainee(request)
        except Refused as error:
            raise refusal(error) from None

    def _now(self) -> int:
        return self.parts.clock.now_ms()

    # -- anyone's --------------------------------------------------------------------------

    def health(self, request: Request) -> Response:
        """Nothing of the class: no domains, no faults."""
        return Response(200, {"status": "ok", "service": "smskit sandbox (classroom)",
                              "nowMs": self._now(), "endpoint": f"POST {ENDPOINT_PATH}",
                              "ratePolicy": self.parts.state.policy.describe()})

    # -- the trainer's ---------------------------------------------------------------------

    def roster(self, request: Request) -> Response:
        return Response(200, {"trainees": [{"name": t.name, "userDomain": t.user_domain}
                                           for t in self.classroom.roster]})

    def all_progress(self, request: Request) -> Response:
        progress = self.classroom.progress
        return Response(200, {"progress": {t.user_domain: progress.records(t.user_domain)
                                           for t in self.classroom.roster}})

    def dashboard(self, request: Request) -> Response:
        rows = self.classroom.dashboard()
        return Response(200, {"nowMs": self._now(), "stuckRules": self.classroom.rules.as_dict(),
                              "summary": class_summary(rows),
                              "trainees": [row.as_dict() for row in rows]})

    def dashboard_csv(self, request: Request) -> Response:
        return Response(200, {}, text=rows_csv(self.classroom.dashboard()),
                        content_type=CSV_TYPE,
                        headers=(("Content-Disposition",
                                  'attachment; filename="classroom-progress.csv"'),))

    # -- a trainee's own -------------------------------------------------------------------

    def me(self, request: Request) -> Response:
        trainee = self._trainee(request)
        return Response(200, {"name": trainee.name, "userDomain": trainee.user_domain})

    def my_outbox(self, request: Request) -> Response:
        trainee = self._trainee(request)
        now = self._now()
        rows = [d.as_dict(now) for d in self.parts.state.outbox(trainee.user_domain)]
        return Response(200, {"nowMs": now, "deliveries": rows})

    def my_requests(self, request: Request) -> Response:
        """The trainee's API requests; ``yours: false`` marks one naming their domain whose
        signature does not prove their secret (perhaps theirs, perhaps anyone's)."""
        trainee = self._trainee(request)
        records = self.parts.log.records(user_domain=trainee.user_domain)
        return Response(200, {"nowMs": self._now(), "requests": [
            {**record.as_dict(), "yours": record.owner == trainee.user_domain}
            for record in records]})

    def my_verify(self, request: Request) -> Response:
        """Verify a code of the trainee's own domain (``/_sandbox/verify`` is the trainer's)."""
        trainee = self._trainee(request)
        body = json_object(request.body)
        only_fields(body, {"phone", "codeType", "code", "internationalCode"})
        phone = text_field(body, "phone", required=True) or ""
        code = body.get("code")
        if not isinstance(code, str):
            raise HttpProblem(400, i18n.text("classroom.verify.code_text"))
        code_type = code_type_of(body.get("codeType"))
        international = text_field(body, "internationalCode") or "86"
        result = self.parts.state.verify(user_domain=trainee.user_domain,
                                         international_code=international, phone=phone,
                                         code_type=code_type, code=code)
        self._judge_verify(trainee, (international, phone, code_type, code), result.status)
        return Response(200, result.as_dict(self.parts.lang))

    def _judge_verify(self, trainee: Trainee, key: tuple[str, str, int, str],
                      status: str) -> None:
        """E5, seen: a code of E5's phone and code type verified once here, then refused as
        used. Other verifications (a lesson's) are no E5 attempt."""
        if (key[1], key[2]) != self._e5:
            return
        domain, now = trainee.user_domain, self._now()
        with self._lock:
            if status == "ok":
                self._verified[domain] = key
                return
            second = self._verified.get(domain) == key
        self.classroom.progress.seen(domain, "E5", passed=second and status == "used",
                                     now_ms=now, mistake=None if second else f"verify_{status}")

    def my_answer(self, judge: AnswerJudge, request: Request) -> Response:
        """An answer to E6 or E7, judged here with the course's judge: a pass it saw."""
        trainee = self._trainee(request)
        body = json_object(request.body)
        only_fields(body, {"exercise", "answer"})
        exercise = body.get("exercise")
        if exercise not in JUDGED_ANSWERS:
            raise HttpProblem(400, i18n.text("classroom.answer.exercise",
                                             exercise=shown(exercise),
                                             judged=", ".join(JUDGED_ANSWERS)))
        if "answer" not in body:
            raise HttpProblem(400, i18n.text("classroom.answer.missing"))
        passed, mistake = judge(exercise, body["answer"])
        self.classroom.progress.seen(trainee.user_domain, exercise, passed=passed,
                                     now_ms=self._now(), mistake=mistake or "wrong")
        attempts = self.classroom.progress.states(trainee.user_domain)[exercise].attempts
        return Response(200, {"exercise": exercise, "passed": passed,
                              "mistake": None if passed else mistake, "attempts": attempts})

    def my_progress(self, request: Request) -> Response:
        trainee = self._trainee(request)
        now = self._now()
        states = self.classroom.progress.states(trainee.user_domain)
        return Response(200, {"progress": self.classroom.progress.records(trainee.user_domain),
                              "exercises": [s.as_dict(k, now) for k, s in states.items()]})

    def post_progress(self, request: Request) -> Response:
        trainee = self._trainee(request)
        try:
            record = parse_record(json_object(request.body))
        except BadRecord as error:
            raise HttpProblem(400, i18n.text("classroom.progress.bad_record", field=error.field,
                                             rule=error.rule)) from None
        state = self.classroom.progress.report(trainee.user_domain, record, self._now())
        return Response(200, {"status": "stored", "exercise": record["exercise"],
                              "attempts": state.attempts})

    def reset_views(self) -> None:
        with self._lock:
            self._verified.clear()
