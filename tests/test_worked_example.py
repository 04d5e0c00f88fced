"""The page's worked example, recomputed: its signed string is right, its signature is not.

The page prints SHA256(13800138000376a6L647F02CAoN9174477389436957Fk69oY...VM33) =
e3b0c442...b855. Computing it gives adf0cd13...b891, and e3b0c442...b855 turns out to be the
SHA-256 of zero bytes. These tests compute both facts with hashlib directly, so they fail if
the kit's signing or the recorded facts change.
"""

from __future__ import annotations

import hashlib

from smskit import sign, signed_string
from smskit._data import load_json
from smskit.teaching.worked_example import EMPTY_INPUT_SHA256, load, reproduce

# As printed on the page (its secret is published there).
PAGE_INPUTS = {
    "phone": "13800138000",
    "code_type": 3,
    "random": "76a6L647F02CAoN9",
    "ts": 1744773894369,
    "secret": "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
}
PAGE_SIGNED_STRING = (
    "13800138000376a6L647F02CAoN9174477389436957Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
)
PAGE_SIGNATURE = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
# hashlib.sha256(PAGE_SIGNED_STRING.encode()).hexdigest(), computed outside the kit.
TRUE_SIGNATURE = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"


def test_the_kit_builds_exactly_the_pages_signed_string() -> None:
    assert signed_string(**PAGE_INPUTS) == PAGE_SIGNED_STRING


def test_the_kit_signs_the_pages_string_as_hashlib_does() -> None:
    by_hashlib = hashlib.sha256(PAGE_SIGNED_STRING.encode("utf-8")).hexdigest()
    assert by_hashlib == TRUE_SIGNATURE
    assert sign(**PAGE_INPUTS) == by_hashlib


def test_the_printed_signature_is_wrong_it_is_sha256_of_nothing() -> None:
    assert PAGE_SIGNATURE != hashlib.sha256(PAGE_SIGNED_STRING.encode("utf-8")).hexdigest()
    assert PAGE_SIGNATURE == hashlib.sha256(b"").hexdigest()
    assert EMPTY_INPUT_SHA256 == hashlib.sha256(b"").hexdigest()


def test_data_records_the_page_and_the_findings() -> None:
    raw = load_json("worked_example.json")
    assert raw["inputs"] == {
        "phone": PAGE_INPUTS["phone"], "codeType": PAGE_INPUTS["code_type"],
        "random": PAGE_INPUTS["random"], "ts": PAGE_INPUTS["ts"],
        "userDomainSecret": PAGE_INPUTS["secret"],
    }
    assert raw["printed_signed_string"] == PAGE_SIGNED_STRING
    assert raw["printed_signature"] == PAGE_SIGNATURE
    assert raw["computed_signature"] == TRUE_SIGNATURE
    assert raw["finding"]["signed_string_matches"] is True
    assert raw["finding"]["printed_signature_matches"] is False
    assert "empty string" in raw["finding"]["printed_signature_is"]


def test_reproduce_reports_the_findings() -> None:
    result = reproduce(load())
    assert result.signed_string_matches
    assert result.computed_signature == TRUE_SIGNATURE
    assert not result.printed_signature_matches
    assert result.printed_is_empty_input_digest
    assert result.recorded_signature_matches
    assert "SHA-256 of the empty string" in result.summary()
