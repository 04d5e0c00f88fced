"""What ``POST /v2/sms/enduserapi/v2/sendPhoneSmsCode`` checks, and what it answers.

Every API-level outcome is the platform's envelope ``{"code", "msg", "data", "extMsg"}``.
Success is the platform's documented ``{"code": 200, "msg": "", "data": null, "extMsg":
null}`` (docs/platform.md). An error carries the catalogue's Chinese ``msg`` verbatim and an
English ``extMsg`` naming the field and the rule (never the secret).

Check order; the first failing check answers:

1. presence: ``phone`` 5021, ``userDomain`` 5023, ``internationalCode`` 5116;
2. phone format 5019, judged by :mod:`smskit.validation` (phonenumbers) against the
   international code; an unusable international code is also 5019 (*);
3. ``ts`` format 5145 (integer, 13 digits), then the 10-minute window, inclusive: 5145 (*);
4. ``codeType`` missing or not 1-5: 5000 服务异常 (*; the page gives no code);
5. ``random`` missing or not 16 characters, ``signature`` missing or not 64 hex: 5421 (*);
6. ``userDomain`` unknown 5015, disabled 5104;
7. signature: :func:`smskit.signing.verify` (constant time) over the canonical forms (int
   ``codeType``, int ``ts``) with the domain's secret: 5420 (uppercase hex fails, with a hint);
8. the domain's SMS configuration: 5117-5216 (see :mod:`smskit.sandbox.domains`);
9. rate limit 5058, then an injected provider failure 5059, then delivery: 200.

(*) marks sandbox assumptions: the page states the rule but not the code. Why this order:
cheap stateless checks of the request come first (what a gateway validates before any
lookup); the domain is looked up before the signature because its secret is needed; the SMS
configuration is revealed only to authenticated callers; the rate limit counts only sends
that are authenticated and deliverable; a provider failure can only happen at hand-off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from smskit.catalogue import lookup
from smskit.clock import MILLIS_PER_MINUTE, Clock
from smskit.errors import Problem
from smskit.fields import parse_code_type, parse_timestamp_ms
from smskit.nonce import RANDOM_LENGTH
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH
from smskit.sandbox.domains import DomainTable, SandboxDomain
from smskit.sandbox.state import Delivery, SandboxState
from smskit.signing import verify
from smskit.validation import CLOCK_WINDOW_MS, validate_fields
from smskit.worked_example import EMPTY_INPUT_SHA256

log = logging.getLogger("smskit.sandbox")

#: (parameter, code) for a missing parameter, in checking order.
PRESENCE = (("phone", PlatformCode.PHONE_MISSING), ("userDomain", PlatformCode.DOMAIN_MISSING),
            ("internationalCode", PlatformCode.INTERNATIONAL_CODE_MISSING))
ASSUMPTION = "[sandbox assumption: the page names no code for this rule]"
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
    """The endpoint's verdict on one request."""

    code: int
    ext_msg: str | None = None
    #: What was delivered, on success.
    delivery: Delivery | None = None

    def envelope(self) -> dict[str, Any]:
        if self.code == PlatformCode.SUCCESS:
            return success_envelope()
        return error_envelope(self.code, self.ext_msg)


class Platform:
    """The endpoint's behaviour over a domain table, the shared state and a clock."""

    def __init__(self, *, domains: DomainTable, state: SandboxState, clock: Clock) -> None:
        self.domains = domains
        self.state = state
        self.clock = clock

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
        answer = _missing(problems)
        if answer is not None:
            notes = []
            if ignored_params:
                notes.append(f"unrecognised parameters ignored: {', '.join(ignored_params)}")
            if body_ignored:
                notes.append("the request body is ignored: parameters go in the query string")
            if notes:
                answer = Answer(answer.code, f"{answer.ext_msg} ({'; '.join(notes)})")
        else:
            answer = self._check(params, problems)
        log.info("%s userDomain=%r phone=%r codeType=%r -> %d", ENDPOINT_PATH,
                 params.get("userDomain"), params.get("phone"), params.get("codeType"),
                 answer.code)
        return answer

    # -- the checks, in order --------------------------------------------------------------

    def _check(self, params: Mapping[str, str], problems: Mapping[str, Problem]) -> Answer:
        """Every check after presence, in the documented order."""
        for field in ("phone", "internationalCode"):
            if field in problems:
                return Answer(PlatformCode.PHONE_FORMAT, problems[field].describe())
        if "ts" in problems:
            return Answer(PlatformCode.TIMESTAMP_FORMAT, problems["ts"].describe())
        ts = parse_timestamp_ms(params["ts"])
        window = self._clock_window(ts)
        if window is not None:
            return window
        if "codeType" in problems:
            return Answer(PlatformCode.SERVICE_ERROR,
                          f"{problems['codeType'].describe()} {ASSUMPTION}")
        shape = _random_and_signature_shape(params.get("random"), params.get("signature"))
        if shape is not None:
            return shape
        domain = self.domains.get(params["userDomain"])
        if domain is None:
            return self._unknown_domain(params["userDomain"])
        if not domain.enabled:
            return Answer(PlatformCode.DOMAIN_DISABLED, f"userDomain: {domain.name!r} is disabled")
        code_type = parse_code_type(params["codeType"])
        signed: dict[str, Any] = {"phone": params["phone"], "code_type": code_type,
                                  "random": params["random"], "ts": ts}
        signature = params["signature"]
        if not verify(signature, secret=domain.secret, **signed):
            return Answer(PlatformCode.SIGNATURE_FAILED, _mismatch_hint(signature, domain, signed))
        fault = self.domains.sms_fault(domain)
        if fault is not None:
            return Answer(fault.code, fault.explanation)
        return self._send(domain, params["internationalCode"], params["phone"], code_type)

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
        direction = "ahead of" if offset > 0 else "behind"
        return Answer(PlatformCode.TIMESTAMP_FORMAT, (
            f"ts: {ts} is {abs(offset)} ms ({abs(offset) / MILLIS_PER_MINUTE:.2f} min) "
            f"{direction} the server's clock ({now}); it must be within {CLOCK_WINDOW_MS} ms "
            f"(10 minutes, inclusive). Use the current time in ms and check the local clock "
            f"{ASSUMPTION}"))

    def _unknown_domain(self, name: str) -> Answer:
        hint = (f"the demo domain is {self.domains.demo_domain!r}; GET /_sandbox/health "
                "lists them all")
        if name.strip() in self.domains:
            hint = f"remove the surrounding whitespace: send {name.strip()!r}"
        return Answer(PlatformCode.DOMAIN_UNKNOWN,
                      f"userDomain: {_short(name)} does not exist in this sandbox ({hint})")

    def _send(self, domain: SandboxDomain, international_code: str, phone: str,
              code_type: int) -> Answer:
        outcome = self.state.send(user_domain=domain.name, international_code=international_code,
                                  phone=phone, code_type=code_type)
        if outcome.refusal is not None:
            return Answer(PlatformCode.RATE_LIMITED, f"phone {phone}: {outcome.refusal.describe()}")
        if outcome.failed or outcome.delivery is None:
            return Answer(PlatformCode.SEND_FAILED, "the SMS provider failed (a failure injected "
                          "into the sandbox); nothing was delivered")
        delivery = outcome.delivery
        log.info("delivered code %s to +%s %s (codeType %d, userDomain %r)", delivery.code,
                 delivery.international_code, delivery.phone, delivery.code_type,
                 delivery.user_domain)
        return Answer(PlatformCode.SUCCESS, delivery=delivery)


def _missing(problems: Mapping[str, Problem]) -> Answer | None:
    for field, code in PRESENCE:
        problem = problems.get(field)
        if problem is not None and problem.code == code:
            return Answer(code, problem.describe())
    return None


def _random_and_signature_shape(random: str | None, signature: str | None) -> Answer | None:
    if not random:
        return Answer(PlatformCode.SIGNATURE_ERROR, f"random: is required {ASSUMPTION}")
    if len(random) != RANDOM_LENGTH:
        return Answer(PlatformCode.SIGNATURE_ERROR, f"random: must be exactly {RANDOM_LENGTH} "
                      f"characters (got {len(random)}) {ASSUMPTION}")
    if not signature:
        return Answer(PlatformCode.SIGNATURE_ERROR, f"signature: is required {ASSUMPTION}")
    if len(signature) != _SIGNATURE_HEX_LENGTH or not _HEX.issuperset(signature):
        return Answer(PlatformCode.SIGNATURE_ERROR, (
            f"signature: must be {_SIGNATURE_HEX_LENGTH} lowercase hex characters (a SHA-256 "
            f"digest), got {len(signature)} characters {ASSUMPTION}"))
    return None


def _mismatch_hint(signature: str, domain: SandboxDomain, signed: Mapping[str, Any]) -> str:
    """Why a well-formed signature failed, when a common mistake explains it."""
    if signature != signature.lower() and verify(signature.lower(), secret=domain.secret,
                                                 **signed):
        return ("signature: right value, wrong case: the platform compares lowercase hex; "
                "send it lowercased")
    if signature.lower() == EMPTY_INPUT_SHA256:
        return ("signature: this is SHA-256 of the empty string, the value printed in the "
                "page's worked example; hash phone + codeType + random + ts + userDomainSecret")
    if verify(signature.lower(), secret="", **signed):
        return ("signature: it was computed without the userDomainSecret; append the secret "
                "after ts before hashing")
    case = " (and it is not lowercase)" if signature != signature.lower() else ""
    return (f"signature: does not match SHA256(phone + codeType + random + ts + "
            f"userDomainSecret) for userDomain {domain.name!r}{case}; check that the secret "
            f"belongs to this userDomain and that you signed exactly the values sent "
            f"(codeType={signed['code_type']}, ts={signed['ts']})")


def _short(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[:limit] + "..."
    return repr(shown)
