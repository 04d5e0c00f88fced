"""JupyterHub for a smskit class: one JupyterLab per trainee, one shared sandbox service.

Start it with ``./kit hub`` (or ``jupyterhub -f hub/jupyterhub_config.py`` from the kit's
virtual environment). Everything a trainer changes is an environment variable:

- ``SMSKIT_HUB_TRAINEES``: a count (``20`` gives trainee01 ... trainee20) or names
  separated by commas (``ana,bo,chen``). Only these, and the admin, can log in.
- ``SMSKIT_HUB_ADMIN``: the trainer's login (default ``trainer``), a hub admin.
- ``SMSKIT_HUB_PASSWORD`` (8+ characters, shared by the trainees) and
  ``SMSKIT_HUB_ADMIN_PASSWORD`` (32+ characters, the admin's): when unset, generated once and
  kept in ``<state>/passwords.json`` (readable by its owner only).
- ``SMSKIT_HUB_IP`` / ``SMSKIT_HUB_PORT``: where trainees' browsers connect (default
  ``127.0.0.1:8000``; ``0.0.0.0`` for a class on the local network, see the README).
- ``SMSKIT_HUB_STATE``: the hub's database, cookie secret, passwords and the trainees' homes
  (default ``.hub/`` in the repository, ignored by git).
- ``SMSKIT_HUB_SANDBOX_PORT``: the shared sandbox's loopback port (default 8766).
- ``SMSKIT_HUB_SANDBOX_COMMAND``: the command that runs the sandbox, with ``{python}``,
  ``{port}``, ``{roster}`` and ``{handout}`` filled in (default: the classroom mode,
  ``{python} -m smskit classroom --roster {roster} --handout {handout} --port {port} --quiet``).

The sandbox runs in classroom mode: each trainee has their own user domain and secret,
kept in ``<state>/classroom-roster.json`` (owner-only; made on the first start, kept while
the trainees stay the same) and put into their server's environment by the pre-spawn hook
(``SMSKIT_USER_DOMAIN``, ``SMSKIT_USER_DOMAIN_SECRET``), so ``SmsClient.from_env()`` and the
exercises' progress reach the shared sandbox as that trainee. The admin's server gets
``SMSKIT_CLASSROOM_URL`` and ``SMSKIT_TRAINER_TOKEN_FILE`` for
``notebooks/trainer-dashboard.ipynb``. The handout (``<state>/classroom-handout.html``) is
there for a class that works outside the hub too.

The sandbox is a hub-managed service on a fixed loopback port, not a route of the hub's
proxy: the sandbox answers the platform's absolute paths (``/v2/sms/...``, ``/_sandbox/...``)
and would not find them under ``/services/sandbox/``. Trainees' kernels run on this machine
and reach it at ``SMSKIT_BASE_URL``, which every trainee server gets in its environment.

A local-classroom set-up: every trainee server runs as the hub's own system user, and logins
share one password. The sandbox keeps trainees apart (nobody reads another's outbox, log or
progress through it), but the operating system does not: a trainee's code could read the
roster file or another server's environment. See the README for real
deployments (system users or containers, an OAuth login, TLS).
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fresh_notebooks import provide  # noqa: E402 - beside this file, found via sys.path

from smskit.sandbox.classroom import Roster  # noqa: E402 - after the path set-up above

ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("SMSKIT_HUB_STATE") or ROOT / ".hub").resolve()
ADMIN = os.environ.get("SMSKIT_HUB_ADMIN") or "trainer"
SANDBOX_PORT = int(os.environ.get("SMSKIT_HUB_SANDBOX_PORT") or 8766)
#: The one place that says how the sandbox runs: the classroom mode, a domain per trainee.
SANDBOX_COMMAND = (os.environ.get("SMSKIT_HUB_SANDBOX_COMMAND")
                   or "{python} -m smskit classroom --roster {roster} --handout {handout} "
                      "--port {port} --quiet")
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
ROSTER_FILE = STATE / "classroom-roster.json"
HANDOUT_FILE = STATE / "classroom-handout.html"
#: Where ``smskit classroom`` writes the trainer token (beside the handout).
TOKEN_FILE = STATE / "classroom-trainer-token"
#: configurable-http-proxy as scripts/setup_hub.sh installs it; else whatever is on PATH.
LOCAL_PROXY = ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy"


def trainees(setting: str) -> list[str]:
    """``"3"`` -> trainee1..trainee3 (zero-padded to the count's width); ``"a,b"`` -> a, b."""
    setting = setting.strip()
    if setting.isdigit():
        count = int(setting)
        return [f"trainee{n:0{len(setting)}d}" for n in range(1, count + 1)]
    return [name.strip().lower() for name in setting.split(",") if name.strip()]


def passwords(state: Path) -> dict[str, str]:
    """The trainees' shared password and the admin's, from the environment or from
    ``state/passwords.json`` (created with random ones on the first start)."""
    stored = state / "passwords.json"
    if stored.exists():
        saved = json.loads(stored.read_text(encoding="utf-8"))
    else:
        saved = {"trainees": secrets.token_urlsafe(9), "admin": secrets.token_urlsafe(32)}
        state.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(saved, file, indent=1)
    return {"trainees": os.environ.get("SMSKIT_HUB_PASSWORD") or saved["trainees"],
            "admin": os.environ.get("SMSKIT_HUB_ADMIN_PASSWORD") or saved["admin"],
            "file": str(stored)}


def classroom_roster(path: Path, names: list[str]) -> Roster:
    """The class's roster file: kept while the trainees stay the same, else made anew."""
    if path.exists():
        roster = Roster.load(path)
        if [trainee.name for trainee in roster] == names:
            return roster
        print(f"smskit hub: the trainees changed; new classroom credentials in {path}",
              file=sys.stderr, flush=True)
    roster = Roster.generate(names)
    roster.save(path)
    return roster


def prepare_server(spawner: Any) -> None:
    """Pre-spawn hook: the notebooks a home lacks, as fresh copies, and the classroom
    credentials of whoever starts a server (a trainee's own, or the trainer's view)."""
    name = spawner.user.name
    copied = provide(Path(spawner.home_dir))
    if copied:
        spawner.log.info("fresh notebooks for %s: %s", name, ", ".join(copied))
    extra: dict[str, str] = {}
    trainee = next((t for t in ROSTER if t.name == name), None)
    if trainee is not None:
        extra = {"SMSKIT_USER_DOMAIN": trainee.user_domain,
                 "SMSKIT_USER_DOMAIN_SECRET": trainee.secret}
    elif name == ADMIN:
        extra = {"SMSKIT_CLASSROOM_URL": SANDBOX_URL, "SMSKIT_TRAINER_TOKEN_FILE": str(TOKEN_FILE)}
    spawner.environment = {**spawner.environment, **extra}  # a copy: never the shared dict


c = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub provides it
STATE.mkdir(parents=True, exist_ok=True)
CLASS = passwords(STATE)
TRAINEES = trainees(os.environ.get("SMSKIT_HUB_TRAINEES") or "20")
ROSTER = classroom_roster(ROSTER_FILE, TRAINEES)

# -- the hub and its proxy ------------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("SMSKIT_HUB_IP") or "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("SMSKIT_HUB_PORT") or 8000)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
if LOCAL_PROXY.exists():
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]

# -- who logs in ----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "shared-password"
c.Authenticator.allowed_users = set(TRAINEES)
c.Authenticator.admin_users = {ADMIN}
c.SharedPasswordAuthenticator.user_password = CLASS["trainees"]
c.SharedPasswordAuthenticator.admin_password = CLASS["admin"]

# -- each trainee's JupyterLab --------------------------------------------------------------
c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: no system users needed
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/01-quickstart.ipynb"
c.Spawner.pre_spawn_hook = prepare_server
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    "SMSKIT_BASE_URL": SANDBOX_URL,
}
if os.geteuid() == 0:  # containers and CI machines run as root
    c.Spawner.args = ["--allow-root"]

# -- the shared sandbox ---------------------------------------------------------------------
c.JupyterHub.services = [{
    "name": "sandbox",
    "command": shlex.split(SANDBOX_COMMAND.format(
        python=shlex.quote(sys.executable), port=SANDBOX_PORT,
        roster=shlex.quote(str(ROSTER_FILE)), handout=shlex.quote(str(HANDOUT_FILE)))),
}]

print(f"smskit hub: {len(c.Authenticator.allowed_users)} trainees, admin {ADMIN!r}; "
      f"passwords in {CLASS['file']} (unless set in the environment); "
      f"classroom sandbox at {SANDBOX_URL} (credentials in {ROSTER_FILE})",
      file=sys.stderr, flush=True)
if os.geteuid() == 0:
    print("smskit hub: warning: trainees' servers run as root, like the hub: their code can "
          "do anything on this machine; a class you do not fully trust needs system users or "
          "containers (see the README)", file=sys.stderr, flush=True)
