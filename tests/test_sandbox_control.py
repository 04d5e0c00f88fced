"""The test-double controls over real HTTP: clock, reset by parts, domains, the OpenAPI contract."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import requests

from smskit.clock import FixedClock, OffsetClock
from smskit.sandbox import Roster, Sandbox
from smskit.sandbox.classroom import Classroom
from smskit.training.classroom import answer_judge
from tests.fixtures.sandbox import DATA, PHONE, START_MS, domain_secret, send_code

OPENAPI = json.loads((DATA / "sandbox_openapi.json").read_text(encoding="utf-8"))


def documented(*, classroom: bool) -> set[str]:
    return {f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
            for method, operation in item.items()
            if classroom or not operation.get("x-classroom")}


def served(sb: Sandbox) -> set[str]:
    return set(requests.get(sb.base_url + "/", timeout=5,
                            headers=_trainer(sb)).json()["paths"])


def _trainer(sb: Sandbox) -> dict[str, str]:
    if not isinstance(sb.extension, Classroom):
        return {}
    return {"Authorization": f"Bearer {sb.extension.roster.trainer_token}"}


@pytest.fixture
def live() -> Iterator[Sandbox]:
    """A sandbox on the default clock: the wall clock, movable over HTTP."""
    with Sandbox() as sb:
        yield sb
    assert sb.internal_errors == 0


def post(sb: Sandbox, path: str, body: Any = None) -> requests.Response:
    return requests.post(sb.base_url + path, json=body, timeout=5, headers=_trainer(sb))


def get(sb: Sandbox, path: str) -> Any:
    answer = requests.get(sb.base_url + path, timeout=5, headers=_trainer(sb))
    assert answer.status_code == 200, answer.text
    return answer.json()


# -- the contract ---------------------------------------------------------------------------

def test_the_openapi_document_lists_exactly_the_served_routes(sandbox: Sandbox) -> None:
    assert served(sandbox) == documented(classroom=False)
    assert "GET /_sandbox/clock" in served(sandbox) and "POST /_sandbox/clock" in served(sandbox)


def test_a_classroom_serves_exactly_the_documented_routes_with_the_classroom_ones() -> None:
    classroom = Classroom(Roster.numbered(2, seed=1), answers=answer_judge)
    with Sandbox(extension=classroom, clock=FixedClock(START_MS)) as sb:
        assert served(sb) == documented(classroom=True)
        assert len(documented(classroom=True)) > len(documented(classroom=False))


def test_the_served_document_is_the_data_file_with_the_kits_version(sandbox: Sandbox) -> None:
    import smskit

    served_doc = get(sandbox, "/_sandbox/openapi.json")
    assert served_doc["openapi"] == "3.1.0"
    assert served_doc["info"]["version"] == smskit.__version__ == "0.2.0"
    assert served_doc["paths"] == OPENAPI["paths"]
    jsonschema.Draft202012Validator.check_schema(  # every component is valid JSON Schema
        {"$defs": OPENAPI["components"]["schemas"]})


def _validate(name: str, payload: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)


def test_every_answer_matches_its_documented_schema(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    bad = send_code(sandbox, code_type=2, secret="x" * 44)
    assert bad["code"] == 5420
    for path, schema in (("/", "Index"), ("/_sandbox/health", "Health"),
                         ("/_sandbox/clock", "Clock"), ("/_sandbox/domains", "Domains"),
                         ("/_sandbox/outbox", "Outbox"), ("/_sandbox/requests", "RequestLog")):
        _validate(schema, get(sandbox, path))
    _validate("Envelope", bad)
    delivered = get(sandbox, "/_sandbox/outbox")["deliveries"][0]
    verified = post(sandbox, "/_sandbox/verify",
                    {"phone": PHONE, "codeType": 3, "code": delivered["code"]})
    _validate("VerifyResult", verified.json())
    _validate("FaultArmed", post(sandbox, "/_sandbox/faults", {"count": 1}).json())
    _validate("ResetDone", post(sandbox, "/_sandbox/reset").json())
    refused = post(sandbox, "/_sandbox/clock", {"advanceMs": "soon"})
    assert refused.status_code == 400
    _validate("TransportError", refused.json())
    with pytest.raises(jsonschema.ValidationError):  # the schemas can fail
        _validate("Clock", {"nowMs": "1"})


# -- the clock ------------------------------------------------------------------------------

def test_the_default_clock_follows_the_wall_clock_and_moves_over_http(live: Sandbox) -> None:
    first = get(live, "/_sandbox/clock")
    assert first["frozen"] is False and first["settable"] is True
    assert abs(first["offsetMs"]) <= 5
    moved = post(live, "/_sandbox/clock", {"advanceMs": 3_600_000}).json()
    assert 3_599_990 <= moved["offsetMs"] <= 3_600_010
    frozen = post(live, "/_sandbox/clock", {"nowMs": START_MS, "frozen": True}).json()
    assert frozen == {"nowMs": START_MS, "frozen": True, "offsetMs": frozen["offsetMs"],
                      "settable": True}
    assert get(live, "/_sandbox/clock")["nowMs"] == START_MS  # frozen: it stands still
    assert post(live, "/_sandbox/clock", {"advanceMs": -1}).json()["nowMs"] == START_MS - 1
    resumed = post(live, "/_sandbox/clock", {"frozen": False}).json()
    assert resumed["frozen"] is False and START_MS - 1 <= resumed["nowMs"] <= START_MS + 1000


def test_expiry_without_sleeping(live: Sandbox) -> None:
    post(live, "/_sandbox/clock", {"frozen": True})
    assert send_code(live)["code"] == 200
    code = get(live, "/_sandbox/outbox")["deliveries"][0]["code"]
    post(live, "/_sandbox/clock", {"advanceMs": 299_999})  # the last valid millisecond
    assert get(live, "/_sandbox/outbox")["deliveries"][0]["status"] == "valid"
    post(live, "/_sandbox/clock", {"advanceMs": 1})  # sent + 5 min: expired
    answer = post(live, "/_sandbox/verify", {"phone": PHONE, "codeType": 3, "code": code})
    assert answer.json()["status"] == "expired"


def test_rate_window_without_sleeping(live: Sandbox) -> None:
    post(live, "/_sandbox/clock", {"frozen": True})
    assert send_code(live)["code"] == 200
    post(live, "/_sandbox/clock", {"advanceMs": 59_999})
    assert send_code(live)["code"] == 5058
    post(live, "/_sandbox/clock", {"advanceMs": 1})
    assert send_code(live)["code"] == 200


@pytest.mark.parametrize("body", [
    {}, {"nowMs": -1}, {"nowMs": "1744773894369"}, {"advanceMs": 1.5}, {"advanceMs": True},
    {"frozen": "yes"}, {"nowMs": 10**14}, {"later": 5}, [1], "x",
])
def test_a_bad_clock_change_is_400_naming_the_field(live: Sandbox, body: Any) -> None:
    before = get(live, "/_sandbox/clock")["offsetMs"]
    answer = post(live, "/_sandbox/clock", body)
    assert answer.status_code == 400 and answer.json()["code"] == 400
    assert abs(get(live, "/_sandbox/clock")["offsetMs"] - before) <= 5  # nothing moved


def test_a_fixed_clock_moves_but_cannot_be_unfrozen(sandbox: Sandbox) -> None:
    assert get(sandbox, "/_sandbox/clock") == {"nowMs": START_MS, "frozen": True,
                                               "offsetMs": None, "settable": True}
    assert post(sandbox, "/_sandbox/clock", {"advanceMs": 5}).json()["nowMs"] == START_MS + 5
    assert post(sandbox, "/_sandbox/clock", {"frozen": True}).json()["frozen"] is True  # no-op
    refused = post(sandbox, "/_sandbox/clock", {"frozen": False})
    assert refused.status_code == 409 and refused.json()["extMsg"].startswith("frozen: ")
    assert post(sandbox, "/_sandbox/reset", {"parts": ["clock"]}).status_code == 200
    assert sandbox.clock.now_ms() == START_MS


def test_a_clock_of_another_kind_is_409() -> None:
    class Stopped:
        def now_ms(self) -> int:
            return START_MS

    with Sandbox(clock=Stopped()) as sb:
        assert get(sb, "/_sandbox/clock")["settable"] is False
        answer = post(sb, "/_sandbox/clock", {"advanceMs": 1})
        assert answer.status_code == 409 and "cannot be moved" in answer.json()["extMsg"]


def test_offset_clock_set_advance_freeze_resume_restore() -> None:
    clock = OffsetClock(frozen_at_ms=START_MS)
    assert clock.now_ms() == START_MS and clock.frozen
    assert clock.advance(minutes=5) == START_MS + 300_000
    clock.set(START_MS)
    assert clock.resume() >= START_MS and not clock.frozen
    clock.restore()  # as made: frozen at START_MS
    assert clock.frozen and clock.now_ms() == START_MS
    assert repr(clock) == f"OffsetClock(frozen_at_ms={START_MS})"
    running = OffsetClock(offset_ms=-60_000)
    running.advance(minutes=10)
    running.restore()
    assert -60_005 <= running.offset_ms <= -59_995
    assert repr(running) == "OffsetClock(offset_ms=-60000)"


# -- reset ------------------------------------------------------------------------------------

def test_reset_without_a_body_forgets_state_and_the_request_log_but_not_the_clock(
        sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    post(sandbox, "/_sandbox/clock", {"advanceMs": 1000})
    answer = post(sandbox, "/_sandbox/reset").json()
    assert answer == {"status": "reset",
                      "parts": ["outbox", "rates", "faults", "requests", "progress"]}
    assert get(sandbox, "/_sandbox/outbox")["deliveries"] == []
    assert [r["check"] for r in get(sandbox, "/_sandbox/requests")["requests"]] == [
        "sandbox_reset", "sandbox_outbox"]  # the log restarts with the reset itself
    assert sandbox.clock.now_ms() == START_MS + 1000
    assert send_code(sandbox)["code"] == 200  # the rate history is gone too


def test_reset_of_some_parts_keeps_the_others(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    answer = post(sandbox, "/_sandbox/reset", {"parts": ["requests"]}).json()
    assert answer["parts"] == ["requests"]
    assert len(get(sandbox, "/_sandbox/outbox")["deliveries"]) == 1
    assert send_code(sandbox)["code"] == 5058  # rates kept
    post(sandbox, "/_sandbox/reset", {"parts": ["rates"]})
    assert send_code(sandbox)["code"] == 200


@pytest.mark.parametrize("body", [{"parts": []}, {"parts": ["everything"]}, {"parts": "some"},
                                  {"parts": [3]}, {"what": "all"}])
def test_a_bad_reset_is_400_and_forgets_nothing(sandbox: Sandbox, body: Any) -> None:
    assert send_code(sandbox)["code"] == 200
    answer = post(sandbox, "/_sandbox/reset", body)
    assert answer.status_code == 400 and "parts" in answer.json()["extMsg"]
    assert len(sandbox.outbox()) == 1


def test_python_reset_takes_the_same_parts(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    sandbox.reset(["outbox"])
    assert sandbox.outbox() == [] and len(sandbox.requests()) == 1
    sandbox.reset()
    assert sandbox.requests() == []
    with pytest.raises(ValueError, match="parts"):
        sandbox.reset(["nothing"])


# -- domains ---------------------------------------------------------------------------------

def test_domains_list_their_sandbox_only_secrets_and_answers(sandbox: Sandbox) -> None:
    listed = get(sandbox, "/_sandbox/domains")
    assert listed["demoDomain"] == "sandbox-demo" and listed["sandboxOnly"] is True
    rows = {row["name"]: row for row in listed["domains"]}
    assert rows["sandbox-demo"]["secret"] == domain_secret("sandbox-demo")
    assert rows["sandbox-demo"]["answers"] == 200
    assert rows["sandbox-disabled"]["answers"] == 5104
    assert {row["answers"] for row in rows.values()} > {200, 5104}
    record = sandbox.requests()[-1]
    assert record.check == "sandbox_domains"


def test_a_classroom_lists_domains_only_to_the_trainer_and_without_secrets() -> None:
    roster = Roster.numbered(2, seed=1)
    with Sandbox(extension=Classroom(roster), clock=FixedClock(START_MS)) as sb:
        for path in ("/_sandbox/domains", "/_sandbox/clock", "/_sandbox/openapi.json"):
            assert requests.get(sb.base_url + path, timeout=5).status_code == 401
        assert requests.post(sb.base_url + "/_sandbox/clock", json={"advanceMs": 1},
                             timeout=5).status_code == 401
        listed = get(sb, "/_sandbox/domains")
        text = json.dumps(listed)
        assert all(t.secret not in text for t in roster.trainees)
        assert all("secret" not in row for row in listed["domains"])


def test_every_text_of_the_document_has_its_chinese_edition() -> None:
    """Each ``summary`` and ``description`` has ``x-summary-zh``/``x-description-zh`` beside it
    (the docs site's Chinese page of the API is made from them)."""
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key in ("summary", "description"):
                if isinstance(node.get(key), str):
                    found.append(where)
                    chinese = node.get(f"x-{key}-zh", "")
                    assert re.search(r"[\u4e00-\u9fff]", chinese), f"{where}.{key}"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(OPENAPI, "")
    assert len(found) > 60
    assert OPENAPI["paths"]["/_sandbox/faults"]["post"]["x-summary-zh"] == (
        "接下来匹配的发送返回 5059（短信服务商发送失败）")
