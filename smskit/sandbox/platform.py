"""What ``POST /v2/sms/enduserapi/v2/sendPhoneSmsCode`` checks, and what it answers.

Every API-level outcome is the platform's envelope ``{"code", "msg", "data", "extMsg"}``.
Success is the platform's documented ``{"code": 200, "msg": "", "data": null, "extMsg":
null}`` (docs/platform.md). An error carries the catalogue's Chinese ``msg`` verbatim and an
``extMsg`` naming the field and the rule (never the secret), in the sandbox's language
(``sandbox.*`` keys of ``smskit/data/messages.json``). A wrong signature's ``extMsg`` carries the
signature doctor's finding (:func:`smskit.diagnose`): the mistake's title and fix, never the
right signature.

Check order; the first failing check answers. Each :class:`Answer` names the check that
decided it with a stable id (in brackets), which the request log records:

1. presence: ``phone`` 5021 [phone_missing], ``userDomain`` 5023 [user_domain_missing],
   ``internationalCode`` 5116 [international_code_missing];
2. phone format 5019 [phone_format], judged by :mod:`smskit.validation` (phonenumbers) against
   the international code; an unusable international code is also 5019 (*)
   [international_code_format];
3. ``ts`` format 5145 (integer, 13 digits) [ts_format], then the 10-minute window, inclusive:
   5145 (*) [ts_window];
4. ``codeType`` missing or not 1-5: 5000 服务异常 (*; the page gives no code) [code_type];
5. ``random`` missing or not 16 characters [random_format], ``signature`` missing or not 64
   hex [signature_format]: 5421 (*);
6. ``userDomain`` unknown 5015 [user_domain_unknown], disabled 5104 [user_domain_disabled];
7. signature: :func:`smskit.signing.verify` (constant time) over the canonical forms (int
   ``codeType``, int ``ts``) with the domain's secret: 5420 [signature] (uppercase hex fails);
8. the domain's SMS configuration: 5117-5216 [sms_config] (see :mod:`smskit.sandbox.domains`);
9. rate limit 5058 [rate_limit], then an injected provider failure 5059 [provider_failure],
   then delivery: 200 [delivered].

(*) marks sandbox assumptions: the page states the rule but not the code. Why this order:
cheap stateless checks of the request come first (what a gateway validates before any
lookup); the domain is looked up before the signature because its secret is needed; the SMS
configuration is revealed only to authenticated callers; the rate limit counts only sends
that are authenticated and deliverable; a provider failure can only happen at hand-off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from smskit import i18n
from smskit.catalogue import lookup
from smskit.clock import MILLIS_PER_MINUTE, Clock
from smskit.doctor import Diagnosis, Mistake, diagnose
from smskit.errors import InputError, Problem
from smskit.fields import sent_code_type_problem
from smskit.nonce import RANDOM_LENGTH
from smskit.platform_codes import PlatformCode
from smskit.sandbox.domains import DomainTable, SandboxDomain
from smskit.sandbox.requestlog import SignatureNote
from smskit.sandbox.state import Delivery, SandboxState
from smskit.signing import verify
from smskit.validation import CLOCK_WINDOW_MS, validate_fields

log = logging.getLogger("smskit.sandbox")

#: (parameter, code, check id) for a missing parameter, in checking order.
PRESENCE = (("phone", PlatformCode.PHONE_MISSING, "phone_missing"),
            ("userDomain", PlatformCode.DOMAIN_MISSING, "user_domain_missing"),
            ("internationalCode", PlatformCode.INTERNATIONAL_CODE_MISSING,
             "international_code_missing"))
#: Every check id an :class:`Answer` can carry, in checking order.
CHECKS = ("phone_missing", "user_domain_missing", "international_code_missing", "phone_format",
          "international_code_format", "ts_format", "ts_window", "code_type", "random_format",
          "signature_format", "user_domain_unknown", "user_domain_disabled", "signature",
          "sms_config", "rate_limit", "provider_failure", "delivered")
_HEX = frozenset("0123456789abcdefABCDEF")
_SIGNATURE_HEX_LENGTH = 64


def success_envelope() -> dict[str, Any]:
    """The platform's documented success envelope."""
    return {"code": PlatformCode.SUCCESS, "msg": "", "data": None, "extMsg": None}


def error_envelope(code: int, ext_msg: str | None) -> dict[str, Any]:
    """An error envelope: the catalogue's Chinese message verbatim, our English ``extMsg``."""
    entry = lookup(code)
    if entry is None:  # pragma: no cover - every code used here is catalogued (tested)
        raise ValueError(f"code {code} is not in the catalogue")
    return {"code": code, "msg": entry.zh, "data": None, "extMsg": ext_msg}


@dataclass(frozen=True)
class Answer:
    """The endpoint's verdict on one request, and the check (one of :data:`CHECKS`) that
    decided it."""

    code: int
    check: str
    ext_msg: str | None = None
    #: What was delivered, on success.
    delivery: Delivery | None = None
    #: The doctor's finding on a refused signature (5420, and 5421 when it can judge it).
    diagnosis: SignatureNote | None = None

    def envelope(self) -> dict[str, Any]:
        if self.code == PlatformCode.SUCCESS:
            return success_envelope()
        return error_envelope(self.code, self.ext_msg)


class Platform:
    """The endpoint's behaviour over a domain table, the shared state and a clock."""

    def __init__(self, *, domains: DomainTable, state: SandboxState, clock: Clock,
                 lang: i18n.Language = "en") -> None:
        self.domains = domains
        self.state = state
        self.clock = clock
        #: The language of ``extMsg`` (``msg`` is the platform's Chinese in every language).
        self.lang = lang
        #: The signature doctor's CPU budget (see :class:`DoctorBudget`).
        self.doctor_budget = DoctorBudget()

    def send_phone_sms_code(
        self,
        params: Mapping[str, str],
        *,
        ignored_params: Iterable[str] = (),
        body_ignored: bool = False,
    ) -> Answer:
        """Check ``params`` (the decoded query) in the documented order and answer.

        ``ignored_params`` and ``body_ignored`` only add explanations to a missing-parameter
        answer: the endpoint reads the seven parameters from the query string and nothing else.
        """
        problems = self._field_problems(params)
        answer = _missing(problems, self.lang)
        if answer is not None:
            notes = []
            if ignored_params:
                notes.append(i18n.t("sandbox.ignored_params", self.lang,
                                    names=", ".join(ignored_params)))
            if body_ignored:
                notes.append(i18n.t("sandbox.body_ignored", self.lang))
            if notes:
                answer = Answer(answer.code, answer.check,
                                f"{answer.ext_msg} ({'; '.join(notes)})")
        else:
            answer = self._check(params, problems)
        return answer

    # -- the checks, in order --------------------------------------------------------------

    def _check(self, params: Mapping[str, str], problems: Mapping[str, Problem]) -> Answer:
        """Every check after presence, in the documented order."""
        for field, check in (("phone", "phone_format"),
                             ("internationalCode", "international_code_format")):
            if field in problems:
                return Answer(PlatformCode.PHONE_FORMAT, check,
                              wire_text(problems[field], self.lang))
        if "ts" in problems:
            return Answer(PlatformCode.TIMESTAMP_FORMAT, "ts_format",
                          wire_text(problems["ts"], self.lang))
        ts = int(params["ts"])  # judged above: exactly 13 ASCII digits
        window = self._clock_window(ts)
        if window is not None:
            return window
        form = problems.get("codeType") or sent_code_type_problem(params["codeType"])
        if form is not None:
            return Answer(PlatformCode.SERVICE_ERROR, "code_type", i18n.t(
                "sandbox.with_assumption", self.lang, text=wire_text(form, self.lang),
                assumption=i18n.t("sandbox.assumption", self.lang)))
        shape = self._random_and_signature_shape(params.get("random"), params.get("signature"))
        if shape is not None:
            return self._diagnosed_shape(shape, params)
        domain = self.domains.get(params["userDomain"])
        if domain is None:
            return self._unknown_domain(params["userDomain"])
        if not domain.enabled:
            return Answer(PlatformCode.DOMAIN_DISABLED, "user_domain_disabled",
                          i18n.t("sandbox.domain_disabled", self.lang, name=repr(domain.name)))
        code_type = int(params["codeType"])  # judged above: exactly one of 1-5
        signature = params["signature"]
        if not verify(signature, secret=domain.secret, phone=params["phone"],
                      code_type=code_type, random=params["random"], ts=ts):
            return self._signature_failed(params, domain, code_type, ts)
        fault = self.domains.sms_fault(domain)
        if fault is not None:
            return Answer(fault.code, "sms_config", fault.explanation(self.lang))
        return self._send(domain, params["internationalCode"], params["phone"], code_type)

    def _signature_failed(self, params: Mapping[str, str], domain: SandboxDomain,
                          code_type: int, ts: int) -> Answer:
        """5420, explained by the doctor: a known mistake's title and fix, or what to check."""
        found = self._diagnosis(params, domain)
        if found is _BUSY:
            text = i18n.t("sandbox.doctor_busy", self.lang, domain=repr(domain.name))
            found = None
        elif found is not None and found.mistake is not None:
            text = i18n.t("sandbox.signature_known_mistake", self.lang,
                          domain=repr(domain.name), mistake=self._mistake_text(found.mistake))
        else:
            case = ("" if params["signature"].islower()
                    else i18n.t("sandbox.not_lowercase", self.lang))
            text = i18n.t("sandbox.signature_mismatch", self.lang, domain=repr(domain.name),
                          case=case, code_type=code_type, ts=ts)
        note = None if found is None else SignatureNote.of(found)
        return Answer(PlatformCode.SIGNATURE_FAILED, "signature", text, diagnosis=note)

    def _diagnosed_shape(self, shape: Answer, params: Mapping[str, str]) -> Answer:
        """A malformed signature (5421) that a known mistake makes, such as Base64, says so."""
        domain = self.domains.get(params.get("userDomain", ""))
        if shape.check != "signature_format" or domain is None or not domain.enabled:
            return shape
        found = self._diagnosis(params, domain)
        if found is None or found is _BUSY or found.mistake is None:
            return shape
        recognised = i18n.t("sandbox.recognised_mistake", self.lang,
                            mistake=self._mistake_text(found.mistake))
        return Answer(shape.code, shape.check, f"{shape.ext_msg} {recognised}",
                      diagnosis=SignatureNote.of(found))

    def _diagnosis(self, params: Mapping[str, str], domain: SandboxDomain
                   ) -> Diagnosis | None:
        """The doctor's finding, within its CPU budget (:data:`_BUSY` when it is spent)."""
        if not self.doctor_budget.take():
            return _BUSY
        started = time.thread_time()
        try:
            return _diagnosis(params, domain)
        finally:
            self.doctor_budget.charge(time.thread_time() - started)

    def _mistake_text(self, mistake: Mistake) -> str:
        return i18n.t("sandbox.mistake", self.lang, id=mistake.id,
                      title=mistake.title.render(self.lang), fix=mistake.fix.render(self.lang))

    def _random_and_signature_shape(self, random: str | None,
                                    signature: str | None) -> Answer | None:
        """5421 for a missing or malformed random or signature; ``None`` when both are shaped
        right. The texts are made only for a refusal (the success path stays cheap)."""
        lang = self.lang

        def assumed() -> str:
            return i18n.t("sandbox.assumption", lang)

        if not random:
            check, text = "random_format", i18n.t("sandbox.random_required", lang,
                                                  assumption=assumed())
        elif len(random) != RANDOM_LENGTH:
            check, text = "random_format", i18n.t(
                "sandbox.random_length", lang, assumption=assumed(), length=RANDOM_LENGTH,
                got=len(random))
        elif not signature:
            check, text = "signature_format", i18n.t("sandbox.signature_required", lang,
                                                     assumption=assumed())
        elif len(signature) != _SIGNATURE_HEX_LENGTH or not _HEX.issuperset(signature):
            check, text = "signature_format", i18n.t(
                "sandbox.signature_shape", lang, assumption=assumed(),
                length=_SIGNATURE_HEX_LENGTH, got=len(signature))
        else:
            return None
        return Answer(PlatformCode.SIGNATURE_ERROR, check, text)

    def _field_problems(self, params: Mapping[str, str]) -> dict[str, Problem]:
        """The core's judgement of the fields it knows rules for (first problem per field)."""
        found = validate_fields(
            phone=params.get("phone"),
            code_type=params.get("codeType"),
            international_code=params.get("internationalCode"),
            random=params.get("random"),
            ts=params.get("ts"),
            user_domain=params.get("userDomain"),
            check_clock_window=False,
        )
        problems: dict[str, Problem] = {}
        for problem in found:
            problems.setdefault(problem.field, problem)
        # random is judged below by the page's rule alone (16 characters); a userDomain with
        # stray whitespace is simply a domain that does not exist (5015, with a hint).
        problems.pop("random", None)
        if "userDomain" in problems and problems["userDomain"].code is None:
            del problems["userDomain"]
        return problems

    def _clock_window(self, ts: int) -> Answer | None:
        now = self.clock.now_ms()
        offset = ts - now
        if abs(offset) <= CLOCK_WINDOW_MS:
            return None
        direction = i18n.t("sandbox.clock_ahead" if offset > 0 else "sandbox.clock_behind",
                           self.lang)
        return Answer(PlatformCode.TIMESTAMP_FORMAT, "ts_window", i18n.t(
            "sandbox.clock_window", self.lang, ts=ts, offset=abs(offset),
            minutes=f"{abs(offset) / MILLIS_PER_MINUTE:.2f}", direction=direction, now=now,
            window=CLOCK_WINDOW_MS, assumption=i18n.t("sandbox.assumption", self.lang)))

    def _unknown_domain(self, name: str) -> Answer:
        hint = i18n.t("sandbox.demo_domain_hint", self.lang,
                      demo=repr(self.domains.demo_domain))
        if name.strip() in self.domains:
            hint = i18n.t("sandbox.whitespace_hint", self.lang, name=repr(name.strip()))
        return Answer(PlatformCode.DOMAIN_UNKNOWN, "user_domain_unknown",
                      i18n.t("sandbox.domain_unknown", self.lang, name=_short(name), hint=hint))

    def _send(self, domain: SandboxDomain, international_code: str, phone: str,
              code_type: int) -> Answer:
        outcome = self.state.send(user_domain=domain.name, international_code=international_code,
                                  phone=phone, code_type=code_type)
        if outcome.refusal is not None:
            return Answer(PlatformCode.RATE_LIMITED, "rate_limit", i18n.t(
                "sandbox.rate_limited", self.lang, phone=phone,
                refusal=outcome.refusal.describe(self.lang)))
        if outcome.failed or outcome.delivery is None:
            return Answer(PlatformCode.SEND_FAILED, "provider_failure",
                          i18n.t("sandbox.provider_failed", self.lang))
        delivery = outcome.delivery
        if log.isEnabledFor(logging.INFO):  # written only when shown (not under --quiet)
            log.info("%s", i18n.t("sandbox.log.delivered", self.lang, code=delivery.code,
                                  international_code=delivery.international_code,
                                  phone=delivery.phone, code_type=delivery.code_type,
                                  user_domain=repr(delivery.user_domain)))
        return Answer(PlatformCode.SUCCESS, "delivered", delivery=delivery)


def wire_text(problem: Problem, lang: i18n.Language) -> str:
    """``problem`` as an ``extMsg`` says it: in the request's terms. A hint that names the
    Python library (``allow_unverified_phone=True``, ``smskit.sign()``) becomes its
    ``sandbox.hint.<key>`` twin: what to send, whatever language the client is written in."""
    hint = problem.hint_text
    if isinstance(hint, i18n.Text) and f"sandbox.hint.{hint.key}" in i18n.messages():
        problem = problem.with_hint(i18n.text(f"sandbox.hint.{hint.key}", **dict(hint.values)))
    return problem.describe(lang)


def _missing(problems: Mapping[str, Problem], lang: i18n.Language) -> Answer | None:
    for field, code, check in PRESENCE:
        problem = problems.get(field)
        if problem is not None and problem.code == code:
            return Answer(code, check, wire_text(problem, lang))
    return None


class DoctorBudget:
    """CPU time the signature doctor may spend, refilled with time: a token bucket.

    A wrong signature costs the doctor's search up to about 20 ms of CPU (every point of its
    grammar); a client sending wrong signatures as fast as it can must not turn the sandbox
    into a CPU amplifier. The doctor runs while the bucket holds time; when a flood has
    emptied it, a 5420 says so and names no mistake until the bucket refills. One search runs
    at a time (the next waits up to ``wait_s``, then is busy too): searches side by side would
    hold the interpreter in turn and make every other answer wait for all of them.
    """

    def __init__(self, *, per_second: float = 0.25, burst: float = 1.0,
                 wait_s: float = 0.02) -> None:
        self.per_second, self.burst, self.wait_s = per_second, burst, wait_s
        self._tokens, self._at = burst, time.monotonic()
        self._lock = threading.Lock()
        #: Held by the one search running.
        self._running = threading.Lock()

    def take(self) -> bool:
        """Whether the doctor may run now: no other search is running and the bucket holds
        time. After a ``True``, :meth:`charge` must follow (it frees the one place)."""
        if not self._running.acquire(timeout=self.wait_s):
            return False
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.per_second)
            self._at = now
            if self._tokens > 0:
                return True
        self._running.release()
        return False

    def charge(self, seconds: float) -> None:
        """Charge a finished search's CPU time and free the place for the next."""
        with self._lock:
            self._tokens -= seconds
        self._running.release()


#: What :meth:`Platform._diagnosis` answers when the doctor's budget is spent.
_BUSY = Diagnosis("unexplained", "", "")


def _diagnosis(params: Mapping[str, str], domain: SandboxDomain) -> Diagnosis | None:
    """The doctor's verdict on the sent signature, or ``None`` when it cannot judge it.

    The result holds the right signature (``expected``): it stays here; only the mistake
    goes into an answer or the request log.
    """
    try:
        return diagnose(params, secret=domain.secret)
    except InputError:
        return None


def _short(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[:limit] + "..."
    return repr(shown)
