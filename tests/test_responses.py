"""The dispatcher: HTTP response -> SendResult or typed error, without any network."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from smskit.catalogue import ErrorCode, all_codes, lookup
from smskit.errors import (
    ApiError,
    ClockSkewError,
    CredentialsError,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
    ServiceError,
    SmsConfigError,
)
from smskit.request import SmsCodeRequest
from smskit.responses import (
    EXCERPT_CHARS,
    MAX_BODY_BYTES,
    RawResponse,
    SendResult,
    interpret,
)

# What the caller does next, written out here from errors.py's documented tree (not imported
# from the code under test): category in smskit/data/error_codes.json -> the class a caller catches.
EXPECTED_CLASS = {
    "fix_request": RequestRejected,
    "fix_sms_config": SmsConfigError,
    "slow_down": RateLimited,
    "retry_later": ServiceError,
    "check_credentials_or_clock": CredentialsError,
}

REQUEST = SmsCodeRequest(code_type=3, international_code="86", phone="13800138000",
                         random="76a6L647F02CAoN9", signature="0" * 64, ts=1744773894369,
                         user_domain="demo")
SERVER_DATE = datetime(2025, 4, 16, 3, 24, 54, tzinfo=UTC)
SERVER_MS = int(SERVER_DATE.timestamp() * 1000)


def envelope(code: object, msg: str = "", data: object = None, ext: object = None) -> bytes:
    return json.dumps({"code": code, "msg": msg, "data": data, "extMsg": ext},
                      ensure_ascii=False).encode()


def raw(body: bytes, status: int = 200, *, headers: dict[str, str] | None = None,
        local_ms: int | None = None, **kw: object) -> RawResponse:
    return RawResponse(status=status, headers=headers or {}, body=body,
                       local_sent_ms=local_ms, local_received_ms=local_ms, **kw)


def dated(skew_ms: int) -> dict[str, object]:
    """Response kwargs for a server whose Date is SERVER_DATE and a local clock skew_ms ahead."""
    return {"headers": {"Date": format_datetime(SERVER_DATE, usegmt=True)},
            "local_ms": SERVER_MS + skew_ms}


# -- success ------------------------------------------------------------------------------

def test_documented_success_envelope_gives_a_result() -> None:
    body = b'{"code": 200, "msg": "", "data": null, "extMsg": null}'  # docs/platform.md, verbatim
    result = interpret(raw(body, elapsed_ms=12, **dated(0)), request=REQUEST)
    assert isinstance(result, SendResult)
    assert (result.code, result.msg, result.data, result.ext_msg) == (200, "", None, None)
    assert result.ok and not result.template_code
    assert result.http_status == 200 and result.elapsed_ms == 12
    assert result.request is REQUEST
    assert result.server_date == SERVER_DATE
    assert result.msg_en == "SMS verification code sent"


def test_page_template_code_zero_is_success_but_recorded_and_warned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = b'{"code": 0, "data": {}, "extMsg": "", "msg": ""}'  # the page's example, verbatim
    with caplog.at_level(logging.WARNING, logger="smskit.client"):
        result = interpret(raw(body))
    assert result.ok and result.template_code and result.code == 0
    assert result.data == {} and result.ext_msg == ""
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "code 0" in warnings[0].getMessage()


def test_documented_success_logs_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="smskit.client"):
        interpret(raw(envelope(200)))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("status", [500, 404, 400])
@pytest.mark.parametrize("code", [200, 0])
def test_success_code_under_error_status_is_not_trusted(status: int, code: int) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(envelope(code), status))
    assert caught.value.http_status == status and not caught.value.retry_safe


# -- catalogued and unknown codes -----------------------------------------------------------

ERROR_ENTRIES = [entry for entry in all_codes() if entry.code != 200]


@pytest.mark.parametrize("entry", ERROR_ENTRIES, ids=lambda e: str(e.code))
def test_every_catalogued_code_raises_its_category_with_catalogue_facts(entry: ErrorCode) -> None:
    code = entry.code
    received_msg = f"服务器原文 {code}"  # the server's own wording must be kept as received
    with pytest.raises(ApiError) as caught:
        interpret(raw(envelope(code, received_msg, ext="detail"), 200), request=REQUEST)
    error = caught.value
    assert isinstance(error, EXPECTED_CLASS[entry.category])
    assert error.code == code and error.msg == received_msg and error.ext_msg == "detail"
    assert error.http_status == 200 and error.request is REQUEST
    assert error.msg_zh == entry.zh and error.msg_en == entry.en
    assert error.retry_safe is entry.retry_safe
    assert error.remedy and error.cause
    assert str(code) in str(error) and entry.en in str(error)


@pytest.mark.parametrize(("code", "cls", "retry_safe"), [
    # From the page and docs/platform.md: what each code means for the caller.
    (5019, RequestRejected, True),    # 手机号格式不正确
    (5021, RequestRejected, True),    # 请输入手机号码
    (5058, RateLimited, True),        # 短信发送超出频率
    (5059, ServiceError, False),      # 短信发送异常: may or may not have gone out
    (5000, ServiceError, False),      # 服务异常
    (5117, SmsConfigError, True),     # 请输入企业短信签名ID: platform-side configuration
    (5216, SmsConfigError, True),
    (5015, CredentialsError, True),   # 用户域不存在
    (5420, CredentialsError, True),   # 签名验证失败
    (5145, ClockSkewError, True),     # 时间戳格式不正确
])
def test_known_codes_map_to_what_the_caller_does_next(
    code: int, cls: type[ApiError], retry_safe: bool
) -> None:
    with pytest.raises(cls) as caught:
        interpret(raw(envelope(code)))
    assert caught.value.retry_safe is retry_safe


def test_signature_failure_with_a_good_clock_is_not_called_clock_skew() -> None:
    with pytest.raises(CredentialsError) as caught:
        interpret(raw(envelope(5420, "签名验证失败"), **dated(2_000)))
    assert type(caught.value) is CredentialsError
    entry = lookup(5420)
    assert entry is not None and caught.value.remedy == entry.remedy


def test_signature_failure_with_a_clock_far_off_blames_the_clock() -> None:
    eleven_minutes = 11 * 60 * 1000
    with pytest.raises(ClockSkewError) as caught:
        interpret(raw(envelope(5420, "签名验证失败"), **dated(eleven_minutes)))
    error = caught.value
    assert isinstance(error, CredentialsError)
    assert error.code == 5420 and error.msg == "签名验证失败"
    # Date has 1 s resolution: the estimate is within a second of the true offset.
    assert error.clock_skew_ms is not None
    assert abs(error.clock_skew_ms - eleven_minutes) <= 1000
    text = str(error)
    assert "not the secret" in text and "ahead of" in text and "NTP" in text


def test_timestamp_error_carries_the_measured_skew_behind() -> None:
    with pytest.raises(ClockSkewError) as caught:
        interpret(raw(envelope(5145, "时间戳格式不正确"), **dated(-15 * 60 * 1000)))
    error = caught.value
    assert error.clock_skew_ms is not None and error.clock_skew_ms < -14 * 60 * 1000
    assert "behind" in str(error) and "not the secret" in str(error)
    assert error.msg_en == "Timestamp format is incorrect"


def test_timestamp_error_without_date_header_has_no_skew() -> None:
    with pytest.raises(ClockSkewError) as caught:
        interpret(raw(envelope(5145), local_ms=SERVER_MS))
    assert caught.value.clock_skew_ms is None
    entry = lookup(5145)
    assert entry is not None and caught.value.remedy == entry.remedy


@pytest.mark.parametrize("code", [9999, 1, -1, 201, 5999])
def test_unknown_code_is_the_base_api_error(code: int) -> None:
    with pytest.raises(ApiError) as caught:
        interpret(raw(envelope(code, "未知")))
    error = caught.value
    assert type(error) is ApiError
    assert error.code == code and error.msg == "未知" and error.entry is None
    assert error.retry_safe is False  # unknown: it may have been sent
    assert error.msg_en is None


def test_error_envelope_under_http_error_status_still_dispatches_by_code() -> None:
    with pytest.raises(RateLimited) as caught:
        interpret(raw(envelope(5058), 429))
    assert caught.value.http_status == 429


# -- not the envelope ---------------------------------------------------------------------

NOT_ENVELOPES = {
    "html-502": (502, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body>"
                      b"</html>", "not JSON"),
    "empty-200": (200, b"", "empty"),
    "blank-200": (200, b"  \r\n", "empty"),
    "invalid-json": (200, b'{"code": 200, "msg": ', "not JSON"),
    "no-code": (200, b'{"msg": "", "data": null}', "without 'code'"),
    "array": (200, b'[{"code": 200}]', "list"),
    "string": (200, b'"ok"', "str"),
    "null": (200, b"null", "NoneType"),
    "code-string": (200, b'{"code": "200", "msg": ""}', "not an integer"),
    "code-bool": (200, b'{"code": true}', "not an integer"),
    "code-float": (200, b'{"code": 200.0}', "not an integer"),
    "code-null": (200, b'{"code": null}', "not an integer"),
    "not-utf8": (200, b'{"code": 200, "msg": "\xff\xfe"}', "not UTF-8"),
    "html-200": (200, b"<!doctype html><p>captive portal</p>", "not JSON"),
}


@pytest.mark.parametrize("case", list(NOT_ENVELOPES))
def test_body_that_is_not_the_envelope(case: str) -> None:
    status, body, reason = NOT_ENVELOPES[case]
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body, status, headers={"Content-Type": "text/html"}), request=REQUEST)
    error = caught.value
    assert error.http_status == status and reason in error.reason
    assert error.retry_safe is False and error.request is REQUEST
    assert error.excerpt == body.decode("utf-8", errors="replace")
    assert f"HTTP {status}" in str(error)


def test_redirect_is_reported_with_its_location() -> None:
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(b"", 301, headers={"Location": "https://elsewhere.example/"}))
    assert "https://elsewhere.example/" in caught.value.reason
    assert caught.value.http_status == 301


def test_huge_body_gives_a_short_excerpt() -> None:
    body = b"<html>" + b"x" * (MAX_BODY_BYTES + 1)
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body[: MAX_BODY_BYTES + 1], 200, truncated=True))
    error = caught.value
    assert "longer than" in error.reason
    assert len(error.excerpt) == EXCERPT_CHARS + 1 and error.excerpt.endswith("…")
    assert len(str(error)) < 2 * EXCERPT_CHARS + 100


def test_long_invalid_body_excerpt_is_cut() -> None:
    body = ("错" * 5000).encode()
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body, 502))
    assert caught.value.excerpt == "错" * EXCERPT_CHARS + "…"


def test_msg_and_ext_msg_of_odd_types_are_kept_as_text() -> None:
    with pytest.raises(RateLimited) as caught:
        interpret(raw(b'{"code": 5058, "msg": null, "extMsg": {"retryAfter": 60}}'))
    assert caught.value.msg == "" and caught.value.ext_msg == '{"retryAfter": 60}'


# -- one shape for every send outcome ---------------------------------------------------------

#: The documented keys of ``as_dict()`` (written out here, not imported from smskit.errors).
OUTCOME_KEYS = ["outcome", "ok", "error", "code", "msg", "msg_zh", "msg_en", "ext_msg", "data",
                "category", "cause", "remedy", "retry_safe", "http_status", "clock_skew_ms",
                "elapsed_ms", "detail", "problems", "request"]


def _outcome(body: bytes, status: int = 200) -> dict[str, object]:
    try:
        return interpret(raw(body, status), request=REQUEST).as_dict()
    except (ApiError, ResponseFormatError) as error:
        return error.as_dict()


def test_results_and_errors_share_one_json_ready_shape() -> None:
    from smskit.errors import ConnectionFailed, DeliveryUnknown, InputError, Problem

    rate = lookup(5058)
    assert rate is not None
    shapes = {
        "sent": _outcome(envelope(200)),
        "api_error": _outcome(envelope(5058, "短信发送超出频率")),
        "bad_response": _outcome(b"<html>502</html>", 502),
        "no_response": DeliveryUnknown("read timeout", request=REQUEST).as_dict(),
        "connect": ConnectionFailed("refused", request=REQUEST).as_dict(),
        "not_sent": InputError([Problem("phone", "is required", 5021)]).as_dict(),
    }
    for name, shape in shapes.items():
        assert list(shape) == OUTCOME_KEYS, name
        json.dumps(shape)  # JSON-ready as it is
    sent, refused = shapes["sent"], shapes["api_error"]
    assert (sent["outcome"], sent["ok"], sent["code"], sent["retry_safe"]) == ("sent", True, 200,
                                                                               False)
    assert sent["request"] == {"codeType": "3", "internationalCode": "86", "phone": "13800138000",
                               "random": "76a6L647F02CAoN9", "signature": "0" * 64,
                               "ts": "1744773894369", "userDomain": "demo"}
    assert (refused["outcome"], refused["error"], refused["code"]) == ("api_error", "RateLimited",
                                                                       5058)
    assert (refused["msg_zh"], refused["msg_en"], refused["remedy"]) == (rate.zh, rate.en,
                                                                         rate.remedy)
    assert refused["retry_safe"] is rate.retry_safe and refused["request"] == sent["request"]
    assert (shapes["bad_response"]["http_status"], shapes["bad_response"]["retry_safe"]) == (
        502, False)
    assert (shapes["no_response"]["retry_safe"], shapes["connect"]["retry_safe"]) == (False, True)
    problem = shapes["not_sent"]["problems"][0]  # type: ignore[index]
    assert problem["field"] == "phone" and problem["message_zh"] == "请输入手机号码"


def test_the_template_code_is_explained_in_the_outcome() -> None:
    shape = _outcome(envelope(0))
    assert (shape["outcome"], shape["ok"], shape["code"]) == ("sent", True, 0)
    assert "template" in str(shape["detail"]) and "200" in str(shape["detail"])
