"""The sandbox over loopback: throughput and latency, and the client's own overhead.

The sandbox runs in a child process (:mod:`benchmarks.sandbox_server`) with a rate policy
that never refuses. Load comes from 1, 4 and 16 threads here, each holding one kept-alive
connection and sending correctly signed API calls for many different phones, written as raw
HTTP/1.1 so that the client costs little next to the server. Every answer is checked: HTTP
200 with the success envelope; anything else is counted as an error and shown.

The floor is :mod:`benchmarks.bare_server`, a bare ``http.server`` answering the constant
success envelope over keep-alive, loaded the same way in the same run, interleaved (floor,
sandbox, sandbox, floor, each for half the time) so that both meet the same changes in the
machine's other load; the sandbox's share of its throughput is the figure to watch (aim: at
least 0.5).

The client's overhead is :meth:`SmsClient.send_prepared` (re-validate, prepare, send, judge
the answer) against a raw ``requests.Session().send()`` of the same prepared request.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from urllib.parse import urlencode

from benchmarks.figures import MET, MISSED, ROOT, Figure, cpu_seconds, median, percentile

LEVELS = (1, 4, 16)
#: The sandbox should answer at least half as many requests as the bare floor server.
RATIO_AIM = 0.5
PHONES = 2000
#: More distinct phones than smskit.validation caches judgements for (4096), cycled.
UNCACHED_PHONES = 8192
_SUCCESS = b'"code":200,'


class Server:
    """The child process running the sandbox."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"

    def stats(self) -> dict[str, Any]:
        stdin, stdout = self._pipes()
        stdin.write("stats\n")
        stdin.flush()
        stats: dict[str, Any] = json.loads(stdout.readline())
        return stats

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("the sandbox process has no pipes")
        return stdin, stdout


@contextmanager
def running_server(module: str = "benchmarks.sandbox_server", *args: str) -> Iterator[Server]:
    """Start ``python -m module args...``; it prints its port, and ends when stdin closes."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline()) if process.stdout is not None else 0
        yield Server(process, port)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class RawConnection:
    """One kept-alive HTTP/1.1 connection that sends prepared bytes and reads one answer."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        status = int(self.reader.readline().split(b" ", 2)[1])
        length = 0
        while True:
            line = self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, self.reader.read(length)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def signed_requests(port: int, count: int, *, offset: int = 0,
                    phones: int = PHONES) -> list[bytes]:
    """``count`` correctly signed API calls for ``phones`` different phones, as raw HTTP/1.1."""
    from smskit import build_request
    from smskit.request import ENDPOINT_PATH
    from smskit.sandbox import load_domains

    domain = load_domains().demo_domain
    secret = load_domains().secret_for(domain)
    built = []
    for n in range(offset, offset + count):
        request = build_request(phone=f"138{n % phones:08d}", code_type=n % 5 + 1,
                                user_domain=domain, secret=secret)
        target = f"{ENDPOINT_PATH}?{urlencode(request.query())}"
        built.append(f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\naccept: */*\r\n"
                     "Content-Length: 0\r\n\r\n".encode("ascii"))
    return built


def _compared(floor: Server, server: Server, clients: int, seconds: float,
              requests_by_client: list[list[bytes]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The floor's and the sandbox's figures at the same load, each loaded ``seconds`` in two
    halves, interleaved floor, sandbox, sandbox, floor: on a machine whose other load
    changes from second to second, both see the same mix of it."""
    runs: dict[str, list[dict[str, Any]]] = {"floor": [], "sandbox": []}
    for name in ("floor", "sandbox", "sandbox", "floor"):
        runs[name].append(_load(floor if name == "floor" else server, clients, seconds / 2,
                                requests_by_client))
    return _merged(runs["floor"]), _merged(runs["sandbox"])


def _merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    samples = [value for run in runs for value in run["samples"]]
    elapsed = sum(run["elapsed"] for run in runs)
    return {"rps": len(samples) / elapsed, "p50": percentile(samples, 0.50),
            "p99": percentile(samples, 0.99), "count": len(samples),
            "errors": [error for run in runs for error in run["errors"]],
            "cpu_per_answer": sum(run["cpu"] for run in runs) / max(1, len(samples))}


def _load(server: Server, clients: int, seconds: float,
          requests_by_client: list[list[bytes]]) -> dict[str, Any]:
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []

    def client(index: int) -> None:
        connection = RawConnection(server.port)
        own, mine = latencies[index], requests_by_client[index]
        try:
            for request in mine[:20]:  # warm the connection and the server thread
                connection.exchange(request)
            barrier.wait()
            n = 0
            while not stop.is_set():
                request = mine[n % len(mine)]
                n += 1
                started = time.perf_counter()
                status, body = connection.exchange(request)
                own.append(time.perf_counter() - started)
                if status != 200 or _SUCCESS not in body:
                    errors.append(f"HTTP {status} {body[:120]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu_before = time.perf_counter(), cpu_seconds(server.process.pid)
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.perf_counter() - started
    samples = [value for own in latencies for value in own]
    return {"samples": samples, "elapsed": elapsed, "errors": errors,
            "cpu": cpu_seconds(server.process.pid) - cpu_before}


def _cpu_figure(label: str, result: dict[str, Any], floor: dict[str, Any]) -> Figure:
    """The server process's CPU time per answer (user + system): unlike throughput, hardly
    moved by other work on the machine, so the steadier comparison with the floor."""
    mine, theirs = result["cpu_per_answer"] * 1e6, floor["cpu_per_answer"] * 1e6
    return Figure(f"{label}, server CPU per answer", mine, "us", "-",
                  f"info (floor {theirs:.0f} us: {theirs / mine:.2f}x)")


def _client_overhead(server: Server, *, quick: bool) -> list[Figure]:
    import requests

    from smskit.client import SmsClient
    from smskit.sandbox import load_domains

    domain = load_domains().demo_domain
    client = SmsClient(base_url=server.base_url, user_domain=domain,
                       secret=load_domains().secret_for(domain))
    request = client.prepare("13800138000", 3)
    prepared = request.to_prepared(server.base_url)
    session = requests.Session()

    def raw() -> None:
        response = session.send(prepared, timeout=10)
        if response.status_code != 200 or response.json()["code"] != 200:
            raise RuntimeError(f"raw send answered {response.status_code} {response.text}")

    def through_client() -> None:
        client.send_prepared(request)  # raises unless the sandbox answered success

    def full() -> None:
        client.send_code("13800138000", 3)

    batch, rounds = (20, 5) if quick else (40, 15)
    per_call: dict[str, list[float]] = {"raw": [], "client": [], "full": []}
    calls = {"raw": raw, "client": through_client, "full": full}
    for name in calls:  # warm up connections and lazy imports
        for _ in range(5):
            calls[name]()
    for index in range(rounds):
        for name in (calls if index % 2 == 0 else reversed(list(calls))):
            started = time.perf_counter()
            for _ in range(batch):
                calls[name]()
            per_call[name].append((time.perf_counter() - started) / batch)
    session.close()
    client.close()
    raw_s, client_s, full_s = (median(per_call[n]) for n in ("raw", "client", "full"))
    return [
        Figure("client: raw requests.Session().send(prepared)", raw_s * 1e6, "us"),
        Figure("client: SmsClient.send_prepared(same request)", client_s * 1e6, "us"),
        Figure("client: overhead of send_prepared over raw", (client_s - raw_s) * 1e6, "us",
               "-", f"info ({client_s / raw_s:.2f}x raw)"),
        Figure("client: SmsClient.send_code() (build, sign, send)", full_s * 1e6, "us"),
    ]


def run(*, quick: bool = False) -> list[Figure]:
    seconds = 1.5 if quick else 4.0
    figures: list[Figure] = []
    with running_server() as server, running_server("benchmarks.bare_server") as bare:
        pool = signed_requests(server.port, PHONES)
        for clients in LEVELS:
            share = [pool[i::clients] for i in range(clients)]
            floor, result = _compared(bare, server, clients, seconds, share)
            errors = result["errors"] + floor["errors"]
            verdict = "info" if not errors else f"ERRORS: {len(errors)}, e.g. {errors[0]}"
            ratio = result["rps"] / floor["rps"]
            figures += [
                Figure(f"bare http.server floor: {clients:>2} keep-alive client(s), throughput",
                       floor["rps"], "req/s", "-", verdict),
                Figure(f"sandbox: {clients:>2} keep-alive client(s), throughput",
                       result["rps"], "req/s", "-", verdict),
                Figure(f"sandbox: {clients:>2} keep-alive client(s), share of the floor",
                       ratio, "x", ">= 0.5", MET if ratio >= RATIO_AIM else MISSED),
                _cpu_figure(f"sandbox: {clients:>2} keep-alive client(s)", result, floor),
                Figure(f"sandbox: {clients:>2} keep-alive client(s), latency p50",
                       result["p50"] * 1000, "ms"),
                Figure(f"sandbox: {clients:>2} keep-alive client(s), latency p99",
                       result["p99"] * 1000, "ms"),
            ]
        # Phones judged for the first time in a while: more phones than the validation
        # cache holds, cycled, so every judgement misses it (the worst case for the sandbox).
        fresh = signed_requests(server.port, UNCACHED_PHONES, phones=UNCACHED_PHONES)
        clients = 4
        share = [fresh[i::clients] for i in range(clients)]
        floor, result = _compared(bare, server, clients, seconds, share)
        ratio = result["rps"] / floor["rps"]
        figures += [
            _cpu_figure(f"sandbox: {clients:>2} clients, uncached phones", result, floor),
            Figure(f"sandbox: {clients:>2} clients, uncached phones, throughput", result["rps"],
                   "req/s", "-", "info" if not result["errors"] else "ERRORS"),
            Figure(f"sandbox: {clients:>2} clients, uncached phones, share of the floor",
                   ratio, "x", "-", f"info (floor {floor['rps']:,.0f} req/s)"),
        ]
        figures += _client_overhead(server, quick=quick)
        stats = server.stats()
        figures.append(Figure("sandbox: server resident memory after the run",
                              stats["rss_kib"] / 1024, "MiB", "-",
                              f"info ({stats['threads']} OS threads, "
                              f"{stats['internal_errors']} internal errors)"))
    return figures
