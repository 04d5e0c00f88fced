"""A trainee in a classroom sandbox: their credentials, and sending their progress there.

A trainee proves who they are the way the API does: they sign, the secret never travels
(:mod:`smskit.classroom_auth`).

:class:`ClassroomSender` posts each :class:`~smskit.training.progress.ExerciseRecord` to
the classroom; a failure never breaks a notebook: the record is already saved locally, and
one line says it was not sent.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from smskit import environment
from smskit.classroom_auth import trainee_authorization
from smskit.clock import Clock
from smskit.i18n import pick
from smskit.training.progress import ExerciseRecord

CLASSROOM_URL_VAR = "SMSKIT_CLASSROOM_URL"
PROGRESS_PATH = "/_sandbox/me/progress"
_SEND_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class TraineeCredentials:
    """Where the classroom is and who this trainee is there. The secret is not in the repr."""

    base_url: str
    user_domain: str
    secret: str = field(repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TraineeCredentials | None:
        """From ``SMSKIT_CLASSROOM_URL`` (or an ``http://`` ``SMSKIT_BASE_URL``),
        ``SMSKIT_USER_DOMAIN`` and ``SMSKIT_USER_DOMAIN_SECRET``; ``None`` when not all set.

        An ``https://`` base URL is the real platform, never a classroom: nothing is sent there.
        """
        url = environment.read(CLASSROOM_URL_VAR, environ)
        if url is None:
            base = environment.read(environment.BASE_URL_VAR, environ)
            url = base if base is not None and base.startswith("http://") else None
        domain = environment.read(environment.USER_DOMAIN_VAR, environ)
        secret = environment.read(environment.SECRET_VAR, environ)
        if url is None or domain is None or secret is None:
            return None
        return cls(url.rstrip("/"), domain, secret)

    def authorization(self, clock: Clock | None = None) -> str:
        return trainee_authorization(user_domain=self.user_domain, secret=self.secret,
                                     clock=clock)


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

        try:
            with no_retry_session() as session:
                answer = session.post(
                    self.credentials.base_url + PROGRESS_PATH, json=record.to_json(),
                    headers={"Authorization": self.credentials.authorization(self.clock)},
                    timeout=_SEND_TIMEOUT_SECONDS)
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


def classroom_sender(environ: Mapping[str, str] | None = None) -> ClassroomSender | None:
    """A sender for the classroom the environment names, or ``None`` outside a classroom."""
    credentials = TraineeCredentials.from_env(environ)
    return ClassroomSender(credentials) if credentials is not None else None
