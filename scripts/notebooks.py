"""Keep the notebooks executable docs: run them, store their outputs, strip volatile metadata.

    python scripts/notebooks.py execute [NOTEBOOK ...]   run top to bottom, store outputs, clean
    python scripts/notebooks.py clean   [NOTEBOOK ...]   only strip volatile metadata, in place
    python scripts/notebooks.py check   [NOTEBOOK ...]   exit 1 if any notebook is not clean

"Clean" means: no per-run metadata (timings, widget state, interpreter version), no
widget-view outputs (their model ids are random; the deterministic text/plain fallback is
kept), adjacent stream outputs of one stream merged (how the kernel chunks a cell's prints
varies from run to run), stable cell ids, and the replacements of ``notebooks/sanitize.cfg``
(loopback ports, object addresses) applied to stored text, so that re-running a notebook does
not change its file. nbval applies the same replacements to fresh outputs and compares.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_CELL_METADATA = ("tags",)
SANITIZE_FILE = NOTEBOOK_DIR / "sanitize.cfg"
TEXT_MIMES = ("text/plain", "text/html")


@cache
def sanitizers() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The ``regex:`` / ``replace:`` pairs of nbval's sanitize file, in order."""
    pairs, pattern = [], None
    for line in SANITIZE_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("regex:"):
            pattern = re.compile(line.removeprefix("regex:").strip())
        elif line.startswith("replace:") and pattern is not None:
            pairs.append((pattern, line.removeprefix("replace:").strip()))
            pattern = None
    return tuple(pairs)


def sanitized(text: str) -> str:
    for pattern, replacement in sanitizers():
        text = pattern.sub(replacement, text)
    return text


def notebook_paths(args: list[str]) -> list[Path]:
    if args:
        return [Path(arg) for arg in args]
    return sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb")  # exercises/ and its solutions/
                  if ".ipynb_checkpoints" not in p.parts)


def cleaned(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` without anything that changes from run to run."""
    result = copy.deepcopy(notebook)
    result["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    result["nbformat"], result["nbformat_minor"] = 4, 5
    for index, cell in enumerate(result["cells"]):
        cell["id"] = f"cell-{index:02d}"
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items()
                            if k in KEPT_CELL_METADATA}
        if cell["cell_type"] != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None:
                data.pop(WIDGET_VIEW, None)
                output.get("metadata", {}).pop(WIDGET_VIEW, None)
                if not data:
                    continue  # a widget view and nothing else
                for mime in TEXT_MIMES:
                    if mime in data:
                        data[mime] = sanitized(_text(data[mime])).splitlines(keepends=True)
            if output.get("output_type") == "stream":
                output["text"] = sanitized(_text(output["text"])).splitlines(keepends=True)
            previous = outputs[-1] if outputs else None
            if (output.get("output_type") == "stream" and previous is not None
                    and previous.get("output_type") == "stream"
                    and previous.get("name") == output.get("name")):
                merged = _text(previous["text"]) + _text(output["text"])
                previous["text"] = merged.splitlines(keepends=True)
                continue
            outputs.append(output)
        cell["outputs"] = outputs
    return result


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, notebook: dict[str, Any]) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


#: The environment variables that would point a notebook at a class sandbox (the hub sets
#: them): stored outputs are always those of the notebook's own, embedded sandbox.
CLASS_VARIABLES = ("SMSKIT_CLASSROOM_URL", "SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN",
                   "SMSKIT_USER_DOMAIN_SECRET")


def execute(path: Path) -> None:
    """Run ``path`` top to bottom outside any class, and store its clean outputs."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    saved = {name: os.environ.pop(name) for name in CLASS_VARIABLES if name in os.environ}
    try:
        client.execute()
    finally:
        os.environ.update(saved)
    write(path, cleaned(json.loads(nbformat.writes(notebook))))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"execute", "clean", "check"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, paths = argv[0], notebook_paths(argv[1:])
    dirty = []
    for path in paths:
        if command == "execute":
            execute(path)
            print(f"executed {path}")
        elif command == "clean":
            write(path, cleaned(read(path)))
        elif cleaned(read(path)) != read(path):
            dirty.append(path)
    for path in dirty:
        print(f"not clean: {path} (run: python scripts/notebooks.py clean {path})")
    return 1 if dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
