"""``import smskit`` against ``import requests``, each in fresh interpreters.

Two measures, several runs each, interleaved: wall time of ``python -c 'import X'`` minus
that of ``python -c pass`` (what a user waits for), and ``-X importtime``'s cumulative time
for the top-level module (the interpreter's own account, less noisy). Medians are reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from benchmarks.figures import ROOT, Figure, at_most, median

AIM = 1.2
MODULES = ("smskit", "requests")
_IMPORT_TIME = re.compile(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s?(\S+)\s*$")


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _import_time_us(module: str) -> int:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    for line in done.stderr.splitlines():
        match = _IMPORT_TIME.match(line)
        if match and match.group(2) == module:
            return int(match.group(1))
    raise RuntimeError(f"-X importtime did not report {module}")


def run(*, quick: bool = False) -> list[Figure]:
    runs = 5 if quick else 15
    for module in MODULES:  # compile and cache bytecode before anything is timed
        _wall(f"import {module}")
    walls: dict[str, list[float]] = {"pass": [], **{m: [] for m in MODULES}}
    cumulative: dict[str, list[int]] = {m: [] for m in MODULES}
    for index in range(runs):
        order = ["pass", *MODULES] if index % 2 == 0 else [*reversed(MODULES), "pass"]
        for name in order:
            walls[name].append(_wall("pass" if name == "pass" else f"import {name}"))
        for module in MODULES if index % 2 == 0 else reversed(MODULES):
            cumulative[module].append(_import_time_us(module))
    bare = median(walls["pass"])
    net = {m: max(median(walls[m]) - bare, 1e-6) for m in MODULES}
    wall_ratio = net["smskit"] / net["requests"]
    own = {m: median(cumulative[m]) / 1000 for m in MODULES}
    own_ratio = own["smskit"] / own["requests"]
    return [
        Figure("import: bare interpreter start (python -c pass)", bare * 1000, "ms"),
        Figure("import: import smskit, wall minus bare start", net["smskit"] * 1000, "ms"),
        Figure("import: import requests, wall minus bare start", net["requests"] * 1000, "ms"),
        Figure(f"import: smskit / requests, wall (median of {runs})", wall_ratio, "x",
               f"<= {AIM}x", at_most(wall_ratio, AIM)),
        Figure("import: import smskit, -X importtime cumulative", own["smskit"], "ms"),
        Figure("import: import requests, -X importtime cumulative", own["requests"], "ms"),
        Figure(f"import: smskit / requests, -X importtime (median of {runs})", own_ratio, "x",
               f"<= {AIM}x", at_most(own_ratio, AIM)),
    ]
