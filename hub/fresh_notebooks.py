"""Fresh copies of the kit's notebooks in a trainee's home: copied when absent, outputs cleared.

The hub's pre-spawn hook (``hub/jupyterhub_config.py``) calls :func:`provide` before each
trainee server starts, so a deleted notebook comes back fresh at the next start. By hand::

    python hub/fresh_notebooks.py HOME                      # copy the missing ones
    python hub/fresh_notebooks.py HOME --reset 01-quickstart.ipynb   # overwrite these
    python hub/fresh_notebooks.py HOME --reset-all          # overwrite every notebook

Standard library only: it runs inside the hub process, which does not import smskit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def fresh_copy(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` without outputs or execution counts: a trainee sees
    only what they ran themselves."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")


def provide(home: Path, *, reset: Iterable[str] = (), reset_all: bool = False,
            source_dir: Path = NOTEBOOKS) -> list[str]:
    """Copy each notebook of ``source_dir`` that ``home`` lacks (and those named in
    ``reset``, or all with ``reset_all``); returns the names copied."""
    available = {path.name: path for path in sorted(source_dir.glob("*.ipynb"))}
    unknown = sorted(set(reset) - set(available))
    if unknown:
        raise ValueError(f"no such notebook in {source_dir}: {', '.join(unknown)} "
                         f"(choose from {', '.join(available)})")
    home.mkdir(parents=True, exist_ok=True)
    wanted = set(available) if reset_all else set(reset)
    copied = []
    for name, source in available.items():
        target = home / name
        if name in wanted or not target.exists():
            fresh_copy(source, target)
            copied.append(name)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("home", type=Path, help="the trainee's home directory")
    parser.add_argument("--reset", nargs="+", default=[], metavar="NOTEBOOK",
                        help="overwrite these notebooks with fresh copies")
    parser.add_argument("--reset-all", action="store_true",
                        help="overwrite every notebook with a fresh copy")
    args = parser.parse_args(argv)
    try:
        copied = provide(args.home, reset=args.reset, reset_all=args.reset_all)
    except ValueError as error:
        print(f"fresh_notebooks: error: {error}", file=sys.stderr)
        return 2
    print(f"fresh copies in {args.home}: {', '.join(copied) or 'none needed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
