"""Sixteen clients sending to one phone at the same instant, through :class:`SmsClient`.

``test_sandbox_ratelimit.py::test_concurrent_sends_get_exactly_the_allowed_successes`` sends
16 threads x 5 raw requests under the default policy. This module is its client-side
counterpart: one send per thread, all released together by a barrier, under several policies
(including one where the per-phone window binds before the per-codeType one). Exactly the
policy's number succeed, every other caller gets :class:`RateLimited` (5058, the platform's
message), and the outbox holds exactly the accepted sends, of which only the newest code is
still valid.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from smskit.client import SmsClient
from smskit.errors import RateLimited, SmskitError
from smskit.sandbox import RatePolicy, Sandbox
from tests.fixtures.sandbox import PHONE, domain_secret

THREADS = 16


def _send_all_at_once(box: Sandbox, *, code_type_of: Callable[[int], int] = lambda i: 3,
                      ) -> list[object]:
    """Each of 16 threads sends once through its own client; the outcome per thread."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def worker(index: int) -> None:
        with SmsClient(base_url=box.base_url, user_domain=box.demo_domain,
                       secret=domain_secret(box.demo_domain), clock=box.clock) as client:
            request = client.prepare(PHONE, code_type_of(index))  # sign before the barrier
            barrier.wait(timeout=30)
            try:
                outcomes[index] = client.send_prepared(request)
            except SmskitError as error:
                outcomes[index] = error
            except BaseException as error:  # surfaced below, not lost in the thread
                outcomes[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _allowed(policy: RatePolicy) -> int:
    """How many sends to one phone and codeType a policy accepts at one instant."""
    limits = [limit for limit in (policy.per_code_type_max, policy.per_phone_max)
              if limit is not None]
    return min([THREADS, *limits])


@pytest.mark.parametrize("policy", [
    RatePolicy(),                                           # the default: 1 per codeType
    RatePolicy(per_code_type_max=3, per_phone_max=10),      # the codeType window binds
    RatePolicy(per_code_type_max=12, per_phone_max=7),      # the phone window binds
    RatePolicy.unlimited(),                                 # nobody is refused
], ids=["default", "per-code-type-3", "per-phone-7", "unlimited"])
def test_exactly_the_policys_number_succeed_and_the_rest_are_rate_limited(
    make_sandbox: Callable[..., Sandbox], policy: RatePolicy,
) -> None:
    box = make_sandbox(policy=policy)
    outcomes = _send_all_at_once(box)
    accepted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    expected = _allowed(policy)
    assert len(accepted) == expected
    assert all(getattr(result, "code", None) == 200 for result in accepted)
    for error in refused:  # every other answer is 5058, as the platform words it
        assert isinstance(error, RateLimited), repr(error)
        assert (error.code, error.msg) == (5058, "短信发送超出频率")
        assert error.retry_safe  # nothing was sent: asking again later is safe
    outbox = box.outbox()
    assert len(outbox) == expected
    assert {(d.phone, d.international_code, d.code_type) for d in outbox} == {(PHONE, "86", 3)}
    # One code per accepted send, and only the newest one is still valid.
    assert [d.superseded for d in outbox] == [True] * (expected - 1) + [False]
    newest = outbox[-1]
    assert box.verify_code(phone=PHONE, code_type=3, code=newest.code).ok
    assert box.internal_errors == 0
