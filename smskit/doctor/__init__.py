"""The signature doctor: find out exactly what a request's signing code did wrong.

When the platform answers 5420 签名验证失败 it says nothing more. :func:`diagnose` takes what
was sent (the parameters, a URL, a log line or a curl command) and the right secret, and tells
what the platform would answer, whether the signature is right, and which mistake reproduces
it: a search over a grammar of mistakes kept as data (``smskit/data/signature_mistakes.json``:
dimensions of small transforms, and the catalogue of named mistakes as points of it), or the
checks to do by hand when nothing in it does.
"""

from __future__ import annotations

from smskit.doctor.diagnosis import Diagnosis, diagnose
from smskit.doctor.grammar import Transform, transforms
from smskit.doctor.recipes import Check, Mistake, mistakes
from smskit.doctor.sent import SentRequest, parse_sent

__all__ = [
    "Check",
    "Diagnosis",
    "Mistake",
    "SentRequest",
    "Transform",
    "diagnose",
    "mistakes",
    "parse_sent",
    "transforms",
]
