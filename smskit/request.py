"""The request: an immutable value holding the seven query parameters, and how to build one.

:func:`build_request` validates every field (all problems at once), fills in ``random`` and
``ts`` if not given, and signs; :func:`assess_request` does the same without raising, for
forms that show every problem while the user types. The result never holds the secret,
only the signature, so it can be printed, logged and exported as curl.

The HTTP shape follows the platform's own example for this endpoint: ``POST`` with every
parameter in the query string, an empty body, ``accept: */*`` and no ``Content-Type``.
"""

from __future__ import annotations

import random as _random
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, Unpack
from urllib.parse import unquote_to_bytes, urlencode

from smskit import i18n
from smskit.clock import Clock
from smskit.errors import InputError, Problem
from smskit.fields import parse_code_type, parse_timestamp_ms
from smskit.nonce import new_random, now_ms
from smskit.signing import sign, verify
from smskit.validation import validate_fields

if TYPE_CHECKING:
    import requests

ENDPOINT_PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
HTTP_METHOD = "POST"
REQUEST_HEADERS = {"accept": "*/*"}
#: Query parameters in the page's order.
QUERY_ORDER = ("codeType", "internationalCode", "phone", "random", "signature", "ts", "userDomain")


@dataclass(frozen=True)
class SmsCodeRequest:
    """The seven query parameters of one sendPhoneSmsCode call. Holds no secret."""

    code_type: int
    international_code: str
    phone: str
    random: str
    signature: str
    ts: int
    user_domain: str

    def query(self) -> dict[str, str]:
        """The query parameters as the API names them, in the page's order."""
        return {
            "codeType": str(self.code_type),
            "internationalCode": self.international_code,
            "phone": self.phone,
            "random": self.random,
            "signature": self.signature,
            "ts": str(self.ts),
            "userDomain": self.user_domain,
        }

    def url(self, base_url: str) -> str:
        """The full URL: base URL, endpoint path and query string."""
        return f"{base_url.rstrip('/')}{ENDPOINT_PATH}?{urlencode(self.query())}"

    def to_curl(self, base_url: str) -> str:
        """A curl command that sends exactly this request (it carries no secret)."""
        header = " ".join(f"-H {shlex.quote(f'{k}: {v}')}" for k, v in REQUEST_HEADERS.items())
        return f"curl -X {HTTP_METHOD} {shlex.quote(self.url(base_url))} {header}"

    def to_prepared(self, base_url: str) -> requests.PreparedRequest:
        """The request as ``requests`` would send it: POST, query string, empty body."""
        import requests

        return requests.Request(
            HTTP_METHOD, self.url(base_url), headers=dict(REQUEST_HEADERS)
        ).prepare()

    def problems(
        self, *, clock: Clock | None = None, allow_unverified_phone: bool = False
    ) -> list[Problem]:
        """Every rule this request breaks (an empty list when it is fine)."""
        return validate_fields(
            phone=self.phone,
            code_type=self.code_type,
            international_code=self.international_code,
            random=self.random,
            ts=self.ts,
            user_domain=self.user_domain,
            signature=self.signature,
            check_signature_format=True,
            clock=clock,
            allow_unverified_phone=allow_unverified_phone,
        )

    def validate(self, *, clock: Clock | None = None, allow_unverified_phone: bool = False) -> None:
        """Raise :class:`InputError` listing every broken rule."""
        problems = self.problems(clock=clock, allow_unverified_phone=allow_unverified_phone)
        if problems:
            raise InputError(problems)

    def signature_matches(self, secret: str) -> bool:
        """Whether :attr:`signature` is right for these fields under ``secret``."""
        return verify(self.signature, phone=self.phone, code_type=self.code_type,
                      random=self.random, ts=self.ts, secret=secret)


class RequestFields(TypedDict):
    """The keyword arguments of :func:`build_request` and :func:`assess_request`."""

    phone: Any
    code_type: Any
    user_domain: Any
    secret: Any
    international_code: NotRequired[Any]
    random: NotRequired[Any]
    ts: NotRequired[Any]
    clock: NotRequired[Clock | None]
    random_source: NotRequired[_random.Random | None]
    allow_unverified_phone: NotRequired[bool]


def build_request(**fields: Unpack[RequestFields]) -> SmsCodeRequest:
    """Validate, fill ``random`` and ``ts`` when omitted, sign, and return the request.

    Takes the arguments of :func:`assess_request`. Raises :class:`InputError` naming every bad
    field; nothing is signed or sent then.
    """
    request, problems = assess_request(**fields)
    if request is None:
        raise InputError(problems)
    return request


def assess_request(
    *,
    phone: Any,
    code_type: Any,
    user_domain: Any,
    secret: Any,
    international_code: Any = "86",
    random: Any = None,
    ts: Any = None,
    clock: Clock | None = None,
    random_source: _random.Random | None = None,
    allow_unverified_phone: bool = False,
) -> tuple[SmsCodeRequest | None, list[Problem]]:
    """One validation pass: the signed request (``None`` if anything is wrong) and every
    :class:`Problem`, errors and warnings, in the page's parameter order."""
    fields = {"phone": phone, "code_type": code_type, "international_code": international_code,
              "random": new_random(random_source) if random is None else random,
              "ts": now_ms(clock) if ts is None else ts, "user_domain": user_domain}
    problems = validate_fields(**fields, secret=secret, check_secret=True, clock=clock,
                               allow_unverified_phone=allow_unverified_phone)
    if problems:
        return None, problems
    fields |= {"code_type": parse_code_type(code_type), "ts": parse_timestamp_ms(fields["ts"])}
    signature = sign(phone=phone, code_type=fields["code_type"], random=fields["random"],
                     ts=fields["ts"], secret=secret)
    return SmsCodeRequest(**fields, signature=signature), []


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Characters of a bad name or escape quoted back in a problem.
_SHOWN = 60


def decode_query(query: str) -> list[tuple[str, str]]:
    """The name-value pairs of a query string as a server reads them, in order, repeats kept.

    ``&`` separates pairs (empty ones are skipped), a name without ``=`` has the empty value,
    ``+`` is a space (as in HTML forms and the platform's servlet container), and each
    ``%XX`` is a byte of UTF-8 text. A broken escape or bytes that are not UTF-8 raise
    :class:`InputError` naming the parameter (``"query"`` when the name itself is bad).
    Linear in the query's length; what a problem quotes back is cut at 60 characters.
    Whether a name may repeat or be empty is the caller's rule.
    """
    pairs: list[tuple[str, str]] = []
    for part in query.split("&") if query else ():
        if part:
            raw_name, _, raw_value = part.partition("=")
            name = _decode_part(raw_name, None)
            pairs.append((name, _decode_part(raw_value, name)))
    return pairs


def _decode_part(raw: str, name: str | None) -> str:
    """A name (``name`` is ``None``) or the value of parameter ``name``, decoded."""
    if "%" not in raw and "+" not in raw:  # nothing escaped: the text is the value
        return raw
    bad = _BAD_ESCAPE.search(raw)
    if bad:
        escape = raw[bad.start():bad.start() + 3]
        raise _query_problem(name, i18n.text("query.broken_escape", what=_what(name),
                                             escape=repr(escape)))
    data = unquote_to_bytes(raw.replace("+", " "))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _query_problem(name, i18n.text(
            "query.not_unicode", what=_what(name), byte=f"0x{data[error.start]:02x}",
            position=error.start)) from None


def _what(name: str | None) -> i18n.Text:
    """What a query problem is about: a name (``None``) or the value of parameter ``name``."""
    if name is None:
        return i18n.text("query.what.name")
    return i18n.text("query.what.param", name=_shown(name))


def _query_problem(name: str | None, rule: i18n.Text) -> InputError:
    return InputError([Problem(name if name in QUERY_ORDER else "query", rule)])


def _shown(value: str) -> str:
    """``value`` quoted for a problem, cut at 60 characters."""
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")
