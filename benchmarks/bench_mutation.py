"""The last mutation run's score per module (``./kit mutate``), read from its saved results.

Nothing is re-run here: a full mutation run takes many minutes on two cores. Each row says
when its module was last run and how many mutants were tried (every N-th when sampled);
listed equivalents count as killed (tests/mutation/equivalents.json).
"""

from __future__ import annotations

import json

from benchmarks.figures import MET, MISSED, ROOT, Figure, skipped

RESULTS = ROOT / "tests" / "mutation" / "results.json"


def run(*, quick: bool = False) -> list[Figure]:
    if not RESULTS.exists():
        return [skipped("mutation score", "no saved run: ./kit mutate")]
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    figures = []
    for module, record in results.items():
        sampled = f", every {record['sample_every']}th" if record["sample_every"] > 1 else ""
        scopes = record.get("scopes")
        part = f" ({len(scopes)} of its functions)" if scopes else ""
        name = (f"mutation score {module.removeprefix('smskit.')}{part} ({record['mutants']} "
                f"mutants"
                f"{sampled}, {record['killed']} killed, {record['equivalents']} equivalent; "
                f"run {record['date_utc']})")
        score = float(record["score_percent"])
        aim = float(record["aim_percent"])
        figures.append(Figure(name, score, "%", f">= {aim:g}", MET if score >= aim else MISSED))
    return figures
