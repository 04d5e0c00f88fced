"""nbval's kernels listen on Unix sockets under random names, gone when the kernel stops."""

from __future__ import annotations

import json
import stat
import tempfile
from pathlib import Path

from nbval.kernel import start_new_kernel


def test_nbvals_kernel_listens_on_socket_files_not_tcp_ports() -> None:
    manager, client = start_new_kernel(kernel_name="python3")  # as nbval starts one
    try:
        name = Path(manager.ip)
        told = json.loads(Path(manager.connection_file).read_text(encoding="utf-8"))
        sockets = sorted(name.parent.glob(name.name + "-*"))
        assert (told["transport"], told["ip"]) == ("ipc", str(name))
        assert name.parent == Path(tempfile.gettempdir())
        assert name.name.startswith("smskit-kernel-") and len(name.name) == 30
        assert [path.name[len(name.name):] for path in sockets] == ["-1", "-2", "-3", "-4", "-5"]
        assert all(stat.S_ISSOCK(path.stat().st_mode) for path in sockets)
        assert client.is_alive()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert sorted(name.parent.glob(name.name + "-*")) == []
