"""The known signing mistakes of ``smskit/data/signature_mistakes.json`` and the search over them.

Each mistake's recipe is expanded once into concrete :class:`Variant` s (every ``any``
alternative, every other order). The default text is the signed fields in the order that
:data:`smskit.signing.SIGNED_FIELDS` defines; a recipe only names what it changes. The search
hashes each variant whose digest and encoding could have produced the given signature (its
shape says which), so a wrong 64-hex signature never pays for Base64 or SHA-1 variants.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import operator
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol
from urllib.parse import quote

from smskit._data import load_json
from smskit.signing import SECRET_FIELD, SECRET_MASK, SIGNED_FIELDS

Lang = Literal["zh", "en"]
DATA_FILE = "signature_mistakes.json"
#: Template names a recipe may use; the request's values and what derives from them.
TEMPLATE_NAMES = frozenset({
    "phone", "codeType", "random", "ts", SECRET_FIELD, "internationalCode", "userDomain",
    "tsSeconds", "tsPlus8h", "tsMinus8h", "codeTypeZh", "codeTypeEn", "codeTypeName",
    "codeTypeNameLower",
})
_TS_MARK = "\x00"  # stands for ts while a ts-offset variant's text is split around it


class _Hash(Protocol):
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


def _unkeyed(function: Callable[[bytes], _Hash]) -> Callable[[bytes], Callable[[bytes], _Hash]]:
    return lambda key: function


def _keyed(key: bytes) -> Callable[[bytes], _Hash]:
    return functools.partial(hmac.new, key, digestmod=hashlib.sha256)


#: Digest name -> (digest size in bytes, function of the key giving the hash function).
DIGESTS: Mapping[str, tuple[int, Callable[[bytes], Callable[[bytes], _Hash]]]] = {
    "sha256": (32, _unkeyed(hashlib.sha256)),
    "sha1": (20, _unkeyed(functools.partial(hashlib.sha1, usedforsecurity=False))),
    "md5": (16, _unkeyed(functools.partial(hashlib.md5, usedforsecurity=False))),
    "hmac-sha256": (32, _keyed),
}

#: Encoding name -> how a digest is written in it.
ENCODINGS: Mapping[str, Callable[[_Hash], str]] = {
    "hex": operator.methodcaller("hexdigest"),
    "hex-upper": lambda h: h.hexdigest().upper(),
    "base64": lambda h: base64.b64encode(h.digest()).decode("ascii").rstrip("="),
    "hex-no-leading-zeros": lambda h: h.hexdigest().lstrip("0") or "0",
    "hex-bytes-unpadded": lambda h: "".join(f"{byte:x}" for byte in h.digest()),
}
_B64 = re.compile(r"[A-Za-z0-9+/\-_]+=*")


def encoding_fits(encoding: str, size: int, signature: str) -> bool:
    """Whether a digest of ``size`` bytes written in ``encoding`` could look like ``signature``."""
    length = len(signature)
    if encoding == "hex":
        return length == 2 * size and _is_hex(signature, "0123456789abcdef")
    if encoding == "hex-upper":
        return length == 2 * size and _is_hex(signature, "0123456789ABCDEF")
    if encoding == "base64":
        unpadded = (4 * size + 2) // 3
        return bool(_B64.fullmatch(signature)) and len(signature.rstrip("=")) == unpadded
    if encoding == "hex-no-leading-zeros":  # more than 4 zero digits: 1 digest in 16**5
        return (2 * size - 4 <= length < 2 * size and signature[0] != "0"
                and _is_hex(signature, "0123456789abcdef"))
    if encoding == "hex-bytes-unpadded":  # up to half the bytes below 0x10
        return 2 * size - size // 2 <= length < 2 * size and _is_hex(signature,
                                                                      "0123456789abcdef")
    raise ValueError(f"unknown encoding {encoding!r}")


def _is_hex(text: str, alphabet: str) -> bool:
    return not text.strip(alphabet)


def comparable(encoding: str, signature: str) -> str:
    """The signature as :data:`ENCODINGS` writes it (Base64: no padding, standard alphabet)."""
    if encoding == "base64":
        return signature.rstrip("=").replace("-", "+").replace("_", "/")
    return signature


@dataclass(frozen=True)
class Mistake:
    """One known mistake: what it is, why it fails and how to fix it, in Chinese and English."""

    id: str
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    fix_zh: str
    fix_en: str
    #: Ids of the single mistakes this one combines (empty for a single mistake).
    combines: tuple[str, ...] = ()

    def title(self, lang: Lang = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def explanation(self, lang: Lang = "en") -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en

    def fix(self, lang: Lang = "en") -> str:
        return self.fix_zh if lang == "zh" else self.fix_en


@dataclass(frozen=True)
class Check:
    """A check worth doing by hand when no known mistake explains a signature."""

    id: str
    zh: str
    en: str

    def text(self, lang: Lang = "en") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Variant:
    """One concrete way a mistake produces a signature."""

    mistake: Mistake
    parts: tuple[str, ...]
    join: str
    digest: str
    key: str | None
    encoding: str
    transform: str | None
    #: Offsets (ms) from the sent ts to try, nearest first; empty for none.
    ts_offsets: tuple[int, ...]
    #: The order of the parts, when the recipe tried every other order.
    order: tuple[str, ...] | None

    @functools.cached_property
    def template(self) -> str:
        """The parts and separators as one format string: one call renders the text."""
        return self.join.replace("{", "{{").replace("}", "}}").join(self.parts)

    @property
    def size(self) -> int:
        return DIGESTS[self.digest][0]

    def text(self, values: Mapping[str, str]) -> str:
        """The text this variant hashes, from the request's values (raises KeyError when a
        template needs a value the request cannot give, e.g. a label for codeType 9)."""
        text = self.template.format_map(values)
        return quote(text, safe="") if self.transform == "percent-encode" else text

    def hasher(self, values: Mapping[str, str]) -> Callable[[bytes], _Hash]:
        """The hash function of this variant (keyed by the rendered key for HMAC)."""
        key = self.key.format_map(values).encode() if self.key is not None else b""
        return DIGESTS[self.digest][1](key)


@dataclass(frozen=True)
class Found:
    """The variant that reproduced a signature, and the ts offset it needed (0 for none)."""

    variant: Variant
    ts_offset_ms: int = 0


def search(variants: tuple[Variant, ...], values: Mapping[str, str],
           signature: str) -> Found | None:
    """The first variant (in data order) whose signature equals ``signature``."""
    fits: dict[tuple[int, str], str | None] = {}
    for variant in variants:
        shape = (variant.size, variant.encoding)
        if shape not in fits:
            fits[shape] = (comparable(variant.encoding, signature)
                           if encoding_fits(variant.encoding, variant.size, signature) else None)
        given = fits[shape]
        if given is None:
            continue
        encode = ENCODINGS[variant.encoding]
        try:
            if variant.ts_offsets:
                offset = _search_ts(variant, values, given, encode)
                if offset is not None:
                    return Found(variant, offset)
            elif encode(variant.hasher(values)(variant.text(values).encode())) == given:
                return Found(variant)
        except KeyError:  # a template value this request cannot give
            continue
    return None


def _search_ts(variant: Variant, values: Mapping[str, str], given: str,
               encode: Callable[[_Hash], str]) -> int | None:
    """The ts offset whose text reproduces ``given``; the text is split once around ts."""
    marked = variant.text({**values, "ts": _TS_MARK}).encode()
    if marked.count(_TS_MARK.encode()) != 1:  # the mark is in a sent value: cannot split
        return None
    prefix, _, suffix = marked.partition(_TS_MARK.encode())
    digest = variant.hasher(values)
    ts = int(values["ts"])
    for offset in variant.ts_offsets:
        if encode(digest(b"%b%d%b" % (prefix, ts + offset, suffix))) == given:
            return offset
    return None


def masked_text(found: Found, values: Mapping[str, str]) -> str:
    """What the variant signed, with the secret masked (and ts as it was signed)."""
    shown = dict(values)
    shown[SECRET_FIELD] = SECRET_MASK
    shown["ts"] = str(int(values["ts"]) + found.ts_offset_ms)
    return found.variant.text(shown)


@cache
def mistakes() -> tuple[Mistake, ...]:
    """Every known mistake, in search order."""
    return tuple(_mistake(row) for row in load_json(DATA_FILE)["mistakes"])


@cache
def checks() -> tuple[Check, ...]:
    """The checks to do by hand when no known mistake explains a signature."""
    return tuple(Check(**row) for row in load_json(DATA_FILE)["checks"])


@cache
def variants() -> tuple[Variant, ...]:
    """Every concrete variant of every mistake, in search order."""
    by_id = {mistake.id: mistake for mistake in mistakes()}
    return tuple(variant for row in load_json(DATA_FILE)["mistakes"]
                 for variant in _expand(by_id[row["id"]], row["recipe"]))


def _mistake(row: Mapping[str, Any]) -> Mistake:
    fields = {name: row[name] for name in ("id", "title_zh", "title_en", "explanation_zh",
                                           "explanation_en", "fix_zh", "fix_en")}
    return Mistake(**fields, combines=tuple(row.get("combines", ())))


def _choices(value: Any) -> list[Any]:
    """The alternatives of a recipe value: ``{"any": [...]}`` or the value itself."""
    if isinstance(value, dict) and set(value) == {"any"}:
        return list(value["any"])
    return [value]


def _expand(mistake: Mistake, recipe: Mapping[str, Any]) -> Iterator[Variant]:
    unknown = set(recipe) - {"parts", "omit", "replace", "join", "order", "digest", "key",
                             "encoding", "transform", "ts_offsets_ms"}
    if unknown:
        raise ValueError(f"{mistake.id}: unknown recipe keys {sorted(unknown)}")
    low, high = recipe.get("ts_offsets_ms", (0, 0))
    offsets = tuple(sorted((k for k in range(low, high + 1) if k), key=lambda k: (abs(k), k)))
    for parts in _part_lists(mistake, recipe):
        for join, order, digest, key, encoding, transform in itertools.product(
            _choices(recipe.get("join", "")), _choices(recipe.get("order", "as-listed")),
            _choices(recipe.get("digest", "sha256")), _choices(recipe.get("key")),
            _choices(recipe.get("encoding", "hex")), _choices(recipe.get("transform")),
        ):
            if (digest not in DIGESTS or encoding not in ENCODINGS
                    or order not in ("as-listed", "every-other")
                    or transform not in (None, "percent-encode")):
                raise ValueError(f"{mistake.id}: unknown digest, encoding, order or transform")
            if key is not None:
                _check_template(mistake, key)
            orders = (itertools.islice(itertools.permutations(parts), 1, None)
                      if order == "every-other" else [parts])
            for ordered in orders:
                yield Variant(mistake, tuple(ordered), join, digest, key, encoding, transform,
                              offsets, _names(ordered) if order == "every-other" else None)


def _part_lists(mistake: Mistake, recipe: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    """Every list of part templates the recipe allows (its parts, omissions, replacements)."""
    for omit in _choices(recipe.get("omit", [])):
        if "parts" in recipe:
            base: list[Any] = list(recipe["parts"])
        else:
            replace = recipe.get("replace", {})
            base = [replace.get(field, f"{{{field}}}") for field in SIGNED_FIELDS
                    if field not in omit]
        for parts in itertools.product(*(_choices(part) for part in base)):
            for part in parts:
                _check_template(mistake, part)
            yield tuple(parts)


def _check_template(mistake: Mistake, template: str) -> None:
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None and name not in TEMPLATE_NAMES:
            raise ValueError(f"{mistake.id}: unknown template name {{{name}}}")


def _names(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of an order as field names: ``{phone}`` -> ``phone``."""
    return tuple(part.strip("{}") for part in parts)
