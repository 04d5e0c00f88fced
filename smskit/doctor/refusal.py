"""What the platform would answer a request's fields, whatever its signature.

A right signature on a request the platform refuses is no green light. The fields are judged
by the core's one validation (:func:`smskit.validation.validate_fields`), and the first
problem is taken in the order the platform checks (the sandbox's documented order: presence,
phone, internationalCode, ts, codeType, then random and the signature's shape), with the code
it answers there. The 10-minute ts window is left out: a logged request is judged later than
it was sent.
"""

from __future__ import annotations

from smskit import i18n
from smskit.doctor.sent import SentRequest
from smskit.errors import Problem
from smskit.nonce import RANDOM_LENGTH
from smskit.platform_codes import PlatformCode
from smskit.validation import validate_fields

#: The signature's shape the platform accepts before comparing it (any case, 64 hex).
SIGNATURE_HEX_LENGTH = 64
_HEX = frozenset("0123456789abcdefABCDEF")
#: (field, code the field's problem answers; None: the code validation gives), in the
#: platform's checking order. Presence codes come from validation itself.
_ORDER: tuple[tuple[str, int | None], ...] = (
    ("phone", PlatformCode.PHONE_MISSING), ("userDomain", PlatformCode.DOMAIN_MISSING),
    ("internationalCode", PlatformCode.INTERNATIONAL_CODE_MISSING),
    ("phone", PlatformCode.PHONE_FORMAT), ("internationalCode", PlatformCode.PHONE_FORMAT),
    ("ts", PlatformCode.TIMESTAMP_FORMAT), ("codeType", PlatformCode.SERVICE_ERROR),
)


def in_request_terms(problem: Problem) -> Problem:
    """The problem with its hint in the request's terms: a hint that names the Python library
    (``allow_unverified_phone=True``, ``smskit.sign()``) becomes the twin the sandbox's
    ``extMsg`` uses (``sandbox.hint.<key>``), for readers who write Java, Go, Node.js or PHP."""
    hint = problem.hint_text
    if isinstance(hint, i18n.Text) and f"sandbox.hint.{hint.key}" in i18n.messages():
        return problem.with_hint(i18n.text(f"sandbox.hint.{hint.key}", **dict(hint.values)))
    return problem


def refusal(request: SentRequest) -> Problem | None:
    """The first problem the platform would refuse these fields for, with its code."""
    found = validate_fields(
        phone=request.phone, code_type=request.code_type,
        international_code=request.international_code, random=request.random, ts=request.ts,
        user_domain=request.user_domain, check_clock_window=False)
    first: dict[str, Problem] = {}
    for each in found:
        first.setdefault(each.field, each)
    given = {"internationalCode": request.international_code, "userDomain": request.user_domain}
    for field, code in _ORDER:
        problem = first.get(field)
        if problem is None or (field in given and given[field] is None):
            continue  # an unsigned parameter left out of fields given one by one: unknown
        presence = code in (PlatformCode.PHONE_MISSING, PlatformCode.DOMAIN_MISSING,
                            PlatformCode.INTERNATIONAL_CODE_MISSING)
        if presence:
            if problem.code == code:
                return problem
            continue
        return in_request_terms(Problem(field, problem.rule_text, code, problem.hint_text,
                                        problem.severity))
    return _shape(request)


def _shape(request: SentRequest) -> Problem | None:
    """``random`` of the wrong length, a signature not 64 hex: 签名验证异常 (5421)."""
    code = PlatformCode.SIGNATURE_ERROR
    if len(request.random) != RANDOM_LENGTH:
        return Problem("random", i18n.text("validation.random.length", length=RANDOM_LENGTH,
                                           got=len(request.random)), code,
                       i18n.text("sandbox.hint.validation.random.use_new"))
    signature = request.signature
    if len(signature) != SIGNATURE_HEX_LENGTH or not _HEX.issuperset(signature):
        return Problem("signature", i18n.text("doctor.signature_shape",
                                              length=SIGNATURE_HEX_LENGTH, got=len(signature)),
                       code, i18n.text("sandbox.hint.validation.signature.format_hint"))
    return None
