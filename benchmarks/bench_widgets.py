"""The signature explorer: time from one field's new value to a refreshed preview.

Setting a field's ``.value`` runs the explorer's observer, which re-signs, re-judges every
field (phonenumbers included) and re-renders the HTML, all before the assignment returns:
the time of the assignment is the refresh time. Changes cycle through all five fields with
values that stay signable; outside a Jupyter kernel no comm messages are sent, so a
browser adds its own rendering time on top.
"""

from __future__ import annotations

import hashlib
import time

from benchmarks.figures import Figure, at_most, median, percentile

AIM_MS = 100.0  # the usual bound for a response to feel instant


def run(*, quick: bool = False) -> list[Figure]:
    from smskit.teaching.worked_example import load
    from smskit.widgets import SignatureExplorer

    example = load()
    explorer = SignatureExplorer.from_worked_example(example)
    page = {"phone": example.phone, "code_type": str(example.code_type),
            "random": example.random, "ts": str(example.ts), "secret": example.secret}
    other = {"phone": "13912345678", "code_type": "2", "random": "Zz9xYy8wXx7vVv6u",
             "ts": str(int(example.ts) + 1), "secret": "another-secret-value"}
    # Each field to another value and back: every assignment is a change.
    changes = [(field, values[field]) for field in page for values in (other, page)]
    rounds = 20 if quick else 100
    samples: list[float] = []
    for _ in range(rounds):
        for field, value in changes:
            widget = getattr(explorer, field)
            started = time.perf_counter()
            widget.value = value
            samples.append(time.perf_counter() - started)
    # The preview really was refreshed: the last change restored the page's inputs.
    joined = (explorer.phone.value + explorer.code_type.value + explorer.random.value
              + explorer.ts.value + explorer.secret.value)
    if explorer.signature != hashlib.sha256(joined.encode()).hexdigest():
        raise RuntimeError("the explorer's preview did not follow the changes")
    p50, p99 = median(samples) * 1000, percentile(samples, 0.99) * 1000
    return [
        Figure(f"widgets: SignatureExplorer refresh after one change, p50 ({len(samples)})",
               p50, "ms", f"<= {AIM_MS:g} ms", at_most(p50, AIM_MS)),
        Figure("widgets: SignatureExplorer refresh after one change, p99", p99, "ms",
               f"<= {AIM_MS:g} ms", at_most(p99, AIM_MS)),
    ]
