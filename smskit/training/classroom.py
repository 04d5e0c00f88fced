"""A trainee in a classroom sandbox: their credentials, their progress sent there, and their
own outbox, request log and verifications read back from a notebook.

A trainee proves who they are the way the API does: they sign, the secret never travels
(:mod:`smskit.sandbox.classroom.auth`: each request is signed with its method, target, ``ts``
and body digest). The hub sets the environment: an ``http://`` ``SMSKIT_BASE_URL`` (or
``SMSKIT_CLASSROOM_URL``), ``SMSKIT_USER_DOMAIN`` and ``SMSKIT_USER_DOMAIN_SECRET``. Whether
that names a class is one test, :func:`class_credentials`, used by every helper here and by
the notebooks' sandbox (:func:`smskit.training.practice.practice_sandbox`).

- :class:`ClassroomSender` posts each :class:`~smskit.training.progress.ExerciseRecord`; a
  failure never breaks a notebook: the record is already saved locally, one line says so.
- :func:`my_outbox`, :func:`my_requests`, :func:`my_verify`, :func:`my_progress` read the
  trainee's own data, and :func:`my_answer` has the classroom judge an E6 or E7 answer itself
  (:class:`TraineeClient` for more control); outside a classroom, or when the classroom cannot
  be reached, they raise :class:`ClassroomUnavailable`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smskit import environment
from smskit.clock import Clock
from smskit.errors import SmskitError
from smskit.i18n import pick
from smskit.training.progress import ExerciseRecord

if TYPE_CHECKING:
    from smskit.sandbox.classroom.roster import Trainee

CLASSROOM_URL_VAR = "SMSKIT_CLASSROOM_URL"
HUB_USER_VAR = "JUPYTERHUB_USER"
ME_PATH = "/_sandbox/me"
PROGRESS_PATH = f"{ME_PATH}/progress"
_SEND_TIMEOUT_SECONDS = 3.0
_READ_TIMEOUT_SECONDS = 5.0


class ClassroomUnavailable(SmskitError, RuntimeError):
    """No classroom in the environment, or the classroom refused or could not be reached."""


@dataclass(frozen=True)
class TraineeCredentials:
    """Where the classroom is, and the trainee there (whose secret is never in the repr)."""

    base_url: str
    trainee: Trainee

    @property
    def user_domain(self) -> str:
        return self.trainee.user_domain

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TraineeCredentials | None:
        """From ``SMSKIT_CLASSROOM_URL`` (or an ``http://`` ``SMSKIT_BASE_URL``),
        ``SMSKIT_USER_DOMAIN`` and ``SMSKIT_USER_DOMAIN_SECRET``; ``None`` when not all set.

        Only what the environment says: whether it names a class is :func:`class_credentials`
        (a plain sandbox's ``http://`` URL is not). An ``https://`` base URL is the real
        platform, never a classroom: nothing is sent there.
        """
        from smskit.sandbox.classroom.roster import Trainee

        url = environment.read(CLASSROOM_URL_VAR, environ)
        if url is None:
            base = environment.read(environment.BASE_URL_VAR, environ)
            url = base if base is not None and base.startswith("http://") else None
        domain = environment.read(environment.USER_DOMAIN_VAR, environ)
        secret = environment.read(environment.SECRET_VAR, environ)
        if url is None or domain is None or secret is None:
            return None
        name = environment.read(HUB_USER_VAR, environ) or domain
        return cls(url.rstrip("/"), Trainee(name, domain, secret))

    def authorization(self, method: str, target: str, body: bytes = b"",
                      clock: Clock | None = None) -> str:
        """The signed ``Authorization`` value for one request to ``target`` (path?query)."""
        from smskit.sandbox.classroom.auth import trainee_authorization

        return trainee_authorization(user_domain=self.trainee.user_domain,
                                     secret=self.trainee.secret, method=method, target=target,
                                     body=body, clock=clock)


class ClassroomSender:
    """Posts each exercise record to the classroom sandbox as the trainee; never raises."""

    def __init__(self, credentials: TraineeCredentials, *, clock: Clock | None = None) -> None:
        self.credentials = credentials
        self.clock = clock
        #: The last record that could not be sent, with why (``None`` after a success).
        self.last_failure: str | None = None

    def __call__(self, record: ExerciseRecord) -> None:
        import requests

        from smskit.transport import no_retry_session

        body = json.dumps(record.as_dict()).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   "Authorization": self.credentials.authorization("POST", PROGRESS_PATH, body,
                                                                   self.clock)}
        try:
            with no_retry_session() as session:
                answer = session.post(self.credentials.base_url + PROGRESS_PATH, data=body,
                                      headers=headers, timeout=_SEND_TIMEOUT_SECONDS)
        except requests.RequestException as error:
            self._failed(record, type(error).__name__)
            return
        if answer.status_code != 200:
            self._failed(record, f"HTTP {answer.status_code}")
        else:
            self.last_failure = None

    def _failed(self, record: ExerciseRecord, why: str) -> None:
        self.last_failure = why
        print(pick(zh=f"{record.exercise} 的进度已保存在本机，但没有发送到课堂沙箱（{why}）",
                   en=f"{record.exercise}: progress saved locally but not sent to the classroom "
                      f"sandbox ({why})"), file=sys.stderr)

    def __repr__(self) -> str:
        return f"ClassroomSender({self.credentials!r})"


def class_credentials(environ: Mapping[str, str] | None = None) -> TraineeCredentials | None:
    """The trainee's credentials when the environment names a class, else ``None``.

    ``SMSKIT_CLASSROOM_URL`` says so itself. An ``http://`` ``SMSKIT_BASE_URL`` (what the hub
    sets) may also be a developer's own plain sandbox, which has no ``/_sandbox/me`` (404): not
    a class. Any other refusal, or no answer, raises :class:`ClassroomUnavailable`: a class
    named but unusable is said at once, not taken for no class.
    """
    credentials = TraineeCredentials.from_env(environ)
    if credentials is None or environment.read(CLASSROOM_URL_VAR, environ) is not None:
        return credentials
    return credentials if TraineeClient(credentials).is_a_classroom() else None


def classroom_sender(environ: Mapping[str, str] | None = None) -> ClassroomSender | None:
    """A sender for the class the environment names, or ``None`` outside a class.

    A class that does not answer now still gets a sender: each record it cannot send is
    saved locally and said in one line (:class:`ClassroomSender`), never raised.
    """
    try:
        credentials = class_credentials(environ)
    except ClassroomUnavailable:
        credentials = TraineeCredentials.from_env(environ)
    return ClassroomSender(credentials) if credentials is not None else None


class TraineeClient:
    """The trainee's own views of the classroom sandbox, each request signed afresh."""

    def __init__(self, credentials: TraineeCredentials, *, clock: Clock | None = None) -> None:
        self.credentials = credentials
        self.clock = clock

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TraineeClient:
        """From the environment the hub sets; :class:`ClassroomUnavailable` outside a class
        (:func:`class_credentials`: a plain sandbox's URL is not a class) or when it refuses or
        does not answer."""
        credentials = class_credentials(environ)
        if credentials is None:
            raise ClassroomUnavailable(pick(
                en=f"no classroom here: set {CLASSROOM_URL_VAR}, {environment.USER_DOMAIN_VAR} "
                   f"and {environment.SECRET_VAR} (the hub sets them for each trainee)",
                zh=f"这里没有课堂：请设置 {CLASSROOM_URL_VAR}、{environment.USER_DOMAIN_VAR} 和 "
                   f"{environment.SECRET_VAR}（JupyterHub 会为每位学员设置）"))
        return cls(credentials)

    def me(self) -> dict[str, Any]:
        """``{"name", "userDomain"}``: who the classroom thinks you are."""
        return self._call("GET", ME_PATH)

    def outbox(self) -> list[dict[str, Any]]:
        """The codes delivered to your user domain, oldest first."""
        deliveries: list[dict[str, Any]] = self._call("GET", f"{ME_PATH}/outbox")["deliveries"]
        return deliveries

    def requests(self) -> list[dict[str, Any]]:
        """Your requests to the API, oldest first (``yours: false``: naming your domain, but
        not signed with your secret)."""
        records: list[dict[str, Any]] = self._call("GET", f"{ME_PATH}/requests")["requests"]
        return records

    def verify(self, *, phone: str, code_type: int | str, code: str,
               international_code: str = "86") -> dict[str, Any]:
        """Check a delivered code as the platform's other endpoints would (consumes it when
        ``ok``): ``{"ok", "status", "reason"}``."""
        body = {"phone": phone, "codeType": code_type, "code": code,
                "internationalCode": international_code}
        return self._call("POST", f"{ME_PATH}/verify", body)

    def answer(self, exercise: str, answer: Any) -> dict[str, Any]:
        """Send an answer to E6 or E7 for the classroom to judge itself (a pass it saw):
        ``{"exercise", "passed", "mistake", "attempts"}``. The answer must be plain JSON."""
        return self._call("POST", f"{ME_PATH}/answer", {"exercise": exercise, "answer": answer})

    def progress(self) -> list[dict[str, Any]]:
        """Your exercises as the classroom counted them (attempts, passed and by whom)."""
        exercises: list[dict[str, Any]] = self._call("GET", PROGRESS_PATH)["exercises"]
        return exercises

    def is_a_classroom(self) -> bool:
        """Whether the sandbox at the base URL serves a class: ``True`` when it knows you,
        ``False`` when it has no trainee views (a plain sandbox answers 404); otherwise
        :class:`ClassroomUnavailable` (a refused secret, no answer)."""
        status, payload = self._request("GET", ME_PATH)
        if status == 404:
            return False
        self._answered(status, payload)  # 200, or the refusal said as every helper says it
        return True

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None
              ) -> dict[str, Any]:
        return self._answered(*self._request(method, path, body))

    @staticmethod
    def _answered(status: int, payload: Any) -> dict[str, Any]:
        """The JSON object of a 200, else :class:`ClassroomUnavailable` saying the refusal."""
        if status != 200 or not isinstance(payload, dict):
            detail = payload.get("extMsg") if isinstance(payload, dict) else ""
            raise ClassroomUnavailable(pick(
                en=f"the classroom sandbox answered {status}: {detail}",
                zh=f"课堂沙箱答复 {status}：{detail}"))
        return payload

    def _request(self, method: str, path: str, body: Mapping[str, Any] | None = None
                 ) -> tuple[int, Any]:
        """One signed request, never retried: the status and the decoded JSON."""
        import requests

        from smskit.transport import no_retry_session

        data = b"" if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": self.credentials.authorization(method, path, data,
                                                                   self.clock)}
        if body is not None:
            headers["Content-Type"] = "application/json"
        url = self.credentials.base_url + path
        try:
            with no_retry_session() as session:
                answer = session.request(method, url, data=data or None, headers=headers,
                                         timeout=_READ_TIMEOUT_SECONDS)
            payload = answer.json()
        except (requests.RequestException, ValueError) as error:
            raise ClassroomUnavailable(pick(
                en=f"the classroom sandbox at {self.credentials.base_url} did not answer "
                   f"({type(error).__name__})",
                zh=f"课堂沙箱 {self.credentials.base_url} 没有响应（{type(error).__name__}）"
            )) from None
        return answer.status_code, payload

    def __repr__(self) -> str:
        return f"TraineeClient({self.credentials!r})"


def answer_judge(exercise: str, answer: Any) -> tuple[bool, str | None]:
    """The course's judge for a classroom sandbox (``Classroom(roster, answers=answer_judge)``):
    passed, and the first mistake's key when not."""
    from smskit.training.checks import JUDGES

    judgement = JUDGES[exercise](answer)
    if not judgement.wrong:
        return True, None
    return False, judgement.mistake.key if judgement.mistake is not None else None


def my_outbox() -> list[dict[str, Any]]:
    """The codes the classroom delivered to your user domain, oldest first."""
    return TraineeClient.from_env().outbox()


def my_requests() -> list[dict[str, Any]]:
    """Your requests to the classroom's API, oldest first, each as the sandbox logged it."""
    return TraineeClient.from_env().requests()


def my_verify(*, phone: str, code_type: int | str, code: str,
              international_code: str = "86") -> dict[str, Any]:
    """Verify a code the classroom delivered to you (consumes it when ``ok``)."""
    return TraineeClient.from_env().verify(phone=phone, code_type=code_type, code=code,
                                           international_code=international_code)


def my_answer(exercise: str, answer: Any) -> dict[str, Any]:
    """Have the classroom judge your answer to E6 or E7 itself (``passed``, ``mistake``)."""
    return TraineeClient.from_env().answer(exercise, answer)


def my_progress() -> list[dict[str, Any]]:
    """Your exercises as the classroom counted them."""
    return TraineeClient.from_env().progress()
