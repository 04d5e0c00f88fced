"""A classroom sandbox in its own process for the classroom benchmark:
``python -m benchmarks.classroom_server TRAINEES SEED [plain]``.

Serves ``Roster.numbered(TRAINEES, seed=SEED)`` (the benchmark rebuilds the same roster to
know the secrets and the token); with ``plain``, the shipped domains and no classroom, for
the comparison. Prints its port, then answers each ``stats`` line with one JSON line; stops
when stdin closes. The rate policy never refuses: the benchmark measures the server.
"""

from __future__ import annotations

import json
import sys

from benchmarks.sandbox_server import process_status
from smskit.sandbox import RatePolicy, Sandbox
from smskit.sandbox.classroom import Classroom, Roster


def main() -> None:
    trainees, seed = int(sys.argv[1]), int(sys.argv[2])
    classroom = (None if sys.argv[3:] == ["plain"]
                 else Classroom(Roster.numbered(trainees, seed=seed)))
    with Sandbox(policy=RatePolicy.unlimited(), extension=classroom) as sandbox:
        print(sandbox.port, flush=True)
        for line in sys.stdin:
            if line.strip() == "stats":
                status = process_status()
                print(json.dumps({"rss_kib": status.get("VmRSS"),
                                  "internal_errors": sandbox.internal_errors,
                                  "log_records": len(sandbox.request_log)}), flush=True)


if __name__ == "__main__":
    main()
