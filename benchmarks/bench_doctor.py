"""``smskit.diagnose()`` per request: right, named by the grammar, and one nothing explains.

The aims (issue 20): a right signature in at most 0.1 ms, and the full search (a signature
nothing in the grammar explains, every point tried) at most 20 ms of CPU at p99. The other
cases are the costliest named ones: the last offset of the ts window (+10 000 ms, found after
every other point and 19 999 other offsets) and a pair of transforms nobody catalogued.
Samples are single calls: wall time (perf_counter_ns) and this thread's CPU time
(thread_time_ns), which leaves out the time the process waited for a core, so a loaded
machine shows in the gap between the two. A bare ``hashlib.sha256`` of the signed text,
measured in the same run, is the unit: each case says how many digests it computed and
what that costs in bare hashes.
"""

from __future__ import annotations

import hashlib
import time
import timeit
from collections.abc import Callable

from benchmarks.figures import Figure, at_most, percentile

RIGHT_AIM_MS = 0.1
SEARCH_AIM_MS = 20.0


def run(*, quick: bool = False) -> list[Figure]:
    from smskit.doctor import diagnose, transforms
    from smskit.doctor.search import text_points, ts_offsets

    phone, code, random, ts = "13800138000", "3", "76a6L647F02CAoN9", 1744773894369
    secret = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"  # noqa: S105 - the page publishes it
    body = f"{phone}{code}{random}"

    def sent(signature: str) -> dict[str, str]:
        return {"phone": phone, "codeType": code, "random": random, "ts": str(ts),
                "signature": signature, "internationalCode": "86", "userDomain": "C.DM.5903.1"}

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    cases = {
        "right signature": (sha(f"{body}{ts}{secret}"), "correct", None),
        "ts window, last offset (+10000 ms)": (sha(f"{body}{ts + 10_000}{secret}"),
                                               "known_mistake", "ts-differs"),
        "uncatalogued pair (random lowercased, codeType 03)": (
            sha(f"{phone}03{random.lower()}{ts}{secret}"), "known_mistake",
            "code-type-padded+random-lower"),
        "unexplained (every point tried)": (sha("no mistake of the grammar"), "unexplained",
                                            None),
    }
    for name, (signature, verdict, mistake) in cases.items():
        found = diagnose(sent(signature), secret=secret)
        if found.verdict != verdict or (mistake and found.mistake and found.mistake.id != mistake):
            raise RuntimeError(f"diagnose() no longer answers {verdict} for {name}")
    count = 50 if quick else 300
    text = f"{body}{ts}{secret}".encode()
    hash_s = min(timeit.repeat(lambda: hashlib.sha256(text).hexdigest(), number=10_000,
                               repeat=5)) / 10_000  # too short to time one call at a time
    figures = [Figure("doctor: transforms in the grammar", len(transforms()), "-"),
               Figure("doctor: points of text transforms searched (besides the ts window)",
                      len(text_points()), "-"),
               Figure("doctor: ts window offsets searched", len(ts_offsets()), "-"),
               Figure("doctor: one bare hashlib.sha256(signed text).hexdigest() (best)",
                      hash_s * 1e6, "us")]
    for name, (signature, _, _) in cases.items():
        fields = sent(signature)
        hashes = diagnose(fields, secret=secret).hashes
        wall, cpu = _samples(lambda fields=fields: diagnose(fields, secret=secret), count)
        aim_ms = RIGHT_AIM_MS if name == "right signature" else SEARCH_AIM_MS
        p50, p99 = percentile(wall, 0.5) * 1e3, percentile(wall, 0.99) * 1e3
        cpu_p50, cpu_p99 = percentile(cpu, 0.5) * 1e3, percentile(cpu, 0.99) * 1e3
        figures += [Figure(f"doctor: {name}, hashes tried", hashes, "-"),
                    Figure(f"doctor: {name}, p50", p50, "ms"),
                    Figure(f"doctor: {name}, p99", p99, "ms"),
                    Figure(f"doctor: {name}, CPU time p50", cpu_p50, "ms"),
                    Figure(f"doctor: {name}, CPU time p99", cpu_p99, "ms",
                           f"<= {aim_ms:g} ms", at_most(cpu_p99, aim_ms)),
                    Figure(f"doctor: {name}, p50 in bare sha256 calls", p50 / 1e3 / hash_s,
                           "x")]
    return figures


def _samples(call: Callable[[], object], count: int) -> tuple[list[float], list[float]]:
    """``count`` single-call wall and CPU durations in seconds, after a few warm-up calls."""
    for _ in range(5):
        call()
    wall, cpu = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
        call()
        cpu.append((time.thread_time_ns() - started_cpu) / 1e9)
        wall.append((time.perf_counter_ns() - started) / 1e9)
    return wall, cpu
