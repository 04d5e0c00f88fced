"""What one trainee costs on the hub classroom (``hub/jupyterhub_config.py``).

A real JupyterHub with its proxy and the sandbox service (``./kit hub`` as ``tests/hub``
starts it: each trainee's server runs as their own system account), then
for each trainee, one after another: the start time of their server (spawn request over
the hub's REST API to the server ready), and, after they logged in through headless
Chromium and ran the quickstart in JupyterLab (its kernel left running, as in class), the
resident memory of their server's process tree (server + kernel) and the CPU time that tree
used since its spawn (server start, kernel start, the run). From these, the capacity of this
machine:

- memory-bound: (total memory - 2 GiB for the system - the hub's fixed cost) / one trainee;
- CPU-bound: how many trainees can start their server and run the quickstart at the same
  moment and all be done within 60 s on this machine's cores (CPU time of one trainee x
  trainees / cores <= 60 s; the hub's own share is left out).

Trainees mostly read and type; memory is held all session long, CPU only in bursts.
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import psutil
import requests

from benchmarks.figures import INFO, MET, MISSED, Figure

CLASS_SIZE = 20  # a 2-hour session for 20 developers
SYSTEM_RESERVE_MIB = 2048.0
SIMULTANEOUS_RUN_S = 60.0
MIB = 1024 * 1024


def run(*, quick: bool = False) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
    from tests.browser.lab import LabNotebook
    from tests.hub.classroom import hub_state, log_in, start_classroom, wait_for_sandbox

    # Names and an admin of its own: accounts are the machine's, and tests/hub may run a hub
    # with trainee01 ... and trainer meanwhile.
    trainees = [f"bench{n}" for n in range(1, (2 if quick else 3) + 1)]
    token = secrets.token_hex(16)
    starts, runs, cpu, rss, pss = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as workdir, hub_state() as state:
        lab_start = _plain_lab_start(Path(workdir))
        classroom = start_classroom(state, trainees, admin="benchlead", api_token=token,
                                    log_name="bench-hub")
        password = classroom.passwords()["trainees"]
        try:
            wait_for_sandbox(classroom)
            api = requests.Session()
            api.headers["Authorization"] = f"token {token}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS, headless=True)
                try:
                    for name in classroom.trainees:
                        starts.append(_spawn(api, classroom.url, name))
                        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
                        page = context.new_page()
                        log_in(page, classroom, name, password)
                        notebook = LabNotebook(page, f"{classroom.url}/user/{name}",
                                               "01-quickstart.ipynb").open()
                        started = time.perf_counter()
                        notebook.assert_ran_cleanly(notebook.run_all())
                        runs.append(time.perf_counter() - started)
                        tree = _server_tree(classroom.descendants(), name)
                        cpu.append(_cpu_seconds(tree))  # all since its spawn: the tree is new
                        rss.append(sum(p.memory_info().rss for p in tree) / MIB)
                        pss.append(sum(p.memory_full_info().pss for p in tree) / MIB)
                        context.close()  # the kernel keeps running, as a trainee's would
                finally:
                    browser.close()
            fixed = [p for p in [psutil.Process(classroom.server.pid),
                                 *classroom.descendants()]
                     if not _belongs_to_a_trainee(p)]
            fixed_rss = sum(p.memory_info().rss for p in fixed) / MIB
        finally:
            left = classroom.stop()
    if left:
        raise RuntimeError(f"processes left after the hub stopped: {left}")
    return _figures(len(trainees), starts, runs, cpu, rss, pss, fixed_rss, lab_start)


def _plain_lab_start(workdir: Path) -> float:
    """For comparison: seconds from launching a plain JupyterLab (``./kit lab`` on a laptop)
    to its API answering, on the same machine in the same run."""
    from tests.browser.servers import (
        NOTEBOOK_DIR,
        ServerProcess,
        free_port,
        isolated_jupyter_env,
        jupyterlab_command,
    )

    port = free_port()
    started = time.perf_counter()
    server = ServerProcess("jupyterlab-bench", jupyterlab_command(port, NOTEBOOK_DIR),
                           env=isolated_jupyter_env(workdir / "lab"), cwd=workdir, port=port)
    try:
        server.wait_ready("/api/status")
        return time.perf_counter() - started
    finally:
        server.stop()


def _spawn(api: requests.Session, hub: str, name: str) -> float:
    """Seconds from the spawn request to the hub reporting the server ready."""
    started = time.perf_counter()
    api.post(f"{hub}/hub/api/users/{name}/server", timeout=60).raise_for_status()
    deadline = started + 120
    while time.perf_counter() < deadline:
        server = api.get(f"{hub}/hub/api/users/{name}", timeout=10).json()["servers"].get("")
        if server and server["ready"]:
            return time.perf_counter() - started
        time.sleep(0.05)  # polling interval, not a wait for a condition
    raise RuntimeError(f"{name}'s server was not ready within 120 s")


def _belongs_to_a_trainee(process: psutil.Process) -> bool:
    chain = [process, *process.parents()]
    return any("jupyterhub-singleuser" in " ".join(p.cmdline()) for p in chain)


def _server_tree(processes: list[psutil.Process], name: str) -> list[psutil.Process]:
    """The trainee's single-user server and everything below it (their kernels)."""
    for process in processes:
        if ("jupyterhub-singleuser" in " ".join(process.cmdline())
                and process.environ().get("JUPYTERHUB_USER") == name):
            return [process, *process.children(recursive=True)]
    raise RuntimeError(f"no single-user server for {name}")


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    times = [p.cpu_times() for p in processes]
    return sum(t.user + t.system for t in times)


def _figures(trainees: int, starts: list[float], runs: list[float], cpu: list[float],
             rss: list[float], pss: list[float], fixed_rss: float,
             lab_start: float) -> list[Figure]:
    total_mib = psutil.virtual_memory().total / MIB
    cores = len(os.sched_getaffinity(0))
    per_trainee = max(rss)
    by_memory = int((total_mib - SYSTEM_RESERVE_MIB - fixed_rss) // per_trainee)
    by_cpu = int(SIMULTANEOUS_RUN_S * cores // max(cpu))
    aim = f">= {CLASS_SIZE}"

    def verdict(capacity: int) -> str:
        return MET if capacity >= CLASS_SIZE else MISSED

    of = f"of {trainees} trainees"
    return [
        Figure(f"hub: trainee server start, spawn request to ready (median {of})",
               statistics.median(starts), "s", "-", INFO),
        Figure(f"hub: trainee server start, slowest {of}", max(starts), "s", "-", INFO),
        Figure("hub: for comparison, a plain JupyterLab start (./kit lab), launch to API",
               lab_start, "s", "-", INFO),
        Figure(f"hub: quickstart Run All in a trainee's JupyterLab (median {of})",
               statistics.median(runs), "s", "-", INFO),
        Figure(f"hub: CPU time of one trainee, server + kernel start + quickstart (largest {of})",
               max(cpu), "s", "-", INFO),
        Figure(f"hub: one trainee's RSS after the quickstart, server + kernel (largest {of})",
               per_trainee, "MiB", "-", INFO),
        Figure(f"hub: one trainee's PSS, shared pages split (largest {of})", max(pss), "MiB",
               "-", INFO),
        Figure("hub: fixed cost RSS, hub + proxy + sandbox service", fixed_rss, "MiB", "-",
               INFO),
        Figure(f"hub: capacity, memory-bound ({total_mib / 1024:.0f} GiB - 2 GiB - fixed, "
               "/ trainee RSS)", by_memory, "trainees", aim, verdict(by_memory)),
        Figure(f"hub: capacity, CPU-bound (all start + run at once, done in "
               f"{SIMULTANEOUS_RUN_S:.0f} s on {cores} cores)", by_cpu, "trainees", aim,
               verdict(by_cpu)),
    ]
