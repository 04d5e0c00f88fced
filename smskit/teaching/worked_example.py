"""The page's worked signature example, reproduced by computation.

The page prints five inputs, the concatenated string and a signature. Computing them shows
that the concatenation is right and the printed signature is not: it is the SHA-256 of the
empty string. :func:`reproduce` recomputes all of it from ``smskit/data/worked_example.json`` so the
finding is evidence, not an assertion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smskit import i18n
from smskit._data import load_json
from smskit.signing import digest_hex, masked_signed_string, sign, signed_string

#: SHA-256 of zero bytes: what the page printed as the example's signature.
EMPTY_INPUT_SHA256 = digest_hex("")


@dataclass(frozen=True)
class WorkedExample:
    """The example as the page prints it (its secret is published, so it may be shown)."""

    phone: str
    code_type: int
    random: str
    ts: int
    secret: str
    printed_signed_string: str
    printed_signature: str
    recorded_signature: str
    finding: dict[str, Any]

    def signing_inputs(self) -> dict[str, Any]:
        return {"phone": self.phone, "code_type": self.code_type, "random": self.random,
                "ts": self.ts, "secret": self.secret}


@dataclass(frozen=True)
class Reproduction:
    """What recomputing the example shows."""

    signed_string: str
    signed_string_matches: bool
    masked_signed_string: str
    computed_signature: str
    printed_signature: str
    printed_signature_matches: bool
    printed_is_empty_input_digest: bool
    recorded_signature_matches: bool

    def summary(self, lang: str | None = None) -> str:
        """Three or four plain lines stating the findings, in ``lang`` (default: the kit's)."""
        signed = "matches" if self.signed_string_matches else "differs"
        printed = "matches" if self.printed_signature_matches else "differs"
        lines = [
            i18n.t(f"example.summary.signed_string_{signed}", lang),
            i18n.t("example.summary.computed", lang, signature=self.computed_signature),
            i18n.t(f"example.summary.printed_{printed}", lang, signature=self.printed_signature),
        ]
        if self.printed_is_empty_input_digest:
            lines.append(i18n.t("example.summary.empty_input", lang))
        return "\n".join(lines)


def load() -> WorkedExample:
    """The example's facts from ``smskit/data/worked_example.json``."""
    raw = load_json("worked_example.json")
    inputs = raw["inputs"]
    return WorkedExample(
        phone=inputs["phone"],
        code_type=inputs["codeType"],
        random=inputs["random"],
        ts=inputs["ts"],
        secret=inputs["userDomainSecret"],
        printed_signed_string=raw["printed_signed_string"],
        printed_signature=raw["printed_signature"],
        recorded_signature=raw["computed_signature"],
        finding=raw["finding"],
    )


def reproduce(example: WorkedExample | None = None) -> Reproduction:
    """Recompute the example's signed string and signature and compare with the page."""
    example = example or load()
    inputs = example.signing_inputs()
    text = signed_string(**inputs)
    computed = sign(**inputs)
    return Reproduction(
        signed_string=text,
        signed_string_matches=text == example.printed_signed_string,
        masked_signed_string=masked_signed_string(**inputs),
        computed_signature=computed,
        printed_signature=example.printed_signature,
        printed_signature_matches=computed == example.printed_signature,
        printed_is_empty_input_digest=example.printed_signature == EMPTY_INPUT_SHA256,
        recorded_signature_matches=computed == example.recorded_signature,
    )
