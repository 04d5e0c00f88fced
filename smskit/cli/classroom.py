"""``smskit classroom``: one sandbox for a class, a user domain and secret per trainee.

Writes the handout (an HTML page with one card per trainee, and a plain-text copy), prints
the trainer's token (and writes it to a file readable by its owner only), then serves until
Ctrl-C. With ``--roster FILE`` the class survives a restart: the file is read if it exists,
else written (owner-only). SIGHUP starts it again in the same process, empty, from the roster
file as it is then (the hub's ``./kit hub --new-group`` writes a new one first).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from smskit import i18n
from smskit.cli import add_language_option
from smskit.cli.sandbox import (
    cannot_listen,
    configure_logging,
    interface_urls,
    is_loopback,
    serve_until_stopped,
)
from smskit.request import ENDPOINT_PATH

if TYPE_CHECKING:
    from smskit.sandbox import Sandbox
    from smskit.sandbox.classroom import Roster

DEFAULT_PORT = 8766
DEFAULT_HANDOUT = Path("classroom-handout.html")


def configure(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--trainees", type=int, default=None,
                     help=i18n.t("cli.classroom.trainees"))
    who.add_argument("--names", help=i18n.t("cli.classroom.names"))
    parser.add_argument("--roster", type=Path, help=i18n.t("cli.classroom.roster"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=i18n.t("cli.option.port", port=DEFAULT_PORT))
    parser.add_argument("--host", default="127.0.0.1", help=i18n.t("cli.classroom.host"))
    parser.add_argument("--handout", type=Path, default=DEFAULT_HANDOUT,
                        help=i18n.t("cli.classroom.handout", handout=DEFAULT_HANDOUT))
    parser.add_argument("--token-file", type=Path, default=None,
                        help=i18n.t("cli.classroom.token_file"))
    parser.add_argument("--base-url", default=None, help=i18n.t("cli.classroom.base_url"))
    parser.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true",
                        help=i18n.t("cli.classroom.quiet"))
    add_language_option(parser)


def _roster(args: argparse.Namespace) -> Roster:
    from smskit.sandbox.classroom import Roster

    if args.roster is not None and args.roster.exists():
        return Roster.load(args.roster)
    if args.names is not None:
        names = [name.strip() for name in args.names.split(",") if name.strip()]
        roster = Roster.generate(names, seed=args.seed)
    else:
        roster = Roster.numbered(20 if args.trainees is None else args.trainees, seed=args.seed)
    if args.roster is not None:
        roster.save(args.roster)
    return roster


def run(args: argparse.Namespace) -> int:
    from smskit.sandbox import Sandbox
    from smskit.sandbox.classroom import Classroom
    from smskit.sandbox.classroom.private_file import write_private
    from smskit.training.classroom import answer_judge
    from smskit.training.handout import handout_html, handout_text

    if not 0 <= args.port <= 65535:
        print(i18n.t("cli.error", args.lang, prog="smskit classroom",
                     error=i18n.t("cli.port_range", args.lang, port=args.port)), file=sys.stderr)
        return 2
    try:
        roster = _roster(args)
    except (ValueError, KeyError, OSError) as error:
        print(f"smskit classroom: error: {error}", file=sys.stderr)
        return 2
    configure_logging(quiet=args.quiet)
    sandbox = Sandbox(host=args.host, port=args.port,
                      extension=Classroom(roster, answers=answer_judge), lang=args.lang)
    # The class's threads start with these blocked: only the main thread takes them (it
    # unblocks them once it catches them), so none meets the default action in a restart.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    try:
        sandbox.start()
    except OSError as error:
        print("smskit classroom: " + cannot_listen(args, error), file=sys.stderr)
        return 1
    try:
        base_url = args.base_url or _trainee_url(sandbox, args.host)
        text_path = args.handout.with_suffix(".txt")
        token_path = args.token_file or args.handout.with_name("classroom-trainer-token")
        write_private(args.handout, handout_html(roster, base_url))
        write_private(text_path, handout_text(roster, base_url))
        write_private(token_path, roster.trainer_token + "\n")
    except OSError as error:
        sandbox.stop()
        print(f"smskit classroom: cannot write the handout: {error}", file=sys.stderr)
        return 1

    def show_banner() -> None:
        lang = sandbox.lang
        notebook = ("notebooks/zh/trainer-dashboard.ipynb" if lang == "zh"
                    else "notebooks/trainer-dashboard.ipynb")
        print("\n".join([
            i18n.t("classroom.banner.serving", lang, count=len(roster), base=sandbox.base_url),
            i18n.t("classroom.banner.trainees_use", lang, url=base_url, path=ENDPOINT_PATH),
            i18n.t("classroom.banner.handout", lang, html=args.handout, text=text_path),
            i18n.t("classroom.banner.token", lang, file=token_path),
            i18n.t("classroom.banner.token_file", lang),
            i18n.t("classroom.banner.dashboard", lang, base=sandbox.base_url, file=token_path,
                   notebook=notebook),
        ]), flush=True)

    hangup = threading.Event()
    status = serve_until_stopped(sandbox, "classroom", show_banner, hangup=hangup)
    if hangup.is_set():
        print(i18n.t("classroom.banner.reloading", sandbox.lang), file=sys.stderr, flush=True)
        os.execv(sys.executable, sys.orig_argv)  # noqa: S606 - this very command, anew
    return status


def _trainee_url(sandbox: Sandbox, host: str) -> str:
    """The URL on the cards: loopback's, or this machine's address on the network."""
    if is_loopback(host):
        return sandbox.base_url
    urls = interface_urls(host, sandbox.port)
    return urls[0] if urls else sandbox.base_url
