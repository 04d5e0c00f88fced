"""The SMS-configuration model behind 5117-5216: codes are derived from who owns what,
what is shared, disabled, missing or of another type, not looked up by domain name."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from smskit.sandbox import DomainTable, Sandbox
from tests.fixtures.sandbox import send_code, shipped_domains

HEALTHY = {"account": "ACC-A", "signature": "SIG-A", "template": "TPL-A"}


def table(sms: dict[str, Any] | None = None, **changes: Any) -> DomainTable:
    """A small world: account A owns SIG-A / TPL-A; account B owns SIG-B / TPL-B."""
    raw: dict[str, Any] = {
        "demo_domain": "d",
        "accounts": {"ACC-A": {"status": "active"}, "ACC-B": {"status": "active"}},
        "signatures": {
            "SIG-A": {"account": "ACC-A", "status": "active", "type": "domestic"},
            "SIG-B": {"account": "ACC-B", "status": "active", "type": "domestic"},
        },
        "templates": {
            "TPL-A": {"account": "ACC-A", "status": "active", "type": "domestic"},
            "TPL-B": {"account": "ACC-B", "status": "active", "type": "domestic"},
        },
        "domains": [{"name": "d", "status": "active", "secret": "s3cr3t-for-tests",
                     "sms": {**HEALTHY, **(sms or {})}}],
    }
    for path, value in changes.items():
        section, key, attribute = path.split("__")
        raw[section][key.replace("_", "-")][attribute] = value
    return DomainTable.from_dict(raw)


def fault(world: DomainTable) -> int | None:
    domain = world.get("d")
    assert domain is not None
    found = world.sms_fault(domain)
    return found.code if found else None


def test_a_healthy_configuration_can_send() -> None:
    assert fault(table()) is None


@pytest.mark.parametrize(("sms", "changes", "code"), [
    ({"signature": None}, {}, 5117),
    ({"template": None}, {}, 5118),
    ({"account": "ACC-GONE"}, {}, 5188),
    ({"account": None}, {}, 5188),
    ({}, {"accounts__ACC_A__status": "disabled"}, 5128),
    ({"signature": "SIG-GONE"}, {}, 5202),
    ({"signature": "SIG-B"}, {}, 5122),
    ({}, {"signatures__SIG_A__status": "disabled"}, 5123),
    ({"template": "TPL-GONE"}, {}, 5209),
    ({"template": "TPL-B"}, {}, 5124),
    ({}, {"templates__TPL_A__status": "disabled"}, 5125),
    ({"template": "TPL-B"}, {"templates__TPL_B__shared_with": ["ACC-A"]}, 5126),
    ({}, {"signatures__SIG_A__type": "international"}, 5216),
])
def test_each_configuration_fault_gives_its_code(
    sms: dict[str, Any], changes: dict[str, Any], code: int
) -> None:
    assert fault(table(sms, **changes)) == code


def test_sharing_makes_another_accounts_signature_usable() -> None:
    world = table({"signature": "SIG-B", "template": "TPL-B"},
                  signatures__SIG_B__shared_with=["ACC-A"],
                  templates__TPL_B__shared_with=["ACC-A"])
    assert fault(world) is None  # both shared, both on ACC-B: nothing wrong


@pytest.mark.parametrize(("sms", "changes", "code"), [
    # Several faults at once: the documented order decides.
    ({"signature": None, "template": None}, {}, 5117),
    ({"account": "ACC-GONE", "signature": "SIG-GONE"}, {}, 5188),
    ({"signature": "SIG-B"}, {"signatures__SIG_B__status": "disabled"}, 5122),
    ({}, {"signatures__SIG_A__status": "disabled", "templates__TPL_A__status": "disabled"},
     5123),
    ({"template": "TPL-B"}, {"templates__TPL_B__type": "international"}, 5124),
])
def test_the_first_fault_in_the_documented_order_answers(
    sms: dict[str, Any], changes: dict[str, Any], code: int
) -> None:
    assert fault(table(sms, **changes)) == code


def test_the_shipped_domains_cover_every_configuration_code_once() -> None:
    world = DomainTable.from_dict(shipped_domains())
    derived = {domain.name: world.sms_fault(domain) for domain in world}
    codes = sorted(f.code for f in derived.values() if f is not None)
    assert codes == [5117, 5118, 5122, 5123, 5124, 5125, 5126, 5128, 5188, 5202, 5209, 5216]
    assert derived["sandbox-demo"] is None and derived["sandbox-disabled"] is None
    demo = world.get("sandbox-demo")
    assert demo is not None and demo.enabled


def test_bad_data_is_refused_at_load() -> None:
    raw = copy.deepcopy(shipped_domains())
    raw["domains"].append(dict(raw["domains"][0]))
    with pytest.raises(ValueError, match="twice"):
        DomainTable.from_dict(raw)
    raw = copy.deepcopy(shipped_domains())
    raw["accounts"]["ACC-DEMO"]["status"] = "paused"
    with pytest.raises(ValueError, match="status"):
        DomainTable.from_dict(raw)
    raw = copy.deepcopy(shipped_domains())
    raw["demo_domain"] = "nobody"
    with pytest.raises(ValueError, match="demo domain"):
        DomainTable.from_dict(raw)


def test_a_sandbox_with_overridden_domains_answers_from_them(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    raw = copy.deepcopy(shipped_domains())
    demo = next(row for row in raw["domains"] if row["name"] == "sandbox-demo")
    raw["templates"][demo["sms"]["template"]]["status"] = "disabled"
    box = make_sandbox(domains=DomainTable.from_dict(raw))
    answer = send_code(box)
    assert (answer["code"], answer["msg"]) == (5125, "企业短信模板ID已停用")
    assert "TPL-DEMO" in answer["extMsg"]


@pytest.mark.parametrize(("sms", "changes", "key", "values"), [
    ({"signature": "SIG-GONE"}, {}, "signature_unknown", (("signature", "'SIG-GONE'"),)),
    ({"template": "TPL-B"}, {}, "template_forbidden",
     (("template", "'TPL-B'"), ("owner", "'ACC-B'"), ("account", "'ACC-A'"))),
    ({}, {"templates__TPL_A__status": "disabled"}, "template_disabled",
     (("template", "'TPL-A'"),)),
])
def test_a_signature_or_template_fault_names_the_asset(
    sms: dict[str, Any], changes: dict[str, Any], key: str, values: tuple[tuple[str, str], ...]
) -> None:
    world = table(sms, **changes)
    domain = world.get("d")
    assert domain is not None
    found = world.sms_fault(domain)
    assert found is not None
    assert (found.key, found.values) == (key, (("domain", "'d'"), *values))
