"""hub/jupyterhub_config.py read as JupyterHub reads it (traitlets), and the fresh copies of
the notebooks that each trainee's home gets. Fast: no hub is started here."""

from __future__ import annotations

import json
import logging
import shlex
import stat
import sys
from pathlib import Path

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from hub.fresh_notebooks import main, provide
from tests.browser.servers import NOTEBOOK_DIR, ROOT


def load(monkeypatch: pytest.MonkeyPatch, state: Path, **settings: str) -> Config:
    monkeypatch.setenv("SMSKIT_HUB_STATE", str(state))
    for name, value in settings.items():
        monkeypatch.setenv(f"SMSKIT_HUB_{name.upper()}", value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hub")).load_config()


def test_a_count_names_the_trainees_and_passwords_are_made_once_privately(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = load(monkeypatch, tmp_path, trainees="12")
    assert config.Authenticator.allowed_users == {f"trainee{n:02d}" for n in range(1, 13)}
    assert config.Authenticator.admin_users == {"trainer"}
    stored = tmp_path / "passwords.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    saved = json.loads(stored.read_text(encoding="utf-8"))
    assert config.SharedPasswordAuthenticator.user_password == saved["trainees"]
    assert config.SharedPasswordAuthenticator.admin_password == saved["admin"]
    assert len(saved["trainees"]) >= 8 and len(saved["admin"]) >= 32  # JupyterHub's minimums
    again = load(monkeypatch, tmp_path, trainees="12")
    assert again.SharedPasswordAuthenticator.user_password == saved["trainees"]


def test_names_admin_passwords_and_sandbox_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = load(monkeypatch, tmp_path, trainees="Ana, bo,,chen", admin="lead",
                  password="class-password", admin_password="x" * 32, sandbox_port="9123",
                  sandbox_command="{python} -m smskit sandbox --quiet --port {port}")
    assert config.Authenticator.allowed_users == {"ana", "bo", "chen"}
    assert config.Authenticator.admin_users == {"lead"}
    assert config.SharedPasswordAuthenticator.user_password == "class-password"
    (service,) = config.JupyterHub.services
    assert service["name"] == "sandbox" and "url" not in service  # not behind the proxy
    assert service["command"] == [sys.executable, "-m", "smskit", "sandbox", "--quiet",
                                  "--port", "9123"]
    assert config.Spawner.environment["SMSKIT_BASE_URL"] == "http://127.0.0.1:9123"
    assert config.SimpleLocalProcessSpawner.home_dir_template == str(
        tmp_path / "homes" / "{username}")


def test_the_default_sandbox_command_is_the_kits_classroom(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    (service,) = load(monkeypatch, tmp_path).JupyterHub.services
    assert shlex.join(service["command"]) == shlex.join(
        [sys.executable, "-m", "smskit", "classroom", "--roster",
         str(tmp_path / "classroom-roster.json"), "--handout",
         str(tmp_path / "classroom-handout.html"), "--port", "8766", "--quiet"])


class _Spawner:
    """What the pre-spawn hook reads and writes of a JupyterHub spawner."""

    def __init__(self, name: str, home: Path, environment: dict[str, str]) -> None:
        self.user = type("User", (), {"name": name})()
        self.home_dir = str(home)
        self.environment = environment
        self.log = logging.getLogger("test-spawner")


def test_each_trainee_server_gets_its_own_classroom_credentials(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = load(monkeypatch, tmp_path, trainees="ana,bo")
    roster = tmp_path / "classroom-roster.json"
    assert stat.S_IMODE(roster.stat().st_mode) == 0o600
    stored = json.loads(roster.read_text(encoding="utf-8"))
    assert [row["name"] for row in stored["trainees"]] == ["ana", "bo"]
    shared = dict(config.Spawner.environment)
    hook = config.Spawner.pre_spawn_hook
    servers = {name: _Spawner(name, tmp_path / "homes" / name, config.Spawner.environment)
               for name in ("ana", "bo", "trainer")}
    for spawner in servers.values():
        hook(spawner)
    for row in stored["trainees"]:
        env = servers[row["name"]].environment
        assert env["SMSKIT_USER_DOMAIN"] == row["userDomain"]
        assert env["SMSKIT_USER_DOMAIN_SECRET"] == row["secret"]
        assert env["SMSKIT_BASE_URL"] == "http://127.0.0.1:8766"
    trainer = servers["trainer"].environment
    assert "SMSKIT_USER_DOMAIN_SECRET" not in trainer
    assert trainer["SMSKIT_CLASSROOM_URL"] == "http://127.0.0.1:8766"
    assert dict(config.Spawner.environment) == shared, "the shared dict is never changed"
    again = load(monkeypatch, tmp_path, trainees="ana,bo")  # a restart keeps the cards valid
    assert again.Spawner.pre_spawn_hook is not None
    assert json.loads(roster.read_text(encoding="utf-8")) == stored
    load(monkeypatch, tmp_path, trainees="ana,bo,chen")
    assert len(json.loads(roster.read_text(encoding="utf-8"))["trainees"]) == 3


def test_a_home_gets_every_notebook_fresh_and_keeps_what_the_trainee_changed(
        tmp_path: Path) -> None:
    names = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))
    assert provide(tmp_path) == names
    for name in names:
        cells = json.loads((tmp_path / name).read_text(encoding="utf-8"))["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        assert code and all(cell["outputs"] == [] and cell["execution_count"] is None
                            for cell in code)
    quickstart = tmp_path / "01-quickstart.ipynb"
    quickstart.write_text("the trainee's own work", encoding="utf-8")
    (tmp_path / "02-signature.ipynb").unlink()
    assert provide(tmp_path) == ["02-signature.ipynb"]  # only the missing one comes back
    assert quickstart.read_text(encoding="utf-8") == "the trainee's own work"
    assert provide(tmp_path, reset=["01-quickstart.ipynb"]) == ["01-quickstart.ipynb"]
    assert json.loads(quickstart.read_text(encoding="utf-8"))["cells"]
    assert provide(tmp_path, reset_all=True) == names


def test_resetting_an_unknown_notebook_names_it_and_the_choices(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--reset", "99-nope.ipynb"]) == 2
    error = capsys.readouterr().err
    assert "99-nope.ipynb" in error and "01-quickstart.ipynb" in error
    assert not list(tmp_path.iterdir())  # nothing copied
