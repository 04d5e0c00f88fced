"""What was sent: the seven query parameters, read from a mapping, a URL or a curl command.

Accepts text as it turns up in logs: a bare URL or query string, a log line around one
(Java, Go and Node formats, JSON-escaped ``\\u0026`` and ``\\/`` included), a dump of the
fields (Java ``Map.toString``, Node ``util.inspect``, JSON), or a curl command line, quoted or
not, over several lines with ``\\`` (or ``^``) continuations, with ``-X``, ``-H`` and
``--data``-style options (body parameters count like query parameters). Among several URLs
in a log, the endpoint's own request is taken.

Reading is linear in the text's length: the text is cut into words at whitespace and quotes
once, and each word is looked at once; no pattern can backtrack over the whole input. Anything
unusable raises :class:`~smskit.errors.InputError` naming the field and the rule; a problem
repeated many times is reported once, with its count.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from smskit import i18n
from smskit.errors import InputError, Problem
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH, QUERY_ORDER, decode_query

#: The longest text accepted (a real request line is under 1 KiB).
MAX_INPUT_CHARS = 64 * 1024
#: Parameters that may be absent when fields are given one by one: neither is signed.
UNSIGNED_PARAMETERS = ("internationalCode", "userDomain")
_MISSING_CODE = {"phone": PlatformCode.PHONE_MISSING, "userDomain": PlatformCode.DOMAIN_MISSING,
                 "internationalCode": PlatformCode.INTERNATIONAL_CODE_MISSING,
                 "signature": PlatformCode.SIGNATURE_ERROR}
#: Where words end in a log line: whitespace, quotes, angle brackets, backticks.
_WORD_BREAK = re.compile(r"""[\s"'<>`]+""")
#: A parameter in a dump of fields: Java ``{phone=1, ...}``, JSON, Node's ``{ phone: '1' }``.
#: Linear: every part is bounded by a character class or the fixed names.
_FIELD = re.compile(r"""(?<![A-Za-z])["']?({names})["']?[ \t]*[=:][ \t]*["']?"""
                    r"""([^\s,;&"'{{}}()\[\]]*)""".format(names="|".join(QUERY_ORDER)))
_JSON_ESCAPES = (("\\u0026", "&"), ("\\u003d", "="), ("\\u003D", "="), ("\\/", "/"))
_CONTINUATION = re.compile(r"[\\^`][ \t]*\r?\n")
_CURL = re.compile(r"(?:^|[\s'\"`$>:])curl(?:\.exe)?\s")
_TRAILING = ".,;)]}"
#: curl options that take a value, and those whose value carries request parameters.
_CURL_VALUE_OPTIONS = frozenset({
    "-X", "--request", "-H", "--header", "-A", "--user-agent", "-e", "--referer", "-b",
    "--cookie", "-o", "--output", "-m", "--max-time", "--connect-timeout", "-u", "--user",
    "-x", "--proxy", "--url", "-w", "--write-out", "-F", "--form", "--resolve", "--cacert",
    "--cert", "--key", "-T", "--upload-file", "--retry",
})
_CURL_DATA_OPTIONS = frozenset({"-d", "--data", "--data-raw", "--data-binary",
                                "--data-ascii", "--data-urlencode"})


@dataclass(frozen=True)
class SentRequest:
    """The parameters of one sent request, as text exactly as the server would read them."""

    phone: str
    code_type: str
    random: str
    ts: str
    signature: str
    international_code: str | None = None
    user_domain: str | None = None

    @classmethod
    def from_mapping(cls, fields: Mapping[str, Any], *, require_all: bool = False) -> SentRequest:
        """From the API's parameter names; ``internationalCode`` and ``userDomain`` may be
        absent (they are not signed) unless ``require_all``."""
        problems: list[Problem] = []
        values: dict[str, str | None] = {}
        for name in QUERY_ORDER:
            value = fields.get(name)
            if value is None or value == "":
                if require_all or name not in UNSIGNED_PARAMETERS:
                    problems.append(Problem(name, i18n.text("validation.required"),
                                            _MISSING_CODE.get(name)))
                values[name] = None
            elif isinstance(value, bool) or not isinstance(value, str | int):
                problems.append(Problem(name, i18n.text("doctor.sent.not_text",
                                                        type=type(value).__name__)))
            else:
                values[name] = str(value)
        if problems:
            raise InputError(problems)
        return cls(phone=values["phone"] or "", code_type=values["codeType"] or "",
                   random=values["random"] or "", ts=values["ts"] or "",
                   signature=values["signature"] or "",
                   international_code=values["internationalCode"],
                   user_domain=values["userDomain"])


def parse_sent(text: str) -> SentRequest:
    """The request in a URL, query string, log line or curl command (see the module doc)."""
    if not isinstance(text, str):
        raise InputError([Problem("request", i18n.text("doctor.sent.not_text",
                                                       type=type(text).__name__))])
    if len(text) > MAX_INPUT_CHARS:
        raise InputError([Problem("request", i18n.text("doctor.sent.too_long", got=len(text),
                                                       most=MAX_INPUT_CHARS))])
    for escaped, plain in _JSON_ESCAPES:
        text = text.replace(escaped, plain)
    curl = _curl_tokens(text)
    if curl is not None:
        urls, data = _curl_parts(curl)
        if not urls:
            raise InputError([Problem("request", i18n.text("doctor.sent.curl_no_url"))])
        return _parameters(urls[0], data)
    urls, bare, rest = _urls(text)
    ranked = sorted(urls, key=_endpoint_rank)
    if ranked and _endpoint_rank(ranked[0]) < _OTHER_ENDPOINT:
        return _parameters(ranked[0], [])
    queries = [query for query in bare if _carries_parameters(query)]
    if queries:
        return _parameters("?" + queries[0], [])
    dumped = _FIELD.findall(rest)
    if len({name for name, _ in dumped}) > 1 or (dumped and not ranked):
        return _dumped(dumped)
    if ranked:  # only URLs of other endpoints
        return _parameters(ranked[0], [])
    raise InputError([Problem("request", i18n.text(
        "doctor.sent.nothing", names=", ".join(QUERY_ORDER)),
        hint=i18n.text("doctor.sent.nothing_hint", example=f"https://HOST{ENDPOINT_PATH}"
                                                           "?codeType=3&..."))])


def _urls(text: str) -> tuple[list[str], list[str], str]:
    """The words of the text that carry a query string: URLs and paths (full URLs first), and
    bare ``a=1&b=2`` query strings; and the other words (where a dump of fields may be).
    Linear: one split, one pass over each word."""
    full: list[str] = []
    paths: list[str] = []
    bare: list[str] = []
    rest: list[str] = []
    for word in _WORD_BREAK.split(text):
        if "=" not in word:
            rest.append(word)
            continue
        scheme = max(word.find("http://"), word.find("https://"))
        if scheme >= 0 and "?" in word[scheme:]:
            full.append(word[scheme:])
            continue
        slash = word.find("/")
        question = word.find("?")
        if 0 <= slash < question:
            paths.append(word[slash:])
        elif "&" in word and question < 0:
            bare.append(_after_name_prefix(word))
        else:
            rest.append(word)
    return full + paths, bare, " ".join(rest)


def _after_name_prefix(word: str) -> str:
    """A bare query string as it starts in a word: the first name is its letters only."""
    begin = word.find("=")
    while begin > 0 and word[begin - 1].isascii() and word[begin - 1].isalpha():
        begin -= 1
    return word[begin:]


#: How telling a URL is: the endpoint's path, no path at all, another endpoint's path.
_ENDPOINT, _NO_PATH, _OTHER_ENDPOINT = range(3)


def _endpoint_rank(url: str) -> int:
    head = url.split("?", 1)[0].split("#", 1)[0]
    scheme = head.find("://")
    if scheme >= 0:
        rest = head[scheme + 3:]
        head = rest[rest.find("/"):] if "/" in rest else ""
    path = head.rstrip("/")
    if path.endswith(ENDPOINT_PATH):
        return _ENDPOINT
    return _NO_PATH if not path else _OTHER_ENDPOINT


def _carries_parameters(query: str) -> bool:
    return any(pair.partition("=")[0] in QUERY_ORDER for pair in query.split("&"))


def _dumped(pairs: list[tuple[str, str]]) -> SentRequest:
    """The parameters of a logged field dump (values as printed, not percent-encoded)."""
    found: dict[str, str] = {}
    given: Counter[str] = Counter()
    differing: set[str] = set()
    for name, value in pairs:
        given[name] += 1
        if found.setdefault(name, value) != value:
            differing.add(name)
    if differing:
        raise InputError([Problem(name, i18n.text("doctor.sent.differing", count=given[name]))
                          for name in sorted(differing, key=QUERY_ORDER.index)])
    return SentRequest.from_mapping(found, require_all=True)


def _curl_tokens(text: str) -> list[str] | None:
    """The words after ``curl`` if the text holds a curl command, else ``None``."""
    match = _CURL.search(text)
    if match is None:
        return None
    command = _CONTINUATION.sub(" ", text[match.end():])
    try:
        return shlex.split(command, posix=True)
    except ValueError as error:  # unbalanced quotes
        raise InputError([Problem("request", i18n.text("doctor.sent.curl_incomplete",
                                                       error=str(error)),
                                  hint=i18n.text("doctor.sent.curl_hint"))]) from None


def _curl_parts(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The URL arguments and ``--data`` values of a curl command."""
    urls: list[str] = []
    data: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        option, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if option in _CURL_DATA_OPTIONS or option in _CURL_VALUE_OPTIONS:
            value = inline if equals else (tokens[index + 1] if index + 1 < len(tokens) else "")
            index += 1 if equals else 2
            if option == "--data-urlencode":  # curl encodes the content: do as it does
                name, equals, content = value.partition("=") if "=" in value else ("", "", value)
                data.append(f"{name}{equals}{quote(content, safe='')}")
            elif option in _CURL_DATA_OPTIONS:
                data.append(value)
            elif option == "--url":
                urls.append(value)
            continue
        if token in ("|", ";", "&&", ">", "2>&1"):  # the end of the curl command in a shell line
            break
        if not token.startswith("-"):
            urls.append(token)
        index += 1
    return urls, data


def _parameters(url: str, data: list[str]) -> SentRequest:
    url = url.strip().rstrip(_TRAILING)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise InputError([Problem("url", i18n.text("doctor.sent.bad_url",
                                                   error=str(error)[:80]))]) from None
    path = parts.path.rstrip("/")
    if path and (parts.scheme or path.startswith("/")) and not path.endswith(ENDPOINT_PATH):
        raise InputError([Problem("url", i18n.text("doctor.sent.other_endpoint",
                                                   path=repr(path[:80])),
                                  hint=i18n.text("doctor.sent.endpoint_hint",
                                                 path=ENDPOINT_PATH))])
    found: dict[str, str] = {}
    repeated: Counter[str] = Counter()
    for name, value in (pair for chunk in [parts.query, *data] for pair in decode_query(chunk)):
        if name not in QUERY_ORDER:  # other parameters do not matter to the signature
            continue
        if name in found:
            repeated[name] += 1
        else:
            found[name] = value
    problems = [Problem(name, i18n.text("doctor.sent.repeated", count=count + 1),
                        hint=i18n.text("doctor.sent.repeated_hint"))
                for name, count in repeated.items()]
    if not problems and not set(QUERY_ORDER) & set(found):
        problems.append(Problem("request", i18n.text("doctor.sent.no_parameters",
                                                     names=", ".join(QUERY_ORDER))))
    if problems:
        raise InputError(problems)
    return SentRequest.from_mapping(found, require_all=True)
