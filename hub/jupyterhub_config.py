"""JupyterHub for a smskit class: one JupyterLab per trainee, each as its own system
account, and one shared classroom sandbox.

Start it with ``./kit hub`` as root (it makes a system account per trainee); a new group
with ``./kit hub --new-group``. Everything a trainer changes is an environment variable:

- ``SMSKIT_HUB_TRAINEES``: a count (``20`` gives trainee01 ... trainee20, as
  ``smskit classroom`` names them) or names separated by commas (``ana,bo,chen``). Only
  these, and the admin, can log in.
- ``SMSKIT_HUB_ADMIN``: the trainer's login (default ``trainer``), a hub admin.
- ``SMSKIT_HUB_LANG``: the class's language, ``en`` (default) or ``zh``: which edition of
  the notebooks the homes get, the kit's language in every server and JupyterLab's own.
- ``SMSKIT_HUB_PASSWORD`` (8+ characters, shared by the trainees) and
  ``SMSKIT_HUB_ADMIN_PASSWORD`` (32+ characters, the admin's): when unset, generated once per
  group and kept in ``<state>/private/passwords.json``.
- ``SMSKIT_HUB_IP`` / ``SMSKIT_HUB_PORT``: where trainees' browsers connect (default
  ``127.0.0.1:8000``; ``0.0.0.0`` for a class on the local network, see the README).
- ``SMSKIT_HUB_STATE``: the hub's folder (default ``/var/lib/smskit-hub``, outside the
  checkout; see ``hub/accounts.py`` for its layout and modes).
- ``SMSKIT_HUB_SANDBOX_PORT``: the shared sandbox's loopback port (default 8766).
- ``SMSKIT_HUB_SANDBOX_COMMAND``: the command that runs the sandbox, with ``{python}``,
  ``{port}``, ``{roster}`` and ``{handout}`` filled in (default: the classroom mode,
  ``{python} -m smskit classroom --roster {roster} --handout {handout} --port {port} --quiet``).
- ``SMSKIT_HUB_EXTRA_CONFIG``: a JupyterHub config file of your own, loaded after this one
  (TLS, an OAuthenticator, more services): ``c`` is the same config object.
- ``SMSKIT_HUB_NEW_GROUP=1`` (what ``./kit hub --new-group`` sets when no hub runs): before
  starting, forget the last group (hub/accounts.py ``new_group``). With a hub running,
  ``./kit hub --new-group`` gives it the new group as it runs (hub/new_group.py).

Each trainee's server gets the sandbox's URL and their own user domain and secret in its
environment (``SMSKIT_BASE_URL``, ``SMSKIT_USER_DOMAIN``, ``SMSKIT_USER_DOMAIN_SECRET``);
the trainer's gets ``SMSKIT_CLASSROOM_URL`` and a copy of the trainer token in their own
home (``SMSKIT_TRAINER_TOKEN_FILE``) for ``trainer-dashboard.ipynb``. Every login is
recorded; the trainer's home has ``attendance.csv``.

The sandbox is a hub-managed service on a fixed loopback port, not a route of the hub's
proxy: it answers the platform's absolute paths (``/v2/sms/...``, ``/_sandbox/...``), which
a prefix such as ``/services/sandbox/`` would break.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from accounts import (  # noqa: E402 - beside this file, found via sys.path
    HubSetupError,
    api_token,
    attendance_table,
    connect_host,
    ensure_account,
    group_passwords,
    hub_running,
    layout,
    make_home,
    new_group,
    record_login,
    trainee_bin,
    write_owned,
    write_private_text,
)
from fresh_notebooks import EDITIONS, kernel_language, provide  # noqa: E402
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator  # noqa: E402
from jupyterhub.spawner import LocalProcessSpawner  # noqa: E402

from smskit.sandbox.classroom import Roster  # noqa: E402 - after the path set-up above

ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("SMSKIT_HUB_STATE") or "/var/lib/smskit-hub").resolve()
ADMIN = os.environ.get("SMSKIT_HUB_ADMIN") or "trainer"
LANG = os.environ.get("SMSKIT_HUB_LANG") or ""
SANDBOX_PORT = int(os.environ.get("SMSKIT_HUB_SANDBOX_PORT") or 8766)
#: The one place that says how the sandbox runs: the classroom mode, a domain per trainee.
SANDBOX_COMMAND = (os.environ.get("SMSKIT_HUB_SANDBOX_COMMAND")
                   or "{python} -m smskit classroom --roster {roster} --handout {handout} "
                      "--port {port} --quiet")
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
PRIVATE, HOMES = STATE / "private", STATE / "homes"
ROSTER_FILE = PRIVATE / "classroom-roster.json"
HANDOUT_FILE = PRIVATE / "classroom-handout.html"
PID_FILE = PRIVATE / "jupyterhub.pid"
#: What ``./kit hub --new-group`` needs to reach this hub while it runs (hub/new_group.py):
#: its API's address, its class, and a token of the hub's ``new-group`` service.
RUNNING_FILE, API_TOKEN_FILE = PRIVATE / "hub.json", PRIVATE / "hub-api-token"
NEW_GROUP_SCOPES = ["admin:users", "admin:servers", "list:users", "read:users"]
#: Where the trainer's server finds the trainer token: in the trainer's own home.
TRAINER_TOKEN = Path(".smskit") / "classroom-trainer-token"
#: configurable-http-proxy as scripts/setup_hub.sh installs it; else whatever is on PATH.
LOCAL_PROXY = ROOT / ".tools" / "node_modules" / ".bin" / "configurable-http-proxy"


def say(text: str) -> None:
    print(f"smskit hub: {text}", file=sys.stderr, flush=True)


def trainees(setting: str) -> list[str]:
    """``"3"`` -> trainee01..trainee03 (as ``smskit classroom`` names them); ``"a,b"`` ->
    a, b."""
    setting = setting.strip()
    if setting.isdigit():
        return [trainee.name for trainee in Roster.numbered(int(setting))]
    return [name.strip().lower() for name in setting.split(",") if name.strip()]


def classroom_roster(path: Path, names: list[str]) -> Roster:
    """The class's roster file: kept while the trainees stay the same, else made anew."""
    if path.exists():
        roster = Roster.load(path)
        if [trainee.name for trainee in roster] == names:
            return roster
        say(f"the trainees changed; new classroom credentials in {path}")
    roster = Roster.generate(names)
    roster.save(path)
    return roster


def prepare_server(spawner: Any) -> None:
    """Pre-spawn hook: the home's fresh notebooks (the trainer's edition for the trainer)
    and the classroom credentials of whoever starts a server, in that server's
    environment only."""
    name = spawner.user.name
    account = pwd.getpwnam(name)
    home = Path(account.pw_dir)
    make_home(home, account, LANG)
    copied = provide(home, lang=LANG or "en", trainer=name == ADMIN,
                     language_info=LANGUAGE_INFO)
    if copied:
        spawner.log.info("fresh notebooks for %s: %s", name, ", ".join(copied))
    roster = Roster.load(ROSTER_FILE)  # the group's, as ./kit hub --new-group may renew it
    extra: dict[str, str] = {}
    trainee = next((t for t in roster if t.name == name), None)
    if trainee is not None:
        extra = {"SMSKIT_USER_DOMAIN": trainee.user_domain,
                 "SMSKIT_USER_DOMAIN_SECRET": trainee.secret}
    elif name == ADMIN:
        token_file = home / TRAINER_TOKEN
        write_owned(token_file, roster.trainer_token + "\n", account)
        extra = {"SMSKIT_CLASSROOM_URL": SANDBOX_URL, "SMSKIT_TRAINER_TOKEN_FILE": str(token_file),
                 "SMSKIT_ATTENDANCE_FILE": str(home / "attendance.csv")}
    spawner.environment = {**spawner.environment, **extra}  # a copy: never the shared dict


class ClassAuthenticator(SharedPasswordAuthenticator):  # type: ignore[misc]  # untyped
    """JupyterHub's shared-password login with the group's passwords as they are now
    (``./kit hub --new-group`` renews them while the hub runs), and a class list that stays
    the configured one when the new group's clean-up deletes a trainee's hub user."""

    async def authenticate(self, handler: Any, data: dict[str, str]) -> dict[str, Any] | None:
        current = group_passwords(PRIVATE)
        self.user_password, self.admin_password = current["trainees"], current["admin"]
        answer: dict[str, Any] | None = await super().authenticate(handler, data)
        return answer

    def delete_user(self, user: Any) -> None:
        """Keep ``allowed_users``: the trainees are the class's, whoever was deleted."""


class ClassSpawner(LocalProcessSpawner):  # type: ignore[misc]  # JupyterHub is untyped
    """JupyterHub's LocalProcessSpawner (the server runs as the user's system account) that
    says which server it stops: on Ctrl-C the trainer sees what the hub is waiting for."""

    async def stop(self, now: bool = False) -> None:
        say(f"stopping the JupyterLab of {self.user.name} (and its kernels)")
        await super().stop(now=now)


def note_login(authenticator: Any, handler: Any, authentication: dict[str, Any]
               ) -> dict[str, Any]:
    """Post-auth hook: each login in the attendance log, and the trainer's sheet updated."""
    record_login(PRIVATE, authentication["name"])
    admin = pwd.getpwnam(ADMIN)
    write_owned(Path(admin.pw_dir) / "attendance.csv", attendance_table(PRIVATE, TRAINEES),
                admin)
    return authentication


def prepare_state() -> Path:
    """The state folder, the new group if asked, the class's roster and every account; or
    a one-line reason. Returns the folder of programs the trainees' servers run (see
    accounts.trainee_bin)."""
    if os.geteuid() != 0:
        raise SystemExit("smskit hub: error: run it as root (sudo -E ./kit hub): each "
                         "trainee's server runs as a system account of its own, which the "
                         "hub makes")
    if LANG and LANG not in EDITIONS:
        raise SystemExit(f"smskit hub: error: SMSKIT_HUB_LANG must be one of "
                         f"{', '.join(EDITIONS)}, not {LANG!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", ADMIN):
        raise SystemExit("smskit hub: error: SMSKIT_HUB_ADMIN must be 1-32 of a-z 0-9 _ - "
                         "starting with a letter")
    try:
        layout(STATE)
        if os.environ.get("SMSKIT_HUB_NEW_GROUP") == "1":
            running = hub_running(PID_FILE)
            if running:
                raise HubSetupError(f"a hub is running with this state (pid {running}): "
                                    "./kit hub --new-group gives it the new group as it runs")
            for line in new_group(PRIVATE, HOMES, keep={ADMIN}) or ["nothing to forget"]:
                say(f"new group: {line}")
        classroom_roster(ROSTER_FILE, TRAINEES)  # checks the names first
        for name in [*TRAINEES, ADMIN]:
            ensure_account(name, HOMES / name)
        return trainee_bin(VENV_BIN.parent, STATE)
    except (HubSetupError, ValueError) as error:
        raise SystemExit(f"smskit hub: error: {error}") from None


c = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub provides it
TRAINEES = trainees(os.environ.get("SMSKIT_HUB_TRAINEES") or "20")
TRAINEE_BIN = prepare_state()
CLASS = group_passwords(PRIVATE)
#: The trainees' kernel's language_info, written into every fresh notebook: JupyterLab
#: then finds nothing to add when the kernel starts, so a first tab opens unmodified.
LANGUAGE_INFO = kernel_language(TRAINEE_BIN / "python")

# -- the hub and its proxy ------------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("SMSKIT_HUB_IP") or "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("SMSKIT_HUB_PORT") or 8000)
c.JupyterHub.db_url = f"sqlite:///{PRIVATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(PRIVATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(PID_FILE)
c.ConfigurableHTTPProxy.pid_file = str(PRIVATE / "jupyterhub-proxy.pid")
if LOCAL_PROXY.exists():
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]

# -- who logs in ----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = ClassAuthenticator
c.Authenticator.allowed_users = set(TRAINEES)
c.Authenticator.admin_users = {ADMIN}
c.Authenticator.post_auth_hook = note_login
c.SharedPasswordAuthenticator.user_password = CLASS["trainees"]
c.SharedPasswordAuthenticator.admin_password = CLASS["admin"]

# -- each trainee's JupyterLab, as their own system account ---------------------------------
c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.cmd = [str(TRAINEE_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/01-quickstart.ipynb"
c.Spawner.pre_spawn_hook = prepare_server
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(TRAINEE_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    "SMSKIT_BASE_URL": SANDBOX_URL,
    **({"SMSKIT_LANG": LANG} if LANG else {}),
}
# A class logs in at once: on a busy machine a server takes far longer than JupyterHub's
# 30 s default to start (20 starts on 2 cores, see the README's figures).
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# A server asked to stop gets SIGTERM at once (its SIGINT handler would wait for a "y" on a
# terminal it does not have): Ctrl-C on the hub takes seconds, not half a minute.
c.LocalProcessSpawner.interrupt_timeout = 0
c.LocalProcessSpawner.term_timeout = 5

# -- the shared sandbox ---------------------------------------------------------------------
c.JupyterHub.services = [{
    "name": "sandbox",
    "command": shlex.split(SANDBOX_COMMAND.format(
        python=shlex.quote(sys.executable), port=SANDBOX_PORT,
        roster=shlex.quote(str(ROSTER_FILE)), handout=shlex.quote(str(HANDOUT_FILE)))),
}]

# -- ./kit hub --new-group while the hub runs (hub/new_group.py) ----------------------------
c.JupyterHub.services.append({"name": "new-group", "api_token": api_token(API_TOKEN_FILE)})
c.JupyterHub.load_roles = [{"name": "smskit-new-group", "services": ["new-group"],
                            "scopes": NEW_GROUP_SCOPES}]
write_private_text(RUNNING_FILE, json.dumps({
    "api": f"http://{connect_host(c.JupyterHub.ip)}:{c.JupyterHub.port}/hub/api",
    "admin": ADMIN, "trainees": TRAINEES, "sandbox_port": SANDBOX_PORT}, indent=1) + "\n")

# -- a site's own settings (TLS, an OAuthenticator, ...), after the kit's ----------------------
if os.environ.get("SMSKIT_HUB_EXTRA_CONFIG"):
    load_subconfig(os.environ["SMSKIT_HUB_EXTRA_CONFIG"])  # type: ignore[name-defined]  # noqa: F821

say(f"{len(TRAINEES)} trainees ({TRAINEES[0]} ...), admin {ADMIN!r}, each a system account "
    f"with a home in {HOMES}; passwords in {CLASS['file']} (unless set in the environment); "
    f"classroom sandbox at {SANDBOX_URL}; Ctrl-C stops the hub, every server and the sandbox")
