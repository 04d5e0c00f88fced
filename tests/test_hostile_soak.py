"""Soak: 20 000 requests over kept-alive connections from several threads, bounded in count
and time, against a sandbox in its own process, whose memory and threads are read from
``/proc/<pid>/status``.

The stated bound: after a 2 000-request warm-up, the next 20 000 requests (70 % correctly
signed sends for 4 000 phones, the rest bad signatures, missing parameters, malformed
queries and health checks; four kept-alive connections plus one thread opening a connection
per request) grow the sandbox's resident memory by less than :data:`RSS_GROWTH_BOUND_MIB`,
keep its OS threads within idle + the open connections + :data:`THREAD_SLACK`, and let the
threads fall back to the idle count once the clients have gone. The outbox then holds exactly
the accepted sends, up to its cap of 10 000. No answer is 500 or more, no internal error is
recorded, and a good request succeeds afterwards.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.sandbox import API_PATH, domain_secret, page_signature

ROOT = Path(__file__).resolve().parents[1]
TOTAL = 20_000
WARM_UP = 2_000
KEPT_ALIVE, CHURN_REQUESTS = 4, 1_000
PHONES = 4_000
OUTBOX_CAP = 10_000  # SandboxState's outbox_limit default
RSS_GROWTH_BOUND_MIB = 32  # measured: about 11 MiB on the reference machine
THREAD_SLACK = 3
TIME_LIMIT_S = 120

SERVER = r"""
import json, sys, threading
from pathlib import Path
from smskit.sandbox import Sandbox

def status():
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "Threads"):
            values[name] = int(rest.split()[0])
    return values

with Sandbox() as box:
    print(box.port, flush=True)
    for line in sys.stdin:
        now = status()
        print(json.dumps({"rss_kib": now["VmRSS"], "threads": now["Threads"],
                          "internal_errors": box.internal_errors,
                          "outbox": len(box.outbox())}), flush=True)
"""


class Server:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdin is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        self.port = int(self.stdout.readline())

    def stats(self) -> dict[str, int]:
        self.stdin.write("stats\n")
        self.stdin.flush()
        stats: dict[str, int] = json.loads(self.stdout.readline())
        return stats

    def stop(self) -> None:
        self.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stdout.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.stop()


class Connection:
    """A kept-alive HTTP/1.1 connection: send request bytes, read one answer."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.reader = self.sock.makefile("rb")

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        status_line = self.reader.readline()
        assert status_line.startswith(b"HTTP/1.1 "), status_line
        length = 0
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), self.reader.read(length)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def build(n: int, port: int, *, close: bool = False, phone: str | None = None,
          ) -> tuple[str, bytes]:
    """Request number ``n`` of the mix, and what kind it is."""
    domain = "sandbox-demo"
    phone = phone or f"139{n % PHONES:08d}"
    code_type = (n // PHONES) % 5 + 1
    random_text = f"{n:016d}"
    ts = int(time.time() * 1000)
    signature = page_signature(phone=phone, code_type=code_type, random_text=random_text, ts=ts,
                               secret=domain_secret(domain))
    query = {"codeType": str(code_type), "internationalCode": "86", "phone": phone,
             "random": random_text, "signature": signature, "ts": str(ts), "userDomain": domain}
    kind = "send"
    method, path = "POST", API_PATH
    if n % 50 == 49:
        kind, method, path, query = "health", "GET", "/_sandbox/health", {}
    elif n % 10 == 7:
        kind, query["signature"] = "bad-signature", "0" * 64
    elif n % 10 == 8:
        kind = "missing-phone"
        del query["phone"]
    elif n % 10 == 9:
        kind, query["phone"] = "malformed", "%zz"
    target = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\naccept: */*\r\n"
    head += "Content-Length: 0\r\n" if method == "POST" else ""
    head += "Connection: close\r\n" if close else ""
    return kind, (head + "\r\n").encode("ascii")


#: The answer each kind must get: (HTTP status, envelope codes allowed).
EXPECTED = {"send": (200, {200, 5058}), "bad-signature": (200, {5420}),
            "missing-phone": (200, {5021}), "malformed": (400, {400}), "health": (200, None)}


def _run_load(port: int, numbers: list[list[int]], churn: list[int], deadline: float,
              peak: dict[str, int], server: Server) -> Counter[tuple[str, int]]:
    tally: Counter[tuple[str, int]] = Counter()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def record(kind: str, status: int, body: bytes) -> None:
        expected_status, codes = EXPECTED[kind]
        assert status == expected_status, (kind, status, body[:200])
        payload: dict[str, Any] = json.loads(body)
        code = payload.get("code", 0) if codes is not None else 0
        if codes is not None:
            assert code in codes, (kind, payload)
        with lock:
            tally[(kind, code)] += 1

    def kept_alive(mine: list[int]) -> None:
        connection = Connection(port)
        try:
            for n in mine:
                assert time.monotonic() < deadline, "the soak ran out of time"
                kind, request = build(n, port)
                record(kind, *connection.exchange(request))
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    def churning() -> None:
        try:
            for n in churn:
                assert time.monotonic() < deadline, "the soak ran out of time"
                kind, request = build(n, port, close=True)
                connection = Connection(port)
                try:
                    record(kind, *connection.exchange(request))
                finally:
                    connection.close()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=kept_alive, args=(mine,)) for mine in numbers]
    threads.append(threading.Thread(target=churning))
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):  # sample the server while it works
        peak["threads"] = max(peak["threads"], server.stats()["threads"])
        time.sleep(0.2)
    assert not failures, failures[:3]
    return tally


@pytest.mark.slow
@pytest.mark.timeout(TIME_LIMIT_S + 60)
def test_twenty_thousand_requests_keep_memory_and_threads_bounded(server: Server) -> None:
    started = time.monotonic()
    deadline = started + TIME_LIMIT_S
    warm = _run_load(server.port, [list(range(TOTAL, TOTAL + WARM_UP))], [], deadline,
                     {"threads": 0}, server)
    time.sleep(0.5)  # the warm-up connection's thread ends
    idle = server.stats()

    main_numbers = list(range(TOTAL - CHURN_REQUESTS))
    split = [main_numbers[i::KEPT_ALIVE] for i in range(KEPT_ALIVE)]
    churn = list(range(TOTAL - CHURN_REQUESTS, TOTAL))
    peak = {"threads": 0}
    tally = _run_load(server.port, split, churn, deadline, peak, server)
    elapsed = time.monotonic() - started

    assert sum(tally.values()) == TOTAL
    settle = time.monotonic() + 5
    after = server.stats()
    while after["threads"] > idle["threads"] and time.monotonic() < settle:
        time.sleep(0.1)
        after = server.stats()

    growth_mib = (after["rss_kib"] - idle["rss_kib"]) / 1024
    print(f"\nsoak: {TOTAL} requests in {elapsed:.1f} s; RSS {idle['rss_kib'] / 1024:.1f} -> "
          f"{after['rss_kib'] / 1024:.1f} MiB (+{growth_mib:.1f}); threads idle "
          f"{idle['threads']}, peak {peak['threads']}, after {after['threads']}; {dict(tally)}")
    assert growth_mib < RSS_GROWTH_BOUND_MIB
    assert peak["threads"] <= idle["threads"] + KEPT_ALIVE + 1 + THREAD_SLACK
    assert after["threads"] == idle["threads"]
    assert after["internal_errors"] == 0

    accepted = (warm + tally)[("send", 200)]
    assert accepted > OUTBOX_CAP  # the soak really reached the outbox's cap
    assert after["outbox"] == min(accepted, OUTBOX_CAP)
    assert tally[("send", 5058)] > 0  # and the rate limit was exercised too

    connection = Connection(server.port)  # still serving: a fresh phone is delivered
    try:
        kind, request = build(0, server.port, phone="13700137000")
        status, body = connection.exchange(request)
        assert (kind, status, json.loads(body)["code"]) == ("send", 200, 200)
    finally:
        connection.close()
    assert server.stats()["outbox"] == OUTBOX_CAP
