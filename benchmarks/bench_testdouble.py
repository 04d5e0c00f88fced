"""The sandbox as a test double: what a backend's test suite feels.

- cold start: ``smskit sandbox --port 0 --ready-file`` launched to its first answer (the ready
  file written, then ``GET /_sandbox/health`` answered), median of several starts;
- the lean install: a clean virtual environment with the wheel alone (no extras), installed
  with pip (bytecode compiled, dependencies from PyPI or pip's cache) and with uv (offline,
  from its cache); its size with and without pip's own packages; time to the first answer
  from the wheel;
- each harness (examples/harnesses) run by its toolchain, wall time, compile included;
- throughput under wrk, 1 / 4 / 16 connections, against the real ``smskit sandbox`` process
  (``--rate-limits off``) and against the bare standard-library server
  (:mod:`benchmarks.bare_server`), in the same run, interleaved (floor, sandbox, sandbox,
  floor), after one warm-up request each: the sandbox's share of the floor (aim 0.5). wrk
  repeats one correctly signed request; every answer is checked by a Lua script that counts
  the ones without ``"code":200``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.figures import MET, MISSED, ROOT, Figure, at_most, median, skipped

SMSKIT = Path(sys.executable).with_name("smskit")
LEAN_AIM_BYTES = 30 * 1024 * 1024
PIP_OWN = ("pip", "setuptools", "pkg_resources", "_distutils_hack")
_WRK_CHECK = """
local bad = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"code":200,', 1, true) then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("bad=%d\\n", bad))
end
"""


def start_sandbox(python_bin: Path, *args: str) -> tuple[subprocess.Popen[bytes], dict[str, str],
                                                          float]:
    """Launch ``smskit sandbox``; (process, ready info, seconds to the first answer)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    ready = folder / "sandbox.json"
    began = time.perf_counter()
    process = subprocess.Popen([str(python_bin / "smskit"), "sandbox", "--port", "0", "--quiet",
                                "--ready-file", str(ready), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not ready.exists():
        if process.poll() is not None or time.perf_counter() - began > 30:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.002)
    info = json.loads(ready.read_text(encoding="utf-8"))
    health = info["url"] + "/_sandbox/health"
    with urllib.request.urlopen(health, timeout=5) as answer:  # noqa: S310 - http://127.0.0.1
        answer.read()
    return process, info, time.perf_counter() - began


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def cold_start(quick: bool) -> list[Figure]:
    samples = []
    for _ in range(3 if quick else 7):
        process, _, seconds = start_sandbox(SMSKIT.parent)
        stop(process)
        samples.append(seconds)
    value = median(samples)
    return [Figure("test double: cold start to first answer (smskit sandbox, median)",
                   value, "s", "<= 0.5", at_most(value, 0.5))]


def _tree(folder: Path, *, skip: tuple[str, ...] = ()) -> int:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not any(part.startswith(skip) for part in path.parts
                                      if skip and part in path.relative_to(folder).parts):
            total += path.stat().st_size
    return total


def lean_install(quick: bool) -> list[Figure]:
    work = Path(tempfile.mkdtemp(prefix="bench-lean-"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", str(ROOT), "-w", str(work)], check=True,
                   capture_output=True)
    [wheel] = work.glob("smskit-*.whl")
    figures: list[Figure] = []
    venv = work / "pip-env"
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                                "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True)
    pip_seconds = time.perf_counter() - began
    if installed.returncode != 0:
        figures.append(skipped("test double: lean install with pip", "pip could not install "
                               "(PyPI unreachable?)"))
    else:
        [site] = venv.glob("lib/python*/site-packages")
        whole = sum(p.stat().st_size for p in venv.rglob("*") if p.is_file())
        own = sum(p.stat().st_size for p in site.iterdir() for p in
                  ([p] if p.is_file() else p.rglob("*"))
                  if p.is_file() and p.relative_to(site).parts[0].split("-")[0] in PIP_OWN)
        figures += [
            Figure("test double: lean env with pip, whole venv (pip, setuptools included)",
                   whole / 2**20, "MiB", "-", "info"),
            Figure("test double: lean env with pip, without pip's own packages",
                   (whole - own) / 2**20, "MiB", "<= 30", at_most(whole - own, LEAN_AIM_BYTES)),
            Figure("test double: lean install with pip (venv + wheel, deps from PyPI/cache)",
                   pip_seconds, "s", "-", "info"),
        ]
        process, _, seconds = start_sandbox(venv / "bin")
        stop(process)
        figures.append(Figure("test double: wheel to first answer (pip install + start)",
                              pip_seconds + seconds, "s", "<= 5", at_most(pip_seconds + seconds,
                                                                          5.0)))
    uv = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    if Path(uv).is_file():
        venv = work / "uv-env"
        began = time.perf_counter()
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                       check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--offline", "--compile-bytecode",
                        "--python", str(venv / "bin" / "python"), str(wheel)], check=True)
        process, _, seconds = start_sandbox(venv / "bin")
        stop(process)
        total = time.perf_counter() - began
        size = sum(p.stat().st_size for p in venv.rglob("*") if p.is_file())
        figures += [
            Figure("test double: lean env with uv (offline, bytecode compiled)", size / 2**20,
                   "MiB", "<= 30", at_most(size, LEAN_AIM_BYTES)),
            Figure("test double: wheel to first answer with uv (venv + install + start)",
                   total, "s", "<= 5", at_most(total, 5.0)),
        ]
    shutil.rmtree(work, ignore_errors=True)
    return figures


def harnesses(quick: bool) -> list[Figure]:
    from tests.test_harnesses import passed, prepare
    from tests.test_harnesses import run as run_harness

    figures = []
    for lang in ("java", "go", "node", "python"):
        with tempfile.TemporaryDirectory() as folder:
            prepare(lang, Path(folder))
            began = time.perf_counter()
            done = run_harness(lang, Path(folder), SMSKIT)
            seconds = time.perf_counter() - began
        ok = done.returncode == 0 and passed(lang, done.stdout + done.stderr)[1] == 0
        figures.append(Figure(f"test double: {lang} harness, 3 tests, wall (compile included)",
                              seconds, "s", "-", "info" if ok else "FAILED"))
    return figures


def _wrk(url: str, query: str, connections: int, seconds: int, script: Path) -> tuple[int,
                                                                                     float, int]:
    """One wrk run: (requests answered, seconds taken, answers without ``"code":200``)."""
    done = subprocess.run(["wrk", "-t", str(min(connections, 2)), "-c", str(connections),
                           "-d", f"{seconds}s", "-s", str(script), "--latency",
                           f"{url}/v2/sms/enduserapi/v2/sendPhoneSmsCode?{query}"],
                          capture_output=True, text=True, check=True)
    found = re.search(r"(\d+) requests in ([0-9.]+)(m?s)", done.stdout)
    bad = re.search(r"bad=(\d+)", done.stdout)
    if found is None or bad is None:
        raise RuntimeError(f"wrk printed no figures: {done.stdout[-300:]}")
    taken = float(found.group(2)) / (1000 if found.group(3) == "ms" else 1)
    return int(found.group(1)), taken, int(bad.group(1))


def _wrk_compared(urls: dict[str, str], query: str, connections: int, seconds: int,
                  script: Path) -> dict[str, tuple[float, int]]:
    """(requests per second, bad answers) of the floor and the sandbox, each loaded
    ``seconds`` twice, interleaved floor, sandbox, sandbox, floor: on a machine whose other
    load changes from second to second, both meet the same mix of it."""
    totals = {name: [0, 0.0, 0] for name in urls}
    for name in ("floor", "sandbox", "sandbox", "floor"):
        answered, taken, bad = _wrk(urls[name], query, connections, seconds, script)
        total = totals[name]
        total[0] += answered
        total[1] += taken
        total[2] += bad
    return {name: (answered / taken, int(bad))
            for name, (answered, taken, bad) in totals.items()}


def _warm(url: str, query: str) -> None:
    """One answered request first: the sandbox's first API call loads phonenumbers' data,
    which the cold-start figure counts, not the throughput."""
    request = urllib.request.Request(f"{url}/v2/sms/enduserapi/v2/sendPhoneSmsCode?{query}",  # noqa: S310
                                     method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
        if b'"code":200,' not in answer.read():
            raise RuntimeError(f"{url} did not answer success")


def throughput(quick: bool) -> list[Figure]:
    if shutil.which("wrk") is None:
        return [skipped("test double: wrk throughput", "wrk not installed (apt-get install wrk)")]
    seconds = 1 if quick else 3  # per run; each server is run twice per level
    work = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
    script = work / "check.lua"
    # wrk sends POST with an empty body when told the method in Lua
    script.write_text('wrk.method = "POST"\nwrk.headers["accept"] = "*/*"\n' + _WRK_CHECK)
    figures: list[Figure] = []
    process, info, _ = start_sandbox(SMSKIT.parent, "--rate-limits", "off")
    secret = next(d["secret"] for d in info["domains"] if d["name"] == info["demoDomain"])
    try:
        # the floor's stderr is dropped: wrk resets its connections at the end of each run
        bare = subprocess.Popen([sys.executable, "-m", "benchmarks.bare_server"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        if bare.stdout is None or bare.stdin is None:
            raise RuntimeError("the floor server has no pipes")
        bare_url = f"http://127.0.0.1:{int(bare.stdout.readline())}"
        try:
            for connections in (1, 4, 16):
                ts = str(time.time_ns() // 1_000_000)
                random = "abcdefghijklmnop"
                signature = hashlib.sha256(
                    f"13800138000{3}{random}{ts}{secret}".encode()).hexdigest()
                query = (f"codeType=3&internationalCode=86&phone=13800138000&random={random}"
                         f"&signature={signature}&ts={ts}&userDomain={info['demoDomain']}")
                urls = {"floor": bare_url, "sandbox": info["url"]}
                for url in urls.values():
                    _warm(url, query)
                found = _wrk_compared(urls, query, connections, seconds, script)
                (floor, floor_bad), (rps, bad) = found["floor"], found["sandbox"]
                ratio = rps / floor
                verdict = MET if ratio >= 0.5 else MISSED
                if bad or floor_bad:
                    verdict = f"ERRORS: {bad} sandbox, {floor_bad} floor answers not 200"
                figures += [
                    Figure(f"test double: wrk {connections:>2} conn, bare floor", floor,
                           "req/s"),
                    Figure(f"test double: wrk {connections:>2} conn, smskit sandbox", rps,
                           "req/s"),
                    Figure(f"test double: wrk {connections:>2} conn, share of the floor", ratio,
                           "x", ">= 0.5", verdict),
                ]
        finally:
            bare.stdin.close()
            bare.wait(timeout=10)
    finally:
        stop(process)
        shutil.rmtree(work, ignore_errors=True)
    return figures


def run(*, quick: bool = False) -> list[Figure]:
    os.environ.pop("SMSKIT_LANG", None)
    return cold_start(quick) + lean_install(quick) + harnesses(quick) + throughput(quick)
