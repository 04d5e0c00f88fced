"""A sandbox in its own process for the throughput benchmark (so clients and server do not
share one interpreter lock): ``python -m benchmarks.sandbox_server``.

Prints its port on the first line, then answers each ``stats`` line on stdin with one JSON
line (resident memory, OS threads, internal errors, outbox size); stops when stdin closes.
The rate policy never refuses: the benchmark measures the server, not 5058.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smskit.sandbox import RatePolicy, Sandbox


def process_status() -> dict[str, int]:
    """``VmRSS`` (KiB) and ``Threads`` of this process, from ``/proc/self/status``."""
    values: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "Threads"):
            values[name] = int(rest.split()[0])
    return values


def main() -> None:
    with Sandbox(policy=RatePolicy.unlimited()) as sandbox:
        print(sandbox.port, flush=True)
        for line in sys.stdin:
            if line.strip() == "stats":
                status = process_status()
                print(json.dumps({"rss_kib": status.get("VmRSS"), "threads": status.get("Threads"),
                                  "internal_errors": sandbox.internal_errors,
                                  "outbox": len(sandbox.outbox())}), flush=True)


if __name__ == "__main__":
    main()
