"""The classroom's guard without HTTP: who may read what. The trainer's token, each trainee's
signed Authorization, on both sides of each rule (the 10-minute window, the random's length,
a replayed random, another trainee's secret), each refusal's status and text literally."""

from __future__ import annotations

import random

import pytest

from smskit.classroom_auth import trainee_signature
from smskit.clock import FixedClock
from smskit.sandbox.classroom import Classroom, Refused, Roster

NOW = 1_764_300_000_000
RANDOM = "Ab3dEf6hIj9kLm0n"


@pytest.fixture
def room() -> Classroom:
    return Classroom(Roster.generate(["ann", "bob"], seed=3), clock=FixedClock(NOW))


def header(room: Classroom, who: str = "ann", *, ts: object = NOW, nonce: str = RANDOM,
           secret: str | None = None, domain: str | None = None) -> str:
    trainee = room.roster.by_name(who)
    user_domain = domain or trainee.user_domain
    signature = trainee_signature(user_domain=user_domain, ts=int(str(ts)) if str(ts).isdigit()
                                  else 0, random=nonce, secret=secret or trainee.secret)
    return (f"SmskitTrainee userDomain={user_domain}, ts={ts}, random={nonce}, "
            f"signature={signature}")


def refused(call: object, *args: object) -> tuple[int, str, str]:
    with pytest.raises(Refused) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.status, caught.value.detail, caught.value.scheme


def test_the_trainer_token_and_only_it(room: Classroom) -> None:
    token = room.roster.trainer_token
    assert room.is_trainer(f"Bearer {token}") is True
    assert room.is_trainer(f"  Bearer {token}  ") is True
    assert room.is_trainer(f"Bearer {token}x") is False
    assert room.is_trainer(f"bearer {token}") is False
    assert room.is_trainer(f"Basic {token}") is False
    assert room.is_trainer(token) is False
    assert room.is_trainer(None) is False and room.is_trainer("") is False
    room.require_trainer(f"Bearer {token}")
    assert refused(room.require_trainer, None) == (
        401, "this classroom view is the trainer's: send 'Authorization: Bearer <trainer "
        "token>' (printed when the classroom started)", "Bearer")
    assert refused(room.require_trainer, "") == refused(room.require_trainer, None)
    assert refused(room.require_trainer, "Bearer nope") == (
        403, "this classroom view is the trainer's; these credentials are not the trainer "
        "token", "Bearer")


def test_a_trainee_signs_in_with_their_own_secret(room: Classroom) -> None:
    ann = room.trainee(header(room, "ann"))
    assert ann.name == "ann"
    bob = room.trainee(header(room, "bob", nonce="Bb3dEf6hIj9kLm0n"))
    assert bob.name == "bob"


@pytest.mark.parametrize("offset", [600_000, -600_000])
def test_the_window_is_10_minutes_inclusive(room: Classroom, offset: int) -> None:
    assert room.trainee(header(room, ts=NOW + offset)).name == "ann"


@pytest.mark.parametrize(("offset", "shown"), [(600_001, "+600001"), (-600_001, "-600001")])
def test_outside_the_window_is_refused(room: Classroom, offset: int, shown: str) -> None:
    assert refused(room.trainee, header(room, ts=NOW + offset)) == (
        401, f"ts is {shown} ms from the server's clock; it must be within 600000 ms",
        "SmskitTrainee")


def test_a_random_is_used_once(room: Classroom) -> None:
    room.trainee(header(room))
    assert refused(room.trainee, header(room)) == (
        401, "this random was already used: sign every request afresh", "SmskitTrainee")
    # Per trainee: bob may use the same random.
    assert room.trainee(header(room, "bob")).name == "bob"


def test_the_oldest_randoms_are_forgotten_after_4096(room: Classroom) -> None:
    rng = random.Random(1)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    nonces = ["".join(rng.choice(alphabet) for _ in range(16)) for _ in range(4097)]
    for nonce in nonces:
        room.trainee(header(room, nonce=nonce))
    assert room.trainee(header(room, nonce=nonces[0])).name == "ann"  # forgotten: accepted
    assert refused(room.trainee, header(room, nonce=nonces[2]))[0] == 401  # still remembered


@pytest.mark.parametrize(("value", "expected"), [
    (None, (401, "sign this request as a trainee: Authorization: SmskitTrainee userDomain=..., "
                 "ts=..., random=..., signature=... "
                 "(smskit.classroom_auth.trainee_authorization)", "SmskitTrainee")),
    ("", (401, "sign this request as a trainee: Authorization: SmskitTrainee userDomain=..., "
               "ts=..., random=..., signature=... "
               "(smskit.classroom_auth.trainee_authorization)", "SmskitTrainee")),
    ("Bearer x", (401, "the Authorization value must be 'SmskitTrainee userDomain=..., ts=..., "
                       "random=..., signature=...'", "SmskitTrainee")),
])
def test_a_missing_or_unreadable_authorization_is_401(room: Classroom, value: str | None,
                                                      expected: tuple[int, str, str]) -> None:
    assert refused(room.trainee, value) == expected


def test_each_trainee_rule_refused_literally(room: Classroom) -> None:
    assert refused(room.trainee, header(room, domain="not-in-class")) == (
        403, "userDomain is not a trainee of this classroom", "SmskitTrainee")
    assert refused(room.trainee, header(room, ts="17643000000x0")) == (
        401, "ts must be the time in milliseconds", "SmskitTrainee")
    assert refused(room.trainee, header(room, ts="１７６４３００００００００")) == (
        401, "ts must be the time in milliseconds", "SmskitTrainee")
    assert refused(room.trainee, header(room, ts="1" * 17)) == (
        401, "ts must be the time in milliseconds", "SmskitTrainee")
    assert refused(room.trainee, header(room, nonce="a" * 15)) == (
        401, "random must be 16 characters", "SmskitTrainee")
    assert refused(room.trainee, header(room, nonce="a" * 17)) == (
        401, "random must be 16 characters", "SmskitTrainee")
    bob = room.roster.by_name("bob")
    assert refused(room.trainee, header(room, "ann", secret=bob.secret)) == (
        403, "the signature does not match SHA256(userDomain + ts + random + secret) for this "
        "userDomain", "SmskitTrainee")


def test_sixteen_digits_of_ts_are_read_then_judged_by_the_window(room: Classroom) -> None:
    assert refused(room.trainee, header(room, ts="1" * 16)) == (
        401, f"ts is {int('1' * 16) - NOW:+d} ms from the server's clock; it must be within "
        "600000 ms", "SmskitTrainee")


def test_a_refused_request_does_not_use_up_its_random(room: Classroom) -> None:
    bob = room.roster.by_name("bob")
    refused(room.trainee, header(room, "ann", secret=bob.secret))
    assert room.trainee(header(room, "ann")).name == "ann"


def test_text_without_a_utf8_form_is_refused_not_crashed_on(room: Classroom) -> None:
    assert room.is_trainer("Bearer \ud800") is False
    ann = room.roster.by_name("ann")
    value = (f"SmskitTrainee userDomain={ann.user_domain}, ts={NOW}, random={RANDOM}, "
             "signature=\ud800")
    assert refused(room.trainee, value) == (
        403, "the signature does not match SHA256(userDomain + ts + random + secret) for this "
        "userDomain", "SmskitTrainee")
