"""The sandbox: a local HTTP platform that answers sendPhoneSmsCode as the page describes.

``with Sandbox(clock=FixedClock(...)) as sb:`` gives a real server on 127.0.0.1 (port 0 by
default) with an outbox of delivered codes, verification by the page's "last unused code
within 5 minutes" rule, a configurable rate limit (5058) and injectable provider failures
(5059). Modules, one concern each:

- :mod:`~smskit.sandbox.app`: :class:`Sandbox`, lifecycle and Python-side API;
- :mod:`~smskit.sandbox.server`: the HTTP/1.1 server and its limits (the HTTP layer: it is
  handed the routes' ``handle`` and imports nothing above :mod:`~smskit.sandbox.wire`);
- :mod:`~smskit.sandbox.wire`: requests and responses as the layers exchange them, strict
  target and query parsing, transport-level errors;
- :mod:`~smskit.sandbox.routes`: the endpoint and the ``/_sandbox/`` extras;
- :mod:`~smskit.sandbox.classroom`: classroom mode (``Sandbox(classroom=Roster...)``): a
  domain and secret per trainee, who may see what, their exercise progress;
- :mod:`~smskit.sandbox.classroom_routes`: the trainer's and each trainee's views;
- :mod:`~smskit.sandbox.dashboard`: per-trainee tallies and the dashboard's rows ("stuck");
- :mod:`~smskit.sandbox.platform`: the endpoint's checks, in their documented order;
- :mod:`~smskit.sandbox.state`: outbox, codes and verification, faults, under one lock;
- :mod:`~smskit.sandbox.ratelimit`: the rate policy (5058) and its sliding windows;
- :mod:`~smskit.sandbox.domains`: sandbox user domains and their SMS configuration;
- :mod:`~smskit.sandbox.policy`: ``smskit/data/sandbox_policy.json``, read in one place;
- :mod:`~smskit.sandbox.scenarios`: the scenario table, replayed over HTTP.

Where the page is silent the sandbox makes assumptions; each is marked in the module that
makes it and in ``smskit/data/sandbox_policy.json`` / ``smskit/data/scenarios.json``.
"""

from smskit.sandbox.app import Sandbox, SandboxNotRunning
from smskit.sandbox.classroom import Roster, Trainee
from smskit.sandbox.domains import DomainTable, SandboxDomain, load_domains, secret_for
from smskit.sandbox.ratelimit import RatePolicy
from smskit.sandbox.scenarios import Scenario, load_scenarios, replay
from smskit.sandbox.state import Delivery, VerificationResult
from smskit.sandbox.wire import ServerLimits

__all__ = [
    "Delivery",
    "DomainTable",
    "RatePolicy",
    "Roster",
    "Sandbox",
    "SandboxDomain",
    "SandboxNotRunning",
    "Scenario",
    "ServerLimits",
    "Trainee",
    "VerificationResult",
    "load_domains",
    "load_scenarios",
    "replay",
    "secret_for",
]
