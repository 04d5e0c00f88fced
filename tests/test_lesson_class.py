"""The lesson notebooks in a class: the class sandbox when the environment names one (as the
hub sets it for a trainee), their own embedded sandbox otherwise, with the same cells.

Over real HTTP: a classroom sandbox on loopback with two trainees; each notebook is executed by
a real kernel (nbclient) with the environment the hub gives trainee01 (``hub/jupyterhub_config.py``:
an ``http://`` ``SMSKIT_BASE_URL``, ``SMSKIT_USER_DOMAIN``, ``SMSKIT_USER_DOMAIN_SECRET``,
``JUPYTERHUB_USER``, and ``SMSKIT_LANG`` for a Chinese class). What the notebook sent is read
back from the trainee's own signed view (``/_sandbox/me/requests``) and the trainer's dashboard.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests

from smskit.errors import SmskitError
from smskit.sandbox import Sandbox
from smskit.sandbox.classroom import Classroom, Roster, Trainee
from smskit.training import ClassroomUnavailable, TraineeClient, Workbook
from smskit.training.classroom import (
    TraineeCredentials,
    answer_judge,
    class_credentials,
    classroom_sender,
)
from smskit.training.progress import Progress
from tests.fixtures.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
CLASS_VARIABLES = ("SMSKIT_CLASSROOM_URL", "SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN",
                   "SMSKIT_USER_DOMAIN_SECRET", "SMSKIT_LANG", "JUPYTERHUB_USER")


def _notebook_tool() -> Any:
    spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "scripts/notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def classroom() -> Iterator[tuple[Sandbox, Roster]]:
    roster = Roster.numbered(2, seed=18)
    with Sandbox(extension=Classroom(roster, answers=answer_judge)) as sb:
        yield sb, roster
        assert sb.internal_errors == 0


@pytest.fixture
def no_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No class variables (the kernel inherits this process's environment), a throw-away
    progress file."""
    for name in CLASS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return tmp_path


def as_hub_trainee(monkeypatch: pytest.MonkeyPatch, sb: Sandbox, trainee: Trainee,
                   lang: str | None = None) -> None:
    """What the hub puts in a trainee's server environment (no SMSKIT_CLASSROOM_URL)."""
    monkeypatch.setenv("SMSKIT_BASE_URL", sb.base_url)
    monkeypatch.setenv("SMSKIT_USER_DOMAIN", trainee.user_domain)
    monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", trainee.secret)
    monkeypatch.setenv("JUPYTERHUB_USER", trainee.name)
    if lang is not None:
        monkeypatch.setenv("SMSKIT_LANG", lang)


def executed(path: Path) -> Any:
    """The notebook as stored, run top to bottom by a real kernel (Run All)."""
    notebook = nbformat.read(path, as_version=4)
    notebook_client(notebook, path.parent).execute()
    return notebook


def text_of(cell: Any) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def cell(notebook: Any, source_start: str) -> Any:
    """The code cell whose source starts so (cell ids differ between the editions)."""
    return next(c for c in notebook.cells
                if c.cell_type == "code" and str(c.source).startswith(source_start))


def problems(notebook: Any) -> list[str]:
    return [json.dumps(dict(output))[:300] for c in notebook.cells if c.cell_type == "code"
            for output in c.outputs if output.output_type == "error"
            or (output.output_type == "stream" and output.name == "stderr")]


def sent(sb: Sandbox, trainee: Trainee) -> list[tuple[str, str, str | None, str, int | None,
                                                        bool]]:
    """The trainee's API requests as their own signed view shows them."""
    mine = TraineeClient(TraineeCredentials(sb.base_url, trainee)).requests()
    return [(r["method"], r["path"], r["phone"], r["params"]["codeType"], r["code"], r["yours"])
            for r in mine]


def dashboard_row(sb: Sandbox, roster: Roster, index: int) -> dict[str, Any]:
    board = requests.get(f"{sb.base_url}/_sandbox/class/dashboard", timeout=5,
                         headers={"Authorization": f"Bearer {roster.trainer_token}"}).json()
    row: dict[str, Any] = board["trainees"][index]
    return row


def test_the_quickstart_on_the_hub_sends_to_the_class_sandbox_as_the_trainee(
        classroom: tuple[Sandbox, Roster], no_class: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sb, roster = classroom
    me, other = roster.trainees
    as_hub_trainee(monkeypatch, sb, me)
    notebook = executed(NOTEBOOKS / "01-quickstart.ipynb")

    assert problems(notebook) == []
    assert sent(sb, me) == [("POST", API, "13800138000", "3", 200, True)]
    assert sent(sb, other) == []
    assert text_of(cell(notebook, "sb = practice_sandbox(")).startswith(
        f"PracticeSandbox(class, {sb.base_url}, clock=SystemClock(), user_domain=")
    delivered = sb.outbox()
    assert [(d.user_domain, d.phone, d.code_type, d.used) for d in delivered] == [
        (me.user_domain, "13800138000", 3, True)]  # verified in the notebook, through /me/verify
    assert text_of(cell(notebook, "delivery = ")).startswith(f"code: {delivered[0].code}\n")
    assert "'ok': True" in text_of(cell(notebook, "first = "))
    assert "'status': 'used'" in text_of(cell(notebook, "second = "))
    assert text_of(cell(notebook, "sb.stop()")) == "sandbox running: True\n"  # the class's
    everything = "".join(text_of(c) for c in notebook.cells if c.cell_type == "code")
    assert me.secret not in everything

    row, theirs = dashboard_row(sb, roster, 0), dashboard_row(sb, roster, 1)
    assert (row["name"], row["requests"], theirs["requests"]) == (me.name, 1, 0)
    assert row["exercises"] == []  # a lesson's send and verifications are no exercise


def test_the_request_builder_in_a_chinese_class_reaches_the_class_sandbox(
        classroom: tuple[Sandbox, Roster], no_class: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """03's clicks (a send, the same at once, a refused phone) and its reset cell, in the
    Chinese edition: the class's own rate limit answers 5058, and the class is not reset."""
    sb, roster = classroom
    me = roster.trainees[1]
    as_hub_trainee(monkeypatch, sb, me, lang="zh")
    notebook = executed(NOTEBOOKS / "zh" / "03-request-builder.ipynb")

    assert problems(notebook) == []
    assert sent(sb, me) == [("POST", API, "13800138000", "2", 200, True),
                            ("POST", API, "13800138000", "2", 5058, True)]
    assert text_of(cell(notebook, "before = ")).startswith("not_sent | 发送前发件箱： 1 | "
                                                           "发送后： 1\n")
    assert text_of(cell(notebook, "sb.reset()")) == (
        "课堂沙箱由全班共用，只有讲师能重置它；它的时钟是真实时间：同一号码和短信类型一分钟后才能"
        "再发验证码。\n发件箱： 1 | 沙箱仍在运行： True\n")
    assert len(sb.outbox()) == 1


def test_without_the_environment_the_quickstart_is_embedded_and_as_stored(
        classroom: tuple[Sandbox, Roster], no_class: Path) -> None:
    sb, _ = classroom
    tool = _notebook_tool()
    path = NOTEBOOKS / "01-quickstart.ipynb"
    fresh = tool.cleaned(json.loads(nbformat.writes(executed(path))))
    stored = tool.read(path)
    assert [c.get("outputs") for c in fresh["cells"]] == [
        c.get("outputs") for c in stored["cells"]]
    assert "PracticeSandbox(embedded, http://127.0.0.1:PORT" in json.dumps(stored)
    assert sb.outbox() == [] and sb.requests() == []  # the class sandbox saw nothing


def test_a_plain_sandbox_url_is_no_class_for_the_trainee_helpers(
        no_class: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A developer's own `smskit sandbox` in SMSKIT_BASE_URL is http:// too, but has no trainee
    views: no helper takes it for a class, and no progress is posted to it."""
    with Sandbox() as plain:
        environ = {"SMSKIT_BASE_URL": plain.base_url, "SMSKIT_USER_DOMAIN": plain.demo_domain,
                   "SMSKIT_USER_DOMAIN_SECRET": plain.secret_for()}
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        assert TraineeCredentials.from_env(environ) is not None  # it looks like one
        assert class_credentials(environ) is None
        assert classroom_sender(environ) is None
        with pytest.raises(ClassroomUnavailable, match=r"^no classroom here: set "):
            TraineeClient.from_env(environ)
        from smskit.training import my_outbox

        with pytest.raises(ClassroomUnavailable, match=r"^no classroom here"):
            my_outbox()
        workbook = Workbook()  # the exercises' default: reads os.environ
        assert workbook.progress.sender is None
        workbook.check("E7", "not-a-mistake-id")
        assert capsys.readouterr().err == ""
        paths = [(r.method, r.path) for r in plain.requests()]
        assert ("POST", "/_sandbox/me/progress") not in paths
        assert set(paths) <= {("GET", "/_sandbox/me")}, paths
        assert plain.internal_errors == 0


def test_a_class_that_does_not_answer_still_gets_a_sender_that_says_so(
        classroom: tuple[Sandbox, Roster], no_class: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Named but down (the hub's sandbox restarting): the helpers that read say it at once;
    the progress sender is kept, saves locally and says in one line that it did not send."""
    sb, roster = classroom
    me = roster.trainees[0]
    environ = {"SMSKIT_BASE_URL": sb.base_url, "SMSKIT_USER_DOMAIN": me.user_domain,
               "SMSKIT_USER_DOMAIN_SECRET": me.secret}
    assert class_credentials(environ) is not None
    sb.stop()
    try:
        with pytest.raises(ClassroomUnavailable, match="did not answer"):
            class_credentials(environ)
        sender = classroom_sender(environ)
        assert sender is not None
        progress = Progress(no_class / "p.json", sender=sender)
        Workbook(progress).check("E7", "not-a-mistake-id")
        err = capsys.readouterr().err
        assert err.startswith("E7: progress saved locally but not sent to the classroom sandbox")
        assert len(err.strip().splitlines()) == 1 and me.secret not in err
        assert progress.records()["E7"].attempts == 1
    finally:
        sb.start()


def test_a_refused_secret_is_said_not_taken_for_no_class(
        classroom: tuple[Sandbox, Roster], no_class: Path) -> None:
    sb, roster = classroom
    environ = {"SMSKIT_BASE_URL": sb.base_url,
               "SMSKIT_USER_DOMAIN": roster.trainees[0].user_domain,
               "SMSKIT_USER_DOMAIN_SECRET": "not-the-secret-0123456789"}
    with pytest.raises(SmskitError, match=r"^the classroom sandbox answered 403"):
        class_credentials(environ)


def test_the_repositorys_execute_never_stores_a_class_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`scripts/notebooks.py execute` (and so editions.py and exercises.py) runs the kernel
    without the class variables: a maintainer on the hub still stores the embedded outputs."""
    tool = _notebook_tool()
    monkeypatch.setenv("SMSKIT_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SMSKIT_USER_DOMAIN", "class-trainee01-abc")
    monkeypatch.setenv("SMSKIT_USER_DOMAIN_SECRET", "s" * 24)
    path = tmp_path / "probe.ipynb"
    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell(
        'import os\nprint([os.environ.get(n) for n in ("SMSKIT_BASE_URL", "SMSKIT_USER_DOMAIN",'
        ' "SMSKIT_USER_DOMAIN_SECRET", "SMSKIT_CLASSROOM_URL")])')]
    nbformat.write(probe, path)
    tool.execute(path)
    assert "".join(tool.read(path)["cells"][0]["outputs"][0]["text"]) == (
        "[None, None, None, None]\n")
    assert os.environ["SMSKIT_BASE_URL"] == "http://127.0.0.1:9"  # put back afterwards
