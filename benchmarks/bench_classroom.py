"""The classroom sandbox under a class: twenty trainees sending at once, and the dashboard.

Twenty threads, one per trainee, each on its own kept-alive connection, send that trainee's
requests (raw HTTP/1.1, signed with the trainee's own secret; every fifth one signed with a
wrong secret, so the sandbox answers 5420 and its request log runs the signature doctor, as
in a class) and check them: every tenth request reads the trainee's own outbox
(``GET /_sandbox/me/outbox``, signed as the trainee; on the plain sandbox the open outbox).
Every answer is checked against what is expected. The same load against a
plain sandbox (shipped domains, no classroom: no guard, no tallies) runs in the same run, for
comparison. Then one dashboard refresh (``GET /_sandbox/class/dashboard`` with the trainer
token) is timed after the load, with every trainee's requests in the log, and the in-process
summary (:meth:`Classroom.dashboard`) with 20 x 200 requests tallied.

Memory per trainee: the classroom server's resident memory before and after the load, per
trainee; and, in process (``tracemalloc``), what one trainee costs at the classroom's bounds:
a full own request log (``records_per_trainee``) and a full replay memory
(``replay.max_signed_per_window`` randoms), the most one trainee can make the sandbox hold.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urlencode

from benchmarks.bench_sandbox import RawConnection, Server, running_server
from benchmarks.figures import MET, MISSED, Figure, median, percentile

TRAINEES, SEED = 20, 1
#: p99 of one request with twenty trainees sending at once, on this machine.
P99_AIM_MS = 50.0
#: Every this-many-th request is signed with a wrong secret (a 5420).
WRONG_EVERY = 5
#: Every this-many-th request is a trainee checking their own outbox.
CHECK_EVERY = 10
PER_TRAINEE = 200


def classroom_server(*, plain: bool = False) -> AbstractContextManager[Server]:
    """The classroom sandbox (or, ``plain``, a sandbox with one domain) in its own process."""
    return running_server("benchmarks.classroom_server", str(TRAINEES), str(SEED),
                          *(["plain"] if plain else []))


def _check_request(port: int, user_domain: str, secret: str, *,
                   classroom: bool) -> tuple[bytes, bytes]:
    """A trainee reading their outbox: signed as the trainee in a classroom."""
    from smskit.sandbox.classroom.auth import trainee_authorization

    if not classroom:
        return ((f"GET /_sandbox/outbox?userDomain={user_domain} HTTP/1.1\r\n"
                 f"Host: 127.0.0.1:{port}\r\n\r\n").encode("ascii"), b'"deliveries"')
    signed = trainee_authorization(user_domain=user_domain, secret=secret, method="GET",
                                   target="/_sandbox/me/outbox")
    return ((f"GET /_sandbox/me/outbox HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
             f"Authorization: {signed}\r\n\r\n").encode("ascii"), b'"deliveries"')


def trainee_requests(port: int, user_domain: str, secret: str, index: int,
                     count: int, *, classroom: bool = True) -> list[tuple[bytes, bytes]]:
    """``count`` requests of one trainee as raw HTTP/1.1, each with a fragment its answer
    must hold (the code expected, or the outbox)."""
    from smskit import build_request
    from smskit.request import ENDPOINT_PATH

    built = []
    for n in range(count):
        if n % CHECK_EVERY == CHECK_EVERY - 1:
            built.append(_check_request(port, user_domain, secret, classroom=classroom))
            continue
        wrong = n % WRONG_EVERY == WRONG_EVERY - 1
        request = build_request(phone=f"139{index:02d}{n % 1000:06d}", code_type=n % 5 + 1,
                                user_domain=user_domain, secret=secret[::-1] if wrong else secret)
        target = f"{ENDPOINT_PATH}?{urlencode(request.query())}"
        raw = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\naccept: */*\r\n"
               "Content-Length: 0\r\n\r\n").encode("ascii")
        built.append((raw, f'"code":{5420 if wrong else 200},'.encode()))
    return built


@dataclass(frozen=True)
class Load:
    """Requests per second and latency percentiles (s) of one load run, and wrong answers."""

    rps: float
    p50: float
    p99: float
    errors: list[str]


def _class_load(port: int, work: list[list[tuple[bytes, bytes]]]) -> Load:
    barrier = threading.Barrier(len(work) + 1)
    latencies: list[list[float]] = [[] for _ in work]
    errors: list[str] = []

    def trainee(index: int) -> None:
        connection = RawConnection(port)
        try:
            barrier.wait()
            for raw, expected in work[index]:
                started = time.perf_counter()
                status, body = connection.exchange(raw)
                latencies[index].append(time.perf_counter() - started)
                if status != 200 or expected not in body:
                    errors.append(f"HTTP {status} {body[:100]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=trainee, args=(i,), daemon=True)
               for i in range(len(work))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    samples = [value for own in latencies for value in own]
    return Load(len(samples) / elapsed, percentile(samples, 0.5), percentile(samples, 0.99),
                errors)


def _refresh_ms(port: int, token: str, rounds: int) -> float:
    connection = RawConnection(port)
    request = (f"GET /_sandbox/class/dashboard HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Authorization: Bearer {token}\r\n\r\n").encode("ascii")
    samples = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            status, body = connection.exchange(request)
            samples.append(time.perf_counter() - started)
            if status != 200 or b'"trainees"' not in body:
                raise RuntimeError(f"dashboard answered {status} {body[:100]!r}")
    finally:
        connection.close()
    return median(samples) * 1000


def _in_process_summary_us(rounds: int) -> float:
    """:meth:`Classroom.dashboard` with 20 x 200 requests tallied (no HTTP)."""
    from smskit.clock import FixedClock
    from smskit.sandbox import RatePolicy, Sandbox
    from smskit.sandbox.classroom import Classroom, Roster

    roster = Roster.numbered(TRAINEES, seed=SEED)
    classroom = Classroom(roster)
    with Sandbox(extension=classroom, clock=FixedClock(1_796_000_000_000),
                 policy=RatePolicy.unlimited()) as sandbox:
        for index, trainee in enumerate(roster):
            client = sandbox.client(user_domain=trainee.user_domain, secret=trainee.secret)
            for n in range(PER_TRAINEE):
                client.send_code(f"139{index:02d}{n:06d}", 3)
        if sum(row.requests for row in classroom.dashboard()) != TRAINEES * PER_TRAINEE:
            raise RuntimeError("the tallies do not count every request")
        started = time.perf_counter()
        for _ in range(rounds):
            classroom.dashboard()
        return (time.perf_counter() - started) / rounds * 1e6


def run(*, quick: bool = False) -> list[Figure]:
    from smskit.sandbox.classroom import Roster

    roster = Roster.numbered(TRAINEES, seed=SEED)
    per_trainee = 100 if quick else PER_TRAINEE
    figures: list[Figure] = []
    with classroom_server() as server, classroom_server(plain=True) as plain:
        from smskit.sandbox import load_domains

        demo = load_domains().demo_domain
        work = [trainee_requests(server.port, t.user_domain, t.secret, i, per_trainee)
                for i, t in enumerate(roster)]
        plain_work = [trainee_requests(plain.port, demo, load_domains().secret_for(demo), i,
                                       per_trainee, classroom=False) for i in range(TRAINEES)]
        baseline = _class_load(plain.port, plain_work)
        before = server.stats()["rss_kib"]
        result = _class_load(server.port, work)
        grown = (server.stats()["rss_kib"] - before) / TRAINEES
        errors = result.errors + baseline.errors
        verdict = "info" if not errors else f"ERRORS: {len(errors)}, e.g. {errors[0]}"
        p99 = result.p99 * 1000
        label = (f"classroom: {TRAINEES} trainees sending and checking at once, {per_trainee} "
                 "requests each")
        figures += [
            Figure(f"{label}, throughput", result.rps, "req/s", "-", verdict),
            Figure(f"{label}, latency p50", result.p50 * 1000, "ms"),
            Figure(f"{label}, latency p99", p99, "ms", f"<= {P99_AIM_MS:.0f}",
                   MET if p99 <= P99_AIM_MS else MISSED),
            Figure("plain sandbox, same load (one domain), throughput", baseline.rps, "req/s",
                   "-", verdict),
            Figure("plain sandbox, same load, latency p99", baseline.p99 * 1000, "ms"),
            Figure(f"classroom: resident memory added per trainee by that load ({per_trainee} "
                   "requests each)", grown, "KiB"),
        ]
        stats = server.stats()
        figures.append(Figure(
            f"classroom: one dashboard refresh over HTTP ({stats['log_records']} log records)",
            _refresh_ms(server.port, roster.trainer_token, 20 if quick else 50), "ms", "-",
            f"info ({stats['internal_errors']} internal errors, "
            f"{stats['rss_kib'] / 1024:.0f} MiB resident)"))
    figures.append(Figure(f"classroom: dashboard summary in process ({TRAINEES} x "
                          f"{PER_TRAINEE} requests tallied)",
                          _in_process_summary_us(200 if quick else 1000), "us"))
    records, randoms, kib = _memory_at_bounds_kib()
    figures.append(Figure(f"classroom: memory of one trainee at the bounds ({records} own log "
                          f"records, {randoms} remembered randoms)", kib, "KiB"))
    return figures


def _memory_at_bounds_kib() -> tuple[int, int, float]:
    """What one trainee can make the sandbox hold, measured with ``tracemalloc``."""
    from smskit.clock import FixedClock
    from smskit.sandbox import RatePolicy, Sandbox
    from smskit.sandbox.classroom import Classroom, Roster
    from smskit.sandbox.classroom.auth import trainee_authorization
    from smskit.sandbox.classroom.dashboard import records_per_trainee
    from smskit.sandbox.classroom.guard import max_signed_per_window
    from smskit.sandbox.wire import Request
    from smskit.signing import sign

    clock = FixedClock(1_796_000_000_000)
    roster = Roster.numbered(TRAINEES, seed=SEED)
    classroom = Classroom(roster)
    trainee = roster.trainees[0]
    records, randoms = records_per_trainee(), max_signed_per_window()
    with Sandbox(extension=classroom, clock=clock, policy=RatePolicy.unlimited()) as sandbox:
        log = sandbox.request_log
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            for n in range(records + 100):  # more than kept: the oldest drop off
                random = f"bound{n:011d}"
                params = {"codeType": "3", "internationalCode": "86", "phone": "13912345678",
                          "random": random, "ts": str(clock.now_ms()),
                          "userDomain": trainee.user_domain}
                params["signature"] = sign(phone="13912345678", code_type=3, random=random,
                                           ts=clock.now_ms(), secret=trainee.secret)
                log.record(method="POST", path="/v2/sms/enduserapi/v2/sendPhoneSmsCode",
                           params=params, status=200, code=200, check="delivered", api=True)
            if len(log.records(user_domain=trainee.user_domain)) != records:
                raise RuntimeError("the trainee's own log is not bounded as the data says")
            for _ in range(randoms):
                header = trainee_authorization(user_domain=trainee.user_domain,
                                               secret=trainee.secret, method="GET",
                                               target="/_sandbox/me", clock=clock)
                classroom.access.trainee(Request("GET", "/_sandbox/me", "",
                                                 authorization=header))
            if classroom.access.remembered(trainee.user_domain) != randoms:
                raise RuntimeError("the replay memory does not hold the window's randoms")
            used = tracemalloc.get_traced_memory()[0] - start
        finally:
            tracemalloc.stop()
    return records, randoms, used / 1024
