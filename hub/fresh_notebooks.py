"""Fresh copies of the kit's notebooks in a hub home: copied when absent, outputs cleared.

What a home gets depends on who it is for and the class's language (``notebooks/`` for an
English class, ``notebooks/zh/`` for a Chinese one):

- a trainee: the lesson notebooks and, in ``exercises/``, the trainees' edition of the
  exercises (never ``solutions/``, never ``source/``, never the trainer's dashboard);
- the trainer: the same, plus ``trainer-dashboard.ipynb`` and ``exercises/solutions/``.

The hub's pre-spawn hook (``hub/jupyterhub_config.py``) calls :func:`provide` before each
server starts, so a deleted notebook comes back fresh at the next start. By hand (as root,
on the hub's machine; the copies then belong to the home's owner)::

    python hub/fresh_notebooks.py HOME                     # copy the missing ones
    python hub/fresh_notebooks.py HOME --reset exercises/1-signing.ipynb   # overwrite these
    python hub/fresh_notebooks.py HOME --reset-all         # overwrite every notebook
    python hub/fresh_notebooks.py HOME --lang zh --trainer ...   # a Chinese class, the trainer

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The class languages and where each edition of the notebooks lives.
EDITIONS = {"en": NOTEBOOKS, "zh": NOTEBOOKS / "zh"}
#: Only the trainer's home gets these (relative to the edition's folder).
TRAINER_ONLY = ("trainer-dashboard.ipynb", "exercises/solutions/*.ipynb")
#: What every home gets: the lessons (and the Voilà app) and the trainees' exercises.
EVERYONE = ("*.ipynb", "exercises/*.ipynb")


def available(lang: str = "en", *, trainer: bool = False,
              notebooks: Path = NOTEBOOKS) -> dict[str, Path]:
    """The notebooks a home gets, by their path in the home (``exercises/1-signing.ipynb``)."""
    if lang not in EDITIONS:
        raise ValueError(f"the class language must be one of {', '.join(EDITIONS)}, "
                         f"not {lang!r}")
    folder = notebooks / EDITIONS[lang].relative_to(NOTEBOOKS)
    hidden = {path for pattern in TRAINER_ONLY for path in folder.glob(pattern)}
    chosen = {path for pattern in EVERYONE for path in folder.glob(pattern)}
    chosen = chosen | hidden if trainer else chosen - hidden
    return {path.relative_to(folder).as_posix(): path for path in sorted(chosen)}


#: Asks a Python for the language_info its kernel (ipykernel) reports.
_LANGUAGE_INFO = ("import json; from ipykernel.ipkernel import IPythonKernel; "
                  "print(json.dumps(IPythonKernel.language_info))")


def kernel_language(python: Path) -> dict[str, object] | None:
    """The ``language_info`` the kernel of ``python`` reports (its exact version), or None
    when it cannot say. JupyterLab writes it into a notebook when the kernel starts; a
    notebook that already has it opens unmodified."""
    try:
        answer = subprocess.run([str(python), "-c", _LANGUAGE_INFO], capture_output=True,  # noqa: S603
                                text=True, timeout=60, check=True)
        info = json.loads(answer.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def trainees_python(home: Path) -> Path:
    """The Python a hub home's kernels run: the hub's view of the kit's environment
    (``<state>/python``, see hub/accounts.py ``trainee_bin``) when it made one, else this one."""
    view = home.resolve().parent.parent / "python" / "bin" / "python"
    return view if view.exists() else Path(sys.executable)


def fresh_copy(source: Path, target: Path, language_info: dict[str, object] | None = None
               ) -> None:
    """Write ``source`` to ``target`` without outputs or execution counts: a trainee sees
    only what they ran themselves; with the kernel's ``language_info``, as the kernel will
    report it (so JupyterLab has nothing to change when the notebook opens)."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    if language_info:
        notebook["metadata"]["language_info"] = language_info
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")


def provide(home: Path, *, reset: Iterable[str] = (), reset_all: bool = False,
            lang: str = "en", trainer: bool = False, notebooks: Path = NOTEBOOKS,
            language_info: dict[str, object] | None = None) -> list[str]:
    """Copy each notebook ``home`` lacks (and those named in ``reset``, or all with
    ``reset_all``); returns their paths in the home. The copies (and any folder made for
    them) belong to the home's owner."""
    offered = available(lang, trainer=trainer, notebooks=notebooks)
    unknown = sorted(set(reset) - set(offered))
    if unknown:
        raise ValueError(f"no such notebook in this home's edition: {', '.join(unknown)} "
                         f"(choose from {', '.join(offered)})")
    home.mkdir(parents=True, exist_ok=True)
    owner = home.stat()
    wanted = set(offered) if reset_all else set(reset)
    copied = []
    for name, source in offered.items():
        target = home / name
        if name in wanted or not target.exists():
            fresh_copy(source, target, language_info)
            copied.append(name)
            for made in (target, *target.relative_to(home).parents):
                _give(home / made, owner.st_uid, owner.st_gid)
    return copied


def _give(path: Path, uid: int, gid: int) -> None:
    """Hand a file made by root to the home's owner (nothing to do for anyone else)."""
    if os.geteuid() == 0 and path.exists():
        os.chown(path, uid, gid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("home", type=Path, help="the home directory")
    parser.add_argument("--reset", nargs="+", default=[], metavar="NOTEBOOK",
                        help="overwrite these notebooks (paths in the home, such as "
                        "exercises/1-signing.ipynb) with fresh copies")
    parser.add_argument("--reset-all", action="store_true",
                        help="overwrite every notebook with a fresh copy")
    parser.add_argument("--lang", default="en", help="the class's language: en or zh")
    parser.add_argument("--trainer", action="store_true",
                        help="the trainer's home (adds the dashboard and the solutions)")
    args = parser.parse_args(argv)
    try:
        copied = provide(args.home, reset=args.reset, reset_all=args.reset_all,
                         lang=args.lang, trainer=args.trainer,
                         language_info=kernel_language(trainees_python(args.home)))
    except ValueError as error:
        print(f"fresh_notebooks: error: {error}", file=sys.stderr)
        return 2
    print(f"fresh copies in {args.home}: {', '.join(copied) or 'none needed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
