"""smskit: sign, validate, send and explain the "send phone SMS verification code" API.

``import smskit`` is light: the HTTP client, the sandbox, pandas views and widgets load only
when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from smskit.catalogue import ErrorCode, all_codes, categories, lookup
from smskit.clock import Clock, FixedClock, SystemClock
from smskit.codetypes import CodeType
from smskit.errors import (
    ApiError,
    ClockSkewError,
    ConnectionFailed,
    CredentialsError,
    DeliveryUnknown,
    InputError,
    Problem,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
    SendError,
    ServiceError,
    SignatureMismatch,
    SmsConfigError,
    SmskitError,
    TransportError,
)
from smskit.i18n import language, set_language
from smskit.nonce import new_random, now_ms
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH, SmsCodeRequest, build_request
from smskit.signing import check, masked_signed_string, sign, signed_string, verify

if TYPE_CHECKING:
    from smskit.client import SendResult, SmsClient
    from smskit.doctor import Diagnosis, diagnose
    from smskit.sandbox import Sandbox

__version__ = "0.2.0"

# Heavier parts, imported on first attribute access.
_LAZY = {
    "SmsClient": "smskit.client",
    "SendResult": "smskit.client",
    "Sandbox": "smskit.sandbox",
    "Diagnosis": "smskit.doctor",
    "diagnose": "smskit.doctor",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'smskit' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "ENDPOINT_PATH",
    "ApiError",
    "Clock",
    "ClockSkewError",
    "CodeType",
    "ConnectionFailed",
    "CredentialsError",
    "DeliveryUnknown",
    "Diagnosis",
    "ErrorCode",
    "FixedClock",
    "InputError",
    "PlatformCode",
    "Problem",
    "RateLimited",
    "RequestRejected",
    "ResponseFormatError",
    "Sandbox",
    "SendError",
    "SendResult",
    "ServiceError",
    "SignatureMismatch",
    "SmsClient",
    "SmsCodeRequest",
    "SmsConfigError",
    "SmskitError",
    "SystemClock",
    "TransportError",
    "__version__",
    "all_codes",
    "build_request",
    "categories",
    "check",
    "diagnose",
    "language",
    "lookup",
    "masked_signed_string",
    "new_random",
    "now_ms",
    "set_language",
    "sign",
    "signed_string",
    "verify",
]
