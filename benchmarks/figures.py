"""Rows of the benchmark table, the machine they came from, and small statistics helpers."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MET, MISSED, INFO = "met", "MISSED", "info"


@dataclass(frozen=True)
class Figure:
    """One row: what was measured, the figure, its unit, the aim, and the verdict."""

    name: str
    value: float | None
    unit: str
    aim: str = "-"
    verdict: str = INFO

    def shown_value(self) -> str:
        if self.value is None:
            return "-"
        magnitude = abs(self.value)
        if magnitude >= 100:
            return f"{self.value:,.0f}"
        if magnitude >= 10:
            return f"{self.value:.1f}"
        return f"{self.value:.2f}"


def at_most(value: float, limit: float) -> str:
    """The verdict for an aim of "at most ``limit``"."""
    return MET if value <= limit else MISSED


def skipped(name: str, reason: str) -> Figure:
    return Figure(name, None, "-", "-", f"skipped: {reason}")


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0..1) of ``samples``."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used so far, from ``/proc`` (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def machine() -> list[tuple[str, str]]:
    """CPU model, cores, Python and OS, as (label, value) pairs."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()} logical" + (f" ({usable} usable)" if usable else "")
    memory = _memory_total()
    return [
        ("CPU", model),
        ("cores", cores),
        ("memory", memory),
        ("Python", f"{platform.python_implementation()} {platform.python_version()} "
                   f"({sys.executable})"),
        ("OS", platform.platform()),
        ("load", "1/5/15-min load average {:.2f} / {:.2f} / {:.2f} at the end (other work on "
                 "the machine skews the figures)".format(*os.getloadavg())),
    ]


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def table(figures: Sequence[Figure]) -> str:
    """The figures as one plain-text table."""
    headers = ("measurement", "figure", "unit", "aim", "verdict")
    rows = [(f.name, f.shown_value(), f.unit, f.aim, f.verdict) for f in figures]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    right = {1}  # figures line up on the right

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                         for i, cell in enumerate(cells)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
