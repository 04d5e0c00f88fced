"""Wall time of the whole nbval run: ``python -m pytest notebooks/ -q -p no:cacheprovider``."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from benchmarks.figures import ROOT, Figure, skipped

COMMAND = [sys.executable, "-m", "pytest", "notebooks/", "-q", "-p", "no:cacheprovider"]
NAME = "notebooks: whole nbval run (pytest notebooks/)"


def run(*, quick: bool = False) -> list[Figure]:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        return [skipped(NAME, "no notebooks in notebooks/ yet")]
    started = time.perf_counter()
    done = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else ""
    cells = re.search(r"(\d+) passed", summary)
    outcome = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    detail = f"{len(notebooks)} notebooks, {cells.group(1) if cells else '?'} cells {outcome}"
    return [Figure(NAME, elapsed, "s", "-", detail)]
