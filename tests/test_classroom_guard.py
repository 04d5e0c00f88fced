"""The classroom's guard without HTTP: who may read what.

The trainer's token and only it; each trainee's signed ``Authorization`` on both sides of each
rule (the 10-minute window, the random's length, a replayed random, another trainee's secret,
a header signed for another method, path, query or body, an empty or malformed header), each
refusal's status and text literally. The signature is computed here from the documented
recipe (SHA-256 of seven lines), never by the code under test.
"""

from __future__ import annotations

import hashlib

import pytest

from smskit.clock import FixedClock
from smskit.sandbox.classroom.auth import (
    body_digest,
    parse_trainee_authorization,
    trainee_signature,
)
from smskit.sandbox.classroom.guard import Guard, Refused
from smskit.sandbox.classroom.roster import Roster, Trainee
from smskit.sandbox.wire import Request

NOW = 1_764_300_000_000
RANDOM = "Ab3dEf6hIj9kLm0n"
TOKEN = "trainer-token-0123456789abcdef"
ANN = Trainee("ann", "class-ann-0a1b", "ann-secret-0123456789")
BOB = Trainee("bob", "class-bob-2c3d", "bob-secret-9876543210")
OUTBOX = "/_sandbox/me/outbox"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

MISSING = (401, "sign this request as a trainee: Authorization: SmskitTrainee userDomain=..., "
                "ts=..., random=..., signature=... (smskit.training.my_outbox() and "
                "my_requests() do it for you)", "SmskitTrainee")
MALFORMED = (401, "the Authorization value must be 'SmskitTrainee userDomain=..., ts=..., "
                  "random=..., signature=...'", "SmskitTrainee")
NOT_MS = (401, "ts must be the time in milliseconds", "SmskitTrainee")
RANDOM_16 = (401, "random must be 16 characters", "SmskitTrainee")
BAD_SIGNATURE = (403, "the signature does not match SHA256 of userDomain, ts, random, method, "
                      "target, body digest and secret (one per line) for this userDomain and "
                      "this request", "SmskitTrainee")
REPLAYED = (401, "this random was already used: sign every request afresh", "SmskitTrainee")
TRAINER_MISSING = (401, "this classroom view is the trainer's: send 'Authorization: Bearer "
                        "<trainer token>' (printed when the classroom started)", "Bearer")
TRAINER_WRONG = (403, "this classroom view is the trainer's; these credentials are not the "
                      "trainer token", "Bearer")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def guard(clock: FixedClock) -> Guard:
    return Guard(Roster([ANN, BOB], trainer_token=TOKEN), clock=clock)


def sign(*lines: str) -> str:
    """The documented recipe: lowercase hex SHA-256 of the lines joined by newlines."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def header(who: Trainee = ANN, *, ts: object = NOW, nonce: str = RANDOM, method: str = "GET",
           target: str = OUTBOX, body: bytes = b"", secret: str | None = None,
           domain: str | None = None) -> str:
    """A trainee's Authorization value, signed here for ``method target`` with ``body``."""
    user_domain = who.user_domain if domain is None else domain
    signature = sign(user_domain, str(ts), nonce, method, target,
                     hashlib.sha256(body).hexdigest(), who.secret if secret is None else secret)
    return (f"SmskitTrainee userDomain={user_domain}, ts={ts}, random={nonce}, "
            f"signature={signature}")


def request(authorization: str | None, *, method: str = "GET", path: str = OUTBOX,
            query: str = "", body: bytes = b"") -> Request:
    return Request(method, path, query, body, authorization=authorization)


def refused(call: object, *args: object) -> tuple[int, str, str]:
    with pytest.raises(Refused) as caught:
        call(*args)  # type: ignore[operator]
    error = caught.value
    assert str(error) == error.detail.render("en")
    return error.status, error.detail.render("en"), error.scheme


# --- the trainer ------------------------------------------------------------------------------

def test_the_trainer_token_and_only_it(guard: Guard) -> None:
    assert guard.is_trainer(f"Bearer {TOKEN}") is True
    assert guard.is_trainer(f"  Bearer {TOKEN}  ") is True
    assert guard.is_trainer(f"Bearer {TOKEN}x") is False
    assert guard.is_trainer(f"Bearer {TOKEN[:-1]}") is False
    assert guard.is_trainer(f"bearer {TOKEN}") is False
    assert guard.is_trainer(f"Basic {TOKEN}") is False
    assert guard.is_trainer(TOKEN) is False
    assert guard.is_trainer(f"Bearer {ANN.secret}") is False
    assert guard.is_trainer(None) is False
    assert guard.is_trainer("") is False
    assert guard.is_trainer("Bearer ") is False
    assert guard.is_trainer("Bearer") is False
    assert guard.require_trainer(f"Bearer {TOKEN}") is None


@pytest.mark.parametrize("value", [None, ""])
def test_no_credentials_for_the_trainer_is_401(guard: Guard, value: str | None) -> None:
    assert refused(guard.require_trainer, value) == TRAINER_MISSING


@pytest.mark.parametrize("value", ["Bearer ", "Bearer", "Bearer nope", f"Bearer {TOKEN}x",
                                   f"Basic {TOKEN}", TOKEN, " "])
def test_wrong_credentials_for_the_trainer_are_403(guard: Guard, value: str) -> None:
    assert refused(guard.require_trainer, value) == TRAINER_WRONG


def test_a_refusal_reads_in_chinese_too(guard: Guard) -> None:
    with pytest.raises(Refused) as caught:
        guard.require_trainer("Bearer nope")
    assert caught.value.detail.render("zh") == "这是讲师的课堂视图；这些凭据不是讲师令牌"


def test_text_without_a_utf8_form_is_refused_not_crashed_on(guard: Guard) -> None:
    assert guard.is_trainer("Bearer \ud800") is False
    value = (f"SmskitTrainee userDomain={ANN.user_domain}, ts={NOW}, random={RANDOM}, "
             "signature=\ud800")
    assert refused(guard.trainee, request(value)) == BAD_SIGNATURE


# --- a trainee: who signed this very request --------------------------------------------------

def test_each_trainee_signs_in_with_their_own_secret(guard: Guard) -> None:
    assert guard.trainee(request(header(ANN))) == ANN
    assert guard.trainee(request(header(BOB))) == BOB  # the same random: memory is per trainee


def test_the_signature_binds_method_path_query_and_body(guard: Guard) -> None:
    body = b'{"exercise": "E1", "passed": true}'
    signed = header(method="POST", target="/_sandbox/me/progress", body=body)
    assert refused(guard.trainee, request(signed, method="GET", path="/_sandbox/me/progress",
                                          body=body)) == BAD_SIGNATURE
    assert refused(guard.trainee, request(signed, method="POST", path="/_sandbox/me/answer",
                                          body=body)) == BAD_SIGNATURE
    assert refused(guard.trainee, request(signed, method="POST", path="/_sandbox/me/progress",
                                          body=body + b" ")) == BAD_SIGNATURE
    assert refused(guard.trainee, request(signed, method="POST", path="/_sandbox/me/progress",
                                          query="a=1", body=body)) == BAD_SIGNATURE
    assert guard.trainee(request(signed, method="POST", path="/_sandbox/me/progress",
                                 body=body)) == ANN


def test_the_query_is_part_of_the_target(guard: Guard) -> None:
    signed = header(target="/_sandbox/me/requests?limit=5")
    assert refused(guard.trainee, request(signed, path="/_sandbox/me/requests",
                                          query="limit=6")) == BAD_SIGNATURE
    assert refused(guard.trainee, request(signed, path="/_sandbox/me/requests")) \
        == BAD_SIGNATURE
    assert guard.trainee(request(signed, path="/_sandbox/me/requests", query="limit=5")) == ANN
    bare = header(target="/_sandbox/me/requests", nonce="Zz3dEf6hIj9kLm0n")
    assert guard.trainee(request(bare, path="/_sandbox/me/requests")) == ANN  # no "?" added


def test_another_trainees_secret_is_403(guard: Guard) -> None:
    assert refused(guard.trainee, request(header(ANN, secret=BOB.secret))) == BAD_SIGNATURE
    assert refused(guard.trainee, request(header(ANN, secret=""))) == BAD_SIGNATURE
    # bob's domain signed with ann's secret: still bob's domain, still refused
    assert refused(guard.trainee, request(header(BOB, secret=ANN.secret))) == BAD_SIGNATURE


def test_a_domain_outside_the_class_is_403(guard: Guard) -> None:
    assert refused(guard.trainee, request(header(domain="not-in-class"))) == (
        403, "userDomain is not a trainee of this classroom", "SmskitTrainee")


@pytest.mark.parametrize("offset", [600_000, -600_000, 0, 1, -1])
def test_the_window_is_10_minutes_inclusive(guard: Guard, offset: int) -> None:
    assert guard.trainee(request(header(ts=NOW + offset))) == ANN


@pytest.mark.parametrize(("offset", "shown"), [(600_001, "+600001"), (-600_001, "-600001")])
def test_one_ms_outside_the_window_is_401(guard: Guard, offset: int, shown: str) -> None:
    assert refused(guard.trainee, request(header(ts=NOW + offset))) == (
        401, f"ts is {shown} ms from the server's clock; it must be within 600000 ms",
        "SmskitTrainee")


@pytest.mark.parametrize("ts", ["17643000000x0", "１７６４３００００００００", "1" * 17, "-1", "",
                                "1.5", " "])
def test_a_ts_that_is_not_milliseconds_is_401(guard: Guard, ts: str) -> None:
    assert refused(guard.trainee, request(header(ts=ts))) == NOT_MS


def test_sixteen_digits_of_ts_are_read_then_judged_by_the_window(guard: Guard) -> None:
    assert refused(guard.trainee, request(header(ts="1" * 16))) == (
        401, "ts is +1109346811111111 ms from the server's clock; it must be within 600000 ms",
        "SmskitTrainee")


@pytest.mark.parametrize("nonce", ["a" * 15, "a" * 17, ""])
def test_a_random_not_of_16_characters_is_401(guard: Guard, nonce: str) -> None:
    assert refused(guard.trainee, request(header(nonce=nonce))) == RANDOM_16


def test_a_random_of_16_characters_is_accepted(guard: Guard) -> None:
    assert guard.trainee(request(header(nonce="a" * 16))) == ANN


def test_a_random_is_used_once_per_trainee(guard: Guard) -> None:
    assert guard.remembered(ANN.user_domain) == 0
    assert guard.trainee(request(header())) == ANN
    assert guard.remembered(ANN.user_domain) == 1
    assert refused(guard.trainee, request(header())) == REPLAYED
    # the same random again, signed for another request, is still a replay
    assert refused(guard.trainee, request(header(target="/_sandbox/me"),
                                          path="/_sandbox/me")) == REPLAYED
    assert guard.remembered(ANN.user_domain) == 1
    assert guard.trainee(request(header(BOB))) == BOB
    assert guard.remembered(BOB.user_domain) == 1
    assert guard.remembered("not-in-class") == 0


def test_a_refused_request_does_not_use_up_its_random(guard: Guard) -> None:
    refused(guard.trainee, request(header(ANN, secret=BOB.secret)))
    refused(guard.trainee, request(header(ts=NOW + 600_001)))
    assert guard.remembered(ANN.user_domain) == 0
    assert guard.trainee(request(header())) == ANN


def test_a_random_is_remembered_for_the_whole_window(guard: Guard, clock: FixedClock) -> None:
    assert guard.trainee(request(header(ts=NOW))) == ANN
    clock.set(NOW + 600_000)  # the first use's ts is still inside the window
    assert refused(guard.trainee, request(header(ts=NOW + 600_000))) == REPLAYED
    clock.set(NOW + 600_001)  # its ts has left the window: no header with it can pass
    assert guard.trainee(request(header(ts=NOW + 600_001))) == ANN
    assert guard.remembered(ANN.user_domain) == 1


def test_more_than_5000_signed_requests_in_one_window_is_429(guard: Guard,
                                                            clock: FixedClock) -> None:
    for n in range(5000):
        assert guard.trainee(request(header(nonce=f"{n:016d}"))) == ANN
    assert refused(guard.trainee, request(header(nonce="x" * 16))) == (
        429, "more than 5000 signed requests in one 10-minute window: slow down",
        "SmskitTrainee")
    assert refused(guard.trainee, request(header(nonce=f"{4999:016d}"))) == REPLAYED
    assert guard.trainee(request(header(BOB, nonce="x" * 16))) == BOB  # others unaffected
    clock.set(NOW + 600_001)
    assert guard.trainee(request(header(ts=NOW + 600_001, nonce="x" * 16))) == ANN
    assert guard.remembered(ANN.user_domain) == 1


@pytest.mark.parametrize("value", [None, ""])
def test_no_authorization_is_401(guard: Guard, value: str | None) -> None:
    assert refused(guard.trainee, request(value)) == MISSING


def good_fields(**changes: str) -> dict[str, str]:
    fields = {"userDomain": ANN.user_domain, "ts": str(NOW), "random": RANDOM,
              "signature": header().rsplit("signature=", 1)[1]}
    return {**fields, **changes}


def joined(fields: dict[str, str], scheme: str = "SmskitTrainee", sep: str = ", ") -> str:
    return f"{scheme} " + sep.join(f"{name}={value}" for name, value in fields.items())


@pytest.mark.parametrize("value", [
    "Bearer x",
    f"Bearer {TOKEN}",
    "SmskitTrainee",
    "SmskitTrainee ",
    " ",
    joined(good_fields(), scheme="smskittrainee"),
    joined(good_fields(), scheme="SmskitTrainee:"),
    joined({k: v for k, v in good_fields().items() if k != "random"}),
    joined({k: v for k, v in good_fields().items() if k != "signature"}),
    joined(good_fields()) + ", random=" + RANDOM,
    joined(good_fields()) + ", extra=1",
    joined(good_fields()).replace("ts=", "ts "),
    joined(good_fields()).replace("userDomain=", "userdomain="),
])
def test_a_malformed_authorization_is_401(guard: Guard, value: str) -> None:
    assert refused(guard.trainee, request(value)) == MALFORMED


def test_the_fields_may_come_in_any_order_and_spacing(guard: Guard) -> None:
    fields = good_fields()
    shuffled = {name: fields[name] for name in ("signature", "random", "ts", "userDomain")}
    assert guard.trainee(request("  " + joined(shuffled, sep=" ,  ") + " ")) == ANN


# --- the signing functions the guard decides with ---------------------------------------------

def test_trainee_signature_is_sha256_of_the_seven_lines() -> None:
    body = b'{"a": 1}'
    expected = sign(ANN.user_domain, str(NOW), RANDOM, "POST", "/_sandbox/me/answer?x=1",
                    hashlib.sha256(body).hexdigest(), ANN.secret)
    assert trainee_signature(user_domain=ANN.user_domain, ts=NOW, random=RANDOM,
                             method="post", target="/_sandbox/me/answer?x=1", body=body,
                             secret=ANN.secret) == expected
    assert body_digest(b"") == EMPTY_SHA256
    assert sign("a", "b") == hashlib.sha256(b"a\nb").hexdigest()


def test_parse_reads_the_four_fields_or_nothing() -> None:
    assert parse_trainee_authorization(
        "SmskitTrainee userDomain=d, ts=1, random=r, signature=s=") == {
        "userDomain": "d", "ts": "1", "random": "r", "signature": "s="}
    assert parse_trainee_authorization("SmskitTrainee userDomain=d, ts=1, random=r") is None
    assert parse_trainee_authorization("Other userDomain=d, ts=1, random=r, signature=s") \
        is None
