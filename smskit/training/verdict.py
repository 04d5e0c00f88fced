"""What a check answers: a short verdict, what is right, what is wrong and a hint, in zh and en.

A :class:`Verdict` never holds the expected answer, only judgements about the trainee's.
Its text and HTML are deterministic (no time, no addresses), so notebooks store them as
outputs. ``SMSKIT_LANG=zh`` or ``en`` shows one language; anything else shows both.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Literal

from smskit import i18n
from smskit._data import load_json

Status = Literal["passed", "wrong", "not_attempted"]
_MARKS = {"passed": "✓", "wrong": "✗", "not_attempted": "…"}
_COLOURS = {"passed": "#1a7f37", "wrong": "#b35900", "not_attempted": "#57606a"}


@dataclass(frozen=True)
class Text:
    """One text in both languages (the platform's Chinese terms in ``zh``)."""

    zh: str
    en: str

    def fill(self, **values: object) -> Text:
        """Replace ``{name}`` in both languages (a :class:`Text` value fills each with its own
        language); other braces stay as written."""
        zh, en = self.zh, self.en
        for name, value in values.items():
            key = f"{{{name}}}"
            if isinstance(value, Text):
                zh, en = zh.replace(key, value.zh), en.replace(key, value.en)
            else:
                zh, en = zh.replace(key, str(value)), en.replace(key, str(value))
        return Text(zh, en)

    def lines(self, language: str | None = None) -> list[str]:
        """The text as shown in ``language`` (``"zh"``, ``"en"``, or both, Chinese first)."""
        chosen = language or display_language()
        if chosen == "zh":
            return [self.zh]
        if chosen == "en":
            return [self.en]
        return [self.zh] if self.zh == self.en else [self.zh, self.en]

    def short(self, language: str | None = None) -> str:
        """The text on one line: ``"通过 / passed"`` when both languages are shown."""
        return " / ".join(self.lines(language))


def label(key: str) -> Text:
    """A fixed label of the verdicts (``"hint"``, ``"attempt"``, ``"placeholder"``)."""
    raw = load_json("exercises.json")["labels"][key]
    return Text(raw["zh"], raw["en"])


def display_language() -> str:
    """The language ``smskit.set_language`` chose, else ``"zh"`` or ``"en"`` from
    ``SMSKIT_LANG``, otherwise ``"both"``."""
    chosen = i18n.chosen_language() or os.environ.get("SMSKIT_LANG", "").strip().lower()
    return chosen if chosen in ("zh", "en") else "both"


def _colon(language: str | None) -> str:
    """The colon after a label: full-width after Chinese (``提示 1/3：``)."""
    return "：" if language == "zh" else ": "


@dataclass(frozen=True)
class Verdict:
    """A check's answer to one attempt at one exercise."""

    exercise: str
    status: Status
    #: The short verdict (通过 / passed, 还不对 / not yet right, 未作答 / not attempted yet).
    headline: Text
    #: Attempts checked so far in this session, this one included (0 when not attempted).
    attempt: int
    right: tuple[Text, ...] = ()
    wrong: tuple[Text, ...] = ()
    hint: Text | None = None
    #: Which hint of the mistake's sequence this is (1 = the gentlest) and how many it has.
    hint_level: int = 0
    hint_levels: int = 0
    #: The key of the mistake found (``"ts_seconds"``, ...), ``None`` when passed.
    mistake: str | None = None
    #: How many checks in a row (this one included) found this same mistake in this session.
    repeated: int = 0
    #: ``repeated`` reached the stuck threshold: the verdict suggests asking the trainer.
    stuck: bool = False

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def hint_label(self) -> Text:
        """提示 / hint (from ``smskit/data/exercises.json``)."""
        return label("hint")

    @property
    def attempt_label(self) -> Text:
        """第 {n} 次 / attempt {n}."""
        return label("attempt")

    def text(self, language: str | None = None) -> str:
        """The verdict as plain text, one finding per line."""
        head = f"{self.exercise} {_MARKS[self.status]} {self.headline.short(language)}"
        if self.attempt:
            head += f" ({self.attempt_label.fill(n=self.attempt).short(language)})"
        lines = [head]
        for mark, texts in (("✓", self.right), ("✗", self.wrong)):
            for text in texts:
                first, *rest = text.lines(language)
                lines += [f"  {mark} {first}", *(f"    {line}" for line in rest)]
        if self.hint is not None:
            label = f"{self.hint_label.short(language)} {self.hint_level}/{self.hint_levels}"
            first, *rest = self.hint.lines(language)
            lines += [f"  {label}{_colon(language)}{first}", *(f"    {line}" for line in rest)]
        if self.stuck:
            first, *rest = self.stuck_text.lines(language)
            lines += [f"  ⚑ {first}", *(f"    {line}" for line in rest)]
        return "\n".join(lines)

    @property
    def stuck_text(self) -> Text:
        """同一个错误已连续 {n} 次 / the same mistake {n} times in a row: ask the trainer."""
        return label("stuck").fill(n=self.repeated)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        language = display_language()
        colour = _COLOURS[self.status]
        head = html.escape(f"{self.exercise} {_MARKS[self.status]} "
                           f"{self.headline.short(language)}")
        if self.attempt:
            head += html.escape(f" ({self.attempt_label.fill(n=self.attempt).short(language)})")
        parts = [f'<div class="smskit-verdict smskit-verdict-{self.status}" '
                 f'style="border-left:4px solid {colour};padding:4px 10px">',
                 f'<div style="font-weight:bold;color:{colour}">{head}</div>']
        items = [("✓", text) for text in self.right] + [("✗", text) for text in self.wrong]
        if items:
            parts.append('<ul style="list-style:none;margin:4px 0;padding-left:0">')
            parts += [f"<li>{mark} {_html_lines(text, language)}</li>" for mark, text in items]
            parts.append("</ul>")
        if self.hint is not None:
            label = html.escape(f"{self.hint_label.short(language)} "
                                f"{self.hint_level}/{self.hint_levels}")
            parts.append(f"<div><b>{label}{_colon(language).rstrip()}</b> "
                         f"{_html_lines(self.hint, language)}</div>")
        if self.stuck:
            parts.append(f"<div>⚑ {_html_lines(self.stuck_text, language)}</div>")
        parts.append("</div>")
        return "".join(parts)


def _html_lines(text: Text, language: str) -> str:
    return "<br>".join(html.escape(line) for line in text.lines(language))
