"""``smskit sandbox``: run the local sandbox platform until Ctrl-C.

Prints where it listens, the demo user domain, where that domain's sandbox-only secret comes
from (never the secret itself), how to point a backend at it, and the outbox where delivered
codes show up. Then one line per request as it arrives on stdout (time, method, path,
userDomain, phone, verdict, code, deciding check, and a wrong signature's mistake), like a
webhook listener's console; each delivered code is logged to stderr. ``--quiet`` silences
both; ``--lang zh`` writes the console and the answers' ``extMsg`` in Chinese.

For a test suite (any language) there is a machine interface: ``--port 0 --ready-file PATH``
writes, atomically and only once the port is listening, a JSON file with the URL, port, pid,
version and the domains with their sandbox-only secrets (owner-only, removed on exit);
``--log-format json`` prints one JSON object per line on stdout (``ready``, then one
``request`` per answered request, ``stopped``); ``--rate-limits off``, ``--fixed-clock MS``
and ``--clock-offset MS`` change the rules a test wants changed. SIGTERM and SIGINT stop it
cleanly (exit status 0).
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import logging
import os
import shlex
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from smskit import __version__, environment, i18n
from smskit._data import data_dir
from smskit.cli import add_language_option
from smskit.request import ENDPOINT_PATH

if TYPE_CHECKING:
    from smskit.sandbox import Sandbox
    from smskit.sandbox.requestlog import RequestRecord

DEFAULT_PORT = 8765


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=i18n.t("cli.option.port", port=DEFAULT_PORT))
    parser.add_argument("--host", default="127.0.0.1", help=i18n.t("cli.sandbox.host"))
    parser.add_argument("--quiet", action="store_true", help=i18n.t("cli.sandbox.quiet"))
    parser.add_argument("--ready-file", type=Path, metavar="PATH",
                        help=i18n.t("cli.sandbox.ready_file"))
    parser.add_argument("--log-format", choices=("text", "json"), default="text",
                        help=i18n.t("cli.sandbox.log_format"))
    parser.add_argument("--rate-limits", choices=("on", "off"), default="on",
                        help=i18n.t("cli.sandbox.rate_limits"))
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument("--fixed-clock", type=int, metavar="MS",
                       help=i18n.t("cli.sandbox.fixed_clock"))
    clock.add_argument("--clock-offset", type=int, metavar="MS",
                       help=i18n.t("cli.sandbox.clock_offset"))
    add_language_option(parser)
    parser.epilog = i18n.t("cli.sandbox.epilog")


def run(args: argparse.Namespace) -> int:
    from smskit.sandbox import Sandbox

    if not 0 <= args.port <= 65535:
        print(i18n.t("cli.error", args.lang, prog="smskit sandbox",
                     error=i18n.t("cli.port_range", args.lang, port=args.port)), file=sys.stderr)
        return 2
    from smskit.clock import OffsetClock
    from smskit.sandbox.ratelimit import RatePolicy

    if not 0 <= (args.fixed_clock if args.fixed_clock is not None else 0) < 10**13:
        print(i18n.t("cli.error", args.lang, prog="smskit sandbox", error=i18n.t(
            "cli.sandbox.fixed_clock_range", args.lang, value=args.fixed_clock)), file=sys.stderr)
        return 2
    configure_logging(quiet=args.quiet)
    clock = OffsetClock(offset_ms=args.clock_offset or 0, frozen_at_ms=args.fixed_clock)
    policy = RatePolicy.unlimited() if args.rate_limits == "off" else None
    sandbox = Sandbox(host=args.host, port=args.port, lang=args.lang, clock=clock, policy=policy)
    as_json = args.log_format == "json"
    if not args.quiet:
        sandbox.request_log.subscribe(_json_printer() if as_json else _printer(sandbox.lang))
    try:
        sandbox.start()
    except OSError as error:
        print("smskit sandbox: " + cannot_listen(args, error), file=sys.stderr)
        return 1

    def when_ready() -> int | None:  # the signals are caught by now: a test may stop us at once
        if args.ready_file is not None:
            try:
                write_ready_file(args.ready_file, sandbox)
            except OSError as error:
                print("smskit sandbox: " + i18n.t(
                    "cli.sandbox.ready_file_unwritable", args.lang, path=args.ready_file,
                    reason=error.strerror or error), file=sys.stderr)
                return 2
        if as_json:
            _emit({"event": "ready", **ready_info(sandbox, secrets=False)})
        else:
            _print_banner(sandbox, args.host)
        return None

    try:
        return serve_until_stopped(sandbox, "sandbox", when_ready, quiet_stop=as_json)
    finally:
        if args.ready_file is not None:
            with contextlib.suppress(OSError):  # never written (a folder, say): nothing to remove
                args.ready_file.unlink(missing_ok=True)
        if as_json:
            _emit({"event": "stopped", "pid": os.getpid()})


def cannot_listen(args: argparse.Namespace, error: OSError) -> str:
    """Why the server could not listen, in the kit's language (a hint when a port was named)."""
    hint = i18n.t("cli.cannot_listen.free_port", args.lang) if args.port else ""
    return i18n.t("cli.cannot_listen", args.lang, host=args.host, port=args.port,
                  reason=error.strerror or error) + hint


def ready_info(sandbox: Sandbox, *, secrets: bool) -> dict[str, object]:
    """What a test needs to use a running sandbox: where, who, which version, its domains."""
    from smskit.sandbox.control import DEFAULT_RESET

    base = sandbox.base_url
    domains: list[dict[str, object]] = [
        {"name": d.name, "status": d.status, "description": d.description}
        for d in sandbox.domains]
    if secrets:
        for row, domain in zip(domains, sandbox.domains, strict=True):
            row["secret"] = domain.secret
    return {"url": base, "host": sandbox.host, "port": sandbox.port, "pid": os.getpid(),
            "version": __version__, "endpoint": base + ENDPOINT_PATH,
            "demoDomain": sandbox.demo_domain, "domains": domains,
            "domainsUrl": base + "/_sandbox/domains", "openapi": base + "/_sandbox/openapi.json",
            "clockUrl": base + "/_sandbox/clock", "resetParts": list(DEFAULT_RESET),
            "sandboxOnly": True}


def write_ready_file(path: Path, sandbox: Sandbox) -> None:
    """Write :func:`ready_info` (secrets included: owner-only) atomically: a reader sees the
    whole file or none."""
    from smskit.sandbox.classroom.private_file import write_private

    text = json.dumps(ready_info(sandbox, secrets=True), indent=1) + "\n"
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_private(partial, text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def serve_until_stopped(sandbox: Sandbox, command: str, when_ready: Callable[[], int | None], *,
                        quiet_stop: bool = False, hangup: threading.Event | None = None) -> int:
    """Catch SIGINT (Ctrl-C) and SIGTERM, then call ``when_ready`` (ready file, banner: whoever
    sees them may signal at once), serve until a signal, stop the sandbox; exit status 0, or
    the status ``when_ready`` returns to give up. Both signals are caught explicitly: a shell
    starts background jobs with SIGINT ignored, and a test harness may send either. With
    ``hangup``, SIGHUP stops it too and sets ``hangup`` (the caller starts again: ``smskit
    classroom`` reloads its roster), unless a stop came with it."""
    stop = threading.Event()
    on_signal = _set_on_signal(stop, cancels=hangup)  # a stop wins over a pending restart
    wanted = {signal.SIGTERM: on_signal, signal.SIGINT: on_signal}
    if hangup is not None:
        wanted[signal.SIGHUP] = _set_on_signal(stop, also=hangup)
    previous = {number: signal.signal(number, handler) for number, handler in wanted.items()}
    # Blocked by ``smskit classroom`` before its threads started, or across a restart: ours now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted)
    try:
        failed = when_ready()
        if failed is not None:
            return failed
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if hangup is not None and hangup.is_set():
            # Starting again: a stop from now on must neither meet the default action nor be
            # lost. Blocked here (and in the class's threads: see ``smskit classroom``), it
            # stays pending across the exec until the new process catches it.
            signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
        else:
            for number, handler in previous.items():
                signal.signal(number, handler)
        sandbox.stop()
    if not quiet_stop and not (hangup is not None and hangup.is_set()):
        print(i18n.t("sandbox.banner.stopped", sandbox.lang, command=command), flush=True)
    return 0


def _emit(event: dict[str, object]) -> None:
    with contextlib.suppress(OSError, ValueError):  # stdout gone: keep serving
        print(json.dumps(event, ensure_ascii=False, separators=(",", ":")), flush=True)


def _json_printer() -> Callable[[RequestRecord], None]:
    """Each request as one JSON line: the request log's record (secrets masked there)."""
    def show(record: RequestRecord) -> None:
        _emit({"event": "request", **record.as_dict()})

    return show


def _set_on_signal(stop: threading.Event, also: threading.Event | None = None,
                   cancels: threading.Event | None = None
                   ) -> Callable[[int, FrameType | None], None]:
    """A handler that sets ``stop`` (and ``also``) and clears ``cancels``."""
    def handler(signum: int, frame: FrameType | None) -> None:
        if cancels is not None:
            cancels.clear()
        if also is not None:
            also.set()
        stop.set()

    return handler


def _printer(lang: i18n.Language) -> Callable[[RequestRecord], None]:
    """Print each request's console line as it is recorded (from the server's threads)."""
    from smskit.sandbox.console import console_line

    def show(record: RequestRecord) -> None:
        # stdout closed or gone: the sandbox keeps serving
        with contextlib.suppress(OSError, ValueError):
            print(console_line(record, lang), flush=True)

    return show


def _print_banner(sandbox: Sandbox, host: str) -> None:
    base, domain = sandbox.base_url, sandbox.demo_domain
    secret_file = data_dir() / "sandbox_domains.json"
    python = shlex.quote(sys.executable)
    lookup = shlex.quote(f'from smskit.sandbox import secret_for; print(secret_for("{domain}"))')
    lang = sandbox.lang
    lines = [
        i18n.t("sandbox.banner.serving", lang, base=base),
        i18n.t("sandbox.banner.api", lang, base=base, path=ENDPOINT_PATH),
        i18n.t("sandbox.banner.demo_domain", lang, domain=domain),
        i18n.t("sandbox.banner.secret", lang, file=secret_file),
        i18n.t("sandbox.banner.to_use", lang),
        f"    export {environment.BASE_URL_VAR}={base} {environment.USER_DOMAIN_VAR}={domain}",
        f"    export {environment.SECRET_VAR}=\"$({python} -c {lookup})\"",
        i18n.t("sandbox.banner.outbox", lang, base=base),
        i18n.t("sandbox.banner.health", lang, base=base),
        i18n.t("sandbox.banner.domains", lang, base=base),
        "  " + i18n.t("sandbox.banner.backend", lang, base=base, path=ENDPOINT_PATH),
    ]
    if not is_loopback(host):
        others = [url for url in interface_urls(host, sandbox.port) if url != base]
        lines += [i18n.t("sandbox.banner.also_at", lang, url=url) for url in others]
        lines.append(i18n.t("sandbox.banner.warning", lang, host=host))
    else:
        lines.append("  " + i18n.t("sandbox.banner.reachable", lang))
    lines.append("  " + i18n.t("sandbox.banner.requests", lang, base=base))
    print("\n".join(lines), flush=True)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def interface_urls(host: str, port: int) -> list[str]:
    """URLs of this machine's own addresses when bound to all interfaces (``0.0.0.0``, ``::``).

    Found without sending anything: the addresses the host name resolves to, and the source
    address the kernel would pick for an outgoing UDP packet (``connect`` on a UDP socket
    only chooses a route).
    """
    try:
        bound = ipaddress.ip_address(host)
    except ValueError:
        return [f"http://{host}:{port}"]
    if not bound.is_unspecified:
        return [f"http://{_url_host(bound)}:{port}"]
    family = socket.AF_INET6 if bound.version == 6 else socket.AF_INET
    found: list[str] = []
    with contextlib.suppress(OSError):
        for *_, socket_address in socket.getaddrinfo(socket.gethostname(), None, family,
                                                     socket.SOCK_DGRAM):
            found.append(str(socket_address[0]))
    probe = "2001:db8::1" if family == socket.AF_INET6 else "192.0.2.1"  # documentation nets
    with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as udp:
        udp.connect((probe, 9))
        found.append(str(udp.getsockname()[0]))
    urls: list[str] = []
    for text in found:
        address = ipaddress.ip_address(text.split("%")[0])
        url = f"http://{_url_host(address)}:{port}"
        if not (address.is_loopback or address.is_unspecified or address.is_link_local
                or url in urls):
            urls.append(url)
    return urls


def _url_host(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)


def configure_logging(*, quiet: bool) -> None:
    logger = logging.getLogger("smskit.sandbox")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
