"""The client users call: validate, sign, send once, and explain the answer.

Configuration is keyword-only; pointing it at the platform or at the local sandbox is only a
different ``base_url`` (or ``region``)::

    client = SmsClient.from_env()            # SMSKIT_BASE_URL, SMSKIT_USER_DOMAIN, ..._SECRET
    result = client.send_code("13800138000", CodeType.REGISTER)

Every outcome is a :class:`SendResult` or a typed :class:`~smskit.errors.SmskitError`; see
:mod:`smskit.responses` for how responses are judged (including the page's ``code: 0``) and
:mod:`smskit.transport` for transport failures. Sending an SMS is not idempotent: the client
never resends a request that may have reached the server. ``connect_retries`` only repeats
attempts that failed to connect at all.

The secret is kept in a wrapper that prints as a mask and refuses pickling, so ``repr``,
``vars()``, logs, errors and results never show it.
"""

from __future__ import annotations

import logging
import math
import random as _random
import time
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

import requests

from smskit import environment, i18n, regions, skew, transport
from smskit.clock import Clock, SystemClock
from smskit.errors import ConnectionFailed, InputError, Problem, ResponseFormatError
from smskit.i18n import Message
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH, SmsCodeRequest, build_request
from smskit.responses import RawResponse, SendResult, excerpt, interpret
from smskit.validation import base_url_problems, control_problem, secret_problems, text_problems

__all__ = ["SendResult", "SmsClient"]

DEFAULT_TIMEOUT: transport.Timeout = (3.05, 10)
#: Pause between connection attempts when ``connect_retries`` is used.
CONNECT_RETRY_DELAY_S = 0.2
LOGGER_NAME = "smskit.client"


class SendOptions(TypedDict, total=False):
    """The optional keywords of :meth:`SmsClient.prepare` and :meth:`SmsClient.send_code`."""

    #: The 16-character ``random`` to sign (default: a fresh one).
    random: str | None
    #: The millisecond ``ts`` to sign (default: the client's clock).
    ts: int | None
    #: Skip the ``phonenumbers`` judgement of the phone (the page's own rules still apply).
    allow_unverified_phone: bool


class _Secret:
    """Holds the secret; prints as a mask, cannot be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("the userDomainSecret is not picklable: rebuild the client instead")

    def __copy__(self) -> _Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Secret:
        return self


class SmsClient:
    """Sends sendPhoneSmsCode requests to one base URL for one user domain.

    ``timeout`` is seconds (> 0, finite) or a ``(connect, read)`` pair. Each send also has
    an overall deadline, connect plus read timeout (twice a single number), so a server
    that trickles its answer cannot hold a send longer; past it the send raises
    :class:`~smskit.errors.DeliveryUnknown` and is never retried. Settings with control
    characters (a ``.env`` file's CR) are refused up front with :class:`InputError`.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        region: str | None = None,
        user_domain: str,
        secret: str,
        session: requests.Session | None = None,
        timeout: transport.Timeout = DEFAULT_TIMEOUT,
        clock: Clock | None = None,
        random_source: _random.Random | None = None,
        logger: logging.Logger | None = None,
        connect_retries: int = 0,
    ) -> None:
        problems = _setting_problems(base_url, region, user_domain, secret, connect_retries)
        problems += _timeout_problems(timeout)
        if problems:
            raise InputError(problems)
        url = regions.resolve(region).base_url if region is not None else base_url
        assert url is not None  # noqa: S101 - _setting_problems guarantees one of them
        self._base_url = url.rstrip("/")
        self._user_domain = user_domain
        self._secret = _Secret(secret)
        self._owns_session = session is None
        self._session = transport.no_retry_session() if session is None else session
        transport.check_no_retries(self._session, self.endpoint_url)
        self.timeout = timeout
        self.clock: Clock = clock or SystemClock()
        self.random_source = random_source
        self.connect_retries = connect_retries
        self.log = logger or logging.getLogger(LOGGER_NAME)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **settings: Any) -> SmsClient:
        """A client from ``SMSKIT_BASE_URL`` (a URL or a region name such as ``europe``),
        ``SMSKIT_USER_DOMAIN`` and ``SMSKIT_USER_DOMAIN_SECRET``; other settings as keywords.

        Raises :class:`InputError` naming every variable that is missing.
        """
        values = {name: environment.read(name, environ) for name in
                  (environment.BASE_URL_VAR, environment.USER_DOMAIN_VAR, environment.SECRET_VAR)}
        missing = [Problem(name, i18n.text("client.not_set"), hint=_env_hint(name))
                   for name, value in values.items() if value is None]
        if missing:
            raise InputError(missing)
        target = values[environment.BASE_URL_VAR] or ""
        is_url = "://" in target
        return cls(base_url=target if is_url else None, region=None if is_url else target,
                   user_domain=values[environment.USER_DOMAIN_VAR] or "",
                   secret=values[environment.SECRET_VAR] or "", **settings)

    # -- settings ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def user_domain(self) -> str:
        return self._user_domain

    @property
    def endpoint_url(self) -> str:
        return f"{self._base_url}{ENDPOINT_PATH}"

    def __repr__(self) -> str:
        return f"SmsClient(base_url={self._base_url!r}, user_domain={self._user_domain!r})"

    # -- sending ----------------------------------------------------------------------------

    def prepare(self, phone: str, code_type: Any, international_code: str = "86",
                **options: Unpack[SendOptions]) -> SmsCodeRequest:
        """Validate, fill ``random`` and ``ts``, sign; send nothing. :class:`InputError` if bad."""
        return build_request(
            phone=phone, code_type=code_type, international_code=international_code,
            user_domain=self._user_domain, secret=self._secret.reveal(), clock=self.clock,
            random_source=self.random_source, **options)

    def send_code(self, phone: str, code_type: Any, international_code: str = "86",
                  **options: Unpack[SendOptions]) -> SendResult:
        """Send one verification code; the result, or the typed error explaining the refusal."""
        request = self.prepare(phone, code_type, international_code, **options)
        return self.send_prepared(
            request, allow_unverified_phone=options.get("allow_unverified_phone", False))

    def send_prepared(
        self, request: SmsCodeRequest, *, allow_unverified_phone: bool = False
    ) -> SendResult:
        """Send a request built earlier (re-checked first: a stale ``ts`` is refused locally)."""
        request.validate(clock=self.clock, allow_unverified_phone=allow_unverified_phone)
        transport.check_no_retries(self._session, self.endpoint_url)
        prepared = request.to_prepared(self._base_url)
        path, _, query = (prepared.url or "").partition("?")
        self.log.debug("POST %s?%s", urlsplit(path).path, query)
        raw = self._send(prepared, request)
        try:
            result = interpret(raw, request=request, logger=self.log)
        except Exception as error:
            self.log.info("POST %s -> HTTP %s, %s in %d ms", ENDPOINT_PATH, raw.status,
                          _outcome(error), raw.elapsed_ms)
            raise
        self.log.info("POST %s -> HTTP %s, code %s in %d ms", ENDPOINT_PATH, raw.status,
                      result.code, raw.elapsed_ms)
        return result

    def measure_clock_skew(self) -> int:
        """Local clock minus the server's, in ms, from the ``Date`` of a ``HEAD`` of the base URL.

        Sends no SMS. Precise to about ±0.5 s plus half the round trip (``Date`` has
        one-second resolution). Raises :class:`ResponseFormatError` if there is no ``Date``.
        """
        prepared = requests.Request("HEAD", f"{self._base_url}/").prepare()
        raw = self._send(prepared, None)
        measured = raw.clock_skew_ms
        if measured is None:
            headers = ", ".join(f"{name}: {value}" for name, value in raw.headers.items())
            raise ResponseFormatError("the response has no usable Date header",
                                      http_status=raw.status, excerpt=excerpt(headers.encode()))
        self.log.info("clock skew: local clock is %s the server's (%d ms)",
                      skew.describe(measured), measured)
        return measured

    def close(self) -> None:
        """Close the session if the client made it (an injected session is the caller's)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> SmsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(
        self, prepared: requests.PreparedRequest, request: SmsCodeRequest | None
    ) -> RawResponse:
        """One send, repeated only while it fails to connect (``connect_retries``)."""
        for attempt in range(self.connect_retries + 1):
            try:
                return transport.send(self._session, prepared, timeout=self.timeout,
                                      clock=self.clock, request=request)
            except ConnectionFailed as error:
                if attempt == self.connect_retries:
                    self.log.warning("%s %s: %s", prepared.method, self._base_url, error)
                    raise
                self.log.info("%s %s: connection failed (attempt %d of %d), trying again: %s",
                              prepared.method, self._base_url, attempt + 1,
                              self.connect_retries + 1, error)
                time.sleep(CONNECT_RETRY_DELAY_S)
            except Exception as error:
                self.log.warning("%s %s: %s", prepared.method, self._base_url, _outcome(error))
                raise
        raise AssertionError("unreachable")  # pragma: no cover


def _env_hint(name: str) -> Message:
    if name == environment.USER_DOMAIN_VAR:
        return i18n.text("validation.user_domain.what")
    if name == environment.SECRET_VAR:
        return i18n.text("client.secret.what")
    known = ", ".join(f"{r.name} ({r.base_url})" for r in regions.regions().values())
    return i18n.text("client.base_url.export", name=name, known=known)


def _outcome(error: BaseException) -> str:
    code = getattr(error, "code", None)
    return f"{type(error).__name__} {code}" if code is not None else type(error).__name__


def _setting_problems(
    base_url: str | None, region: str | None, user_domain: Any, secret: Any, connect_retries: Any
) -> list[Problem]:
    problems: list[Problem] = []
    if (base_url is None) == (region is None):
        problems.append(Problem("base_url", i18n.text("client.base_url.one_of"),
                                hint=i18n.text("client.base_url.one_of_hint")))
    elif base_url is not None:
        problems += base_url_problems(base_url)
    elif isinstance(region, str) and (control := control_problem("region", region)):
        problems.append(control)
    elif not isinstance(region, str) or region.strip().casefold() not in regions.regions():
        problems.append(Problem("region", i18n.text(
            "client.region.unknown", region=repr(region), known=", ".join(regions.regions())),
            hint=i18n.text("client.region.unknown_hint")))
    if not isinstance(user_domain, str) or not user_domain.strip():
        problems.append(Problem("userDomain", i18n.text("validation.required"),
                                PlatformCode.DOMAIN_MISSING,
                                hint=i18n.text("client.set", name=environment.USER_DOMAIN_VAR)))
    else:
        problems += text_problems("userDomain", user_domain, PlatformCode.DOMAIN_MISSING,
                                  i18n.text("validation.user_domain.what"))
    if not isinstance(secret, str) or not secret:
        problems.append(Problem("userDomainSecret", i18n.text("validation.required"),
                                hint=i18n.text("client.set", name=environment.SECRET_VAR)))
    else:
        problems += secret_problems(secret)
    if type(connect_retries) is not int or not 0 <= connect_retries <= 10:
        problems.append(Problem("connect_retries", i18n.text("client.connect_retries")))
    return problems


def _timeout_problems(timeout: Any) -> list[Problem]:
    """``timeout`` is seconds > 0 and finite, or a ``(connect, read)`` pair of such."""
    parts = timeout if isinstance(timeout, tuple) and len(timeout) == 2 else (timeout,)
    if all(type(part) in (int, float) and 0 < part < math.inf for part in parts):
        return []
    return [Problem("timeout", i18n.text("client.timeout", timeout=repr(timeout)),
                    hint=i18n.text("client.timeout_hint", default=repr(DEFAULT_TIMEOUT)))]
