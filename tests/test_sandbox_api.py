"""The Sandbox object itself: lifecycle, the Python-side API, faults, reset, secrets."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from smskit.clock import FixedClock, OffsetClock, SystemClock
from smskit.sandbox import Sandbox, SandboxNotRunning, load_domains
from tests.fixtures.sandbox import PHONE, START_MS, domain_secret, send_code, shipped_domains


def test_start_returns_self_and_serves_from_a_daemon_thread() -> None:
    box = Sandbox(clock=FixedClock(START_MS))
    try:
        assert box.start() is box
        assert box.running and box.base_url == f"http://127.0.0.1:{box.port}"
        (thread,) = [t for t in threading.enumerate() if t.name == f"smskit-sandbox:{box.port}"]
        assert thread.daemon
        assert requests.get(box.base_url + "/_sandbox/health", timeout=5).json()["status"] == "ok"
        assert box.start() is box  # idempotent
    finally:
        box.stop()


def test_stop_is_idempotent_and_releases_the_port() -> None:
    box = Sandbox().start()
    url = box.base_url
    box.stop()
    box.stop()
    assert not box.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_sandbox/health", timeout=5)
    with pytest.raises(SandboxNotRunning, match="start"):
        _ = box.base_url


def test_the_context_manager_starts_and_stops() -> None:
    with Sandbox() as box:
        url = box.base_url
        assert requests.get(url + "/_sandbox/health", timeout=5).status_code == 200
    assert not box.running


def test_a_stopped_sandbox_can_start_again_with_its_state(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    sandbox.stop()
    sandbox.start()
    assert len(sandbox.outbox()) == 1
    assert send_code(sandbox)["code"] == 5058


def test_defaults() -> None:
    box = Sandbox()
    assert isinstance(box.clock, OffsetClock) and not box.clock.frozen
    assert abs(box.clock.now_ms() - SystemClock().now_ms()) <= 5  # the wall clock
    assert box.host == "127.0.0.1"
    assert box.demo_domain == shipped_domains()["demo_domain"] == "sandbox-demo"
    assert not box.running


def test_a_fixed_port_is_used(make_sandbox: Callable[..., Sandbox]) -> None:
    first = make_sandbox()
    port = first.port
    first.stop()
    second = make_sandbox(port=port)
    assert second.port == port


def test_secret_for_gives_the_data_files_secrets(sandbox: Sandbox) -> None:
    for row in shipped_domains()["domains"]:
        assert sandbox.secret_for(row["name"]) == row["secret"]
    assert sandbox.secret_for() == domain_secret("sandbox-demo")
    with pytest.raises(KeyError, match="no-such"):
        sandbox.secret_for("no-such")


def test_no_secret_in_reprs_or_over_http(sandbox: Sandbox) -> None:
    secrets = [row["secret"] for row in shipped_domains()["domains"]]
    shown = [repr(sandbox), repr(sandbox.domains), repr(list(sandbox.domains)),
             repr(load_domains().get("sandbox-demo"))]
    for path in ("/", "/_sandbox/health", "/_sandbox/outbox"):
        shown.append(requests.get(sandbox.base_url + path, timeout=5).text)
    send_code(sandbox)
    shown.append(requests.get(sandbox.base_url + "/_sandbox/outbox", timeout=5).text)
    for text in shown:
        for secret in secrets:
            assert secret not in text


def test_inject_failure_answers_5059_for_the_next_n_sends_and_delivers_nothing(
    sandbox: Sandbox,
) -> None:
    sandbox.inject_failure(count=2)
    assert [send_code(sandbox, code_type=kind)["code"] for kind in (1, 2, 3)] == [
        5059, 5059, 200]
    assert [d.code_type for d in sandbox.outbox()] == [3]


def test_a_failed_send_does_not_use_up_the_rate_limit(sandbox: Sandbox) -> None:
    sandbox.inject_failure()
    answer = send_code(sandbox)
    assert (answer["code"], answer["msg"]) == (5059, "短信发送异常")
    assert send_code(sandbox)["code"] == 200


def test_inject_failure_can_target_a_domain_or_a_phone(sandbox: Sandbox) -> None:
    sandbox.inject_failure(phone="13900139000")
    sandbox.inject_failure(user_domain="sandbox-disabled")  # never reached: 5104 comes first
    assert send_code(sandbox)["code"] == 200
    assert send_code(sandbox, phone="13900139000")["code"] == 5059
    assert send_code(sandbox, phone="13900139000", code_type=2)["code"] == 200
    assert send_code(sandbox, user_domain="sandbox-disabled")["code"] == 5104
    health = requests.get(sandbox.base_url + "/_sandbox/health", timeout=5).json()
    assert health["pendingFailures"] == 1


def test_a_rate_limited_send_does_not_consume_an_injected_failure(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    sandbox.inject_failure()
    assert send_code(sandbox)["code"] == 5058
    assert send_code(sandbox, code_type=2)["code"] == 5059


@pytest.mark.parametrize("count", [0, -1, 1.5, True])
def test_inject_failure_refuses_a_nonsense_count(sandbox: Sandbox, count: object) -> None:
    with pytest.raises(ValueError, match="count"):
        sandbox.inject_failure(count=count)  # type: ignore[arg-type]


def test_faults_and_reset_over_http(sandbox: Sandbox) -> None:
    armed = requests.post(sandbox.base_url + "/_sandbox/faults",
                          json={"phone": PHONE, "count": 1}, timeout=5)
    assert armed.status_code == 200 and armed.json()["status"] == "armed"
    assert send_code(sandbox)["code"] == 5059
    assert send_code(sandbox, code_type=2)["code"] == 200
    reset = requests.post(sandbox.base_url + "/_sandbox/reset", timeout=5)
    assert reset.json() == {"status": "reset",
                            "parts": ["outbox", "rates", "faults", "requests", "progress"]}
    assert sandbox.outbox() == []
    assert send_code(sandbox, code_type=2)["code"] == 200  # rate history forgotten too


@pytest.mark.parametrize("payload", [{"count": 0}, {"count": "3"}, {"phone": 138}, {"x": 1}])
def test_bad_fault_requests_are_400(sandbox: Sandbox, payload: dict[str, object]) -> None:
    answer = requests.post(sandbox.base_url + "/_sandbox/faults", json=payload, timeout=5)
    assert answer.status_code == 400 and answer.json()["code"] == 400


def test_reset_clears_outbox_rate_history_and_faults(sandbox: Sandbox) -> None:
    assert send_code(sandbox)["code"] == 200
    sandbox.inject_failure(count=5)
    sandbox.reset()
    assert sandbox.outbox() == []
    assert send_code(sandbox)["code"] == 200


def test_last_delivery_and_verify_accept_a_codetype_member(sandbox: Sandbox) -> None:
    from smskit.codetypes import CodeType

    send_code(sandbox, code_type=2)
    delivery = sandbox.last_delivery(PHONE, code_type=CodeType.LOGIN)
    assert delivery is not None and delivery.code_type == 2
    assert sandbox.verify_code(phone=PHONE, code_type=CodeType.LOGIN, code=delivery.code).ok


def test_the_index_lists_every_path(sandbox: Sandbox) -> None:
    paths = requests.get(sandbox.base_url + "/", timeout=5).json()["paths"]
    assert set(paths) == {
        "POST /v2/sms/enduserapi/v2/sendPhoneSmsCode", "GET /", "GET /_sandbox/health",
        "GET /_sandbox/outbox", "POST /_sandbox/verify", "POST /_sandbox/faults",
        "POST /_sandbox/reset", "GET /_sandbox/requests", "GET /_sandbox/clock",
        "POST /_sandbox/clock", "GET /_sandbox/domains", "GET /_sandbox/openapi.json"}


def test_outbox_filters_are_checked(sandbox: Sandbox) -> None:
    answer = requests.get(sandbox.base_url + "/_sandbox/outbox", params={"fone": "1"}, timeout=5)
    assert answer.status_code == 400 and "fone" in answer.json()["extMsg"]


def test_client_sends_to_this_sandbox_as_its_demo_domain_on_its_clock(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        assert client.base_url == sandbox.base_url and client.user_domain == "sandbox-demo"
        result = client.send_code(PHONE, 2)
    assert result.code == 200 and result.request.ts == START_MS  # the sandbox's FixedClock
    delivery = sandbox.last_delivery(PHONE)
    assert delivery is not None and delivery.user_domain == "sandbox-demo"


def test_client_takes_the_named_domains_secret_and_passes_overrides_on(sandbox: Sandbox) -> None:
    from smskit.errors import ApiError

    # 5117 is answered only after the signature verified: the client signed with that
    # domain's own secret.
    with (sandbox.client(user_domain="sandbox-no-signature-id") as client,
          pytest.raises(ApiError) as refused):
        client.send_code(PHONE, 2)
    assert refused.value.code == 5117
    with sandbox.client(secret="not-the-secret") as client, pytest.raises(ApiError) as refused:
        client.send_code(PHONE, 2)
    assert refused.value.code == 5420


def test_rule_properties_read_the_policy_file(sandbox: Sandbox) -> None:
    import json

    from tests.fixtures.sandbox import DATA

    codes = json.loads((DATA / "sandbox_policy.json").read_text(encoding="utf-8"))["codes"]
    assert sandbox.code_valid_ms == codes["valid_ms"] == 300_000
    assert sandbox.code_digits == codes["digits"]
    assert send_code(sandbox)["code"] == 200
    assert len(sandbox.outbox()[-1].code) == codes["digits"]
