"""The grammar of signing mistakes: dimensions of small transforms, read from data.

Signing is a few steps: each of the five values in some form, joined in some way, maybe
URL-encoded, digested, and written out. A *dimension* is one step; a *transform* is one way
that step goes wrong (``smskit/data/signature_mistakes.json``, ``dimensions``). The right signature
is the absence of any transform. A transform may come in several *choices* (the separator
used, the order, the ts offset); :func:`choices` lists them for one request's values.

Each ``kind`` below is a small function of the request's values; the data names the kind
and its parameters, so a new transform of a known kind is a line of data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any, Literal
from urllib.parse import quote, quote_plus

from smskit._data import load_json
from smskit.codetypes import CodeType
from smskit.signing import SECRET_FIELD, SECRET_MASK, SIGNED_FIELDS

Lang = Literal["zh", "en"]
DATA_FILE = "signature_mistakes.json"
#: Stands for the secret while a text is rendered for display; replaced by the mask.
SECRET_MARK = "\ue000"  # noqa: S105 - a private-use character, not a secret
#: Where a rendered text may show the mark: as is, or percent-encoded.
SECRET_MARK_FORMS = (SECRET_MARK, quote(SECRET_MARK, safe=""))
#: Template names a transform may use.
TEMPLATE_NAMES = frozenset({"phone", "codeType", "random", "ts", SECRET_FIELD,
                            "internationalCode", "userDomain", "tsSeconds"})
#: Names in the sorted query string (the secret's name is the transform's choice).
_SORTED_QUERY = ("codeType", "internationalCode", "phone", "random", "ts", "userDomain")
_INDEX = {name: index for index, name in enumerate(SIGNED_FIELDS)}
_SECRET_INDEX = _INDEX[SECRET_FIELD]
_CODE_TYPE_LABELS: Mapping[str, Callable[[CodeType], str]] = {
    "zh": lambda member: member.zh, "name": lambda member: member.name,
    "name-lower": lambda member: member.name.lower(), "en": lambda member: member.en,
}


@dataclass(frozen=True)
class Transform:
    """One way one step of signing goes wrong."""

    id: str
    dimension: str
    rank: int
    kind: str
    params: Mapping[str, Any]
    title_zh: str
    title_en: str
    fix_zh: str
    fix_en: str
    #: The only dimensions (or transforms) it pairs with (``None``: every other dimension).
    combines_with: frozenset[str] | None = None

    def pairs_with(self, other: Transform) -> bool:
        """Whether a point may hold both transforms: two dimensions, each accepting the other
        (``combines_with`` names dimensions or single transforms)."""
        return (self.dimension != other.dimension and self.accepts(other)
                and other.accepts(self))

    def accepts(self, other: Transform) -> bool:
        return (self.combines_with is None or other.dimension in self.combines_with
                or other.id in self.combines_with)

    def title(self, lang: Lang = "en", **values: str) -> str:
        return (self.title_zh if lang == "zh" else self.title_en).format(**values)

    def fix(self, lang: Lang = "en", **values: str) -> str:
        return (self.fix_zh if lang == "zh" else self.fix_en).format(**values)


@dataclass(slots=True)
class Choice:
    """One concrete variant of a transform for one request: what it changes in the text."""

    transform: Transform
    #: What distinguishes this variant (a separator, an order, an offset); may be empty.
    label: str = ""
    #: The signed field it changes, its signed bytes (``None``: left out) and how the value
    #: is shown (the secret masked by :data:`SECRET_MARK`).
    field: str | None = None
    value: bytes | None = None
    shown: str | None = None
    #: How it joins the parts, or encodes the joined text.
    layout: Callable[[list[bytes | None]], bytes] | None = None
    encode: Callable[[bytes], bytes] | None = None
    #: The order of the fields, for an ``order`` variant.
    order: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Digest:
    """A digest transform made concrete: its size and function of (text, secret bytes)."""

    transform: Transform | None
    size: int
    function: Callable[[bytes, bytes], bytes]
    #: False for HMAC over the four values: the secret is the key, not part of the text.
    secret_in_text: bool = True


# -- the data --------------------------------------------------------------------------------


@cache
def transforms() -> tuple[Transform, ...]:
    """Every transform of every dimension, in data order."""
    found: list[Transform] = []
    for dimension in load_json(DATA_FILE)["dimensions"]:
        for row in dimension["transforms"]:
            found.append(_transform(dimension["id"], row))
    ids = [transform.id for transform in found]
    if len(set(ids)) != len(ids):
        raise ValueError("transform ids must be unique")
    return tuple(found)


@cache
def by_id() -> Mapping[str, Transform]:
    return {transform.id: transform for transform in transforms()}


@cache
def example_secret() -> str:
    """The secret the provider's page publishes with its worked example."""
    secret: str = load_json("worked_example.json")["inputs"][SECRET_FIELD]
    return secret


_TEXTS = ("title_zh", "title_en", "fix_zh", "fix_en")
_COMMON = {"id", "rank", "kind", "combines_with", *_TEXTS}


def _transform(dimension: str, row: Mapping[str, Any]) -> Transform:
    params = {key: value for key, value in row.items() if key not in _COMMON}
    title_zh, title_en, fix_zh, fix_en = (str(row[name]) for name in _TEXTS)
    transform = Transform(row["id"], dimension, int(row["rank"]), row["kind"], params,
                          title_zh, title_en, fix_zh, fix_en,
                          combines_with=(frozenset(row["combines_with"])
                                         if "combines_with" in row else None))
    if transform.kind not in _KINDS and transform.kind not in ("hash", "hash-of-hex", "hmac",
                                                               "encoding", "ts-offset"):
        raise ValueError(f"{transform.id}: unknown kind {transform.kind!r}")
    for template in (params.get("template"), *params.get("templates", ())):
        if template is not None:
            _check_template(transform.id, template)
    return transform


def _check_template(owner: str, template: str) -> None:
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None and name not in TEMPLATE_NAMES:
            raise ValueError(f"{owner}: unknown template name {{{name}}}")


# -- digests ---------------------------------------------------------------------------------

#: The right digest (no transform).
SHA256 = Digest(None, 32, lambda text, _secret: hashlib.sha256(text).digest())


def digest_of(transform: Transform) -> Digest:
    """The digest function a ``digest`` transform stands for."""
    algorithm = transform.params["algorithm"]
    size = hashlib.new(algorithm).digest_size
    if transform.kind == "hmac":
        return Digest(transform, size, lambda text, key: hmac.digest(key, text, algorithm),
                      secret_in_text=bool(transform.params["secret_in_text"]))
    make = getattr(hashlib, algorithm)
    if algorithm in ("md5", "sha1"):
        make = partial(make, usedforsecurity=False)
    if transform.kind == "hash-of-hex":
        return Digest(transform, size,
                      lambda text, _secret: make(make(text).hexdigest().encode()).digest())
    return Digest(transform, size, lambda text, _secret: make(text).digest())


# -- the choices of each kind ------------------------------------------------------------------


def choices(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    """The variants of a text transform for these values; none where it cannot apply
    (a label for codeType 9, a secret that is not Base64) or changes nothing."""
    if transform.kind in _CONSTANT_KINDS:
        return _constant_choices(transform.id)
    found = _KINDS[transform.kind](transform, values)
    field = transform.params.get("field")
    if field is None:
        return found
    sent = values[field].encode()
    kept: list[Choice] = []
    seen: set[bytes | None] = {sent}
    for choice in found:  # a form equal to the sent value, or to an earlier form, is no variant
        if choice.value not in seen:
            seen.add(choice.value)
            kept.append(choice)
    return kept


def _value(transform: Transform, text: str | None, label: str = "") -> list[Choice]:
    if text is None:
        return []
    field = transform.params["field"]
    return [Choice(transform, label, field, text.encode(), text)]


def _template(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    try:
        return _value(transform, transform.params["template"].format_map(values))
    except KeyError:  # a value this request does not give (internationalCode, say)
        return []


def _phone_format(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    formats = _phone_formats(values.get("internationalCode", ""), values["phone"])
    if formats is None:
        return []
    formatted = formats[transform.params["format"] == "international"]
    return _value(transform, formatted.replace(" ", transform.params["separator"]))


@lru_cache(maxsize=1024)
def _phone_formats(code: str, phone: str) -> tuple[str, str] | None:
    """The number's national and international formats (phonenumbers: slow, so kept)."""
    import phonenumbers  # the validation already loads it; only the search needs formats

    try:
        number = phonenumbers.parse(f"+{code}{phone}")
    except phonenumbers.NumberParseException:
        return None
    style = phonenumbers.PhoneNumberFormat
    return (phonenumbers.format_number(number, style.NATIONAL),
            phonenumbers.format_number(number, style.INTERNATIONAL))


def _digits_only(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    digits = "".join(char for char in values["phone"] if char in string.digits)
    return _value(transform, digits or None)


def _code_type_label(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    number = int(values["codeType"])
    if number not in set(CodeType):
        return []
    member = CodeType(number)
    return [choice for label in transform.params["labels"]
            for choice in _value(transform, _CODE_TYPE_LABELS[label](member))]


def _code_type_other(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [choice for member in CodeType for choice in _value(transform, str(member.value))]


def _case(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    text = values[transform.params["field"]]
    return _value(transform, text.lower() if transform.params["case"] == "lower" else text.upper())


def _stripped(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return _value(transform, values[transform.params["field"]].strip())


def _ts_shift(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    ts = int(values["ts"])
    return [choice for label, shift in transform.params["shifts_ms"].items()
            for choice in _value(transform, str(ts + shift), label)]


def _omit(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [Choice(transform, "", transform.params["field"], None, None)]


def _secret(transform: Transform, signed: bytes, shown: str, label: str = "") -> Choice:
    return Choice(transform, label, SECRET_FIELD, signed, shown)


def _secret_template(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    shown_values = {**values, SECRET_FIELD: SECRET_MARK}
    found = []
    for template in transform.params["templates"]:
        try:
            signed, shown = template.format_map(values), template.format_map(shown_values)
        except KeyError:
            continue
        label = json.dumps(shown, ensure_ascii=False).replace(SECRET_MARK, SECRET_MASK)
        found.append(_secret(transform, signed.encode(), shown, label))
    return found


def _secret_decoded(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    secret = values[SECRET_FIELD]
    try:
        if transform.params["decoding"] == "base64":
            decoded = base64.b64decode(secret.replace("-", "+").replace("_", "/")
                                       + "=" * (-len(secret) % 4), validate=True)
        else:
            decoded = bytes.fromhex(secret)
    except (binascii.Error, ValueError):
        return []
    return [_secret(transform, decoded, f"{transform.params['decoding']}({SECRET_MARK})")]


def _secret_example(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    example = example_secret()
    return [_secret(transform, example.encode(), f"{example[:8]}…{example[-4:]}")]


def _secret_truncated(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    secret = values[SECRET_FIELD]
    if len(secret) < 2:
        return []
    at_end = transform.params["end"] == "last"
    return [_secret(transform, (secret[:-1] if at_end else secret[1:]).encode(),
                    SECRET_MARK + "⁻¹" if at_end else "⁻¹" + SECRET_MARK)]


def _empty(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [Choice(transform, layout=lambda values: b"")]


def _order(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [Choice(transform, layout=partial(_ordered, tuple(map(_INDEX.__getitem__, order))),
                   order=order)
            for order in itertools.islice(itertools.permutations(SIGNED_FIELDS), 1, None)]


def _ordered(order: tuple[int, ...], values: list[bytes | None]) -> bytes:
    return b"".join([value for value in map(values.__getitem__, order) if value is not None])


def _join(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [Choice(transform, json.dumps(separator),
                   layout=partial(_joined, separator.encode()))
            for separator in transform.params["separators"]]


def _joined(separator: bytes, values: list[bytes | None]) -> bytes:
    return separator.join([value for value in values if value is not None])


def _pairs(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    return [Choice(transform, f"{name}=", layout=partial(_paired, name))
            for name in transform.params["secret_names"]]


def _paired(secret_name: str, values: list[bytes | None]) -> bytes:
    names = (*SIGNED_FIELDS[:-1], secret_name)
    return b"&".join([name.encode() + b"=" + value
                      for name, value in zip(names, values, strict=True)
                      if value is not None])


def _sorted_query(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    if any(name not in values for name in _SORTED_QUERY):
        return []
    return [Choice(transform, f"{name}=", layout=partial(_sorted_pairs, name, values))
            for name in transform.params["secret_names"]]


def _sorted_pairs(secret_name: str, values: Mapping[str, str],
                  signed: list[bytes | None]) -> bytes:
    pairs = []
    for name in _SORTED_QUERY:
        value = signed[_INDEX[name]] if name in _INDEX else values[name].encode()
        if value is not None:
            pairs.append(name.encode() + b"=" + value)
    secret = signed[_SECRET_INDEX]
    if secret is not None:
        pairs.append(secret_name.encode() + b"=" + secret)
    return b"&".join(pairs)


def _percent_encode(transform: Transform, values: Mapping[str, str]) -> list[Choice]:
    encode = quote_plus if transform.params["plus"] else quote
    return [Choice(transform, encode=lambda text: encode(text, safe="").encode("ascii"))]


_KINDS: Mapping[str, Callable[[Transform, Mapping[str, str]], list[Choice]]] = {
    "template": _template, "phone-format": _phone_format, "digits-only": _digits_only,
    "code-type-label": _code_type_label, "code-type-other": _code_type_other,
    "case": _case, "stripped": _stripped, "ts-shift": _ts_shift, "omit": _omit,
    "secret-template": _secret_template, "secret-decoded": _secret_decoded,
    "secret-example": _secret_example, "secret-truncated": _secret_truncated,
    "empty": _empty, "order": _order, "join": _join, "pairs": _pairs,
    "sorted-query": _sorted_query, "percent-encode": _percent_encode,
}


#: Kinds whose choices do not depend on the request's values: made once.
_CONSTANT_KINDS = frozenset({"empty", "order", "join", "pairs", "percent-encode"})


@cache
def _constant_choices(transform_id: str) -> list[Choice]:
    transform = by_id()[transform_id]
    return _KINDS[transform.kind](transform, {})


# -- rendering ---------------------------------------------------------------------------------


def render(steps: tuple[Choice, ...], parts: Sequence[bytes | None], *,
           secret_in_text: bool = True) -> bytes:
    """The text the choices make of the request's signed parts (bytes as hashed; ``parts``
    in the order of :data:`SIGNED_FIELDS`)."""
    values = list(parts)
    layout = encode = None
    for step in steps:
        if step.field is not None:
            values[_INDEX[step.field]] = step.value
        elif step.layout is not None:
            layout = step.layout
        else:
            encode = step.encode
    if not secret_in_text:
        values[_SECRET_INDEX] = None
    text = layout(values) if layout is not None else b"".join(
        [value for value in values if value is not None])
    return encode(text) if encode is not None else text


def shown_text(steps: tuple[Choice, ...], values: Mapping[str, str], *,
               secret_in_text: bool = True) -> str:
    """What the choices signed, as text, with the secret masked."""
    parts = [(SECRET_MARK if name == SECRET_FIELD else values[name]).encode()
             for name in SIGNED_FIELDS]
    shown = tuple(Choice(step.transform, step.label, step.field,
                         None if step.field is not None and step.shown is None
                         else (step.shown or "").encode(),
                         step.shown, step.layout, step.encode, step.order)
                  if step.field is not None else step for step in steps)
    text = render(shown, parts, secret_in_text=secret_in_text).decode("utf-8", "replace")
    for form in SECRET_MARK_FORMS:
        text = text.replace(form, SECRET_MASK)
    return text


def points(expression: str) -> Iterator[frozenset[str]]:
    """The points a catalogue expression names: ``"a|b + c"`` -> {a, c}, {b, c}."""
    alternatives = [part.strip().split("|") for part in expression.split("+")]
    for point in itertools.product(*alternatives):
        unknown = set(point) - set(by_id())
        if unknown:
            raise ValueError(f"unknown transforms {sorted(unknown)} in {expression!r}")
        yield frozenset(point)
