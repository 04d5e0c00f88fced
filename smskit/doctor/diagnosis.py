"""``diagnose``: given what was sent and the right secret, say what the signing code did wrong.

The answer is a :class:`Diagnosis`: the signature is right; or a known mistake (from
``smskit/data/signature_mistakes.json``) reproduces it exactly, shown with the text that was signed
(secret masked); or none does, and the checks worth doing by hand are listed. The secret is
used to compute and never kept: no Diagnosis, repr or message holds it.

The Diagnosis carries the right signature for the sent values (``expected``): show it to the
holder of the secret only, never to a client of a shared server, where it would sign requests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from smskit import i18n
from smskit.catalogue import lookup
from smskit.codetypes import CodeType
from smskit.doctor.recipes import (
    DIGESTS,
    ENCODINGS,
    Check,
    Lang,
    Mistake,
    checks,
    encoding_fits,
    masked_text,
    search,
    variants,
)
from smskit.doctor.sent import SentRequest, parse_sent
from smskit.errors import InputError, Problem
from smskit.fields import parse_code_type, parse_timestamp_ms, sent_code_type_problem
from smskit.platform_codes import PlatformCode
from smskit.request import SmsCodeRequest
from smskit.signing import SECRET_FIELD, has_utf8, sign, verify
from smskit.validation import validate_fields

Verdict = Literal["correct", "known_mistake", "unexplained"]
#: How each :attr:`Diagnosis.detail` name is shown, per language.
DETAIL_LABELS = {
    "digest": {"zh": "摘要算法", "en": "digest"},
    "encoding": {"zh": "编码", "en": "encoding"},
    "key": {"zh": "HMAC 密钥", "en": "HMAC key"},
    "order": {"zh": "拼接顺序", "en": "order"},
    "tsOffsetMs": {"zh": "签名的 ts 与发送的 ts 之差（毫秒）",
                   "en": "signed ts minus sent ts (ms)"},
}
#: China's offset from UTC (UTC+8, no daylight saving): a time read in the wrong zone.
_UTC8_MS = 8 * 3_600_000
#: The longest signature looked at (Base64 or hex of a SHA-256 is at most 64 characters).
MAX_SIGNATURE_CHARS = 128


@dataclass(frozen=True)
class Diagnosis:
    """What the doctor found about one signature. Holds no secret."""

    verdict: Verdict
    #: The signature that was sent.
    signature: str
    #: The right signature for the sent values (see the module doc before showing it).
    expected: str
    #: The known mistake that reproduces :attr:`signature`, if one does.
    mistake: Mistake | None = None
    #: The text that the mistaken code signed, secret masked (``None`` unless a mistake).
    signed_text: str | None = None
    #: Details of the variant found: ``order`` (field names), ``tsOffsetMs``, ``digest``,
    #: ``encoding``.
    detail: tuple[tuple[str, str], ...] = ()
    #: The checks worth doing by hand (only when no known mistake explains the signature).
    checks: tuple[Check, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the signature is the right one."""
        return self.verdict == "correct"

    def summary(self, lang: Lang = "en") -> str:
        """A few lines in one language (``"zh"`` or ``"en"``) saying what was found."""
        zh = lang == "zh"
        if self.ok:
            return ("签名正确：" if zh else "The signature is right: ") + self.signature
        failed = lookup(PlatformCode.SIGNATURE_FAILED)
        message = f"{failed.code} {failed.zh}" if failed else str(PlatformCode.SIGNATURE_FAILED)
        lines = [f"签名错误（平台会返回 {message}）" if zh
                 else f"The signature is wrong (the platform answers {message})",
                 f"  {'发送的签名' if zh else 'sent':<10} {self.signature}",
                 f"  {'正确的签名' if zh else 'expected':<10} {self.expected}"]
        if self.mistake is not None:
            lines += [("已识别的错误：" if zh else "Recognised mistake: ")
                      + f"{self.mistake.title(lang)} [{self.mistake.id}]",
                      ("  原因：" if zh else "  Why: ") + self.mistake.explanation(lang),
                      ("  修正：" if zh else "  Fix: ") + self.mistake.fix(lang)]
            if self.signed_text is not None:
                lines.append(("  实际签名的原文（密钥已遮盖）：" if zh
                              else "  Text that was signed (secret masked): ")
                             + json.dumps(self.signed_text, ensure_ascii=False))
            for name, value in self.detail:
                lines.append(f"  {DETAIL_LABELS[name][lang]}: {value}")
        else:
            lines.append("没有已知错误能解释这个签名。请逐项检查：" if zh
                         else "No known mistake explains this signature. Check by hand:")
            lines += [f"  - {check.text(lang)}" for check in self.checks]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data, both languages keyed by ``zh``/``en``."""
        data: dict[str, Any] = {"ok": self.ok, "verdict": self.verdict,
                                "signature": self.signature, "expected": self.expected}
        if self.mistake is not None:
            mistake = self.mistake
            data["mistake"] = {
                "id": mistake.id, "combines": list(mistake.combines),
                "title": {"zh": mistake.title_zh, "en": mistake.title_en},
                "explanation": {"zh": mistake.explanation_zh, "en": mistake.explanation_en},
                "fix": {"zh": mistake.fix_zh, "en": mistake.fix_en},
            }
            data["signedText"] = self.signed_text
            data["detail"] = dict(self.detail)
        if self.checks:
            data["checks"] = [{"id": c.id, "zh": c.zh, "en": c.en} for c in self.checks]
        return data


def diagnose(
    sent: str | Mapping[str, Any] | SentRequest | SmsCodeRequest, *, secret: str
) -> Diagnosis:
    """Diagnose the signature of a sent request against the right ``secret``.

    ``sent`` is a URL, log line or curl command (see :func:`parse_sent`), a mapping of the
    API's parameter names, a :class:`SentRequest` or an :class:`SmsCodeRequest`. Raises
    :class:`InputError` when the request or the secret cannot be judged (naming field and rule).
    """
    problems = _secret_problems(secret)
    try:
        values = _values(_sent_request(sent))
    except InputError as error:
        raise InputError([*error.problems, *problems]) from None
    if problems:
        raise InputError(problems)
    signature = values.pop("signature")
    signed = {"phone": values["phone"], "code_type": values["codeType"],
              "random": values["random"], "ts": values["ts"], "secret": secret}
    expected = sign(**signed)
    if verify(signature, **signed):
        return Diagnosis("correct", signature, expected)
    found = search(variants(), {**values, SECRET_FIELD: secret}, signature)
    if found is None:
        return Diagnosis("unexplained", signature, expected, checks=checks())
    variant = found.variant
    detail = [("digest", variant.digest), ("encoding", variant.encoding)]
    if variant.key is not None:
        detail.append(("key", variant.key.strip("{}")))
    if variant.order is not None:
        detail.append(("order", " + ".join(variant.order)))
    if found.ts_offset_ms:
        detail.append(("tsOffsetMs", f"{found.ts_offset_ms:+d}"))
    return Diagnosis("known_mistake", signature, expected, mistake=variant.mistake,
                     signed_text=masked_text(found, values), detail=tuple(detail))


def _sent_request(sent: Any) -> SentRequest:
    if isinstance(sent, SentRequest):
        return sent
    if isinstance(sent, SmsCodeRequest):
        return SentRequest.from_mapping(sent.query(), require_all=True)
    if isinstance(sent, str):
        return parse_sent(sent)
    if isinstance(sent, Mapping):
        return SentRequest.from_mapping(sent)
    raise InputError([Problem("request", i18n.text("doctor.input.wrong_type",
                                                   type=type(sent).__name__))])


def _secret_problems(secret: Any) -> list[Problem]:
    """The kit's one rule for a secret (validation's), without judging anything else."""
    return [problem for problem in validate_fields(
        phone=None, code_type=None, international_code=None, random=None, ts=None,
        user_domain=None, secret=secret, check_secret=True) if problem.field == SECRET_FIELD]


def _values(request: SentRequest) -> dict[str, str]:
    """The sent values as text, plus what recipes derive from them; refuses unusable ones."""
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
            problems.append(Problem(field, i18n.text("doctor.input.utf_eight")))
    problems += _signature_problems(request.signature)
    if problems:
        raise InputError(problems)
    values = {"phone": request.phone, "codeType": str(code_type), "random": request.random,
              "ts": str(ts), "tsSeconds": str(ts // 1000),
              "tsPlus8h": str(ts + _UTC8_MS), "tsMinus8h": str(ts - _UTC8_MS),
              "signature": request.signature}
    values.update({name: text for name, text in (("internationalCode", request.international_code),
                                                  ("userDomain", request.user_domain))
                   if text is not None})
    if code_type in set(CodeType):
        member = CodeType(code_type)
        values.update(codeTypeZh=member.zh, codeTypeEn=member.en, codeTypeName=member.name,
                      codeTypeNameLower=member.name.lower())
    return values


def _signature_problems(signature: str) -> list[Problem]:
    """A signature the doctor cannot judge: not 64 hex, and not a shape a known mistake makes."""
    if len(signature) <= MAX_SIGNATURE_CHARS and any(
        encoding_fits(encoding, size, signature)
        for size, _ in DIGESTS.values() for encoding in ENCODINGS
    ):
        return []
    shown = signature if len(signature) <= 80 else signature[:77] + "..."
    return [Problem("signature", i18n.text("doctor.input.signature_shape",
                                           length=len(signature), shown=repr(shown)),
                    PlatformCode.SIGNATURE_ERROR, hint=i18n.text("doctor.input.signature_hint"))]
