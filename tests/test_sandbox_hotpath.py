"""What the sandbox's success path does once, ahead or only when needed, and that every
answer stays right: the success answer encoded once, the clock read without a lock, codes
drawn from random bytes read ahead, the delivered log line written only when it is shown
(``./kit bench``: sandbox)."""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from smskit import i18n
from smskit.clock import OffsetClock
from smskit.sandbox import Sandbox
from smskit.sandbox.ratelimit import RatePolicy
from smskit.sandbox.state import SandboxState
from tests.fixtures.sandbox import API_PATH, signed_query

SUCCESS = b'{"code":200,"msg":"","data":null,"extMsg":null}'
TEN_MINUTES_MS = 600_000


@pytest.fixture
def live() -> Iterator[Sandbox]:
    """A sandbox on a wall clock that the tests move over HTTP, rate limits off."""
    with Sandbox(clock=OffsetClock(), policy=RatePolicy.unlimited()) as sb:
        yield sb
        assert sb.internal_errors == 0


def raw_post(sb: Sandbox, query: dict[str, str]) -> requests.Response:
    return requests.post(sb.base_url + API_PATH, params=query, timeout=10)


def test_every_delivered_answer_is_the_documented_envelope_byte_for_byte(live: Sandbox) -> None:
    for code_type in (1, 2):
        answer = raw_post(live, signed_query(live, code_type=code_type))
        assert (answer.status_code, answer.content) == (200, SUCCESS)
        assert answer.headers["Content-Length"] == str(len(SUCCESS))
    wrong = raw_post(live, {**signed_query(live, code_type=3), "signature": "0" * 64})
    assert wrong.json()["code"] == 5420 and wrong.json()["extMsg"]  # its own answer
    assert raw_post(live, signed_query(live, code_type=4)).content == SUCCESS
    assert [d.code_type for d in live.outbox()] == [1, 2, 4]


def test_a_clock_moved_over_http_is_seen_by_the_very_next_request(live: Sandbox) -> None:
    query = signed_query(live)  # ts: now
    assert raw_post(live, query).json()["code"] == 200
    moved = requests.post(live.base_url + "/_sandbox/clock",
                          json={"advanceMs": TEN_MINUTES_MS + 1000}, timeout=5)
    assert moved.status_code == 200
    assert raw_post(live, query).json()["code"] == 5145  # now 10 min 1 s behind
    requests.post(live.base_url + "/_sandbox/clock",
                  json={"advanceMs": -(TEN_MINUTES_MS + 1000)}, timeout=5)
    assert raw_post(live, query).json()["code"] == 200
    requests.post(live.base_url + "/_sandbox/clock",
                  json={"nowMs": int(query["ts"]) - TEN_MINUTES_MS - 1, "frozen": True},
                  timeout=5)
    assert raw_post(live, query).json()["code"] == 5145  # 1 ms too far ahead
    requests.post(live.base_url + "/_sandbox/clock", json={"advanceMs": 1}, timeout=5)
    assert raw_post(live, query).json()["code"] == 200  # exactly 10 min: inclusive


def test_the_delivered_line_is_written_only_when_the_log_shows_it(
        live: Sandbox, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    written: list[str] = []
    real_t = i18n.t

    def recording_t(key: str, /, lang: str | None = None, **values: object) -> str:
        written.append(key)
        return real_t(key, lang, **values)

    monkeypatch.setattr(i18n, "t", recording_t)
    with caplog.at_level(logging.WARNING, logger="smskit.sandbox"):  # smskit sandbox --quiet
        assert raw_post(live, signed_query(live, code_type=1)).content == SUCCESS
    assert "sandbox.log.delivered" not in written
    assert not [r for r in caplog.records if r.name == "smskit.sandbox"]
    with caplog.at_level(logging.INFO, logger="smskit.sandbox"):
        assert raw_post(live, signed_query(live, code_type=2)).content == SUCCESS
    code = live.outbox()[-1].code
    assert [r.getMessage() for r in caplog.records if r.name == "smskit.sandbox"] == [
        f"delivered code {code} to +86 13800138000 (codeType 2, userDomain 'sandbox-demo')"]


def _state() -> SandboxState:
    return SandboxState(policy=RatePolicy.unlimited(), clock=OffsetClock())


def test_a_code_redraws_bits_that_would_favour_some_codes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 2**64 - 1 lies in the last, partial run of a million: drawn again, not used.
    block = b"\xff" * 8 + (1_234_567).to_bytes(8, "big") + bytes(8 * 62)
    calls: list[int] = []

    def urandom(size: int) -> bytes:
        calls.append(size)
        return block

    monkeypatch.setattr("smskit.sandbox.state.os.urandom", urandom)
    state = _state()
    assert state._new_code() == "234567"
    assert state._new_code() == "000000"  # the next 8 bytes: 0
    assert calls == [512]


def test_codes_read_random_bytes_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    source = random.Random(7)
    calls: list[int] = []

    def urandom(size: int) -> bytes:
        calls.append(size)
        return source.randbytes(size)

    monkeypatch.setattr("smskit.sandbox.state.os.urandom", urandom)
    state = _state()
    codes = [state._new_code() for _ in range(65)]
    assert calls == [512, 512]  # 64 codes per block (no redraw is likely: p < 1e-12)
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_codes_are_spread_over_every_digit() -> None:
    state = _state()
    codes = [state._new_code() for _ in range(10_000)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    for position in (0, 5):  # expected 1,000 each; 5 standard deviations is about 150
        counts = Counter(code[position] for code in codes)
        assert sorted(counts) == list("0123456789")
        assert all(850 <= n <= 1150 for n in counts.values()), counts


def test_a_seeded_sandbox_still_draws_reproducible_codes() -> None:
    def codes() -> list[str]:
        state = SandboxState(policy=RatePolicy.unlimited(), clock=OffsetClock(),
                             random_source=random.Random(42))
        return [state._new_code() for _ in range(3)]

    assert codes() == codes()
    expected = random.Random(42)
    assert codes() == [f"{expected.randrange(10**6):06d}" for _ in range(3)]


def test_the_last_fair_value_is_used_and_the_first_unfair_one_redrawn(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 2**64 = 18446744073709551616: its last full run of a million ends at ...709000000 - 1.
    last_fair, first_unfair = 18446744073708999999, 18446744073709000000
    block = (first_unfair.to_bytes(8, "big") + last_fair.to_bytes(8, "big")
             + (42).to_bytes(8, "big") + bytes(8 * 61))
    monkeypatch.setattr("smskit.sandbox.state.os.urandom", lambda size: block)
    state = _state()
    assert state._new_code() == "999999"  # the unfair value was skipped, the fair one used
    assert state._new_code() == "000042"
