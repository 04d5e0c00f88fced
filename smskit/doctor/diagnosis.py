"""``diagnose``: given what was sent and the right secret, say what the platform would answer
and what the signing code did wrong.

The answer is a :class:`Diagnosis`: the signature is right, or a point of the grammar of
mistakes (:mod:`smskit.doctor.grammar`) reproduces it exactly (a named mistake of
``smskit/data/signature_mistakes.json``, or one composed of the grammar's transforms), or nothing
does and the checks worth doing by hand are listed. The fields are judged as the platform
would (:mod:`smskit.doctor.refusal`): a right signature on a request it would refuse is not
"ok", and the headline names the code it would answer. The secret is used to compute and
never kept: no Diagnosis, repr or message holds it.

The Diagnosis carries the right signature for the sent values (``expected``): show it to the
holder of the secret only, never to a client of a shared server, where it would sign requests.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from smskit import i18n
from smskit.catalogue import lookup
from smskit.doctor.grammar import Lang, shown_text
from smskit.doctor.recipes import Check, Mistake, checks, explain, longer_points
from smskit.doctor.refusal import in_request_terms, refusal
from smskit.doctor.search import Found, Targets, search
from smskit.doctor.sent import SentRequest, parse_sent
from smskit.errors import InputError, Problem
from smskit.fields import parse_code_type, parse_timestamp_ms, sent_code_type_problem
from smskit.platform_codes import PlatformCode
from smskit.request import SmsCodeRequest
from smskit.signing import SECRET_FIELD, has_utf8, sign
from smskit.validation import secret_problems

Verdict = Literal["correct", "known_mistake", "unexplained"]
#: The longest signature looked at (the hex of a 64-byte digest is 128 characters).
MAX_SIGNATURE_CHARS = 128
#: The key of a :attr:`Diagnosis.detail` name's label, where the name is not one already.
_DETAIL_KEYS = {"tsOffsetMs": "ts_offset_ms"}
_RIGHT_SHAPE = re.compile(r"[0-9a-f]{64}")
#: How a signature is shown in a message: cut beyond this many characters.
_SHOWN_CHARS = 80


@dataclass(frozen=True)
class Diagnosis:
    """What the doctor found about one request's signature and fields. Holds no secret."""

    verdict: Verdict
    #: The signature that was sent.
    signature: str
    #: The right signature for the sent values (see the module doc before showing it).
    expected: str
    #: The mistake that reproduces :attr:`signature`, if one does.
    mistake: Mistake | None = None
    #: The text that the mistaken code signed, secret masked (``None`` unless a mistake).
    signed_text: str | None = None
    #: Details of the point found: ``transforms``, ``digest``, ``encoding``, ``order``,
    #: ``tsOffsetMs``.
    detail: tuple[tuple[str, str], ...] = ()
    #: The checks worth doing by hand (only when nothing explains the signature).
    checks: tuple[Check, ...] = ()
    #: The first problem the platform would refuse the fields for (before the signature).
    refusal: Problem | None = None
    #: How many digests the search computed.
    hashes: int = 0

    @property
    def signature_ok(self) -> bool:
        """True when the signature is the right one for the sent values."""
        return self.verdict == "correct"

    @property
    def ok(self) -> bool:
        """True when the platform would accept the request as far as it alone decides: the
        signature is right and no field would be refused."""
        return self.signature_ok and self.refusal is None

    @property
    def answer(self) -> int:
        """The code the platform would answer (200: nothing in the request itself refused)."""
        if self.refusal is not None and self.refusal.code is not None:
            return int(self.refusal.code)
        return int(PlatformCode.SUCCESS if self.signature_ok else PlatformCode.SIGNATURE_FAILED)

    def headline(self, lang: Lang = "en") -> str:
        """One line: right, or the code the platform would answer and why."""
        answer = _code_text(self.answer)
        if self.ok:
            return i18n.t("doctor.right", lang, signature=self.signature)
        if self.refusal is None:
            return i18n.t("doctor.wrong", lang, answer=answer)
        reason = f"{self.refusal.field}: {self.refusal.rule_in(lang)}"
        if self.refusal.field == "signature":
            return i18n.t("doctor.wrong_shape", lang, answer=answer, reason=reason)
        if self.signature_ok:
            return i18n.t("doctor.right_but_refused", lang, answer=answer, reason=reason)
        return i18n.t("doctor.refused", lang, answer=answer, reason=reason)

    def summary(self, lang: Lang = "en") -> str:
        """A few lines in one language (``"zh"`` or ``"en"``) saying what was found."""
        lines = [self.headline(lang)]
        hint = self.refusal.hint_in(lang) if self.refusal is not None else None
        if hint:
            lines.append(i18n.t("doctor.hint", lang, hint=hint))
        if self.signature_ok:
            return "\n".join(lines)
        label = {name: i18n.t(f"doctor.label.{name}", lang) for name in ("sent", "expected")}
        lines += [f"  {label['sent']:<10} {_shown(self.signature)}",
                  f"  {label['expected']:<10} {self.expected}"]
        if self.mistake is not None:
            lines += [i18n.t("doctor.named" if self.mistake.catalogued
                             else "doctor.composed_title", lang,
                             title=self.mistake.title(lang), id=self.mistake.id),
                      i18n.t("doctor.why", lang, why=self.mistake.explanation(lang)),
                      i18n.t("doctor.fix", lang, fix=self.mistake.fix(lang))]
            if self.signed_text is not None:
                lines.append(i18n.t("doctor.signed_text", lang, text=json.dumps(
                    self.signed_text, ensure_ascii=False)))
            lines += [i18n.t("doctor.detail", lang, value=value, name=i18n.t(
                f"doctor.detail.{_DETAIL_KEYS.get(name, name)}", lang))
                for name, value in self.detail]
        else:
            lines.append(i18n.t("doctor.unexplained", lang))
            lines += [f"  - {check.text(lang)}" for check in self.checks]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data, both languages keyed by ``zh``/``en``."""
        data: dict[str, Any] = {"ok": self.ok, "verdict": self.verdict, "answer": self.answer,
                                "signatureOk": self.signature_ok,
                                "headline": {lang: self.headline(lang) for lang in ("zh", "en")},
                                "signature": self.signature, "expected": self.expected}
        if self.refusal is not None:
            data["refusal"] = {"field": self.refusal.field, "code": self.refusal.code,
                               "rule": {lang: self.refusal.rule_in(lang) for lang in ("zh", "en")},
                               "hint": {lang: self.refusal.hint_in(lang) for lang in ("zh", "en")}}
        if self.mistake is not None:
            mistake = self.mistake
            data["mistake"] = {
                "id": mistake.id, "combines": list(mistake.combines),
                "transforms": list(mistake.transforms), "catalogued": mistake.catalogued,
                "title": {"zh": mistake.title_zh, "en": mistake.title_en},
                "explanation": {"zh": mistake.explanation_zh, "en": mistake.explanation_en},
                "fix": {"zh": mistake.fix_zh, "en": mistake.fix_en},
            }
            data["signedText"] = self.signed_text
            data["detail"] = dict(self.detail)
        if self.checks:
            data["checks"] = [{"id": c.id, "zh": c.zh, "en": c.en} for c in self.checks]
        data["hashesTried"] = self.hashes
        return data


def diagnose(
    sent: str | Mapping[str, Any] | SentRequest | SmsCodeRequest, *, secret: str
) -> Diagnosis:
    """Diagnose the signature and fields of a sent request against the right ``secret``.

    ``sent`` is a URL, log line or curl command (see :func:`parse_sent`), a mapping of the
    API's parameter names, a :class:`SentRequest` or an :class:`SmsCodeRequest`. Raises
    :class:`InputError` when the request or the secret cannot be judged (naming field and rule).
    """
    problems = secret_problems(secret)
    try:
        request = _sent_request(sent)
        values = _values(request)
    except InputError as error:
        raise InputError([*map(in_request_terms, error.problems), *problems]) from None
    if problems:
        raise InputError(problems)
    refused = refusal(request)
    signature = request.signature
    signed = {"phone": values["phone"], "code_type": values["codeType"],
              "random": values["random"], "ts": values["ts"], "secret": secret}
    expected = sign(**signed)
    if hmac.compare_digest(signature.encode(), expected.encode()):  # constant time
        return Diagnosis("correct", signature, expected, refusal=refused)
    values[SECRET_FIELD] = secret
    outcome = search(values, signature, longer_points())
    if outcome.found is None:
        return Diagnosis("unexplained", signature, expected, checks=checks(), refusal=refused,
                         hashes=outcome.hashes)
    found = outcome.found
    return Diagnosis("known_mistake", signature, expected, mistake=explain(found, values),
                     signed_text=shown_text(found.steps, values,
                                            secret_in_text=found.secret_in_text),
                     detail=_detail(found), refusal=refused, hashes=outcome.hashes)


def _detail(found: Found) -> tuple[tuple[str, str], ...]:
    detail = [("transforms", " + ".join(t.id for t in found.transforms)),
              ("digest", found.digest.id if found.digest else "sha256"),
              ("encoding", found.encoding.id if found.encoding else "hex")]
    for step in found.steps:
        if step.order is not None:
            present = [name for name in step.order
                       if found.secret_in_text or name != SECRET_FIELD]
            detail.append(("order", " + ".join(present)))
        if step.transform.kind == "ts-offset":
            detail.append(("tsOffsetMs", step.label))
    return tuple(detail)


def _code_text(code: int) -> str:
    entry = lookup(code)
    if entry is None:  # pragma: no cover - every code answered here is catalogued
        return str(code)
    return f"{code} {entry.zh}"  # the platform's message, verbatim in both languages


def _shown(signature: str) -> str:
    if len(signature) <= _SHOWN_CHARS:
        return signature
    return signature[:_SHOWN_CHARS - 1] + "…"


def _sent_request(sent: Any) -> SentRequest:
    if isinstance(sent, SentRequest):
        return sent
    if isinstance(sent, SmsCodeRequest):
        return SentRequest.from_mapping(sent.query(), require_all=True)
    if isinstance(sent, str):
        return parse_sent(sent)
    if isinstance(sent, Mapping):
        return SentRequest.from_mapping(sent)
    raise InputError([Problem("request", i18n.text("doctor.not_request",
                                                   type=type(sent).__name__))])


def _values(request: SentRequest) -> dict[str, str]:
    """The sent values as text, plus what transforms derive from them; refuses values the
    signature cannot be judged on (a ts or codeType that is no integer, no UTF-8 form)."""
    problems: list[Problem] = []
    code_type = ts = 0
    try:
        code_type = parse_code_type(request.code_type)
    except InputError as error:
        problems += error.problems
    form = sent_code_type_problem(request.code_type)  # "03": which text was signed?
    if form is not None:
        problems.append(form)
    try:
        ts = parse_timestamp_ms(request.ts)
    except InputError as error:
        problems += error.problems
    texts = {"phone": request.phone, "random": request.random,
             "internationalCode": request.international_code, "userDomain": request.user_domain,
             "signature": request.signature}
    for field, text in texts.items():
        if text is not None and not has_utf8(text):
            problems.append(Problem(field, i18n.text("doctor.no_utf_eight")))
    problems += _signature_problems(request.signature)
    if problems:
        raise InputError(problems)
    values = {"phone": request.phone, "codeType": str(code_type), "random": request.random,
              "ts": str(ts), "tsSeconds": str(ts // 1000)}
    values.update({name: text for name, text in (("internationalCode", request.international_code),
                                                  ("userDomain", request.user_domain))
                   if text is not None})
    return values


def _signature_problems(signature: str) -> list[Problem]:
    """A signature of no shape any digest and encoding of the grammar makes."""
    if _RIGHT_SHAPE.fullmatch(signature) or (len(signature) <= MAX_SIGNATURE_CHARS
                                             and Targets.of(signature)):
        return []
    shown = signature if len(signature) <= _SHOWN_CHARS else signature[:_SHOWN_CHARS - 3] + "..."
    return [Problem("signature", i18n.text("doctor.no_shape", got=len(signature),
                                           shown=repr(shown)),
                    PlatformCode.SIGNATURE_ERROR,
                    hint=i18n.text("sandbox.hint.validation.signature.format_hint"))]
