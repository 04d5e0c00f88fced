"""Signing: the signed string, sign / verify / check, and what values signing refuses."""

from __future__ import annotations

import hashlib

import pytest

from smskit import CodeType, InputError, SignatureMismatch
from smskit.signing import (
    SIGNED_FIELDS,
    Segment,
    check,
    digest_hex,
    has_utf8,
    masked_signed_string,
    sign,
    signed_segments,
    signed_string,
    verify,
)

FIELDS = {
    "phone": "13912345678",
    "code_type": 2,
    "random": "Ab3dEf6hIj9kLm0n",
    "ts": 1764300000123,
    "secret": "sandbox-secret-not-real",
}


def test_signed_string_is_phone_codetype_random_ts_secret_in_that_order() -> None:
    assert signed_string(**FIELDS) == (
        "13912345678" "2" "Ab3dEf6hIj9kLm0n" "1764300000123" "sandbox-secret-not-real"
    )


def test_sign_is_lowercase_hex_sha256_of_the_utf8_signed_string() -> None:
    joined = "139123456782Ab3dEf6hIj9kLm0n1764300000123sandbox-secret-not-real"
    assert sign(**FIELDS) == hashlib.sha256(joined.encode("utf-8")).hexdigest()
    assert sign(**FIELDS) == sign(**FIELDS).lower()


def test_non_ascii_values_are_hashed_as_utf8() -> None:
    fields = {**FIELDS, "secret": "密钥"}
    joined = "139123456782Ab3dEf6hIj9kLm0n1764300000123密钥"
    assert sign(**fields) == hashlib.sha256(joined.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("code_type", [2, CodeType.LOGIN, "2"])
def test_code_type_accepts_int_enum_and_digit_text_alike(code_type: object) -> None:
    assert sign(**{**FIELDS, "code_type": code_type}) == sign(**FIELDS)


def test_ts_accepts_digit_text() -> None:
    assert sign(**{**FIELDS, "ts": "1764300000123"}) == sign(**FIELDS)


@pytest.mark.parametrize(
    ("field", "value", "rule_part"),
    [
        ("code_type", True, "not a bool"),
        ("code_type", 2.0, "not a float"),
        ("code_type", "two", "digits 0-9"),
        ("code_type", "２", "digits 0-9"),  # full-width digit: not ASCII
        ("code_type", -1, "not negative"),
        ("ts", 1764300000.123, "not a float"),
        ("ts", False, "not a bool"),
        ("ts", 1764300000, "13 digits (got 10)"),
        ("ts", "1764300000", "13 digits (got 10)"),
        ("ts", 1764300000123000, "13 digits (got 16)"),
        ("ts", "17643000001x3", "digits 0-9"),
        ("phone", 13912345678, "must be text"),
        ("random", None, "must be text"),
        ("secret", b"bytes", "must be text"),
    ],
)
def test_unusable_values_are_refused_naming_the_field(
    field: str, value: object, rule_part: str
) -> None:
    api_name = {"code_type": "codeType", "secret": "userDomainSecret"}.get(field, field)
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, field: value})
    assert raised.value.field == api_name
    assert rule_part in raised.value.rule
    assert isinstance(raised.value, ValueError)


def test_ts_in_seconds_gets_a_hint_with_the_millisecond_value() -> None:
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, "ts": 1764300000})
    assert raised.value.hint is not None
    assert "looks like seconds" in raised.value.hint
    assert "1764300000000" in raised.value.hint
    assert raised.value.code == 5145


def test_every_unusable_field_is_reported_at_once() -> None:
    with pytest.raises(InputError) as raised:
        sign(phone=1, code_type=True, random=2, ts=1.0, secret=3)  # type: ignore[arg-type]
    assert raised.value.fields == ("phone", "codeType", "random", "ts", "userDomainSecret")


def test_refusals_never_echo_the_secret() -> None:
    secret = "TopSecretValue-123"
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, "secret": secret, "ts": 12})
    assert secret not in str(raised.value)
    assert secret not in repr(raised.value)


def test_verify_accepts_the_signature_and_rejects_changes() -> None:
    good = sign(**FIELDS)
    assert verify(good, **FIELDS)
    assert not verify(good.upper(), **FIELDS)  # the platform's hex is lowercase
    assert not verify(good[:-1], **FIELDS)
    assert not verify("", **FIELDS)
    assert not verify(None, **FIELDS)
    assert not verify("\ud800" * 64, **FIELDS)  # unencodable text is simply wrong
    assert not verify(good, **{**FIELDS, "secret": "another"})


def test_check_raises_a_typed_error_without_the_expected_value() -> None:
    check(sign(**FIELDS), **FIELDS)
    wrong = "0" * 64
    with pytest.raises(SignatureMismatch) as raised:
        check(wrong, **FIELDS)
    assert raised.value.signature == wrong
    assert sign(**FIELDS) not in str(raised.value)
    assert FIELDS["secret"] not in str(raised.value)


def test_segments_join_to_the_signed_string_and_mask_the_secret() -> None:
    segments = signed_segments(**FIELDS)
    assert tuple(s.field for s in segments) == SIGNED_FIELDS
    assert "".join(s.value for s in segments) == signed_string(**FIELDS)
    assert [s.shown for s in segments] == [
        "13912345678", "2", "Ab3dEf6hIj9kLm0n", "1764300000123", "••••••••"]
    assert [s.is_secret for s in segments] == [False, False, False, False, True]
    assert FIELDS["secret"] not in repr(segments)
    masked = masked_signed_string(**FIELDS)
    assert masked == "139123456782Ab3dEf6hIj9kLm0n1764300000123••••••••"
    assert FIELDS["secret"] not in masked


def test_a_segment_repr_shows_the_masked_value_never_the_secret() -> None:
    assert repr(Segment("userDomainSecret", "s3cret")) == (
        "Segment(field='userDomainSecret', shown='••••••••')")
    assert repr(Segment("phone", "13912345678")) == "Segment(field='phone', shown='13912345678')"


NO_UTF8_RULE = ("must be text with a UTF-8 form (it contains a lone surrogate, "
                "e.g. from undecodable bytes)")


@pytest.mark.parametrize(("field", "api_name"), [
    ("phone", "phone"), ("random", "random"), ("secret", "userDomainSecret")])
def test_text_without_a_utf8_form_is_refused_naming_only_that_field(
    field: str, api_name: str
) -> None:
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, field: "ab\ud800"})
    assert [(p.field, str(p.rule), p.code) for p in raised.value.problems] == [
        (api_name, NO_UTF8_RULE, None)]


def test_has_utf8_is_false_only_for_a_lone_surrogate() -> None:
    assert has_utf8("密钥 abc") is True
    assert has_utf8("") is True
    assert has_utf8("a\udc80") is False


def test_digest_hex_is_the_lowercase_hex_sha256_of_the_utf8_text() -> None:
    assert digest_hex("密钥") == (
        "f67bca8f42bcf07373a9ed1eb3dcd45d527a18e3c2d1803d2b76d74234cb1403")
    assert digest_hex("") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_a_value_that_is_not_text_is_refused_naming_its_type() -> None:
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, "phone": 13912345678})
    assert [(p.field, str(p.rule), p.code) for p in raised.value.problems] == [
        ("phone", "must be text, not int", None)]


def test_check_of_a_signature_that_is_not_text_names_its_repr() -> None:
    with pytest.raises(SignatureMismatch) as raised:
        check(None, **FIELDS)
    assert raised.value.signature == "None"
    assert str(raised.value) == (
        "signature does not match SHA256(phone + codeType + random + ts + userDomainSecret)")


@pytest.mark.parametrize("field", ["code_type", "ts"])
def test_digit_text_longer_than_an_int64_is_refused_not_crashed(field: str) -> None:
    with pytest.raises(InputError) as raised:
        sign(**{**FIELDS, field: "9" * 5000})
    assert "more than an int64 holds" in raised.value.rule


@pytest.mark.parametrize(("ts", "signed"), [
    (999_999_999_999, None), (1_000_000_000_000, "1000000000000"),
    (9_999_999_999_999, "9999999999999"), (10_000_000_000_000, None),
])
def test_ts_is_signed_only_with_exactly_13_digits_on_both_edges(
    ts: int, signed: str | None
) -> None:
    if signed is None:
        with pytest.raises(InputError) as raised:
            sign(**{**FIELDS, "ts": ts})
        assert raised.value.field == "ts" and raised.value.code == 5145
    else:
        assert signed_string(**{**FIELDS, "ts": ts}) == (
            f"139123456782Ab3dEf6hIj9kLm0n{signed}sandbox-secret-not-real")


@pytest.mark.parametrize("code_type", [0, "0"])
def test_code_type_zero_is_signed_as_0(code_type: object) -> None:
    assert signed_string(**{**FIELDS, "code_type": code_type}) == (
        "139123456780Ab3dEf6hIj9kLm0n1764300000123sandbox-secret-not-real")
