"""Every code this endpoint can answer, by name: the one table the other modules use.

Like requests' ``status_codes``: write ``PlatformCode.SIGNATURE_FAILED``, never ``5420``. The
members mirror ``smskit/data/error_codes.json`` (a test holds the two equal); what each code means,
in both languages, lives in :mod:`smskit.catalogue`.
"""

from __future__ import annotations

from enum import IntEnum


class PlatformCode(IntEnum):
    """The ``code`` of the platform's answer envelope."""

    SUCCESS = 200
    SERVICE_ERROR = 5000
    DOMAIN_UNKNOWN = 5015
    PHONE_FORMAT = 5019
    PHONE_MISSING = 5021
    DOMAIN_MISSING = 5023
    RATE_LIMITED = 5058
    SEND_FAILED = 5059
    DOMAIN_DISABLED = 5104
    INTERNATIONAL_CODE_MISSING = 5116
    SMS_SIGNATURE_ID_MISSING = 5117
    SMS_TEMPLATE_ID_MISSING = 5118
    SMS_SIGNATURE_ID_FORBIDDEN = 5122
    SMS_SIGNATURE_ID_DISABLED = 5123
    SMS_TEMPLATE_ID_FORBIDDEN = 5124
    SMS_TEMPLATE_ID_DISABLED = 5125
    SMS_ACCOUNT_MISMATCH = 5126
    SMS_ACCOUNT_DISABLED = 5128
    SMS_ACCOUNT_UNKNOWN = 5188
    SMS_SIGNATURE_UNKNOWN = 5202
    SMS_TEMPLATE_UNKNOWN = 5209
    SMS_ID_TYPE_MISMATCH = 5216
    TIMESTAMP_FORMAT = 5145
    SIGNATURE_FAILED = 5420
    SIGNATURE_ERROR = 5421
