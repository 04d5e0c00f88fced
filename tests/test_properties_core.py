"""Property-based checks of signing and validation (hypothesis)."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smskit import FixedClock, InputError, build_request
from smskit.signing import sign, verify
from smskit.validation import validate_fields

NOW = 1764300000000
phones = st.text(alphabet=string.digits, min_size=1, max_size=15)
code_types = st.integers(min_value=1, max_value=5)
randoms = st.text(alphabet=string.ascii_letters + string.digits, min_size=16, max_size=16)
timestamps = st.integers(min_value=10**12, max_value=10**13 - 1)
fields = st.fixed_dictionaries({"phone": phones, "code_type": code_types, "random": randoms,
                                "ts": timestamps, "secret": st.text(min_size=1, max_size=64)})


def _signable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=300)
@given(fields, st.data())
def test_any_change_to_any_field_changes_the_signature(base: dict[str, Any], data: Any) -> None:
    if not _signable(base["secret"]):
        return
    field = data.draw(st.sampled_from(sorted(base)))
    strategy = {"phone": phones, "code_type": code_types, "random": randoms, "ts": timestamps,
                "secret": st.text(min_size=1, max_size=64).filter(_signable)}[field]
    new_value = data.draw(strategy.filter(lambda v: v != base[field]))
    changed = {**base, field: new_value}
    # Different fields can still join to the same text (phone "12" + type 3 vs phone "1" +
    # "23..."); those sign the same bytes by definition, so only distinct texts are compared.
    order = ("phone", "code_type", "random", "ts", "secret")
    if "".join(str(base[k]) for k in order) == "".join(str(changed[k]) for k in order):
        return
    assert sign(**changed) != sign(**base)


@given(fields.filter(lambda f: _signable(f["secret"])))
def test_verify_accepts_what_sign_produced(base: dict[str, Any]) -> None:
    assert verify(sign(**base), **base)


@settings(max_examples=300)
@given(fields.filter(lambda f: _signable(f["secret"])),
       st.text(alphabet="0123456789abcdefABCDEF", min_size=0, max_size=70))
def test_verify_rejects_any_other_hex(base: dict[str, Any], other: str) -> None:
    signature = sign(**base)
    if other == signature:
        return
    assert not verify(other, **base)


@settings(max_examples=300)
@given(fields.filter(lambda f: _signable(f["secret"])), st.integers(0, 63), st.data())
def test_verify_rejects_every_single_character_change(
    base: dict[str, Any], position: int, data: Any
) -> None:
    signature = sign(**base)
    replacement = data.draw(st.sampled_from("0123456789abcdef").filter(
        lambda c: c != signature[position]))
    assert not verify(signature[:position] + replacement + signature[position + 1:], **base)


anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                     st.binary(), st.lists(st.integers(), max_size=3))
#: A secret as text always starts with a marker no problem text contains, so finding it in an
#: error means the secret leaked (not that "seve" happened to be part of "severity").
secrets = st.one_of(st.none(), st.booleans(), st.integers(), st.binary(),
                    st.text(max_size=20).map(lambda text: "Zq§secret§" + text))
FIELD_NAMES = {"phone", "codeType", "internationalCode", "random", "ts", "userDomain",
               "userDomainSecret"}


@settings(max_examples=400)
@given(phone=anything, code_type=anything, international_code=anything, random=anything,
       ts=anything, user_domain=anything, secret=secrets)
def test_validation_only_ever_raises_the_kits_own_errors(
    phone: Any, code_type: Any, international_code: Any, random: Any, ts: Any,
    user_domain: Any, secret: Any,
) -> None:
    problems = validate_fields(phone=phone, code_type=code_type,
                               international_code=international_code, random=random, ts=ts,
                               user_domain=user_domain, secret=secret, check_secret=True,
                               clock=FixedClock(NOW))
    for problem in problems:
        assert problem.field in FIELD_NAMES and str(problem.rule)
    try:
        request = build_request(phone=phone, code_type=code_type,
                                international_code=international_code, random=random, ts=ts,
                                user_domain=user_domain, secret=secret, clock=FixedClock(NOW))
    except InputError as error:
        assert error.problems
        if random is not None and ts is not None:  # build_request fills these when omitted
            assert error.problems == tuple(problems)
        if isinstance(secret, str):
            assert secret not in str(error) and secret not in repr(error)
            assert "Zq§secret§" not in str(error) and "Zq§secret§" not in repr(error)
    else:  # only when every field is valid: then the request carries them, signed
        assert problems == [] or random is None or ts is None
        assert (request.phone, request.user_domain) == (phone, user_domain)
        assert request.signature == sign(phone=phone, code_type=request.code_type,
                                         random=request.random, ts=request.ts, secret=secret)


def _random_is_valid(text: str) -> bool:
    return len(text) == 16 and all(char in string.ascii_letters + string.digits for char in text)


def _code_type_is_valid(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 19 and 1 <= int(text) <= 5


@settings(max_examples=300)
@given(st.text(), st.one_of(st.text(), st.sampled_from(["1", "5", "05", "6", "0", " 1"])),
       st.text(), st.one_of(st.text(), st.text(alphabet=string.ascii_letters + string.digits,
                                               min_size=16, max_size=16)),
       st.one_of(st.text(), st.sampled_from([str(NOW + 600_000), str(NOW - 600_000),
                                             str(NOW + 600_001), str(NOW - 600_001)])),
       st.text())
def test_arbitrary_text_in_every_field_gives_problems_naming_fields(
    phone: str, code_type: str, international_code: str, random: str, ts: str, domain: str
) -> None:
    problems = validate_fields(phone=phone, code_type=code_type,
                               international_code=international_code, random=random, ts=ts,
                               user_domain=domain, clock=FixedClock(NOW))
    named = [p.field for p in problems]
    assert set(named) <= {"phone", "codeType", "internationalCode", "random", "ts", "userDomain"}
    assert len(named) == len(set(named))  # one problem per field at most
    # Two fields decided here independently of the code under test:
    assert ("random" in named) is not _random_is_valid(random)
    assert ("codeType" in named) is not _code_type_is_valid(code_type)
    assert ("ts" in named) is not _ts_is_valid(ts)


def _ts_is_valid(text: str) -> bool:
    return (text.isascii() and text.isdigit() and len(text) == 13
            and abs(int(text) - NOW) <= 600_000)
