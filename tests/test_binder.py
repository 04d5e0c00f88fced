"""The BinderHub / repo2docker files in binder/. No container engine runs here, so no image
is built: this checks what can be checked without one. repo2docker installs
binder/requirements.txt with pip from the repository's root, then runs binder/postBuild."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _project() -> dict[str, object]:
    project: dict[str, object] = tomllib.loads(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def test_requirements_install_the_kit_with_its_notebook_extra() -> None:
    lines = [line.strip() for line in
             (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines == ["-e .[notebooks]"]
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict)
    names = {Requirement(spec).name for spec in extras["notebooks"]}
    assert {"jupyterlab", "ipywidgets", "pandas"} <= names


def test_runtime_python_satisfies_requires_python() -> None:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, runtime
    requires = _project()["requires-python"]
    assert isinstance(requires, str)
    assert SpecifierSet(requires).contains(f"{match.group(1)}.0")


def test_post_build_is_executable_bash_and_passes_here() -> None:
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK)
    assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    subprocess.run(["bash", "-n", str(script)], check=True)
    # The kit is installed here as it would be in the image: the script's checks pass.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(script)], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
