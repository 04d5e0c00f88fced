"""The scenario table (``smskit/data/scenarios.json``): one request recipe per code, replayable.

:func:`load_scenarios` reads the rows; :func:`replay` sends one to a running sandbox over
real HTTP with ``requests`` (the raw request, no smskit client involved) and returns the
answer as the library judges it: a :class:`~smskit.responses.SendResult` or the
:class:`~smskit.errors.SendError` it would raise. Replaying resets the sandbox first, so
every row is independent of the ones before it.
"""

from __future__ import annotations

import random as _random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smskit import i18n
from smskit._data import load_json
from smskit.catalogue import lookup
from smskit.errors import SendError, SmskitError
from smskit.nonce import new_random
from smskit.platform_codes import PlatformCode
from smskit.request import ENDPOINT_PATH, REQUEST_HEADERS
from smskit.responses import RawResponse, SendResult, interpret
from smskit.signing import sign

if TYPE_CHECKING:
    import requests

    from smskit.sandbox.app import Sandbox

DATA_FILE = "scenarios.json"
SIGN_WITH = ("domain", "other")


class ScenarioError(SmskitError, RuntimeError):
    """A recipe could not be carried out (e.g. a prior send was not accepted)."""


@dataclass(frozen=True)
class Recipe:
    """How to build the request of one scenario (see ``schema`` in the data file)."""

    user_domain: str
    sign_with: str
    before_signing: Mapping[str, Any]
    set_after_signing: Mapping[str, str]
    drop: tuple[str, ...]
    uppercase: tuple[str, ...]
    clock_offset_ms: int
    inject_failures: int
    prior_sends: int

    def describe(self, lang: str | None = None) -> str:
        """One line for a table: what differs from a correct request, in ``lang`` (default:
        the kit's language)."""
        def part(key: str, **values: object) -> str:
            return i18n.t(f"scenarios.recipe.{key}", lang, **values)

        parts = [f"userDomain={self.user_domain}"]
        if self.sign_with != "domain":
            parts.append(part("other_secret"))
        parts += [f"{name}={value}" for name, value in self.before_signing.items()]
        parts += [part("then_set", name=name, value=value)
                  for name, value in self.set_after_signing.items()]
        parts += [part("then_drop", name=name) for name in self.drop]
        parts += [part("then_uppercase", name=name) for name in self.uppercase]
        if self.clock_offset_ms:
            parts.append(part("clock_offset", offset=f"{self.clock_offset_ms:+d}"))
        if self.inject_failures:
            parts.append(part("failures", count=self.inject_failures))
        if self.prior_sends:
            parts.append(part("prior_sends", count=self.prior_sends))
        return i18n.t("errors.separator", lang).join(parts)


@dataclass(frozen=True)
class Scenario:
    """One row: a code, why a request gets it, and the recipe that triggers it."""

    id: str
    code: int
    #: The English title (:meth:`title_in` gives either edition).
    title: str
    assumption: bool
    note: str
    request: Recipe
    #: The title in Chinese.
    title_zh: str = ""

    def title_in(self, lang: str | None = None) -> str:
        """The title in ``lang`` (default: the kit's language)."""
        return i18n.pick(en=self.title, zh=self.title_zh or self.title, lang=lang)

    @property
    def msg_zh(self) -> str:
        """The catalogue's Chinese message for :attr:`code`."""
        entry = lookup(self.code)
        return entry.zh if entry else ""


def load_scenarios() -> list[Scenario]:
    """Every row of ``smskit/data/scenarios.json``, in file order."""
    raw = load_json(DATA_FILE)
    default_domain = raw["defaults"]["user_domain"]
    rows = [_scenario(row, default_domain) for row in raw["scenarios"]]
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ValueError(f"scenario id {row.id!r} is used twice")
        seen.add(row.id)
    return rows


def build_query(item: Scenario, sandbox: Sandbox, *, random: str | None = None,
                apply_after_signing: bool = True) -> dict[str, str]:
    """The query parameters of the scenario's request, signed now by the sandbox's clock."""
    raw = load_json(DATA_FILE)["defaults"]
    recipe = item.request
    fields = {**raw["params"], **recipe.before_signing}
    if random is not None:
        fields["random"] = random
    ts = sandbox.clock.now_ms() + recipe.clock_offset_ms
    secret = (sandbox.secret_for(recipe.user_domain) if recipe.sign_with == "domain"
              else raw["other_secret"])
    signature = sign(phone=fields["phone"], code_type=fields["codeType"],
                     random=fields["random"], ts=ts, secret=secret)
    query = {"codeType": str(fields["codeType"]),  # the page's parameter order
             "internationalCode": str(fields["internationalCode"]),
             "phone": str(fields["phone"]), "random": str(fields["random"]),
             "signature": signature, "ts": str(ts), "userDomain": recipe.user_domain}
    if apply_after_signing:
        query.update(recipe.set_after_signing)
        for name in recipe.uppercase:
            query[name] = query[name].upper()
        for name in recipe.drop:
            query.pop(name, None)
    return query


def replay(item: Scenario, sandbox: Sandbox, *, reset: bool = True,
           session: requests.Session | None = None,
           timeout: float = 10.0) -> SendResult | SendError:
    """Send the scenario's request to ``sandbox`` over HTTP and return the answer as the
    client would judge it (the error is returned, not raised).

    ``reset=True`` clears the sandbox's outbox, rate history and faults first. Prior sends and
    injected failures are set up as the recipe says.
    """
    import requests

    http = session or requests.Session()
    try:
        if reset:
            sandbox.reset()
        recipe = item.request
        url = sandbox.base_url + ENDPOINT_PATH
        for index in range(recipe.prior_sends):
            fresh = new_random(_random.Random(f"{item.id}:{index}"))  # noqa: S311 - a nonce
            query = build_query(item, sandbox, random=fresh, apply_after_signing=False)
            answer = http.post(url, params=query, headers=REQUEST_HEADERS, timeout=timeout)
            if answer.json().get("code") != PlatformCode.SUCCESS:
                raise ScenarioError(f"{item.id}: prior send {index + 1} was answered "
                                    f"{answer.text[:200]}")
        if recipe.inject_failures:
            query = build_query(item, sandbox)
            sandbox.inject_failure(user_domain=recipe.user_domain, phone=query.get("phone"),
                                   count=recipe.inject_failures)
        query = build_query(item, sandbox)
        answer = http.post(url, params=query, headers=REQUEST_HEADERS, timeout=timeout)
        raw = RawResponse(status=answer.status_code, headers=dict(answer.headers),
                          body=answer.content)
        try:
            return interpret(raw)
        except SendError as error:
            return error
    finally:
        if session is None:
            http.close()


def _scenario(row: Mapping[str, Any], default_domain: str) -> Scenario:
    request = row.get("request", {})
    after = request.get("after_signing", {})
    unknown = set(request) - {"user_domain", "sign_with", "before_signing", "after_signing",
                              "clock_offset_ms", "inject_failures", "prior_sends"}
    if unknown:
        raise ValueError(f"scenario {row['id']!r}: unknown request keys {sorted(unknown)}")
    sign_with = request.get("sign_with", "domain")
    if sign_with not in SIGN_WITH:
        raise ValueError(f"scenario {row['id']!r}: sign_with must be one of {SIGN_WITH}")
    recipe = Recipe(
        user_domain=request.get("user_domain", default_domain),
        sign_with=sign_with,
        before_signing=dict(request.get("before_signing", {})),
        set_after_signing={k: str(v) for k, v in after.get("set", {}).items()},
        drop=tuple(after.get("drop", ())),
        uppercase=tuple(after.get("uppercase", ())),
        clock_offset_ms=int(request.get("clock_offset_ms", 0)),
        inject_failures=int(request.get("inject_failures", 0)),
        prior_sends=int(request.get("prior_sends", 0)),
    )
    return Scenario(id=row["id"], code=int(row["code"]), title=row["title"],
                    assumption=bool(row["assumption"]), note=row["note"], request=recipe,
                    title_zh=row["title_zh"])
