"""The hub's state on disk and the system accounts its servers run as.

Every trainee and the trainer get a system account made by the hub (``useradd``, group
``smskit-hub``, locked password, home in ``<state>/homes/<name>``, mode 0700), so a
trainee's server and kernels run as that account and the operating system keeps them
apart: no trainee reads another's home, another server's environment (``/proc/PID/environ``
is its owner's only), or the hub's private folder.

The state folder (default ``/var/lib/smskit-hub``, outside the checkout)::

    <state>/            root, 0711: trainees may pass through to their home, not list it
      private/          root, 0700: passwords, the classroom roster and trainer token, the
                        hub's database and cookie secret, the attendance log
      homes/            root, 0711
        <name>/         <name>, 0700

Standard library only; needs root (``useradd``, ``chown``).
"""

from __future__ import annotations

import csv
import grp
import io
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

#: The group of every account the hub made; an existing account outside it is never used.
GROUP = "smskit-hub"
#: Files of ``private/`` that belong to one group of trainees and go with it.
GROUP_FILES = ("passwords.json", "classroom-roster.json", "classroom-handout.html",
               "classroom-handout.txt", "classroom-trainer-token")
#: The hub's own database and cookie secret: every login ends with them. A running hub
#: keeps them (it ends the last group's logins through its API instead).
LOGIN_FILES = ("jupyterhub.sqlite", "jupyterhub_cookie_secret")
PASSWORDS = "passwords.json"
ATTENDANCE = "attendance.csv"
#: JupyterLab settings every fresh home starts with: no news or update prompts over a
#: trainee's notebook, and every cell rendered (so the browser's find works on the page).
LAB_SETTINGS = {
    "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
#: JupyterLab's own language for a class in each of the kit's languages (a language pack).
LAB_LOCALES = {"zh": "zh_CN"}


class HubSetupError(Exception):
    """The hub cannot be set up as asked; the message says why and what to do."""


def layout(state: Path) -> tuple[Path, Path]:
    """Make the state folder's layout with its owners and modes; ``(private, homes)``."""
    private, homes = state / "private", state / "homes"
    for folder, mode in ((state, 0o711), (private, 0o700), (homes, 0o711)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, 0, 0)
        folder.chmod(mode)
    closed = [str(parent) for parent in state.parents
              if not parent.stat().st_mode & stat.S_IXOTH]
    if closed:
        raise HubSetupError(f"trainees could not reach their homes under {state}: "
                            f"{closed[0]} is closed to other users; choose another "
                            "SMSKIT_HUB_STATE")
    return private, homes


def ensure_account(name: str, home: Path) -> pwd.struct_passwd:
    """The hub's system account ``name`` with its home at ``home`` (0700, its own); made
    when missing. An existing account the hub did not make is refused."""
    group = _ensure_group()
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        try:
            _run(["useradd", "--no-create-home", "--home-dir", str(home), "--gid", GROUP,
                  "--shell", "/bin/bash", "--comment", f"smskit hub {name}", name])
        except HubSetupError:
            if name not in {known.pw_name for known in pwd.getpwall()}:
                raise  # else made meanwhile by another hub starting: fine
        account = pwd.getpwnam(name)
    if account.pw_gid != group:
        raise HubSetupError(f"{name!r} is an existing system account the hub did not make "
                            f"(not in group {GROUP}); choose other names in "
                            "SMSKIT_HUB_TRAINEES / SMSKIT_HUB_ADMIN")
    if account.pw_dir != str(home):
        _run(["usermod", "--home", str(home), name])
        account = pwd.getpwnam(name)
    make_home(home, account)
    return account


def make_home(home: Path, account: pwd.struct_passwd, lang: str = "en") -> None:
    """The home folder, its owner's only, with the class's JupyterLab settings if new."""
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, account.pw_uid, account.pw_gid)
    home.chmod(0o700)
    settings = home / ".jupyter/lab/user-settings/@jupyterlab"
    chosen = dict(LAB_SETTINGS)
    if lang in LAB_LOCALES:
        chosen["translation-extension/plugin.jupyterlab-settings"] = {
            "locale": LAB_LOCALES[lang]}
    for relative, values in chosen.items():
        path = settings / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json_text(values), encoding="utf-8")
    for made in [home / ".jupyter", *(home / ".jupyter").rglob("*")]:
        os.chown(made, account.pw_uid, account.pw_gid)


def json_text(values: object) -> str:
    return json.dumps(values, indent=1) + "\n"


def hub_running(pid_file: Path) -> int | None:
    """The pid of the hub that wrote ``pid_file``, if that process is still alive."""
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def group_passwords(private: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The trainees' shared password and the admin's, from ``environ``
    (``SMSKIT_HUB_PASSWORD``, ``SMSKIT_HUB_ADMIN_PASSWORD``) or from
    ``private/passwords.json`` (made with random ones for each group)."""
    stored = private / PASSWORDS
    try:
        saved = json.loads(stored.read_text(encoding="utf-8"))
    except FileNotFoundError:
        saved = {"trainees": secrets.token_urlsafe(9), "admin": secrets.token_urlsafe(32)}
        try:
            descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made meanwhile (a login as the new group is made)
            return group_passwords(private, environ)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(saved, file, indent=1)
    return {"trainees": environ.get("SMSKIT_HUB_PASSWORD") or saved["trainees"],
            "admin": environ.get("SMSKIT_HUB_ADMIN_PASSWORD") or saved["admin"],
            "file": str(stored)}


def new_group(private: Path, homes: Path, *, keep: Iterable[str] = (),
              end_logins: bool = True) -> list[str]:
    """Everything of the last group goes: every process left running as one of the
    accounts whose home is in ``homes``, their homes (except ``keep``: the trainer's, whose
    processes stay too), the passwords, roster, trainer token, handouts and, with
    ``end_logins``, the hub's database and cookie secret (every login ends); the attendance
    log is kept as ``attendance-<time>.csv``. Returns what was done, in words."""
    done = []
    keep = set(keep)
    kept_uids = {pwd.getpwnam(name).pw_uid for name in keep if _account_exists(name)}
    killed = stop_processes(_hub_uids(homes) - kept_uids)
    if killed:
        done.append(f"stopped {killed} process(es) left running by the last group")
    for path in (private / name for name in GROUP_FILES + (LOGIN_FILES if end_logins else ())):
        if path.exists():
            path.unlink()
            done.append(f"removed {path.name}")
    attendance = private / ATTENDANCE
    if attendance.exists():
        archived = attendance.with_name(f"attendance-{time.strftime('%Y%m%d-%H%M%S')}.csv")
        attendance.rename(archived)
        done.append(f"kept the last group's attendance as {archived.name}")
    for home in sorted(homes.iterdir()):
        if home.name not in keep:
            shutil.rmtree(home)
            done.append(f"emptied the home of {home.name}")
    return done


def _account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _hub_uids(homes: Path) -> set[int]:
    """The hub's accounts whose home is in ``homes`` (not another hub's on this machine)."""
    try:
        gid = grp.getgrnam(GROUP).gr_gid
    except KeyError:
        return set()
    return {account.pw_uid for account in pwd.getpwall()
            if account.pw_gid == gid and Path(account.pw_dir).parent == homes}


def stop_processes(uids: set[int], grace_s: float = 3.0) -> int:
    """SIGTERM, then SIGKILL after ``grace_s``, to every process whose real user is one of
    ``uids``; returns how many there were."""
    found = [pid for pid in _pids() if _uid_of(pid) in uids]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in found:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(_uid_of(pid) in uids for pid in found):
            time.sleep(0.1)  # polling interval, not a wait for a condition
    return len(found)


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _uid_of(pid: int) -> int | None:
    try:
        return Path(f"/proc/{pid}").stat().st_uid
    except OSError:
        return None


def record_login(private: Path, name: str, when: float | None = None) -> None:
    """Append one login to the attendance log (root's only)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    log = private / ATTENDANCE
    new = not log.exists()
    with log.open("a", encoding="utf-8", newline="") as file:
        if new:
            file.write("time,login\n")
        csv.writer(file).writerow([stamp, name])


def attendance_table(private: Path, names: Iterable[str]) -> str:
    """The trainer's attendance sheet as CSV: each trainee, their first and last login
    and how many, in roster order; empty cells for who has not logged in."""
    seen: dict[str, list[str]] = {}
    log = private / ATTENDANCE
    if log.exists():
        with log.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                seen.setdefault(row["login"], []).append(row["time"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["trainee", "first login", "last login", "logins"])
    for name in names:
        times = seen.get(name, [])
        writer.writerow([name, times[0] if times else "", times[-1] if times else "",
                         len(times)])
    return out.getvalue()


def api_token(path: Path) -> str:
    """The token kept in ``path`` (root's only), made the first time."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        token = secrets.token_hex(32)
        write_private_text(path, token + "\n")
        return token


def write_private_text(path: Path, text: str) -> None:
    """Write ``path`` readable by its owner only (root), atomically."""
    temporary = path.with_name(f".{path.name}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    temporary.replace(path)


def connect_host(ip: str) -> str:
    """Where a program on this machine reaches a server listening on ``ip``."""
    if ip in ("", "0.0.0.0"):  # noqa: S104 - the hub's "every interface", not a bind here
        return "127.0.0.1"
    if ip == "::":
        return "[::1]"
    return f"[{ip}]" if ":" in ip else ip


def write_owned(path: Path, text: str, account: pwd.struct_passwd, mode: int = 0o600) -> None:
    """Write ``text`` to ``path`` in a home, owned by the home's account with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chown(path.parent, account.pw_uid, account.pw_gid)
    temporary = path.with_name(f".{path.name}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chown(temporary, account.pw_uid, account.pw_gid)
    os.chmod(temporary, mode)
    temporary.replace(path)


def _ensure_group() -> int:
    try:
        return grp.getgrnam(GROUP).gr_gid
    except KeyError:
        _run(["groupadd", "--system", GROUP])
        return grp.getgrnam(GROUP).gr_gid


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True,  # noqa: S603
                       timeout=60)  # fixed programs (useradd ...), names checked by JupyterHub
    except FileNotFoundError as error:
        raise HubSetupError(f"{command[0]} is missing: the hub makes a system account per "
                            "trainee (Debian's passwd package)") from error
    except subprocess.CalledProcessError as error:
        raise HubSetupError(f"{' '.join(command[:1] + command[-1:])} failed: "
                            f"{error.stderr.strip()[:200]}") from error


def trainee_bin(venv: Path, state: Path) -> Path:
    """The folder of programs the trainees' servers run: the kit's own ``venv/bin`` when
    every account can run its interpreter, else ``<state>/python/bin``: a view of the same
    environment (its ``lib``, ``share`` and ``etc`` linked, its scripts copied) on a system
    Python of the same version that every account can run. (A Python installed under a
    closed home, such as pyenv's in ``/root``, cannot be run by the trainees' accounts.)"""
    base = Path(os.path.realpath(venv / "bin" / "python"))
    if _runnable_by_all(base):
        return venv / "bin"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = next((Path(p) for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}")
                   if _runnable_by_all(Path(os.path.realpath(p)))), None)
    if system is None:
        raise HubSetupError(f"the trainees' accounts cannot run the kit's Python ({base}: a "
                            f"folder on its path is closed to other users) and there is no "
                            f"/usr/bin/{version}: make .venv from a Python every account "
                            "can run")
    view = state / "python"
    shutil.rmtree(view, ignore_errors=True)
    (view / "bin").mkdir(parents=True)
    for part in ("lib", "lib64", "share", "etc", "include"):
        if (venv / part).exists():
            (view / part).symlink_to((venv / part).resolve())
    (view / "pyvenv.cfg").write_text(f"home = {system.parent}\ninclude-system-site-packages"
                                     f" = false\nversion = {version[6:]}\n", encoding="utf-8")
    for name in ("python", "python3", version):
        (view / "bin" / name).symlink_to(system)
    shebang = f"#!{venv.resolve() / 'bin' / 'python'}".encode()
    for script in (venv / "bin").iterdir():
        if script.is_file() and not script.is_symlink() and _starts_with(script, shebang):
            copy = view / "bin" / script.name
            copy.write_bytes(b"#!" + str(view / "bin" / "python").encode()
                             + script.read_bytes()[len(shebang):])
            copy.chmod(0o755)
    for folder in (view, view / "bin"):
        folder.chmod(0o755)
    return view / "bin"


def _starts_with(path: Path, prefix: bytes) -> bool:
    with path.open("rb") as file:
        return file.read(len(prefix) + 1) in (prefix + b"\n", prefix + b"\r")


def _runnable_by_all(path: Path) -> bool:
    """True when any account may run ``path``: it and every folder above it open to all."""
    try:
        return all(step.stat().st_mode & stat.S_IXOTH for step in (path, *path.parents))
    except OSError:
        return False
