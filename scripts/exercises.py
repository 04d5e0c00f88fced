"""Build the exercise notebooks and their solutions edition from one source each.

    python scripts/exercises.py build [NAME ...]   write both editions, then execute them
    python scripts/exercises.py check              exit 1 if a built notebook is out of date
    python scripts/exercises.py verify             run every exercise notebook (trainees',
                                                   solutions, Chinese) and compare its outputs
                                                   with the stored ones; exit 1 on a difference

Sources are ``notebooks/exercises/source/<name>.py`` in the percent format: a line
``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell (its lines without ``# ``).
A cell marked ``exercise`` (``# %% exercise``, ``# %% [markdown] exercise``) goes only into
the trainees' edition ``notebooks/exercises/<name>.ipynb``; one marked ``solution`` only
into ``notebooks/exercises/solutions/<name>.ipynb``; unmarked cells into both. Each kept
marked cell carries its mark as a cell tag, so either edition shows where the answers go.
Executing uses a throw-away progress file, never the user's. ``verify`` needs only what
``./kit lab`` installs (no pytest): it is the trainer's check that a machine runs the
exercises as stored, outside any class (the classroom variables are ignored).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_DIR = ROOT / "notebooks" / "exercises"
SOURCE_DIR = EXERCISE_DIR / "source"
SOLUTION_DIR = EXERCISE_DIR / "solutions"
EDITIONS = ("exercise", "solution")
_CELL_START = "# %%"


def _notebook_tool() -> Any:
    spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "scripts/notebooks.py")
    if spec is None or spec.loader is None:
        raise ImportError("scripts/notebooks.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse(text: str) -> list[dict[str, Any]]:
    """The source's cells: ``{"cell_type", "source", "edition"}`` (edition ``None`` = both)."""
    cells: list[dict[str, Any]] = []
    for line in text.splitlines():
        if line.startswith(_CELL_START):
            words = line.removeprefix(_CELL_START).split()
            markdown = "[markdown]" in words
            edition = next((word for word in words if word in EDITIONS), None)
            unknown = [word for word in words if word not in (*EDITIONS, "[markdown]")]
            if unknown:
                raise ValueError(f"unknown cell mark {unknown} in: {line}")
            cells.append({"cell_type": "markdown" if markdown else "code", "edition": edition,
                          "lines": []})
        elif cells:
            cells[-1]["lines"].append(line)
        elif line.strip():
            raise ValueError(f"text before the first cell: {line}")
    for cell in cells:
        lines = cell.pop("lines")
        if cell["cell_type"] == "markdown":
            lines = [line.removeprefix("#").removeprefix(" ") for line in lines]
        cell["source"] = "\n".join(lines).strip("\n")
    return cells


def edition_cells(cells: list[dict[str, Any]], edition: str) -> list[dict[str, Any]]:
    """The notebook cells of one edition, without outputs."""
    built = []
    for cell in cells:
        if cell["edition"] not in (None, edition):
            continue
        notebook_cell: dict[str, Any] = {
            "cell_type": cell["cell_type"],
            "metadata": {"tags": [cell["edition"]]} if cell["edition"] else {},
            "source": cell["source"].splitlines(keepends=True),
        }
        if cell["cell_type"] == "code":
            notebook_cell.update(execution_count=None, outputs=[])
        built.append(notebook_cell)
    return built


def targets(name: str) -> dict[str, Path]:
    return {"exercise": EXERCISE_DIR / f"{name}.ipynb",
            "solution": SOLUTION_DIR / f"{name}.ipynb"}


def sources(names: list[str]) -> list[Path]:
    if names:
        return [SOURCE_DIR / f"{name}.py" for name in names]
    return sorted(SOURCE_DIR.glob("*.py"))


def build(names: list[str]) -> None:
    tool = _notebook_tool()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["SMSKIT_PROGRESS_FILE"] = str(Path(scratch) / "progress.json")
        for source in sources(names):
            cells = parse(source.read_text(encoding="utf-8"))
            for edition, path in targets(source.stem).items():
                path.parent.mkdir(parents=True, exist_ok=True)
                notebook = {"cells": edition_cells(cells, edition), "metadata": {},
                            "nbformat": 4, "nbformat_minor": 5}
                tool.write(path, tool.cleaned(notebook))
                tool.execute(path)
                print(f"built {path.relative_to(ROOT)}")


def built_notebooks() -> list[Path]:
    """Every exercise notebook as stored: the trainees', the solutions and their Chinese
    editions."""
    chinese = ROOT / "notebooks" / "zh" / "exercises"
    return [path for source in sources([]) for path in (
        *targets(source.stem).values(), chinese / f"{source.stem}.ipynb",
        chinese / "solutions" / f"{source.stem}.ipynb") if path.exists()]


def verify(paths: list[Path] | None = None) -> list[str]:
    """Run each built notebook in memory (or ``paths``); one line per notebook whose outputs
    differ from the stored ones, naming the cells."""
    import json

    import nbformat
    from nbclient import NotebookClient

    tool = _notebook_tool()
    differences = []
    saved = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["SMSKIT_PROGRESS_FILE"] = str(Path(scratch) / "progress.json")
            for name in tool.CLASS_VARIABLES:
                os.environ.pop(name, None)
            for path in paths if paths is not None else built_notebooks():
                notebook = nbformat.read(path, as_version=4)
                NotebookClient(notebook, timeout=120, kernel_name="python3",
                               resources={"metadata": {"path": str(path.parent)}}).execute()
                fresh = tool.cleaned(json.loads(nbformat.writes(notebook)))["cells"]
                changed = [cell["id"] for cell, was in zip(fresh, tool.read(path)["cells"],
                                                           strict=True)
                           if cell.get("outputs") != was.get("outputs")]
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                print(f"{'differs' if changed else 'as stored'}: {where}"
                      + (f" (cells {', '.join(changed)})" if changed else ""), flush=True)
                if changed:
                    differences.append(f"{where}: {', '.join(changed)}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return differences


def drift() -> list[Path]:
    """Built notebooks whose cells (type, source, tags) differ from their source, or missing."""
    tool = _notebook_tool()
    stale = []
    for source in sources([]):
        cells = parse(source.read_text(encoding="utf-8"))
        for edition, path in targets(source.stem).items():
            want = [_shape(cell) for cell in edition_cells(cells, edition)]
            if not path.exists() or [_shape(c) for c in tool.read(path)["cells"]] != want:
                stale.append(path)
    return stale


def _shape(cell: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    source = cell["source"]
    text = source if isinstance(source, str) else "".join(source)
    return cell["cell_type"], text, tuple(cell.get("metadata", {}).get("tags", ()))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"build", "check", "verify"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "build":
        build(argv[1:])
        return 0
    stale = drift()
    if argv[0] == "verify" and not stale:
        return 1 if verify() else 0
    for path in stale:
        print(f"out of date: {path.relative_to(ROOT)} (run: python scripts/exercises.py build)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
