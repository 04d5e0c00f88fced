"""Every notebook, run with a canary secret in the kernel's environment, must not show it.

The kernel gets ``SMSKIT_USER_DOMAIN_SECRET=<canary>``, ``SMSKIT_USER_DOMAIN`` and
``SMSKIT_BASE_URL`` pointing at a sandbox started here (loopback, never the internet), plus
``SMSKIT_TEST_PHONE``, so the going-live notebook takes its "credentials present" path: it
measures the clock skew and sends one code, signed with the canary. The sandbox knows a
domain whose secret is the canary, so that send is accepted; the test checks it arrived, so
the live path cannot be skipped silently. Then the whole executed notebook (outputs, widget
state in its metadata, everything) is searched for the canary and for the sandbox's secrets.

Sequential on purpose: kernel start-up is CPU-bound and this machine has two cores.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from smskit._data import load_json
from smskit.sandbox import DomainTable, Sandbox
from tests.fixtures.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GOING_LIVE = "06-going-live.ipynb"
CANARY = f"canary-{uuid.uuid4().hex}"
CANARY_DOMAIN = "canary-live"
TEST_PHONE = "13800138000"


def _domains_with_canary() -> DomainTable:
    raw = copy.deepcopy(load_json("sandbox_domains.json"))
    demo = next(row for row in raw["domains"] if row["name"] == raw["demo_domain"])
    raw["domains"].append({**demo, "name": CANARY_DOMAIN, "secret": CANARY,
                           "description": "the canary test's domain"})
    return DomainTable.from_dict(raw)


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[Sandbox]:
    """The "real platform" of this test: a sandbox on the system clock, as a platform is."""
    with Sandbox(domains=_domains_with_canary()) as sb:
        yield sb
        assert sb.internal_errors == 0


def _kernel_env(sb: Sandbox) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMSKIT_")}
    env.update({"SMSKIT_BASE_URL": sb.base_url, "SMSKIT_USER_DOMAIN": CANARY_DOMAIN,
                "SMSKIT_USER_DOMAIN_SECRET": CANARY, "SMSKIT_TEST_PHONE": TEST_PHONE})
    return env


def _execute(path: Path, env: dict[str, str]) -> dict[str, Any]:
    notebook = nbformat.read(path, as_version=4)
    # widget state is stored in the metadata: searched too
    notebook_client(notebook, path.parent, timeout_s=60).execute(env=env)
    executed: dict[str, Any] = json.loads(nbformat.writes(notebook))
    return executed


def _sandbox_secrets() -> list[str]:
    return [row["secret"] for row in load_json("sandbox_domains.json")["domains"]]


def _outputs_text(notebook: dict[str, Any]) -> str:
    return json.dumps([cell.get("outputs", []) for cell in notebook["cells"]],
                      ensure_ascii=False)


def test_the_going_live_notebook_is_among_them() -> None:
    assert GOING_LIVE in [path.name for path in NOTEBOOKS]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_secret_in_the_executed_notebook(path: Path, live_sandbox: Sandbox) -> None:
    before = len(live_sandbox.outbox())
    executed = _execute(path, _kernel_env(live_sandbox))
    text = json.dumps(executed, ensure_ascii=False)
    assert CANARY not in text, f"the canary secret appears in {path.name}"
    assert CANARY.removeprefix("canary-") not in text
    for secret in _sandbox_secrets():
        assert secret not in text, f"a sandbox secret appears in {path.name}"
    if path.name == GOING_LIVE:
        # The live path ran: the canary-signed send reached the sandbox and was accepted.
        sent = live_sandbox.outbox()[before:]
        assert [(d.user_domain, d.phone) for d in sent] == [(CANARY_DOMAIN, TEST_PHONE)]
        outputs = _outputs_text(executed)
        assert "clock skew, local minus platform:" in outputs
        assert "answer: 200" in outputs
        assert "live call below is skipped" not in outputs
