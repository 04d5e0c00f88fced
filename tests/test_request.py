"""The request value: building, the HTTP shape, and the curl export."""

from __future__ import annotations

import hashlib
import random
import shlex
from dataclasses import FrozenInstanceError
from urllib.parse import parse_qsl, urlsplit

import pytest

from smskit import CodeType, FixedClock, InputError, SmsCodeRequest, build_request
from smskit.nonce import RANDOM_ALPHABET, new_random

NOW = 1764300000000
SECRET = "sandbox-only-secret-1234"


def make(**changes: object) -> SmsCodeRequest:
    fields: dict[str, object] = {
        "phone": "13912345678", "code_type": CodeType.LOGIN, "user_domain": "demo-domain",
        "secret": SECRET, "random": "Ab3dEf6hIj9kLm0n", "clock": FixedClock(NOW),
    }
    fields.update(changes)
    return build_request(**fields)  # type: ignore[arg-type]


def test_build_request_fills_and_signs() -> None:
    request = make()
    assert request.code_type == 2 and type(request.code_type) is int
    assert request.ts == NOW
    assert request.international_code == "86"
    joined = f"139123456782Ab3dEf6hIj9kLm0n{NOW}{SECRET}"
    assert request.signature == hashlib.sha256(joined.encode()).hexdigest()
    assert request.signature_matches(SECRET)
    assert not request.signature_matches("other")


def test_random_is_fresh_16_ascii_letters_and_digits() -> None:
    first, second = make(random=None), make(random=None)
    assert first.random != second.random
    for value in (first.random, second.random):
        assert len(value) == 16 and set(value) <= set(RANDOM_ALPHABET)


def test_random_source_is_injectable_for_deterministic_examples() -> None:
    assert new_random(random.Random(7)) == new_random(random.Random(7))
    assert make(random=None, random_source=random.Random(7)).random == new_random(
        random.Random(7))


def test_ts_defaults_to_the_clock() -> None:
    assert make(clock=FixedClock(NOW + 5)).ts == NOW + 5


def test_the_request_never_holds_the_secret() -> None:
    request = make()
    assert SECRET not in repr(request)
    assert SECRET not in str(vars(request))
    assert SECRET not in request.to_curl("https://iot-api.quectelcn.com")


def test_query_has_the_seven_parameters_in_page_order() -> None:
    query = make().query()
    assert list(query) == ["codeType", "internationalCode", "phone", "random", "signature",
                           "ts", "userDomain"]
    assert query["codeType"] == "2" and query["ts"] == str(NOW)


def test_prepared_request_is_post_with_query_and_empty_body() -> None:
    request = make()
    prepared = request.to_prepared("https://iot-api.quectelcn.com/")
    assert prepared.method == "POST"
    assert prepared.url is not None
    parts = urlsplit(prepared.url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "iot-api.quectelcn.com", "/v2/sms/enduserapi/v2/sendPhoneSmsCode")
    assert dict(parse_qsl(parts.query)) == request.query()
    assert prepared.body is None
    assert prepared.headers["accept"] == "*/*"
    assert "Content-Type" not in prepared.headers


def test_curl_export_is_a_runnable_command_with_the_signature() -> None:
    request = make(user_domain="demo domain&x")  # needs quoting and URL-encoding
    words = shlex.split(request.to_curl("http://127.0.0.1:8765"))
    assert words[:3] == ["curl", "-X", "POST"]
    query = dict(parse_qsl(urlsplit(words[3]).query))
    assert query == request.query()
    assert words[4:] == ["-H", "accept: */*"]


def test_request_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        make().phone = "1"  # type: ignore[misc]


def test_a_hand_made_request_can_be_validated() -> None:
    request = SmsCodeRequest(code_type=7, international_code="+86", phone="13 9", random="r",
                             signature="ABC", ts=5, user_domain="")
    with pytest.raises(InputError) as raised:
        request.validate(clock=FixedClock(NOW))
    assert raised.value.fields == ("codeType", "internationalCode", "phone", "random",
                                   "signature", "ts", "userDomain")
    assert make().problems(clock=FixedClock(NOW)) == []


def test_uppercase_signature_is_named_as_such() -> None:
    good = make()
    shouting = SmsCodeRequest(**{**vars(good), "signature": good.signature.upper()})
    [problem] = shouting.problems(clock=FixedClock(NOW))
    assert (problem.field, problem.rule) == ("signature", "must be lowercase hex")


# -- the request's shape, literally ------------------------------------------------------------

def test_the_pages_constants() -> None:
    import smskit.request as module  # read at run time: what the module's code reads

    assert module.QUERY_ORDER == ("codeType", "internationalCode", "phone", "random",
                                  "signature", "ts", "userDomain")
    assert module.ENDPOINT_PATH == "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
    assert (module.HTTP_METHOD, module.REQUEST_HEADERS) == ("POST", {"accept": "*/*"})


PAGE_QUERY = ("codeType=2&internationalCode=86&phone=13912345678&random=Ab3dEf6hIj9kLm0n"
              "&signature={signature}&ts=1764300000000&userDomain=demo-domain")


@pytest.mark.parametrize(("base_url", "joined"), [
    ("https://iot.example", "https://iot.example"), ("https://iot.example/", "https://iot.example"),
    ("https://iot.example//", "https://iot.example"),
    ("https://iot.example/apiX/", "https://iot.example/apiX"),  # only slashes are stripped
])
def test_the_url_joins_base_path_and_query_with_one_slash(base_url: str, joined: str) -> None:
    request = make()
    assert request.url(base_url) == (
        f"{joined}/v2/sms/enduserapi/v2/sendPhoneSmsCode?"
        + PAGE_QUERY.format(signature=request.signature))


def test_the_curl_export_literally() -> None:
    request = make()
    assert request.to_curl("https://iot.example") == (
        "curl -X POST 'https://iot.example/v2/sms/enduserapi/v2/sendPhoneSmsCode?"
        + PAGE_QUERY.format(signature=request.signature) + "' -H 'accept: */*'")


def test_build_request_refuses_naming_every_bad_field() -> None:
    with pytest.raises(InputError) as raised:
        make(phone="1391234567a", random="short")
    assert raised.value.fields == ("phone", "random")


@pytest.mark.parametrize("secret", ["", " padded", None])
def test_build_request_checks_the_secret_before_signing(secret: object) -> None:
    with pytest.raises(InputError) as raised:
        make(secret=secret)
    assert raised.value.fields == ("userDomainSecret",)


def test_a_given_ts_is_used_not_the_clock() -> None:
    assert make(ts=NOW - 5_000).ts == NOW - 5_000
    assert make(ts=str(NOW + 5_000)).ts == NOW + 5_000


def test_the_phone_judgement_override_reaches_every_step() -> None:
    with pytest.raises(InputError):
        make(phone="12345")
    request = make(phone="12345", allow_unverified_phone=True)
    assert request.phone == "12345"
    assert [p.field for p in request.problems(clock=FixedClock(NOW))] == ["phone"]
    assert request.problems(clock=FixedClock(NOW), allow_unverified_phone=True) == []
    request.validate(clock=FixedClock(NOW), allow_unverified_phone=True)
    with pytest.raises(InputError):
        request.validate(clock=FixedClock(NOW))


def test_validate_judges_ts_by_the_clock_given() -> None:
    request = make()
    request.validate(clock=FixedClock(NOW + 600_000))
    with pytest.raises(InputError) as raised:
        request.validate(clock=FixedClock(NOW + 600_001))
    assert raised.value.fields == ("ts",)


def test_assess_request_returns_the_request_or_every_problem() -> None:
    from smskit.request import assess_request

    request, found = assess_request(phone="13912345678", code_type=2, user_domain="demo-domain",
                                    secret=SECRET, random="Ab3dEf6hIj9kLm0n",
                                    clock=FixedClock(NOW))
    assert found == [] and request == make()
    request, found = assess_request(phone="", code_type=9, user_domain="d", secret=SECRET,
                                    ts=NOW, clock=FixedClock(NOW))
    assert request is None and [p.field for p in found] == ["codeType", "phone"]
