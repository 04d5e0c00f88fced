"""The floor for the sandbox's throughput: a bare standard-library HTTP/1.1 server in its own
process that answers every POST with the constant success envelope and keeps connections
alive, checking nothing: ``python -m benchmarks.bare_server``.

Same stack as the sandbox (``ThreadingHTTPServer``, ``BaseHTTPRequestHandler``), with Nagle's
algorithm off as in the sandbox, so the comparison measures what the sandbox adds per request.
Prints its port on the first line, answers ``stats`` lines like the sandbox's server (no
internal errors to count), and stops when stdin closes.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmarks.sandbox_server import process_status

ENVELOPE = b'{"code":200,"msg":"","data":null,"extMsg":null}'


class ConstantHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(ENVELOPE)))
        self.end_headers()
        self.wfile.write(ENVELOPE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ConstantHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_port, flush=True)
    for line in sys.stdin:
        if line.strip() == "stats":
            status = process_status()
            print(json.dumps({"rss_kib": status.get("VmRSS"), "threads": status.get("Threads"),
                              "internal_errors": 0, "outbox": 0}), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
