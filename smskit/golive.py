"""Going live, as data: which credentials the environment holds, and a safety checklist.

:func:`credentials` reports which ``SMSKIT_*`` variables are set without ever returning the
secret's value, so a notebook can decide whether to call the real platform and say plainly
when it does not. :data:`CHECKLIST` is what to get right before real SMS are sent, each item
with the reason and the part of smskit that helps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from smskit import environment, regions
from smskit.platform_codes import PlatformCode as Code

#: The phone that receives a real SMS when the going-live notebook sends one. Opt-in: without
#: it no SMS is sent even when credentials are present.
TEST_PHONE_VAR = "SMSKIT_TEST_PHONE"
#: The variables :meth:`smskit.client.SmsClient.from_env` reads, in that order.
CREDENTIAL_VARS = (environment.BASE_URL_VAR, environment.USER_DOMAIN_VAR,
                   environment.SECRET_VAR)


@dataclass(frozen=True)
class Setting:
    """One environment variable: set or not, and what may be shown of it."""

    name: str
    is_set: bool
    #: What may be printed: the base URL (resolved if a region name), never the secret.
    shown: str

    def describe(self) -> str:
        return f"{self.name}: {self.shown}"


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
            found.append("All credentials are present: the live calls below will run.")
        else:
            found.append(self.skip_message())
        return found

    def skip_message(self) -> str:
        """The sentence a notebook prints instead of calling the platform."""
        if not any(setting.is_set for setting in self.settings):
            return ("No SMSKIT_* credentials in this environment: the live call below is "
                    "skipped.")
        return (f"Credentials incomplete ({', '.join(self.missing)} not set): the live call "
                "below is skipped.")


def credentials(environ: Mapping[str, str] | None = None) -> Credentials:
    """What the environment (``os.environ`` by default) holds for going live."""
    base_url = environment.read(environment.BASE_URL_VAR, environ)
    settings = [Setting(environment.BASE_URL_VAR, base_url is not None,
                        _describe_base_url(base_url))]
    for name in (environment.USER_DOMAIN_VAR, environment.SECRET_VAR):
        value = environment.read(name, environ)
        hidden = " (value hidden)" if name == environment.SECRET_VAR else ""
        settings.append(Setting(name, value is not None,
                                f"set{hidden}" if value is not None else "not set"))
    return Credentials(tuple(settings))


def opted_in_phone(environ: Mapping[str, str] | None = None) -> str | None:
    """The opted-in phone (:data:`TEST_PHONE_VAR`) for a real send, or ``None``."""
    return environment.read(TEST_PHONE_VAR, environ)


def _describe_base_url(value: str | None) -> str:
    if value is None:
        return "not set"
    if "://" in value:
        return f"set ({value})"
    region = regions.regions().get(value.strip().casefold())
    if region is None:
        return f"set to {value!r}, which is neither a URL nor a region name"
    return f"set (region {region.name}: {region.base_url})"


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to get right before going live."""

    title: str
    why: str
    #: What in smskit helps (or what to do).
    how: str

    def describe(self) -> str:
        return f"{self.title}\n    why: {self.why}\n    how: {self.how}"


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "Keep userDomainSecret out of code, logs, notebooks and command lines",
        "Whoever has it can send SMS in your name and at your cost.",
        "Read it from SMSKIT_USER_DOMAIN_SECRET (SmsClient.from_env); the client, its errors "
        "and its curl export never show it. Never print it, not even to check it."),
    ChecklistItem(
        "Never resend a request that may have reached the platform",
        "Sending an SMS is not idempotent: a resend after a timeout can deliver a second code, "
        "and only the newest code is valid.",
        f"DeliveryUnknown and {Code.SEND_FAILED} have retry_safe == False: let the end user "
        "ask again. Only ConnectionFailed (nothing left) is safe to retry; the client never "
        "retries by itself."),
    ChecklistItem(
        f"Respect {Code.RATE_LIMITED} 短信发送超出频率 (SMS sending rate exceeded)",
        "The platform limits sends per phone and does not publish the numbers.",
        "Catch RateLimited, show the end user a countdown (60 s is common) and do not resend; "
        "the last code sent stays valid for 5 minutes."),
    ChecklistItem(
        "Keep the clock in sync (NTP)",
        "ts must be within 10 minutes of the platform's time, or every request is refused.",
        "ClockSkewError carries clock_skew_ms; SmsClient.measure_clock_skew() measures it "
        "without sending an SMS."),
    ChecklistItem(
        "Use the region where the user domain was created",
        f"A user domain exists in one data centre; the other answers {Code.DOMAIN_UNKNOWN} "
        "用户域不存在 (user domain does not exist).",
        "SMSKIT_BASE_URL=china or europe (or the full URL); smskit.regions lists them."),
    ChecklistItem(
        "Validate input before sending",
        "A bad phone or codeType costs a round trip and shows the end user a platform error.",
        "build_request / SmsClient.prepare raise InputError naming every bad field; nothing is "
        "sent then."),
    ChecklistItem(
        "Send only to phones that asked for a code, and tell the user what happened",
        "Every send is a real SMS to a real person, and it is billed.",
        "Send on an explicit user action; turn errors into their remedy (ApiError.remedy, in "
        "English, with the platform's Chinese msg kept verbatim)."),
    ChecklistItem(
        f"Fix {Code.SMS_SIGNATURE_ID_MISSING}-{Code.SMS_ID_TYPE_MISMATCH} in the platform "
        "console, not in code",
        "They concern the SMS account, signature and template configured for the user domain.",
        "SmsConfigError: send the remedy to whoever administers the user domain."),
)
