"""The sandbox's rate limit (5058): a policy of two sliding windows, and their counts.

Sandbox assumption: the page lists 5058 but publishes no numbers. The defaults in
``smskit/data/sandbox_policy.json`` are 1 send per phone and codeType per 60 s and 5 sends per
phone per hour, counted per user domain + international code + phone, accepted sends only.
The limiter holds no lock of its own: :class:`~smskit.sandbox.state.SandboxState` calls it
inside the lock that also covers delivery, so check-and-record is atomic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smskit import i18n
from smskit.i18n import seconds_text
from smskit.sandbox.policy import policy_value

#: (user domain, international code, phone, codeType): the short window's key.
CodeKey = tuple[str, str, str, int]
#: (user domain, international code, phone): the long window's key.
PhoneKey = tuple[str, str, str]
_SWEEP_EVERY = 1024


def _default(section: str, *path: str) -> Callable[[], Any]:
    return lambda: policy_value(section, *path)


@dataclass(frozen=True, kw_only=True)
class RatePolicy:
    """When 5058 is answered. Defaults come from ``smskit/data/sandbox_policy.json``.

    Two sliding windows, counting accepted sends only: at most ``per_code_type_max`` per
    phone and codeType within ``per_code_type_window_ms``, and at most ``per_phone_max`` per
    phone within ``per_phone_window_ms``. ``None`` as a maximum switches that window off.
    """

    per_code_type_max: int | None = field(
        default_factory=_default("rate_limit", "per_code_type", "max_sends"))
    per_code_type_window_ms: int = field(
        default_factory=_default("rate_limit", "per_code_type", "window_ms"))
    per_phone_max: int | None = field(
        default_factory=_default("rate_limit", "per_phone", "max_sends"))
    per_phone_window_ms: int = field(
        default_factory=_default("rate_limit", "per_phone", "window_ms"))

    def __post_init__(self) -> None:
        for name in ("per_code_type_max", "per_phone_max"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value < 1):
                raise ValueError(f"RatePolicy.{name} must be an int >= 1 or None, not {value!r}")
        for name in ("per_code_type_window_ms", "per_phone_window_ms"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"RatePolicy.{name} must be an int >= 1 (ms), not {value!r}")

    @classmethod
    def unlimited(cls) -> RatePolicy:
        """A policy that never answers 5058."""
        return cls(per_code_type_max=None, per_phone_max=None)

    def describe(self, lang: str | None = None) -> str:
        """``"at most 1 per phone and codeType per 60 s; at most 5 per phone per 3600 s"``,
        in ``lang`` (default: :func:`smskit.i18n.language`)."""
        parts = []
        if self.per_code_type_max is not None:
            parts.append(i18n.t("sandbox.policy.per_code_type", lang,
                                most=self.per_code_type_max,
                                window=_window(self.per_code_type_window_ms)))
        if self.per_phone_max is not None:
            parts.append(i18n.t("sandbox.policy.per_phone", lang, most=self.per_phone_max,
                                window=_window(self.per_phone_window_ms)))
        return i18n.t("errors.separator", lang).join(parts) or i18n.t("sandbox.policy.none",
                                                                       lang)


@dataclass(frozen=True)
class RateRefusal:
    """A send refused with 5058: which window, and how long until a send would be accepted."""

    window: str
    max_sends: int
    window_ms: int
    retry_after_ms: int

    def describe(self, lang: str | None = None) -> str:
        """Which limit refused, and when a send is possible again, in ``lang`` (default:
        :func:`smskit.i18n.language`)."""
        scope = (i18n.t("sandbox.rate_scope_code_type", lang) if self.window == "per_code_type"
                 else i18n.t("sandbox.rate_scope_phone", lang))
        return i18n.t("sandbox.rate_refusal", lang, max_sends=self.max_sends, scope=scope,
                      window=_window(self.window_ms),
                      retry=i18n.Duration(self.retry_after_ms,
                                          f"{math.ceil(self.retry_after_ms / 100) / 10:.1f} s",
                                          round_up=True))


def _window(ms: int) -> i18n.Duration:
    """A policy's window: ``"60 s"`` in English, ``"1 分钟"`` in Chinese."""
    return i18n.Duration(ms, seconds_text(ms))


class RateLimiter:
    """Sliding-window counts of accepted sends. Not locked itself: the state's lock covers it."""

    def __init__(self, policy: RatePolicy) -> None:
        self.policy = policy
        self._by_code_type: dict[CodeKey, list[int]] = {}
        self._by_phone: dict[PhoneKey, list[int]] = {}
        self._records_since_sweep = 0

    def refusal(self, key: CodeKey, now_ms: int) -> RateRefusal | None:
        """Why a send for ``key`` at ``now_ms`` would exceed the policy, or ``None``."""
        policy = self.policy
        windows: tuple[tuple[str, dict[Any, list[int]], Any, int | None, int], ...] = (
            ("per_code_type", self._by_code_type, key, policy.per_code_type_max,
             policy.per_code_type_window_ms),
            ("per_phone", self._by_phone, key[:3], policy.per_phone_max,
             policy.per_phone_window_ms),
        )
        for name, history, history_key, max_sends, window_ms in windows:
            if max_sends is None:
                continue
            recent = self._recent(history, history_key, now_ms, window_ms)
            if len(recent) >= max_sends:
                # The send that must leave the window before one more fits.
                leaving = sorted(recent)[len(recent) - max_sends]
                return RateRefusal(name, max_sends, window_ms, leaving + window_ms - now_ms)
        return None

    def record(self, key: CodeKey, now_ms: int) -> None:
        # A window that is switched off (max None) is never read, so nothing is kept for it.
        if self.policy.per_code_type_max is not None:
            self._by_code_type.setdefault(key, []).append(now_ms)
        if self.policy.per_phone_max is not None:
            self._by_phone.setdefault(key[:3], []).append(now_ms)
        self._records_since_sweep += 1
        if self._records_since_sweep >= _SWEEP_EVERY:  # forget phones that went quiet
            self._records_since_sweep = 0
            for history, window_ms in ((self._by_code_type, self.policy.per_code_type_window_ms),
                                       (self._by_phone, self.policy.per_phone_window_ms)):
                for stale_key in list(history):
                    self._recent(history, stale_key, now_ms, window_ms)

    def clear(self) -> None:
        self._by_code_type.clear()
        self._by_phone.clear()

    @staticmethod
    def _recent(history: dict[Any, list[int]], key: Any, now_ms: int, window_ms: int) -> list[int]:
        # A send at t counts while now < t + window; sends "in the future" (a clock moved
        # back) keep counting.
        kept = [t for t in history.get(key, ()) if t + window_ms > now_ms]
        if kept:
            history[key] = kept
        else:
            history.pop(key, None)
        return kept
