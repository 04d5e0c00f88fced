"""The dispatcher: HTTP response -> SendResult or typed error, without any network."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from smskit.catalogue import all_codes
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
    Envelope,
    RawResponse,
    SendResult,
    error_for,
    interpret,
    parse_envelope,
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
REMEDY_5420 = ("Check the secret belongs to this userDomain, the field order, that the signed "
               "values equal the values sent, and that the hex is lowercase.")
REMEDY_5145 = ("Send the current time in milliseconds since the epoch (13 digits) and keep the "
               "local clock synchronised (NTP).")
REMEDY_5058 = ("Do not resend now. Show the end user a countdown (60 s is common) and let them "
               "ask again; the last code sent is still valid for 5 minutes.")
CLOCK_REMEDY = ("The local clock, not the secret, is the likely cause: ts must be within 10 "
                "minutes of the server's time. Synchronise the clock (NTP) and send again; "
                "SmsClient.measure_clock_skew() shows the offset.")
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
    assert len(warnings) == 1 and warnings[0].name == "smskit.client"
    assert warnings[0].getMessage() == (
        "the server answered the page template's code 0 instead of the documented 200; treated "
        "as success (see smskit.responses)")


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


#: Every catalogued error code: the class a caller catches, whether sending again is safe and
#: the English message, written out from docs/platform.md (not read from the catalogue).
CATALOGUED = {
    5019: (RequestRejected, True, "Phone number format is incorrect"),
    5021: (RequestRejected, True, "Please enter the phone number"),
    5023: (RequestRejected, True, "Please enter the user domain"),
    5058: (RateLimited, True, "SMS sending rate exceeded"),
    5059: (ServiceError, False, "SMS sending failed"),
    5116: (RequestRejected, True, "Please enter the international code"),
    5117: (SmsConfigError, True, "Please enter the enterprise SMS signature ID"),
    5118: (SmsConfigError, True, "Please enter the enterprise SMS template ID"),
    5122: (SmsConfigError, True, "No permission to use this enterprise SMS signature ID"),
    5123: (SmsConfigError, True, "Enterprise SMS signature ID is disabled"),
    5124: (SmsConfigError, True, "No permission to use this enterprise SMS template ID"),
    5125: (SmsConfigError, True, "Enterprise SMS template ID is disabled"),
    5126: (SmsConfigError, True,
           "SMS signature and SMS template are not under the same SMS account"),
    5128: (SmsConfigError, True, "Enterprise SMS account is disabled"),
    5188: (SmsConfigError, True, "Enterprise SMS account does not exist"),
    5202: (SmsConfigError, True, "Enterprise SMS signature does not exist"),
    5209: (SmsConfigError, True, "Enterprise SMS template does not exist"),
    5216: (SmsConfigError, True, "Signature ID and template ID must be of the same type"),
    5000: (ServiceError, False, "Service error"),
    5015: (CredentialsError, True, "User domain does not exist"),
    5104: (CredentialsError, True, "User domain is disabled"),
    5145: (ClockSkewError, True, "Timestamp format is incorrect"),
    5420: (CredentialsError, True, "Signature verification failed"),
    5421: (CredentialsError, True, "Signature verification error"),
}


def test_the_catalogue_holds_exactly_the_codes_written_out_here() -> None:
    assert sorted(entry.code for entry in ERROR_ENTRIES) == sorted(CATALOGUED)


@pytest.mark.parametrize("code", list(CATALOGUED))
def test_every_catalogued_code_raises_its_class_with_the_envelope_as_received(code: int) -> None:
    cls, retry_safe, english = CATALOGUED[code]
    received_msg = f"服务器原文 {code}"  # the server's own wording must be kept as received
    with pytest.raises(ApiError) as caught:
        interpret(raw(envelope(code, received_msg, ext="detail"), 200), request=REQUEST)
    error = caught.value
    assert type(error) is cls
    assert error.code == code and error.msg == received_msg and error.ext_msg == "detail"
    assert error.http_status == 200 and error.request is REQUEST
    assert error.msg_en == english
    assert error.retry_safe is retry_safe
    assert error.remedy and error.cause
    assert str(code) in str(error) and english in str(error)


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
    assert caught.value.remedy == REMEDY_5420


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
    assert caught.value.remedy == REMEDY_5145


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
    body = b"<html>" + b"x" * 65_536
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body[:65_537], 200, truncated=True))
    error = caught.value
    assert error.reason == ("body longer than 65536 bytes (no Content-Type); "
                            "not the platform's envelope")
    assert error.excerpt == "<html>" + "x" * 194 + "…"
    assert len(str(error)) < 500


def test_the_limits_are_64_kib_of_body_and_200_characters_of_excerpt() -> None:
    assert MAX_BODY_BYTES == 65_536
    assert EXCERPT_CHARS == 200


def test_long_invalid_body_excerpt_is_cut() -> None:
    body = ("错" * 5000).encode()
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body, 502))
    assert caught.value.excerpt == "错" * 200 + "…"


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
    assert (refused["msg_zh"], refused["msg_en"], refused["remedy"]) == (
        "短信发送超出频率", "SMS sending rate exceeded", REMEDY_5058)
    assert refused["retry_safe"] is True and refused["request"] == sent["request"]
    assert (shapes["bad_response"]["http_status"], shapes["bad_response"]["retry_safe"]) == (
        502, False)
    assert (shapes["no_response"]["retry_safe"], shapes["connect"]["retry_safe"]) == (False, True)
    problem = shapes["not_sent"]["problems"][0]  # type: ignore[index]
    assert problem["field"] == "phone" and problem["message_zh"] == "请输入手机号码"


def test_the_template_code_is_explained_in_the_outcome() -> None:
    shape = _outcome(envelope(0))
    assert (shape["outcome"], shape["ok"], shape["code"]) == ("sent", True, 0)
    assert "template" in str(shape["detail"]) and "200" in str(shape["detail"])


# -- every field of the plain-data shapes, literally ------------------------------------------

REQUEST_QUERY = {"codeType": "3", "internationalCode": "86", "phone": "13800138000",
                 "random": "76a6L647F02CAoN9", "signature": "0" * 64, "ts": "1744773894369",
                 "userDomain": "demo"}


def test_a_send_result_as_plain_data_field_by_field() -> None:
    result = interpret(raw(envelope(200, "ok", {"a": 1}, "中文"), elapsed_ms=12, **dated(1500)),
                       request=REQUEST)
    assert result.as_dict() == {
        "outcome": "sent", "ok": True, "error": None, "code": 200, "msg": "ok",
        "msg_zh": "发送手机短信验证码成功", "msg_en": "SMS verification code sent",
        "ext_msg": "中文", "data": {"a": 1}, "category": "success",
        "cause": "The platform accepted the request and handed a code to its SMS provider.",
        "remedy": "None. Within 5 minutes only the most recently sent, not yet used code is "
                  "valid.",
        "retry_safe": False, "http_status": 200, "clock_skew_ms": 1000, "elapsed_ms": 12,
        "detail": None, "problems": [], "request": REQUEST_QUERY,
    }
    assert result.clock_skew_ms == 1000 and result.server_date == SERVER_DATE


def test_an_api_error_as_plain_data_field_by_field() -> None:
    with pytest.raises(RateLimited) as caught:
        interpret(raw(envelope(5058, "短信发送超出频率", None, "请稍后"), 429), request=REQUEST)
    assert caught.value.as_dict() == {
        "outcome": "api_error", "ok": False, "error": "RateLimited", "code": 5058,
        "msg": "短信发送超出频率", "msg_zh": "短信发送超出频率",
        "msg_en": "SMS sending rate exceeded", "ext_msg": "请稍后", "data": None,
        "category": "slow_down",
        "cause": "Too many codes were requested for this phone recently. The platform does not "
                 "publish its limits.",
        "remedy": REMEDY_5058, "retry_safe": True, "http_status": 429, "clock_skew_ms": None,
        "elapsed_ms": None,
        "detail": "5058 短信发送超出频率 (SMS sending rate exceeded) - 请稍后. " + REMEDY_5058,
        "problems": [], "request": REQUEST_QUERY,
    }


def test_the_template_code_result_says_so_literally() -> None:
    shape = interpret(raw(envelope(0))).as_dict()
    assert shape["detail"] == ("the server answered the page template's code 0 instead of the "
                               "documented 200; treated as success")
    assert shape["request"] is None


def test_chinese_in_an_object_ext_msg_stays_unescaped() -> None:
    with pytest.raises(RateLimited) as caught:
        interpret(raw('{"code": 5058, "msg": "频率", "extMsg": {"提示": "稍后再试"}}'.encode()))
    assert caught.value.ext_msg == '{"提示": "稍后再试"}'
    assert caught.value.msg == "频率"


# -- the 10-minute clock window, on both sides of each edge ------------------------------------

@pytest.mark.parametrize(("skew_ms", "blames_clock"), [
    (600_000, False), (600_001, True), (-600_000, False), (-600_001, True), (None, False),
])
def test_a_signature_failure_blames_the_clock_only_outside_the_window(
    skew_ms: int | None, blames_clock: bool
) -> None:
    error = error_for(Envelope(5420, "签名验证失败", None, None), clock_skew_ms=skew_ms)
    assert (type(error) is ClockSkewError) is blames_clock
    assert isinstance(error, CredentialsError)
    assert error.remedy == (CLOCK_REMEDY if blames_clock else REMEDY_5420)


@pytest.mark.parametrize(("skew_ms", "remedy", "cause_start"), [
    (2_000, REMEDY_5145, "ts is not a millisecond timestamp"),
    (600_000, REMEDY_5145, "ts is not a millisecond timestamp"),
    (-600_001, CLOCK_REMEDY, "The local clock is 10.0 min behind the server's (measured from "
                             "its Date header), outside the 10-minute window for ts. Catalogue "
                             "cause of 5145: ts is not a millisecond timestamp"),
    (600_001, CLOCK_REMEDY, "The local clock is 10.0 min ahead of the server's"),
])
def test_a_timestamp_error_gets_the_clock_advice_only_outside_the_window(
    skew_ms: int, remedy: str, cause_start: str
) -> None:
    error = error_for(Envelope(5145, "时间戳格式不正确", None, None), clock_skew_ms=skew_ms,
                      http_status=200, request=REQUEST)
    assert type(error) is ClockSkewError
    assert error.clock_skew_ms == skew_ms
    assert error.remedy == remedy
    assert error.cause.startswith(cause_start)
    assert (error.http_status, error.request, error.msg) == (200, REQUEST, "时间戳格式不正确")


def test_the_clock_advice_is_in_both_editions() -> None:
    error = error_for(Envelope(5420, "签名验证失败", None, None), clock_skew_ms=600_001)
    assert error.entry is not None
    assert error.entry.cause.zh == (
        "本机时钟比服务器时间快 10.0 分钟（由服务器响应的 Date 头测得），超出了 ts 允许的 10 分钟"
        "范围。错误码目录中 5420 的原因：签名与平台计算的 SHA256(phone + codeType + random + ts + "
        "userDomainSecret) 不一致。")
    assert error.entry.remedy.zh == (
        "原因很可能是本机时钟，而不是用户域密钥：ts 与服务器时间相差不能超过 10 分钟。请同步时钟"
        "（NTP）后再发送；SmsClient.measure_clock_skew() 可以显示偏差。")


def test_an_unknown_code_keeps_every_envelope_field() -> None:
    error = error_for(Envelope(6001, "未知", {"x": 1}, "ext"), http_status=418, request=REQUEST,
                      clock_skew_ms=700_000)
    assert type(error) is ApiError
    assert (error.code, error.msg, error.data, error.ext_msg, error.http_status, error.request) \
        == (6001, "未知", {"x": 1}, "ext", 418, REQUEST)


# -- status ranges: redirect, success, answer ---------------------------------------------------

@pytest.mark.parametrize(("status", "outcome"), [
    (199, "contradictory"), (200, "sent"), (299, "sent"), (300, "redirect"), (399, "redirect"),
    (400, "contradictory"),
])
def test_a_success_envelope_by_status(status: int, outcome: str) -> None:
    if outcome == "sent":
        assert interpret(raw(envelope(200), status)).http_status == status
        return
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(envelope(200), status, headers={"Location": "https://x.example/"}),
                  request=REQUEST)
    assert caught.value.request is REQUEST and caught.value.http_status == status
    assert caught.value.reason == {
        "contradictory": f"success code 200 under HTTP status {status}: contradictory",
        "redirect": "redirected to https://x.example/; check the base URL (scheme, host, path)",
    }[outcome]


@pytest.mark.parametrize(("status", "redirect"), [(299, False), (300, True), (399, True),
                                                  (400, False)])
def test_an_error_envelope_is_an_answer_below_300_and_from_400(status: int,
                                                                redirect: bool) -> None:
    with pytest.raises((RequestRejected, ResponseFormatError)) as caught:
        interpret(raw(envelope(5019), status))
    assert (type(caught.value) is ResponseFormatError) is redirect
    assert caught.value.http_status == status


def test_a_redirect_without_location_says_nowhere() -> None:
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(b"", 302))
    assert caught.value.reason == ("redirected to nowhere; check the base URL (scheme, host, "
                                   "path)")


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty body"),
    (b'{"code": 200, "msg": "\xff"}', "body is not UTF-8 text (text/html)"),
    (b"<p>", "body is not JSON (text/html)"),
    (b"[" * 100_000, "body is not JSON (text/html)"),
    (b"[1]", "JSON list where an object {code, msg, ...} was expected"),
    (b'{"msg": ""}', "JSON object without 'code'"),
    (b'{"code": "200"}', "'code' is str '200', not an integer"),
    (b'{"code": true}', "'code' is bool True, not an integer"),
])
def test_each_refusal_reason_literally(body: bytes, reason: str) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body, 200, headers={"Content-Type": "text/html"}), request=REQUEST)
    assert caught.value.reason == reason
    assert (caught.value.http_status, caught.value.request) == (200, REQUEST)


def test_a_byte_order_mark_before_the_envelope_is_accepted() -> None:
    envelope_ = parse_envelope(raw(b'\xef\xbb\xbf{"code": 200, "msg": "ok", "data": [1]}'))
    assert envelope_ == Envelope(code=200, msg="ok", data=[1], ext_msg=None)


@pytest.mark.parametrize(("body", "shown"), [
    ("a" * 200, "a" * 200), ("a" * 201, "a" * 200 + "…"), ("错" * 200, "错" * 200),
    ("错" * 201, "错" * 200 + "…"),
    ("😀" * 200, "😀" * 200),  # 800 bytes: all of it
    ("😀" * 200 + "a", "😀" * 200 + "…"),  # 801 bytes: only 800 are read, so it is cut
])
def test_an_excerpt_is_cut_only_past_200_characters(body: str, shown: str) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        interpret(raw(body.encode(), 502))
    assert caught.value.excerpt == shown


def test_a_raw_response_without_a_local_clock_has_no_skew() -> None:
    response = raw(envelope(200), headers={"Date": "Wed, 16 Apr 2025 03:24:54 GMT"})
    assert response.clock_skew_ms is None
    assert response.server_date == SERVER_DATE
    assert raw(envelope(200)).server_date is None


def test_error_for_a_success_code_is_the_base_error_with_the_success_entry() -> None:
    error = error_for(Envelope(200, "", None, None), http_status=200)
    assert type(error) is ApiError
    assert error.entry is not None and error.entry.code == 200
    assert error.msg_en == "SMS verification code sent"
