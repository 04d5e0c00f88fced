"""The Chinese README is a parallel edition: the same two commands first, linked both ways,
the same sections, and its Python example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")


def first_commands(text: str) -> list[str]:
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block is not None and text.index("```bash") < text.index("\n## ")
    return [line.split("#")[0].strip() for line in block.group(1).splitlines()]


def test_both_readmes_start_with_the_same_two_commands() -> None:
    assert first_commands(README_ZH) == first_commands(README) == ["./kit lab", "./kit test"]


def test_the_readmes_link_to_each_other_near_the_top() -> None:
    for text, other in ((README, "README.zh-CN.md"), (README_ZH, "README.md")):
        head = text[: text.index("```bash")]
        assert f"]({other})" in head


def test_sections_are_parallel() -> None:
    sections = [re.findall(r"^## ", text, re.M) for text in (README, README_ZH)]
    assert len(sections[0]) == len(sections[1])
    tables = [re.findall(r"^\|---", text, re.M) for text in (README, README_ZH)]
    assert len(tables[0]) == len(tables[1])


def test_python_example_in_the_chinese_readme_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README_ZH, re.S)
    assert blocks
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                              timeout=60, cwd=ROOT, check=False)
        assert done.returncode == 0, done.stderr
        printed = done.stdout.split()  # the code, the signature, the verification
        assert printed[0] == "200" and re.fullmatch("[0-9a-f]{64}", printed[1])
        assert printed[2:] == ["True"]
        assert done.stderr == ""
