"""hub/jupyterhub_config.py read as JupyterHub reads it (traitlets), the system accounts and
private state it makes, the homes' fresh notebooks, a new group and the attendance sheet.
No hub is started here (tests/hub/test_hub.py does); accounts are real (``useradd``, root)."""

from __future__ import annotations

import json
import logging
import os
import pwd
import shlex
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from hub.accounts import attendance_table, new_group, record_login
from hub.fresh_notebooks import main, provide
from tests.browser.servers import NOTEBOOK_DIR, ROOT
from tests.hub.classroom import hub_state

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub makes system accounts")

LESSONS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb")
                 if path.name != "trainer-dashboard.ipynb")
EXERCISES = ["exercises/1-signing.ipynb", "exercises/2-sending.ipynb",
             "exercises/3-debugging.ipynb"]


@pytest.fixture
def state() -> Iterator[Path]:
    with hub_state() as folder:
        yield folder


def load(monkeypatch: pytest.MonkeyPatch, state: Path, **settings: str) -> Config:
    """The config as JupyterHub loads it, with these SMSKIT_HUB_* settings. The admin is
    ``coach`` unless given: accounts are the machine's, and tests/hub/test_hub.py may run a
    hub with ``trainer`` (the default) and trainee01 ... meanwhile."""
    settings.setdefault("admin", "coach")
    monkeypatch.setenv("SMSKIT_HUB_STATE", str(state))
    for name, value in settings.items():
        monkeypatch.setenv(f"SMSKIT_HUB_{name.upper()}", value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hub")).load_config()


def test_accounts_homes_and_passwords_are_private(monkeypatch: pytest.MonkeyPatch,
                                                  state: Path) -> None:
    # (tests/hub/test_hub.py checks that a count names the trainees trainee01 ...)
    config = load(monkeypatch, state, trainees="ana,bo,chen")
    assert config.Authenticator.allowed_users == {"ana", "bo", "chen"}
    assert config.Authenticator.admin_users == {"coach"}
    stored = state / "private" / "passwords.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    saved = json.loads(stored.read_text(encoding="utf-8"))
    assert config.SharedPasswordAuthenticator.user_password == saved["trainees"]
    assert config.SharedPasswordAuthenticator.admin_password == saved["admin"]
    assert len(saved["trainees"]) >= 8 and len(saved["admin"]) >= 32  # JupyterHub's minimums
    again = load(monkeypatch, state, trainees="ana,bo,chen")
    assert again.SharedPasswordAuthenticator.user_password == saved["trainees"]
    assert config.JupyterHub.spawner_class.__mro__[1].__name__ == "LocalProcessSpawner"
    for name in ("ana", "coach"):
        account = pwd.getpwnam(name)
        home = state / "homes" / name
        assert account.pw_dir == str(home) and account.pw_uid != 0
        assert (home.stat().st_uid, stat.S_IMODE(home.stat().st_mode)) == (
            account.pw_uid, 0o700)


def test_names_admin_passwords_and_sandbox_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    config = load(monkeypatch, state, trainees="Ana, bo,,chen", admin="lead",
                  password="class-password", admin_password="x" * 32, sandbox_port="9123",
                  sandbox_command="{python} -m smskit sandbox --quiet --port {port}")
    assert config.Authenticator.allowed_users == {"ana", "bo", "chen"}
    assert config.Authenticator.admin_users == {"lead"}
    assert config.SharedPasswordAuthenticator.user_password == "class-password"
    service, new_group_service = config.JupyterHub.services
    assert service["name"] == "sandbox" and "url" not in service  # not behind the proxy
    # ./kit hub --new-group reaches the running hub with this service's token (root's only)
    token = state / "private" / "hub-api-token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert new_group_service == {"name": "new-group",
                                 "api_token": token.read_text(encoding="ascii").strip()}
    running = json.loads((state / "private" / "hub.json").read_text(encoding="utf-8"))
    assert running == {"api": "http://127.0.0.1:8000/hub/api", "admin": "lead",
                       "trainees": ["ana", "bo", "chen"], "sandbox_port": 9123}
    assert service["command"] == [sys.executable, "-m", "smskit", "sandbox", "--quiet",
                                  "--port", "9123"]
    assert config.Spawner.environment["SMSKIT_BASE_URL"] == "http://127.0.0.1:9123"


def test_a_sites_own_config_file_is_loaded_after_the_kits(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    extra = state.parent / "site.py"
    extra.write_text("c = get_config()  # noqa: F821\nc.JupyterHub.port = 8443\n",
                     encoding="utf-8")
    assert load(monkeypatch, state, trainees="ana", extra_config=str(extra)
                ).JupyterHub.port == 8443


def test_the_default_sandbox_command_is_the_kits_classroom_with_private_files(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    service, _ = load(monkeypatch, state, trainees="ana").JupyterHub.services
    private = state / "private"
    assert shlex.join(service["command"]) == shlex.join(
        [sys.executable, "-m", "smskit", "classroom", "--roster",
         str(private / "classroom-roster.json"), "--handout",
         str(private / "classroom-handout.html"), "--port", "8766", "--quiet"])


def test_an_account_the_hub_did_not_make_is_never_used(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    with pytest.raises(SystemExit, match="'daemon' is an existing system account the hub "
                                         "did not make"):
        load(monkeypatch, state, trainees="ana,daemon")


def test_a_name_that_is_no_login_name_is_refused_before_any_account_is_made(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    with pytest.raises(SystemExit, match="trainee names must be 1-32 of a-z 0-9 _ -"):
        load(monkeypatch, state, trainees="ok-name,--help")
    assert not (state / "homes" / "ok-name").exists()
    with pytest.raises(SystemExit, match="SMSKIT_HUB_ADMIN must be 1-32 of a-z 0-9 _ -"):
        load(monkeypatch, state, trainees="ana", admin="Root Admin")


def test_a_state_folder_the_trainees_cannot_reach_is_refused(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    with pytest.raises(SystemExit, match=f"{closed} is closed to other users"):
        load(monkeypatch, closed / "state", trainees="ana")


class _Spawner:
    """What the pre-spawn hook reads and writes of a JupyterHub spawner."""

    def __init__(self, name: str, environment: dict[str, str]) -> None:
        self.user = type("User", (), {"name": name})()
        self.environment = environment
        self.log = logging.getLogger("test-spawner")


def test_each_server_gets_its_own_credentials_and_its_own_edition(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    config = load(monkeypatch, state, trainees="ana,bo")
    roster = state / "private" / "classroom-roster.json"
    assert stat.S_IMODE(roster.stat().st_mode) == 0o600
    stored = json.loads(roster.read_text(encoding="utf-8"))
    assert [row["name"] for row in stored["trainees"]] == ["ana", "bo"]
    shared = dict(config.Spawner.environment)
    servers = {name: _Spawner(name, config.Spawner.environment)
               for name in ("ana", "bo", "coach")}
    for spawner in servers.values():
        config.Spawner.pre_spawn_hook(spawner)
    for row in stored["trainees"]:
        env = servers[row["name"]].environment
        assert env["SMSKIT_USER_DOMAIN"] == row["userDomain"]
        assert env["SMSKIT_USER_DOMAIN_SECRET"] == row["secret"]
        assert env["SMSKIT_BASE_URL"] == "http://127.0.0.1:8766"
        home = state / "homes" / row["name"]
        assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*.ipynb")) == sorted(
            LESSONS + EXERCISES)
        assert {p.stat().st_uid for p in home.rglob("*")} == {pwd.getpwnam(row["name"]).pw_uid}
    trainer = servers["coach"].environment
    assert "SMSKIT_USER_DOMAIN_SECRET" not in trainer
    assert trainer["SMSKIT_CLASSROOM_URL"] == "http://127.0.0.1:8766"
    token = Path(trainer["SMSKIT_TRAINER_TOKEN_FILE"])
    assert token == state / "homes/coach/.smskit/classroom-trainer-token"
    assert token.read_text(encoding="utf-8") == stored["trainerToken"] + "\n"
    assert (token.stat().st_uid, stat.S_IMODE(token.stat().st_mode)) == (
        pwd.getpwnam("coach").pw_uid, 0o600)
    assert (state / "homes/coach/trainer-dashboard.ipynb").exists()
    assert (state / "homes/coach/exercises/solutions/1-signing.ipynb").exists()
    assert dict(config.Spawner.environment) == shared, "the shared dict is never changed"
    again = load(monkeypatch, state, trainees="ana,bo")  # a restart keeps the cards valid
    assert again.Spawner.pre_spawn_hook is not None
    assert json.loads(roster.read_text(encoding="utf-8")) == stored


def test_a_chinese_class_gets_the_chinese_edition_and_lab_in_chinese(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    config = load(monkeypatch, state, trainees="ana", lang="zh")
    assert config.Spawner.environment["SMSKIT_LANG"] == "zh"
    config.Spawner.pre_spawn_hook(_Spawner("ana", config.Spawner.environment))
    home = state / "homes" / "ana"
    zh = NOTEBOOK_DIR / "zh" / "exercises" / "1-signing.ipynb"
    cells = json.loads((home / "exercises/1-signing.ipynb").read_text(encoding="utf-8"))
    assert [c["source"] for c in cells["cells"]] == [
        c["source"] for c in json.loads(zh.read_text(encoding="utf-8"))["cells"]]
    locale = home / (".jupyter/lab/user-settings/@jupyterlab/translation-extension/"
                     "plugin.jupyterlab-settings")
    assert json.loads(locale.read_text(encoding="utf-8")) == {"locale": "zh_CN"}


def test_a_home_gets_fresh_notebooks_and_keeps_what_the_trainee_changed(
        tmp_path: Path) -> None:
    assert provide(tmp_path) == sorted(LESSONS + EXERCISES)
    for path in tmp_path.rglob("*.ipynb"):
        code = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                if cell["cell_type"] == "code"]
        assert code and all(cell["outputs"] == [] and cell["execution_count"] is None
                            for cell in code)
    signing = tmp_path / "exercises/1-signing.ipynb"
    signing.write_text("the trainee's own work", encoding="utf-8")
    (tmp_path / "02-signature.ipynb").unlink()
    assert provide(tmp_path) == ["02-signature.ipynb"]  # only the missing one comes back
    assert signing.read_text(encoding="utf-8") == "the trainee's own work"
    assert provide(tmp_path, reset=["exercises/1-signing.ipynb"]) == [
        "exercises/1-signing.ipynb"]
    assert json.loads(signing.read_text(encoding="utf-8"))["cells"]
    assert provide(tmp_path, reset_all=True) == sorted(LESSONS + EXERCISES)
    assert not (tmp_path / "trainer-dashboard.ipynb").exists()
    assert not (tmp_path / "exercises" / "solutions").exists()


def test_resetting_an_unknown_notebook_names_it_and_the_choices(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--reset", "exercises/solutions/1-signing.ipynb"]) == 2
    error = capsys.readouterr().err
    assert "exercises/solutions/1-signing.ipynb" in error
    assert "exercises/1-signing.ipynb" in error and "01-quickstart.ipynb" in error
    assert not list(tmp_path.iterdir())  # nothing copied
    assert main([str(tmp_path), "--reset", "exercises/1-signing.ipynb"]) == 0
    assert "exercises/1-signing.ipynb" in capsys.readouterr().out


def test_a_new_group_forgets_the_last_one(monkeypatch: pytest.MonkeyPatch,
                                          state: Path) -> None:
    config = load(monkeypatch, state, trainees="ana,bo")
    config.Spawner.pre_spawn_hook(_Spawner("ana", config.Spawner.environment))
    private, homes = state / "private", state / "homes"
    (homes / "ana" / ".smskit").mkdir()
    (homes / "ana" / ".smskit" / "progress.json").write_text("{}", encoding="utf-8")
    record_login(private, "ana")
    (private / "jupyterhub_cookie_secret").touch()  # as the hub writes it when it starts
    left = subprocess.Popen(["sleep", "60"], user="ana")  # what a trainee left running
    try:
        done = new_group(private, homes, keep={"coach"})
        assert left.wait(timeout=10) != 0
    finally:
        left.kill()
    assert "stopped 1 process(es) left running by the last group" in done
    for name in ("passwords.json", "classroom-roster.json", "jupyterhub_cookie_secret"):
        assert f"removed {name}" in done
        assert not (private / name).exists()
    assert [p.name.startswith("attendance-") for p in private.glob("attendance*")] == [True]
    assert sorted(p.name for p in homes.iterdir()) == ["coach"]
    fresh = load(monkeypatch, state, trainees="ana,bo")
    assert fresh.SharedPasswordAuthenticator.user_password != \
        config.SharedPasswordAuthenticator.user_password


def test_the_hub_starting_for_a_new_group_refuses_while_one_runs(monkeypatch: pytest.MonkeyPatch,
                                                   state: Path) -> None:
    load(monkeypatch, state, trainees="ana")
    (state / "private" / "jupyterhub.pid").write_text(str(os.getpid()), encoding="ascii")
    with pytest.raises(SystemExit, match=f"a hub is running with this state \\(pid "
                                         f"{os.getpid()}\\): ./kit hub --new-group gives"):
        load(monkeypatch, state, trainees="ana", new_group="1")
    assert (state / "private" / "passwords.json").exists()


def test_the_attendance_sheet_lists_every_trainee_in_roster_order(tmp_path: Path) -> None:
    first = time.mktime((2026, 3, 2, 9, 0, 5, 0, 0, -1))
    record_login(tmp_path, "bo", first)
    record_login(tmp_path, "bo", first + 600)
    assert attendance_table(tmp_path, ["ana", "bo"]) == (
        "trainee,first login,last login,logins\n"
        "ana,,,0\n"
        "bo,2026-03-02 09:00:05,2026-03-02 09:10:05,2\n")


def test_logins_take_the_groups_passwords_as_they_are_now(monkeypatch: pytest.MonkeyPatch,
                                                          state: Path) -> None:
    """./kit hub --new-group renews passwords.json while the hub runs: the next login
    checks the new ones, and the old ones no longer open anything."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    config = load(monkeypatch, state, trainees="ana")
    authenticator = config.JupyterHub.authenticator_class(config=config)
    stored = state / "private" / "passwords.json"
    old = json.loads(stored.read_text(encoding="utf-8"))

    def log_in(name: str, password: str) -> object:
        # In a thread of its own: a browser test before this one in the same worker may have
        # left an event loop running in this thread.
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, authenticator.authenticate(
                None, {"username": name, "password": password})).result()

    assert log_in("ana", old["trainees"]) == {"name": "ana", "admin": False, "groups": []}
    assert log_in("coach", old["admin"]) == {"name": "coach", "admin": True, "groups": []}
    stored.write_text(json.dumps({"trainees": "new-class-password",
                                  "admin": "n" * 32}), encoding="utf-8")
    assert log_in("ana", old["trainees"]) is None
    assert log_in("coach", old["admin"]) is None
    assert log_in("ana", "new-class-password") == {"name": "ana", "admin": False, "groups": []}
    authenticator.delete_user(type("User", (), {"name": "ana"})())  # the new group's clean-up
    assert authenticator.allowed_users == {"ana"}  # ana is still in the class


def test_fresh_copies_carry_the_language_info_the_trainees_kernel_reports(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    config = load(monkeypatch, state, trainees="ana")
    config.Spawner.pre_spawn_hook(_Spawner("ana", config.Spawner.environment))
    copy = json.loads((state / "homes/ana/01-quickstart.ipynb").read_text(encoding="utf-8"))
    info = copy["metadata"]["language_info"]
    # the trainees' kernels run <state>/python/bin/python when the kit's Python is closed to
    # other accounts (hub/accounts.py trainee_bin), else the kit's own
    view = state / "python" / "bin" / "python"
    python = view if view.exists() else Path(sys.executable)
    version = subprocess.run([str(python), "-c", "import platform; print(platform."
                              "python_version())"], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert info["name"] == "python" and info["version"] == version
    assert info["mimetype"] == "text/x-python" and info["file_extension"] == ".py"
    assert copy["metadata"]["kernelspec"]["name"] == "python3"


def test_new_group_without_a_running_hub_leaves_it_to_the_hub_start(
        monkeypatch: pytest.MonkeyPatch, state: Path) -> None:
    from hub import new_group as command

    load(monkeypatch, state, trainees="ana")
    assert command.run(state) == command.NOT_RUNNING  # ./kit then starts the hub with it
    assert (state / "private" / "passwords.json").exists()  # nothing forgotten here


def test_new_group_on_a_running_hub_keeps_its_trainees(
        monkeypatch: pytest.MonkeyPatch, state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hub import new_group as command

    load(monkeypatch, state, trainees="ana,bo")
    (state / "private" / "jupyterhub.pid").write_text(str(os.getpid()), encoding="ascii")
    monkeypatch.setenv("SMSKIT_HUB_TRAINEES", "ana,bo,chen")
    assert command.main() == 1
    assert ("smskit hub: error: the running hub's class is ana, bo; to change the trainees, "
            "stop the hub (Ctrl-C) and start it with SMSKIT_HUB_TRAINEES=... ./kit hub "
            "--new-group") in capsys.readouterr().err
    assert (state / "private" / "passwords.json").exists()  # nothing forgotten
