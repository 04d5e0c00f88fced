"""One judge per exercise: the trainee's answer in, a :class:`Judgement` out.

Judges use the library's own judgement (``smskit.sign`` for what a signature should be, the
signature doctor ``smskit.diagnose`` for which mistake made a wrong one, ``build_request``
and validation for what a request may be, the catalogue for what a code means, the sandbox's
verification result); they hold no copy of those rules. They never put the expected answer
into their findings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from smskit.catalogue import all_codes, categories, lookup
from smskit.codetypes import CodeType
from smskit.errors import InputError, Problem, ResponseFormatError
from smskit.i18n import Editions
from smskit.platform_codes import PlatformCode
from smskit.request import (
    ENDPOINT_PATH,
    HTTP_METHOD,
    QUERY_ORDER,
    RequestFields,
    build_request,
    decode_query,
)
from smskit.signing import SECRET_FIELD, sign, verify
from smskit.training.exercises import (
    Exercise,
    ExerciseMistake,
    broken_requests,
    choices,
    e3_clock,
    exercise,
    shared_mistakes,
)
from smskit.training.verdict import label

_HEX = frozenset("0123456789abcdef")


@dataclass
class Judgement:
    """What a judge found: texts for what is right and wrong, and the mistake to hint at."""

    right: list[Editions] = field(default_factory=list)
    wrong: list[Editions] = field(default_factory=list)
    mistake: ExerciseMistake | None = None

    def add(self, mistake: ExerciseMistake) -> None:
        """Record a wrong finding; the first one found sets the hints."""
        self.wrong.append(mistake.wrong)
        if self.mistake is None:
            self.mistake = mistake


def untouched(answer: Any) -> bool:
    """True when the answer is still the notebook's placeholder (``...`` everywhere)."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, Mapping):
        return bool(answer) and all(untouched(value) for value in answer.values())
    if isinstance(answer, (list, tuple, set)):
        return bool(answer) and all(untouched(item) for item in answer)
    return False


def _kind(value: Any) -> str:
    return type(value).__name__


def _wrong_kind(item: Exercise, mistake: str, answer: Any) -> Judgement:
    """The verdict on an answer that is not the kind of value asked for, naming what it is."""
    judgement = Judgement()
    judgement.add(item.mistake(mistake).fill(kind=_kind(answer)))
    return judgement


def _untouched_part(item: Exercise, part: Editions) -> ExerciseMistake:
    return item.mistake("untouched").fill(part=part)


# -- E1, E2: signatures ---------------------------------------------------------------------


def _doctor_keys() -> dict[str, str]:
    """The doctor's mistake id -> the shared mistake key whose texts the workbook shows."""
    return {raw["doctor"]: key for key, raw in shared_mistakes().items() if "doctor" in raw}


def _diagnosed(item: Exercise, answer: str, inputs: Mapping[str, Any]) -> ExerciseMistake:
    """The mistake behind a well-shaped wrong signature, as the signature doctor finds it.

    A doctor's mistake with a shared key is shown in the workbook's texts (and hints); one
    without is shown in the doctor's own words; none found is ``unknown``.
    """
    from smskit.doctor import diagnose

    sent = {"phone": inputs["phone"], "codeType": str(int(inputs["code_type"])),
            "random": inputs["random"], "ts": str(inputs["ts"]), "signature": answer}
    found = diagnose(sent, secret=inputs["secret"]).mistake
    if found is None:
        return item.mistake("unknown")
    key = _doctor_keys().get(found.id)
    if key == "code_type_other":
        signed = next(member for member in CodeType
                      if verify(answer, **{**inputs, "code_type": member}))
        return item.mistake(key).fill(number=signed.value, name_zh=signed.zh,
                                      name_en=signed.en.lower())
    if key is not None:
        return item.mistake(key)
    _, *more_direct = item.mistake("unknown").hints
    wrong = Editions(en=f"{found.title.en}: {found.explanation.en}",
                     zh=f"{found.title.zh}：{found.explanation.zh}")
    return ExerciseMistake(found.id, wrong, (found.fix, *more_direct))


def _judge_signature(item: Exercise, answer: Any, inputs: Mapping[str, Any]) -> Judgement:
    judgement = Judgement()
    expected = sign(**inputs)
    if isinstance(answer, (bytes, bytearray)):
        judgement.add(item.mistake("bytes"))
        return judgement
    if not isinstance(answer, str):
        return _wrong_kind(item, "not_text", answer)
    if answer == expected:
        judgement.right += [item.right("shape"), item.right("matches")]
        return judgement
    if answer.lower() == expected:
        judgement.add(item.mistake("uppercase"))
        return judgement
    is_hex = bool(answer) and set(answer.lower()) <= _HEX
    if is_hex and len(answer) in (32, 40):
        judgement.add(item.mistake("md5" if len(answer) == 32 else "sha1"))
        return judgement
    if not (is_hex and len(answer) == len(expected) and answer == answer.lower()):
        judgement.add(item.mistake("shape").fill(length=len(answer)))
        return judgement
    judgement.right.append(item.right("shape"))
    judgement.add(_diagnosed(item, answer, inputs))
    return judgement


def judge_e1(answer: Any) -> Judgement:
    """E1: the page's worked example, signed with hashlib alone."""
    item = exercise("E1")
    inputs = item.inputs
    return _judge_signature(item, answer, {
        "phone": inputs.phone, "code_type": inputs.code_type, "random": inputs.random,
        "ts": inputs.ts, "secret": inputs.secret})


def e2_signing_inputs() -> dict[str, Any]:
    """E2's values as the platform signs them: the purpose as a CodeType, the time in ms."""
    inputs = exercise("E2").inputs
    purpose = inputs.purpose["en"].casefold()
    code_type = next(member for member in CodeType if member.en.casefold() == purpose)
    when = datetime.fromisoformat(inputs.time_utc)
    return {"phone": inputs.phone, "code_type": code_type, "random": inputs.random,
            "ts": int(when.timestamp() * 1000), "secret": inputs.secret}


def judge_e2(answer: Any) -> Judgement:
    """E2: a second set of inputs, given as an app would have them."""
    return _judge_signature(exercise("E2"), answer, e2_signing_inputs())


# -- E3: five broken requests ----------------------------------------------------------------

#: The arguments a fixed request may carry: build_request's own, but not its clock.
_REQUEST_ARGUMENTS = frozenset(RequestFields.__annotations__) - {
    "clock", "random_source", "allow_unverified_phone"}


def _describe_problems(problems: tuple[Problem, ...]) -> Editions:
    """The problems as validation states them, without its hints (a hint may show a value)."""
    def one(problem: Problem, message: str | None, lang: str) -> str:
        text = f"{problem.field}: {problem.rule_in(lang)}"
        return f"{text} ({problem.code} {message})" if problem.code else text

    return Editions(en="; ".join(one(p, p.message_en, "en") for p in problems),
                    zh="；".join(one(p, p.message_zh, "zh") for p in problems))


def _field_hint(item: Exercise, field_name: str) -> Editions:
    hints = item.data["field_hints"]
    raw = hints.get(field_name, hints["other"])
    return Editions(en=raw["en"], zh=raw["zh"])


def _with_field_hint(mistake: ExerciseMistake, item: Exercise,
                     field_name: str) -> ExerciseMistake:
    return ExerciseMistake(mistake.key, mistake.wrong,
                           (*mistake.hints, _field_hint(item, field_name)))


def judge_e3(answer: Any) -> Judgement:
    """E3: every broken request fixed in form, none changed in meaning."""
    item = exercise("E3")
    broken = broken_requests()
    if not isinstance(answer, (list, tuple)) or len(answer) != len(broken):
        return _wrong_kind(item, "not_five", answer)
    judgement = Judgement()
    base = item.data["inputs"]["base"]
    for number, fixed in enumerate(answer, start=1):
        which = label("request_n").fill(n=number)
        if untouched(fixed) or (isinstance(fixed, Mapping) and Ellipsis in fixed.values()):
            judgement.add(_untouched_part(item, which))
            continue
        if not isinstance(fixed, Mapping):
            judgement.add(item.mistake("not_mapping").fill(n=number))
            continue
        unknown = sorted(str(name) for name in fixed if name not in _REQUEST_ARGUMENTS)
        if unknown:
            judgement.add(item.mistake("unexpected_argument").fill(n=number,
                                                                   name=", ".join(unknown)))
            continue
        try:
            built = build_request(**fixed, clock=e3_clock())
        except InputError as error:
            mistake = item.mistake("still_refused").fill(
                n=number, problem=_describe_problems(error.problems))
            judgement.add(_with_field_hint(mistake, item, error.problems[0].field))
            continue
        changed = next((name for name, same in (
            ("phone", built.phone == base["phone"]),
            ("internationalCode", built.international_code == base["international_code"]),
            ("codeType", built.code_type == base["code_type"]),
            ("ts", built.ts == base["ts"]),
            ("userDomain", built.user_domain == base["user_domain"]),
            (SECRET_FIELD, built.signature_matches(base["secret"])),
        ) if not same), None)
        if changed is not None:
            mistake = item.mistake("meaning_changed").fill(n=number, field=changed)
            judgement.add(_with_field_hint(mistake, item, changed))
            continue
        judgement.right.append(item.right("fixed").fill(n=number))
    return judgement


# -- E4: the query string by hand ------------------------------------------------------------


def judge_e4(answer: Any) -> Judgement:
    """E4: a ``requests.Response`` for a hand-built POST that the sandbox accepted."""
    import requests

    from smskit.responses import RawResponse, parse_envelope

    item = exercise("E4")
    if not isinstance(answer, requests.Response) or answer.request is None:
        return _wrong_kind(item, "not_response", answer)
    judgement = Judgement()
    sent = answer.request
    parts = urlsplit(sent.url or "")
    try:
        query: set[str] | None = {name for name, _ in decode_query(parts.query)}
    except InputError:  # the sandbox refused it with 400, saying why: its answer explains
        query = None
    if any("secret" in name.casefold() for name in query or ()):
        judgement.add(item.mistake("secret_sent"))
    if sent.method != HTTP_METHOD:
        judgement.add(item.mistake("method").fill(method=sent.method))
    if parts.path != ENDPOINT_PATH:
        judgement.add(item.mistake("path").fill(path=parts.path or "/"))
    if not judgement.wrong:
        judgement.right.append(item.right("method"))
    missing = [name for name in QUERY_ORDER if query is not None and name not in query]
    if missing:
        judgement.add(item.mistake("missing").fill(names=", ".join(missing)))
    if sent.body:
        judgement.add(item.mistake("body"))
    if not judgement.wrong and query is not None:
        judgement.right.append(item.right("query"))
    try:
        envelope = parse_envelope(RawResponse(status=answer.status_code, headers=answer.headers,
                                              body=answer.content))
    except ResponseFormatError:
        judgement.add(item.mistake("not_envelope").fill(status=answer.status_code))
        return judgement
    if envelope.code == PlatformCode.SUCCESS:
        if not judgement.wrong:
            judgement.right.append(item.right("answered"))
        return judgement
    judgement.add(_api_error(item, envelope.code, envelope.msg, envelope.ext_msg))
    return judgement


def _api_error(item: Exercise, code: int, msg: str, ext_msg: str | None) -> ExerciseMistake:
    """The sandbox's answer in the catalogue's words (its own ``msg`` for an unknown code)."""
    entry = lookup(code)
    category = categories().get(entry.category) if entry else None
    next_step = category.next_step if category else Editions(en="", zh="")
    mistake = item.mistake("api_error").fill(
        code=code, msg_zh=entry.zh if entry else msg, msg_en=entry.en if entry else msg,
        ext_msg=ext_msg or "", next_step=next_step)
    hints = item.data["code_hints"]
    name = PlatformCode(code).name if code in PlatformCode.__members__.values() else "other"
    raw = hints.get(name, hints["other"])
    code_hint = Editions(en=raw["en"], zh=raw["zh"])
    return ExerciseMistake(mistake.key, mistake.wrong, (*mistake.hints, code_hint))


# -- E5: verify twice ------------------------------------------------------------------------


def judge_e5(answer: Any) -> Judgement:
    """E5: the first verification passes, the second fails, and the reason is named."""
    from smskit.sandbox import VerificationResult

    item = exercise("E5")
    if not isinstance(answer, Mapping):
        return _wrong_kind(item, "not_mapping", answer)
    judgement = Judgement()
    first, second, why = answer.get("first"), answer.get("second"), answer.get("why")
    for name, result in (("first", first), ("second", second)):
        if result is Ellipsis:
            judgement.add(_untouched_part(item, Editions(en=name, zh=name)))
        elif not isinstance(result, VerificationResult):
            judgement.add(item.mistake("not_result").fill(part=name, kind=_kind(result)))
    if isinstance(first, VerificationResult):
        if first.ok:
            judgement.right.append(item.right("first"))
        elif first.status == "used":  # a re-run that sent no fresh code (a 5058 in a class)
            judgement.add(item.mistake("first_used"))
        else:
            judgement.add(item.mistake("first_failed").fill(reason=first.reason))
    if isinstance(second, VerificationResult):
        if second.ok:
            judgement.add(item.mistake("second_passed"))
        elif second.status != "used":
            judgement.add(item.mistake("second_other").fill(status=second.status))
        else:
            judgement.right.append(item.right("second"))
    options = choices("E5")
    statuses = {letter: item.data["choices"][letter]["status"] for letter in options}
    letter = why.strip().upper() if isinstance(why, str) else ""
    if why is Ellipsis:
        judgement.add(_untouched_part(item, Editions(en="why", zh="why")))
    elif letter not in options:
        judgement.add(item.mistake("why_unknown").fill(choices=", ".join(options)))
    elif isinstance(second, VerificationResult) and not second.ok:
        if statuses[letter] == second.status:
            judgement.right.append(item.right("why"))
        else:
            judgement.add(item.mistake("why_wrong").fill(choice=letter))
    return judgement


# -- E6: codes by next step ------------------------------------------------------------------


def judge_e6(answer: Any) -> Judgement:
    """E6: every error code in the catalogue's category for it."""
    item = exercise("E6")
    if not isinstance(answer, Mapping):
        return _wrong_kind(item, "not_mapping", answer)
    judgement = Judgement()
    known = categories()
    errors = {entry.code: entry for entry in all_codes() if not entry.is_success}
    placed: dict[int | str, list[str]] = {}
    for key, codes in answer.items():
        if key not in known:
            judgement.add(item.mistake("unknown_category").fill(key=key, keys=", ".join(known)))
            continue
        listed = codes if isinstance(codes, (list, tuple, set)) else [codes]
        for code in listed:
            if code is not Ellipsis:
                usable = isinstance(code, int) and not isinstance(code, bool)
                placed.setdefault(code if usable else repr(code), []).append(key)
    unknown = [code for code in placed
               if code not in errors and (isinstance(code, str) or lookup(code) is None)]
    if unknown:
        judgement.add(item.mistake("unknown_code").fill(codes=_codes_text(unknown)))
    twice = [code for code, keys in placed.items() if len(keys) > 1]
    if twice:
        judgement.add(item.mistake("duplicate").fill(codes=_codes_text(twice)))
    single = {code: keys[0] for code, keys in placed.items() if len(keys) == 1}
    right = [code for code in errors if single.get(code) == errors[code].category]
    wrong = [code for code in errors if code in single and code not in right]
    missing = [code for code in errors if code not in placed]
    judgement.right.append(item.right("placed").fill(count=len(right), total=len(errors)))
    if wrong:
        first = errors[wrong[0]]
        judgement.add(item.mistake("misplaced").fill(
            count=len(wrong), codes=_codes_text(wrong), first=first.code, cause=first.cause))
    if missing:
        judgement.add(item.mistake("missing").fill(count=len(missing),
                                                   codes=_codes_text(missing)))
    return judgement


# -- E7: the mistake behind a 5420 in a log line --------------------------------------------


def judge_e7(answer: Any) -> Judgement:
    """E7: the doctor's mistake id for the logged request; pass when it is the doctor's finding."""
    from smskit.doctor import diagnose, mistakes

    item = exercise("E7")
    if not isinstance(answer, str):
        return _wrong_kind(item, "not_text", answer)
    judgement = Judgement()
    known = {mistake.id for mistake in mistakes()}
    given = answer.strip()
    if given not in known:
        judgement.add(item.mistake("unknown_id").fill(answer=repr(given)[:60]))
        return judgement
    inputs = item.inputs
    found = diagnose(inputs.log_line, secret=inputs.secret).mistake
    if found is not None and given == found.id:
        judgement.right.append(item.right("found"))
    else:
        judgement.add(item.mistake("wrong_id"))
    return judgement


def _codes_text(codes: Sequence[int | str]) -> str:
    return ", ".join(str(code) for code in codes)


#: The judge of each exercise, by id.
JUDGES: Mapping[str, Callable[[Any], Judgement]] = {
    "E1": judge_e1, "E2": judge_e2, "E3": judge_e3, "E4": judge_e4, "E5": judge_e5,
    "E6": judge_e6, "E7": judge_e7,
}
