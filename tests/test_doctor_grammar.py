"""The doctor's grammar, proven by random mistakes: each is computed here, independently.

A mistake is drawn from the grammar (one transform, or two from dimensions that pair) and its
signature computed in this file with ``hashlib``, ``hmac``, ``base64`` and ``urllib`` from a
description of each transform written here, never with the doctor's own code. The doctor must
then name exactly the transforms drawn. A draw in which a transform changes nothing (upper
case of a value with no letters, say) is no mistake of that transform and is rejected, so the
expectation is never ambiguous.

Transforms outside the grammar (three at once, a ts 11 s off, a changed digit, the text
reversed) must come back "unexplained", never a wrong name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from smskit.doctor import diagnose, mistakes

PHONE, IC, CODE, RANDOM, TS = "13800138000", "86", "3", "76a6L647F02CAoN9", 1744773894369
DOMAIN = "C.DM.5903.1"
# A Base64 secret with + and / (URL-encoding changes it) that is not the page's example.
SECRET = base64.b64encode(b"\xfb\xef\xbe" + bytes(range(30))).decode()
EXAMPLE_SECRET = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"  # published on the page
NAMES = ("phone", "codeType", "random", "ts", "userDomainSecret")
GRAMMAR = json.loads((Path(__file__).resolve().parents[1] / "smskit" / "data"
                      / "signature_mistakes.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Recipe:
    """How a signature is made: the five values as signed, joined, encoded, digested."""

    phone: str = PHONE
    code: str = CODE
    random: str = RANDOM
    ts: str = str(TS)
    secret: bytes | None = SECRET.encode()
    layout: tuple[str, ...] = ("concat",)
    url_encode: bool = False
    digest: str = "sha256"
    encoding: str = "hex"

    def values(self) -> list[tuple[str, bytes]]:
        found = [("phone", self.phone.encode()), ("codeType", self.code.encode()),
                 ("random", self.random.encode()), ("ts", self.ts.encode())]
        if self.secret is not None and self.digest != "hmac-sha256":
            found.append(("userDomainSecret", self.secret))
        return found

    def text(self) -> bytes:
        values = self.values()
        kind, *args = self.layout
        if kind == "concat":
            text = b"".join(v for _, v in values)
        elif kind == "empty":
            text = b""
        elif kind == "order":
            by_name = dict(values)
            text = b"".join(by_name[name] for name in args if name in by_name)
        elif kind == "separator":
            text = args[0].encode().join(v for _, v in values)
        elif kind == "pairs":
            text = b"&".join((args[0] if n == "userDomainSecret" else n).encode() + b"=" + v
                             for n, v in values)
        else:  # sorted query string
            by_name = dict(values)
            pairs = [b"codeType=" + by_name["codeType"], b"internationalCode=" + IC.encode(),
                     b"phone=" + by_name["phone"], b"random=" + by_name["random"],
                     b"ts=" + by_name["ts"], b"userDomain=" + DOMAIN.encode()]
            if "userDomainSecret" in by_name:
                pairs.append(args[0].encode() + b"=" + by_name["userDomainSecret"])
            text = b"&".join(pairs)
        return quote(text, safe="").encode() if self.url_encode else text

    def signature(self) -> str:
        text, key = self.text(), SECRET.encode()
        digests: dict[str, Callable[[], bytes]] = {
            "sha256": lambda: hashlib.sha256(text).digest(),
            "sha512": lambda: hashlib.sha512(text).digest(),
            "sha3-256": lambda: hashlib.sha3_256(text).digest(),
            "sha3-512": lambda: hashlib.sha3_512(text).digest(),
            "sha224": lambda: hashlib.sha224(text).digest(),
            "sha384": lambda: hashlib.sha384(text).digest(),
            "sha1": lambda: hashlib.sha1(text, usedforsecurity=False).digest(),
            "md5": lambda: hashlib.md5(text, usedforsecurity=False).digest(),
            "blake2b": lambda: hashlib.blake2b(text).digest(),
            "blake2s": lambda: hashlib.blake2s(text).digest(),
            "sha256-of-hex": lambda: hashlib.sha256(
                hashlib.sha256(text).hexdigest().encode()).digest(),
            "hmac-sha256": lambda: hmac.new(key, text, hashlib.sha256).digest(),
            "hmac-sha256-secret-in-text": lambda: hmac.new(key, text, hashlib.sha256).digest(),
        }
        digest = digests[self.digest]()
        encodings: dict[str, Callable[[], str]] = {
            "hex": digest.hex, "hex-upper": lambda: digest.hex().upper(),
            "base64": lambda: base64.b64encode(digest).decode(),
            "hex-bytes-unpadded": lambda: "".join(format(b, "x") for b in digest),
        }
        return encodings[self.encoding]()


Draw = Callable[[Recipe, st.DataObject], Recipe]


def choose(*options: str) -> Callable[[st.DataObject], str]:
    return lambda data: data.draw(st.sampled_from(options))


def other_order(recipe: Recipe, data: st.DataObject) -> Recipe:
    order = data.draw(st.permutations(NAMES))
    return replace(recipe, layout=("order", *order))


def ts_offset(recipe: Recipe, data: st.DataObject) -> Recipe:
    offset = data.draw(st.integers(-10_000, 10_000).filter(bool))
    return replace(recipe, ts=str(TS + offset))


def secret_form(template: Callable[[st.DataObject], str]) -> Draw:
    return lambda recipe, data: replace(
        recipe, secret=template(data).replace("S", SECRET).encode())


#: Each transform of the grammar as this file computes it: id -> (dimension, how).
TRANSFORMS: dict[str, tuple[str, Draw]] = {
    **{name: ("digest", lambda r, d, name=name: replace(r, digest=name))
       for name in ("sha512", "sha3-256", "sha3-512", "sha224", "sha384", "sha1", "md5",
                    "blake2b", "blake2s", "sha256-of-hex", "hmac-sha256",
                    "hmac-sha256-secret-in-text")},
    **{name: ("encoding", lambda r, d, name=name: replace(r, encoding=name))
       for name in ("hex-upper", "base64", "hex-bytes-unpadded")},
    "phone-plus-code": ("phone", lambda r, d: replace(r, phone=f"+{IC}{PHONE}")),
    "phone-code": ("phone", lambda r, d: replace(r, phone=f"{IC}{PHONE}")),
    "phone-00-code": ("phone", lambda r, d: replace(r, phone=f"00{IC}{PHONE}")),
    "phone-plus-code-space": ("phone", lambda r, d: replace(r, phone=f"+{IC} {PHONE}")),
    "phone-code-after": ("phone", lambda r, d: replace(r, phone=f"{PHONE}{IC}")),
    "phone-national-spaces": ("phone", lambda r, d: replace(r, phone="138 0013 8000")),
    "phone-national-dashes": ("phone", lambda r, d: replace(r, phone="138-0013-8000")),
    "phone-international": ("phone", lambda r, d: replace(r, phone="+86 138 0013 8000")),
    "code-type-label": ("codeType", lambda r, d: replace(r, code=choose(
        "注册", "REGISTER", "register", "Registration")(d))),
    "code-type-other": ("codeType", lambda r, d: replace(r, code=choose("1", "2", "4", "5")(d))),
    "code-type-padded": ("codeType", lambda r, d: replace(r, code="03")),
    "random-lower": ("random", lambda r, d: replace(r, random=RANDOM.lower())),
    "random-upper": ("random", lambda r, d: replace(r, random=RANDOM.upper())),
    "ts-seconds": ("ts", lambda r, d: replace(r, ts=str(TS // 1000))),
    "ts-local-time": ("ts", lambda r, d: replace(r, ts=str(TS + int(choose(
        "28800000", "-28800000")(d))))),
    "ts-offset": ("ts", ts_offset),
    "secret-left-out": ("secret", lambda r, d: replace(r, secret=None)),
    "secret-whitespace": ("secret", secret_form(choose("S\n", "S\r\n", "S ", " S", "S\t",
                                                       "\nS", "S\r"))),
    "secret-user-domain": ("secret", lambda r, d: replace(r, secret=choose(
        DOMAIN, DOMAIN + SECRET, SECRET + DOMAIN)(d).encode())),
    "secret-base64-decoded": ("secret", lambda r, d: replace(r, secret=base64.b64decode(SECRET))),
    "secret-example": ("secret", lambda r, d: replace(r, secret=EXAMPLE_SECRET.encode())),
    "secret-truncated-end": ("secret", lambda r, d: replace(r, secret=SECRET[:-1].encode())),
    "secret-truncated-start": ("secret", lambda r, d: replace(r, secret=SECRET[1:].encode())),
    "secret-quoted": ("secret", secret_form(choose('"S"', "'S'"))),
    "empty": ("layout", lambda r, d: replace(r, layout=("empty",))),
    "other-order": ("layout", other_order),
    "separator": ("layout", lambda r, d: replace(r, layout=("separator", choose(
        ",", "|", "&", " ", "\n", ";", ":")(d)))),
    "key-value-pairs": ("layout", lambda r, d: replace(r, layout=("pairs", choose(
        "userDomainSecret", "secret", "key")(d)))),
    "sorted-query-string": ("layout", lambda r, d: replace(r, layout=("sorted", choose(
        "userDomainSecret", "secret", "key")(d)))),
    "percent-encode": ("urlencoding", lambda r, d: replace(r, url_encode=True)),
}
PAIRING = {row["id"]: (dimension["id"], frozenset(row.get("combines_with", ())) or None)
           for dimension in GRAMMAR["dimensions"] for row in dimension["transforms"]}


def pairs(a: str, b: str) -> bool:
    (dim_a, with_a), (dim_b, with_b) = PAIRING[a], PAIRING[b]
    if dim_a == dim_b or (with_a is not None and not {dim_b, b} & with_a) or (
            with_b is not None and not {dim_a, a} & with_b):
        return False
    # HMAC over the four values has the secret as its key: the secret's form is not signed;
    # HMAC over the five with the secret left out, or over an empty text, is the same as
    # HMAC over the four: the simpler (lower-ranked) point is named.
    return not ({a, b} & {"hmac-sha256"} and "secret" in (dim_a, dim_b)) and \
        {a, b} not in ({"hmac-sha256-secret-in-text", "secret-left-out"},
                       {"hmac-sha256-secret-in-text", "empty"})


POINTS = [(name,) for name in TRANSFORMS] + [
    pair for pair in itertools.combinations(TRANSFORMS, 2) if pairs(*pair)]


def sent(signature: str) -> dict[str, str]:
    return {"phone": PHONE, "codeType": CODE, "random": RANDOM, "ts": str(TS),
            "signature": signature, "internationalCode": IC, "userDomain": DOMAIN}


def made(point: tuple[str, ...], data: st.DataObject) -> tuple[str, list[Recipe]]:
    """The point's signature, and the recipes with one of its transforms left out."""
    recipe = Recipe()
    partial: list[Recipe] = []
    for name in point:
        recipe = TRANSFORMS[name][1](recipe, data)
    for index in range(len(point)):  # each transform undone: the others alone
        partial.append(_undo(recipe, TRANSFORMS[point[index]][0]))
    return recipe.signature(), partial


def _undo(recipe: Recipe, dimension: str) -> Recipe:
    plain = Recipe()
    fields = {"digest": ("digest",), "encoding": ("encoding",), "phone": ("phone",),
              "codeType": ("code",), "random": ("random",), "ts": ("ts",),
              "secret": ("secret",), "layout": ("layout",), "urlencoding": ("url_encode",)}
    return replace(recipe, **{name: getattr(plain, name) for name in fields[dimension]})


def test_every_transform_of_the_grammar_is_computed_here() -> None:
    assert set(PAIRING) - set(TRANSFORMS) == {"hex-no-leading-zeros", "phone-digits-only",
                                              "random-stripped", "secret-hex-decoded",
                                              "form-encode"}
    assert len(POINTS) > 400


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_random_mistake_of_the_grammar_is_named_exactly(data: st.DataObject) -> None:
    point = data.draw(st.sampled_from(POINTS))
    signature, undone = made(point, data)
    right = Recipe().signature()
    # Every transform drawn must matter: undoing any one changes the signature.
    assume(signature != right and all(r.signature() != signature for r in undone))
    diagnosis = diagnose(sent(signature), secret=SECRET)
    assert diagnosis.mistake is not None, point
    assert set(diagnosis.mistake.transforms) == set(point)
    assert diagnosis.verdict == "known_mistake" and not diagnosis.ok
    assert SECRET not in diagnosis.summary("en") + diagnosis.summary("zh")


@pytest.mark.parametrize("name", TRANSFORMS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_each_single_transform_is_named_exactly(name: str, data: st.DataObject) -> None:
    signature, _ = made((name,), data)
    assume(signature != Recipe().signature())
    diagnosis = diagnose(sent(signature), secret=SECRET)
    assert diagnosis.mistake is not None and diagnosis.mistake.transforms == (name,), name


# -- outside the grammar: honestly unexplained ----------------------------------------------

OUTSIDE: dict[str, Callable[[], str]] = {
    "three transforms": lambda: replace(Recipe(), phone=f"+{IC}{PHONE}", ts=str(TS // 1000),
                                        code="03").signature(),
    "ts 10.001 s off": lambda: replace(Recipe(), ts=str(TS + 10_001)).signature(),
    "a digit of the phone changed": lambda: replace(Recipe(), phone="13800138001").signature(),
    "the text reversed": lambda: hashlib.sha256(Recipe().text()[::-1]).hexdigest(),
    "a regenerated random": lambda: replace(Recipe(), random="Zq81Lm2Xc7Vb0Nk5").signature(),
    "another secret": lambda: replace(Recipe(), secret=b"x" * 44).signature(),
    "SHA-256 of the raw digest": lambda: hashlib.sha256(
        hashlib.sha256(Recipe().text()).digest()).hexdigest(),
    "ts offset and SHA-1": lambda: replace(Recipe(), ts=str(TS + 3), digest="sha1").signature(),
    "order and a phone prefix": lambda: replace(
        Recipe(), phone=f"+{IC}{PHONE}", layout=("order", *reversed(NAMES))).signature(),
    "HMAC-SHA1": lambda: hmac.new(SECRET.encode(), Recipe().text(), "sha1").hexdigest(),
}


@pytest.mark.parametrize("name", OUTSIDE)
def test_a_mistake_outside_the_grammar_is_unexplained(name: str) -> None:
    diagnosis = diagnose(sent(OUTSIDE[name]()), secret=SECRET)
    assert diagnosis.verdict == "unexplained" and diagnosis.mistake is None, name
    assert {check.id for check in diagnosis.checks} >= {"right-secret", "same-values"}


@settings(max_examples=60, deadline=None)
@given(data=st.data(), triple=st.sampled_from([
    triple for triple in itertools.combinations(
        ["phone-plus-code", "code-type-padded", "random-lower", "ts-seconds",
         "secret-whitespace", "separator", "percent-encode"], 3)]))
def test_three_text_transforms_at_once_are_unexplained(data: st.DataObject,
                                                       triple: tuple[str, ...]) -> None:
    signature, undone = made(triple, data)
    assume(all(r.signature() != signature for r in undone))
    diagnosis = diagnose(sent(signature), secret=SECRET)
    assert diagnosis.verdict == "unexplained", triple


def test_the_catalogue_names_points_of_the_grammar_only() -> None:
    known = set(PAIRING)
    for mistake in GRAMMAR["mistakes"]:
        for expression in mistake["points"]:
            for part in expression.split("+"):
                assert set(part.strip().split("|")) <= known, (mistake["id"], expression)
    assert len(mistakes()) == 30
