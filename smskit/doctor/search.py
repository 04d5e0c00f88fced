"""The search over the grammar: which transforms reproduce a signature, simplest first.

A *point* is a set of transforms from different dimensions. The search tries every point of
at most two transforms (and the catalogue's longer points), fewest transforms first, then
lowest rank, and stops at the first that reproduces the signature exactly.

What keeps it within budget (``./kit bench --only doctor``):

- the signature's shape decides which digests and encodings can have made it
  (:class:`Targets`); an encoding costs nothing, since the signature is decoded once into the
  digest it would be, and digests of other sizes are never computed;
- a text is built once and hashed once per digest that fits; a text already hashed with a
  digest (two points that make the same text) is not hashed again, so the simpler point
  keeps it;
- the ts window is hashed from one template, with nothing else changed.

Two different points that both reproduce a signature would need two different texts or
digests with equal hashes, so the order in which points are *evaluated* only changes how
soon the search stops; the single texts go first, then pairs, then the ts window (the
costliest single transform), then the catalogue's longer points.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import itertools
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from smskit.doctor.grammar import (
    SHA256,
    Choice,
    Digest,
    Transform,
    by_id,
    choices,
    digest_of,
    render,
    transforms,
)
from smskit.signing import SECRET_FIELD, SIGNED_FIELDS

#: The encoding of a right signature (no encoding transform).
HEX = "hex"
_LOWER_HEX = frozenset(string.digits + "abcdef")
_UPPER_HEX = frozenset(string.digits + "ABCDEF")
_BASE64 = frozenset(string.ascii_letters + string.digits + "+/")
_BASE64_URL = frozenset(string.ascii_letters + string.digits + "-_")
#: Dimensions whose transforms are applied after the text is built.
_AFTER_TEXT = ("digest", "encoding")
#: How a search gets (and caches) a transform's variants for the request.
_Variants = Callable[[Transform], list[Choice]]
#: The most transforms a searched point holds (the catalogue may name longer ones).
MAX_TRANSFORMS = 2


@dataclass
class Targets:
    """The digests a signature can be, by digest size, with the encoding that writes each."""

    signature: str
    by_size: Mapping[int, Mapping[bytes, str]]
    #: Sizes whose digest, written a byte at a time without padding, may be the signature.
    unpadded: frozenset[int] = frozenset()

    @classmethod
    def of(cls, signature: str) -> Targets:
        sizes = _sizes()
        found: dict[int, dict[bytes, str]] = {}
        length = len(signature)
        chars = set(signature)
        lower = bool(signature) and chars <= _LOWER_HEX

        def add(size: int, digest: bytes, encoding: str) -> None:
            found.setdefault(size, {}).setdefault(digest, encoding)

        if length % 2 == 0 and length // 2 in sizes:
            if lower:
                add(length // 2, bytes.fromhex(signature), HEX)
            elif chars <= _UPPER_HEX:
                add(length // 2, bytes.fromhex(signature), "hex-upper")
        bare = signature.rstrip("=")
        if bare and (set(bare) <= _BASE64 or set(bare) <= _BASE64_URL) and length - len(bare) < 3:
            for size in sizes:
                if (4 * size + 2) // 3 == len(bare):
                    with contextlib.suppress(binascii.Error):  # the alphabet was checked
                        add(size, base64.b64decode(bare.replace("-", "+").replace("_", "/")
                                                   + "=" * (-len(bare) % 4)), "base64")
        unpadded = set()
        if lower:
            for size in sizes:
                if signature[0] != "0" and 2 * size - 4 <= length < 2 * size:
                    add(size, int(signature, 16).to_bytes(size, "big"), "hex-no-leading-zeros")
                if 2 * size - size // 2 <= length < 2 * size:
                    unpadded.add(size)
        return cls(signature, found, frozenset(unpadded))

    def __bool__(self) -> bool:
        return bool(self.by_size or self.unpadded)

    def match(self, size: int, digest: bytes, any_encoding: bool) -> str | None:
        """The encoding that writes ``digest`` as the signature (``hex`` only unless
        ``any_encoding``), or ``None``."""
        table = self.by_size.get(size)
        if table is not None:
            encoding = table.get(digest)
            if encoding is not None and (any_encoding or encoding == HEX):
                return encoding
        if any_encoding and size in self.unpadded and \
                "".join(f"{byte:x}" for byte in digest) == self.signature:
            return "hex-bytes-unpadded"
        return None

    @functools.cached_property
    def sizes(self) -> frozenset[int]:
        """The digest sizes that can be the signature in some encoding."""
        return frozenset(self.by_size) | self.unpadded

    @functools.cached_property
    def hex_sizes(self) -> frozenset[int]:
        """The digest sizes that can be the signature in lowercase hex."""
        return frozenset(size for size, table in self.by_size.items() if HEX in table.values())

    def fits(self, size: int, any_encoding: bool) -> bool:
        """Whether a digest of ``size`` bytes can be the signature at all."""
        return size in (self.sizes if any_encoding else self.hex_sizes)


@dataclass(frozen=True)
class Found:
    """The point that reproduced the signature: its text choices, digest and encoding."""

    steps: tuple[Choice, ...]
    digest: Transform | None = None
    encoding: Transform | None = None
    secret_in_text: bool = True

    @property
    def transforms(self) -> tuple[Transform, ...]:
        """The point's transforms in the grammar's order."""
        order = {transform.id: index for index, transform in enumerate(transforms())}
        found = [step.transform for step in self.steps]
        found += [t for t in (self.digest, self.encoding) if t is not None]
        return tuple(sorted(found, key=lambda t: order[t.id]))

    @property
    def key(self) -> frozenset[str]:
        return frozenset(transform.id for transform in self.transforms)


@dataclass
class Search:
    """The outcome of one search, and what it cost."""

    found: Found | None = None
    #: Digests computed (the unit of cost: one hash of a short text).
    hashes: int = 0
    _seen: dict[tuple[int, bool, str | None], set[bytes]] = field(default_factory=dict)


@cache
def digests() -> tuple[Digest, ...]:
    """The right digest first, then every digest transform."""
    return (SHA256, *(digest_of(t) for t in transforms() if t.dimension == "digest"))


@cache
def _sizes() -> tuple[int, ...]:
    return tuple(sorted({digest.size for digest in digests()}))


@cache
def text_points() -> tuple[tuple[tuple[Transform, ...],
                                 tuple[frozenset[str], bool, bool]], ...]:
    """Every point of text transforms searched, fewest first, then by rank (the text as it
    should be, each single transform but the ts window, each pair of them), with the digest
    transforms it may take, whether it may take another encoding, and whether it changes
    the secret's form."""
    texts = [t for t in transforms() if t.dimension not in _AFTER_TEXT and t.kind != "ts-offset"]
    order = {t.id: index for index, t in enumerate(texts)}
    singles = sorted(texts, key=lambda t: (t.rank, order[t.id]))
    pairs = sorted((pair for pair in itertools.combinations(texts, 2)
                    if pair[0].pairs_with(pair[1])),
                   key=lambda pair: (sum(t.rank for t in pair), max(t.rank for t in pair),
                                     [order[t.id] for t in pair]))
    digest_ts = [t for t in transforms() if t.dimension == "digest"]
    encoding_ts = [t for t in transforms() if t.dimension == "encoding"]
    return tuple((point, (frozenset(d.id for d in digest_ts
                                    if all(t.pairs_with(d) for t in point)),
                          all(t.pairs_with(e) for t in point for e in encoding_ts),
                          any(t.dimension == "secret" for t in point)))
                 for point in ((), *((t,) for t in singles), *pairs))


@cache
def ts_offsets() -> tuple[int, ...]:
    """The ts window's offsets (ms), nearest first."""
    window = int(_ts_offset().params["window_ms"])
    return tuple(sorted((k for k in range(-window, window + 1) if k), key=lambda k: (abs(k), k)))


def _ts_offset() -> Transform:
    return next(t for t in transforms() if t.kind == "ts-offset")


def search(values: Mapping[str, str], signature: str,
           longer_points: Iterable[frozenset[str]] = ()) -> Search:
    """The simplest point that reproduces ``signature`` from the request's ``values`` (the
    five signed values as text, ``internationalCode``/``userDomain`` when sent, and
    ``tsSeconds``), or none."""
    outcome = Search()
    targets = Targets.of(signature)
    if not targets:
        return outcome
    secret = values[SECRET_FIELD].encode()
    parts = [values[name].encode() for name in SIGNED_FIELDS]
    known: dict[str, list[Choice]] = {}

    def variants(transform: Transform) -> list[Choice]:
        if transform.id not in known:
            known[transform.id] = choices(transform, values)
        return known[transform.id]

    for point, flags in text_points():
        allowed = _allowed_digests(targets.sizes, targets.hex_sizes, len(point), *flags)
        if allowed and _try_point(outcome, targets, point, allowed, variants, parts, secret):
            return outcome
    if _try_ts_window(outcome, targets, values, parts):
        return outcome
    for key in longer_points:
        if _try_named(outcome, targets, key, variants, parts, secret):
            return outcome
    return outcome


def _try_point(outcome: Search, targets: Targets, point: tuple[Transform, ...],
               allowed: tuple[tuple[Digest, bool], ...], variants: _Variants,
               parts: list[bytes], secret: bytes) -> bool:
    if allowed == ((SHA256, False),):
        return _try_sha256_hex(outcome, targets, point, variants, parts)
    for steps in itertools.product(*(variants(t) for t in point)):
        texts: dict[bool, bytes] = {}
        for digest, any_encoding in allowed:
            within = digest.secret_in_text
            if within not in texts:
                texts[within] = render(steps, parts, secret_in_text=within)
            if _try(outcome, targets, steps, texts[within], digest, any_encoding, secret):
                return True
    return False


def _try_sha256_hex(outcome: Search, targets: Targets, point: tuple[Transform, ...],
                    variants: _Variants, parts: list[bytes]) -> bool:
    """The common case (a pair of text transforms): SHA-256 and lowercase hex only."""
    wanted = next(digest for digest, encoding in targets.by_size[SHA256.size].items()
                  if encoding == HEX)
    seen = outcome._seen.setdefault((id(SHA256), False, None), set())
    sha256 = hashlib.sha256
    for steps in itertools.product(*(variants(t) for t in point)):
        text = render(steps, parts)
        if text in seen:
            continue
        seen.add(text)
        outcome.hashes += 1
        if sha256(text).digest() == wanted:
            outcome.found = Found(steps)
            return True
    return False


@cache
def _allowed_digests(sizes: frozenset[int], hex_sizes: frozenset[int], count: int,
                     digest_ids: frozenset[str], encoding_ok: bool,
                     secret_form: bool) -> tuple[tuple[Digest, bool], ...]:
    """(digest, any encoding?) a point of ``count`` text transforms may still add."""
    allowed = []
    for digest in digests():
        spare = MAX_TRANSFORMS - count - (digest.transform is not None)
        if spare < 0 or (digest.transform is not None and digest.transform.id not in digest_ids):
            continue
        if not digest.secret_in_text and secret_form:
            continue  # the secret is the key here: its form in the text changes nothing
        any_encoding = spare >= 1 and encoding_ok
        if digest.size in (sizes if any_encoding else hex_sizes):
            allowed.append((digest, any_encoding))
    return tuple(allowed)


def _try(outcome: Search, targets: Targets, steps: tuple[Choice, ...], text: bytes,
         digest: Digest, any_encoding: bool, secret: bytes, encoding: str | None = None) -> bool:
    seen = outcome._seen.setdefault((id(digest), any_encoding, encoding), set())
    if text in seen:
        return False
    seen.add(text)
    outcome.hashes += 1
    found = targets.match(digest.size, digest.function(text, secret), any_encoding)
    if found is None or (encoding is not None and found != encoding):
        return False
    outcome.found = Found(steps, digest.transform,
                          None if found == HEX else by_id()[found], digest.secret_in_text)
    return True


def _try_ts_window(outcome: Search, targets: Targets, values: Mapping[str, str],
                   parts: list[bytes]) -> bool:
    """The ts window: the text as it should be but for ts, SHA-256, any encoding."""
    if not targets.fits(SHA256.size, True):
        return False
    at = SIGNED_FIELDS.index("ts")
    before, after = b"".join(parts[:at]), b"".join(parts[at + 1:])
    template = before.replace(b"%", b"%%") + b"%d" + after.replace(b"%", b"%%")
    ts = int(values["ts"])
    sha256 = hashlib.sha256
    table = targets.by_size.get(SHA256.size, {})
    slow = SHA256.size in targets.unpadded
    offsets = ts_offsets()
    for offset in offsets:
        digest = sha256(template % (ts + offset)).digest()
        if digest in table or (slow and targets.match(SHA256.size, digest, True)):
            outcome.hashes += offsets.index(offset) + 1
            encoding = targets.match(SHA256.size, digest, True)
            signed = str(ts + offset)
            step = Choice(_ts_offset(), f"{offset:+d}", "ts", signed.encode(), signed)
            outcome.found = Found((step,), None,
                                  None if encoding in (None, HEX) else by_id()[encoding])
            return True
    outcome.hashes += len(offsets)
    return False


def _try_named(outcome: Search, targets: Targets, key: frozenset[str], variants: _Variants,
               parts: list[bytes], secret: bytes) -> bool:
    """A catalogued point of more than two transforms, with exactly its digest and encoding."""
    point = [by_id()[name] for name in sorted(key)]
    in_text = tuple(t for t in point if t.dimension not in _AFTER_TEXT)
    digest_t = next((t for t in point if t.dimension == "digest"), None)
    encoding_t = next((t for t in point if t.dimension == "encoding"), None)
    digest = next(d for d in digests() if d.transform is digest_t)
    encoding = encoding_t.id if encoding_t is not None else HEX
    if not targets.fits(digest.size, True):
        return False
    for steps in itertools.product(*(variants(t) for t in in_text)):
        text = render(steps, parts, secret_in_text=digest.secret_in_text)
        if _try(outcome, targets, steps, text, digest, True, secret, encoding):
            return True
    return False
