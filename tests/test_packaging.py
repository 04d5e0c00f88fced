"""The wheel carries what an installed smskit needs: the data, the type marker, the script."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(smskit_wheel: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(smskit_wheel)


def test_wheel_has_every_data_file_and_the_type_marker(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for data_file in sorted((ROOT / "smskit" / "data").glob("*.json")):
        assert f"smskit/data/{data_file.name}" in names
        assert json.loads(wheel.read(f"smskit/data/{data_file.name}")) == json.loads(
            data_file.read_text(encoding="utf-8"))
    assert "smskit/py.typed" in names


def test_wheel_carries_the_signing_snippets_byte_for_byte(wheel: zipfile.ZipFile) -> None:
    snippet_files = sorted(path for path in (ROOT / "smskit/data/snippets").rglob("*")
                           if path.is_file())
    assert len(snippet_files) >= 7  # the index and one file per language
    for path in snippet_files:
        inside = "smskit/data/" + path.relative_to(ROOT / "smskit" / "data").as_posix()
        assert wheel.read(inside) == path.read_bytes()


def test_wheel_declares_the_console_script_and_core_dependencies(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    declared = wheel.read(entry_points).decode()
    assert "smskit = smskit.cli:main" in declared
    assert "[pytest11]\nsmskit = smskit.testing.pytest_plugin" in declared
    [metadata] = [n for n in wheel.namelist() if n.endswith("METADATA")]
    requires = [line for line in wheel.read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert sorted(line.split()[1].split(">")[0] for line in requires) == ["phonenumberslite",
                                                                         "requests"]
