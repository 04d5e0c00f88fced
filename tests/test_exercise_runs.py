"""The trainees' exercise notebooks survive how people run them, checked with a real kernel.

For every exercise E1-E7 and both editions (English, Chinese), one right answer is typed into
that exercise's answer cell of the trainees' notebook (written here as a trainee would, not
copied from the solutions), then the notebook is run the ways a classroom runs it: Run All,
Run All again in the same kernel, and an out-of-order sequence (the exercise's own cells
again, other exercises' inputs and placeholder cells in between, its check last). Each time
exactly that exercise passes, every other check of the notebook says "not attempted", and no
cell raises or writes to stderr.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.fixtures.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"en": ROOT / "notebooks" / "exercises", "zh": ROOT / "notebooks" / "zh" / "exercises"}
NOTEBOOK_OF = {"E1": "1-signing", "E2": "1-signing", "E3": "1-signing", "E4": "2-sending",
               "E5": "2-sending", "E6": "2-sending", "E7": "3-debugging"}
_CHECK = re.compile(r'^check\("(E\d)"')

#: One right answer per exercise, as a trainee would type it into the answer cell.
RIGHT = {
    "E1": 'e1_signature = hashlib.sha256(\n'
          '    (e1.phone + str(e1.code_type) + e1.random + str(e1.ts) + e1.secret).encode()\n'
          ').hexdigest()',
    "E2": "e2_code_type = 2\n"
          "e2_ts = 1_795_867_200_000\n"
          "e2_signature = smskit.sign(phone=e2.phone, code_type=e2_code_type, random=e2.random,\n"
          "                           ts=e2_ts, secret=e2.secret)",
    "E3": 'e3_fixed = [\n'
          '    {**e3_broken[0], "phone": "13912345678"},\n'
          '    {**e3_broken[1], "ts": 1_795_771_800_000},\n'
          '    {**e3_broken[2], "random": "Zx8Kp2Lm9Qw4Er7T"},\n'
          '    {**e3_broken[3], "code_type": 3},\n'
          '    {**e3_broken[4], "secret": e3_broken[4]["secret"].rstrip("\\n")},\n'
          ']',
    "E4": "e4_ts = sb.now_ms()\n"
          'e4_nonce = "Q1w2E3r4T5y6U7i8"\n'
          "e4_signature = smskit.sign(phone=e4.phone, code_type=e4.code_type, random=e4_nonce,\n"
          "                           ts=e4_ts, secret=sb.secret)\n"
          'e4_query = urlencode({"phone": e4.phone, "codeType": e4.code_type, "ts": e4_ts,\n'
          '                      "internationalCode": "86", "random": e4_nonce,\n'
          '                      "signature": e4_signature, "userDomain": sb.user_domain})\n'
          'e4_response = requests.post(sb.base_url + "/v2/sms/enduserapi/v2/sendPhoneSmsCode?"\n'
          '                            + e4_query, timeout=10)',
    "E5": "e5_sent = sb.send_code(e5.phone, e5.code_type)  # given: a fresh code\n"
          "e5_delivery = sb.last_delivery(e5.phone, code_type=e5.code_type)\n"
          "e5_first = sb.verify_code(phone=e5.phone, code_type=2, code=e5_delivery.code)\n"
          "e5_second = sb.verify_code(phone=e5.phone, code_type=2, code=e5_delivery.code)\n"
          'e5_answer = {"first": e5_first, "second": e5_second, "why": "B"}',
    "E6": 'e6_answer = {\n'
          '    "fix_request": [5019, 5021, 5023, 5116],\n'
          '    "fix_sms_config": [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202,\n'
          '                       5209, 5216],\n'
          '    "slow_down": [5058],\n'
          '    "retry_later": [5000, 5059],\n'
          '    "check_credentials_or_clock": [5015, 5104, 5145, 5420, 5421],\n'
          '}',
    "E7": 'e7_mistake_id = "phone-with-country-prefix"',
}


def _source(cell: Any) -> str:
    return str(cell.source)


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def trainee_notebook(language: str, name: str) -> Any:
    """The trainees' notebook as stored, without outputs."""
    notebook = nbformat.read(EDITIONS[language] / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return notebook


def answer_cells(notebook: Any) -> dict[str, Any]:
    """Exercise id -> its answer cell (the ``exercise``-tagged cell before its check)."""
    found, answer_cell = {}, None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "exercise" in _tags(cell):
            answer_cell = cell
        match = _CHECK.match(_source(cell))
        if match:
            assert answer_cell is not None, f"{match.group(1)}: no answer cell before its check"
            found[match.group(1)] = answer_cell
    return found


def _outputs_text(cell: Any) -> str:
    texts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            texts.append(output.text)
        elif "data" in output:
            texts.append(output.data.get("text/plain", ""))
    return "".join(texts)


def _problems(cell: Any) -> list[str]:
    return [json.dumps(dict(output))[:400] for output in cell.outputs
            if output.output_type == "error"
            or (output.output_type == "stream" and output.name == "stderr")]


def _verdicts(notebook: Any) -> dict[str, str]:
    """Exercise id -> the first line of its check cell's output."""
    found = {}
    for cell in notebook.cells:
        match = _CHECK.match(_source(cell)) if cell.cell_type == "code" else None
        if match:
            found[match.group(1)] = _outputs_text(cell).split("\n", 1)[0]
    return found


def _assert_only_passed(notebook: Any, exercise_id: str, when: str) -> None:
    problems = [p for cell in notebook.cells if cell.cell_type == "code" for p in _problems(cell)]
    assert problems == [], f"{when}: {problems}"
    verdicts = _verdicts(notebook)
    assert verdicts[exercise_id].startswith(f"{exercise_id} ✓ "), f"{when}: {verdicts}"
    for other, line in verdicts.items():
        if other != exercise_id:
            assert line.startswith(f"{other} … "), f"{when}: {other} says {line!r}"


def _run_cells(client: NotebookClient, notebook: Any, indexes: list[int]) -> None:
    for index in indexes:
        cell = notebook.cells[index]
        cell.outputs = []
        client.execute_cell(cell, index)


def _index(notebook: Any, predicate: Any) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and predicate(_source(cell), _tags(cell))]


def _own_cells(notebook: Any, exercise_id: str) -> list[int]:
    """The exercise's own code cells: from its ``exercise("Ex")`` cell to its check."""
    start = _index(notebook, lambda s, _t: s.startswith(f'exercise("{exercise_id}")'))[0]
    end = _index(notebook, lambda s, _t: s.startswith(f'check("{exercise_id}"'))[0]
    return [i for i in range(start, end + 1) if notebook.cells[i].cell_type == "code"]


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away progress file and no classroom: the kernel uses an embedded sandbox."""
    for name in ("SMSKIT_CLASSROOM_URL", "SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN",
                 "SMSKIT_USER_DOMAIN_SECRET", "SMSKIT_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(EDITIONS))
@pytest.mark.parametrize("name", sorted(set(NOTEBOOK_OF.values())))
def test_one_right_answer_passes_that_exercise_only(kernel_env: Path, language: str,
                                                    name: str) -> None:
    """One kernel per notebook: each exercise in turn gets the only right answer (the
    previous one's cell back to its placeholder), so a stale answer cannot pass either."""
    notebook = trainee_notebook(language, name)
    cells = answer_cells(notebook)
    placeholders = {exercise_id: cell.source for exercise_id, cell in cells.items()}
    assert sorted(cells) == sorted(e for e, n in NOTEBOOK_OF.items() if n == name)
    client = notebook_client(notebook, kernel_env)
    every = list(range(len(notebook.cells)))
    with client.setup_kernel():
        for exercise_id in sorted(cells):
            for other, cell in cells.items():
                cell.source = RIGHT[other] if other == exercise_id else placeholders[other]
            _run_cells(client, notebook, every)
            _assert_only_passed(notebook, exercise_id, "Run All")
            _run_cells(client, notebook, every)
            _assert_only_passed(notebook, exercise_id, "Run All again")
            own = _own_cells(notebook, exercise_id)
            others = [i for i in _index(notebook, lambda s, t: "exercise" in t or
                                        re.match(r"e\d = exercise", s) is not None)
                      if i not in own]
            # its inputs and answer again, every other exercise's inputs and placeholders
            # after them, its check; the others again and its check once more
            _run_cells(client, notebook, [*own[:-1], *others, own[-1], *others, own[-1]])
            _assert_only_passed(notebook, exercise_id, "out of order")
