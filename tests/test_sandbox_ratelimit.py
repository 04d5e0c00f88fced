"""5058: the sandbox's rate policy, its windows, and its consistency under concurrent sends.

The page publishes no limits; the defaults are the sandbox's assumptions, read here from
smskit/data/sandbox_policy.json directly.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable

import pytest
import requests

from smskit.clock import FixedClock
from smskit.sandbox import RatePolicy, Sandbox
from smskit.sandbox.ratelimit import RateLimiter, RateRefusal
from tests.fixtures.sandbox import DATA, PHONE, post_api, send_code, signed_query

POLICY = json.loads((DATA / "sandbox_policy.json").read_text(encoding="utf-8"))["rate_limit"]


def _clock(sandbox: Sandbox) -> FixedClock:
    assert isinstance(sandbox.clock, FixedClock)
    return sandbox.clock


def test_the_default_policy_is_the_documented_one(sandbox: Sandbox) -> None:
    assert sandbox.policy == RatePolicy(
        per_code_type_max=POLICY["per_code_type"]["max_sends"],
        per_code_type_window_ms=POLICY["per_code_type"]["window_ms"],
        per_phone_max=POLICY["per_phone"]["max_sends"],
        per_phone_window_ms=POLICY["per_phone"]["window_ms"],
    )
    assert (sandbox.policy.per_code_type_max, sandbox.policy.per_code_type_window_ms) == (1, 60_000)
    assert (sandbox.policy.per_phone_max, sandbox.policy.per_phone_window_ms) == (5, 3_600_000)
    assert POLICY["assumption"] is True


def test_a_second_send_within_the_short_window_is_5058(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    _clock(sandbox).advance(ms=59_999)
    answer = send_code(sandbox)
    assert (answer["code"], answer["msg"]) == (5058, "短信发送超出频率")
    assert "the next send is possible in 0.1 s" in answer["extMsg"]  # 1 ms, rounded up
    _clock(sandbox).advance(ms=1)  # exactly 60 s after the first send
    assert send_code(sandbox)["code"] == 200
    assert len(sandbox.outbox()) == 2


def test_the_retry_delay_is_stated(sandbox: Sandbox) -> None:
    send_code(sandbox)
    _clock(sandbox).advance(seconds=15)
    assert "in 45.0 s" in send_code(sandbox)["extMsg"]


def test_refused_sends_do_not_count(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    _clock(sandbox).advance(seconds=30)
    assert send_code(sandbox)["code"] == 5058  # had this counted, the next would be refused
    _clock(sandbox).advance(seconds=30)
    assert send_code(sandbox)["code"] == 200


def test_requests_refused_earlier_do_not_count(sandbox: Sandbox) -> None:
    assert send_code(sandbox, secret="not-the-secret")["code"] == 5420
    assert send_code(sandbox, user_domain="sandbox-template-disabled")["code"] == 5125
    assert send_code(sandbox)["code"] == 200


def test_the_long_window_limits_a_phone_across_code_types(sandbox: Sandbox) -> None:
    clock = _clock(sandbox)
    start = clock.now_ms()
    for kind in (1, 2, 3, 4, 5):
        assert send_code(sandbox, code_type=kind)["code"] == 200
    clock.advance(minutes=10)  # the short windows are long over
    answer = send_code(sandbox, code_type=1)
    assert answer["code"] == 5058
    assert "per phone per 3600 s" in answer["extMsg"]
    assert send_code(sandbox, code_type=1, phone="13900139000")["code"] == 200  # other phone
    clock.set(start + 3_600_000)  # the five sends leave the hour
    assert send_code(sandbox, code_type=1)["code"] == 200


def test_limits_are_per_domain_and_international_code(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    assert send_code(sandbox, international_code="852", phone="51234567")["code"] == 200
    assert send_code(sandbox)["code"] == 5058


def test_a_configured_policy_is_applied(make_sandbox: Callable[..., Sandbox]) -> None:
    policy = RatePolicy(per_code_type_max=3, per_code_type_window_ms=1_000,
                        per_phone_max=4, per_phone_window_ms=10_000)
    box = make_sandbox(policy=policy)
    assert box.policy is policy
    codes = [send_code(box, random_text=f"{n:016d}")["code"] for n in range(4)]
    assert codes == [200, 200, 200, 5058]
    _clock(box).advance(ms=1_000)
    codes = [send_code(box, random_text=f"{n:016d}")["code"] for n in range(2)]
    assert codes == [200, 5058]  # the phone's 4 per 10 s is used up


def test_an_unlimited_policy_never_answers_5058(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox(policy=RatePolicy.unlimited())
    assert {send_code(box)["code"] for _ in range(12)} == {200}


def test_a_policy_can_change_one_value() -> None:
    policy = RatePolicy(per_phone_max=10)
    assert (policy.per_phone_max, policy.per_code_type_max) == (10, 1)
    assert "at most 10 per phone per 3600 s" in policy.describe()


@pytest.mark.parametrize("bad", [{"per_phone_max": 0}, {"per_code_type_max": -1},
                                 {"per_phone_window_ms": 0}, {"per_code_type_max": True},
                                 {"per_phone_window_ms": 1.5}])
def test_nonsense_policies_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="RatePolicy"):
        RatePolicy(**bad)  # type: ignore[arg-type]


def test_the_health_endpoint_states_the_policy(sandbox: Sandbox) -> None:
    health = requests.get(sandbox.base_url + "/_sandbox/health", timeout=5).json()
    assert health["ratePolicy"] == ("at most 1 per phone and codeType per 60 s; "
                                    "at most 5 per phone per 3600 s")


# -- concurrency -----------------------------------------------------------------------------

def _hammer(box: Sandbox, *, threads: int, sends: int,
            code_type_of: Callable[[int], int]) -> Counter[int]:
    """``threads`` threads each send ``sends`` correctly signed requests, all at once."""
    barrier = threading.Barrier(threads)
    answers: Counter[int] = Counter()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker(worker_id: int) -> None:
        try:
            with requests.Session() as session:
                barrier.wait()
                for n in range(sends):
                    query = signed_query(box, code_type=code_type_of(n),
                                         random_text=f"{worker_id:08d}{n:08d}")
                    code = post_api(box, query, session=session)["code"]
                    with lock:
                        answers[code] += 1
        except BaseException as error:  # surfaced below, not lost in the thread
            failures.append(error)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not failures, failures
    return answers


def test_concurrent_sends_get_exactly_the_allowed_successes(sandbox: Sandbox) -> None:
    # 16 threads x 5 sends, cycling codeTypes 1-5, all at the same instant: the default
    # policy allows one per codeType (5) and five per phone (5): exactly 5 successes.
    answers = _hammer(sandbox, threads=16, sends=5, code_type_of=lambda n: n % 5 + 1)
    assert answers == Counter({200: 5, 5058: 75})
    outbox = sandbox.outbox()
    assert sorted(d.code_type for d in outbox) == [1, 2, 3, 4, 5]
    assert all(d.phone == PHONE for d in outbox)


def test_concurrent_sends_under_a_larger_policy(make_sandbox: Callable[..., Sandbox]) -> None:
    box = make_sandbox(policy=RatePolicy(per_code_type_max=10, per_phone_max=12))
    answers = _hammer(box, threads=16, sends=4, code_type_of=lambda n: 2)
    assert answers == Counter({200: 10, 5058: 54})
    assert len(box.outbox()) == 10
    # Only the last of the ten is still valid: the others were superseded as they arrived.
    assert [d.superseded for d in box.outbox()] == [True] * 9 + [False]


def test_a_switched_off_window_keeps_no_history() -> None:
    from smskit.sandbox.ratelimit import RateLimiter, RatePolicy

    limiter = RateLimiter(RatePolicy.unlimited())
    for n in range(100):
        limiter.record(("sandbox-demo", "86", f"1380013{n:04d}", 2), 1_000 + n)
    assert limiter._by_code_type == {} and limiter._by_phone == {}
    assert limiter.refusal(("sandbox-demo", "86", "13800130000", 2), 2_000) is None


# -- the limiter itself, on both sides of each edge (no HTTP) --------------------------------

KEY = ("demo", "86", "13800138000", 2)


def limiter(**policy: object) -> RateLimiter:
    return RateLimiter(RatePolicy(**policy))  # type: ignore[arg-type]


def test_a_send_counts_until_exactly_its_window_has_passed() -> None:
    rates = limiter(per_code_type_max=1, per_code_type_window_ms=60_000, per_phone_max=None)
    rates.record(KEY, 1_000)
    assert rates.refusal(KEY, 60_999) == RateRefusal("per_code_type", 1, 60_000, 1)
    assert rates.refusal(KEY, 61_000) is None
    assert rates.refusal(("demo", "86", "13800138000", 3), 2_000) is None  # another codeType


def test_the_retry_delay_waits_for_the_send_that_must_leave() -> None:
    rates = limiter(per_code_type_max=2, per_code_type_window_ms=10_000, per_phone_max=None)
    for at in (5_000, 1_000, 3_000):  # recorded out of order (a clock moved back)
        rates.record(KEY, at)
    # Three sends within the window, at most two: the second oldest (3 000) must leave.
    assert rates.refusal(KEY, 6_000) == RateRefusal("per_code_type", 2, 10_000, 7_000)


def test_the_long_window_counts_every_code_type_of_a_phone() -> None:
    rates = limiter(per_code_type_max=None, per_phone_max=2, per_phone_window_ms=3_600_000)
    rates.record(("demo", "86", "13800138000", 1), 0)
    assert rates.refusal(("demo", "86", "13800138000", 5), 10) is None
    rates.record(("demo", "86", "13800138000", 2), 10)
    assert rates.refusal(("demo", "86", "13800138000", 5), 20) == RateRefusal(
        "per_phone", 2, 3_600_000, 3_599_980)
    assert rates.refusal(("demo", "852", "13800138000", 5), 20) is None
    assert rates.refusal(("other", "86", "13800138000", 5), 20) is None


def test_a_send_in_the_future_keeps_counting() -> None:
    rates = limiter(per_code_type_max=1, per_code_type_window_ms=1_000, per_phone_max=None)
    rates.record(KEY, 100_000)
    assert rates.refusal(KEY, 50_000) == RateRefusal("per_code_type", 1, 1_000, 51_000)


def test_quiet_phones_are_forgotten_every_1024_records() -> None:
    rates = limiter(per_code_type_max=1, per_code_type_window_ms=1_000, per_phone_max=5,
                    per_phone_window_ms=2_000)
    for number in range(1023):
        rates.record(("demo", "86", str(number), 2), 0)
    assert len(rates._by_code_type) == 1023 and len(rates._by_phone) == 1023
    rates.record(KEY, 1_500)  # the 1024th: a sweep at 1 500 ms
    assert list(rates._by_code_type) == [KEY]
    assert len(rates._by_phone) == 1024  # the long window (2 s) still holds them all
    for number in range(1023):
        rates.record(("demo", "86", str(number), 2), 0)
    rates.record(KEY, 2_000)  # the next sweep, at 2 000 ms: the long window has passed too
    assert list(rates._by_phone) == [KEY[:3]]


def test_no_sweep_before_the_1024th_record() -> None:
    rates = limiter(per_code_type_max=1, per_code_type_window_ms=1_000, per_phone_max=None)
    for number in range(511):
        rates.record(("demo", "86", str(number), 2), 0)
    rates.record(KEY, 1_500)  # the 512th record: no sweep yet, the quiet phones are kept
    assert len(rates._by_code_type) == 512


def test_clear_forgets_every_send() -> None:
    rates = limiter()
    rates.record(KEY, 0)
    rates.clear()
    assert rates.refusal(KEY, 1) is None


def test_the_default_policy_described() -> None:
    assert RatePolicy().describe() == ("at most 1 per phone and codeType per 60 s; at most 5 "
                                       "per phone per 3600 s")
    assert RatePolicy(per_code_type_max=None).describe() == "at most 5 per phone per 3600 s"
    assert RatePolicy(per_phone_max=None).describe() == (
        "at most 1 per phone and codeType per 60 s")
    assert RatePolicy.unlimited().describe() == "no limit"


@pytest.mark.parametrize(("retry_after_ms", "shown"), [(1, "0.1"), (100, "0.1"), (101, "0.2"),
                                                       (1_000, "1.0"), (59_999, "60.0")])
def test_a_refusal_rounds_its_delay_up_to_a_tenth_of_a_second(retry_after_ms: int,
                                                               shown: str) -> None:
    refusal = RateRefusal("per_code_type", 1, 60_000, retry_after_ms)
    assert refusal.describe("en") == (
        "at most 1 send(s) per phone and codeType per 60 s (sandbox policy); the next send is "
        f"possible in {shown} s")


def test_a_refusal_in_both_languages() -> None:
    refusal = RateRefusal("per_phone", 5, 3_600_000, 1_000)
    assert refusal.describe("en") == ("at most 5 send(s) per phone per 3600 s (sandbox policy); "
                                      "the next send is possible in 1.0 s")
    assert refusal.describe("zh") == (
        "同一手机号码每 1 小时最多发送 5 次（沙箱策略）；1 秒后才能再次发送")


@pytest.mark.parametrize("value", [0, -1, True, 1.0])
@pytest.mark.parametrize("name", ["per_code_type_max", "per_phone_max"])
def test_a_maximum_must_be_a_positive_int_or_none(name: str, value: object) -> None:
    with pytest.raises(ValueError) as raised:
        RatePolicy(**{name: value})  # type: ignore[arg-type]
    assert str(raised.value) == f"RatePolicy.{name} must be an int >= 1 or None, not {value!r}"


@pytest.mark.parametrize("value", [0, -1, True, 1.0, None])
@pytest.mark.parametrize("name", ["per_code_type_window_ms", "per_phone_window_ms"])
def test_a_window_must_be_a_positive_int(name: str, value: object) -> None:
    with pytest.raises(ValueError) as raised:
        RatePolicy(**{name: value})  # type: ignore[arg-type]
    assert str(raised.value) == f"RatePolicy.{name} must be an int >= 1 (ms), not {value!r}"


def test_the_smallest_policy_is_accepted() -> None:
    policy = RatePolicy(per_code_type_max=1, per_code_type_window_ms=1, per_phone_max=1,
                        per_phone_window_ms=1)
    assert policy.describe() == ("at most 1 per phone and codeType per 0.001 s; at most 1 per "
                                 "phone per 0.001 s")
