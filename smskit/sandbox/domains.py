"""The sandbox's user domains and the platform-side SMS configuration behind each one.

Read from ``smskit/data/sandbox_domains.json``. A domain has a status (5104 when disabled), a
sandbox-only secret, and an SMS configuration: an enterprise SMS account, a signature ID and
a template ID. :meth:`DomainTable.sms_fault` derives 5117-5216 from that model (who owns
what, what is shared, disabled, missing, or of another type) instead of mapping a domain
name to a code.

Sandbox assumptions (the page lists the codes, not the model): a signature or template is
usable when the domain's account owns it or is in its ``shared_with``; checks run in the
order 5117, 5118, 5188, 5128, 5202, 5122, 5123, 5209, 5124, 5125, 5126, 5216.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from smskit import i18n
from smskit._data import load_json
from smskit.errors import UnknownName
from smskit.platform_codes import PlatformCode

ACTIVE, DISABLED = "active", "disabled"
_STATUSES = (ACTIVE, DISABLED)
DATA_FILE = "sandbox_domains.json"


@dataclass(frozen=True)
class SmsAccount:
    """An enterprise SMS account on the platform."""

    id: str
    status: str


@dataclass(frozen=True)
class SmsAsset:
    """A signature or a template: owned by one account, possibly shared with others."""

    id: str
    account: str
    status: str
    #: ``"domestic"`` or ``"international"``; a signature and template must agree (5216).
    type: str
    shared_with: tuple[str, ...] = ()

    def usable_by(self, account: str) -> bool:
        return account == self.account or account in self.shared_with


@dataclass(frozen=True)
class SmsConfig:
    """What a user domain is configured to send with; ``None`` means not configured."""

    account: str | None
    signature: str | None
    template: str | None


@dataclass(frozen=True)
class SandboxDomain:
    """One sandbox user domain. Its secret never appears in ``repr``."""

    name: str
    status: str
    sms: SmsConfig
    description: str = ""
    secret: str = field(default="", repr=False)

    @property
    def enabled(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class SmsFault:
    """Why a domain's SMS configuration cannot send: the platform code and an explanation
    (an ``i18n`` key under ``sandbox.sms.`` and its values)."""

    code: int
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def explanation(self, lang: str | None = None) -> str:
        """The explanation in ``lang`` (default: :func:`smskit.i18n.language`)."""
        return i18n.t(f"sandbox.sms.{self.key}", lang, **dict(self.values))


class DomainTable:
    """The sandbox's domains with the accounts, signatures and templates they refer to."""

    def __init__(
        self,
        domains: Mapping[str, SandboxDomain],
        *,
        accounts: Mapping[str, SmsAccount],
        signatures: Mapping[str, SmsAsset],
        templates: Mapping[str, SmsAsset],
        demo_domain: str,
    ) -> None:
        if demo_domain not in domains:
            raise ValueError(f"demo domain {demo_domain!r} is not among the domains")
        self._domains = dict(domains)
        self.accounts = dict(accounts)
        self.signatures = dict(signatures)
        self.templates = dict(templates)
        #: The healthy domain that examples use.
        self.demo_domain = demo_domain

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DomainTable:
        """Build a table from the structure of ``smskit/data/sandbox_domains.json``."""
        accounts = {key: SmsAccount(key, _status(value["status"], key))
                    for key, value in raw["accounts"].items()}
        signatures = {key: _asset(key, value) for key, value in raw["signatures"].items()}
        templates = {key: _asset(key, value) for key, value in raw["templates"].items()}
        domains: dict[str, SandboxDomain] = {}
        for row in raw["domains"]:
            name = row["name"]
            if name in domains:
                raise ValueError(f"sandbox domain {name!r} is defined twice")
            sms = row.get("sms") or {}
            domains[name] = SandboxDomain(
                name=name,
                status=_status(row["status"], name),
                sms=SmsConfig(sms.get("account"), sms.get("signature"), sms.get("template")),
                description=row.get("description", ""),
                secret=row["secret"],
            )
        return cls(domains, accounts=accounts, signatures=signatures, templates=templates,
                   demo_domain=raw["demo_domain"])

    def get(self, name: str) -> SandboxDomain | None:
        return self._domains.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._domains

    def __iter__(self) -> Iterator[SandboxDomain]:
        return iter(self._domains.values())

    def __len__(self) -> int:
        return len(self._domains)

    def names(self) -> tuple[str, ...]:
        return tuple(self._domains)

    def secret_for(self, name: str) -> str:
        """The domain's sandbox-only secret; :class:`UnknownName` (a ``KeyError``) if unknown."""
        domain = self._domains.get(name)
        if domain is None:
            raise UnknownName("domain", name, self.names())
        return domain.secret

    def sms_fault(self, domain: SandboxDomain) -> SmsFault | None:
        """The first problem with the domain's SMS configuration, or ``None`` if it can send."""
        sms, code = domain.sms, PlatformCode

        def fault(number: int, key: str, **values: str | None) -> SmsFault:
            shown = {name: repr(value) for name, value in values.items()}
            return SmsFault(number, key, (("domain", repr(domain.name)), *shown.items()))

        if sms.signature is None:
            return fault(code.SMS_SIGNATURE_ID_MISSING, "signature_missing")
        if sms.template is None:
            return fault(code.SMS_TEMPLATE_ID_MISSING, "template_missing")
        account = self.accounts.get(sms.account) if sms.account else None
        if account is None:
            if sms.account:
                return fault(code.SMS_ACCOUNT_UNKNOWN, "account_unknown", account=sms.account)
            return fault(code.SMS_ACCOUNT_UNKNOWN, "account_missing")
        if account.status != ACTIVE:
            return fault(code.SMS_ACCOUNT_DISABLED, "account_disabled", account=account.id)
        signature = _usable_asset("signature", sms.signature, self.signatures, account.id, fault)
        if isinstance(signature, SmsFault):
            return signature
        template = _usable_asset("template", sms.template, self.templates, account.id, fault)
        if isinstance(template, SmsFault):
            return template
        if signature.account != template.account:
            return fault(code.SMS_ACCOUNT_MISMATCH, "account_mismatch", signature=signature.id,
                         signature_account=signature.account, template=template.id,
                         template_account=template.account)
        if signature.type != template.type:
            return SmsFault(code.SMS_ID_TYPE_MISMATCH, "type_mismatch", (
                ("domain", repr(domain.name)), ("signature", repr(signature.id)),
                ("signature_type", signature.type), ("template", repr(template.id)),
                ("template_type", template.type)))
        return None

    def __repr__(self) -> str:
        return f"DomainTable({', '.join(self._domains)})"


#: A signature's or template's faults: unknown, not the account's to use, disabled.
_ASSET_CODES = {
    "signature": (PlatformCode.SMS_SIGNATURE_UNKNOWN, PlatformCode.SMS_SIGNATURE_ID_FORBIDDEN,
                  PlatformCode.SMS_SIGNATURE_ID_DISABLED),
    "template": (PlatformCode.SMS_TEMPLATE_UNKNOWN, PlatformCode.SMS_TEMPLATE_ID_FORBIDDEN,
                 PlatformCode.SMS_TEMPLATE_ID_DISABLED),
}


def _usable_asset(kind: str, wanted: str, assets: Mapping[str, SmsAsset], account: str,
                  fault: Callable[..., SmsFault]) -> SmsAsset | SmsFault:
    """The configured signature or template (``kind``), or the fault that stops the account
    sending with it: it does not exist, belongs to an account this one may not use, or is
    disabled."""
    unknown, forbidden, disabled = _ASSET_CODES[kind]
    asset = assets.get(wanted)
    if asset is None:
        return fault(unknown, f"{kind}_unknown", **{kind: wanted})
    if not asset.usable_by(account):
        return fault(forbidden, f"{kind}_forbidden", **{kind: asset.id},
                     owner=asset.account, account=account)
    if asset.status != ACTIVE:
        return fault(disabled, f"{kind}_disabled", **{kind: asset.id})
    return asset


def load_domains() -> DomainTable:
    """The sandbox's domains as shipped in ``smskit/data/sandbox_domains.json``."""
    return DomainTable.from_dict(load_json(DATA_FILE))


def secret_for(name: str) -> str:
    """The shipped sandbox domain's sandbox-only secret (for ``export ...="$(...)"``)."""
    return load_domains().secret_for(name)


def _status(value: str, where: str) -> str:
    if value not in _STATUSES:
        raise ValueError(f"{where}: status must be one of {_STATUSES}, not {value!r}")
    return value


def _asset(key: str, raw: Mapping[str, Any]) -> SmsAsset:
    return SmsAsset(id=key, account=raw["account"], status=_status(raw["status"], key),
                    type=raw["type"], shared_with=tuple(raw.get("shared_with", ())))
