"""Wall and CPU time of one docs site build (``./kit docs``), which every ``./kit test`` runs."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import ROOT, Figure, median

COMMAND = [sys.executable, str(ROOT / "scripts/docs_site.py")]


def _build_once(out: Path) -> tuple[float, float]:
    """(wall, CPU of the build's processes) in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*COMMAND, "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(*, quick: bool = False) -> list[Figure]:
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        samples = [_build_once(Path(folder) / "site") for _ in range(runs)]
    pages = len(list((ROOT / "notebooks").rglob("*.ipynb")))
    detail = f"median of {runs}; {pages} notebooks, no execution, warnings as errors"
    return [Figure("docs site build (./kit docs), wall", median([w for w, _ in samples]), "s",
                   "-", detail),
            Figure("docs site build (./kit docs), CPU", median([c for _, c in samples]), "s",
                   "-", detail)]
