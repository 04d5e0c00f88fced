"""The signature doctor: every mistake in the data is recognised from a signature computed here.

The wrong signatures below are computed with ``hashlib``, ``hmac`` and ``base64`` directly from
a description of each mistake, never with the doctor's recipes, so a wrong recipe fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smskit
from smskit.doctor import Diagnosis, SentRequest, diagnose, mistakes, parse_sent
from smskit.errors import InputError
from smskit.request import ENDPOINT_PATH
from tests.test_hostile_request import hostile_text, hostile_value

# The page's worked example (its secret is published on the page).
PHONE, CODE, RANDOM, TS = "13800138000", "3", "76a6L647F02CAoN9", 1744773894369
SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
RIGHT = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
PAGE_PRINTED = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
DOMAIN, IC = "C.DM.5903.1", "86"
CANARY = "canary-SECRET-7f3a91d2e6"
HOST = "https://iot-api.quectelcn.com"


def sent(signature: str, **changes: str) -> dict[str, str]:
    fields = {"phone": PHONE, "codeType": CODE, "random": RANDOM, "ts": str(TS),
              "signature": signature, "internationalCode": IC, "userDomain": DOMAIN}
    return {**fields, **changes}


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def hex_(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def hmac_(message: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def value_sets() -> dict[str, tuple[str, str]]:
    """(random, secret) pairs whose right digest has the shapes a few encodings need."""
    found: dict[str, tuple[str, str]] = {}
    for n in itertools.count():
        random = f"76a6L647F02C{n:04d}"
        digest = sha256(f"{PHONE}{CODE}{random}{TS}{SECRET}")
        if "bigint" not in found and digest[0] < 0x10:
            found["bigint"] = (random, SECRET)
        if "unpadded" not in found and digest[0] >= 0x10 and any(b < 0x10 for b in digest):
            found["unpadded"] = (random, SECRET)
        if len(found) == 2:
            return found
    raise AssertionError("unreachable")


SHAPED = value_sets()
# Each mistake's wrong signatures for (phone, code, random, ts, secret), written out by hand.
P, C, R, T, S, D = PHONE, CODE, RANDOM, str(TS), SECRET, DOMAIN
T_SECONDS = str(TS // 1000)
BODY = P + C + R + T
PAIRS = f"phone={P}&codeType={C}&random={R}&ts={T}"
SORTED = f"codeType={C}&internationalCode={IC}&phone={P}&random={R}&ts={T}&userDomain={D}"
OTHER_ORDERS = [order for order in itertools.permutations([P, C, R, T, S])
                if order != (P, C, R, T, S)]
HMAC_ORDERS = [order for order in itertools.permutations([P, C, R, T]) if order != (P, C, R, T)]

WRONG: dict[str, list[str]] = {
    "empty-string": [hashlib.sha256(b"").hexdigest()],
    "uppercase-hex": [hex_(BODY + S).upper()],
    "base64-digest": [b64(sha256(BODY + S)), b64(sha256(BODY + S)).rstrip("="),
                      base64.urlsafe_b64encode(sha256(BODY + S)).decode()],
    "hmac-sha256": [hmac_(BODY, S).hex(), hmac_(BODY + S, S).hex()],
    "sha1": [hashlib.sha1((BODY + S).encode(), usedforsecurity=False).hexdigest(),
             hashlib.sha1((BODY + S).encode(), usedforsecurity=False).hexdigest().upper()],
    "md5": [hashlib.md5((BODY + S).encode(), usedforsecurity=False).hexdigest(),
            hashlib.md5((BODY + S).encode(), usedforsecurity=False).hexdigest().upper()],
    "secret-left-out": [hex_(BODY)],
    "secret-whitespace": [hex_(BODY + S + "\n"), hex_(BODY + S + "\r\n"), hex_(BODY + S + " "),
                          hex_(BODY + " " + S), hex_(BODY + S + "\t"), hex_(BODY + "\n" + S),
                          hex_(BODY + S + "\r")],
    "user-domain-signed": [hex_(BODY + D), hex_(BODY + D + S), hex_(BODY + S + D)],
    "phone-with-country-prefix": [hex_("+86" + BODY + S), hex_("0086" + BODY + S),
                                  hex_("+86 " + BODY + S)],
    "international-code-signed": [hex_("86" + BODY + S), hex_(P + "86" + C + R + T + S)],
    "ts-in-seconds": [hex_(P + C + R + T_SECONDS + S)],
    "code-type-label": [hex_(P + label + R + T + S)
                        for label in ("注册", "REGISTER", "register", "Registration")],
    "separator-between-values": [hex_(sep.join([P, C, R, T, S]))
                                 for sep in (",", "|", "&", " ", "\n", ";", ":")],
    "key-value-pairs": [hex_(f"{PAIRS}&{name}={S}") for name in ("userDomainSecret", "secret",
                                                                   "key")],
    "sorted-query-string": [hex_(f"{SORTED}&{name}={S}")
                            for name in ("userDomainSecret", "secret", "key")],
    "url-encoded-phone": [hex_("%2B86" + BODY + S)],
    "url-encoded-pairs": [hex_(f"{PAIRS}&userDomainSecret={S}".replace("=", "%3D")
                               .replace("&", "%26"))],
    "uppercase-hex-ts-in-seconds": [hex_(P + C + R + T_SECONDS + S).upper()],
    "uppercase-hex-phone-prefix": [hex_(prefix + BODY + S).upper()
                                   for prefix in ("+86", "86", "0086")],
    "hmac-sha256-encoded": [hmac_(BODY, S).hex().upper(), b64(hmac_(BODY, S)),
                            hmac_(BODY + S, S).hex().upper(), b64(hmac_(BODY + S, S))],
    "hmac-sha256-ts-in-seconds": [hmac_(P + C + R + T_SECONDS, S).hex(),
                                  hmac_(P + C + R + T_SECONDS, S).hex().upper()],
    "hmac-sha256-other-order": [hmac_("".join(order), S).hex() for order in HMAC_ORDERS],
    "other-order": [hex_("".join(order)) for order in OTHER_ORDERS],
    "other-order-encoded": [hex_("".join(order)).upper() for order in OTHER_ORDERS]
                           + [b64(sha256("".join(order))) for order in OTHER_ORDERS[::7]],
    "ts-local-time": [hex_(P + C + R + str(TS + hours * 3_600_000) + S) for hours in (8, -8)],
    "code-type-other": [hex_(P + other + R + T + S) for other in ("1", "2", "4", "5")],
    "ts-differs": [hex_(P + C + R + str(TS + offset) + S)
                   for offset in (-1000, -250, -1, 1, 3, 999, 1000)],
}


def shaped_wrong(kind: str, encode: Callable[[bytes], str]) -> tuple[dict[str, str], str]:
    random, secret = SHAPED[kind]
    return sent("", random=random), encode(sha256(f"{P}{C}{random}{T}{secret}"))


def test_every_mistake_in_the_data_has_signatures_computed_here() -> None:
    ids = [mistake.id for mistake in mistakes()]
    assert len(ids) == len(set(ids)) >= 20
    assert set(ids) == set(WRONG) | {"hex-no-leading-zeros", "hex-bytes-unpadded"}


@pytest.mark.parametrize(("mistake_id", "signature"),
                         [(mistake_id, signature) for mistake_id, signatures in WRONG.items()
                          for signature in signatures])
def test_each_mistake_is_recognised(mistake_id: str, signature: str) -> None:
    diagnosis = diagnose(sent(signature), secret=SECRET)
    assert diagnosis.verdict == "known_mistake"
    assert diagnosis.mistake is not None and diagnosis.mistake.id == mistake_id
    assert diagnosis.expected == RIGHT and not diagnosis.ok


def test_java_biginteger_hex_without_leading_zeros() -> None:
    fields, signature = shaped_wrong("bigint", lambda d: format(int.from_bytes(d, "big"), "x"))
    assert len(signature) < 64
    diagnosis = diagnose({**fields, "signature": signature}, secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.id == "hex-no-leading-zeros"


def test_each_byte_in_hex_without_padding() -> None:
    fields, signature = shaped_wrong("unpadded", lambda d: "".join(format(b, "x") for b in d))
    assert len(signature) < 64
    diagnosis = diagnose({**fields, "signature": signature}, secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.id == "hex-bytes-unpadded"


def test_the_worked_example_is_right_and_the_page_printed_the_empty_string_digest() -> None:
    assert hex_(BODY + S) == RIGHT
    assert diagnose(sent(RIGHT), secret=SECRET).ok
    printed = diagnose(sent(PAGE_PRINTED), secret=SECRET)
    assert printed.mistake is not None and printed.mistake.id == "empty-string"
    assert printed.signed_text == ""
    assert "5420" in printed.summary("en") and "签名验证失败" in printed.summary("zh")


def test_a_recognised_mistake_shows_what_was_signed_with_the_secret_masked() -> None:
    diagnosis = diagnose(sent(hex_(S + P + C + R + T)), secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.id == "other-order"
    assert dict(diagnosis.detail)["order"] == "userDomainSecret + phone + codeType + random + ts"
    assert diagnosis.signed_text == "••••••••" + BODY
    newline = diagnose(sent(hex_(BODY + S + "\n")), secret=SECRET)
    assert newline.signed_text == BODY + "••••••••\n"
    assert '\\n"' in newline.summary("en")  # the newline is visible


def test_a_ts_read_twice_is_found_with_its_offset() -> None:
    diagnosis = diagnose(sent(hex_(P + C + R + str(TS - 42) + S)), secret=SECRET)
    assert dict(diagnosis.detail)["tsOffsetMs"] == "-42"
    assert diagnosis.signed_text == P + C + R + str(TS - 42) + "••••••••"
    assert "signed ts minus sent ts (ms): -42" in diagnosis.summary("en")
    assert "签名的 ts 与发送的 ts 之差（毫秒）：-42" in diagnosis.summary("zh")


def test_a_ts_within_ten_seconds_is_found_and_further_off_honestly_unexplained() -> None:
    for offset in (-10_000, 10_000, -5_000):
        diagnosis = diagnose(sent(hex_(P + C + R + str(TS + offset) + S)), secret=SECRET)
        assert dict(diagnosis.detail)["tsOffsetMs"] == f"{offset:+d}"
    for offset in (-10_001, 10_001):
        diagnosis = diagnose(sent(hex_(P + C + R + str(TS + offset) + S)), secret=SECRET)
        assert diagnosis.verdict == "unexplained" and diagnosis.mistake is None


def test_an_unknown_signature_lists_the_checks_in_both_languages() -> None:
    diagnosis = diagnose(sent(hex_("something else entirely")), secret=SECRET)
    assert diagnosis.verdict == "unexplained"
    ids = {check.id for check in diagnosis.checks}
    assert {"right-secret", "same-values", "generated-once"} <= ids
    assert all(check.zh and check.en and check.zh != check.en for check in diagnosis.checks)
    assert "userDomainSecret" in diagnosis.summary("en") and "用户域" in diagnosis.summary("zh")


def test_a_wrong_secret_is_unexplained_not_misdiagnosed() -> None:
    other = "0" * 44
    assert diagnose(sent(hex_(BODY + other)), secret=SECRET).verdict == "unexplained"


def test_every_mistake_text_exists_in_both_languages() -> None:
    for mistake in mistakes():
        for part in ("title", "explanation", "fix"):
            text = getattr(mistake, part)
            assert text.zh and text.en and text.zh != text.en, (mistake.id, part)
            assert (text.render("zh"), text.render("en")) == (text.zh, text.en)
        assert set(mistake.combines) <= {m.id for m in mistakes()}


def test_as_dict_is_json_with_both_languages() -> None:
    data = diagnose(sent(WRONG["md5"][0]), secret=SECRET).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["mistake"]["id"] == "md5" and set(data["mistake"]["title"]) == {"zh", "en"}
    assert data["ok"] is False and data["expected"] == RIGHT


def test_the_library_names() -> None:
    assert smskit.diagnose is diagnose and smskit.Diagnosis is Diagnosis


# --- what was sent, from log lines --------------------------------------------------------

QUERY = (f"codeType=3&internationalCode=86&phone={P}&random={R}&signature={RIGHT}&ts={T}"
         f"&userDomain={D}")
URL = f"{HOST}{ENDPOINT_PATH}?{QUERY}"
LOG_LINES = {
    "java logback": f"2025-04-16 10:24:54.369  INFO 4242 --- [nio-8080-exec-3] "
                    f"c.e.sms.SmsService : POST {URL} -> 5420",
    "java map dump": f"INFO SmsService - params={{codeType=3, internationalCode=86, phone={P}, "
                     f"random={R}, signature={RIGHT}, ts={T}, userDomain={D}}}",
    "go zap json": '{"level":"info","ts":1744773894.37,"msg":"sms request","url":"'
                   + URL.replace("&", "\\u0026") + '"}',
    "go std log": f"2025/04/16 10:24:54 POST {ENDPOINT_PATH}?{QUERY} 200 12ms",
    "node inspect": f"[2025-04-16T02:24:54.369Z] info: sending {{ phone: '{P}', codeType: 3, "
                    f"random: '{R}', ts: {T}, signature: '{RIGHT}', internationalCode: '86', "
                    f"userDomain: '{D}' }}",
    "php json": '{"url":"' + URL.replace("/", "\\/") + '"}',
    "bare query": QUERY,
    "curl one line": f"curl -X POST '{URL}' -H 'accept: */*'",
    "curl multi-line": f'curl -X POST \\\n  "{URL}" \\\n  -H "accept: */*"\n',
    "curl windows": f'curl.exe -X POST ^\n  "{URL}" ^\n  -H "accept: */*"',
    "curl in a log": f"DEBUG http: curl -s -X POST '{URL}' -H 'accept: */*' | jq .",
    "curl --url": f"curl --request POST --url '{URL}' --header 'accept: */*'",
    "curl --data": f"curl -X POST {HOST}{ENDPOINT_PATH} -H 'Content-Type: "
                   f"application/x-www-form-urlencoded' --data '{QUERY}'",
    "curl split data": f"curl {HOST}{ENDPOINT_PATH} -d codeType=3 -d internationalCode=86 "
                       f"-d phone={P} -d random={R} -d signature={RIGHT} -d ts={T} "
                       f"--data-urlencode userDomain={D}",
}


@pytest.mark.parametrize("line", LOG_LINES.values(), ids=LOG_LINES.keys())
def test_the_request_is_read_from_real_log_lines(line: str) -> None:
    request = parse_sent(line)
    assert request == SentRequest(phone=P, code_type="3", random=R, ts=T, signature=RIGHT,
                                  international_code="86", user_domain=D)
    assert diagnose(line, secret=SECRET).ok


def test_percent_encoding_is_decoded_as_a_server_does() -> None:
    encoded = b64(sha256(BODY + S)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    line = f"{HOST}{ENDPOINT_PATH}?codeType=%33&internationalCode=86&phone={P}&random={R}" \
           f"&signature={encoded}&ts={T}&userDomain=C%2EDM%2E5903%2E1"
    request = parse_sent(line)
    assert request.code_type == "3" and request.user_domain == D
    diagnosis = diagnose(line, secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.id == "base64-digest"


def test_curl_data_urlencode_content_is_taken_raw() -> None:
    raw = b64(sha256(BODY + S))  # holds + / = that curl itself would encode
    line = (f"curl {HOST}{ENDPOINT_PATH} --data '{QUERY.replace('&signature=' + RIGHT, '')}' "
            f"--data-urlencode 'signature={raw}'")
    assert parse_sent(line).signature == raw
    diagnosis = diagnose(line, secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.id == "base64-digest"


@pytest.mark.parametrize(("text", "field"), [
    (f"{HOST}/v2/sms/enduserapi/v2/sendEmailCode?{QUERY}", "url"),
    (f"{HOST}{ENDPOINT_PATH}?codeType=3&phone={P}&signature={RIGHT}&ts={T}", "random"),
    (f"{URL}&phone=13900139000", "phone"),
    (f"curl -X POST '{URL}", "request"),
    ("nothing to see here", "request"),
    (f"{HOST}{ENDPOINT_PATH}?{QUERY.replace(RIGHT, 'not-a-signature')}", "signature"),
    (f"{HOST}{ENDPOINT_PATH}?{QUERY.replace(RIGHT, RIGHT[:12])}", "signature"),
    (f"{HOST}{ENDPOINT_PATH}?{QUERY.replace(T, T[:10])}", "ts"),
    (f"{HOST}{ENDPOINT_PATH}?{QUERY}&random=%FF", "random"),
])
def test_unusable_input_names_the_field(text: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        diagnose(text, secret=SECRET)
    assert field in caught.value.fields


def test_a_bad_request_and_a_bad_secret_are_reported_together() -> None:
    with pytest.raises(InputError) as caught:
        diagnose(f"{HOST}{ENDPOINT_PATH}?{QUERY.replace(T, 'soon')}", secret="")
    assert caught.value.fields == ("ts", "userDomainSecret")


def test_missing_parameters_are_all_listed() -> None:
    with pytest.raises(InputError) as caught:
        parse_sent(f"{HOST}{ENDPOINT_PATH}?codeType=3&phone={P}")
    assert set(caught.value.fields) == {"internationalCode", "random", "signature", "ts",
                                        "userDomain"}


def test_a_request_built_by_the_kit_is_diagnosed_as_right() -> None:
    request = smskit.build_request(phone=P, code_type=3, international_code=IC, user_domain=D,
                                   secret=SECRET, random=R, ts=TS,
                                   clock=smskit.FixedClock(TS))
    assert diagnose(request, secret=SECRET).ok
    # Signed with the page's published secret while the domain's own is CANARY: the grammar
    # names that, a point of no catalogued mistake.
    other = diagnose(request, secret=CANARY)
    assert other.mistake is not None and other.mistake.id == "secret-example"
    assert not other.mistake.catalogued and SECRET not in other.summary("en")


def test_fields_given_one_by_one_need_not_carry_the_unsigned_two() -> None:
    fields = {"phone": P, "codeType": 3, "random": R, "ts": TS, "signature": RIGHT}
    assert diagnose(fields, secret=SECRET).ok


@pytest.mark.parametrize("secret", ["", SECRET + "\n", " " + SECRET, None, 42])
def test_an_unusable_secret_is_refused_without_showing_it(secret: Any) -> None:
    with pytest.raises(InputError) as caught:
        diagnose(sent(RIGHT), secret=secret)
    assert caught.value.fields == ("userDomainSecret",)
    assert SECRET not in str(caught.value) + repr(caught.value)


# --- the secret never shows; hostile input never crashes ----------------------------------

def canary_signatures() -> list[str]:
    body = P + C + R + T
    return [hex_(body + CANARY), hex_(body + CANARY + "\n"), hmac_(body, CANARY).hex(),
            hex_(CANARY + body), hex_(body), hex_("x"), b64(sha256(body + CANARY))]


@pytest.mark.parametrize("signature", canary_signatures())
def test_the_secret_is_in_no_diagnosis_output(signature: str) -> None:
    diagnosis = diagnose(sent(signature), secret=CANARY)
    shown = [repr(diagnosis), str(diagnosis), diagnosis.summary("zh"), diagnosis.summary("en"),
             json.dumps(diagnosis.as_dict(), ensure_ascii=False)]
    for text in shown:
        assert CANARY not in text and CANARY[:12] not in text


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(hostile_text, st.text(max_size=400),
                      st.builds(lambda a, b: a + URL + b, hostile_text, hostile_text),
                      st.builds(lambda a, b: f"curl {a} '{URL}' {b}", hostile_text, hostile_text)))
def test_any_text_gives_a_diagnosis_or_an_input_error(text: str) -> None:
    try:
        diagnosis = diagnose(text, secret=CANARY)
    except InputError as error:
        assert error.problems and CANARY not in str(error)
    else:
        assert CANARY not in repr(diagnosis) + diagnosis.summary("en")


@settings(max_examples=300, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(["phone", "codeType", "random", "ts", "signature",
                                                "internationalCode", "userDomain"]),
                               hostile_value, min_size=1))
def test_any_field_values_give_a_diagnosis_or_an_input_error(changes: dict[str, Any]) -> None:
    try:
        diagnose({**sent(RIGHT), **changes}, secret=CANARY)
    except InputError as error:
        assert error.problems and CANARY not in str(error)


@settings(max_examples=200, deadline=None)
@given(secret=hostile_value, signature=st.sampled_from([RIGHT, PAGE_PRINTED, RIGHT.upper()]))
def test_any_secret_gives_a_diagnosis_or_an_input_error_about_the_secret(
    secret: Any, signature: str
) -> None:
    try:
        diagnosis = diagnose(sent(signature), secret=secret)
    except InputError as error:
        assert error.fields == ("userDomainSecret",)
    else:
        assert diagnosis.verdict in ("correct", "known_mistake", "unexplained")
