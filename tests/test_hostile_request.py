"""Hostile input to the request model (``build_request``, ``SmsCodeRequest``, the client's
``prepare``/``send_prepared``): arbitrary text and bytes in every parameter give either a
valid request, signed exactly as the page says, or an :class:`InputError` naming the
offending fields; never another exception, and never a request on the wire.

``test_properties_core.py`` already feeds arbitrary Python values to validation; this module
adds what it leaves out: text without a UTF-8 form (lone surrogates, which is what
undecodable bytes become in ``sys.argv`` and ``os.environ``), Unicode digits, digit strings
of every length, URL metacharacters, and what a request built from them does afterwards
(URL, curl, prepared request, signature check, sending).
"""

from __future__ import annotations

import hashlib
import string
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit import FixedClock, InputError, SmsCodeRequest, build_request
from smskit.client import SmsClient
from smskit.errors import ConnectionFailed, DeliveryUnknown
from tests.fixtures.faults import FaultServer, http_response, refused_port, trickle

NOW = 1_744_773_894_369
SECRET = "hostile-tests-secret-4f1c"
GOOD: dict[str, Any] = {
    "phone": "13800138000", "code_type": 3, "international_code": "86",
    "random": "76a6L647F02CAoN9", "ts": NOW, "user_domain": "demo-domain", "secret": SECRET,
}
#: Keyword argument -> the API's name for it (what errors must name).
API_NAME = {"phone": "phone", "code_type": "codeType", "international_code": "internationalCode",
            "random": "random", "ts": "ts", "user_domain": "userDomain",
            "secret": "userDomainSecret", "signature": "signature"}
HOSTILE = settings(max_examples=250, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])

_odd_characters = st.sampled_from([
    "\ud800", "\udcff", "\udfff", "\x00", "\n", "\r", "\t", " ", "\u00a0", "\u200b", "\ufeff",
    "\u0663", "\uff18", "\u00b2", "+", "-", "%", "&", "=", "#", "?", "/", "'", '"', "\\", "é",
    "密", "🙂",
])
hostile_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(_odd_characters, st.characters()), max_size=24).map("".join),
    st.text(alphabet=string.digits, max_size=25),  # every length, int64 and beyond
    st.binary(max_size=24).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.sampled_from(["", " ", "9" * 5000, "1744773894", "1744773894369000", "+86", "0086",
                     "13800138000 ", "138-0013-8000", "8613800138000", "٣", "３"]),
)
hostile_value = st.one_of(hostile_text, st.binary(max_size=24), st.integers(), st.none(),
                          st.booleans(), st.floats())


def page_signature(phone: str, code_type: int, random: str, ts: int, secret: str) -> str:
    """The page's rule, computed here: SHA256(phone + codeType + random + ts + secret)."""
    return hashlib.sha256(f"{phone}{code_type}{random}{ts}{secret}".encode()).hexdigest()


def _as_int(value: Any) -> int:
    """How the page's integers read: an int, or ASCII digit text."""
    return value if isinstance(value, int) else int(value)


def _allowed_fields(changed: set[str]) -> set[str]:
    names = {API_NAME[name] for name in changed}
    if "international_code" in changed:  # the phone is judged against the calling code
        names.add("phone")
    return names


def _check_error(error: InputError, changed: set[str], fields: dict[str, Any]) -> None:
    assert error.problems, "an InputError lists at least one problem"
    assert set(error.fields) <= _allowed_fields(changed), (error.fields, changed)
    assert all(problem.rule for problem in error.problems)
    assert "\n" not in str(error) and "\r" not in str(error)  # one line, whatever the input
    secret = fields["secret"]
    others = repr([value for name, value in fields.items() if name != "secret"])
    if isinstance(secret, str) and len(secret) >= 12 and secret not in others:
        assert secret not in str(error) and secret not in repr(error)


def _check_request(request: SmsCodeRequest, fields: dict[str, Any]) -> None:
    if fields["random"] is None:  # omitted: build_request draws one
        assert len(request.random) == 16 and request.random.isascii()
        assert request.random.isalnum()
        fields = {**fields, "random": request.random}
    if fields["ts"] is None:  # omitted: the clock's now
        fields = {**fields, "ts": NOW}
    code_type, ts = _as_int(fields["code_type"]), _as_int(fields["ts"])
    expected = {"codeType": str(code_type), "internationalCode": fields["international_code"],
                "phone": fields["phone"], "random": fields["random"],
                "signature": page_signature(fields["phone"], code_type, fields["random"], ts,
                                            fields["secret"]),
                "ts": str(ts), "userDomain": fields["user_domain"]}
    assert request.query() == expected
    url = request.url("http://127.0.0.1:9")
    assert dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)) == expected
    # Nothing shown depends on the secret except through the signature: the same request
    # under another secret prints the same, signature aside.
    other = build_request(**{**fields, "secret": "another-secret-entirely"},
                          clock=FixedClock(NOW))
    for show in (lambda r: r.url("http://127.0.0.1:9"), lambda r: r.to_curl("http://x"), repr):
        assert (show(request).replace(request.signature, "<signature>")
                == show(other).replace(other.signature, "<signature>"))
    assert request.problems(clock=FixedClock(NOW)) == []
    assert request.signature_matches(fields["secret"])


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), hostile_value, min_size=1,
                               max_size=4))
def test_build_request_gives_a_signed_request_or_an_error_naming_the_fields(
    changes: dict[str, Any],
) -> None:
    fields = {**GOOD, **changes}
    try:
        request = build_request(**fields, clock=FixedClock(NOW))
    except InputError as error:
        _check_error(error, set(changes), fields)
    else:
        _check_request(request, fields)


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), hostile_text, min_size=1,
                               max_size=7))
def test_text_in_every_field_is_judged_not_crashed_on(changes: dict[str, str]) -> None:
    """All seven fields as text at once (the CLI's and a web form's situation)."""
    fields = {**GOOD, **changes}
    try:
        request = build_request(**fields, clock=FixedClock(NOW))
    except InputError as error:
        _check_error(error, set(changes), fields)
    else:
        _check_request(request, fields)


request_fields = {name: value for name, value in GOOD.items() if name != "secret"}
request_fields["signature"] = page_signature("13800138000", 3, "76a6L647F02CAoN9", NOW, SECRET)


@HOSTILE
@given(changes=st.dictionaries(st.sampled_from(sorted(request_fields)), hostile_value,
                               min_size=1, max_size=4))
def test_a_hand_built_request_is_refused_by_validate_before_it_can_misbehave(
    changes: dict[str, Any],
) -> None:
    """Validation guards everything after it: a request that passes ``validate()`` can be
    turned into a URL, curl and a prepared request; one that fails names only what changed."""
    request = SmsCodeRequest(**{**request_fields, **changes})
    problems = request.problems(clock=FixedClock(NOW))
    for problem in problems:  # each names a field that was changed, with a rule
        assert problem.field in _allowed_fields(set(changes)) and str(problem.rule)
    query = request.query()  # plain data: never fails
    assert list(query) == ["codeType", "internationalCode", "phone", "random", "signature",
                           "ts", "userDomain"]
    if problems:
        with pytest.raises(InputError) as caught:
            request.validate(clock=FixedClock(NOW))
        assert list(caught.value.problems) == problems
    else:
        request.validate(clock=FixedClock(NOW))
        url = request.url("http://127.0.0.1:9")
        assert dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)) == query
        assert request.to_prepared("http://127.0.0.1:9").url == url
        assert request.to_curl("http://127.0.0.1:9").startswith("curl -X POST ")
    try:
        matches = request.signature_matches(SECRET)
    except InputError as error:  # values that cannot be signed at all
        assert set(error.fields) <= _allowed_fields(set(changes))
    else:  # the values could be signed: the answer is the page's rule, computed here
        joined = (f"{request.phone}{int(request.code_type)}{request.random}"
                  f"{int(request.ts)}{SECRET}")
        assert matches == (hashlib.sha256(joined.encode()).hexdigest() == request.signature)


@pytest.fixture(scope="module")
def offline_client() -> Iterator[SmsClient]:
    """A client pointed at a port nobody listens on: a request that gets out is refused."""
    with refused_port() as port, SmsClient(base_url=f"http://127.0.0.1:{port}",
                                           user_domain="demo-domain", secret=SECRET,
                                           clock=FixedClock(NOW)) as client:
        yield client


client_arguments = st.fixed_dictionaries({}, optional={
    "phone": hostile_value, "code_type": hostile_value, "international_code": hostile_value,
    "random": hostile_value, "ts": hostile_value})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=client_arguments)
def test_the_client_refuses_hostile_arguments_before_sending(
    offline_client: SmsClient, changes: dict[str, Any],
) -> None:
    arguments = {"phone": GOOD["phone"], "code_type": GOOD["code_type"],
                 "international_code": GOOD["international_code"], **changes}
    phone, code_type, international_code = (arguments.pop(name) for name in
                                            ("phone", "code_type", "international_code"))
    try:
        offline_client.send_code(phone, code_type, international_code, **arguments)
    except InputError as error:
        assert set(error.fields) <= _allowed_fields(set(changes))
    except ConnectionFailed:  # valid input: it was sent, and the refused port refused it
        request = offline_client.prepare(phone, code_type, international_code, **arguments)
        assert request.problems(clock=FixedClock(NOW)) == []


@pytest.mark.parametrize(("field", "value"), [
    ("secret", "secret-\ud800"), ("secret", "\udcff"),
    ("user_domain", "demo-\udcff"), ("user_domain", "\ud83d"),
])
def test_text_without_a_utf8_form_is_an_input_error_not_a_unicode_error(
    field: str, value: str,
) -> None:
    """Regression: a lone surrogate in the secret reached the hash (UnicodeEncodeError), and
    one in userDomain passed validation and broke ``url()``; both are now refused by name."""
    with pytest.raises(InputError) as caught:
        build_request(**{**GOOD, field: value}, clock=FixedClock(NOW))
    assert caught.value.fields == (API_NAME[field],)
    assert "UTF-8" in caught.value.rule
    assert value not in str(caught.value)


@pytest.mark.parametrize("field", ["phone", "random", "secret"])
def test_sign_names_the_field_that_has_no_utf8_form(field: str) -> None:
    from smskit.signing import sign, verify

    fields = {"phone": "13800138000", "code_type": 3, "random": "76a6L647F02CAoN9",
              "ts": NOW, "secret": SECRET}
    fields[field] = "x\udcffy"
    expected = API_NAME[field]
    with pytest.raises(InputError) as caught:
        sign(**fields)
    assert caught.value.fields == (expected,)
    with pytest.raises(InputError):
        verify("0" * 64, **fields)


#: Control characters: CR, LF, NUL, another C0, DEL, a C1 (NEL), an escape.
CONTROLS = ["\r", "\n", "\r\n", "\x00", "\x07", "\x7f", "\x85", "\x1b"]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize(("field", "value"), [
    ("phone", "138{}00138000"), ("phone", "13800138000{}"), ("random", "76a6L647F02C{}oN9"),
    ("international_code", "8{}6"), ("user_domain", "demo{}-domain"),
    ("user_domain", "demo-domain{}"), ("secret", SECRET + "{}"), ("secret", "abc{}def-secret"),
])
def test_control_characters_in_any_field_are_refused_naming_the_field(
    field: str, value: str, control: str,
) -> None:
    hostile = value.format(control)
    with pytest.raises(InputError) as caught:
        build_request(**{**GOOD, field: hostile}, clock=FixedClock(NOW))
    assert caught.value.fields == (API_NAME[field],)
    if field == "secret":  # neither the secret nor where in it the character is
        assert SECRET not in str(caught.value) and "position" not in str(caught.value)


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize(("setting", "value", "named"), [
    ("base_url", "http://127.0.0.1:9{}", "base_url"), ("base_url", "http://127.0.0.1{}:9",
                                                        "base_url"),
    ("region", "china{}", "region"), ("user_domain", "demo-domain{}", "userDomain"),
    ("secret", SECRET + "{}", "userDomainSecret"),
])
def test_control_characters_in_client_settings_are_refused_up_front(
    setting: str, value: str, named: str, control: str,
) -> None:
    settings_: dict[str, Any] = {"base_url": "http://127.0.0.1:9", "user_domain": "demo-domain",
                                 "secret": SECRET, setting: value.format(control)}
    if setting == "region":
        settings_.pop("base_url")
    with pytest.raises(InputError) as caught:
        SmsClient(**settings_)
    assert caught.value.fields == (named,)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("timeout", [
    -1, 0, 0.0, float("nan"), float("inf"), "10", True, None, (1, -1), (1, None), (1, 2, 3),
    (float("nan"), 1), [1, 2],
])
def test_an_unusable_timeout_is_refused_naming_it(timeout: Any) -> None:
    with pytest.raises(InputError) as caught:
        SmsClient(base_url="http://127.0.0.1:9", user_domain="demo-domain", secret=SECRET,
                  timeout=timeout)
    assert caught.value.fields == ("timeout",)


def test_a_trickling_server_cannot_hold_a_send_past_its_deadline(
    fault_server: Callable[[Any], FaultServer],
) -> None:
    """Each byte arrives well within the read timeout; the whole answer would take ~20 s.
    The send ends at its overall deadline (connect + read timeout = 1 s) as DeliveryUnknown,
    and nothing is retried."""
    body = b'{"code": 200, "msg": "", "data": null, "extMsg": null}'
    server = fault_server(trickle(http_response(200, body), interval=0.1))
    with SmsClient(base_url=server.base_url, user_domain="demo-domain", secret=SECRET,
                   timeout=(0.5, 0.5)) as client:
        started = time.monotonic()
        with pytest.raises(DeliveryUnknown) as caught:
            client.send_code("13800138000", 3)
        took = time.monotonic() - started
    assert 1.0 <= took < 2.5, took
    assert caught.value.retry_safe is False
    assert "deadline" in str(caught.value)
    assert server.request_count == 1
