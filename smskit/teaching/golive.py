"""Going live, as data: which credentials the environment holds, and a safety checklist.

:func:`credentials` reports which ``SMSKIT_*`` variables are set without ever returning the
secret's value, so a notebook can decide whether to call the real platform and say plainly
when it does not. :data:`CHECKLIST` is what to get right before real SMS are sent, each item
with the reason and the part of smskit that helps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from smskit import environment, i18n, regions
from smskit.catalogue import lookup
from smskit.platform_codes import PlatformCode as Code

#: The phone that receives a real SMS when the going-live notebook sends one. Opt-in: without
#: it no SMS is sent even when credentials are present.
TEST_PHONE_VAR = "SMSKIT_TEST_PHONE"


@dataclass(frozen=True)
class Setting:
    """One environment variable: set or not, and what may be shown of it."""

    name: str
    is_set: bool
    #: What may be printed: the base URL (resolved if a region name), never the secret.
    shown: str

    def describe(self) -> str:
        return i18n.t("golive.setting", name=self.name, shown=self.shown)


@dataclass(frozen=True)
class Credentials:
    """Which credential variables are set. Holds no secret, only whether it is set."""

    settings: tuple[Setting, ...]

    @property
    def ready(self) -> bool:
        """All three are set: :meth:`SmsClient.from_env` can build a client."""
        return all(setting.is_set for setting in self.settings)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(setting.name for setting in self.settings if not setting.is_set)

    def lines(self) -> list[str]:
        """One line per variable, then what that means for the live calls."""
        found = [setting.describe() for setting in self.settings]
        if self.ready:
            found.append(i18n.t("golive.ready"))
        else:
            found.append(self.skip_message())
        return found

    def skip_message(self) -> str:
        """The sentence a notebook prints instead of calling the platform."""
        if not any(setting.is_set for setting in self.settings):
            return i18n.t("golive.skip.none")
        return i18n.t("golive.skip.incomplete", missing=", ".join(self.missing))


def credentials(environ: Mapping[str, str] | None = None) -> Credentials:
    """What the environment (``os.environ`` by default) holds for going live."""
    base_url = environment.read(environment.BASE_URL_VAR, environ)
    settings = [Setting(environment.BASE_URL_VAR, base_url is not None,
                        _describe_base_url(base_url))]
    for name in (environment.USER_DOMAIN_VAR, environment.SECRET_VAR):
        value = environment.read(name, environ)
        shown = i18n.t("golive.set_hidden" if name == environment.SECRET_VAR else "golive.set")
        settings.append(Setting(name, value is not None,
                                shown if value is not None else i18n.t("golive.not_set")))
    return Credentials(tuple(settings))


def opted_in_phone(environ: Mapping[str, str] | None = None) -> str | None:
    """The opted-in phone (:data:`TEST_PHONE_VAR`) for a real send, or ``None``."""
    return environment.read(TEST_PHONE_VAR, environ)


def _describe_base_url(value: str | None) -> str:
    if value is None:
        return i18n.t("golive.not_set")
    if "://" in value:
        return i18n.t("golive.set_url", url=value)
    region = regions.regions().get(value.strip().casefold())
    if region is None:
        return i18n.t("golive.set_unknown", value=repr(value))
    return i18n.t("golive.set_region", region=region.name, url=region.base_url)


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to get right before going live, in the kit's language when read."""

    #: Its key in ``smskit/data/messages.json`` (``golive.checklist.<key>.title``, ``.why``…).
    key: str
    #: Values of the texts' placeholders (the platform's codes).
    values: tuple[tuple[str, object], ...] = ()

    def _text(self, part: str) -> str:
        return i18n.t(f"golive.checklist.{self.key}.{part}", None, **dict(self.values))

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def why(self) -> str:
        return self._text("why")

    @property
    def how(self) -> str:
        """What in smskit helps (or what to do)."""
        return self._text("how")

    def describe(self) -> str:
        return i18n.t("golive.checklist.describe", title=self.title, why=self.why, how=self.how)


def platform_msg(code: Code) -> str:
    """The platform's own Chinese ``msg`` for ``code`` (verbatim, in every language)."""
    entry = lookup(code)
    return entry.zh if entry else ""


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("secret"),
    ChecklistItem("no_resend", (("send_failed", int(Code.SEND_FAILED)),)),
    ChecklistItem("rate_limit", (("rate_limited", int(Code.RATE_LIMITED)),
                                 ("msg", platform_msg(Code.RATE_LIMITED)))),
    ChecklistItem("clock"),
    ChecklistItem("region", (("domain_unknown", int(Code.DOMAIN_UNKNOWN)),
                             ("msg", platform_msg(Code.DOMAIN_UNKNOWN)))),
    ChecklistItem("validate"),
    ChecklistItem("consent"),
    ChecklistItem("console", (("first", int(Code.SMS_SIGNATURE_ID_MISSING)),
                              ("last", int(Code.SMS_ID_TYPE_MISMATCH)))),
)
