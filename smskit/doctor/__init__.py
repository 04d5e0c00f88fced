"""The signature doctor: find out exactly what a request's signing code did wrong.

When the platform answers 5420 签名验证失败 it says nothing more. :func:`diagnose` takes what
was sent (the parameters, a URL, a log line or a curl command) and the right secret, and tells
whether the signature is right, which known mistake reproduces it, or which checks to do by
hand. The mistakes are data: ``smskit/data/signature_mistakes.json``.
"""

from __future__ import annotations

from smskit.doctor.diagnosis import Diagnosis, diagnose
from smskit.doctor.recipes import Check, Mistake, mistakes
from smskit.doctor.sent import SentRequest, parse_sent

__all__ = [
    "Check",
    "Diagnosis",
    "Mistake",
    "SentRequest",
    "diagnose",
    "mistakes",
    "parse_sent",
]
