"""Run the kit's benchmarks and print one table, with the machine it ran on.

    python benchmarks/run.py            # everything (about a minute, plus the notebooks)
    python benchmarks/run.py --quick    # fewer repetitions
    python benchmarks/run.py --only signing,import

Sections: signing, import, sandbox, widgets, notebooks, doctor, classroom, keystroke (a real
browser), docs, testdouble (cold start, the lean install, the harnesses, wrk), hub (a real
JupyterHub), setup (fresh clones set up with uv and with pip: several minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the benchmarks package importable
    sys.path.insert(0, str(ROOT))

SECTIONS = {
    "signing": "benchmarks.bench_signing",
    "import": "benchmarks.bench_imports",
    "sandbox": "benchmarks.bench_sandbox",
    "widgets": "benchmarks.bench_widgets",
    "notebooks": "benchmarks.bench_notebooks",
    "doctor": "benchmarks.bench_doctor",
    "hub": "benchmarks.bench_hub",
    "classroom": "benchmarks.bench_classroom",
    "keystroke": "benchmarks.bench_keystroke",
    "setup": "benchmarks.bench_setup",
    "docs": "benchmarks.bench_docs",
    "testdouble": "benchmarks.bench_testdouble",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, less stable")
    parser.add_argument("--only", metavar="SECTIONS",
                        help=f"comma-separated subset of: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    chosen = list(SECTIONS) if not args.only else [name.strip() for name in args.only.split(",")]
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(SECTIONS)}")
    figures_module = import_module("benchmarks.figures")
    started = time.perf_counter()
    figures = []
    for name in chosen:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        run: Callable[..., list[object]] = import_module(SECTIONS[name]).run
        figures += run(quick=args.quick)
    print(figures_module.table(figures))
    print()
    for label, value in figures_module.machine():
        print(f"{label + ':':<8} {value}")
    mode = "quick" if args.quick else "full"
    print(f"run:     {mode}, {time.perf_counter() - started:.0f} s, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    verdicts = [getattr(figure, "verdict", "") for figure in figures]
    print(f"aims:    {verdicts.count(figures_module.MET)} met, "
          f"{verdicts.count(figures_module.MISSED)} missed (figures, not a pass/fail gate)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
